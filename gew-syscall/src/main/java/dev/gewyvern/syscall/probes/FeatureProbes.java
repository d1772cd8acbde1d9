package dev.gewyvern.syscall.probes;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.gewyvern.btf.BtfWriter;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.attr.BtfLoadAttr;
import dev.gewyvern.syscall.attr.LinkCreateAttr;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.TokenCreateAttr;

/**
 * Loader features: what a loader has to know beyond types and helpers (the bpf_link and token commands, the BTF
 * kinds it must sanitize away, global data, BPF cookies, module BTF, whether BPF memory is charged to the
 * memory cgroup rather than RLIMIT_MEMLOCK), each probed as libbpf probes it.
 */
final class FeatureProbes {
    private FeatureProbes() {
    }

    static void probe(CapabilityProbes run) {
        Capability.Category f = Capability.Category.FEATURE;
        run.add(f, "", "bpf_syscall", Support.supported("BPF_MAP_CREATE of an array map"));
        run.add(f, "", "bpf_link", linkCreate());
        for (BtfKindProbe k : BtfKindProbe.values()) {
            run.add(f, "", "btf_" + k.name().toLowerCase(Locale.ROOT), btfKind(k));
        }
        run.add(f, "", "global_data", globalData(run));
        run.add(f, "", "ringbuf", run.mapType("ringbuf"));
        run.add(f, "", "bpf_cookie", HelperProbes.probe(run, "tracepoint", "get_attach_cookie"));
        run.add(f, "", "module_btf", moduleBtf(run));
        Support memcg = HelperProbes.probe(run, "socket_filter", "ktime_get_coarse_ns");
        run.add(f, "", "memcg_accounting", memcg.isSupported()
                ? Support.supported("bpf_ktime_get_coarse_ns arrived with memcg accounting (5.11), as libbpf probes it")
                : Support.notSupported(Support.Why.ABSENT, "no bpf_ktime_get_coarse_ns: kernel before 5.11, "
                + "so RLIMIT_MEMLOCK limits BPF memory"));
        run.add(f, "", "bpf_token", token());
    }

    private static Support linkCreate() {
        Kernel.Result r = Kernel.get().bpf(new LinkCreateAttr(-1, -1, 0, 0, 0));
        if (r.errno() == Errno.EBADF) {
            return Support.supported("BPF_LINK_CREATE with no program gets EBADF: the command exists");
        }
        if (r.errno() == Errno.EINVAL) {
            return Support.notSupported(Support.Why.ABSENT, "BPF_LINK_CREATE is an unknown command (EINVAL)");
        }
        return Support.inconclusive("BPF_LINK_CREATE with no program got " + Errno.name(r.errno()));
    }

    private static Support token() {
        Kernel.Result r = Kernel.get().bpf(new TokenCreateAttr(0, -1));
        if (r.errno() == Errno.EBADF) {
            return Support.supported("BPF_TOKEN_CREATE with no bpffs gets EBADF: the command exists");
        }
        if (r.errno() == Errno.EINVAL) {
            return Support.notSupported(Support.Why.ABSENT, "BPF_TOKEN_CREATE is an unknown command (EINVAL)");
        }
        return Support.inconclusive("BPF_TOKEN_CREATE with no bpffs got " + Errno.name(r.errno()));
    }

    private static Support moduleBtf(CapabilityProbes run) {
        int modules = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/kernel/btf"))) {
            for (Path p : ds) {
                if (!p.getFileName().toString().equals("vmlinux")) {
                    modules++;
                }
            }
        } catch (IOException e) {
            return Support.notSupported(Support.Why.CONFIG_MISSING, "no /sys/kernel/btf (CONFIG_DEBUG_INFO_BTF off)");
        }
        if (modules > 0) {
            return Support.supported(modules + " module BTFs in /sys/kernel/btf");
        }
        if (run.configOff("CONFIG_DEBUG_INFO_BTF_MODULES")) {
            return Support.notSupported(Support.Why.CONFIG_MISSING, "CONFIG_DEBUG_INFO_BTF_MODULES off");
        }
        return Support.supported("no module BTFs loaded (/sys/kernel/btf holds only vmlinux)");
    }

    /** libbpf's probe_kern_global_data: a socket filter storing through a pointer into an array map's value. */
    private static Support globalData(CapabilityProbes run) {
        try (Fd map = Bpf.createMap(MapCreateAttr.of(MapType.ARRAY, 4, 32, 1).withName("gew_probe_gd"))) {
            byte[] insns = new ProbeProgram.Insns()
                    .insn(0x18, 1, 2, 0, map.value()).insn(0, 0, 0, 0, 16) // r1 = &value[16] (BPF_PSEUDO_MAP_VALUE)
                    .insn(0x7a, 1, 0, 0, 42)                               // *(u64 *)(r1 + 0) = 42
                    .insn(0xb7, 0, 0, 0, 0).insn(0x95, 0, 0, 0, 0).bytes();
            ProbeProgram p = ProbeProgram.load(1, 0, insns, 0, 0, 0);
            return p.loaded() ? Support.supported("a program wrote through a map-value pointer")
                    : ProbeRefusal.of(run, p, "global data (BPF_PSEUDO_MAP_VALUE)", null);
        } catch (BpfException e) {
            return Support.inconclusive(e.getMessage());
        }
    }

    private static Support btfKind(BtfKindProbe k) {
        NativeArg.In data = new NativeArg.In(BtfWriter.write(k.types(), ByteOrder.nativeOrder()));
        Kernel.Result r = Kernel.get().bpf(new BtfLoadAttr(data, null, 0));
        if (r.value() >= 0) {
            new Fd((int) r.value(), "btf").close();
            return Support.supported("BPF_BTF_LOAD of a BTF with it");
        }
        if (r.errno() == Errno.EINVAL) {
            return Support.notSupported(Support.Why.ABSENT, "BPF_BTF_LOAD refuses BTF with it (EINVAL): a loader must "
                    + "sanitize it away");
        }
        if (r.errno() == Errno.EPERM) {
            return Support.notSupported(Support.Why.REFUSED_BY_POLICY, "BPF_BTF_LOAD as root got EPERM");
        }
        return Support.inconclusive("BPF_BTF_LOAD got " + Errno.name(r.errno()));
    }
}

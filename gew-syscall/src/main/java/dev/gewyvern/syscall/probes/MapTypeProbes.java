package dev.gewyvern.syscall.probes;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import dev.gewyvern.btf.BtfType;
import dev.gewyvern.btf.BtfWriter;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.attr.MapCreateAttr;

/**
 * Map types: every type in the kernel's enum bpf_map_type, each probed by creating the smallest valid map of
 * it, with the sizes, flags and BTF that type needs (libbpf's {@code probe_map_create}).
 */
final class MapTypeProbes {
    private static final int BPF_F_NO_PREALLOC = 1;
    private static final int BPF_F_MMAPABLE = 1 << 10;

    private MapTypeProbes() {
    }

    static void probe(CapabilityProbes run) {
        Map<String, Integer> types = run.kernel.mapTypes();
        for (Map.Entry<String, Integer> e : types.entrySet()) {
            // an old name kept as an alias of a new one (cgroup_storage_deprecated = cgroup_storage) is one type
            String renamed = e.getKey().replace("_deprecated", "");
            if (e.getKey().equals("unspec") || !renamed.equals(e.getKey()) && e.getValue().equals(types.get(renamed))) {
                continue;
            }
            run.add(Capability.Category.MAP_TYPE, "", e.getKey(), probe(e.getKey(), e.getValue()));
        }
    }

    private static Support probe(String name, int type) {
        int key = 4;
        int value = 4;
        int max = 1;
        int flags = 0;
        int btfKey = 0;
        int btfValue = 0;
        int vmlinuxValue = 0;
        int expectErrno = 0;
        Fd btf = null;
        Fd inner = null;
        try {
            switch (name) {
                case "stack_trace": value = 8; break;
                case "lpm_trie": key = 8; value = 8; flags = BPF_F_NO_PREALLOC; break;
                case "cgroup_storage": case "percpu_cgroup_storage": key = 16; value = 8; max = 0; break;
                case "queue": case "stack": case "bloom_filter": key = 0; break;
                case "sk_storage": case "inode_storage": case "task_storage": case "cgrp_storage":
                    btf = Bpf.loadBtf(localStorageBtf(), "the local-storage probe's BTF");
                    btfKey = 1;
                    btfValue = 3;
                    value = 8;
                    max = 0;
                    flags = BPF_F_NO_PREALLOC;
                    break;
                case "ringbuf": case "user_ringbuf": key = 0; value = 0; max = 4096; break;
                case "struct_ops": vmlinuxValue = 1; expectErrno = Errno.ENOTSUPP; break;
                case "arena": key = 0; value = 0; max = 1; flags = BPF_F_MMAPABLE; break;
                case "array_of_maps": case "hash_of_maps":
                    inner = Bpf.createMap(MapCreateAttr.of(MapType.HASH, 4, 4, 1).withName("gew_probe_in"));
                    break;
                default: break;
            }
            MapCreateAttr attr = MapCreateAttr.of(type, key, value, max).withFlags(flags)
                    .withInnerMap(inner == null ? 0 : inner.value()).withName("gew_probe")
                    .withBtf(btf == null ? 0 : btf.value(), btfKey, btfValue).withVmlinuxValueType(vmlinuxValue);
            Kernel.Result r = Kernel.get().bpf(attr);
            if (r.value() >= 0) {
                new Fd((int) r.value(), "map").close();
                return expectErrno == 0 ? Support.supported("")
                        : Support.inconclusive("created where the probe expected " + Errno.name(expectErrno));
            }
            if (expectErrno != 0 && r.errno() == expectErrno) {
                return Support.supported("probe reached the type's own check (" + Errno.name(expectErrno) + ")");
            }
            if (r.errno() == Errno.EPERM) {
                return Support.notSupported(Support.Why.REFUSED_BY_POLICY, "BPF_MAP_CREATE as root got EPERM");
            }
            if (r.errno() == Errno.EINVAL) {
                return Support.notSupported(Support.Why.ABSENT, "BPF_MAP_CREATE of the smallest valid map got "
                        + "EINVAL: not built into this kernel");
            }
            return Support.inconclusive("BPF_MAP_CREATE got " + Errno.name(r.errno()));
        } catch (BpfException e) {
            return Support.inconclusive(e.getMessage());
        } finally {
            if (btf != null) {
                btf.close();
            }
            if (inner != null) {
                inner.close();
            }
        }
    }

    /** int; struct bpf_spin_lock { int val; }; struct val { int cnt; struct bpf_spin_lock l; } (libbpf's). */
    private static byte[] localStorageBtf() {
        return BtfWriter.write(List.of(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32),
                new BtfType.Struct("bpf_spin_lock", 4, false, false, List.of(new BtfType.Member("val", 1, 0, 0))),
                new BtfType.Struct("val", 8, false, false,
                        List.of(new BtfType.Member("cnt", 1, 0, 0), new BtfType.Member("l", 2, 32, 0)))),
                ByteOrder.nativeOrder());
    }
}

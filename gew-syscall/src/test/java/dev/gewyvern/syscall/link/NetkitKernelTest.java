package dev.gewyvern.syscall.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.ProgType;
import dev.gewyvern.syscall.Asm;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.Kernel;
import dev.gewyvern.syscall.KernelTestSupport;
import dev.gewyvern.syscall.LinkInfo;
import dev.gewyvern.syscall.VethPair;
import dev.gewyvern.syscall.attr.AttrLayoutKernelTest;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.NetkitLinkAttr;
import dev.gewyvern.syscall.attr.PerfEventAttr;
import dev.gewyvern.syscall.attr.ProgLoadAttr;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import dev.gewyvern.syscall.probes.Support;
import org.junit.jupiter.api.Test;

/**
 * netkit links: the BPF_LINK_CREATE layout held against the kernel's bpf_attr, and the capability report.
 * Where the report says netkit is not supported, the kernel must agree: a kernel without the netkit link
 * type has none of its names, and one built without CONFIG_NETKIT refuses to make a netkit device. Where
 * it is supported, a program is linked to a device pair's primary for real, and closing the link removes it.
 */
class NetkitKernelTest {
    @Test
    void theLinkLayoutMatchesTheKernelsBpfAttr() throws Exception {
        new AttrLayoutKernelTest().fieldOffsetsMatchTheKernel(NetkitLinkAttr.LAYOUT);
        var btf = KernelTestSupport.vmlinux();
        if (KernelTypes.running().linkTypes().get("netkit") == null) {
            return; // a kernel older than netkit: its names are checked where the kernel has them
        }
        assertTrue(AttrLayoutKernelTest.enumValue(btf, "bpf_attach_type", "BPF_NETKIT_PRIMARY") > 0);
        assertTrue(AttrLayoutKernelTest.enumValue(btf, "bpf_attach_type", "BPF_NETKIT_PEER") > 0);
        assertTrue(AttrLayoutKernelTest.enumValue(btf, "bpf_link_type", "BPF_LINK_TYPE_NETKIT") > 0);
        assertEquals(PerfEventAttr.PERF_TYPE_HARDWARE, AttrLayoutKernelTest.enumValue(btf, "perf_type_id",
                "PERF_TYPE_HARDWARE"));
    }

    private static int exec(StringBuilder out, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return p.waitFor();
    }

    @Test
    void theReportSaysWhyNetkitIsMissingOrAProgramIsLinkedForReal() throws Exception {
        KernelTestSupport.requireBpf();
        Support netkit = Capabilities.running().find(Capability.Category.ATTACH_KIND, "netkit").orElseThrow().support();
        String ns = "gwk" + ProcessHandle.current().pid() % 100000 + Long.toString(System.nanoTime() % 100000, 36);
        VethPair.run("ip", "netns", "add", ns);
        try {
            StringBuilder out = new StringBuilder();
            int made = exec(out, "ip", "-n", ns, "link", "add", "gwk0", "type", "netkit", "peer", "name", "gwk1");
            if (!netkit.isSupported()) {
                assertTrue(netkit instanceof Support.NotSupported, netkit.toString());
                assertNotEquals(0, made, "the report says " + netkit + ", yet ip made a netkit device: " + out);
                return;
            }
            assertTrue(netkit.isSupported(), netkit.toString());
            assertEquals(0, made, out.toString());
            byte[] insns = new Asm().movImm(0, -1).exit().bytes(); // NETKIT_NEXT
            try (Fd prog = Bpf.loadProgram(ProgLoadAttr.of(ProgType.SCHED_CLS, new NativeArg.In(insns), "GPL",
                    "gew_t_netkit").withExpectedAttachType(AttachType.NETKIT_PRIMARY), 1).fd()) {
                Path nsFile = Path.of("/run/netns", ns);
                int id;
                try (Fd link = Kernel.get().inNetns(nsFile.toString(),
                        () -> Links.netkit(prog, Kernel.get().ifindex("gwk0"), AttachType.NETKIT_PRIMARY))) {
                    LinkInfo info = Bpf.linkInfo(link);
                    assertEquals("netkit", KernelTypes.nameOf("bpf_link_type", "BPF_LINK_TYPE_", info.type()));
                    id = info.id();
                    assertTrue(Links.exists(id));
                }
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (Links.exists(id) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertFalse(Links.exists(id), "link " + id + " is gone once closed");
            }
        } finally {
            VethPair.run("ip", "netns", "del", ns);
        }
    }
}

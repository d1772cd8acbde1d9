package dev.gewyvern.syscall;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.gewyvern.syscall.attr.KprobeEventAttr;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.probes.ProbeProgram;

/**
 * The two kernel features libbpf probes to fill its virtual {@code .kconfig} externs
 * {@code LINUX_HAS_BPF_COOKIE} and {@code LINUX_HAS_SYSCALL_WRAPPER}, probed the way libbpf probes them
 * ({@code probe_kern_bpf_cookie} in features.c, {@code probe_kern_syscall_wrapper} in libbpf.c), so an
 * object reads the same values under both loaders. Each is probed once per process.
 */
public final class LibbpfFeatures {
    private static final Path KPROBE_EVENTS = Path.of("/sys/kernel/tracing/kprobe_events");
    private static volatile Boolean bpfCookie;
    private static volatile Boolean syscallWrapper;

    private LibbpfFeatures() {
    }

    /** A tracepoint program calling {@code bpf_get_attach_cookie} loads (libbpf's FEAT_BPF_COOKIE). */
    public static boolean bpfCookie() {
        Boolean b = bpfCookie;
        if (b == null) {
            KernelTypes kernel = KernelTypes.running();
            Integer type = kernel.programTypes().get("tracepoint");
            Integer helper = kernel.helpers().get("get_attach_cookie");
            b = type != null && helper != null
                    && ProbeProgram.load(type, 0, ProbeProgram.Insns.callHelper(helper), 0, 0, 0).loaded();
            bpfCookie = b;
        }
        return b;
    }

    /**
     * A kprobe perf event on {@code __<arch>_sys_bpf} opens for this process (libbpf's
     * FEAT_SYSCALL_WRAPPER): false on an architecture without syscall wrappers and on a kernel without
     * kprobes (no kprobe PMU and no {@code kprobe_events}, where libbpf's legacy probe fails too). On a
     * kernel with {@code kprobe_events} but no kprobe PMU (before 4.17) libbpf adds a tracefs kprobe,
     * which gewyvern does not write; it answers there from the kernel's BTF instead
     * ({@code hasFunction}: whether vmlinux has the wrapper function).
     */
    public static boolean syscallWrapper(java.util.function.Predicate<String> hasFunction) {
        Boolean b = syscallWrapper;
        if (b == null) {
            String name = wrapper();
            if (name == null) {
                b = false;
            } else {
                KprobeEventAttr event = KprobeEventAttr.of(name, 0, false);
                if (event.pmuPresent()) {
                    b = opens(event);
                } else {
                    b = Files.exists(KPROBE_EVENTS) && hasFunction.test(name);
                }
            }
            syscallWrapper = b;
        }
        return b;
    }

    private static boolean opens(KprobeEventAttr event) {
        try (Fd fd = Kernel.get().kprobeOpen(event, (int) ProcessHandle.current().pid(), -1)) {
            return fd.value() >= 0;
        } catch (BpfException e) {
            return false;
        }
    }

    /** libbpf's {@code __<arch>_sys_bpf} for this host's architecture, null where syscalls are not wrapped. */
    static String wrapper() {
        String prefix = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x64";
            case "x86", "i386", "i686" -> "ia32";
            case "mips", "mipsel", "mips64", "mips64el" -> "mips";
            case "aarch64" -> "arm64";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv";
            case "ppc64le", "ppc64" -> "powerpc";
            case "arm" -> "arm";
            case "loongarch64" -> "loongarch";
            default -> null;
        };
        return prefix == null ? null : "__" + prefix + "_sys_bpf";
    }
}

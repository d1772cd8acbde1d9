package dev.gewyvern.session;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.syscall.KernelBtfFiles;
import dev.gewyvern.syscall.kernel.KernelBtf;

/**
 * The kernel BTF id a BTF-attached program (tp_btf, fentry, fexit, fmod_ret, lsm, iter) names at
 * load time ({@code attach_btf_id}), found by name in the running kernel's vmlinux BTF as libbpf finds
 * it: {@code btf_trace_<tp>} typedefs for tp_btf, {@code bpf_lsm_<hook>} and {@code bpf_iter_<name>}
 * functions for LSM and iterators, the function itself for the others.
 */
final class AttachBtf {
    private AttachBtf() {
    }

    /** The running kernel's vmlinux BTF: the instance's one copy ({@link KernelBtf#shared}). */
    static Btf vmlinux() {
        try {
            return KernelBtf.shared().vmlinux();
        } catch (RuntimeException e) {
            throw SessionException.system(Step.VERIFY, "cannot read the kernel's BTF at " + KernelBtfFiles.path(
                    KernelBtfFiles.VMLINUX) + " (" + e.getMessage() + "): BTF-attached programs (tp_btf, fentry, lsm, "
                    + "iter), kfuncs and struct_ops need it");
        }
    }

    /** The attach_btf_id for a program of section {@code m}, or 0 when its type takes none. */
    static int id(String program, ProgramSection.Match m) {
        if (m.kind().target() != ProgramSection.Target.BTF) {
            return 0;
        }
        String pattern = m.kind().pattern();
        String base = pattern.substring(0, pattern.length() - (pattern.endsWith("+") ? 1 : 0));
        if (base.startsWith("freplace")) {
            throw SessionException.invalid(Step.VERIFY, "program '" + program + "' (section '" + m.section() + "') replaces a "
                    + "function of another BPF program: give it a freplace target (a program of this session, or a "
                    + "pinned program's path)");
        }
        BtfKind kind = BtfKind.FUNC;
        String name = m.name();
        if (base.startsWith("tp_btf")) {
            kind = BtfKind.TYPEDEF;
            name = "btf_trace_" + name;
        } else if (base.startsWith("lsm")) {
            name = "bpf_lsm_" + name;
        } else if (base.startsWith("iter")) {
            name = "bpf_iter_" + name;
        }
        int id = vmlinux().find(kind, name);
        if (id <= 0) {
            throw SessionException.notFound(Step.VERIFY, "program '" + program + "' (section '" + m.section() + "') attaches to '"
                    + m.name() + "', but the kernel's BTF has no " + kind.name().toLowerCase() + " '" + name
                    + "' (modules' BTF is not searched yet)");
        }
        return id;
    }
}

package dev.gewyvern.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfException;
import dev.gewyvern.btf.CoreCandidates;
import dev.gewyvern.elf.ElfBtf;
import dev.gewyvern.elf.ElfException;
import dev.gewyvern.syscall.kernel.KernelBtf;

/**
 * The BTFs CO-RE relocations are applied against. The running kernel's (vmlinux, then its modules'
 * when vmlinux has no candidate) has one candidate cache for the whole instance, shared by every
 * object it loads; a BTF file a Pipeline names instead ({@code target_btf}: raw BTF or an ELF
 * object's .BTF section, as libbpf's btf_custom_path) is read for the object that names it.
 */
public final class CoreTargets {
    private static CoreCandidates kernel;

    private CoreTargets() {
    }

    /** The running kernel's candidates: indexed on first use, then shared. */
    public static synchronized CoreCandidates kernel() {
        if (kernel == null) {
            KernelBtf k = KernelBtf.shared();
            Btf vmlinux;
            try {
                vmlinux = k.vmlinux();
            } catch (RuntimeException e) {
                throw SessionException.system(Step.VERIFY, "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux: "
                        + e.getMessage() + "); CO-RE relocations need it, or give the object a target_btf");
            }
            kernel = new CoreCandidates(new CoreCandidates.Source("vmlinux", vmlinux), () -> {
                List<CoreCandidates.Source> out = new ArrayList<>();
                for (String m : k.modules()) {
                    out.add(new CoreCandidates.Source(m, k.module(m)));
                }
                return out;
            });
        }
        return kernel;
    }

    /** Candidates from a BTF file: raw BTF, or an ELF file's .BTF section. */
    public static CoreCandidates file(Path path) {
        return file(path, ObjectFiles.ANYWHERE.read("--target-btf", "target BTF", path.toString()));
    }

    /** Candidates from the bytes of a BTF file read already (raw BTF, or an ELF file's .BTF section). */
    static CoreCandidates file(Path path, byte[] bytes) {
        return CoreCandidates.of(path.toString(), parse(path, bytes));
    }

    static Btf parse(Path path, byte[] bytes) {
        try {
            if (ElfBtf.isElf(bytes)) {
                Optional<byte[]> btf = ElfBtf.section(bytes);
                if (btf.isEmpty()) {
                    throw SessionException.invalid(Step.STAGE, "target BTF " + path + " is an ELF file without a .BTF "
                            + "section (build it with clang -g)");
                }
                return Btf.parse(btf.get());
            }
            return Btf.parse(bytes);
        } catch (BtfException | ElfException e) {
            throw SessionException.invalid(Step.STAGE, "target BTF " + path + " is neither raw BTF nor an ELF file with "
                    + "a .BTF section: " + e.getMessage());
        }
    }
}

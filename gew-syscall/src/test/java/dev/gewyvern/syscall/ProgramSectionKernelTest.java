package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.elf.ProgramSection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every row of the section table carries the numbers the running kernel's BTF gives its names. */
class ProgramSectionKernelTest {
    @ParameterizedTest
    @EnumSource(ProgramSection.class)
    void numbersMatchTheKernel(ProgramSection ps) throws IOException {
        Btf btf = KernelTestSupport.vmlinux();
        assertEquals(AttrLayoutKernelTest.enumValue(btf, "bpf_prog_type", ps.progTypeName()), ps.progType(),
                ps + " program type");
        if (ps.attachTypeName().isPresent()) {
            assertEquals(AttrLayoutKernelTest.enumValue(btf, "bpf_attach_type", ps.attachTypeName().get()),
                    ps.attachType(), ps + " attach type");
        }
    }
}

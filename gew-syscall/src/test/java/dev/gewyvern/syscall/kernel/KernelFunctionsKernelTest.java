package dev.gewyvern.syscall.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;
import dev.gewyvern.syscall.KernelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * kprobe.multi patterns resolved on this machine: from available_filter_functions where it can be read, else
 * (this sandbox answers EPERM) from /proc/kallsyms, and the answer says which.
 */
class KernelFunctionsKernelTest {
    private static Path expectedSource() {
        try {
            Files.readAllLines(Path.of("/sys/kernel/tracing/available_filter_functions"));
            return Path.of("/sys/kernel/tracing/available_filter_functions");
        } catch (IOException e) {
            return KernelFunctions.KALLSYMS;
        }
    }

    @Test
    void aNameIsItselfAndAGlobMatchesFunctionsOnly() {
        KernelTestSupport.requireBpf();
        KernelFunctions.Resolved exact = KernelFunctions.matching("do_unlinkat");
        assertEquals(List.of("do_unlinkat"), exact.functions());
        assertEquals(expectedSource(), exact.source());
        KernelFunctions.Resolved glob = KernelFunctions.matching("do_unlink?t*");
        assertTrue(glob.functions().contains("do_unlinkat"), glob.functions().toString());
        assertTrue(glob.functions().stream().allMatch(f -> f.startsWith("do_unlink") && !f.contains(".")),
                glob.functions().toString());
        assertEquals(glob.functions().stream().distinct().toList(), glob.functions(), "each function once");
    }

    @Test
    void aPatternMatchingNothingIsNamedWithTheListItSearched() {
        KernelTestSupport.requireBpf();
        BpfException e = assertThrows(BpfException.class, () -> KernelFunctions.matching("gew_no_such_function_*"));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("kprobe.multi pattern 'gew_no_such_function_*'") && e.getMessage()
                .contains("no function in " + expectedSource() + " matches it"), e.getMessage());
    }
}

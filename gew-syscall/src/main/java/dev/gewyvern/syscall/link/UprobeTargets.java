package dev.gewyvern.syscall.link;

import java.nio.file.Path;
import java.util.List;

/**
 * What a uprobe.multi link probes: functions of one ELF binary by symbol, each with its cookie (none, or one
 * per symbol, in order: what bpf_get_attach_cookie() returns there), in every process or, when {@code pid}
 * is not 0, in that one only.
 */
public record UprobeTargets(Path binary, List<String> symbols, long[] cookies, int pid) {
    public UprobeTargets {
        symbols = List.copyOf(symbols);
        cookies = cookies.clone();
        if (cookies.length != 0 && cookies.length != symbols.size()) {
            throw new IllegalArgumentException(cookies.length + " cookies for " + symbols.size()
                    + " symbols: give none, or one per symbol");
        }
    }

    /** The symbols of {@code binary}, without cookies, in every process. */
    public static UprobeTargets of(Path binary, List<String> symbols) {
        return new UprobeTargets(binary, symbols, new long[0], 0);
    }

    public UprobeTargets withCookies(long[] values) {
        return new UprobeTargets(binary, symbols, values, pid);
    }

    /** The same functions, in process {@code processId} only. */
    public UprobeTargets inProcess(int processId) {
        return new UprobeTargets(binary, symbols, cookies, processId);
    }

    @Override
    public long[] cookies() {
        return cookies.clone();
    }
}

package dev.gewyvern.syscall.attr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.gewyvern.syscall.BpfException;
import dev.gewyvern.syscall.Errno;

/**
 * The {@code perf_event_attr} of a kprobe (or kretprobe) event on the kprobe PMU: {@code type} the PMU's
 * number (from /sys/bus/event_source/devices/kprobe/type; -1 where there is none), {@code config} the
 * retprobe bit (its position from .../format/retprobe, "config:N") or 0, {@code config1} the function's
 * name (kprobe_func, passed by address), {@code config2} the offset into it (probe_offset).
 */
public record KprobeEventAttr(int type, long config, String function, long offset) {
    static final Path PMU = Path.of("/sys/bus/event_source/devices/kprobe");

    /** The event for {@code function+offset} on this kernel's kprobe PMU (type -1 when it has none). */
    public static KprobeEventAttr of(String function, long offset, boolean retprobe) {
        int type = -1;
        long config = 0;
        if (Files.isDirectory(PMU)) {
            type = Integer.parseInt(read(PMU.resolve("type")));
            if (retprobe) {
                String format = read(PMU.resolve("format/retprobe"));
                if (!format.startsWith("config:")) {
                    throw new BpfException("reading " + PMU.resolve("format/retprobe"), Errno.EINVAL,
                            "expected config:<bit>, got '" + format + "'", null);
                }
                config = 1L << Integer.parseInt(format.substring("config:".length()));
            }
        }
        return new KprobeEventAttr(type, config, function, offset);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException | RuntimeException e) {
            throw new BpfException("reading " + p, Errno.ENOENT, e.getMessage(), null);
        }
    }

    /** Whether this kernel has the kprobe PMU this event needs. */
    public boolean pmuPresent() {
        return type >= 0;
    }

    /** The bytes, with the function's name at {@code functionAddress} (a NUL-terminated string in native memory). */
    public byte[] encode(long functionAddress) {
        if (!pmuPresent()) {
            throw new BpfException("perf_event_open(kprobe " + function + ")", Errno.ENOENT,
                    "this kernel has no kprobe PMU (" + PMU + " is missing: CONFIG_KPROBES off)", null);
        }
        AttrBuffer out = new AttrBuffer(PerfEventAttr.LAYOUT.size(), arg -> {
            throw new IllegalStateException("the function name is passed by address");
        });
        out.u32(PerfEventAttr.TYPE, type).u32(PerfEventAttr.SIZE, PerfEventAttr.LAYOUT.size())
                .u64(PerfEventAttr.CONFIG, config).u64(PerfEventAttr.SAMPLE_PERIOD, 1)
                .u32(PerfEventAttr.WAKEUP_EVENTS, 1).u64(PerfEventAttr.CONFIG1, functionAddress)
                .u64(PerfEventAttr.CONFIG2, offset);
        return out.bytes();
    }

    @Override
    public String toString() {
        return "KprobeEventAttr[type=" + (pmuPresent() ? Integer.toString(type) : "none (no kprobe PMU here)")
                + ", config=" + config + ", config1=&\"" + function + "\", config2=" + offset + "]";
    }
}

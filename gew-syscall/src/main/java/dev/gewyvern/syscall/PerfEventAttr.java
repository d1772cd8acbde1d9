package dev.gewyvern.syscall;

import static dev.gewyvern.syscall.AttrLayout.f;

import java.util.List;

/** {@code struct perf_event_attr} for perf_event_open(2), as far as we set it. */
public record PerfEventAttr(int type, long config, long samplePeriod, int wakeupEvents) {
    public static final int PERF_TYPE_HARDWARE = 0;
    public static final int PERF_TYPE_SOFTWARE = 1;
    public static final int PERF_TYPE_TRACEPOINT = 2;

    static final AttrField TYPE = f("type", 0, 4);
    static final AttrField SIZE = f("size", 4, 4);
    static final AttrField CONFIG = f("config", 8, 8);
    static final AttrField SAMPLE_PERIOD = f("sample_period", 16, 8);
    static final AttrField SAMPLE_TYPE = f("sample_type", 24, 8);
    static final AttrField READ_FORMAT = f("read_format", 32, 8);
    static final AttrField WAKEUP_EVENTS = f("wakeup_events", 48, 4);
    static final AttrField BP_TYPE = f("bp_type", 52, 4);
    static final AttrField CONFIG1 = f("config1", 56, 8);
    /** uprobes: config1 is the binary's path (uprobe_path), config2 the probe's file offset (probe_offset). */
    static final AttrField CONFIG2 = f("config2", 64, 8);
    static final AttrLayout LAYOUT = new AttrLayout("perf_event_attr", null,
            List.of(TYPE, SIZE, CONFIG, SAMPLE_PERIOD, SAMPLE_TYPE, READ_FORMAT, WAKEUP_EVENTS, BP_TYPE, CONFIG1,
                    CONFIG2));

    /** An event on the tracepoint with this tracefs id, one sample per hit. */
    public static PerfEventAttr tracepoint(long id) {
        return new PerfEventAttr(PERF_TYPE_TRACEPOINT, id, 1, 1);
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    /**
     * A uprobe (or uretprobe) event: PMU {@code pmuType} (from /sys/bus/event_source/devices/uprobe/type),
     * the binary at the address {@code pathAddress} (a NUL-terminated path in native memory), at file offset
     * {@code offset}.
     */
    static byte[] uprobe(int pmuType, boolean retprobe, long pathAddress, long offset) {
        AttrBuffer out = new AttrBuffer(LAYOUT.size(), arg -> {
            throw new IllegalStateException("the path is passed by address");
        });
        out.u32(TYPE, pmuType).u32(SIZE, LAYOUT.size()).u64(CONFIG, retprobe ? 1 : 0).u64(SAMPLE_PERIOD, 1)
                .u32(WAKEUP_EVENTS, 1).u64(CONFIG1, pathAddress).u64(CONFIG2, offset);
        return out.bytes();
    }

    public byte[] encode() {
        AttrBuffer out = new AttrBuffer(LAYOUT.size(), arg -> {
            throw new IllegalStateException("perf_event_attr has no pointers we set");
        });
        out.u32(TYPE, type).u32(SIZE, LAYOUT.size()).u64(CONFIG, config).u64(SAMPLE_PERIOD, samplePeriod)
                .u32(WAKEUP_EVENTS, wakeupEvents);
        return out.bytes();
    }
}

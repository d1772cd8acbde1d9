package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * {@code struct perf_event_attr} for perf_event_open(2), as far as we set it. {@code wakeupEvents} is
 * wakeup_events, or, when the {@link #WATERMARK} flag is set, wakeup_watermark (bytes, the same word);
 * {@code flags} is the attr's word of bit flags after read_format.
 */
public record PerfEventAttr(int type, long config, long samplePeriod, int wakeupEvents, long sampleType, long flags) {
    public static final int PERF_TYPE_HARDWARE = 0;
    public static final int PERF_TYPE_SOFTWARE = 1;
    public static final int PERF_TYPE_TRACEPOINT = 2;

    /** perf_sw_ids: the event a PERF_EVENT_ARRAY's bpf_perf_event_output() writes to. */
    public static final int PERF_COUNT_SW_BPF_OUTPUT = 10;
    /** perf_event_sample_format: the sample carries the raw bytes the program gave. */
    public static final long PERF_SAMPLE_RAW = 1 << 10;
    /** The bit of the flags word (watermark:1) that makes wakeup_events a byte count (wakeup_watermark). */
    static final int WATERMARK_BIT = 14;
    public static final long WATERMARK = 1L << WATERMARK_BIT;
    /** The flags word: disabled, inherit, ... (bitfields of __u64) right after read_format. */
    static final int FLAGS_OFFSET = 40;

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
    public static final AttrLayout LAYOUT = new AttrLayout("perf_event_attr", null,
            List.of(TYPE, SIZE, CONFIG, SAMPLE_PERIOD, SAMPLE_TYPE, READ_FORMAT, WAKEUP_EVENTS, BP_TYPE, CONFIG1,
                    CONFIG2));

    public PerfEventAttr(int type, long config, long samplePeriod, int wakeupEvents) {
        this(type, config, samplePeriod, wakeupEvents, 0, 0);
    }

    /** An event on the tracepoint with this tracefs id, one sample per hit. */
    public static PerfEventAttr tracepoint(long id) {
        return new PerfEventAttr(PERF_TYPE_TRACEPOINT, id, 1, 1);
    }

    /**
     * The software event a perf buffer's CPU ring is: PERF_COUNT_SW_BPF_OUTPUT with raw samples, waking
     * the reader every {@code wakeupEvents} samples, or (when {@code watermarkBytes} is above 0) once that
     * many bytes are waiting.
     */
    public static PerfEventAttr bpfOutput(int wakeupEvents, int watermarkBytes) {
        return watermarkBytes > 0
                ? new PerfEventAttr(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT, 1, watermarkBytes, PERF_SAMPLE_RAW,
                        WATERMARK)
                : new PerfEventAttr(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT, 1, Math.max(1, wakeupEvents),
                        PERF_SAMPLE_RAW, 0);
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    /**
     * A uprobe (or uretprobe) event: PMU {@code pmuType} (from /sys/bus/event_source/devices/uprobe/type),
     * the binary at the address {@code pathAddress} (a NUL-terminated path in native memory), at file offset
     * {@code offset}.
     */
    public static byte[] uprobe(int pmuType, boolean retprobe, long pathAddress, long offset) {
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
                .u64(SAMPLE_TYPE, sampleType).u32(WAKEUP_EVENTS, wakeupEvents);
        byte[] b = out.bytes();
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder()).putLong(FLAGS_OFFSET, flags);
        return b;
    }
}

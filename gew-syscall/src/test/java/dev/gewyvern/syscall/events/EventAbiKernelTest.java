package dev.gewyvern.syscall.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.syscall.KernelTestSupport;
import dev.gewyvern.syscall.attr.PerfEventAttr;
import org.junit.jupiter.api.Test;

/**
 * Every number and offset the event readers rely on, held against the running kernel's own BTF: the ring
 * buffer's page layout and header bits, perf_event_mmap_page, perf record types, the BPF_OUTPUT event, the
 * perf_event_attr flag bit and struct epoll_event.
 */
class EventAbiKernelTest {

    private static BtfType.Struct struct(Btf btf, String name) {
        int id = btf.find(BtfKind.STRUCT, name);
        assertTrue(id > 0, "kernel BTF has no struct " + name);
        return (BtfType.Struct) btf.type(id);
    }

    private static BtfType.Member member(BtfType.Struct s, String name) {
        return s.members().stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("struct " + s.name() + " has no " + name));
    }

    private static int offset(BtfType.Struct s, String name) {
        return member(s, name).bitOffset() / 8;
    }

    /** An enumerator by name, in whichever enum (named or not) holds it. */
    private static long enumerator(Btf btf, String name) {
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.type(id) instanceof BtfType.Enum e) {
                for (BtfType.EnumValue v : e.values()) {
                    if (v.name().equals(name)) {
                        return v.value();
                    }
                }
            }
        }
        throw new AssertionError("kernel BTF has no enumerator " + name);
    }

    @Test
    void ringBufferPagesAndHeaderBits() throws IOException {
        Btf btf = KernelTestSupport.vmlinux();
        int page = Native.get().pageSize;
        BtfType.Struct rb = struct(btf, "bpf_ringbuf");
        int consumer = offset(rb, "consumer_pos");
        int producer = offset(rb, "producer_pos");
        assertEquals(0, consumer % page, "the consumer position starts a page: what user space maps at offset 0");
        assertEquals(page, producer - consumer, "the producer position is the next page");
        assertEquals(page, offset(rb, "data") - producer, "and the data follows one page later");
        assertEquals(RingBufferReader.BUSY_BIT & 0xffffffffL, enumerator(btf, "BPF_RINGBUF_BUSY_BIT"));
        assertEquals(RingBufferReader.DISCARD_BIT, enumerator(btf, "BPF_RINGBUF_DISCARD_BIT"));
        assertEquals(RingBufferReader.HEADER_SIZE, enumerator(btf, "BPF_RINGBUF_HDR_SZ"));
        assertEquals(MapType.RINGBUF.value(), enumerator(btf, "BPF_MAP_TYPE_RINGBUF"));
        assertEquals(MapType.USER_RINGBUF.value(), enumerator(btf, "BPF_MAP_TYPE_USER_RINGBUF"));
    }

    @Test
    void perfRingAndRecords() throws IOException {
        Btf btf = KernelTestSupport.vmlinux();
        BtfType.Struct page = struct(btf, "perf_event_mmap_page");
        assertEquals(PerfBufferReader.DATA_HEAD, offset(page, "data_head"));
        assertEquals(PerfBufferReader.DATA_TAIL, offset(page, "data_tail"));
        assertEquals(PerfBufferReader.DATA_OFFSET, offset(page, "data_offset"));
        assertEquals(PerfBufferReader.DATA_SIZE, offset(page, "data_size"));
        BtfType.Struct header = struct(btf, "perf_event_header");
        assertEquals(8, header.size());
        assertEquals(0, offset(header, "type"));
        assertEquals(6, offset(header, "size"));
        assertEquals(PerfBufferReader.PERF_RECORD_SAMPLE, enumerator(btf, "PERF_RECORD_SAMPLE"));
        assertEquals(PerfBufferReader.PERF_RECORD_LOST, enumerator(btf, "PERF_RECORD_LOST"));
        assertEquals(MapType.PERF_EVENT_ARRAY.value(), enumerator(btf, "BPF_MAP_TYPE_PERF_EVENT_ARRAY"));
        assertEquals(PerfEventAttr.PERF_COUNT_SW_BPF_OUTPUT, enumerator(btf, "PERF_COUNT_SW_BPF_OUTPUT"));
        assertEquals(PerfEventAttr.PERF_SAMPLE_RAW, enumerator(btf, "PERF_SAMPLE_RAW"));
    }

    @Test
    void perfEventAttrFlagBits() throws IOException {
        Btf btf = KernelTestSupport.vmlinux();
        BtfType.Struct attr = struct(btf, "perf_event_attr");
        BtfType.Member disabled = member(attr, "disabled");
        BtfType.Member watermark = member(attr, "watermark");
        assertEquals(1, watermark.bitfieldSize());
        assertEquals(40 * 8, disabled.bitOffset(), "the flags word follows read_format");
        assertEquals(PerfEventAttr.WATERMARK, 1L << (watermark.bitOffset() - disabled.bitOffset()));
        BtfType.Member wakeup = attr.members().stream().filter(m -> m.name().isEmpty() && m.bitOffset() == 48 * 8)
                .findFirst().orElseThrow(() -> new AssertionError("no anonymous union at byte 48"));
        BtfType.Struct union = (BtfType.Struct) btf.type(btf.resolve(wakeup.type()));
        assertTrue(union.union());
        assertEquals(0, offset(union, "wakeup_events"));
        assertEquals(0, offset(union, "wakeup_watermark"), "the watermark shares wakeup_events' word");
    }

    @Test
    void epollEventIsPackedTwelveBytes() throws IOException {
        BtfType.Struct e = struct(KernelTestSupport.vmlinux(), "epoll_event");
        assertEquals(12, e.size());
        assertEquals(4, offset(e, "data"));
    }
}

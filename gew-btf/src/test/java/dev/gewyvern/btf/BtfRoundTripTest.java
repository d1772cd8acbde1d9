package dev.gewyvern.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random valid type graphs survive marshal → parse unchanged, in both byte orders, through both readers. */
class BtfRoundTripTest {

    @Provide
    Arbitrary<List<BtfType>> graphs() {
        return BtfGraphs.graphs();
    }

    @Property(tries = 1000)
    void marshalThenParseIsIdentity(@ForAll("graphs") List<BtfType> types, @ForAll boolean bigEndian) {
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] bytes = BtfWriter.write(types, order);
        Btf parsed = Btf.parse(bytes);
        assertEquals(order, parsed.order());
        assertEquals(types.size() + 1, parsed.typeCount());
        assertEquals(types, BtfGraphs.all(parsed));
        Btf indexed = Btf.index(ByteBuffer.wrap(bytes), null);
        assertEquals(types, BtfGraphs.all(indexed));
        // and written again, the bytes are the same: the writer is a function of the types
        assertArrayEquals(bytes, BtfWriter.write(BtfGraphs.all(parsed), order));
    }

    @Property(tries = 300)
    void cursorReadsWhatTheDecoderReads(@ForAll("graphs") List<BtfType> types) {
        Btf btf = Btf.parse(BtfWriter.write(types, ByteOrder.LITTLE_ENDIAN));
        BtfCursor c = btf.cursor();
        for (int id = 1; id < btf.typeCount(); id++) {
            BtfType t = btf.type(id);
            c.at(id);
            assertEquals(t.kind(), c.kind());
            assertEquals(t.name(), c.name());
            assertEquals(true, c.nameIs(t.name()));
            if (t instanceof BtfType.Struct s) {
                assertEquals(s.members().size(), c.vlen());
                for (int i = 0; i < c.vlen(); i++) {
                    assertEquals(s.members().get(i).name(), c.entryName(i));
                    assertEquals(s.members().get(i).type(), c.entryType(i));
                }
            } else if (t instanceof BtfType.FuncProto f) {
                assertEquals(f.returnType(), c.sizeOrType());
                for (int i = 0; i < c.vlen(); i++) {
                    assertEquals(f.params().get(i).name(), c.entryName(i));
                    assertEquals(f.params().get(i).type(), c.entryType(i));
                }
            } else if (t instanceof BtfType.Datasec d) {
                for (int i = 0; i < c.vlen(); i++) {
                    assertEquals(d.vars().get(i).type(), c.entryType(i));
                    assertEquals(d.vars().get(i).offset(), c.entryOffset(i));
                }
            }
        }
    }

    /** Split BTF: a second blob whose ids and strings continue the base's. */
    @Property(tries = 200)
    void splitBtfContinuesItsBase(@ForAll("graphs") List<BtfType> base, @ForAll("graphs") List<BtfType> own) {
        Btf b = Btf.parse(BtfWriter.write(base, ByteOrder.LITTLE_ENDIAN));
        byte[] split = BtfWriter.write(own, ByteOrder.LITTLE_ENDIAN, b);
        Btf s = Btf.parse(ByteBuffer.wrap(split), b);
        assertEquals(base.size() + 1, s.firstTypeId());
        assertEquals(base.size() + own.size() + 1, s.typeCount());
        assertEquals(base.get(0), s.type(1));
        for (int i = 0; i < own.size(); i++) {
            // the own types' references (0..own.size()) now land on base and own ids alike: still valid
            assertEquals(own.get(i), s.type(base.size() + 1 + i));
        }
    }
}

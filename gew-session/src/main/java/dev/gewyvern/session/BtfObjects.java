package dev.gewyvern.session;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.syscall.Bpf;

/**
 * The BTF objects of our own sessions' maps and programs, by kernel id (learnt from their info, never by
 * walking ids), parsed once and kept while recently used: a watch asks for the same ones every tick.
 */
final class BtfObjects {
    private static final int KEEP = 16;

    private final Map<Integer, Btf> parsed = new LinkedHashMap<>(KEEP, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Btf> eldest) {
            return size() > KEEP;
        }
    };

    /** The BTF object with this id, or null for 0. */
    synchronized Btf get(int btfId) {
        if (btfId == 0) {
            return null;
        }
        Btf b = parsed.get(btfId);
        if (b == null) {
            b = Btf.parse(Bpf.btf(btfId).btf());
            parsed.put(btfId, b);
        }
        return b;
    }
}

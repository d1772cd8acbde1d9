package dev.gewyvern.session.control;

import java.util.List;

import com.google.protobuf.CodedOutputStream;

import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.proto.v1.SessionDetail;

/**
 * How large a GetSession answer may be: {@link #MAX_BYTES}, whatever the session's maps hold. Map entries
 * are what grows (up to 10,000 per map, each as large as the map's value type prints); once the budget is
 * spent the rest are left out, map by map in order, and each map's total_entries still says how many it
 * has, so the caller sees the answer is partial. Everything else of the answer (records, programs, links,
 * map descriptions) is small and bounded by the session's objects.
 */
final class AnswerBudget {
    /** Well under the 8-16 MiB a gRPC peer takes in one message. */
    static final int MAX_BYTES = 4 << 20;

    private AnswerBudget() {
    }

    /** {@code detail} with map entries left out past {@code maxBytes} in all (the detail as it is if it fits). */
    static SessionDetail trim(SessionDetail detail, int maxBytes) {
        if (detail.getSerializedSize() <= maxBytes) {
            return detail;
        }
        SessionDetail.Builder b = detail.toBuilder();
        for (int i = 0; i < b.getMapsCount(); i++) {
            b.setMaps(i, b.getMaps(i).toBuilder().clearEntries());
        }
        // what the answer costs without entries, plus room for each map's length prefix to grow (5 bytes at most)
        long spent = b.build().getSerializedSize() + 5L * b.getMapsCount();
        for (int i = 0; i < b.getMapsCount(); i++) {
            List<MapEntry> kept = new java.util.ArrayList<>();
            for (MapEntry e : detail.getMaps(i).getEntriesList()) {
                long cost = CodedOutputStream.computeMessageSize(MapContents.ENTRIES_FIELD_NUMBER, e);
                if (spent + cost > maxBytes) {
                    break;
                }
                spent += cost;
                kept.add(e);
            }
            b.setMaps(i, b.getMaps(i).toBuilder().addAllEntries(kept));
        }
        return b.build();
    }
}

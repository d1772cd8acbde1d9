package dev.gewyvern.session.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gewyvern.proto.v1.MapContents;
import dev.gewyvern.proto.v1.MapEntry;
import dev.gewyvern.proto.v1.SessionDetail;
import dev.gewyvern.proto.v1.SessionRecord;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Issue 12 item 10: a GetSession answer stays within AnswerBudget.MAX_BYTES however much the session's
 * maps hold. Defence: AnswerBudget.trim, called by RuntimeService.getSession (without it the answer grows
 * with the maps: 64 maps of 10,000 entries of a 1 KiB value would be 640 MiB).
 */
class AnswerBudgetTest {
    private static SessionDetail detail(int maps, int entries, int valueChars) {
        SessionDetail.Builder b = SessionDetail.newBuilder().setRecord(SessionRecord.newBuilder().setSessionId("s-x"));
        String value = "v".repeat(valueChars);
        for (int m = 0; m < maps; m++) {
            MapContents.Builder mb = MapContents.newBuilder().setName("m" + m).setTotalEntries(entries);
            for (int e = 0; e < entries; e++) {
                mb.addEntries(MapEntry.newBuilder().setKeyText(Integer.toString(e)).setValueText(value));
            }
            b.addMaps(mb);
        }
        return b.build();
    }

    @Property(tries = 50)
    void theAnswerFitsAndKeepsWhatItKeepsInOrder(@ForAll @IntRange(min = 1, max = 6) int maps,
                                                 @ForAll @IntRange(min = 0, max = 300) int entries,
                                                 @ForAll @IntRange(min = 0, max = 500) int valueChars,
                                                 @ForAll @IntRange(min = 2_000, max = 200_000) int budget) {
        SessionDetail full = detail(maps, entries, valueChars);
        SessionDetail trimmed = AnswerBudget.trim(full, budget);
        assertTrue(trimmed.getSerializedSize() <= Math.max(budget, full.toBuilder().clearMaps().addAllMaps(
                full.getMapsList().stream().map(m -> m.toBuilder().clearEntries().build()).toList()).build()
                .getSerializedSize()), "over budget: " + trimmed.getSerializedSize());
        for (int m = 0; m < maps; m++) {
            MapContents t = trimmed.getMaps(m);
            assertEquals(entries, t.getTotalEntries(), "the total still says how many there are");
            assertEquals(full.getMaps(m).getEntriesList().subList(0, t.getEntriesCount()), t.getEntriesList());
        }
    }

    @org.junit.jupiter.api.Test
    void aSmallAnswerIsLeftAsItIsAndAHugeOneIsCut() {
        SessionDetail small = detail(2, 10, 10);
        assertSame(small, AnswerBudget.trim(small, AnswerBudget.MAX_BYTES));
        SessionDetail huge = detail(8, 10_000, 100); // ~9 MiB of entries
        assertTrue(huge.getSerializedSize() > AnswerBudget.MAX_BYTES);
        SessionDetail cut = AnswerBudget.trim(huge, AnswerBudget.MAX_BYTES);
        assertTrue(cut.getSerializedSize() <= AnswerBudget.MAX_BYTES, Integer.toString(cut.getSerializedSize()));
        assertEquals(10_000, cut.getMaps(0).getEntriesCount(), "the first maps are whole");
        assertEquals(0, cut.getMaps(7).getEntriesCount(), "the last is left out");
    }
}

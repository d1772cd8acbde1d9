package dev.gewyvern.session;

import dev.gewyvern.proto.v1.SessionRecord;

/** One line of `gew session list`: a session's record, and whether its owner still runs. */
public record SessionSummary(SessionRecord record, String pinPath, long ownerPid, boolean ownerAlive) {
}

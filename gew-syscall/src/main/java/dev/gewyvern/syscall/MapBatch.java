package dev.gewyvern.syscall;

/**
 * What one BPF_MAP_LOOKUP_BATCH gave: {@code count} keys and values packed back to back (values per-CPU
 * where the map is), the token to go on from ({@code next}), and whether the map has no more entries.
 */
public record MapBatch(int count, byte[] keys, byte[] values, byte[] next, boolean done) {
}

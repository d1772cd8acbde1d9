package dev.gewyvern.syscall.maps;

/** One entry of a map as raw bytes: its key and its value (for a per-CPU map, every possible CPU's copy). */
public record MapEntryBytes(byte[] key, byte[] value) {
}

package dev.gewyvern.syscall.attr;

/** Gives each buffer a pointer field refers to its address: native memory, or fake addresses in tests. */
public interface PointerSpace {
    long address(NativeArg arg);
}

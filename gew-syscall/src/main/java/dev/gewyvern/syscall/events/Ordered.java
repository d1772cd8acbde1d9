package dev.gewyvern.syscall.events;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Loads with acquire and stores with release semantics on the kernel's shared pages: the ring's positions
 * and record headers are published by the kernel with smp_store_release and read back with
 * smp_load_acquire, and so must ours be.
 */
final class Ordered {
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private Ordered() {
    }
}

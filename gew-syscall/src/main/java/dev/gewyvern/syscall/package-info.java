/**
 * The only native boundary of gewyvern: the raw bpf(2), perf_event_open(2) and libc calls (through
 * jnr-ffi), file descriptors, the kernel's errors and what it reports about objects (bpf_*_info), and the
 * dry run that writes calls down instead of making them. The attr values live in {@code attr}, links in
 * {@code link}, facts about the running kernel in {@code kernel}, the capability probes and their answers in {@code probes}, map access in {@code maps}, ring and perf
 * buffers in {@code events}.
 */
package dev.gewyvern.syscall;

/**
 * The values bpf(2) and perf_event_open(2) take, one record per command and link kind, each with its exact
 * byte layout ({@link dev.gewyvern.syscall.attr.AttrLayout}, held against the running kernel's BTF by a test)
 * and its encoding. Values only: nothing here calls the kernel.
 */
package dev.gewyvern.syscall.attr;

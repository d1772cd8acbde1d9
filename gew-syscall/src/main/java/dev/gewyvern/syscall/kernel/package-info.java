/**
 * Facts about the running kernel, read once: its BTF (vmlinux and module split BTF), the names its BTF gives
 * to enum values newer than gewyvern's uapi enums, its build configuration, its functions (kallsyms and
 * the tracing filter list), its CPUs, its error-injection list and the filesystems gewyvern mounts (bpffs, tracefs, cgroup v2).
 */
package dev.gewyvern.syscall.kernel;

// SPDX-License-Identifier: MIT
/*
 * kconfig_virtual: libbpf's virtual .kconfig externs, whose values the loader computes rather than
 * reads from the kernel's configuration: LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE (a bool, as
 * bpf_tracing.h and usdt.bpf.h declare it) and LINUX_HAS_SYSCALL_WRAPPER (here an int: a number
 * goes into any integer), plus a weak LINUX_ name libbpf does not know, which reads 0. A test holds
 * the .kconfig map gewyvern fills against the one libbpf (bpftool) fills, byte for byte.
 *
 * Built by testdata/Makefile into obj/kconfig_virtual.bpf.o and obj/kconfig_virtual.bpfeb.o.
 */
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern const bool LINUX_HAS_BPF_COOKIE __kconfig;
extern int LINUX_HAS_SYSCALL_WRAPPER __kconfig;
extern unsigned long long LINUX_GEWYVERN_NOT_A_LIBBPF_NAME __kconfig __weak;

unsigned long long seen[4];

SEC("tp/syscalls/sys_enter_getppid")
int read_virtual(void *ctx)
{
	seen[0] = LINUX_KERNEL_VERSION;
	seen[1] = LINUX_HAS_BPF_COOKIE;
	seen[2] = LINUX_HAS_SYSCALL_WRAPPER;
	seen[3] = LINUX_GEWYVERN_NOT_A_LIBBPF_NAME;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: MIT
/*
 * externs: .kconfig externs the loader fills from the running kernel, strong and weak, of each
 * kind of type: an integer (LINUX_KERNEL_VERSION, CONFIG_HZ), bools (CONFIG_BPF_SYSCALL,
 * LINUX_HAS_SYSCALL_WRAPPER), a tristate, a char array (CONFIG_LOCALVERSION) and a weak extern no
 * kernel has (which reads 0). The program copies what it saw into .bss, where the test reads it.
 *
 * Built by testdata/Makefile into obj/externs.bpf.o and obj/externs.bpfeb.o.
 */
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>


extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_SYSCALL_WRAPPER __kconfig __weak;
extern int CONFIG_HZ __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig __weak;
extern char CONFIG_LOCALVERSION[16] __kconfig __weak;
extern unsigned long long CONFIG_GEWYVERN_NO_SUCH_OPTION __kconfig __weak;

struct seen {
	unsigned int version;
	int hz;
	bool syscall;
	bool wrapper;
	int jit;
	char localversion[16];
	unsigned long long missing;
};

struct seen seen;

SEC("tp/syscalls/sys_enter_getppid")
int read_kconfig(void *ctx)
{
	seen.version = LINUX_KERNEL_VERSION;
	seen.hz = CONFIG_HZ;
	seen.syscall = CONFIG_BPF_SYSCALL;
	seen.wrapper = LINUX_HAS_SYSCALL_WRAPPER;
	seen.jit = CONFIG_BPF_JIT;
	__builtin_memcpy(seen.localversion, CONFIG_LOCALVERSION, sizeof(seen.localversion));
	seen.missing = CONFIG_GEWYVERN_NO_SUCH_OPTION;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

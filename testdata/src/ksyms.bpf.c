// SPDX-License-Identifier: MIT
/*
 * ksyms: .ksyms externs resolved against the running kernel's BTF and symbols: a typeless symbol
 * (an address from /proc/kallsyms), a weak symbol no kernel has (0), and kfunc calls
 * (bpf_rcu_read_lock/unlock, by their vmlinux BTF ids). Typed kernel variables (ld_imm64 of a BTF
 * VAR id) need data symbols in kallsyms (CONFIG_KALLSYMS_ALL), which the test kernel lacks: it
 * refuses them with "ldimm64 failed to find the address for kernel symbol", so none is used here.
 *
 * Built by testdata/Makefile into obj/ksyms.bpf.o and obj/ksyms.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const void bpf_prog_put __ksym;
extern const void gewyvern_no_such_symbol __ksym __weak;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

struct {
	__u64 prog_put;
	__u64 missing;
} seen;

SEC("tp_btf/sched_switch")
int read_ksyms(__u64 *ctx)
{
	bpf_rcu_read_lock();
	seen.prog_put = (__u64)&bpf_prog_put;
	seen.missing = (__u64)&gewyvern_no_such_symbol;
	bpf_rcu_read_unlock();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: MIT
/*
 * core: a program with a CO-RE relocation (a field of task_struct read through
 * preserve_access_index), as libbpf-tools programs have many. gewyvern moves the read to where the
 * running kernel's (or a given target BTF's) task_struct has tgid, as libbpf does; tests load it
 * with both and compare, and relocate it against BTFs with tgid moved or missing.
 *
 * Built by testdata/Makefile into obj/core.bpf.o and obj/core.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int tgid;
} __attribute__((preserve_access_index));

int last_tgid;

SEC("tp_btf/sched_switch")
int read_tgid(__u64 *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	last_tgid = BPF_CORE_READ(t, tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

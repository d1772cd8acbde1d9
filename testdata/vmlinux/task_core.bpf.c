// SPDX-License-Identifier: MIT
/*
 * task_core: a program written as libbpf-tools programs are, against a vmlinux.h. It is not built by
 * testdata/Makefile: LoadOnlyDifferentialKernelTest generates vmlinux.h from the running kernel's
 * BTF with gewyvern's own C dump (gew btf dump --kernel --format c), compiles this file with clang
 * against it, and loads the object with gewyvern and with bpftool: chains of BPF_CORE_READ through
 * task_struct, a flavour, existence checks, an enum value, a bitfield and type relocations, every one
 * resolved against the running kernel, must give the instructions libbpf gives.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* a flavour: only the fields read, under another name, matched to task_struct by its essential name */
struct task_struct___gew {
	int pid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

struct seen {
	int pid;
	int tgid;
	int parent_tgid;
	int parent_pid_via_flavour;
	unsigned int uid;
	unsigned int pid_ns;
	unsigned long long start_time;
	unsigned long long mm_total_vm;
	int has_loginuid;
	int tgid_enum;
	unsigned int flags;
	unsigned long long reset_on_fork;
	int task_struct_exists;
	unsigned int task_struct_size;
	unsigned int comm_size;
	char comm[16];
};

struct seen last;

SEC("raw_tp/sys_enter")
int read_task(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct task_struct___gew *f = (void *)t;

	last.pid = BPF_CORE_READ(t, pid);
	last.tgid = BPF_CORE_READ(t, tgid);
	last.parent_tgid = BPF_CORE_READ(t, real_parent, tgid);
	last.parent_pid_via_flavour = BPF_CORE_READ(f, real_parent, pid);
	last.uid = BPF_CORE_READ(t, cred, uid.val);
	last.pid_ns = BPF_CORE_READ(t, nsproxy, pid_ns_for_children, ns.inum);
	last.start_time = BPF_CORE_READ(t, start_time);
	last.mm_total_vm = BPF_CORE_READ(t, mm, total_vm);
	last.has_loginuid = bpf_core_field_exists(t->loginuid);
	last.tgid_enum = bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);
	last.flags = BPF_CORE_READ(t, flags);
	if (bpf_core_field_exists(t->sched_reset_on_fork))
		last.reset_on_fork = BPF_CORE_READ_BITFIELD_PROBED(t, sched_reset_on_fork);
	last.task_struct_exists = bpf_core_type_exists(struct task_struct);
	last.task_struct_size = bpf_core_type_size(struct task_struct);
	last.comm_size = bpf_core_field_size(t->comm);
	BPF_CORE_READ_STR_INTO(&last.comm, t, comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

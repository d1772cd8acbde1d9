// SPDX-License-Identifier: MIT
/*
 * core_kernel: CO-RE against the running kernel's own BTF (no target_btf), with values a test can
 * hold against /proc: the current task's pid, tgid and comm read through relocated task_struct
 * accesses; the task_struct rename of 'state' to '__state' (5.14) seen through two flavours; the
 * values of enum pid_type (whose local values are deliberately wrong); task_struct's id in the
 * kernel's BTF and that the local task_struct matches it; a type the kernel lacks.
 * The program is raw_tp: loaded only, and run by BPF_PROG_TEST_RUN in the test's own thread.
 * bpftool (libbpf) loads it as well, which makes it part of the instruction-level differential.
 *
 * Built by testdata/Makefile into obj/core_kernel.bpf.o and obj/core_kernel.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define CORE_RELOC __attribute__((preserve_access_index))

struct task_struct {
	int pid;
	int tgid;
	char comm[16];
} CORE_RELOC;

struct task_struct___old {
	long state;
} CORE_RELOC;

struct task_struct___new {
	unsigned int __state;
} CORE_RELOC;

/* The kernel's values are PIDTYPE_SID 3, PIDTYPE_MAX 4; it has no PIDTYPE_GEWYVERN. */
enum pid_type { PIDTYPE_SID = 30, PIDTYPE_MAX = 40, PIDTYPE_GEWYVERN = 99 };

struct gewyvern_no_such_kernel_type {
	int x;
};

struct kernel_out {
	int pid;
	int tgid;
	char comm[16];
	int old_state_exists;
	int new_state_exists;
	int tgid_offset;
	int comm_size;
	int task_size;
	int task_exists;
	int missing_type_exists;
	int sid;
	int max;
	int gewyvern_exists;
	int task_kernel_id;
	int task_matches;
	int missing_kernel_id;
};

struct kernel_out kernel_out;

SEC("raw_tp/sys_enter")
int read_task(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct kernel_out *out = &kernel_out;

	out->pid = BPF_CORE_READ(t, pid);
	out->tgid = BPF_CORE_READ(t, tgid);
	BPF_CORE_READ_STR_INTO(&out->comm, t, comm);
	out->old_state_exists = bpf_core_field_exists(((struct task_struct___old *)t)->state);
	out->new_state_exists = bpf_core_field_exists(((struct task_struct___new *)t)->__state);
	out->tgid_offset = bpf_core_field_offset(t->tgid);
	out->comm_size = bpf_core_field_size(t->comm);
	out->task_size = bpf_core_type_size(struct task_struct);
	out->task_exists = bpf_core_type_exists(struct task_struct);
	out->missing_type_exists = bpf_core_type_exists(struct gewyvern_no_such_kernel_type);
	out->sid = bpf_core_enum_value(enum pid_type, PIDTYPE_SID);
	out->max = bpf_core_enum_value(enum pid_type, PIDTYPE_MAX);
	out->gewyvern_exists = bpf_core_enum_value_exists(enum pid_type, PIDTYPE_GEWYVERN);
	out->task_kernel_id = bpf_core_type_id_kernel(struct task_struct);
	/* 0 where the kernel's char is unsigned (x86 kernels since 6.2 build with -funsigned-char): comm differs */
	out->task_matches = bpf_core_type_matches(struct task_struct);
	out->missing_kernel_id = bpf_core_type_id_kernel(struct gewyvern_no_such_kernel_type);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

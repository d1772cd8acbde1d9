// SPDX-License-Identifier: MIT
/*
 * execsnoop: one event per successful exec, the way libbpf-tools' execsnoop reports them, for
 * `gew session apply --events`.
 *
 *   exec_ring  (tracepoint/sched/sched_process_exec)  writes struct exec_event to the ring buffer `execs`
 *   exec_perf  (tracepoint/sched/sched_process_exec)  writes it to the perf event array `exec_perf_events`
 *
 * No CO-RE: the tracepoint's own record (tracefs events/sched/sched_process_exec/format) is all
 * it reads. Built by testdata/Makefile into obj/execsnoop.bpf.o and obj/execsnoop.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16
#define FILENAME_LEN 64

enum exec_by { BY_ROOT = 0, BY_USER = 1 };

struct exec_event {
	__u32 pid;
	__u32 uid;
	__u64 cgroup;
	enum exec_by by;
	char comm[TASK_COMM_LEN];
	char filename[FILENAME_LEN];
};

/* tracefs events/sched/sched_process_exec/format */
struct sched_process_exec {
	__u64 common;
	__u32 filename_loc; /* __data_loc: offset in the low 16 bits, length in the high */
	__s32 pid;
	__s32 old_pid;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} execs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} exec_perf_events SEC(".maps");

/*
 * Not inlined on purpose: a record type that appears only in local variables is not in the object's BTF
 * (BTF describes globals, maps and functions); as this function's parameter it is, and `--events` finds it.
 */
static __attribute__((noinline)) int fill(struct exec_event *e, struct sched_process_exec *ctx)
{
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->cgroup = bpf_get_current_cgroup_id();
	e->by = e->uid == 0 ? BY_ROOT : BY_USER;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (void *)ctx + (ctx->filename_loc & 0xffff));
	return 0;
}

SEC("tracepoint/sched/sched_process_exec")
int exec_ring(struct sched_process_exec *ctx)
{
	struct exec_event *e = bpf_ringbuf_reserve(&execs, sizeof(*e), 0);

	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	fill(e, ctx);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/sched/sched_process_exec")
int exec_perf(struct sched_process_exec *ctx)
{
	struct exec_event e = {};

	fill(&e, ctx);
	bpf_perf_event_output(ctx, &exec_perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

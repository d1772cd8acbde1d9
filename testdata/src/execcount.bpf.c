// SPDX-License-Identifier: MIT
/*
 * execcount: gewyvern's first test object.
 *
 * Two tracepoint programs, two BTF-defined hash maps keyed by the task's command name:
 *   count_execs  (tracepoint/syscalls/sys_enter_execve)    counts into exec_counts
 *   count_exits  (tracepoint/sched/sched_process_exit)     counts into exit_counts
 *
 * Deliberately plain: no global data (.data/.rodata/.bss), no CO-RE relocations and no
 * bpf-to-bpf calls (the helper below is always inlined). Objects that exercise those
 * features are separate files in this directory.
 *
 * Built by testdata/Makefile into obj/execcount.bpf.o (little-endian) and
 * obj/execcount.bpfeb.o (big-endian twin). Rebuild with: make -C testdata
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16

/* comm (NUL-padded, as bpf_get_current_comm fills it) -> number of execve calls */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, char[TASK_COMM_LEN]);
	__type(value, __u64);
} exec_counts SEC(".maps");

/* comm -> number of exits (every exiting task, threads included) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, char[TASK_COMM_LEN]);
	__type(value, __u64);
} exit_counts SEC(".maps");

static __always_inline void count_comm(void *map)
{
	char comm[TASK_COMM_LEN] = {};
	__u64 one = 1;
	__u64 *count;

	bpf_get_current_comm(comm, sizeof(comm));
	count = bpf_map_lookup_elem(map, comm);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return;
	}
	/* first sighting; if another CPU inserted it meanwhile, add to theirs */
	if (bpf_map_update_elem(map, comm, &one, BPF_NOEXIST) != 0) {
		count = bpf_map_lookup_elem(map, comm);
		if (count)
			__sync_fetch_and_add(count, 1);
	}
}

SEC("tracepoint/syscalls/sys_enter_execve")
int count_execs(void *ctx)
{
	count_comm(&exec_counts);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int count_exits(void *ctx)
{
	count_comm(&exit_counts);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

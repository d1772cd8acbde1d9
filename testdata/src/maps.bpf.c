// SPDX-License-Identifier: MIT
/*
 * maps: the BTF-defined map attributes real objects use. A map of maps whose `values` name two
 * inner maps, a program array whose `values` name a tail-call target, a PERF_EVENT_ARRAY left at
 * max_entries 0 (the loader makes it one slot per possible CPU), a ring buffer, an LRU hash with
 * flags, and a hash keyed and valued by size rather than type.
 *
 * Built by testdata/Makefile into obj/maps.bpf.o and obj/maps.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = { .values = { [0] = &inner_a, [2] = &inner_b } };

int tail_target(void *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int (void *));
} jumps SEC(".maps") = { .values = { [1] = (void *)&tail_target } };

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__type(key, __u64);
	__type(value, __u32);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__uint(key_size, 12);
	__uint(value_size, 20);
} sized SEC(".maps");

SEC("tp/syscalls/sys_enter_getppid")
int tail_target(void *ctx)
{
	__u32 k = 0;
	__u64 *v;
	void *in = bpf_map_lookup_elem(&outer, &k);

	if (!in)
		return 0;
	v = bpf_map_lookup_elem(in, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int jump(void *ctx)
{
	__u64 pid = bpf_get_current_pid_tgid();
	__u32 one = 1;
	__u64 *r;

	bpf_map_update_elem(&lru, &pid, &one, BPF_ANY);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &one, sizeof(one));
	r = bpf_ringbuf_reserve(&ring, sizeof(*r), 0);
	if (r) {
		*r = pid;
		bpf_ringbuf_submit(r, 0);
	}
	bpf_tail_call(ctx, &jumps, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

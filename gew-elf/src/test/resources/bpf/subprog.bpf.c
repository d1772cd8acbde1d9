// SPDX-License-Identifier: MIT
/*
 * subprog: gew-elf's test object for bpf-to-bpf calls, global data and map attributes.
 * Built by build.sh beside it (clang-19 -g -O2 -mcpu=v3, -target bpf and -target bpfeb).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(key_size, 4);
	__uint(value_size, 8);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(numa_node, 1);
} sized SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__type(value, __u32);
	__uint(max_entries, 8);
	__uint(map_extra, 3);
} bloom SEC(".maps");

const volatile __u32 filter_pid = 0; /* .rodata */
__u64 total = 0;                     /* .bss */
__u64 seen = 5;                      /* .data */
static __u64 hidden;                 /* .bss, static */

static __noinline __u64 bump(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	return *v;
}

__noinline int global_helper(int x)
{
	return bump(x & 3) + 1;
}

static long loop_cb(__u32 i, void *ctx)
{
	hidden += i;
	return 0;
}

SEC("tp/syscalls/sys_enter_getpid")
int prog_a(void *ctx)
{
	total += bump(0);
	return 0;
}

SEC("raw_tp/sys_enter")
int prog_b(void *ctx)
{
	__u32 k = 1;
	__u64 v = 2;

	if (filter_pid)
		return 0;
	seen += global_helper(1);
	bpf_map_update_elem(&sized, &k, &v, BPF_ANY);
	bpf_loop(4, loop_cb, 0, 0);
	return 0;
}

SEC("tc")
int tc_one(struct __sk_buff *skb)
{
	return bump(2) ? 0 : 1;
}

SEC("tc")
int tc_two(struct __sk_buff *skb)
{
	__u32 v = 7;

	bpf_map_push_elem(&bloom, &v, 0);
	return 0;
}

SEC("weird/section")
int prog_unknown(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

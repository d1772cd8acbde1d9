// SPDX-License-Identifier: MIT
/*
 * iproute2: an object as iproute2's `tc` and `ip` load them: legacy "maps" definitions in iproute2's
 * own 36-byte struct bpf_elf_map (bpf_map_def's five fields, then id, pinning, inner_id, inner_idx)
 * and "classifier"/"action" sections. counters asks to be pinned (PIN_GLOBAL_NS); map_outer is an
 * iproute2 map-in-map (inner_id names map_inner's id), which gewyvern refuses for that map only:
 * count_packets loads, lookup_outer (which uses map_outer) cannot, and says why.
 *
 * Built by testdata/Makefile into obj/iproute2.bpf.o and obj/iproute2.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

#define PIN_GLOBAL_NS 2
#define MAP_INNER_ID 42

struct bpf_elf_map SEC("maps") counters = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 2,
	.pinning = PIN_GLOBAL_NS,
};

struct bpf_elf_map SEC("maps") map_inner = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 1,
	.id = MAP_INNER_ID,
};

struct bpf_elf_map SEC("maps") map_outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 1,
	.inner_id = MAP_INNER_ID,
};

SEC("classifier")
int count_packets(struct __sk_buff *skb)
{
	__u32 k = skb->len > 100;
	__u64 *n = bpf_map_lookup_elem(&counters, &k);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

SEC("action")
int lookup_outer(struct __sk_buff *skb)
{
	__u32 k = 0;
	void *inner = bpf_map_lookup_elem(&map_outer, &k);

	return inner ? 1 : 0;
}

char __license[] SEC("license") = "GPL";

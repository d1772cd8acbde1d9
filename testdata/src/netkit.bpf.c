// SPDX-License-Identifier: MIT
/*
 * netkit: counting programs for the two sides of a netkit device pair.
 *
 *   slot 0  count_primary  netkit/primary  a packet through the primary device
 *   slot 1  count_peer     netkit/peer     a packet through the peer device
 *
 * Both return NETKIT_NEXT (-1, newer than this uapi header): the device's next program, or its default,
 * decides. No CO-RE, no global data. Rebuild with: make -C testdata
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} netkit_counts SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&netkit_counts, &slot);

	if (c)
		__sync_fetch_and_add(c, 1);
}

SEC("netkit/primary")
int count_primary(struct __sk_buff *skb)
{
	count(0);
	return -1;
}

SEC("netkit/peer")
int count_peer(struct __sk_buff *skb)
{
	count(1);
	return -1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

// SPDX-License-Identifier: MIT
/*
 * cgroupkinds: one counting program per cgroup hook not covered by attachkinds.bpf.c.
 *
 * Every program adds one to counts[<its slot>] each time it runs and allows the operation, so a
 * test can move a process into a cgroup of its own, cause the event there and read the count:
 *   slot 0  count_ingress       cgroup_skb/ingress    a packet received by a socket of the cgroup
 *   slot 1  count_sock_create   cgroup/sock_create    an AF_INET/AF_INET6 socket() in the cgroup
 *   slot 2  count_sock_release  cgroup/sock_release   such a socket released (its last close())
 *   slot 3  count_setsockopt    cgroup/setsockopt     a setsockopt() in the cgroup
 *   slot 4  count_getsockopt    cgroup/getsockopt     a getsockopt() in the cgroup
 *
 * No CO-RE, no global data: the context is never read. Rebuild with: make -C testdata
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} cgroup_counts SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&cgroup_counts, &slot);

	if (c)
		__sync_fetch_and_add(c, 1);
}

SEC("cgroup_skb/ingress")
int count_ingress(struct __sk_buff *skb)
{
	count(0);
	return 1;
}

SEC("cgroup/sock_create")
int count_sock_create(struct bpf_sock *sk)
{
	count(1);
	return 1;
}

SEC("cgroup/sock_release")
int count_sock_release(struct bpf_sock *sk)
{
	count(2);
	return 1;
}

/* Returning 1 with the context untouched lets the kernel handle the option as it would without us. */
SEC("cgroup/setsockopt")
int count_setsockopt(struct bpf_sockopt *ctx)
{
	count(3);
	return 1;
}

SEC("cgroup/getsockopt")
int count_getsockopt(struct bpf_sockopt *ctx)
{
	count(4);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * struct_ops: a minimal TCP congestion control, "gew_test_ca", registered through a bpf_link
 * (SEC(".struct_ops.link")). Each callback adds one to calls[<slot>]:
 *   slot 0  gew_init        init        a connection starts using it
 *   slot 1  gew_cong_avoid  cong_avoid  an ACK while the window limits sending
 *   slot 2  gew_ssthresh    ssthresh    a loss (returns a fixed threshold)
 *   slot 3  gew_undo_cwnd   undo_cwnd   an undone loss (returns a fixed window)
 * The window never grows: it is a test fixture, not a congestion control to use. It is
 * non-restricted, so that a test's own network namespace can make it its default.
 *
 * struct tcp_congestion_ops below declares only the members it sets; a loader matches them by name
 * against the kernel's struct, as libbpf does. Rebuild with: make -C testdata
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sock;

struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*init)(struct sock *sk);
	char name[16];
	__u32 flags;
};

/* the kernel's TCP_CONG_NON_RESTRICTED: any network namespace may make it its default */
#define TCP_CONG_NON_RESTRICTED 0x1

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&calls, &slot);

	if (c)
		__sync_fetch_and_add(c, 1);
}

SEC("struct_ops/init")
void gew_init(unsigned long long *ctx)
{
	count(0);
}

SEC("struct_ops/cong_avoid")
void gew_cong_avoid(unsigned long long *ctx)
{
	count(1);
}

SEC("struct_ops/ssthresh")
__u32 gew_ssthresh(unsigned long long *ctx)
{
	count(2);
	return 10;
}

SEC("struct_ops/undo_cwnd")
__u32 gew_undo_cwnd(unsigned long long *ctx)
{
	count(3);
	return 10;
}

SEC(".struct_ops.link")
struct tcp_congestion_ops gew_test_ca = {
	.ssthresh = (void *)gew_ssthresh,
	.cong_avoid = (void *)gew_cong_avoid,
	.undo_cwnd = (void *)gew_undo_cwnd,
	.init = (void *)gew_init,
	.name = "gew_test_ca",
	.flags = TCP_CONG_NON_RESTRICTED,
};

/*
 * The same in plain .struct_ops, which libbpf registers by writing the map's value (no link);
 * gewyvern creates it with BPF_F_LINK too and registers it through a link. Its own programs count
 * into the same slots.
 */
SEC("struct_ops/ssthresh")
__u32 gew_plain_ssthresh(unsigned long long *ctx)
{
	count(2);
	return 10;
}

SEC("struct_ops/cong_avoid")
void gew_plain_cong_avoid(unsigned long long *ctx)
{
	count(1);
}

SEC("struct_ops/undo_cwnd")
__u32 gew_plain_undo_cwnd(unsigned long long *ctx)
{
	count(3);
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops gew_test_ca_plain = {
	.ssthresh = (void *)gew_plain_ssthresh,
	.cong_avoid = (void *)gew_plain_cong_avoid,
	.undo_cwnd = (void *)gew_plain_undo_cwnd,
	.name = "gew_test_ca2",
};

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: MIT
/*
 * attachkinds: one counting program per attach kind gewyvern links through bpf_link.
 *
 * Every program adds one to counts[<its slot>] each time it runs and lets the event through, so a
 * test can cause the event and read the effect from the map:
 *   slot 0  count_raw_tp      raw_tp/sched_process_exec    an exec
 *   slot 1  count_tp_btf      tp_btf/sched_process_exec    an exec
 *   slot 2  count_perf        perf_event                   a software perf event sample
 *   slot 3  count_connect4    cgroup/connect4              an IPv4 connect() from the cgroup
 *   slot 4  count_egress      cgroup_skb/egress            a packet sent from the cgroup
 *   slot 5  count_xdp         xdp                          a packet received (XDP_PASS)
 *   slot 6  count_tcx         tcx/ingress                  a packet received (TCX_NEXT)
 *   slot 7  count_sk_lookup   sk_lookup                    a socket lookup in the netns (SK_PASS)
 *   slot 8  count_flow        flow_dissector               a packet dissected in the netns (BPF_OK)
 *   slot 9  count_uprobe      uprobe                       a call of the probed function
 *   slot 10 count_uretprobe   uretprobe                    a return of the probed function
 *   slot 11 count_netfilter   netfilter                    a packet at the hook (NF_ACCEPT)
 *   slot 12 list_tasks        iter/task                    one run per task when the iterator is read;
 *                                                          it writes "task\n" for each
 *   slot 13 count_sysctl      cgroup/sysctl                a sysctl read or written from the cgroup
 *   slot 14 count_dev         cgroup/dev                   a device opened from the cgroup (allowed)
 *
 * No CO-RE, no global data: the context is never read. Rebuild with: make -C testdata
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&counts, &slot);

	if (c)
		__sync_fetch_and_add(c, 1);
}

SEC("raw_tp/sched_process_exec")
int count_raw_tp(void *ctx)
{
	count(0);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int count_tp_btf(void *ctx)
{
	count(1);
	return 0;
}

SEC("perf_event")
int count_perf(void *ctx)
{
	count(2);
	return 0;
}

SEC("cgroup/connect4")
int count_connect4(struct bpf_sock_addr *ctx)
{
	count(3);
	return 1;
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	count(4);
	return 1;
}

SEC("xdp")
int count_xdp(struct xdp_md *ctx)
{
	count(5);
	return XDP_PASS;
}

SEC("tcx/ingress")
int count_tcx(struct __sk_buff *skb)
{
	count(6);
	return -1; /* TCX_NEXT (newer than this uapi header) */
}

SEC("sk_lookup")
int count_sk_lookup(struct bpf_sk_lookup *ctx)
{
	count(7);
	return SK_PASS;
}

SEC("flow_dissector")
int count_flow(struct __sk_buff *skb)
{
	count(8);
	return BPF_OK;
}

SEC("uprobe")
int count_uprobe(void *ctx)
{
	count(9);
	return 0;
}

SEC("uretprobe")
int count_uretprobe(void *ctx)
{
	count(10);
	return 0;
}

SEC("netfilter")
int count_netfilter(void *ctx)
{
	count(11);
	return 1; /* NF_ACCEPT */
}

SEC("cgroup/sysctl")
int count_sysctl(struct bpf_sysctl *ctx)
{
	count(13);
	return 1;
}

SEC("cgroup/dev")
int count_dev(struct bpf_cgroup_dev_ctx *ctx)
{
	count(14);
	return 1;
}

/* The iterator's context as the kernel lays it out (struct bpf_iter__task): two pointers. */
struct seq_file;
struct gew_iter_meta {
	struct seq_file *seq;
};
struct gew_iter_task {
	struct gew_iter_meta *meta;
	void *task;
};

SEC("iter/task")
int list_tasks(struct gew_iter_task *ctx)
{
	char line[8] = "task\n"; /* on the stack: this object has no global data */

	if (!ctx->task)
		return 0;
	count(12);
	bpf_seq_write(ctx->meta->seq, line, 5);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

// SPDX-License-Identifier: MIT
/*
 * uprobemulti: programs for uprobe.multi links, which count into calls[<cookie>].
 *
 * The cookie is what the link gave the probed function (bpf_get_attach_cookie()), 0 when it gave none, so
 * one program tells the functions of one link apart:
 *   count_calls    uprobe.multi      a call of a function of the link
 *   count_returns  uretprobe.multi   a return from a function of the link
 *   count_pid      uprobe.multi      the same as count_calls, for a link limited to one process
 *
 * No CO-RE, no global data: the context is only passed to the helper. Rebuild with: make -C testdata
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

static __always_inline void count_cookie(void *ctx)
{
	__u32 slot = (__u32)bpf_get_attach_cookie(ctx);
	__u64 *c = bpf_map_lookup_elem(&calls, &slot);

	if (c)
		__sync_fetch_and_add(c, 1);
}

SEC("uprobe.multi")
int count_calls(void *ctx)
{
	count_cookie(ctx);
	return 0;
}

SEC("uretprobe.multi")
int count_returns(void *ctx)
{
	count_cookie(ctx);
	return 0;
}

SEC("uprobe.multi")
int count_pid(void *ctx)
{
	count_cookie(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

// SPDX-License-Identifier: MIT
/*
 * uprobesession: programs for uprobe.session links (BPF_TRACE_UPROBE_SESSION, 6.13+). A session program
 * runs at a function's entry and, when it returned 0 there, again at its return;
 * bpf_session_is_return() tells which. Counts go into calls[]:
 *   both_ends   returns 0 at entry:  calls[0] entries, calls[1] returns
 *   entry_only  returns 1 at entry:  calls[2] entries, calls[3] returns (stays 0: no return run)
 *
 * Rebuild with: make -C testdata
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern bool bpf_session_is_return(void) __ksym;

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

SEC("uprobe.session")
int both_ends(void *ctx)
{
	count(bpf_session_is_return() ? 1 : 0);
	return 0;
}

SEC("uprobe.session")
int entry_only(void *ctx)
{
	count(bpf_session_is_return() ? 3 : 2);
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

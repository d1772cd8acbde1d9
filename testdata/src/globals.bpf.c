// SPDX-License-Identifier: MIT
/*
 * globals: global data and the call forms real objects use.
 *
 *   .rodata       const volatile configuration (set by name from the Pipeline before load, then frozen)
 *   .data         initialised globals;  .bss: zeroed globals (a static one too)
 *   .data.stats   a custom data section (its own map, named by the section)
 *   .rodata.str*  string literals clang merges
 *   calls         a static subprogram, a global (BTF-checked) subprogram, a bpf_loop callback
 *                 (a function address in a 64-bit immediate load), two programs in one section
 *
 * Built by testdata/Makefile into obj/globals.bpf.o and obj/globals.bpfeb.o.
 */
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

enum mode { MODE_OFF = 0, MODE_COUNT = 1, MODE_TRACE = 2 };

const volatile __u32 target_pid = 0;
const volatile bool enabled = true;
const volatile enum mode mode = MODE_COUNT;
const volatile char tag[8] = "gew";
const volatile __s16 bias = -3;

__u64 calls = 1;          /* .data */
__u64 loops;              /* .bss */
static __u64 last_pid;    /* .bss, static */

__u64 by_cpu[4] SEC(".data.stats") = { 0 };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

static __noinline __u64 add_hit(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&hits, &k);

	if (!v)
		return 0;
	return __sync_fetch_and_add(v, 1) + 1;
}

__noinline int scaled(int x)
{
	return x * 2 + bias;
}

static long count_loop(__u32 i, void *ctx)
{
	loops += 1;
	return 0;
}

static __always_inline bool wanted(void)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (!enabled || mode == MODE_OFF)
		return false;
	return target_pid == 0 || pid == target_pid;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id() & 3;

	if (!wanted())
		return 0;
	calls += add_hit(0);
	by_cpu[cpu] += scaled(1);
	last_pid = bpf_get_current_pid_tgid() >> 32;
	bpf_loop(3, count_loop, 0, 0);
	if (mode == MODE_TRACE)
		bpf_printk("gew %s pid %d", tag, (int)last_pid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid_too(void *ctx)
{
	if (wanted())
		add_hit(0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

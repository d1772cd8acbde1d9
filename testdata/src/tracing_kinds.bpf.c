// SPDX-License-Identifier: MIT
/*
 * tracing_kinds: one counting program per attach kind of issue #6's tracing part, each adding one to
 * counts[<its slot>] when it runs:
 *   slot 0  on_unlink_entry   fentry/do_unlinkat              an unlink()
 *   slot 1  on_unlink_exit    fexit/do_unlinkat               an unlink()
 *   slot 2  on_modify_return  fmod_ret/bpf_modify_return_test (BPF_PROG_TEST_RUN of a tracing program)
 *   slot 3  on_file_open      lsm/file_open                   an open() (returns 0: allowed)
 *   slot 4  kp_unlink         kprobe/do_unlinkat              an unlink()
 *   slot 5  kp_unlink_ret     kretprobe/do_unlinkat           an unlink() returning
 *   slot 6  kp_any            kprobe (target from the Pipeline)
 *   slot 7  kp_multi          kprobe.multi (symbols or a pattern from the Pipeline)
 *   slot 8  kp_multi_ret      kretprobe.multi/do_unlinkat*
 *   slot 10 on_security_open  fmod_ret/security_file_open     an open() (returns 0: the hook runs, nothing denied)
 * and a freplace pair: on_sys_enter (raw_tp/sys_enter) stores 42 - gew_answer(1) in counts[9]; gew_answer
 * returns 1, so that is 41, and new_answer (freplace/gew_answer) replaces it by one returning 0: 42. The
 * replacement returns 0 because a kernel checks an extension's return value against the range of the
 * program it extends: before 6.x a raw_tp extension must return exactly 0 (6.1's verifier refuses 42 with
 * "At program exit the register R0 has value (0x2a; 0x0) should have been in (0x0; 0x0)").
 *
 * fmod_ret takes two classes of target: functions on the kernel's error-injection list (bpf_modify_return_test
 * is on it where CONFIG_FUNCTION_ERROR_INJECTION is set) and the security_* LSM hooks (always; the capability
 * report calls that class fmod_ret.security). A kernel built without error injection (Debian's 6.1) still
 * takes the second, so each class has a program of its own.
 *
 * The test kernel refuses fentry, fexit, fmod_ret, lsm and freplace loads (EPERM) and has no kprobes;
 * the tests assert those refusals through the capability report. Rebuild with: make -C testdata
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

SEC("fentry/do_unlinkat")
int on_unlink_entry(__u64 *ctx)
{
	count(0);
	return 0;
}

SEC("fexit/do_unlinkat")
int on_unlink_exit(__u64 *ctx)
{
	count(1);
	return 0;
}

SEC("fmod_ret/bpf_modify_return_test")
int on_modify_return(__u64 *ctx)
{
	count(2);
	return 0;
}

SEC("fmod_ret/security_file_open")
int on_security_open(__u64 *ctx)
{
	count(10);
	return 0;
}

SEC("lsm/file_open")
int on_file_open(__u64 *ctx)
{
	count(3);
	return 0;
}

SEC("kprobe/do_unlinkat")
int kp_unlink(void *ctx)
{
	count(4);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int kp_unlink_ret(void *ctx)
{
	count(5);
	return 0;
}

SEC("kprobe")
int kp_any(void *ctx)
{
	count(6);
	return 0;
}

SEC("kprobe.multi")
int kp_multi(void *ctx)
{
	count(7);
	return 0;
}

SEC("kretprobe.multi/do_unlinkat*")
int kp_multi_ret(void *ctx)
{
	count(8);
	return 0;
}

__attribute__((noinline)) int gew_answer(int x)
{
	return x > 0 ? 1 : 0;
}

SEC("raw_tp/sys_enter")
int on_sys_enter(void *ctx)
{
	__u32 slot = 9;
	__u64 v = 42 - gew_answer(1);

	bpf_map_update_elem(&counts, &slot, &v, BPF_ANY);
	return 0;
}

SEC("freplace/gew_answer")
int new_answer(int x)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: MIT
/*
 * tracing: BTF-attached programs this test kernel refuses by policy (fentry, fexit, fmod_ret,
 * LSM: EPERM with an empty log) plus iterators and kprobes, whose loads show what the kernel
 * allows. The tests assert the refusal is reported as such, never faked.
 *
 * Built by testdata/Makefile into obj/tracing.bpf.o and obj/tracing.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("fentry/do_unlinkat")
int t_fentry(__u64 *ctx) { return 0; }

SEC("fexit/do_unlinkat")
int t_fexit(__u64 *ctx) { return 0; }

SEC("fmod_ret/security_file_open")
int t_fmod_ret(__u64 *ctx) { return 0; }

SEC("lsm/file_open")
int t_lsm(__u64 *ctx) { return 0; }

SEC("lsm.s/file_open")
int t_lsm_s(__u64 *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";

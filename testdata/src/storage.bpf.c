// SPDX-License-Identifier: MIT
/*
 * storage: one map of each local-storage type (socket, inode, task, cgroup). The kernel keeps one
 * value per owner and sizes these maps itself: they take max_entries 0, BPF_F_NO_PREALLOC, an int
 * key (the owner's file descriptor from user space) and BTF types. count_getppid counts each task's
 * getppid() calls in its task storage; the test fills and reads the others from user space.
 *
 * Built by testdata/Makefile into obj/storage.bpf.o and obj/storage.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counter {
	__u64 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct counter);
} sk_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct counter);
} inode_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct counter);
} task_counts SEC(".maps");

struct {
	__uint(type, 32); /* BPF_MAP_TYPE_CGRP_STORAGE (Linux 6.2), newer than these uapi headers */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct counter);
} cgrp_counts SEC(".maps");

SEC("tp/syscalls/sys_enter_getppid")
int count_getppid(void *ctx)
{
	struct counter *c = bpf_task_storage_get(&task_counts, bpf_get_current_task_btf(), 0,
						 BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (c)
		__sync_fetch_and_add(&c->n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

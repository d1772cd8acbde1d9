// SPDX-License-Identifier: MIT
/*
 * legacy: the legacy "maps" section (struct bpf_map_def, as bcc-era and iproute2 objects carry it)
 * and the "version" section. libbpf 1.0 and later refuse such objects; gewyvern loads them.
 *
 * Built by testdata/Makefile into obj/legacy.bpf.o and obj/legacy.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct legacy_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct legacy_map_def SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = 4,
	.value_size = 8,
	.max_entries = 64,
	.map_flags = BPF_F_NO_PREALLOC,
};

struct legacy_map_def SEC("maps") legacy_array = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = 4,
	.value_size = 4,
	.max_entries = 2,
};

SEC("socket")
int sock_prog(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&legacy_hash, &k);
	__u32 *a = bpf_map_lookup_elem(&legacy_array, &k);

	if (v && a)
		*v += *a;
	return 0;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0x060100;

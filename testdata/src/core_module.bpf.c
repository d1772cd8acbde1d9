// SPDX-License-Identifier: MIT
/*
 * core_module: CO-RE against tcp_bbr's private struct bbr. Where tcp_bbr is a module (Debian's 6.1)
 * the type is only in the module's split BTF (/sys/kernel/btf/tcp_bbr) and TYPE_ID_TARGET gives an id
 * in the module's BTF object; where it is built in (this project's CI kernel) it is in vmlinux. The
 * relocated values (whether it exists, its size, two member offsets, its id) are written to module_out
 * for a test to hold against that BTF. The program is raw_tp: loaded only, and run by
 * BPF_PROG_TEST_RUN.
 *
 * Built by testdata/Makefile into obj/core_module.bpf.o and obj/core_module.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define CORE_RELOC __attribute__((preserve_access_index))

/* the members this program uses of net/ipv4/tcp_bbr.c's struct bbr */
struct bbr {
	unsigned int min_rtt_us;
	unsigned int rtt_cnt;
} CORE_RELOC;

struct module_out {
	int bbr_exists;
	int bbr_size;
	int min_rtt_us_offset;
	int rtt_cnt_offset;
	int bbr_kernel_id;
};

struct module_out module_out;

SEC("raw_tp/sys_enter")
int read_bbr(void *ctx)
{
	struct bbr *b = 0;
	struct module_out *out = &module_out;

	out->bbr_exists = bpf_core_type_exists(struct bbr);
	out->bbr_size = bpf_core_type_size(struct bbr);
	out->min_rtt_us_offset = bpf_core_field_offset(b->min_rtt_us);
	out->rtt_cnt_offset = bpf_core_field_offset(b->rtt_cnt);
	out->bbr_kernel_id = bpf_core_type_id_kernel(struct bbr);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

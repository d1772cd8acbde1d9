// SPDX-License-Identifier: MIT
/*
 * core_reloc: CO-RE relocations of every kind, in the shape of the kernel's test_core_reloc suite.
 * Each program reads an input blob laid out as a TARGET type (the bytes the test writes into
 * core_reloc_in, .data) through relocated accesses to the LOCAL types below, and records what it
 * read and the relocated constants into its own output global (.bss). The targets are
 * testdata/core/btf__core_reloc_*.c: their .BTF is the target BTF (Pipeline BpfObject.target_btf),
 * and their *_input globals are the input blobs, laid out by the compiler.
 *
 *   read_fields     FIELD_BYTE_OFFSET, FIELD_BYTE_SIZE, FIELD_EXISTS, FIELD_SIGNED through nested and
 *                   anonymous structs/unions, arrays (also of structs), a flexible array, a typedef,
 *                   a pointer; probed reads and a direct load whose size the relocation changes
 *   read_bitfields  FIELD_LSHIFT_U64, FIELD_RSHIFT_U64 (+ BYTE_OFFSET/BYTE_SIZE/SIGNED): bitfields read
 *                   probed and by direct loads
 *   read_enums      ENUMVAL_EXISTS, ENUMVAL_VALUE of a 32-bit enum and an enum64 (64-bit immediates)
 *   read_types      TYPE_EXISTS, TYPE_SIZE, TYPE_MATCHES, TYPE_ID_LOCAL, TYPE_ID_TARGET of a struct, a
 *                   union, a typedef, an enum, and a type no target has
 *   read_gone       must fail where the target lacks the field: an unguarded read of it is poisoned
 *   write_fields    relocated stores (immediate and register, one whose size the relocation changes)
 *
 * Programs are raw_tp: loaded only, and run by BPF_PROG_TEST_RUN. Built by testdata/Makefile into
 * obj/core_reloc.bpf.o and obj/core_reloc.bpfeb.o.
 */
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define CORE_RELOC __attribute__((preserve_access_index))

/* The input blob: the test writes a target-laid-out value here before the program runs. */
char core_reloc_in[256] SEC(".data");

/* ---- fields ---------------------------------------------------------------------------------- */

typedef unsigned int core_reloc_u32;

struct core_reloc_fields_inner {
	int c;
	int d[3];
} CORE_RELOC;

struct core_reloc_fields {
	int a;
	unsigned short b;
	struct {
		int x;
		int y;
	} nested;
	union {
		int u1;
		char u2;
	};
	struct core_reloc_fields_inner arr[2];
	core_reloc_u32 td;
	int *ptr;
	int gone;
	int flex[];
} CORE_RELOC;

struct fields_out {
	int a;
	unsigned int b;
	int x;
	int y;
	int u1;
	int arr1_c;
	int arr1_d2;
	unsigned int td;
	unsigned long long ptr;
	int flex1;
	int gone_exists;
	int gone;
	int a_offset;
	int b_offset;
	int arr_offset;
	int flex_offset;
	int b_size;
	int d_size;
	int arr_size;
	int a_signed;
	int b_signed;
	int nested_exists;
};

struct fields_out fields_out;

SEC("raw_tp/sys_enter")
int read_fields(void *ctx)
{
	struct core_reloc_fields *in = (void *)core_reloc_in;
	struct fields_out *out = &fields_out;

	out->a = BPF_CORE_READ(in, a);
	out->b = in->b; /* a direct load: its size follows the target's */
	out->x = BPF_CORE_READ(in, nested.x);
	out->y = BPF_CORE_READ(in, nested.y);
	out->u1 = BPF_CORE_READ(in, u1);
	out->arr1_c = BPF_CORE_READ(in, arr[1].c);
	out->arr1_d2 = BPF_CORE_READ(in, arr[1].d[2]);
	out->td = BPF_CORE_READ(in, td);
	out->ptr = (unsigned long long)BPF_CORE_READ(in, ptr);
	out->flex1 = BPF_CORE_READ(in, flex[1]);
	out->gone_exists = bpf_core_field_exists(in->gone);
	if (bpf_core_field_exists(in->gone))
		out->gone = BPF_CORE_READ(in, gone);
	out->a_offset = bpf_core_field_offset(in->a);
	out->b_offset = bpf_core_field_offset(in->b);
	out->arr_offset = bpf_core_field_offset(in->arr);
	out->flex_offset = bpf_core_field_offset(in->flex);
	out->b_size = bpf_core_field_size(in->b);
	out->d_size = bpf_core_field_size(in->arr[0].d);
	out->arr_size = bpf_core_field_size(in->arr);
	out->a_signed = __builtin_preserve_field_info(in->a, BPF_FIELD_SIGNED);
	out->b_signed = __builtin_preserve_field_info(in->b, BPF_FIELD_SIGNED);
	out->nested_exists = bpf_core_field_exists(in->nested);
	return 0;
}

/* Reads the field unguarded: where the target has no 'gone', the relocation is poisoned. */
int gone_out;

SEC("raw_tp/sys_enter")
int read_gone(void *ctx)
{
	struct core_reloc_fields *in = (void *)core_reloc_in;

	gone_out = BPF_CORE_READ(in, gone);
	return 0;
}

/* Writes through relocated stores: the test reads core_reloc_in back, laid out as the target. */
SEC("raw_tp/sys_enter")
int write_fields(void *ctx)
{
	struct core_reloc_fields *in = (void *)core_reloc_in;

	in->a = 0x5a5a5a5a;
	in->b = 0x7777; /* a store whose size follows the target's */
	in->nested.y = fields_out.y + 0x6b6b6b6b; /* a register store (fields_out is zero here) */
	return 0;
}

/* ---- bitfields ------------------------------------------------------------------------------- */

struct core_reloc_bitfields {
	unsigned int ub1: 1;
	unsigned int ub2: 2;
	unsigned int ub7: 7;
	int sb4: 4;
	int sb20: 20;
	unsigned int u32;
	int s32;
} CORE_RELOC;

struct bitfields_out {
	unsigned long long ub1;
	unsigned long long ub2;
	unsigned long long ub7;
	long long sb4;
	long long sb20;
	unsigned long long u32;
	long long s32;
	unsigned long long direct_ub2;
	long long direct_sb20;
	unsigned long long direct_u32;
};

struct bitfields_out bitfields_out;

SEC("raw_tp/sys_enter")
int read_bitfields(void *ctx)
{
	struct core_reloc_bitfields *in = (void *)core_reloc_in;
	struct bitfields_out *out = &bitfields_out;

	out->ub1 = BPF_CORE_READ_BITFIELD_PROBED(in, ub1);
	out->ub2 = BPF_CORE_READ_BITFIELD_PROBED(in, ub2);
	out->ub7 = BPF_CORE_READ_BITFIELD_PROBED(in, ub7);
	out->sb4 = BPF_CORE_READ_BITFIELD_PROBED(in, sb4);
	out->sb20 = BPF_CORE_READ_BITFIELD_PROBED(in, sb20);
	out->u32 = BPF_CORE_READ_BITFIELD_PROBED(in, u32);
	out->s32 = BPF_CORE_READ_BITFIELD_PROBED(in, s32);
	out->direct_ub2 = BPF_CORE_READ_BITFIELD(in, ub2);
	out->direct_sb20 = BPF_CORE_READ_BITFIELD(in, sb20);
	out->direct_u32 = BPF_CORE_READ_BITFIELD(in, u32);
	return 0;
}

/* ---- enums ----------------------------------------------------------------------------------- */

enum core_reloc_enum { CORE_RELOC_A = 1, CORE_RELOC_B = 2, CORE_RELOC_C = 3 };
enum core_reloc_enum64 { CORE_RELOC_SMALL = 1, CORE_RELOC_BIG = 0x100000000ULL };

struct enums_out {
	int a_exists;
	int b_exists;
	int c_exists;
	int small_exists;
	long long a;
	long long b;
	unsigned long long small;
	unsigned long long big;
};

struct enums_out enums_out;

SEC("raw_tp/sys_enter")
int read_enums(void *ctx)
{
	struct enums_out *out = &enums_out;

	out->a_exists = bpf_core_enum_value_exists(enum core_reloc_enum, CORE_RELOC_A);
	out->b_exists = bpf_core_enum_value_exists(enum core_reloc_enum, CORE_RELOC_B);
	out->c_exists = bpf_core_enum_value_exists(enum core_reloc_enum, CORE_RELOC_C);
	out->small_exists = bpf_core_enum_value_exists(enum core_reloc_enum64, CORE_RELOC_SMALL);
	if (bpf_core_enum_value_exists(enum core_reloc_enum, CORE_RELOC_A))
		out->a = bpf_core_enum_value(enum core_reloc_enum, CORE_RELOC_A);
	if (bpf_core_enum_value_exists(enum core_reloc_enum, CORE_RELOC_B))
		out->b = bpf_core_enum_value(enum core_reloc_enum, CORE_RELOC_B);
	if (bpf_core_enum_value_exists(enum core_reloc_enum64, CORE_RELOC_SMALL))
		out->small = bpf_core_enum_value(enum core_reloc_enum64, CORE_RELOC_SMALL);
	if (bpf_core_enum_value_exists(enum core_reloc_enum64, CORE_RELOC_BIG))
		out->big = bpf_core_enum_value(enum core_reloc_enum64, CORE_RELOC_BIG);
	return 0;
}

/* ---- types ----------------------------------------------------------------------------------- */

struct core_reloc_type_s {
	int x;
	int y;
};

union core_reloc_type_u {
	int i;
	char c[4];
};

typedef int core_reloc_type_td;

enum core_reloc_type_e { CORE_RELOC_E1 = 1 };

struct core_reloc_type_nowhere {
	int z;
};

struct types_out {
	int s_exists;
	int u_exists;
	int td_exists;
	int e_exists;
	int nowhere_exists;
	int s_size;
	int u_size;
	int td_size;
	int e_size;
	int nowhere_size;
	int s_matches;
	int u_matches;
	int nowhere_matches;
	int s_local_id;
	int nowhere_local_id;
	int s_target_id;
	int u_target_id;
	int nowhere_target_id;
};

struct types_out types_out;

SEC("raw_tp/sys_enter")
int read_types(void *ctx)
{
	struct types_out *out = &types_out;

	out->s_exists = bpf_core_type_exists(struct core_reloc_type_s);
	out->u_exists = bpf_core_type_exists(union core_reloc_type_u);
	out->td_exists = bpf_core_type_exists(core_reloc_type_td);
	out->e_exists = bpf_core_type_exists(enum core_reloc_type_e);
	out->nowhere_exists = bpf_core_type_exists(struct core_reloc_type_nowhere);
	out->s_size = bpf_core_type_size(struct core_reloc_type_s);
	out->u_size = bpf_core_type_size(union core_reloc_type_u);
	out->td_size = bpf_core_type_size(core_reloc_type_td);
	out->e_size = bpf_core_type_size(enum core_reloc_type_e);
	out->nowhere_size = bpf_core_type_size(struct core_reloc_type_nowhere);
	out->s_matches = bpf_core_type_matches(struct core_reloc_type_s);
	out->u_matches = bpf_core_type_matches(union core_reloc_type_u);
	out->nowhere_matches = bpf_core_type_matches(struct core_reloc_type_nowhere);
	out->s_local_id = bpf_core_type_id_local(struct core_reloc_type_s);
	out->nowhere_local_id = bpf_core_type_id_local(struct core_reloc_type_nowhere);
	out->s_target_id = bpf_core_type_id_kernel(struct core_reloc_type_s);
	out->u_target_id = bpf_core_type_id_kernel(union core_reloc_type_u);
	out->nowhere_target_id = bpf_core_type_id_kernel(struct core_reloc_type_nowhere);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

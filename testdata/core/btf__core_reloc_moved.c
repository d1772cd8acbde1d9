// SPDX-License-Identifier: MIT
/*
 * Target BTF for src/core_reloc.bpf.c: struct core_reloc_fields as flavour ___moved, every field at
 * another offset (nested, anonymous-union and array-element members reordered too), a typedef of
 * another name, nothing resized or removed. No bitfield, enum or type_* type: against this target
 * they are all missing. fields_input is the input blob, laid out by the compiler.
 */
typedef unsigned int other_u32;

struct core_reloc_fields___moved {
	long long pad0;
	int flex_pad;
	other_u32 td;
	union {
		char u2;
		int u1;
	};
	struct {
		int y;
		int pad;
		int x;
	} nested;
	unsigned short b;
	int a;
	int *ptr;
	struct {
		int d[3];
		int c;
	} arr[2];
	int gone;
	int flex[];
};

struct core_reloc_fields___moved fields_input = {
	.pad0 = -1,
	.flex_pad = -1,
	.td = 0xdeadbeef,
	.u1 = 0x41424344,
	.nested = { .y = 32, .pad = -1, .x = 31 },
	.b = 0xbeef,
	.a = -100000,
	.ptr = (int *)0x123456789aULL,
	.arr = { { .d = { -1, -1, -1 }, .c = -1 }, { .d = { 60, 61, 62 }, .c = 51 } },
	.gone = 77,
	.flex = { 91, 92 },
};

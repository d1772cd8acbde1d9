// SPDX-License-Identifier: MIT
/*
 * Target BTF for src/core_reloc.bpf.c: struct core_reloc_fields as flavour ___resized: 'a' unsigned,
 * 'b' widened from 2 to 4 bytes (the program's direct load of it must become a 4-byte load), the
 * array element grown (d[3] -> d[4]) and the array longer (2 -> 3), the anonymous union 8 bytes,
 * and 'gone' removed. fields_input is the input blob, laid out by the compiler.
 */
struct core_reloc_fields___resized {
	unsigned int a;
	struct {
		int x;
		int y;
	} nested;
	unsigned int b;
	struct {
		int c;
		int d[4];
	} arr[3];
	union {
		int u1;
		long long u2;
	};
	unsigned int td;
	int *ptr;
	int flex[];
};

struct core_reloc_fields___resized fields_input = {
	.a = 123456,
	.nested = { .x = 41, .y = 42 },
	.b = 0x12345678,
	.arr = { { -1, { -1, -1, -1, -1 } }, { 51, { 60, 61, 62, 63 } }, { -1, { -1, -1, -1, -1 } } },
	.u1 = 0x51525354,
	.td = 7,
	.ptr = (int *)0xfedcba98ULL,
	.flex = { 90, 93 },
};

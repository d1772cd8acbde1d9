// SPDX-License-Identifier: MIT
/*
 * Target BTF for src/core_reloc.bpf.c: struct core_reloc_bitfields as flavour ___changed, every
 * bitfield of another width and storage unit (and 'u32' no longer a bitfield-sized 32 bits, 's32'
 * 64 bits). bitfields_input is the input blob, laid out by the compiler.
 */
struct core_reloc_bitfields___changed {
	unsigned short ub1: 3;	/* 1 -> 3 bits */
	unsigned int ub2: 20;	/* 2 -> 20 */
	unsigned char ub7: 1;	/* 7 -> 1 */
	long sb4: 10;		/* 4 -> 10, in an 8-byte unit */
	int sb20: 30;		/* 20 -> 30 */
	unsigned short u32;	/* 32 -> 16 */
	long long s32;		/* 32 -> 64 */
};

struct core_reloc_bitfields___changed bitfields_input = {
	.ub1 = 5,
	.ub2 = 0xabcde,
	.ub7 = 1,
	.sb4 = -300,
	.sb20 = -200000000,
	.u32 = 0xbeef,
	.s32 = -5000000000LL,
};

// SPDX-License-Identifier: MIT
/*
 * Target BTF for src/core_reloc.bpf.c that must be refused: two flavours of core_reloc_fields that
 * both have 'gone', at different offsets. A relocation of 'gone' has two candidates that disagree.
 */
struct core_reloc_fields___x {
	int gone;
};

struct core_reloc_fields___y {
	int pad;
	int gone;
};

struct core_reloc_fields___x ambiguous_x;
struct core_reloc_fields___y ambiguous_y;

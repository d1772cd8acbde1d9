// SPDX-License-Identifier: MIT
/*
 * Target BTF for src/core_reloc.bpf.c's read_gone: two flavours of core_reloc_fields that both have
 * 'gone' at the same offset. Two candidates that agree are no error: the relocation takes their offset.
 * fields_input is the input blob.
 */
struct core_reloc_fields___p {
	int pad;
	int gone;
};

struct core_reloc_fields___q {
	unsigned int other;
	int gone;
	long long more;
};

struct core_reloc_fields___p fields_input = { .pad = -1, .gone = 88 };
struct core_reloc_fields___q agreeing_q;

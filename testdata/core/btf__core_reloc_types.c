// SPDX-License-Identifier: MIT
/*
 * Target BTF for src/core_reloc.bpf.c's read_types, every type as flavour ___v2: the struct with an
 * extra member and its own reordered (it still matches), the union with 'i' now a long (it exists
 * but does not match), the typedef of a long, the enum with one more value; core_reloc_type_nowhere
 * is in no target.
 */
struct core_reloc_type_s___v2 {
	long long extra;
	int y;
	int x;
};

union core_reloc_type_u___v2 {
	long i;
	char c[4];
};

typedef long core_reloc_type_td___v2;

enum core_reloc_type_e___v2 { CORE_RELOC_E1 = 1, CORE_RELOC_E2 = 2 };

struct core_reloc_type_s___v2 types_s;
union core_reloc_type_u___v2 types_u;
core_reloc_type_td___v2 types_td;
enum core_reloc_type_e___v2 types_e;

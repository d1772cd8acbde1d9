// SPDX-License-Identifier: MIT
/*
 * Target BTF for src/core_reloc.bpf.c: enum core_reloc_enum as flavour ___changed (values changed,
 * reordered, CORE_RELOC_C removed) and the enum64 core_reloc_enum64 as ___changed (values changed,
 * both 64-bit).
 */
enum core_reloc_enum___changed { CORE_RELOC_B = 20, CORE_RELOC_A = 10 };
enum core_reloc_enum64___changed { CORE_RELOC_BIG = 0x300000000ULL, CORE_RELOC_SMALL = 0x200000007ULL };

enum core_reloc_enum___changed enums_a;
enum core_reloc_enum64___changed enums_b;

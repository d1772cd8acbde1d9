// SPDX-License-Identifier: MIT
//
// Every BTF kind clang emits, for gew-btf's tests: bitfields (kind_flag member offsets), a signed
// enum and an ENUM64, a forward-declared union, a float, decl and type tags, a function pointer,
// VARs in .data/.bss/.rodata DATASECs, and a global function with a FUNC_PROTO.
#include <linux/types.h>

#define SEC(name) __attribute__((section(name), used))
#define TAG(x) __attribute__((btf_decl_tag(x)))
#define TTAG(x) __attribute__((btf_type_tag(x)))

enum small_signed { NEG_ONE = -1, ZERO = 0, SEVEN = 7 };
enum wide64 { WIDE_LOW = 1, WIDE_HIGH = 0xfedcba9876543210ULL };

union opaque;

struct bits {
	unsigned int a : 3;
	int b : 5;
	unsigned long long c : 41;
	char name[6];
	union {
		__u16 half;
		__u8 bytes[2];
	};
	float ratio;
	double precise;
	enum small_signed sign;
	enum wide64 wide;
	union opaque *hidden;
	int TTAG("user") *tagged;
	int (*callback)(const volatile struct bits *self, long n);
	char *restrict scratch;
	int counter TAG("counter-tag");
};

struct bits all_kinds_data = { .a = 5, .b = -3, .c = 12345, .name = "kinds", .sign = NEG_ONE, .wide = WIDE_HIGH };
struct bits all_kinds_bss;
const volatile int limit = 42;

__attribute__((noinline)) int TAG("fn-tag") helper(struct bits *b TAG("arg-tag"), int n)
{
	return b->a + b->b + n + limit;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int kinds(void *ctx)
{
	all_kinds_bss.counter = helper(&all_kinds_data, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

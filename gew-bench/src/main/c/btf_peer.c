// SPDX-License-Identifier: MIT
//
// The benchmark peer of KernelBtfBench: Debian's libbpf (libbpf-dev) on the same file, same run.
// Built by gew-bench/run.sh at benchmark time (cc -O2 ... -lbpf), never by the tests.
//
//   btf_peer [FILE] [ROUNDS]     FILE defaults to /sys/kernel/btf/vmlinux, ROUNDS to 300
//
// Prints one line of figures, means over ROUNDS after ROUNDS/5 warm-up rounds:
//   parse_ms       btf__parse (read the file, check and index it) + btf__free
//   walk_ms        every type's kind and name, every member's / param's / enumerator's name and type
//   parse_walk_ms  both
//   heap_mib       malloc'd bytes held by one parsed btf (mallinfo2)
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct btf *parse(const char *file)
{
	struct btf *btf = btf__parse(file, NULL);
	if (!btf) {
		perror(file);
		exit(1);
	}
	return btf;
}

/* The same walk as KernelBtfBench.walk: a name is touched by reading its first byte. */
static long walk(const struct btf *btf)
{
	long sum = 0;
	__u32 n = btf__type_cnt(btf);
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		sum += btf_kind(t);
		if (name && name[0])
			sum++;
		__u16 vlen = btf_vlen(t);
		switch (btf_kind(t)) {
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION: {
			const struct btf_member *m = btf_members(t);
			for (__u16 i = 0; i < vlen; i++)
				sum += m[i].name_off + m[i].type;
			break;
		}
		case BTF_KIND_ENUM: {
			const struct btf_enum *e = btf_enum(t);
			for (__u16 i = 0; i < vlen; i++)
				sum += e[i].name_off + e[i].val;
			break;
		}
		case BTF_KIND_ENUM64: {
			const struct btf_enum64 *e = btf_enum64(t);
			for (__u16 i = 0; i < vlen; i++)
				sum += e[i].name_off + e[i].val_lo32;
			break;
		}
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *p = btf_params(t);
			for (__u16 i = 0; i < vlen; i++)
				sum += p[i].name_off + p[i].type;
			break;
		}
		default:
			sum += t->size;
		}
	}
	return sum;
}

int main(int argc, char **argv)
{
	const char *file = argc > 1 ? argv[1] : "/sys/kernel/btf/vmlinux";
	int rounds = argc > 2 ? atoi(argv[2]) : 300;
	long sink = 0;
	double t0, parse_ms = 0, walk_ms = 0, both_ms = 0;

	for (int i = 0; i < rounds / 5; i++)
		btf__free(parse(file));
	for (int i = 0; i < rounds; i++) {
		t0 = now_ms();
		struct btf *btf = parse(file);
		btf__free(btf);
		parse_ms += now_ms() - t0;
	}
	struct btf *held = parse(file);
	for (int i = 0; i < rounds; i++) {
		t0 = now_ms();
		sink += walk(held);
		walk_ms += now_ms() - t0;
	}
	for (int i = 0; i < rounds; i++) {
		t0 = now_ms();
		struct btf *btf = parse(file);
		sink += walk(btf);
		btf__free(btf);
		both_ms += now_ms() - t0;
	}
	__u32 types = btf__type_cnt(held) - 1;
	btf__free(held);

	struct mallinfo2 before = mallinfo2();
	held = parse(file);
	struct mallinfo2 after = mallinfo2();
	printf("libbpf %s types=%u parse_ms=%.3f walk_ms=%.3f parse_walk_ms=%.3f heap_mib=%.2f sink=%ld\n",
	       libbpf_version_string(), types, parse_ms / rounds, walk_ms / rounds, both_ms / rounds,
	       (double)(after.uordblks - before.uordblks + after.hblkhd - before.hblkhd) / 1048576.0, sink % 10);
	btf__free(held);
	return 0;
}

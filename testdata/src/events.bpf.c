// SPDX-License-Identifier: MIT
/*
 * events: the producer of gewyvern's event tests and benchmarks.
 *
 * `emit` (raw_tp, run with BPF_PROG_TEST_RUN on a chosen CPU, attached to nothing) writes
 * args[0] events of struct event, seq args[1], args[1]+1, ..., into the ring buffer `rb`
 * (args[2] bit 0) and/or the perf event array `perf_events` (bit 1); with args[3] = k > 0 every
 * k-th ring buffer record (seq % k == 0) is reserved and then discarded. A ring buffer record
 * that finds no room counts in `rb_dropped` (per CPU): the kernel keeps no such count itself.
 *
 * `drain` (raw_tp, test-run) drains the user ring buffer `commands`, adding each command's value
 * to `totals[op]`, and returns how many it drained.
 *
 * Also a hash, a per-CPU array, an LRU hash, a frozen .rodata variable and a struct-keyed hash
 * for the map tests.
 *
 * Built by testdata/Makefile into obj/events.bpf.o and obj/events.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum event_kind { EV_EXEC = 1, EV_EXIT = 2, EV_TEST = 3 };

struct version {
	__u16 major;
	__u16 minor;
};

struct event {
	__u64 seq;
	__u32 pid;
	__u32 cpu;
	char comm[16];
	enum event_kind kind;
	__u8 flags : 3;
	__u8 level : 5;
	union {
		__u32 code;
		__u8 bytes[4];
	} detail;
	struct version version;
	__s16 delta[3];
};

struct command {
	__u32 op;
	__u32 pad;
	__u64 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} rb_dropped SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} commands SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, char[16]);
	__type(value, struct version);
} by_name SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, __u64);
	__type(value, struct event);
} recent SEC(".maps");

/* A configuration variable: .rodata is frozen once the session fills it. */
const volatile __u32 level_mask = 0x1f;

struct emit_ctx {
	void *ctx; /* the program's context, which bpf_perf_event_output needs */
	__u64 first;
	__u64 which;
	__u64 discard_every;
};

static long emit_one(__u64 i, struct emit_ctx *c)
{
	__u64 seq = c->first + i;
	struct event *e;
	__u32 zero = 0;

	if (c->which & 1) {
		e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
		if (!e) {
			__u64 *d = bpf_map_lookup_elem(&rb_dropped, &zero);
			if (d)
				*d += 1;
		} else {
			__builtin_memset(e, 0, sizeof(*e));
			e->seq = seq;
			e->pid = bpf_get_current_pid_tgid() >> 32;
			e->cpu = bpf_get_smp_processor_id();
			bpf_get_current_comm(e->comm, sizeof(e->comm));
			e->kind = EV_TEST;
			e->flags = seq & 7;
			e->level = seq & level_mask;
			e->detail.code = (__u32)seq * 3;
			e->version.major = 1;
			e->version.minor = seq & 0xffff;
			e->delta[0] = -1;
			e->delta[2] = (__s16)seq;
			if (c->discard_every && seq % c->discard_every == 0)
				bpf_ringbuf_discard(e, 0);
			else
				bpf_ringbuf_submit(e, 0);
		}
	}
	if (c->which & 2) {
		struct event ev = {};

		ev.seq = seq;
		ev.pid = bpf_get_current_pid_tgid() >> 32;
		ev.cpu = bpf_get_smp_processor_id();
		bpf_get_current_comm(ev.comm, sizeof(ev.comm));
		ev.kind = EV_TEST;
		ev.flags = seq & 7;
		ev.level = seq & level_mask;
		ev.detail.code = (__u32)seq * 3;
		ev.version.major = 1;
		ev.version.minor = seq & 0xffff;
		ev.delta[0] = -1;
		ev.delta[2] = (__s16)seq;
		bpf_perf_event_output(c->ctx, &perf_events, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	}
	return 0;
}

SEC("raw_tp")
int emit(struct bpf_raw_tracepoint_args *ctx)
{
	struct emit_ctx c = {
		.ctx = ctx,
		.first = ctx->args[1],
		.which = ctx->args[2],
		.discard_every = ctx->args[3],
	};

	bpf_loop(ctx->args[0], emit_one, &c, 0);
	return 0;
}

static long apply_command(struct bpf_dynptr *dynptr, void *ctx)
{
	struct command cmd;
	__u64 *total;

	if (bpf_dynptr_read(&cmd, sizeof(cmd), dynptr, 0, 0))
		return 1; /* stop: a record shorter than a command */
	total = bpf_map_lookup_elem(&totals, &cmd.op);
	if (total) {
		__sync_fetch_and_add(total, cmd.value);
	} else {
		bpf_map_update_elem(&totals, &cmd.op, &cmd.value, BPF_NOEXIST);
	}
	return 0;
}

SEC("raw_tp")
int drain(void *ctx)
{
	return bpf_user_ringbuf_drain(&commands, apply_command, 0, 0);
}

char LICENSE[] SEC("license") = "GPL";

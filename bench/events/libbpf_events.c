// SPDX-License-Identifier: MIT
/*
 * The libbpf peer of gewyvern's event benchmark (bench/events.sh): loads testdata/obj/events.bpf.o
 * with libbpf, reads its ring buffer `rb` with ring_buffer__poll() or its perf buffer `perf_events`
 * with perf_buffer__poll(), counting each record in the callback, while a second thread test-runs the
 * `emit` program (BPF_PROG_TEST_RUN on CPU 0) to write N fixed-size events, BATCH per run, at most RATE
 * events/s (0: as fast as it can). Prints one line of key=value figures (on stderr with MODE print).
 *
 *   libbpf_events OBJ ring|perf N BATCH RATE PAGES [count|print]
 *   libbpf_events produce PINNED_PROG ring|perf N BATCH RATE
 *
 * MODE print: the callback prints each event's fields with printf, one line each, as a *snoop tool written
 * on libbpf does (the peer of `gew session apply --events`). `produce`: only the producer, test-running a
 * pinned `emit` (the one in a gew session, for bench/events.sh's whole-process run of the gew CLI).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static volatile long received;
static volatile long lost;
static volatile int producing = 1;
static int prog_fd;
static long total, batch, rate;
static int which;
static int printing;

/* testdata/src/events.bpf.c's struct event, as clang lays it out for x86_64 */
struct event {
	__u64 seq;
	__u32 pid;
	__u32 cpu;
	char comm[16];
	int kind;
	__u8 flags : 3;
	__u8 level : 5;
	union {
		__u32 code;
		__u8 bytes[4];
	} detail;
	struct {
		__u16 major;
		__u16 minor;
	} version;
	__s16 delta[3];
};

static void print_event(int cpu, const void *data)
{
	const struct event *e = data;
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	printf("%ld.%06ld %d seq=%llu pid=%u cpu=%u comm=\"%.16s\" kind=%d flags=%u level=%u code=%u version=%u.%u "
	       "delta=[%d, %d, %d]\n", (long)t.tv_sec, t.tv_nsec / 1000, cpu, (unsigned long long)e->seq, e->pid, e->cpu,
	       e->comm, e->kind, e->flags, e->level, e->detail.code, e->version.major, e->version.minor, e->delta[0],
	       e->delta[1], e->delta[2]);
}

static long now_ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int on_ring(void *ctx, void *data, size_t size)
{
	if (printing)
		print_event(-1, data);
	received++;
	return 0;
}

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	if (printing)
		print_event(cpu, data);
	received++;
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	lost += n;
}

static void *produce(void *arg)
{
	long start = now_ns(CLOCK_MONOTONIC);

	for (long sent = 0; sent < total; sent += batch) {
		__u64 ctx[4] = {batch, sent, which, 0};
		LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx, .ctx_size_in = sizeof(ctx),
			    .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = 0);

		if (rate > 0) {
			long due = start + (long)((double)sent * 1e9 / rate);

			while (now_ns(CLOCK_MONOTONIC) < due)
				;
		}
		if (bpf_prog_test_run_opts(prog_fd, &opts)) {
			fprintf(stderr, "test run: %s\n", strerror(errno));
			exit(1);
		}
	}
	producing = 0;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "produce") == 0) {
		prog_fd = bpf_obj_get(argv[2]);
		if (prog_fd < 0) {
			fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		which = strcmp(argv[3], "ring") == 0 ? 1 : 2;
		total = atol(argv[4]);
		batch = atol(argv[5]);
		rate = atol(argv[6]);
		produce(NULL);
		return 0;
	}
	if (argc != 7 && argc != 8) {
		fprintf(stderr, "usage: %s OBJ ring|perf N BATCH RATE PAGES [count|print]\n"
				"       %s produce PINNED_PROG ring|perf N BATCH RATE\n", argv[0], argv[0]);
		return 2;
	}
	printing = argc == 8 && strcmp(argv[7], "print") == 0;
	int ring = strcmp(argv[2], "ring") == 0;
	total = atol(argv[3]);
	batch = atol(argv[4]);
	rate = atol(argv[5]);
	int pages = atoi(argv[6]);
	which = ring ? 1 : 2;

	libbpf_set_print(NULL);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "cannot load %s\n", argv[1]);
		return 1;
	}
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "emit"));
	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	if (ring)
		rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "rb"), on_ring, NULL, NULL);
	else
		pb = perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "perf_events"), pages, on_sample, on_lost,
				      NULL, NULL);
	if (!rb && !pb) {
		fprintf(stderr, "cannot open the %s buffer: %s\n", argv[2], strerror(errno));
		return 1;
	}

	pthread_t producer;
	long cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	long t0 = now_ns(CLOCK_MONOTONIC);
	long last = t0;
	pthread_create(&producer, NULL, produce, NULL);
	for (;;) {
		long before = received + lost;
		if (ring)
			ring_buffer__poll(rb, 100);
		else
			perf_buffer__poll(pb, 100);
		if (received + lost != before)
			last = now_ns(CLOCK_MONOTONIC);
		if (!producing && received + lost == before && now_ns(CLOCK_MONOTONIC) - last > 200000000L)
			break; /* the producer is done and nothing came for 200 ms */
	}
	long cpu = now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	pthread_join(producer, NULL);

	long dropped = 0;
	if (ring) {
		/* ring buffer records that found no room: the program counts them per CPU */
		int ncpu = libbpf_num_possible_cpus();
		__u64 *per = calloc(ncpu, 8);
		__u32 zero = 0;
		if (!bpf_map_lookup_elem(bpf_object__find_map_fd_by_name(obj, "rb_dropped"), &zero, per))
			for (int i = 0; i < ncpu; i++)
				dropped += per[i];
		free(per);
	}
	fflush(stdout);
	fprintf(printing ? stderr : stdout, "consumer=libbpf%s kind=%s emitted=%ld received=%ld lost=%ld wall_ns=%ld "
		"cpu_ns=%ld\n", printing ? "-print" : "", argv[2], total, received, ring ? dropped : lost, last - t0, cpu);
	return 0;
}

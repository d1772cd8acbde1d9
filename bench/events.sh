#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Event benchmarks (not tests); needs root. One BPF producer, testdata/obj/events.bpf.o's `emit`
# (BPF_PROG_TEST_RUN on CPU 0, BATCH events per run by bpf_loop, 64-byte records), and in the same run
# three consumers of the same object:
#   libbpf      bench/events/libbpf_events.c, built here: ring_buffer__poll / perf_buffer__poll, a callback
#               that counts
#   gew-reader  gew-syscall's RingBufferReader / PerfBufferReader on one EventLoop, a handler that counts
#   gew-stream  a session's EventStream (what `gew session apply --events` and WatchEvents use): every
#               event copied off the ring, decoded by BTF (`struct event`) into an Event message, delivered
# Each prints emitted/received/lost, events/s from the first to the last record, and the consumer's CPU
# per million events (libbpf, gew-reader: the reading thread; gew-stream: the whole process but the
# producer thread). Then hyperfine times the whole processes (start, load, produce, consume, exit).
#   N=2000000 BATCH=1000 RATE=0 PAGES=64 ROUNDS=3 RUNS=5 bench/events.sh [ring|perf ...]
# RATE paces the producer (events/s): flat out shows the loss at saturation, a rate the loss where libbpf has none.
set -euo pipefail
cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.."
OBJ=testdata/obj/events.bpf.o
N=${N:-2000000}
BATCH=${BATCH:-1000}
RATE=${RATE:-0}
PAGES=${PAGES:-64}
RUNS=${RUNS:-5}
ROUNDS=${ROUNDS:-3}
KINDS=("$@")
[ ${#KINDS[@]} -gt 0 ] || KINDS=(ring perf)
[ -n "${GEW_DIST:-}" ] || ./gew --version >/dev/null
dist=${GEW_DIST:-gew-cli/target/gew}
lib=$dist/lib
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -O2 -Wall -o "$out/libbpf_events" bench/events/libbpf_events.c -lbpf -lelf -lz -lpthread
javac -d "$out" -cp "$lib/*" bench/events/EventsBench.java
java_cmd="java -XX:+UseSerialGC -Djffi.boot.library.path=$(readlink -f "$dist")/jni/x86_64-Linux -cp $out:$lib/*"

figures() {
  awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
         printf "%-11s %-4s emitted %9d received %9d lost %7d  %6.2f M events/s  %6.0f ms CPU per M events\n",
           f["consumer"], f["kind"], f["emitted"], f["received"], f["lost"],
           f["received"] / (f["wall_ns"] / 1e9) / 1e6, f["cpu_ns"] / 1e6 / (f["received"] / 1e6) }'
}

for kind in "${KINDS[@]}"; do
  echo "== $kind: $N events, $BATCH per test run, rate ${RATE:-0}/s (0 = flat out), perf pages $PAGES"
  for _ in $(seq "$ROUNDS"); do
    "$out/libbpf_events" "$OBJ" "$kind" "$N" "$BATCH" "$RATE" "$PAGES" | figures
    $java_cmd EventsBench "$OBJ" "$kind" "$N" "$BATCH" "$RATE" "$PAGES" reader | figures
    $java_cmd EventsBench "$OBJ" "$kind" "$N" "$BATCH" "$RATE" "$PAGES" stream | figures
  done
  hyperfine -N --style basic --runs "$RUNS" \
    -n "libbpf $kind" "$out/libbpf_events $OBJ $kind $N $BATCH $RATE $PAGES" \
    -n "gew-reader $kind" "$java_cmd EventsBench $OBJ $kind $N $BATCH $RATE $PAGES reader" \
    -n "gew-stream $kind" "$java_cmd EventsBench $OBJ $kind $N $BATCH $RATE $PAGES stream"
done

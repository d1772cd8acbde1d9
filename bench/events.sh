#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Event benchmarks (not tests); needs root. One BPF producer, testdata/obj/events.bpf.o's `emit`
# (BPF_PROG_TEST_RUN on CPU 0, BATCH events per run by bpf_loop, 64-byte records of struct event), at
# each rate of RATES (events/s; 0 = flat out), and in the same run these consumers, one at a time:
#   libbpf        bench/events/libbpf_events.c, built here: ring_buffer__poll / perf_buffer__poll, a callback
#                 that counts (in-process figures: the reading thread's CPU)
#   gew-reader    gew-syscall's RingBufferReader / PerfBufferReader on one EventLoop, a handler that counts
#                 (bench/events/EventsBench.java, in-process, the reading thread's CPU)
#   gew-value     a session's EventStream in the form a WatchEvents client gets (raw bytes, a protobuf Value
#                 and the text of each event; in-process, the process's CPU but the producer thread's)
#   libbpf-print  libbpf_events printing each event's fields with printf, one line each, into a file: what a
#                 *snoop tool on libbpf does (whole process; its reading thread's CPU)
#   gew-text      the gew CLI as a user runs it, `gew session apply --object events.bpf.o --load-only
#   gew-json        --events MAP:event [-o json] > FILE`, a whole process started once per run; the producer
#                 is `libbpf_events produce` on the session's pinned `emit`; CPU is the gew process's from the
#                 first event produced to the last printed (/proc/PID/stat), events/s from the first to the
#                 last line's own time stamp, lost = emitted - printed
# Flat out shows what each keeps at saturation; at a paced rate nothing should be lost.
# The JVM flags are the launcher's (C1 only, serial GC), as `gew` runs. A run's figures include the JIT's
# warm-up: paced runs last SECONDS so that it is a small part.
#   KINDS="ring perf" RATES="0 10000 100000" SECONDS_PACED=10 N=1000000 BATCH=100 PAGES=64 \
#   CONSUMERS="libbpf gew-reader gew-value libbpf-print gew-text gew-json" bench/events.sh
set -euo pipefail
cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.."
OBJ=testdata/obj/events.bpf.o
N=${N:-1000000}
BATCH=${BATCH:-100}
PAGES=${PAGES:-64}
SECONDS_PACED=${SECONDS_PACED:-10}
read -r -a KINDS <<<"${KINDS:-ring perf}"
read -r -a RATES <<<"${RATES:-0 10000 100000}"
read -r -a CONSUMERS <<<"${CONSUMERS:-libbpf gew-reader gew-value libbpf-print gew-text gew-json}"
./gew --version >/dev/null
dist=gew-cli/target/gew
lib=$dist/lib
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -O2 -Wall -o "$out/libbpf_events" bench/events/libbpf_events.c -lbpf -lelf -lz -lpthread
javac -d "$out" -cp "$lib/*" bench/events/EventsBench.java
java_cmd=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djffi.boot.library.path="$(readlink -f "$dist")/jni/x86_64-Linux"
  -cp "$out:$lib/*")
tick=$(getconf CLK_TCK)

figures() {
  awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
         printf "%-13s %-4s %7s/s emitted %8d received %8d lost %7d  %6.3f M events/s  %6.0f ms CPU per M events\n",
           f["consumer"], f["kind"], f["rate"], f["emitted"], f["received"], f["lost"],
           (f["wall_ns"] > 0 ? f["received"] / (f["wall_ns"] / 1e9) / 1e6 : 0),
           (f["received"] > 0 ? f["cpu_ns"] / 1e6 / (f["received"] / 1e6) : 0) }'
}

cpu_ns() { # user + system time of a process so far
  awk -v t="$tick" '{ printf "%.0f\n", ($14 + $15) * 1e9 / t }' "/proc/$1/stat"
}

# gew's CLI, whole process: KIND RATE N text|json
gew_cli() {
  local kind=$1 rate=$2 n=$3 form=$4 map=rb
  [ "$kind" = perf ] && map=perf_events
  local args=(session apply --object "$OBJ" --load-only --events "$map:event" --perf-pages "$PAGES")
  [ "$form" = json ] && args+=(-o json)
  rm -f "$out/cli.out" "$out/cli.err" # not the last run's: the lines below are looked for at once
  ./gew "${args[@]}" >"$out/cli.out" 2>"$out/cli.err" &
  local pid=$! i
  for i in $(seq 1200); do
    grep -qs ' is live' "$out/cli.out" "$out/cli.err" && break
    kill -0 "$pid" 2>/dev/null || { cat "$out/cli.err" >&2; return 1; }
    sleep 0.1
  done
  local pin
  pin=$(sed -n 's/^commit *pinned at //p' "$out/cli.out" "$out/cli.err")/progs/emit
  local c0 c1 prev=-1 cur
  c0=$(cpu_ns "$pid")
  if ! "$out/libbpf_events" produce "$pin" "$kind" "$n" "$BATCH" "$rate"; then
    echo "gew-$form: the session's program is not at $pin; gew said:" >&2
    cat "$out/cli.out" "$out/cli.err" >&2
    kill -TERM "$pid"
    wait "$pid" || true
    return 1
  fi
  while cur=$(stat -c %s "$out/cli.out"); [ "$cur" != "$prev" ]; do prev=$cur; sleep 0.5; done
  c1=$(cpu_ns "$pid")
  ./gew session detach "$(sed -n 's/^session \([^ ]*\) is live.*/\1/p' "$out/cli.out" "$out/cli.err")" >/dev/null
  wait "$pid" || true
  # gew's own count (what it read, what the kernel's perf rings and its own buffer lost), to stderr
  grep -h -E '^events: |^\{"summary"' "$out/cli.out" | sed "s/^/gew-$form $kind $rate\/s: /" >&2
  # event lines only (not progress, LOST or summary lines); their own clock gives the span
  if [ "$form" = json ]; then
    grep '^{"map":' "$out/cli.out" | grep '"event":' | sed -E 's/.*"time":"[^T]*T([0-9:.]*)Z".*/\1/'
  else
    grep -E "^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} $map " "$out/cli.out" | grep -v '  LOST ' | cut -d' ' -f1
  fi | awk -F: -v kind="$kind" -v rate="$rate" -v n="$n" -v form="$form" -v cpu=$((c1 - c0)) '
      { t = $1 * 3600 + $2 * 60 + $3; if (NR == 1) first = t; last = t }
      END { printf "consumer=gew-%s kind=%s rate=%s emitted=%d received=%d lost=%d wall_ns=%.0f cpu_ns=%d\n",
              form, kind, rate, n, NR, n - NR, (last - first) * 1e9, cpu }'
}

run() { # CONSUMER KIND RATE N
  local c=$1 kind=$2 rate=$3 n=$4
  case $c in
    libbpf) "$out/libbpf_events" "$OBJ" "$kind" "$n" "$BATCH" "$rate" "$PAGES" ;;
    libbpf-print) "$out/libbpf_events" "$OBJ" "$kind" "$n" "$BATCH" "$rate" "$PAGES" print 2>&1 >"$out/print.out" ;;
    gew-reader) "${java_cmd[@]}" EventsBench "$OBJ" "$kind" "$n" "$BATCH" "$rate" "$PAGES" reader 2>/dev/null ;;
    gew-value) "${java_cmd[@]}" EventsBench "$OBJ" "$kind" "$n" "$BATCH" "$rate" "$PAGES" value 2>/dev/null ;;
    gew-text) gew_cli "$kind" "$rate" "$n" text ;;
    gew-json) gew_cli "$kind" "$rate" "$n" json ;;
    *) echo "unknown consumer $c" >&2; return 2 ;;
  esac | sed "s/\$/ rate=$rate/" | figures
}

echo "# $(date -u '+%F %H:%M') UTC, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); N=$N BATCH=$BATCH PAGES=$PAGES"
for kind in "${KINDS[@]}"; do
  for rate in "${RATES[@]}"; do
    n=$N
    [ "$rate" -gt 0 ] && n=$((rate * SECONDS_PACED))
    for c in "${CONSUMERS[@]}"; do
      run "$c" "$kind" "$rate" "$n" || echo "$c $kind $rate/s: failed"
    done
  done
done

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The main job, cold (a benchmark, not a test: it prints figures and exits 0 once it has measured).
# Needs root, a kernel with BPF and BTF, hyperfine (>= 1.13), bpftool, java and javac; peak RSS needs
# /usr/bin/time (Debian package "time"). Run it from anywhere:  bench/cold.sh
#
# One hyperfine run (-N: no shell in any figure; --warmup WARMUP --runs RUNS) of whole processes:
#   hello          java -cp <tmp> Hello                        a JVM Hello World, plain `java`
#   floor          that Hello under gew's JVM flags (C1 only, serial GC, no perf data): the JVM floor of a gew
#                  command, with every gewyvern class removed
#   bpftool-lt     bpftool prog loadall LT /sys/fs/bpf/...     LT: the BPF object embedded in Debian's
#   apply-lt       ./gew session apply --object LT              libbpf-tools opensnoop (4 programs, 6 CO-RE
#                        --load-only --run true                 relocations), extracted by EmbeddedObjects.java
#   bpftool-exec / apply-exec   the same for testdata/obj/execcount.bpf.o (2 programs, no CO-RE)
#   dry-run-lt     ./gew session apply --dry-run --object LT --load-only
#   list           ./gew session list                           (with one held session of its own)
#   show           ./gew session show ID                        (that session)
#   info           ./gew runtime info
# Pins bpftool makes are removed before every run (--prepare, not timed). Then, outside hyperfine:
#   peak RSS       /usr/bin/time -f %M of apply-lt, the median of 5
#   classes        each gew command once with -Xlog:class+load: classes loaded, and how many came from
#                  outside the AppCDS archive
#   warm           a paired client (WarmApply.java) applying LT (load-only, inline bytes, signed) to a
#                  running `gew serve` over its Unix socket WARM_RUNS times: the median ApplySession call,
#                  against bpftool-lt's mean from the hyperfine run above
# Goals (issue 16): apply <= 10x bpftool loadall (both objects); list, show, info <= 3x hello; dry run clearly
# cheaper than apply; peak RSS of an apply <= 80 MiB; warm apply <= 0.5x bpftool loadall.
#
# Environment: WARMUP (3), RUNS (20), WARM_RUNS (200), LT_BINARY (/usr/sbin/opensnoop). The machine's load
# average is printed with the figures: ratios from one run are what to read on a busy machine.
set -euo pipefail

here=$(readlink -f -- "${BASH_SOURCE[0]}")
ROOT=${here%/*/*}
GEW=$ROOT/gew
WARMUP=${WARMUP:-3}
RUNS=${RUNS:-20}
WARM_RUNS=${WARM_RUNS:-200}
LT_BINARY=${LT_BINARY:-/usr/sbin/opensnoop}
EXEC=$ROOT/testdata/obj/execcount.bpf.o

for tool in hyperfine bpftool java javac; do
  command -v "$tool" >/dev/null || { echo "cold.sh: $tool not found" >&2; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "cold.sh: run it as root (gew and bpftool load programs)" >&2; exit 2; }
[[ -r $LT_BINARY ]] || { echo "cold.sh: no $LT_BINARY (apt-get install libbpf-tools, or set LT_BINARY)" >&2; exit 2; }

tmp=$(mktemp -d)
pins=/sys/fs/bpf/gew-cold-$$
held=""
serve=""
cleanup() {
  [[ -n $held ]] && "$GEW" session detach "$held" >/dev/null 2>&1 || true
  [[ -n $serve ]] && kill "$serve" 2>/dev/null && wait "$serve" 2>/dev/null || true
  rm -rf "$pins-lt" "$pins-exec" "$tmp"
}
trap cleanup EXIT

echo "== making sure the gew build is fresh (not timed)" >&2
"$GEW" --version >/dev/null
javac -d "$tmp" "$ROOT/bench/hello/Hello.java"
LT=$(java "$ROOT/bench/cold/EmbeddedObjects.java" "$LT_BINARY" "$tmp/lt" | head -1)
echo "== LT = $LT, extracted from $LT_BINARY" >&2

# the launcher's own JVM flags, with Hello instead of gew's main class: the floor of a gew command. gew's
# AppCDS archive is left out: it only holds gew's classes, and it is valid only with gew's class path first,
# where looking Hello up would open all of gew's jars (some 30 ms that no gew command spends)
D=$ROOT/gew-cli/target/gew
floor=(java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData
       -Xlog:disable -Xlog:all=warning:stderr -cp "$tmp" Hello)

# a session of our own for list and show to find
line=$("$GEW" session apply --object "$EXEC" --load-only --name "cold-$$" --background)
held=$(sed -n 's/^session \([^ ]*\) is live.*/\1/p' <<<"$line")
[[ -n $held ]] || { echo "cold.sh: could not hold a session: $line" >&2; exit 1; }

echo "== timing (warmup $WARMUP, runs $RUNS; load average now $(cut -d' ' -f1-3 /proc/loadavg))" >&2
q() { printf "'%s' " "$@"; }   # one hyperfine command line, each word quoted
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$tmp/cold.json" \
  --prepare "rm -rf $pins-lt $pins-exec" \
  -n hello "java -cp '$tmp' Hello" \
  -n floor "$(q "${floor[@]}")" \
  -n bpftool-lt "bpftool prog loadall '$LT' $pins-lt" \
  -n apply-lt "'$GEW' session apply --object '$LT' --load-only --run true" \
  -n bpftool-exec "bpftool prog loadall '$EXEC' $pins-exec" \
  -n apply-exec "'$GEW' session apply --object '$EXEC' --load-only --run true" \
  -n dry-run-lt "'$GEW' session apply --dry-run --object '$LT' --load-only" \
  -n list "'$GEW' session list" \
  -n show "'$GEW' session show $held" \
  -n info "'$GEW' runtime info" >&2
load=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== peak RSS, classes outside the archive, warm path (not timed by hyperfine)" >&2
rss="not measured (/usr/bin/time missing: apt-get install time)"
if [[ -x /usr/bin/time ]]; then
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f %M -o "$tmp/rss" "$GEW" session apply --object "$LT" --load-only --run true >/dev/null
    cat "$tmp/rss"
  done | sort -n | sed -n 3p >"$tmp/rss.median"
  rss=$(awk '{ printf "%.1f", $1 / 1024 }' "$tmp/rss.median")
fi

classes() {   # NAME gew-args... -> "NAME: OUTSIDE of TOTAL"
  local name=$1; shift
  GEW_JAVA_OPTS="-Xlog:class+load=info:file=$tmp/classes.log" "$GEW" "$@" >/dev/null 2>&1 || true
  printf '%s %s %s\n' "$name" "$(grep -vc 'source: shared objects file' "$tmp/classes.log" || true)" \
    "$(wc -l <"$tmp/classes.log")"
}
{
  classes apply-lt session apply --object "$LT" --load-only --run true
  classes apply-exec session apply --object "$EXEC" --load-only --run true
  classes dry-run-lt session apply --dry-run --object "$LT" --load-only
  classes list session list
  classes show session show "$held"
  classes info runtime info
} >"$tmp/classes"

# the warm path: a real gew serve and a paired client (the client's classes are built beside the runtime's)
(cd "$ROOT" && mvn -q -B -o -DskipTests -pl gew-client -am package >&2)
cp="$ROOT/gew-auth/target/classes:$ROOT/gew-client/target/classes:$D/lib/*"
javac -d "$tmp" -cp "$cp" "$ROOT/bench/cold/WarmApply.java"
mkdir -m 700 "$tmp/state"
"$GEW" serve --socket "$tmp/gew.sock" --state-dir "$tmp/state" >"$tmp/serve.log" 2>&1 &
serve=$!
for _ in $(seq 300); do [[ -S $tmp/gew.sock ]] && break; sleep 0.1; done
token=$("$GEW" pair --state-dir "$tmp/state" | tail -1)
warm=$(java "-Djffi.boot.library.path=$D/jni/x86_64-Linux" -cp "$tmp:$cp" WarmApply "$tmp/gew.sock" "$token" "$LT" \
  20 "$WARM_RUNS")

# hyperfine's JSON is pretty-printed: one "key": value per line; each result's mean wall time, and its mean
# CPU time (user + system: what the process itself spent, which a busy machine disturbs much less)
awk -v rss="$rss" -v warm="$warm" -v load="$load" -v classes="$tmp/classes" -v lt="${LT##*/}" '
  /"command":/ { name = $0; sub(/.*"command": *"/, "", name); sub(/".*/, "", name) }
  /"mean":/    { v = $0; sub(/.*"mean": */, "", v); sub(/,.*/, "", v); mean[name] = v * 1000 }
  /"user":/    { v = $0; sub(/.*"user": */, "", v); sub(/,.*/, "", v); cpu[name] += v * 1000 }
  /"system":/  { v = $0; sub(/.*"system": */, "", v); sub(/,.*/, "", v); cpu[name] += v * 1000 }
  function row(what, a, peer, goal, limit) {
    printf "%-46s %7.1f %-12s %7.1f %6.2fx  %6.1f %6.1f %6.2fx  %-7s %-7s %s\n", what, mean[a], peer, mean[peer],
      mean[a] / mean[peer], cpu[a], cpu[peer], cpu[a] / cpu[peer], goal,
      (mean[a] <= limit * mean[peer] ? "met" : "NOT met"), (cpu[a] <= limit * cpu[peer] ? "met" : "NOT met")
  }
  END {
    printf "gewyvern cold start: whole processes, one hyperfine run (load average at the end: %s)\n", load
    printf "WALL and CPU (user+system) are means in ms. The goals are stated in wall time; on a shared machine the\n"
    printf "wall time is mostly waiting for a core, and the CPU ratio is the one to read\n\n"
    printf "%-46s %7s %-12s %7s %7s  %6s %6s %7s  %-7s %-7s %s\n", "FIGURE", "WALL", "PEER", "WALL", "RATIO",
      "CPU", "PEER", "RATIO", "GOAL", "WALL", "CPU"
    row("apply --load-only --run true, " lt, "apply-lt", "bpftool-lt", "<= 10x", 10)
    row("apply --load-only --run true, execcount", "apply-exec", "bpftool-exec", "<= 10x", 10)
    row("session list", "list", "hello", "<= 3x", 3)
    row("session show ID", "show", "hello", "<= 3x", 3)
    row("runtime info", "info", "hello", "<= 3x", 3)
    row("apply --dry-run, " lt, "dry-run-lt", "apply-lt", "< 0.8x", 0.8)
    split(warm, w, " ")
    printf "%-46s %7.1f %-12s %7.1f %6.2fx  %6s %6s %7s  %-7s %s\n", "warm ApplySession " lt ", p50", w[1],
      "bpftool-lt", mean["bpftool-lt"], w[1] / mean["bpftool-lt"], "", "", "", "<= 0.5x",
      (w[1] <= 0.5 * mean["bpftool-lt"] ? "met" : "NOT met")
    printf "  (a paired client, signed, over the Unix socket to a running gew serve; p90 %.1f ms)\n", w[2]
    printf "%-46s %7s MiB (median of 5)%39s<= 80MiB %s\n", "peak RSS of apply " lt, rss, "",
      (rss + 0 > 0 && rss + 0 <= 80 ? "met" : "NOT met")
    printf "\nJVM floor (Hello under gew'"'"'s JVM flags): wall %.1f ms, CPU %.1f ms; plain JVM Hello: wall %.1f ms, CPU %.1f ms\n",
      mean["floor"], cpu["floor"], mean["hello"], cpu["hello"]
    printf "gew above that floor, wall (CPU): apply-lt +%.0f (+%.0f), apply-exec +%.0f (+%.0f), dry-run-lt +%.0f (+%.0f),\n",
      mean["apply-lt"] - mean["floor"], cpu["apply-lt"] - cpu["floor"], mean["apply-exec"] - mean["floor"],
      cpu["apply-exec"] - cpu["floor"], mean["dry-run-lt"] - mean["floor"], cpu["dry-run-lt"] - cpu["floor"]
    printf "  list +%.0f (+%.0f), show +%.0f (+%.0f), info +%.0f (+%.0f) ms\n", mean["list"] - mean["floor"],
      cpu["list"] - cpu["floor"], mean["show"] - mean["floor"], cpu["show"] - cpu["floor"],
      mean["info"] - mean["floor"], cpu["info"] - cpu["floor"]
    printf "\nclasses loaded from outside the AppCDS archive, of all loaded:\n "
    while ((getline l < classes) > 0) { split(l, c, " "); printf " %s %d of %d;", c[1], c[2], c[3] }
    printf "\n"
  }' "$tmp/cold.json"

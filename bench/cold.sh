#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The main job, cold (a benchmark, not a test: it prints figures and exits 0 once it has measured).
# Needs root, a kernel with BPF and BTF, hyperfine (>= 1.13), bpftool, java and javac; peak RSS needs
# /usr/bin/time (Debian package "time"). Run it from anywhere:  bench/cold.sh
#
# One hyperfine run (-N: no shell in any figure; --warmup WARMUP --runs RUNS) of whole processes:
#   hello          java -cp <tmp> Hello                        a JVM Hello World, plain `java`
#   floor-jvm      java <gew's launcher> Floor jvm             the floors (bench/cold/Floor.java): a gew command
#   floor-look     java <gew's launcher> Floor look            with every gewyvern class removed, run exactly as
#   floor-load     java <gew's launcher> Floor load            the launcher runs gew (its JVM flags, gew-cli.jar's
#                  class path with Floor after it, gew's AppCDS archive). jvm: start, print a line. look: what a
#                  light command's libraries cost: picocli parses an annotated command, one protobuf report with
#                  a map field is built and printed. load: that, and jffi binds libc's syscall(2) and calls it
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
# Each goal is then set against its floor (docs/performance.md, "The floor"): list, show and info against
# floor-look; an apply against floor-load plus the kernel's share of the same load (the peer's system time:
# the verifier and the map and program calls, which any loader pays); the dry run against floor-load. Where the
# floor alone is above the goal (FLOOR/PEER > the goal's ratio), no gew could meet it on these libraries and
# this JVM; GEW/FLOOR and GEW-FLOOR say how far above its floor gew is.
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

# the floors: Floor.java run as the launcher (./gew) runs gew-cli.jar, with the same JVM flags (keep these in
# step with ./gew), gew's AppCDS archive (valid: gew-cli.jar comes first on the class path, as when gew runs)
# and gew's class path with Floor after it; Floor uses picocli, protobuf and jffi, and no class of gewyvern
D=$ROOT/gew-cli/target/gew
mkdir "$tmp/floor"
javac -d "$tmp/floor" -cp "$D/gew-cli.jar:$D/lib/*" "$ROOT/bench/cold/Floor.java"
jvmflags=("-XX:SharedArchiveFile=$D/gew.jsa" -Xshare:auto -XX:+UnlockDiagnosticVMOptions
          -XX:ArchiveRelocationMode=0 -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData
          "-Djffi.boot.library.path=$D/jni/${HOSTTYPE:-x86_64}-Linux" -Xlog:disable -Xlog:all=warning:stderr)
floor=(java "${jvmflags[@]}" -cp "$D/gew-cli.jar:$tmp/floor" Floor)
for mode in jvm look load; do   # a floor must run, and load no class of gewyvern
  java "${jvmflags[@]}" "-Xlog:class+load=info:file=$tmp/floor.log" -cp "$D/gew-cli.jar:$tmp/floor" Floor "$mode" \
    >/dev/null || { echo "cold.sh: Floor $mode failed" >&2; exit 1; }
  ! grep -q 'dev\.gewyvern' "$tmp/floor.log" || { echo "cold.sh: Floor $mode loaded gewyvern's classes" >&2; exit 1; }
done

# a session of our own for list and show to find
line=$("$GEW" session apply --object "$EXEC" --load-only --name "cold-$$" --background)
held=$(sed -n 's/^session \([^ ]*\) is live.*/\1/p' <<<"$line")
[[ -n $held ]] || { echo "cold.sh: could not hold a session: $line" >&2; exit 1; }

echo "== timing (warmup $WARMUP, runs $RUNS; load average now $(cut -d' ' -f1-3 /proc/loadavg))" >&2
q() { printf "'%s' " "$@"; }   # one hyperfine command line, each word quoted
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$tmp/cold.json" \
  --prepare "rm -rf $pins-lt $pins-exec" \
  -n hello "java -cp '$tmp' Hello" \
  -n floor-jvm "$(q "${floor[@]}" jvm)" \
  -n floor-look "$(q "${floor[@]}" look)" \
  -n floor-load "$(q "${floor[@]}" load)" \
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
  /"system":/  { v = $0; sub(/.*"system": */, "", v); sub(/,.*/, "", v); cpu[name] += v * 1000; sys[name] = v * 1000 }
  function val(wall, name) { return wall ? mean[name] : cpu[name] }
  function frow(wall, what, a, peer, fl, kernel, goal, limit,   g, p, f, verdict) {
    g = val(wall, a); p = val(wall, peer); f = val(wall, fl) + (kernel == "" ? 0 : sys[kernel])
    verdict = g <= limit * p ? "met" : (f > limit * p ? "NOT met, BELOW FLOOR" : "NOT met, the floor allows it")
    printf "%-46s %7.1f %-12s %7.1f %6.2fx %-7s %7.1f %7.2fx %7.2fx %+8.1f  %s\n", what, g, peer, p, g / p, goal, f,
      f / p, g / f, g - f, verdict
  }
  function floorTable(wall) {
    printf "\n%-46s %7s %-12s %7s %7s %-7s %7s %8s %8s %8s  %s\n", (wall ? "WALL, ms" : "CPU (user+system), ms"), "GEW",
      "PEER", "PEER", "RATIO", "GOAL", "FLOOR", "FLR/PEER", "GEW/FLR", "GEW-FLR", "VERDICT"
    frow(wall, "apply --load-only --run true, " lt, "apply-lt", "bpftool-lt", "floor-load", "bpftool-lt", "<= 10x", 10)
    frow(wall, "apply --load-only --run true, execcount", "apply-exec", "bpftool-exec", "floor-load", "bpftool-exec",
      "<= 10x", 10)
    frow(wall, "session list", "list", "hello", "floor-look", "", "<= 3x", 3)
    frow(wall, "session show ID", "show", "hello", "floor-look", "", "<= 3x", 3)
    frow(wall, "runtime info", "info", "hello", "floor-look", "", "<= 3x", 3)
    frow(wall, "apply --dry-run, " lt, "dry-run-lt", "apply-lt", "floor-load", "", "< 0.8x", 0.8)
  }
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
    printf "\nAgainst the floor: each figure beside what the same path costs with every gewyvern class removed\n"
    printf "(FLOOR: floor-look for list/show/info; floor-load for the dry run; floor-load + the peer'"'"'s system time,\n"
    printf "the kernel'"'"'s share, for an apply). BELOW FLOOR: the floor alone misses the goal, so no gew could meet it\n"
    floorTable(0); floorTable(1)
    printf "floors alone: floor-jvm (start, print) wall %.1f CPU %.1f; floor-look wall %.1f CPU %.1f; floor-load wall %.1f CPU %.1f;\n",
      mean["floor-jvm"], cpu["floor-jvm"], mean["floor-look"], cpu["floor-look"], mean["floor-load"], cpu["floor-load"]
    printf "  a plain JVM Hello: wall %.1f CPU %.1f ms\n", mean["hello"], cpu["hello"]
    printf "\nclasses loaded from outside the AppCDS archive, of all loaded:\n "
    while ((getline l < classes) > 0) { split(l, c, " "); printf " %s %d of %d;", c[1], c[2], c[3] }
    printf "\n"
  }' "$tmp/cold.json"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Whole-process start-up benchmark (a benchmark, not a test: it reports figures and always exits 0
# once it has measured).
#
# Times, in one hyperfine run (no intermediate shell, --warmup 3 --runs 20):
#   hello  java -cp <tmp> Hello        a JVM Hello World (bench/hello/Hello.java), plain `java`
#   gew    ./gew runtime info          the launcher, its staleness check and the real command
# and prints both means and the ratio gew/hello.
#
# Goal: ratio <= 4.5 (gew's start-up at most 4.5x a bare JVM Hello World).
#
# Run as root (gew refuses other users), from anywhere:  bench/startup.sh
# Environment: WARMUP (default 3), RUNS (default 20), GOAL (default 4.5).
# Needs: java, javac, hyperfine (>= 1.13 for -N), awk. The build is made fresh first (./gew runs once
# before timing), so no Maven time is ever measured.
set -euo pipefail

here=$(readlink -f -- "${BASH_SOURCE[0]}")
ROOT=${here%/*/*}
WARMUP=${WARMUP:-3}
RUNS=${RUNS:-20}
GOAL=${GOAL:-4.5}

command -v hyperfine >/dev/null || { echo "startup.sh: hyperfine not found (apt-get install hyperfine)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== making sure the gew build is fresh (not timed)" >&2
"$ROOT/gew" runtime info >/dev/null

javac -d "$tmp" "$ROOT/bench/hello/Hello.java"

echo "== timing (warmup $WARMUP, runs $RUNS)" >&2
# -N (--shell=none): commands are split into words by hyperfine and run directly, so no shell
# start-up is added to either figure. Single quotes keep paths with spaces in one word.
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$tmp/startup.json" \
  -n hello "java -cp '$tmp' Hello" \
  -n gew "'$ROOT/gew' runtime info" >&2

# hyperfine's JSON is pretty-printed: one "key": value per line. Take each result's mean by name.
awk -v goal="$GOAL" '
  /"command":/ { name = $0; sub(/.*"command": *"/, "", name); sub(/".*/, "", name) }
  /"mean":/    { v = $0; sub(/.*"mean": */, "", v); sub(/,.*/, "", v); mean[name] = v + 0 }
  END {
    if (!("hello" in mean) || !("gew" in mean) || mean["hello"] <= 0) {
      print "startup.sh: could not read the means from hyperfine JSON" > "/dev/stderr"; exit 1
    }
    ratio = mean["gew"] / mean["hello"]
    printf "hello mean: %.1f ms\n", mean["hello"] * 1000
    printf "gew   mean: %.1f ms\n", mean["gew"] * 1000
    printf "ratio gew/hello: %.2f (goal <= %s: %s)\n", ratio, goal, (ratio <= goal + 0 ? "met" : "NOT met")
  }' "$tmp/startup.json"

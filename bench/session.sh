#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Session benchmarks (not tests); needs root.
#  1. apply -> detach latency of the example pipeline in a warm gew instance, and in the same run
#     `bpftool prog loadall` of the same object (a whole bpftool process: load, pin, then rm the pins).
#  2. cold-start cleanup: 1,000 sessions left by an instance that died without cleanup, then the time
#     of the next `./gew session list`, which finds and removes them, against the same command with
#     nothing to clean.
set -euo pipefail
cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.."
OBJ=testdata/obj/execcount.bpf.o
N=${N:-200}
ORPHANS=${ORPHANS:-1000}
./gew --version >/dev/null
lib=gew-cli/target/gew/lib
out=$(mktemp -d)
pins=/sys/fs/bpf/gew-bench-bpftool-$$
trap 'rm -rf "$out" "$pins"' EXIT
javac -d "$out" -cp "$lib/*" bench/session/SessionBench.java
run() { java -Djffi.boot.library.path="$PWD/gew-cli/target/gew/jni/x86_64-Linux" -cp "$out:$lib/*" SessionBench "$@"; }

run latency "$OBJ" "$N"
start=$(date +%s%N)
for _ in $(seq "$N"); do
  bpftool prog loadall "$OBJ" "$pins" >/dev/null
  rm -rf "$pins"
done
end=$(date +%s%N)
awk -v n="$N" -v ns="$((end - start))" 'BEGIN { printf "bpftool prog loadall + rm of the same object, %d runs: mean %.2f ms (a whole process each)\n", n, ns / n / 1e6 }'

run orphans "$OBJ" "$ORPHANS"
t0=$(date +%s%N)
cleaned=$(./gew session list 2>&1 >/dev/null | grep -c "^gew: cleaned session" || true)
t1=$(date +%s%N)
./gew session list >/dev/null 2>&1
t2=$(date +%s%N)
./gew session list >/dev/null 2>&1
t3=$(date +%s%N)
awk -v c="$cleaned" -v a="$((t1 - t0))" -v b="$((t3 - t2))" 'BEGIN {
  printf "cold start that cleans %d orphaned sessions: %.0f ms (gew session list with nothing to clean: %.0f ms)\n", c, a / 1e6, b / 1e6 }'

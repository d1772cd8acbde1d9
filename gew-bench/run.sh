#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# BTF benchmarks (figures, not tests; exits 0 once it has measured). In one run:
#   1. libbpf (Debian's libbpf-dev) on /sys/kernel/btf/vmlinux: src/main/c/btf_peer.c, built here
#   2. JMH, warm (KernelBtfBench) and cold (ColdIndexBench: first index of a fresh JVM, gew's flags)
#   3. the retained heap of an index (IndexHeap)
#   4. whole commands with hyperfine: gew btf dump --kernel against bpftool btf dump file vmlinux
# then a table of ours against libbpf's, with ratios.
#
#   gew-bench/run.sh            from anywhere; as root for the mmap and the gew launcher
# Environment: MVN_OFFLINE=-o to build offline (the default once dependencies are cached),
# JMH_ARGS to pass more options to JMH (e.g. "-f 3").
# Needs: java 17, maven, cc, libbpf-dev, bpftool, hyperfine, awk.
set -euo pipefail

here=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")
repo=$(dirname -- "$here")
cd "$repo"
out="$here/target"
mkdir -p "$out"

echo "== build (mvn -Pbench -pl gew-bench -am package)"
mvn ${MVN_OFFLINE--o} -B -q -Dstyle.color=never -Pbench -pl gew-bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt >/dev/null
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
# the reactor's own modules from their target/ folders, never from ~/.m2
cp="$repo/gew-btf/target/classes:$repo/gew-elf/target/classes:$repo/gew-syscall/target/classes:$cp"
cc -O2 -Wall -Werror -o "$out/btf_peer" "$here/src/main/c/btf_peer.c" -lbpf

echo "== libbpf: $out/btf_peer"
peer=$("$out/btf_peer")
echo "$peer"
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$peer"; }

echo "== JMH (warm: KernelBtfBench; cold: ColdIndexBench)"
# shellcheck disable=SC2086
java -cp "$cp" org.openjdk.jmh.Main 'dev\.gewyvern\.bench\.btf\..*' -rf csv -rff "$out/jmh-btf.csv" ${JMH_ARGS:-} \
    | grep -E '^(Benchmark|KernelBtfBench|ColdIndexBench)' || true
score() { awk -F, -v b="\"dev.gewyvern.bench.btf.$1\"" '$1 == b { printf "%.3f", $5 }' "$out/jmh-btf.csv"; }

echo "== retained heap"
heap=$(java -XX:+UseSerialGC -cp "$cp" dev.gewyvern.bench.btf.IndexHeap)
echo "$heap"

echo "== whole commands (hyperfine)"
./gew --version >/dev/null # build the launcher's jar first, never timed
hyperfine -N --warmup 3 --runs 20 --export-csv "$out/hyperfine-btf.csv" \
    './gew btf dump --kernel' 'bpftool btf dump file /sys/kernel/btf/vmlinux' >/dev/null
cmd() { awk -F, -v c="$1" '$1 == c { printf "%.1f", $2 * 1000 }' "$out/hyperfine-btf.csv"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
row() { printf '%-46s %12s %10s %8s\n' "$1" "$2" "$3" "$4"; }
echo
echo "== BTF of $(uname -r), $(field types) types; ms unless marked"
row "" "gewyvern" "libbpf" "ratio"
r=$(score KernelBtfBench.readAndIndex); row "read + index (warm)" "$r" "$(field parse_ms)" "$(ratio "$r" "$(field parse_ms)")"
r=$(score KernelBtfBench.mmapAndIndex); row "mmap + index (warm)" "$r" "$(field parse_ms)" "$(ratio "$r" "$(field parse_ms)")"
r=$(score KernelBtfBench.cursorWalk); row "walk every type, member, name (warm)*" "$r" "$(field walk_ms)" "$(ratio "$r" "$(field walk_ms)")"
r=$(score KernelBtfBench.readIndexAndWalk); row "read + index + walk (warm)" "$r" "$(field parse_walk_ms)" "$(ratio "$r" "$(field parse_walk_ms)")"
r=$(score KernelBtfBench.mmapIndexAndWalk); row "mmap + index + walk (warm)" "$r" "$(field parse_walk_ms)" "$(ratio "$r" "$(field parse_walk_ms)")"
row "decode every type into records (warm)" "$(score KernelBtfBench.decodeWalk)" "-" "-"
row "  of which read(2) only" "$(score KernelBtfBench.readOnly)" "-" "-"
row "  of which index only" "$(score KernelBtfBench.indexOnly)" "-" "-"
row "first index in a fresh JVM (cold)" "$(score ColdIndexBench.firstVmlinuxOfAProcess)" "-" "-"
h=$(sed -n 's/index heap, read(2): \([0-9.]*\).*/\1/p' <<<"$heap")
m=$(sed -n 's/index heap, mmap: *\([0-9.]*\).*/\1/p' <<<"$heap")
row "heap held by one index, MiB (read / mmap)" "$h / $m" "$(field heap_mib)" "$(ratio "$h" "$(field heap_mib)")"
g=$(cmd './gew btf dump --kernel'); b=$(cmd 'bpftool btf dump file /sys/kernel/btf/vmlinux')
row "whole command: dump vmlinux raw (vs bpftool)" "$g" "$b" "$(ratio "$g" "$b")"
echo "* the walk of an index whose types were already checked once; the walks after a fresh index include the checks"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Object-reading benchmarks (figures, not tests): JMH on dev.gewyvern.bench.elf
# (ObjectParseBench: BpfObject.parse of testdata objects; GlobalDataBench: the section table and
# setting .rodata values by name).
#
#   gew-bench/run-elf.sh        from anywhere
# Environment: MVN_OFFLINE=-o to build offline (the default), JMH_ARGS (default "-f 1 -wi 3 -i 5 -w 1s -r 1s").
set -euo pipefail

here=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")
repo=$(dirname -- "$here")
cd "$repo"
mvn ${MVN_OFFLINE--o} -B -q -Dstyle.color=never -Pbench -pl gew-bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt >/dev/null
cp="$repo/gew-btf/target/classes:$repo/gew-elf/target/classes:$here/target/classes:$(cat "$here/target/classpath.txt")"
# shellcheck disable=SC2086
# another JMH run on this machine holds /tmp/jmh.lock at times; the figures say when runs overlapped
java -Djmh.ignoreLock=true -Dgew.repo="$repo" -cp "$cp" org.openjdk.jmh.Main 'dev\.gewyvern\.bench\.elf\..*' ${JMH_ARGS:--f 1 -wi 3 -i 5 -w 1s -r 1s} \
    | grep -E '^(Benchmark|ObjectParseBench|GlobalDataBench)' || true

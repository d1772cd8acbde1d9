#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# CO-RE benchmark (figures, not tests): JMH on dev.gewyvern.bench.core.CoreBench, 50 field
# relocations of task_struct against the running kernel's BTF, with the instance's candidate cache
# warm and with vmlinux indexed first.
#
#   gew-bench/run-core.sh       from anywhere
# Environment: MVN_OFFLINE=-o to build offline (the default), JMH_ARGS (default "-f 1 -wi 3 -i 5 -w 1s -r 1s").
set -euo pipefail

here=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")
repo=$(dirname -- "$here")
cd "$repo"
mvn ${MVN_OFFLINE--o} -B -q -Dstyle.color=never -Pbench -pl gew-bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt >/dev/null
cp="$repo/gew-btf/target/classes:$repo/gew-elf/target/classes:$repo/gew-syscall/target/classes:$here/target/classes"
cp="$cp:$(cat "$here/target/classpath.txt")"
# shellcheck disable=SC2086
java -Djmh.ignoreLock=true -cp "$cp" org.openjdk.jmh.Main 'dev\.gewyvern\.bench\.core\..*' ${JMH_ARGS:--f 1 -wi 3 -i 5 -w 1s -r 1s} \
    | grep -E '^(Benchmark|CoreBench)' || true

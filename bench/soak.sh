#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/soak.sh: the concurrency soak (not CI; needs root and bpf(2)). Runs gew-session's
# ConcurrentSessionsKernelTest (8 sessions applied and detached concurrently in a loop, then nothing
# leaked: pins, programs, fds) RUNS times in a row, each for SECONDS_PER_RUN, and prints one line per run and the
# tally. This is the test that once died with "cannot rename .../staging/ID to .../sessions/ID:
# Directory not empty" (issue 12 item 1: two live sessions drew the same id).
#
#   bench/soak.sh            # 20 runs of 60 s
#   RUNS=5 SECONDS_PER_RUN=20 bench/soak.sh
#
# Exit status 0 when every run passed. Each failed run's surefire report is kept under
# target/soak/run-N/. Builds once, offline (mvn -o); run it under `nice -n 10` on a shared machine.
set -euo pipefail
cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.."
RUNS=${RUNS:-20}
SECS=${SECONDS_PER_RUN:-60}
TEST=ConcurrentSessionsKernelTest
reports=gew-session/target/surefire-reports
out=target/soak
rm -rf "$out"
mkdir -p "$out"

echo "bench/soak.sh: building gew-session and what it needs (mvn -o test-compile)" >&2
mvn -B -o -q test-compile -pl gew-session -am >&2

passed=0
for i in $(seq "$RUNS"); do
  t0=$(date +%s)
  if mvn -B -o -q verify -pl gew-session -am -Dtest="$TEST" -Dit.test=none -Dsurefire.failIfNoSpecifiedTests=false \
      -Dgew.soak.seconds="$SECS" > "$out/run-$i.log" 2>&1; then
    result=PASS
    passed=$((passed + 1))
  else
    result=FAIL
    mkdir -p "$out/run-$i"
    cp "$reports"/*"$TEST"* "$out/run-$i/" 2>/dev/null || true
  fi
  t1=$(date +%s)
  detail=$(grep -h -o "Tests run: [0-9]*, Failures: [0-9]*, Errors: [0-9]*" "$reports"/*"$TEST".txt 2>/dev/null | head -n1 || true)
  printf 'run %2d/%d  %s  %4d s  %s\n' "$i" "$RUNS" "$result" "$((t1 - t0))" "${detail:-no surefire report (see $out/run-$i.log)}"
done
printf '%s: %d of %d runs passed (%d s each, %s)\n' "$TEST" "$passed" "$RUNS" "$SECS" "$(uname -r)"
(( passed == RUNS ))

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/soak.sh: the concurrency soak (not CI; needs root and bpf(2)). Runs gew-session's
# ConcurrentSessionsKernelTest (8 sessions applied and detached concurrently in a loop, then nothing
# leaked: sessions, staging folders, pins, programs, fds) RUNS times in a row, each for SECONDS_PER_RUN,
# in one test JVM (each run its own engine and its own checks), and prints one line per run and the tally.
# This is the test that once died with "cannot rename .../staging/ID to .../sessions/ID: Directory not
# empty" (issue 12 item 1: two live sessions drew the same id).
#
#   bench/soak.sh                          # 20 runs of 60 s
#   RUNS=5 SECONDS_PER_RUN=20 bench/soak.sh
#
# Exit status 0 when every run passed. The surefire report stays in gew-session/target/surefire-reports.
# One offline Maven build and run (mvn -o); run it under `nice -n 10` on a shared machine.
set -euo pipefail
cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.."
RUNS=${RUNS:-20}
SECS=${SECONDS_PER_RUN:-60}
TEST=ConcurrentSessionsKernelTest
reports=gew-session/target/surefire-reports
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "bench/soak.sh: $TEST, $RUNS runs of $SECS s (mvn -o verify -pl gew-session -am)" >&2
status=0
mvn -B -o verify -pl gew-session -am -Dtest="$TEST" -Dit.test=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dgew.soak.runs="$RUNS" -Dgew.soak.seconds="$SECS" -Dgew.test.timeout="$((SECS * 3 + 120)) s" > "$log" 2>&1 \
  || status=$?
xml=$reports/TEST-dev.gewyvern.session.$TEST.xml
if [[ ! -f $xml ]]; then
  tail -n 40 "$log" >&2
  echo "bench/soak.sh: no surefire report (the build failed before the test ran)" >&2
  exit 1
fi
# one line per run: its result and time from the report, its sessions from the test's own output line
mapfile -t cycles < <(grep -h '^soak: ' "$reports/dev.gewyvern.session.$TEST-output.txt" 2>/dev/null || true)
python3 - "$xml" "${cycles[@]}" <<'PY'
import sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
cycles = sys.argv[2:]
passed = total = 0
for i, c in enumerate(cases):
    total += 1
    bad = c.find("failure") if c.find("failure") is not None else c.find("error")
    if bad is None:
        passed += 1
    detail = (bad.get("message") or bad.get("type") or "")[:160] if bad is not None else \
        (cycles[passed - 1][len("soak: "):] if passed - 1 < len(cycles) else "")
    print(f"run {i + 1:2d}  {'PASS' if bad is None else 'FAIL'}  {float(c.get('time', 0)):6.1f} s  {detail}")
print(f"{passed} of {total} runs passed")
PY
echo "($(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
exit "$status"

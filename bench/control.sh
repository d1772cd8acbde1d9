#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Control-interface benchmark (not a test): p50/p99 of a signed GetRuntimeInfo over the Unix socket, and
# calls per second for 1,000 signed calls from 4 concurrent clients. Needs root (it starts a real server).
set -euo pipefail
cd "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.."
./gew --version >/dev/null          # builds the distribution when sources changed
# the client is not part of the runtime's distribution: build its classes beside it
mvn -q -B -DskipTests -pl gew-client -am package >&2
lib=gew-cli/target/gew/lib
client=gew-auth/target/classes:gew-client/target/classes
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac -d "$out" -cp "$client:$lib/*" bench/control/ControlBench.java
java -Djffi.boot.library.path="$PWD/gew-cli/target/gew/jni/x86_64-Linux" -cp "$out:$client:$lib/*" ControlBench

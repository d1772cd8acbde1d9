#!/bin/sh
# Rebuilds gew-elf's test objects from the sources beside this script. Same compiler flags as
# testdata/Makefile (deterministic output, instruction set pinned to v3); DWARF is stripped to keep
# the committed objects small (.BTF and .BTF.ext stay). testdata/obj/execcount.* keep their DWARF.
#   subprog.bpf.o / subprog.bpfeb.o   bpf-to-bpf calls, a callback, global data, map attributes
#   (the legacy "maps" section object is testdata/obj/legacy.bpf.o)
set -eu
cd "$(dirname "$0")"
build() { # src target out
  clang-19 -g -O2 -mcpu=v3 -Wall -Werror -fdebug-prefix-map="$PWD"=. \
    -I/usr/include/"$(uname -m)"-linux-gnu -target "$2" -c "$1" -o "$3"
  llvm-strip-19 --strip-debug "$3"
}
build subprog.bpf.c bpf subprog.bpf.o
build subprog.bpf.c bpfeb subprog.bpfeb.o

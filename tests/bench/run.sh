#!/usr/bin/env bash
# make bench: runs every benchmark program (build/tests/bench/bench_*) and
# script (tests/bench/bench_*.sh) in name order. Each prints its own rows;
# benchmarks report numbers and never fail a build on speed.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
echo "juggle $("$build"/juggle --version 2>/dev/null | awk '{print $2}') benchmarks, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "area     what                                          measured                  (target)"
for b in $(ls "$build"/tests/bench/bench_* "$here"/bench_*.sh 2>/dev/null | sort); do
    case $b in
        *.d|*.o) continue;;
        *.sh) bash "$b" "$build" || echo "bench: $(basename "$b") failed to run";;
        *) [ -x "$b" ] && { "$b" || echo "bench: $(basename "$b") failed to run"; };;
    esac
done

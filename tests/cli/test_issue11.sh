#!/usr/bin/env bash
# Issue 11's small valid scenes that hung or aborted (tests/cli/issue11/):
# each either ends under every strategy, in `compare` and in --dump-screen
# (which run every strategy), within 10 s, or is refused at load with one
# line naming the limit and exit 2, whichever strategy is asked for.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
dir=$(cd "$(dirname "$0")/issue11" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() { # what ok?
    if [ "$2" = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1"; fi
}

ends() { # scene: ends (exit 0 or 1) with output, under everything that runs it
    local f=$dir/$1 s rc
    for s in sync coop poll threads loop; do
        timeout 10 "$juggle" run "$f" -s "$s" --headless >"$tmp/out" 2>"$tmp/err"
        rc=$?
        check "$1 -s $s: exit $rc $(head -c 200 "$tmp/err")" \
            "$([ "$rc" -le 1 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ] && echo 1)"
    done
    timeout 10 "$juggle" compare "$f" >"$tmp/out" 2>&1
    rc=$?
    check "$1 compare: exit $rc" "$([ "$rc" -le 1 ] && [ "$(wc -l <"$tmp/out")" -ge 7 ] && echo 1)"
    timeout 10 "$juggle" run "$f" --dump-screen 100x30 --at 1 >"$tmp/out" 2>&1
    rc=$?
    check "$1 --dump-screen: exit $rc" "$([ "$rc" -le 1 ] && [ -s "$tmp/out" ] && echo 1)"
}

refused() { # scene line message: exit 2, nothing on stdout, that one line
    local f=$dir/$1 s rc want="juggle: $dir/$1:$2: $3"
    for s in sync coop poll threads loop; do
        timeout 10 "$juggle" run "$f" -s "$s" --headless >"$tmp/out" 2>"$tmp/err"
        rc=$?
        check "$1 -s $s: exit $rc, $(cat "$tmp/err")" \
            "$([ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "$want" ] && echo 1)"
    done
}

ends sleep-zero.ini
ends http-delay-zero.ini
ends checkbook-window-zero.ini
ends cpu-long-tick.ini
ends cpu-longer-tick.ini
refused cpu-check-cost.ini 5 \
    "check_cost: 0.5 is not below poll_interval (0.5): checking would leave no time for work"
refused cpu-chunk-zero.ini 5 "chunk: 0 digits between yield points never finishes (give 1 or more)"
refused sleep-huge.ini 8 "items: '5e9' is over 100000000 units, the longest time a scene may give"
refused quantum-tiny.ini 4 \
    "quantum: 1e-09 is too small for this run: threads would switch about 5e+09 times (at most 250000000 events)"
refused generate-billion.ini 8 \
    "the run could last up to 3.04e+09 units, over the limit of 1000000000 units (shorten its work)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# make valgrind: the headless article examples (count and sleep, every
# strategy, printed lines and --json), a recording and its replay, and two
# short real runs, each under memcheck. Any leak (definite or indirect) or
# memory error fails its case. Prints one line per failure and a final
# "N passed, N failed" line.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
root=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() { # juggle arguments...
    valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        --log-file="$tmp/vg.log" "$juggle" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    local rc=$?
    # 99: memcheck found something; 0 or 1 (a run with failures) are juggle's own.
    if [ "$rc" -le 1 ] && [ ! -s "$tmp/vg.log" ] && [ -s "$tmp/out" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL juggle $* (exit $rc)"
        sed 's/^/    | /' "$tmp/vg.log" "$tmp/err" | head -60
    fi
}

for scene in count sleep; do
    for s in sync coop poll threads loop; do
        check run "$root/scenes/$scene.ini" -s $s --headless
        check run "$root/scenes/$scene.ini" -s $s --headless --json
    done
done
check run "$root/scenes/sleep.ini" -s loop --headless --summary --record "$tmp/t.jsonl"
check replay "$tmp/t.jsonl" --headless --summary
check run "$root/scenes/sleep.ini" -s loop --headless --real --time-scale 0.01
check run "$root/scenes/sleep.ini" -s threads --headless --real --time-scale 0.01
check run "$root/scenes/http.ini" -s loop --headless --real --time-scale 0.05

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

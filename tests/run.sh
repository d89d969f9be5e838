#!/usr/bin/env bash
# Runs every test binary and test script, one line each, then a final
# "N passed, N failed" line. Counts are test cases; exit status is 1 if any
# failed. Logs of failing suites are printed in full.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 suites_failed=0
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

report() { # name log rc
    local name=$1 log=$2 rc=$3 p=0 f=0 line
    # cmocka: "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)"
    line=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$log" | tail -1); [ -n "$line" ] && p=$(echo "$line" | grep -oE '[0-9]+' | head -1)
    line=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$log" | tail -1); [ -n "$line" ] && f=$(echo "$line" | grep -oE '[0-9]+' | head -1)
    # scripts: "N passed, N failed" as their last such line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
    if [ -n "$line" ]; then p=$(echo "$line" | cut -d' ' -f1); f=$(echo "$line" | cut -d' ' -f3); fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" -eq 0 ]; then
        printf 'ok    %-28s %4d passed\n' "$name" "$p"
    else
        suites_failed=$((suites_failed + 1))
        printf 'FAIL  %-28s %4d passed, %d failed\n' "$name" "$p" "$f"
        sed 's/^/    | /' "$log"
    fi
}

for bin in "$build"/tests/core/test_* "$build"/tests/*/test_*; do
    [ -x "$bin" ] || continue
    case " ${seen:-} " in *" $bin "*) continue;; esac
    seen="${seen:-} $bin"
    name=${bin#"$build"/tests/}
    log="$logdir/$(echo "$name" | tr / _).log"
    timeout 600 "$bin" >"$log" 2>&1 </dev/null; rc=$?
    report "$name" "$log" "$rc"
done

for script in "$here"/cli/test_*.sh "$here"/tui/test_*.sh "$here"/exec/test_*.sh "$here"/trace/test_*.sh; do
    [ -f "$script" ] || continue
    name=${script#"$here"/}
    log="$logdir/$(echo "$name" | tr / _).log"
    timeout 900 bash "$script" "$build" >"$log" 2>&1 </dev/null; rc=$?
    report "$name" "$log" "$rc"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

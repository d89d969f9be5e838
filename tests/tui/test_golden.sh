#!/usr/bin/env bash
# Golden screen dumps: each golden/NAME.cmd holds juggle's arguments (one
# line, a --dump-screen run); golden/NAME.out is the exact screen expected
# (UTF-8 locale). Regenerate with `tests/tui/test_golden.sh BUILD --update`
# and review the diff like code. The article's scenes (sleep, count, http)
# at chosen moments, and every shipped scene under every strategy at the
# middle of its run at 80x24, 120x40 and 200x60 (all-SCENE-STRATEGY-SIZE).
set -u
build=${1:-build}
update=${2:-}
juggle=$(cd "$build" && pwd)/juggle
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 2 # scene names resolve in the checkout's scenes/
export LC_ALL=C.UTF-8
unset NO_COLOR
pass=0 fail=0
for cmd in "$here"/golden/*.cmd; do
    [ -f "$cmd" ] || continue
    base=${cmd%.cmd}
    read -r -a args <"$cmd"
    out=$("$juggle" "${args[@]}" 2>&1 </dev/null; echo "rc=$?")
    rc=${out##*rc=}
    out=${out%rc=*}
    if [ "$update" = --update ]; then
        printf '%s' "$out" >"$base.out"
        continue
    fi
    if printf '%s' "$out" | cmp -s - "$base.out" && [ "$rc" = 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL ${base#"$here"/}: juggle ${args[*]} (exit $rc)"
        printf '%s' "$out" | diff "$base.out" - | head -20
    fi
done
[ "$update" = --update ] && { echo "golden screens updated"; exit 0; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

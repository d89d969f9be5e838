#!/usr/bin/env bash
# Golden CLI tests. Each DIR/NAME.cmd holds juggle's arguments (one line);
# DIR/NAME.out is the exact stdout expected, and DIR/NAME.rc the exit status
# when it is not 0. article/ holds the article's printed outputs, written by
# hand from the article and never regenerated; golden/ holds juggle's own
# outputs for everything else, regenerated with --update (make
# golden-update) and reviewed like code.
set -u
build=${1:-build}
update=${2:-}
juggle=$(cd "$build" && pwd)/juggle
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 2 # scene names resolve in the checkout's scenes/
pass=0 fail=0
for cmd in "$here"/article/*.cmd "$here"/golden/*.cmd; do
    [ -f "$cmd" ] || continue
    base=${cmd%.cmd}
    read -r -a args <"$cmd"
    out=$("$juggle" "${args[@]}" 2>&1; echo "rc=$?")
    rc=${out##*rc=}
    out=${out%rc=*}
    want_rc=0
    [ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
    if [ "$update" = --update ] && [[ $cmd == */golden/* ]]; then
        printf '%s' "$out" >"$base.out"
        if [ "$rc" != 0 ]; then echo "$rc" >"$base.rc"; else rm -f "$base.rc"; fi
        continue
    fi
    if [ "$out" == "$(cat "$base.out"; echo)" ] || [ "$out" == "$(cat "$base.out")" ]; then :; fi
    if printf '%s' "$out" | cmp -s - "$base.out" && [ "$rc" = "$want_rc" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL ${base#"$here"/}: juggle ${args[*]} (exit $rc, want $want_rc)"
        printf '%s' "$out" | diff "$base.out" - | head -20
    fi
done
[ "$update" = --update ] && { echo "golden files updated"; exit 0; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

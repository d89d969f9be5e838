#!/usr/bin/env bash
# `juggle replay FILE --dump-screen COLSxROWS --at T`: a recorded run's
# screen at T is the live run's screen at T. Two rows may differ and no
# others: the header's mode marker (sim / replay) and the status row's key
# hint (a replay offers transport keys instead of 1-5). Times are mid-run,
# before the run ends (after it, the session line names "loop replay").
# Usage: test_replay_dump.sh [BUILD_DIR]; prints "N passed, N failed".
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8
unset NO_COLOR

# compare LIVE REPLAY what: every row equal but row 1 (mode marker) and the last.
compare() {
    local live=$1 rep=$2 what=$3 n
    n=$(wc -l <"$live")
    [ "$n" = "$(wc -l <"$rep")" ] || { bad "$what: line counts differ"; return; }
    if diff <(sed '1d;$d' "$live") <(sed '1d;$d' "$rep") >"$tmp/diff"; then ok; else
        bad "$what: screens differ"
        sed 's/^/    /' "$tmp/diff" | head -20
    fi
    # Row 1: the same title; the marker names the source.
    if [ "$(head -1 "$live" | sed 's/ *sim$//')" == "$(head -1 "$rep" | sed 's/ *replay$//')" ] &&
        head -1 "$live" | grep -q ' sim$' && head -1 "$rep" | grep -q ' replay$'; then ok; else
        bad "$what: header row"
        head -1 "$live"
        head -1 "$rep"
    fi
}

run_case() { # scene strategy size times...
    local scene=$1 s=$2 size=$3
    shift 3
    local trace="$tmp/$scene-$s.jsonl"
    "$juggle" run "$scene" -s "$s" --headless --record "$trace" >/dev/null </dev/null ||
        { bad "record $scene/$s"; return; }
    for at in "$@"; do
        "$juggle" run "$scene" -s "$s" --dump-screen "$size" --at "$at" >"$tmp/live" </dev/null ||
            { bad "live dump $scene/$s at $at"; continue; }
        "$juggle" replay "$trace" --dump-screen "$size" --at "$at" >"$tmp/rep" 2>"$tmp/err" </dev/null ||
            { bad "replay dump $scene/$s at $at: exit $?"; cat "$tmp/err"; continue; }
        compare "$tmp/live" "$tmp/rep" "$scene/$s $size at $at"
    done
}

# The brief's case: sleep under loop, recorded headless, at several times.
run_case sleep loop 120x40 0 3 8 12.5 16.9
run_case sleep sync 120x40 5 20
run_case count threads 100x30 0.5 2.1
run_case household poll 160x50 30 90
run_case webserver sync 140x40 40

# A past-the-end dump of the replay shows the finished run.
"$juggle" replay "$tmp/sleep-loop.jsonl" --dump-screen 120x40 --at 1000 >"$tmp/end" </dev/null
grep -q 'finished' "$tmp/end" && ok || bad "replay dump past the end says finished"
grep -q 'session  loop replay 17.0' "$tmp/end" && ok || bad "replay dump past the end: session line"

# Bad input: a trace that does not load exits 2 with the loader's message.
printf 'not json\n' >"$tmp/bad.jsonl"
"$juggle" replay "$tmp/bad.jsonl" --dump-screen 120x40 --at 1 >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
[ "$rc" = 2 ] && ok || bad "bad trace: exit $rc, want 2"
grep -q "^juggle: .*bad.jsonl:1:" "$tmp/err" && ok || { bad "bad trace: message"; cat "$tmp/err"; }
[ -s "$tmp/out" ] && bad "bad trace: printed a screen" || ok

finish

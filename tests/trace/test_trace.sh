#!/usr/bin/env bash
# Traces: every shipped scene under every strategy round-trips (run with
# --record, then replay --headless prints the same bytes, and the same
# --summary and --json); bad traces give "juggle: FILE:LINE: message" and
# exit 2; the Chrome export parses and has the tracks and spans it should.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL $*"; }

# ---- round trips ----
for scene in "$root"/scenes/*.ini; do
    name=$(basename "$scene" .ini)
    grep -q '^server *= *embedded' "$scene" && continue # needs the real runner
    for s in sync coop poll threads loop; do
        for fmt in "" --summary --json; do
            "$juggle" run "$scene" -s "$s" --headless $fmt --record "$tmp/t.jsonl" >"$tmp/run.out" 2>&1
            rc1=$?
            "$juggle" replay "$tmp/t.jsonl" --headless $fmt >"$tmp/replay.out" 2>&1
            rc2=$?
            if cmp -s "$tmp/run.out" "$tmp/replay.out" && [ "$rc1" = "$rc2" ] && [ ! -e "$tmp/t.jsonl.tmp" ]; then
                ok
            else
                no "round trip $name/$s $fmt (exit $rc1 vs $rc2)"
                diff "$tmp/run.out" "$tmp/replay.out" | head -5
            fi
        done
    done
done

# ---- bad traces ----
"$juggle" run "$root/scenes/sleep.ini" -s loop --headless --record "$tmp/good.jsonl" >/dev/null
good=$tmp/good.jsonl
lines=$(wc -l <"$good")
# Each way of reading a trace: the events streamed (checked first where
# lines are printed), a pipe loaded whole, the view. All print nothing.
bad() { # description expected-message-suffix (file is $tmp/bad.jsonl)
    local how rc file
    for how in "--headless" "--headless --summary" "--headless --json" "--dump-screen 80x20 --at 1" \
        "pipe --headless" "pipe --headless --json"; do
        file=$tmp/bad.jsonl
        case $how in
        pipe*)
            file=/dev/stdin
            cat "$tmp/bad.jsonl" | "$juggle" replay /dev/stdin ${how#pipe } >"$tmp/out" 2>"$tmp/err"
            ;;
        *) "$juggle" replay "$file" $how >"$tmp/out" 2>"$tmp/err" ;;
        esac
        rc=$?
        if [ "$rc" = 2 ] && [ "$(cat "$tmp/err")" = "juggle: $file$2" ] && [ ! -s "$tmp/out" ]; then
            ok
        else
            no "bad trace ($how): $1: exit $rc: $(cat "$tmp/err") (want: juggle: FILE$2)"
        fi
    done
}
: >"$tmp/bad.jsonl"; bad "empty" ": empty trace"
head -c -30 "$good" >"$tmp/bad.jsonl"; bad "truncated mid-line" ":$lines: truncated line (the trace was cut off mid-write)"
head -n 10 "$good" >"$tmp/bad.jsonl"; bad "cut after a line" ":11: no end line (the trace was cut off)"
sed '5s/.*/[5,0,"log",/' "$good" >"$tmp/bad.jsonl"; bad "corrupt JSON" ":5: not a JSON event line: ']' expected near end of file"
sed '1s/"major":1/"major":2/' "$good" >"$tmp/bad.jsonl"; bad "unknown major version" ":1: unsupported trace format version: 2.1 (this juggle reads 1.x)"
sed '1s/"minor":0/"minor":7/' "$good" >"$tmp/bad.jsonl"
if "$juggle" replay "$tmp/bad.jsonl" --headless >/dev/null 2>&1; then ok; else no "a newer minor version should load"; fi
awk 'NR==6{l=$0; getline; print; print l; next} {print}' "$good" >"$tmp/bad.jsonl"; bad "events out of order" ":7: events out of order (seq goes back)"
sed -E '8s/^\[([0-9]+),[0-9]+,/[\1,99000000000,/' "$good" >"$tmp/bad.jsonl"; bad "time goes back" ":9: events out of order (time goes back)"
sed -E '6s/,"[a-z_]+",/,"teleport",/' "$good" >"$tmp/bad.jsonl"; bad "unknown kind" ":6: unknown event kind: teleport"
sed -E '7s/^\[([0-9]+),([0-9]+),("[a-z_]+"),[-0-9]+,/[\1,\2,\3,9,/' "$good" >"$tmp/bad.jsonl"; bad "unknown task" ":7: event for a task that was never created"
{ cat "$good"; echo '[99,0,"log",-1,-1,-1,0,0,0]'; } >"$tmp/bad.jsonl"; bad "text after the end" ":$((lines + 1)): text after the end line"
echo '{"hello":"world"}' >"$tmp/bad.jsonl"; bad "not a trace" ":1: not a juggle trace (no header)"
printf '\x00\x01\n' >"$tmp/bad.jsonl"; bad "binary" ":1: not a JSON object: '[' or '{' expected near end of file"
sed -E '9s/\]$/,"a","b"]/' "$good" >"$tmp/bad.jsonl"; bad "extra value" ":9: an event line has 9 or 10 values: seq, t, kind, ..."
sed -E '4s/,-1,/,"minus one",/' "$good" >"$tmp/bad.jsonl"; bad "a field of the wrong type" ":4: event field is not a whole number"

# A trace bigger than the reader's 1 MB buffer, its header line longer
# than it (a scene with 1.5 MB of comments): the same bytes back, and a bad
# line near its end found before anything is printed.
{
    for i in $(seq 8000); do printf '; %0190d\n' "$i"; done
    printf '[scene]\nseed = 1\n[workers]\ncount = 50\n[queue]\nwork = sleep\ngenerate = 3000\nmin = 1\nmax = 20\n'
} >"$tmp/big.ini"
for fmt in "" --summary --json; do
    "$juggle" run "$tmp/big.ini" -s loop --headless $fmt --record "$tmp/big.jsonl" >"$tmp/run.out" 2>&1
    "$juggle" replay "$tmp/big.jsonl" --headless $fmt >"$tmp/replay.out" 2>&1
    if [ "$(head -1 "$tmp/big.jsonl" | wc -c)" -gt 1500000 ] && [ "$(wc -c <"$tmp/big.jsonl")" -gt 2500000 ] &&
        cmp -s "$tmp/run.out" "$tmp/replay.out"; then ok; else no "round trip of a 2.5 MB trace $fmt"; fi
done
blines=$(wc -l <"$tmp/big.jsonl")
sed -E "$((blines - 5))s/^\[([0-9]+),[0-9]+,/[\1,1,/" "$tmp/big.jsonl" >"$tmp/bad.jsonl"
bad "time goes back near the end of a big trace" ":$((blines - 5)): events out of order (time goes back)"

# An incomplete trace (interrupted recording) still replays what it holds.
sed "\$s/.*/{\"end\":\"incomplete\",\"events\":$((lines - 2))}/" "$good" >"$tmp/part.jsonl"
"$juggle" replay "$tmp/part.jsonl" --headless >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 1 ] && grep -q "Total elapsed time: 17.0" "$tmp/out" && grep -q "incomplete" "$tmp/err"; then ok; else no "incomplete trace: exit $rc"; fi

# ---- Chrome export ----
for s in coop threads; do
    "$juggle" run "$root/scenes/count.ini" -s $s --cpus 2 --headless --record "$tmp/c.jsonl" >/dev/null
    "$juggle" export "$tmp/c.jsonl" --chrome "$tmp/c.json"
    if python3 - "$tmp/c.json" "$s" <<'PY'
import json, re, sys
raw = open(sys.argv[1]).read()
d = json.loads(raw)
ev = d["traceEvents"]
# timestamps in fixed notation, never exponents
assert not re.search(r'"(ts|dur)":-?[0-9.]+[eE]', raw), "exponent in a timestamp"
names = {(e["pid"], e["tid"]): e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
assert names[(1, 1)] == "One" and names[(1, 2)] == "Two", names
assert names[(2, 1)] == "CPU 0", names
xs = [e for e in ev if e["ph"] == "X"]
assert xs, "no complete events"
for track in {(e["pid"], e["tid"]) for e in xs}:
    spans = sorted((e["ts"], e["ts"] + e["dur"]) for e in xs if (e["pid"], e["tid"]) == track)
    for a, b in zip(spans, spans[1:]):
        assert a[1] <= b[0] + 1e-6, f"overlap on {track}: {a} {b}"
    assert not [e for e in ev if e["ph"] in "BE" and (e.get("pid"), e.get("tid")) == track]
running = sum(e["dur"] for e in xs if e["name"] == "running")
assert abs(running - 3.2e6) < 1, running      # 32 increments of 0.1 units = 3.2 s of CPU
logs = [e["name"] for e in ev if e["ph"] == "i"]
assert "Task One running" in logs, logs
assert any(e["ph"] == "C" for e in ev), "no CPU counter"
items = [e for e in ev if e["ph"] in "be" and e["cat"] == "item"]
assert len(items) == 8, len(items)
PY
    then ok; else no "chrome export ($s)"; fi
done
# The export reads the file twice (a pipe once, loaded whole): the same
# bytes either way; a bad trace writes nothing.
"$juggle" export "$tmp/big.jsonl" --chrome "$tmp/file.json"
cat "$tmp/big.jsonl" | "$juggle" export /dev/stdin --chrome "$tmp/pipe.json"
if [ -s "$tmp/file.json" ] && cmp -s "$tmp/file.json" "$tmp/pipe.json"; then ok; else no "export from a pipe differs"; fi
sed -E "$((blines - 5))s/^\[([0-9]+),[0-9]+,/[\1,1,/" "$tmp/big.jsonl" >"$tmp/bad.jsonl"
for to in "$tmp/bad.json" -; do
    "$juggle" export "$tmp/bad.jsonl" --chrome "$to" >"$tmp/out" 2>"$tmp/err"; rc=$?
    if [ "$rc" = 2 ] && [ ! -e "$tmp/bad.json" ] && [ ! -s "$tmp/out" ] &&
        [ "$(cat "$tmp/err")" = "juggle: $tmp/bad.jsonl:$((blines - 5)): events out of order (time goes back)" ]; then
        ok
    else
        no "export of a bad trace to $to: exit $rc: $(cat "$tmp/err")"
    fi
done
"$juggle" export "$tmp/c.jsonl" >"$tmp/out" 2>&1; rc=$?
[ "$rc" = 2 ] && ok || no "export without --chrome should be a usage error (exit $rc)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# The recorder and the trace reader against the paths a user can hand them
# (issue 11, items 2-6 and 8): what a recording may overwrite, what is left
# after a signal, a closed pipe or a full disk, texts that are not UTF-8,
# bounded reading, and output errors. Exact messages and exit statuses.
# Signals are sent while juggle is provably mid-run: its stdout is a FIFO
# that the test stops reading, so juggle cannot finish before the signal.
. "$(dirname "$0")/../lib.sh" "$@"

ends_incomplete() { tail -n 1 "$1" | grep -q '^{"end":"incomplete","events":[0-9]*}$'; }

d=$tmp/rec
mkdir "$d"
cp scenes/count.ini "$d/count.ini"
sc=$d/count.ini
# A run long enough (about 2 MB of printed lines) to be stopped mid-way.
sed 's/requests = 200/requests = 20000/; s/^rate = 4 /rate = 100/' scenes/webserver.ini >"$d/big.ini"
big=$d/big.ini
"$juggle" run "$sc" --headless >"$d/count.out"

# ---- item 2: the recorder owns only what it creates ----
cp "$sc" "$d/count.orig"
expect 2 "juggle: $sc: refusing to overwrite $sc, an input of this run" "record onto the scene" -- \
    "$juggle" run "$sc" --headless --record "$sc"
ln -s count.ini "$d/scene-link"
expect 2 "juggle: $d/scene-link: refusing to overwrite $sc, an input of this run" \
    "record onto the scene through a symlink" -- "$juggle" run "$sc" --headless --record "$d/scene-link"
ln "$sc" "$d/hardlink.ini"
expect 2 "juggle: $d/hardlink.ini: refusing to overwrite $sc, an input of this run" \
    "record onto a hard link of the scene (same inode)" -- \
    "$juggle" run "$sc" --headless --record "$d/hardlink.ini"
check "the scene is untouched" cmp -s "$sc" "$d/count.orig"
mkdir "$d/dir"
expect 2 "juggle: $d/dir: is a directory" "record onto a directory" -- \
    "$juggle" run "$sc" --headless --record "$d/dir"
check "nothing was run before the refusal" test ! -s "$tmp/out"

"$juggle" run "$sc" --headless --record "$d/t.jsonl" >/dev/null
cp "$d/t.jsonl" "$d/t.orig"
expect 2 "juggle: $d/t.jsonl: refusing to overwrite $d/t.jsonl, an input of this run" \
    "export onto its own input" -- "$juggle" export "$d/t.jsonl" --chrome "$d/t.jsonl"
ln -s t.jsonl "$d/t-link"
expect 2 "juggle: $d/t.jsonl: refusing to overwrite $d/t-link, an input of this run" \
    "export onto its input through a symlink" -- "$juggle" export "$d/t-link" --chrome "$d/t.jsonl"
check "the trace is untouched" cmp -s "$d/t.jsonl" "$d/t.orig"

expect 0 "" "record to /dev/null" -- "$juggle" run "$sc" --headless --record /dev/null
check "/dev/null is still a device" test -c /dev/null
expect 1 "juggle: /dev/full: cannot write trace: No space left on device" "record to /dev/full" -- \
    "$juggle" run "$sc" --headless --record /dev/full
check "/dev/full is still a device" test -c /dev/full

mkfifo "$d/fifo"
cat "$d/fifo" >"$d/from-fifo" &
reader=$!
expect 0 "" "record to a FIFO" -- "$juggle" run "$sc" --headless --record "$d/fifo"
wait "$reader"
check "the FIFO stays a FIFO" test -p "$d/fifo"
"$juggle" replay "$d/from-fifo" --headless >"$d/fifo.out"
check "what came through the FIFO replays" cmp -s "$d/fifo.out" "$d/count.out"

"$juggle" run "$sc" --headless --record - >"$d/stdout.jsonl" 2>"$d/stdout.err"
check "record to - writes the trace on stdout" cmp -s "$d/stdout.jsonl" "$d/t.jsonl"
check "record to - moves the printed lines to stderr" cmp -s "$d/stdout.err" "$d/count.out"
expect 2 "juggle: --record -: standard output holds the screen; record to a file (see 'juggle --help')" \
    "record to - from the TUI" -- "$juggle" run "$sc" --record -
expect 2 "juggle: the view (juggle SCENE) does not take --record: options go with 'juggle run SCENE', which opens the same view (see 'juggle --help')" \
    "record from the TUI, without run" -- "$juggle" "$sc" --record -
expect 2 "juggle: --record -: standard output holds the screen; record to a file (see 'juggle --help')" \
    "record to - with a screen dump" -- "$juggle" run "$sc" --dump-screen 80x20 --record -

ln -s target.jsonl "$d/link.jsonl"
"$juggle" run "$sc" --headless --record "$d/link.jsonl" >/dev/null
check "a symlink is followed: the link stays" test -L "$d/link.jsonl"
check "a symlink is followed: the target holds the trace" cmp -s "$d/target.jsonl" "$d/t.jsonl"
chmod 640 "$d/target.jsonl"
"$juggle" run "$sc" --headless --record "$d/link.jsonl" >/dev/null
check "rewriting keeps the file's mode" test "$(stat -c %a "$d/target.jsonl")" = 640
check "no temporary is left behind" test -z "$(ls -A "$d" | grep '^\.')"

# Two recordings to one path: the last to finish wins whole.
for s in sync coop poll threads loop; do
    "$juggle" run "$sc" -s $s --headless --record "$d/ref-$s.jsonl" >/dev/null
done
for round in 1 2 3; do
    pids=""
    for s in sync coop poll threads loop sync coop poll threads loop; do
        "$juggle" run "$sc" -s $s --headless --record "$d/shared.jsonl" >/dev/null &
        pids="$pids $!"
    done
    wait $pids
    whole=0
    for s in sync coop poll threads loop; do cmp -s "$d/shared.jsonl" "$d/ref-$s.jsonl" && whole=1; done
    check "ten concurrent recordings to one path leave one whole trace (round $round)" test $whole = 1
done

# ---- item 3: every path records ----
"$juggle" run "$sc" --dump-screen 80x20 --at 1 --record "$d/dump.jsonl" >/dev/null
check "--dump-screen --record records the run" cmp -s "$d/dump.jsonl" "$d/t.jsonl"
expect 2 "juggle: --dump-screen shows a simulated run; it cannot be used with --real (see 'juggle --help')" \
    "--dump-screen --real is refused" -- "$juggle" run "$sc" --dump-screen 80x20 --real

interrupt() { # signal exit-status
    local sig=$1 want=$2 out=$d/sig.jsonl
    rm -f "$out" "$d/stdout"
    mkfifo "$d/stdout"
    "$juggle" run "$big" --headless --record "$out" >"$d/stdout" 2>"$d/sig.err" &
    local pid=$!
    exec 3<"$d/stdout"
    read -r -u 3 _ # juggle is running, and blocks once the pipe is full
    kill -s "$sig" "$pid"
    cat <&3 >/dev/null
    exec 3<&-
    { wait "$pid"; } 2>/dev/null
    local rc=$?
    check "SIG$sig: exit $rc, want $want" test "$rc" = "$want"
    check "SIG$sig: one line saying so" \
        test "$(cat "$d/sig.err")" = "juggle: interrupted by SIG$sig: recorded $out, marked incomplete"
    check "SIG$sig: the trace is at FILE, marked incomplete" ends_incomplete "$out"
    "$juggle" replay "$out" --headless >/dev/null 2>"$d/replay.err"
    check "SIG$sig: the trace replays as incomplete (exit $?)" \
        test "$(cat "$d/replay.err")" = "juggle: $out: the trace is incomplete (the recording was interrupted)"
}
# Job control on: a script's background job otherwise starts with SIGINT
# ignored, and juggle (rightly) leaves an ignored signal ignored.
set -m
interrupt INT 130
interrupt TERM 143
interrupt HUP 129

# The real run records and stops the same way (its first line comes at once,
# the run then lasts seconds).
rm -f "$d/stdout" "$d/real.jsonl"
mkfifo "$d/stdout"
"$juggle" run sleep --real --headless --record "$d/real.jsonl" >"$d/stdout" 2>"$d/real.err" &
pid=$!
exec 3<"$d/stdout"
read -r -u 3 _
kill -s INT "$pid"
cat <&3 >/dev/null
exec 3<&-
{ wait "$pid"; } 2>/dev/null
rc=$?
check "real run, SIGINT: exit $rc, want 130" test "$rc" = 130
check "real run, SIGINT: one line saying so" \
    test "$(cat "$d/real.err")" = "juggle: interrupted by SIGINT: recorded $d/real.jsonl, marked incomplete"
check "real run, SIGINT: the trace is at FILE, marked incomplete" ends_incomplete "$d/real.jsonl"
"$juggle" run sleep --real --headless 2>"$d/real.err" | head -n 1 >/dev/null
rc=${PIPESTATUS[0]}
check "a real run piped into head -1 stops with exit 1 (got $rc)" test "$rc" = 1
check "... quietly" test ! -s "$d/real.err"
set +m

# An ignored SIGHUP (nohup) stays ignored: the run goes on and completes.
rm -f "$d/stdout" "$d/nohup.jsonl"
mkfifo "$d/stdout"
(
    trap '' HUP
    exec "$juggle" run "$big" --headless --record "$d/nohup.jsonl" >"$d/stdout" 2>"$d/nohup.err"
) &
pid=$!
exec 3<"$d/stdout"
read -r -u 3 _
kill -s HUP "$pid"
cat <&3 >/dev/null
exec 3<&-
wait "$pid"
rc=$?
check "an ignored SIGHUP is ignored: exit $rc" test "$rc" = 0 -a ! -s "$d/nohup.err"
check "an ignored SIGHUP is ignored: the trace is complete" grep -q '^{"end":"complete"' "$d/nohup.jsonl"

"$juggle" run "$big" --headless --record "$d/pipe.jsonl" 2>"$d/pipe.err" | head -n 1 >/dev/null
rc=${PIPESTATUS[0]}
check "EPIPE: exit 1 (got $rc)" test "$rc" = 1
check "EPIPE: quietly" test ! -s "$d/pipe.err"
check "EPIPE: the trace is left incomplete" ends_incomplete "$d/pipe.jsonl"
"$juggle" replay "$d/pipe.jsonl" --headless --summary >/dev/null 2>&1
check "EPIPE: the trace replays as incomplete" test $? = 1

"$juggle" run "$big" --headless --record - 2>"$d/pipe.err" | head -c 100 >/dev/null
rc=${PIPESTATUS[0]}
check "--record - into a closed pipe: exit 1 (got $rc)" test "$rc" = 1
check "--record - into a closed pipe: quietly" test -z "$(grep '^juggle:' "$d/pipe.err")"

# A full disk: `ulimit -f` (SIGXFSZ is ignored by juggle, so writes get EFBIG).
(
    ulimit -f 256
    "$juggle" run "$big" --headless --record "$d/full.jsonl" >/dev/null 2>"$d/full.err"
    echo $? >"$d/full.rc"
)
check "full disk: exit 1" test "$(cat "$d/full.rc")" = 1
check "full disk: one line" grep -qxE "juggle: $d/full.jsonl: cannot write trace: File too large \(kept the first [0-9]+ events, marked incomplete\)" "$d/full.err"
check "full disk: what was written is at FILE, marked incomplete" ends_incomplete "$d/full.jsonl"
n=$(grep -oE 'first [0-9]+' "$d/full.err" | cut -d' ' -f2)
check "full disk: the end line counts what was kept" grep -qx "{\"end\":\"incomplete\",\"events\":$n}" "$d/full.jsonl"
"$juggle" replay "$d/full.jsonl" --headless >/dev/null 2>&1
check "full disk: the trace replays as incomplete" test $? = 1

# ---- item 4: traces carry any scene ----
printf '[scene]\ntitle = Caf\xe9 ; \xff comment\nkind = queue\nstrategy = coop\n\n[workers]\nnames = On\xe9, Two\n\n[queue]\nwork = count\nitems = 3, 2\nstep = 0.1\n' >"$d/latin1.ini"
"$juggle" run "$d/latin1.ini" --headless --record "$d/latin1.jsonl" >"$d/latin1.out"
"$juggle" replay "$d/latin1.jsonl" --headless >"$d/latin1.replay"
check "non-UTF-8 scene: the replay prints the same bytes" cmp -s "$d/latin1.out" "$d/latin1.replay"
check "non-UTF-8 scene: the log line keeps its byte" grep -q $'^Task On\xe9 running$' "$d/latin1.replay"
check "non-UTF-8 scene: the scene text is stored whole" python3 -c '
import base64, json, sys
h = json.loads(open(sys.argv[1], "rb").readline())
assert base64.b64decode(h["scene"]["text_base64"]) == open(sys.argv[2], "rb").read()
assert "Caf\\xE9" in h["scene"]["text"]' "$d/latin1.jsonl" "$d/latin1.ini"
"$juggle" run "$d/latin1.ini" --headless --json >"$d/latin1.json"
check "--json keeps a non-UTF-8 task name, escaped" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [t["name"] for t in d["tasks"]] == ["On\\xE9", "Two"], d["tasks"]' "$d/latin1.json"
"$juggle" replay "$d/latin1.jsonl" --dump-screen 100x20 --at 1 >"$d/latin1.dump"
check "a non-UTF-8 trace replays on screen" test -s "$d/latin1.dump"
"$juggle" replay tests/fuzz/corpus/trace/count-loop.jsonl --headless >"$d/old.out"
check "a minor-0 trace still loads" test $? = 0 -a -s "$d/old.out"

lines=$(wc -l <"$d/t.jsonl")
total=$((lines - 2))
grep -n '"log"' "$d/t.jsonl" | head -n 1 | cut -d: -f1 >"$d/n"
sed "$(cat "$d/n")d" "$d/t.jsonl" >"$d/missing.jsonl"
expect 1 "juggle: $d/missing.jsonl: the trace is incomplete (its end line counts $total events, the file holds $((total - 1)))" \
    "a trace missing an event is incomplete" -- "$juggle" replay "$d/missing.jsonl" --headless

# ---- item 5: bounded reading ----
truncate -s 70G "$d/huge.jsonl"
expect 2 "juggle: $d/huge.jsonl: trace is 75.2 GB, over the 64 GiB limit" "a trace over the cap" -- \
    "$juggle" replay "$d/huge.jsonl" --headless
expect 2 "juggle: /dev/zero: not a trace file (a character device)" "replay /dev/zero" -- \
    "$juggle" replay /dev/zero --headless
expect 2 "juggle: $d/dir: is a directory" "replay a directory" -- "$juggle" replay "$d/dir" --headless
"$juggle" replay /dev/stdin --headless <"$d/t.jsonl" >"$d/pipe.out" 2>&1
check "a trace through a pipe loads" cmp -s "$d/pipe.out" "$d/count.out"
sed -E '5s/^\[([0-9]+),[0-9]+,/[\1,9223372036854775807,/' "$d/t.jsonl" >"$d/tmax.jsonl"
for how in "--headless" "--dump-screen 80x20 --at 1"; do
    expect 2 "juggle: $d/tmax.jsonl:5: event time out of range (the limit is 2e18 ns)" \
        "an event at INT64_MAX ($how)" -- "$juggle" replay "$d/tmax.jsonl" $how
done
sed -E '5s/^\[([0-9]+),[0-9]+,/[\1,2000000000000000001,/' "$d/t.jsonl" >"$d/tbig.jsonl"
expect 2 "juggle: $d/tbig.jsonl:5: event time out of range (the limit is 2e18 ns)" \
    "an event just past the time limit" -- "$juggle" replay "$d/tbig.jsonl" --headless
sed -E '5s/,(-?[0-9]+),(-?[0-9]+)(,"[^"]*")?\]$/,-9223372036854775807,\2\3]/' "$d/t.jsonl" >"$d/vbig.jsonl"
expect 2 "juggle: $d/vbig.jsonl:5: event value out of range (the limit is 2e18)" \
    "an event value past the limit" -- "$juggle" replay "$d/vbig.jsonl" --headless

# ---- item 6: output errors are errors ----
full() { # command...: to /dev/full, exit 1 and one line
    out_to=/dev/full expect 1 "juggle: write error: No space left on device" "$* >/dev/full" -- "$@"
}
for cmd in "run $sc --headless" "run $sc --headless --summary" "run $sc --headless --json" \
    "compare $sc" "compare $sc --json" "scenes" "--help" "--version" "run --help" \
    "run $sc --dump-screen 80x20 --at 1" "replay $d/t.jsonl --headless" \
    "replay $d/t.jsonl --headless --json" "replay $d/t.jsonl --dump-screen 80x20 --at 1" \
    "export $d/t.jsonl --chrome -" "strategies" "serve --port 0"; do
    # shellcheck disable=SC2086
    full "$juggle" $cmd
done
"$juggle" run "$big" --headless 2>"$d/epipe.err" | head -n 1 >/dev/null
rc=${PIPESTATUS[0]}
check "a headless run piped into head -1 ends with exit 1 (got $rc)" test "$rc" = 1
check "... quietly" test ! -s "$d/epipe.err"

# Item 8's messages (unreadable scene, a trace given as a scene) are in
# tests/cli/test_bad_input.sh with the other bad-input lines.

finish

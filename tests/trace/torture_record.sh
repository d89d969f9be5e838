#!/usr/bin/env bash
# `make torture`: the recorder under abuse, many times at random points
# (issue 11, items 2, 3 and 5). Slow (about a minute); not part of make test.
#   - SIGINT / SIGTERM / SIGHUP at a random moment of a recording: the run
#     dies of the signal or finished first, and FILE always loads (complete,
#     or incomplete with exit 1); no temporary is left;
#   - a closed pipe (head -c RANDOM) at a random moment: the same;
#   - a random `ulimit -f`: exit 1 with one line, FILE loads as incomplete,
#     or the trace fitted and is complete;
#   - many recordings of different strategies to one path at once: FILE is
#     always exactly one of them, whole;
#   - an endless pipe into replay: refused at the 1 GiB cap for pipes.
# ROUNDS (default 40) scales the random parts.
. "$(dirname "$0")/../lib.sh" "$@"
rounds=${ROUNDS:-40}
set -m # background jobs would otherwise start with SIGINT ignored
sed 's/requests = 200/requests = 20000/; s/^rate = 4 /rate = 100/' scenes/webserver.ini >"$tmp/big.ini"
big=$tmp/big.ini
d=$tmp/out
mkdir "$d"

loads() { # trace: complete (exit 0) or incomplete (exit 1, said so)
    "$juggle" replay "$1" --headless --summary >/dev/null 2>"$tmp/replay.err"
    local rc=$?
    if [ "$rc" = 0 ] && tail -n 1 "$1" | grep -q '"end":"complete"'; then return 0; fi
    [ "$rc" = 1 ] && grep -q "the trace is incomplete" "$tmp/replay.err"
}
no_temporaries() { [ -z "$(ls -A "$d" | grep '^\.')" ]; }

sigs=(INT TERM HUP)
nums=(2 15 1)
for ((i = 0; i < rounds; i++)); do
    k=$((RANDOM % 3))
    rm -f "$d/sig.jsonl"
    "$juggle" run "$big" -s "$(echo sync coop poll threads loop | cut -d' ' -f$((RANDOM % 5 + 1)))" \
        --headless --record "$d/sig.jsonl" >/dev/null 2>"$tmp/sig.err" &
    pid=$!
    sleep "0.$((RANDOM % 400))"
    kill -s "${sigs[$k]}" "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
    rc=$?
    if [ "$rc" = $((128 + nums[k])) ] || [ "$rc" = 0 ]; then ok; else bad "SIG${sigs[$k]} round $i: exit $rc: $(cat "$tmp/sig.err")"; fi
    if loads "$d/sig.jsonl"; then ok; else bad "SIG${sigs[$k]} round $i: the trace does not load: $(cat "$tmp/replay.err")"; fi
    if no_temporaries; then ok; else bad "SIG${sigs[$k]} round $i: a temporary was left: $(ls -A "$d")"; fi
done

for ((i = 0; i < rounds; i++)); do
    n=$((RANDOM * 32 % 2000000))
    "$juggle" run "$big" --headless --record "$d/pipe.jsonl" 2>"$tmp/pipe.err" | head -c "$n" >/dev/null
    rc=${PIPESTATUS[0]}
    if { [ "$rc" = 1 ] || [ "$rc" = 0 ]; } && [ ! -s "$tmp/pipe.err" ]; then ok; else bad "EPIPE after $n bytes: exit $rc: $(cat "$tmp/pipe.err")"; fi
    if loads "$d/pipe.jsonl"; then ok; else bad "EPIPE after $n bytes: the trace does not load: $(cat "$tmp/replay.err")"; fi
done

for ((i = 0; i < rounds; i++)); do
    blocks=$((RANDOM % 4000 + 1))
    rm -f "$d/full.jsonl"
    (
        ulimit -f "$blocks"
        "$juggle" run "$big" --headless --record "$d/full.jsonl" >/dev/null 2>"$tmp/full.err"
        echo $? >"$tmp/full.rc"
    )
    rc=$(cat "$tmp/full.rc")
    if [ "$rc" = 0 ] || { [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/full.err")" = 1 ] && grep -q "File too large" "$tmp/full.err"; }; then
        ok
    else
        bad "ulimit -f $blocks: exit $rc: $(cat "$tmp/full.err")"
    fi
    if loads "$d/full.jsonl"; then ok; else bad "ulimit -f $blocks: the trace does not load: $(cat "$tmp/replay.err")"; fi
done

for s in sync coop poll threads loop; do
    "$juggle" run scenes/household.ini -s $s --headless --record "$d/ref-$s.jsonl" >/dev/null
done
for ((i = 0; i < rounds / 4 + 1; i++)); do
    pids=""
    for ((j = 0; j < 40; j++)); do
        s=$(echo sync coop poll threads loop | cut -d' ' -f$((j % 5 + 1)))
        "$juggle" run scenes/household.ini -s $s --headless --record "$d/shared.jsonl" >/dev/null &
        pids="$pids $!"
    done
    wait $pids
    whole=0
    for s in sync coop poll threads loop; do cmp -s "$d/shared.jsonl" "$d/ref-$s.jsonl" && whole=1; done
    if [ $whole = 1 ] && no_temporaries; then ok; else bad "40 concurrent recordings, round $i: not one whole trace"; fi
done

head -c 1200000000 /dev/zero | "$juggle" replay /dev/stdin --headless >/dev/null 2>"$tmp/cap.err"
rc=$?
if [ "$rc" = 2 ] && grep -qx "juggle: /dev/stdin: trace is more than 1.1 GB, over the 1 GiB limit for a pipe (a file may be larger)" "$tmp/cap.err"; then
    ok
else
    bad "an endless pipe: exit $rc: $(cat "$tmp/cap.err")"
fi

finish

#!/bin/bash
# Stopping a simulated run inside one long instant: 200,000 workers all
# start at time 0 under loop, so their 200,000 lines come from one instant.
# Standard output is a FIFO the test stops reading, so juggle is provably
# inside that instant when the signals come. The engine asks every 1,024
# actions whether to stop, so even a second signal (an impatient user)
# leaves the trace whole, marked incomplete and replayable, with no
# temporary beside it; only a third kills at once.
. "$(dirname "$0")/../lib.sh" "$@"

printf '[scene]\nkind = queue\n[workers]\ncount = 200000\n[queue]\nwork = sleep\ngenerate = 200000\ndist = const\nmin = 1\nmax = 1\n' >"$tmp/many.ini"

# interrupt SIGNAL...: sends them at once while juggle is blocked on the
# FIFO. Two different signals, so that neither is merged into the other;
# which one juggle handles first (and exits by) is up to the kernel.
interrupt() {
    local out=$tmp/rec/r.trace
    rm -rf "$tmp/rec" "$tmp/stdout"
    mkdir "$tmp/rec"
    mkfifo "$tmp/stdout"
    "$juggle" run "$tmp/many.ini" -s loop --headless --record "$out" >"$tmp/stdout" 2>"$tmp/err" &
    local pid=$!
    exec 3<"$tmp/stdout"
    read -r -u 3 _ # juggle is in instant 0, and blocks once the pipe is full
    for sig in "$@"; do kill -s "$sig" "$pid"; done
    cat <&3 >/dev/null
    exec 3<&-
    { wait "$pid"; } 2>/dev/null
    rc=$?
}

set -m
for n in 1 2; do
    if [ $n = 1 ]; then
        interrupt TERM
        sig=TERM status=143
    else
        interrupt HUP TERM
        sig=HUP status=129
        [ "$rc" = 143 ] && sig=TERM status=143
    fi
    [ "$rc" = $status ] && ok || bad "$n signals: exit $rc, want $status"
    want="juggle: interrupted by SIG$sig: recorded $tmp/rec/r.trace, marked incomplete"
    [ "$(cat "$tmp/err")" = "$want" ] && ok || bad "$n signals: said '$(cat "$tmp/err")'"
    [ "$(ls -A "$tmp/rec")" = r.trace ] && ok || bad "$n signals: left $(ls -A "$tmp/rec" | tr '\n' ' ')"
    tail -n 1 "$tmp/rec/r.trace" 2>/dev/null | grep -q '^{"end":"incomplete"' && ok ||
        bad "$n signals: the trace does not end as incomplete"
    "$juggle" replay "$tmp/rec/r.trace" --headless >/dev/null 2>"$tmp/replay.err"
    [ "$(cat "$tmp/replay.err")" = "juggle: $tmp/rec/r.trace: the trace is incomplete (the recording was interrupted)" ] &&
        ok || bad "$n signals: replay said '$(cat "$tmp/replay.err")'"
    # Stopped inside instant 0: far fewer than the run's 200,000 starts.
    events=$(tail -n 1 "$tmp/rec/r.trace" | grep -oE '[0-9]+' | head -1)
    [ -n "$events" ] && [ "$events" -lt 1000000 ] && ok || bad "$n signals: $events events recorded"
done

# A signal while the summary is printed (the run has ended; the FIFO is
# left unread inside the summary's 20,000 rows): the process still ends by
# it, and says the recording is whole (it was, before: exit 0, silence).
printf '[scene]\nkind = queue\n[workers]\ncount = 20000\n[queue]\nwork = sleep\ngenerate = 20000\ndist = const\nmin = 1\nmax = 1\n' >"$tmp/some.ini"
rm -rf "$tmp/rec" "$tmp/stdout"
mkdir "$tmp/rec"
mkfifo "$tmp/stdout"
"$juggle" run "$tmp/some.ini" -s loop --headless --summary --record "$tmp/rec/s.trace" >"$tmp/stdout" 2>"$tmp/err" &
pid=$!
exec 3<"$tmp/stdout"
while read -r -u 3 line && [ "${line#== summary}" = "$line" ]; do :; done
kill -s TERM "$pid"
cat <&3 >/dev/null
exec 3<&-
{ wait "$pid"; } 2>/dev/null
rc=$?
[ "$rc" = 143 ] && ok || bad "a signal during the summary: exit $rc, want 143"
[ "$(cat "$tmp/err")" = "juggle: interrupted by SIGTERM: recorded $tmp/rec/s.trace (the run had ended: complete)" ] &&
    ok || bad "a signal during the summary: said '$(cat "$tmp/err")'"
tail -n 1 "$tmp/rec/s.trace" | grep -q '^{"end":"complete"' && ok || bad "a signal during the summary: the trace is not complete"
set +m

finish

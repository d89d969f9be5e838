#!/usr/bin/env bash
# The view is fed by the run it shows (issue 10 item 3): a replay goes
# through the bus like any source, and `w` writes the run on screen: after
# switching strategy in a replay, a trace of the new strategy, not the
# replay's header. Keys are pressed with JUGGLE_DUMP_KEYS before a
# --dump-screen; `w` writes into the working directory, so run in $tmp.
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8
root=$PWD
"$juggle" run sleep -s coop --headless --record "$tmp/coop.jsonl" >/dev/null </dev/null ||
    bad "record sleep coop"
cd "$tmp" || exit 2

# w in the replay itself: the replay's strategy, the whole run.
JUGGLE_DUMP_KEYS=w "$juggle" replay coop.jsonl --dump-screen 80x24 --at 40 >screen1 2>&1
grep -q 'wrote juggle-sleep-coop-1.jsonl' screen1 && ok || { bad "w in a replay"; cat screen1; }
head -1 juggle-sleep-coop-1.jsonl | grep -q '"strategy":"coop"' && ok || bad "replay header"

# 4 (threads) then w: the threads run on screen, with its own header, and
# it replays to the threads run's summary.
JUGGLE_DUMP_KEYS=4w "$juggle" replay coop.jsonl --dump-screen 80x24 --at 0 >screen2 2>&1
grep -q 'wrote juggle-sleep-threads-1.jsonl' screen2 && ok || { bad "w after 4 in a replay"; cat screen2; }
head -1 juggle-sleep-threads-1.jsonl | grep -q '"strategy":"threads"' && ok ||
    bad "after switching, the header says: $(head -c 300 juggle-sleep-threads-1.jsonl)"
"$juggle" replay juggle-sleep-threads-1.jsonl --headless --summary >rep.txt 2>&1
(cd "$root" && "$juggle" run sleep -s threads --headless --summary) >live.txt 2>&1
diff -q <(grep -A3 '== summary' rep.txt) <(grep -A3 '== summary' live.txt) >/dev/null && ok ||
    bad "the written threads run differs from a live one: $(diff rep.txt live.txt | head)"

# A replay's screen at the end equals the live run's (the bus carries it).
"$juggle" replay coop.jsonl --dump-screen 120x40 --at 100 | sed -n 3,30p | grep -v session >rep.screen
(cd "$root" && "$juggle" run sleep -s coop --dump-screen 120x40 --at 100) | sed -n 3,30p | grep -v session >live.screen
cmp -s rep.screen live.screen && ok || bad "replay and live screens differ: $(diff rep.screen live.screen | head)"
finish

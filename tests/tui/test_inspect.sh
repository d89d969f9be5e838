#!/usr/bin/env bash
# The live TUI through tmux (helpers in tmux.sh): the time cursor and its
# per-lane readout (issue 12 item 5), and a recording that fails (a full
# disk: --record /dev/full) said on stderr once the screen is closed, with
# exit status 1. Usage: test_inspect.sh [BUILD_DIR]; prints "N passed, N
# failed".
. "$(dirname "$0")/tmux.sh" "$@"

# 1. --record /dev/full: the status line says at once that the recording
# failed; after q the terminal is restored, stderr holds exactly the one
# line `juggle: FILE: what is wrong`, and the exit status is 1.
start full run sleep --record /dev/full "2>'$tmp/full.err'"
check "the status line says the recording failed" \
    'recording /dev/full failed: No space left on device'
keys q
finished full 1 "--record /dev/full then q"
want='juggle: /dev/full: cannot write trace: No space left on device'
[ "$(cat "$tmp/full.err" 2>/dev/null)" = "$want" ] && ok ||
    bad "stderr after --record /dev/full: '$(cat "$tmp/full.err" 2>/dev/null)', want '$want'"

# 2. `w` that cannot write (the trace's name is a dangling link into a
# folder that does not exist): said in the status line, then on stderr
# after q, exit 1.
mkdir -p "$tmp/wdir"
ln -s /nonexistent/dir/t.jsonl "$tmp/wdir/juggle-sleep-loop-1.jsonl"
dir=$tmp/wdir start wfail run "$repo/scenes/sleep.ini" "2>'$tmp/wfail.err'"
keys End w
check "w that fails says so" 'cannot write juggle-sleep-loop-1\.jsonl: '
keys q
finished wfail 1 "a failed w then q"
[ "$(wc -l <"$tmp/wfail.err")" = 1 ] &&
    grep -qE '^juggle: juggle-sleep-loop-1\.jsonl: cannot write: No such file or directory$' "$tmp/wfail.err" &&
    ok || bad "stderr after a failed w: '$(cat "$tmp/wfail.err")'"
unset dir

# 3. A recording that works: nothing on stderr, exit 0.
start okrec run sleep --record "$tmp/ok.jsonl" "2>'$tmp/okrec.err'"
keys End
check "the run ends" 'finished'
keys q
finished okrec 0 "--record to a file then q"
[ -s "$tmp/okrec.err" ] && bad "stderr after a good recording: $(cat "$tmp/okrec.err")" || ok

# 4. The time cursor on the sleep scene under coop (One sleeps 0-15 in a
# blocking call, holding the thread; Two 15-25; One runs item 3 to 30,
# Two item 4 to 32): i puts it at the play head; Home, `.` and `,` move it
# to the start and from event to event; each lane's readout says the state
# then, what it waits for and since when (thick lanes: "since" on the
# lane's second row); Esc goes back to the play head.
start cursor run sleep -s coop
keys End
check "cursor: the run ends" 't 32\.0  speed ×1  ‖ finished'
keys i
check "i: the cursor at the play head, its time in the header" 't 32\.0  cursor 32\.00 '
check "at 32.0 One has finished" '┃? finished at 32\.0 '
check "at 32.0 the CPU is idle" '│ cpu0 .* idle, since 32\.0 '
check "the status line says how to move it" 'cursor: Left/Right a column  H/L ten  \. , events'
keys Home
check "Home: the cursor at 0" 't 32\.0  cursor 0\.00 '
check "at 0 One sleeps, holding the thread" '│▸One +⚠ ┃ sleeping until 15\.0, holding its thread '
check "... since 0.0 (its second row)" '│ holds CPU +┃ since 0\.0 '
check "at 0 Two is stalled by One's call" '│ Two +⚠ ┃ stalled by a blocking call in One \(sleep\) '
check "at 0 the CPU is held by One" '│ cpu0 +┃ held by One, blocked in a call, since 0\.0 '
check "the cursor is drawn in the legend" '┃ cursor '
keys .
check ".: the next event, 15.0" 'cursor 15\.00 '
check "at 15 Two sleeps until 25, holding the thread" '│ Two +⚠ ▒+┃ sleeping until 25\.0, holding its thread  '
check "at 15 One is stalled by Two's call" '│▸One +⚠ [▌░]+┃ stalled by a blocking call in Two \(sleep\)  '
check "... since 15.0" '│ ready +[▌░]+┃ since 15\.0  '
check "at 15 the CPU is held by Two" '│ cpu0 .*┃ held by Two, blocked in a call, since 15\.0 '
keys .
check ".: the next event, 25.0" 'cursor 25\.00 '
check "at 25 One sleeps through item 3, holding the thread" '│▸One .* sleeping until 30\.0, holding its thread +┃'
check "at 25 Two is stalled by One's call" '│ Two .* stalled by a blocking call in One \(sleep\) +┃'
check "at 25 the CPU is held by One" '│ cpu0 .* held by One, blocked in a call, since 25\.0 ┃'
keys ,
check ",: back to 15.0" 'cursor 15\.00 '
keys Right
check "Right: a column later (32/102 of a unit)" 'cursor 15\.31 '
check "... the same states there" '│ Two +⚠ [▒▌]+┃ sleeping until 25\.0, holding its thread  '
check "... and the lane's counters at the cursor: blocked 0.3" '│ blk +0\.3 '
keys Escape
check "Esc: back to the play head" 't 32\.0  speed ×1  ‖ finished'
if screen | grep -q '┃'; then bad "Esc: the cursor is still drawn"; else ok; fi
# A click on the timeline puts the cursor there: screen column 20 is the
# fifth of the timeline's (from 16), 4 x 32/102 = 1.25.
keys -l $'\e[M 5%'
keys -l $'\e[M#5%'
check "a click puts the cursor at its column" 'cursor 1\.25 '
check "... with its readouts" '┃ sleeping until 15\.0, holding its thread '
keys q
finished cursor 0 "cursor q"

# 5. What a task waits for: the deadlock under threads, at its end (2.0).
start dl run deadlock -s threads
keys End i
check "deadlock: the cursor at 2.0" 'cursor 2\.00 '
check "A waits for the washer, held by B" 'waiting for the washer, held by B +┃'
check "B waits for the dryer, held by A" 'waiting for the dryer, held by A +┃'
check "... since 2.0" '│ lock +█+ since 2\.0 +┃'
keys q
finished dl 0 "deadlock cursor q"

# 6. The same deadlock on one thread (coop): A blocks on the washer in a
# call that keeps the only thread, so at the end the CPU is held by A (not
# idle beside a ready B), and after the end its lane stays hatched, as the
# members' lanes stay stuck and the totals say "A holds ... thread".
start dl1 run deadlock -s coop
keys End i
check "coop deadlock: the cursor at 4.0" 'cursor 4\.00 '
check "A waits for the washer, held by B" 'waiting for the washer, held by B +┃'
check "A holds the CPU (its second row)" '│ holds CPU .* since 4\.0 +┃'
check "B is stalled by A's blocking lock call" '│ B .*stalled by a blocking call in A \(lock\) +┃'
check "the CPU is held by A, since 4.0" '│ cpu0 .* held by A, blocked in a call, since 4\.0 ┃'
keys Escape
check "after the end the CPU lane is held (hatched) to the right edge" '│ cpu0 +A+↕B+↕╱{10,}│'
keys q
finished dl1 0 "one-thread deadlock cursor q"

# 7. Poll checks cost CPU (check_cost 0.5 in household): the CPU is busy
# checking, not idle, while Checkbook waits for it; the readout names the
# task being checked, and the lane draws the round of checks as `?`.
start pl run household -s poll
keys End i Home . . . .
check "poll: the cursor at 15.0, the first round of checks" 'cursor 15\.00 '
check "the CPU checks on Kids, since 15.0" '│ cpu0 .*┃ checking on Kids \(poll\), since 15\.0 '
keys .
check "the next event: 15.5" 'cursor 15\.50 '
check "the CPU checks on Laundry, since 15.5" '│ cpu0 .*┃ checking on Laundry \(poll\), since 15\.5 '
keys Escape
check "the CPU lane draws the checks" '│ cpu0 .*C\?'
keys g
check "the legend says what ? is" '\? +CPU lane: the polling loop checking on a task'
keys q
finished pl 0 "poll checks q"

# 8. The view's simulated run honours --http-timeout as `juggle run` does:
# Task One's 0.5 s fetch fails at 0.45 (it ran without the timeout).
start to run http -s sync --http-timeout 0.45
keys End
check "the view's run fails the fetch at the timeout" 'Task One error: http://127\.0\.0\.1/delay/500: timeout'
keys q
finished to 0 "http-timeout view q"

# 9. A task stalled by another's blocking call is stalled since that call
# began (deadlock under poll: B ready since 2.0, A's lock call from 3.0).
JUGGLE_DUMP_KEYS=i LC_ALL=C.UTF-8 "$juggle" run deadlock -s poll --dump-screen 120x26 --at 100 >"$tmp/stall"
grep -A1 -E '│ B .*stalled by a blocking call in A \(lock\)' "$tmp/stall" | grep -qE '│ ready .* since 3\.0 ' && ok ||
    bad "B stalled since A's lock call (3.0): $(grep -A1 ' B ' "$tmp/stall")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# The live TUI driven through tmux: keys 1-5 and the session totals, help,
# compare, task detail, resize to too-small and back, quit, signals (the
# terminal restored each time: `stty -a` unchanged), not-a-tty, the picker.
# A private tmux server (-L) per run, always killed; every wait polls with
# a timeout. Usage: test_tmux.sh [BUILD_DIR]; prints "N passed, N failed".
. "$(dirname "$0")/tmux.sh" "$@"

# 1. Keys 1-5: each run restarts under the strategy; End plays it to its
# end; the session line accumulates every finished run.
start keys run sleep
check "opens on the scene's default strategy" '\[5 loop\]'
for k in 1 2 3 4 5; do
    keys "$k"
    keys End
done
check "session totals accumulate" 'session  sync 32\.0 · coop 32\.0 · poll 18\.0'
check "session totals wrap onto the next row" '│ +threads 17\.0 · loop 17\.0 +│'
check "active tab follows the last key" '\[5 loop\].*finished'

# 2. Help lists every key of the table.
keys '?'
check "help opens" 'keys'
for label in '1-5' 'space' '\+ -' 'Left Right h l' 'z Z' 'Home End' '\. ,' ' r ' ' c ' 'Tab' \
    'Up Down k j' 'Enter' ' m ' '\[ \]' ' w ' ' \? ' 'Esc' ' q '; do
    wait_for "│ ${label# }" 1 && ok || bad "help lists '$label'"
done
keys Escape

# 3. Compare: five rows, one per strategy.
keys c
check "compare opens" 'compare: the scene under all five'
# The five runs are simulated off the key ("computing…" until they are in).
wait_for '│ │ loop +[0-9]' 20
n=$(screen | grep -cE '│ │ (sync|coop|poll|threads|loop) +[0-9]')
[ "$n" = 5 ] && ok || bad "compare shows $n strategy rows, want 5"
keys c

# 4. Task detail on Enter: the state breakdown and why it is not running.
keys 2 End Enter
check "detail opens for the selected task" 'task One'
check "detail says why it is not running" 'why not running: finished at 32\.0'
check "detail breaks blocked time down by reason" 'sleep +20\.0'
keys Escape

# 5. Resize below 20x6: a notice; back: the screen again, run not lost.
tmux -L "$sock" resize-window -t t -x 15 -y 5
check "too small notice" 'too small 15x5'
tmux -L "$sock" resize-window -t t -x 120 -y 40
check "back to normal after resize" 'session  sync 32\.0'

# 6. Mouse-free tab switch by key and q quits, restoring the terminal.
keys q
finished keys 0 "q"

# 7. SIGTERM while recording: the terminal is restored, the trace is
# renamed into place and marked incomplete, and still loads.
start term run sleep --record "$tmp/rec.jsonl"
check "running before SIGTERM" 'running'
pid=$(juggle_pid)
[ -n "$pid" ] && kill -TERM "$pid"
finished term 143 "SIGTERM"
if [ -s "$tmp/rec.jsonl" ]; then
    ok
    "$juggle" replay "$tmp/rec.jsonl" --headless >"$tmp/replay.out" 2>"$tmp/replay.err" </dev/null
    grep -q 'incomplete' "$tmp/replay.err" && ok || bad "partial trace loads as incomplete"
else
    bad "SIGTERM: no trace at $tmp/rec.jsonl"
fi

# 8. SIGINT (Ctrl-C) and SIGHUP while recording restore the terminal too,
# and leave a partial trace that loads.
partial_loads() { # NAME FILE
    if [ -s "$2" ] && "$juggle" replay "$2" --headless >/dev/null 2>"$tmp/$1.replay.err" </dev/null \
        || grep -q 'incomplete' "$tmp/$1.replay.err" 2>/dev/null; then
        grep -q 'incomplete' "$tmp/$1.replay.err" && ok || bad "$1: partial trace not marked incomplete"
    else
        bad "$1: no loadable trace at $2"
    fi
}
start int run count --record "$tmp/int.jsonl"
check "running before Ctrl-C" 'running'
keys C-c
finished int 130 "SIGINT"
partial_loads int "$tmp/int.jsonl"
start hup run count --record "$tmp/hup.jsonl"
check "running before SIGHUP" 'running'
pid=$(juggle_pid)
[ -n "$pid" ] && kill -HUP "$pid"
finished hup 129 "SIGHUP"
partial_loads hup "$tmp/hup.jsonl"

# 9. Not a terminal: one line suggesting --headless, exit 2.
"$juggle" run sleep >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
[ "$rc" = 2 ] && ok || bad "not a tty: exit $rc, want 2"
[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q -- '--headless' "$tmp/err" && ok ||
    bad "not a tty: one line suggesting --headless: $(cat "$tmp/err")"

# 10. `juggle` alone: the scene picker; Enter opens the selected scene.
start pick
check "picker lists scenes with titles" 'sleep +Cooperative concurrency'
keys Down Down Down Enter
check "Enter opens a scene" '1 sync .*2 coop'
keys q
finished pick 0 "picker q"
# Too narrow for the titles: the names alone (not a title's first letter).
start picksmall
check "picker opens" 'sleep +Cooperative concurrency'
tmux -L "$sock" resize-window -t t -x 20 -y 6
check "picker at 20x6: names without a cut title" '^ ▸ checkbook$'
screen | grep -qE '^   count +[A-Za-z]' && bad "picker at 20x6 shows a cut title" || ok
keys q

# 11. Replay: transport keys on a recorded trace.
"$juggle" run sleep -s coop --headless --record "$tmp/coop.jsonl" >/dev/null </dev/null
start replay replay "$tmp/coop.jsonl"
check "replay header" ' replay$'
keys End
check "End goes to the end of the trace" 't 32\.0 .*finished'
keys Home '.'
check "steps one event forward (paused)" 't 15\.0 .*paused'
keys ','
check "steps one event back" 't 0\.0 .*paused'
keys q
finished replay 0 "replay q"

# 12. Real execution: m toggles, the header says which; a real run ends
# and joins the session line with its measured total.
start real run sleep --real --time-scale 0.02
check "header says real" 'real x0\.02$'
check "a real run finishes" 'finished' 10
check "its total joins the session line" 'session  loop real 1[6-8]\.[0-9]'
# Space on a finished real run says what is so (it said "view paused; the
# real run goes on" though it was over).
keys Space
check "space on a finished real run says it has finished" \
    'the real run has finished: r runs it again, w writes it to replay'
screen | grep -q 'the real run goes on' && bad "space: the real run goes on, once it is over" || ok
keys '<'
check "< halves the real time scale and restarts the run" 'real x0\.01$'
check "the status line says so" 'real run restarted: 1 unit = 0.01 s'
keys +
check "+ says why it does not apply to a real run" 'a real run goes at the wall clock'
keys m
check "m switches to simulation" ' sim$'
keys q
finished real 0 "real q"

# 13. w writes the run to a trace file named in the status line, which
# replays to the same lines; [ and ] change the poll interval live.
dir=$tmp start write run "$repo/scenes/sleep.ini" -s poll
keys End w
check "status names the trace" 'wrote juggle-sleep-poll-1\.jsonl \([0-9]+ events\)'
"$juggle" replay "$tmp/juggle-sleep-poll-1.jsonl" --headless >"$tmp/w.out" 2>&1 </dev/null
"$juggle" run sleep -s poll --headless >"$tmp/h.out" 2>&1 </dev/null
cmp -s "$tmp/w.out" "$tmp/h.out" && ok || bad "the written trace replays to the run's lines"
keys ']'
check "] doubles the poll interval" 'poll interval 2\.0 \(\[ \]\)'
keys End
check "the session keeps both intervals" 'poll 18\.0 · poll/2\.0 [0-9]+\.[0-9]'
keys q
finished write 0 "write q"
unset dir

# 14. Mouse: a click on a strategy tab switches to it (an X10 mouse report
# typed into the pane, as a terminal sends it: button 1 at column 3, row 2).
start mouse run sleep
check "mouse test starts on loop" '\[5 loop\]'
keys -l $'\e[M #"'
keys -l $'\e[M##"'
check "a click on tab 1 switches to sync" '\[1 sync\]'
keys q
finished mouse 0 "mouse q"

# 15. Terminal torture: a resize storm down to 10x4 and back during a live
# real run; the run survives and the terminal is restored.
start storm run sleep --real --time-scale 0.3
check "storm: running for real" 'real x0\.3$'
for i in $(seq 1 10); do
    tmux -L "$sock" resize-window -t t -x 10 -y 4
    sleep 0.02
    tmux -L "$sock" resize-window -t t -x $((60 + i * 6)) -y $((20 + i * 2))
    sleep 0.02
done
tmux -L "$sock" resize-window -t t -x 120 -y 40
check "storm: the screen is whole again" '└─+┘└─+┘'
check "storm: the run went on to its end" 'finished' 10
keys q
finished storm 0 "storm q"

# 16. A real run's totals show what the OS saw for each worker thread.
start osrun run sleep -s threads --real --time-scale 0.05
check "real run: the OS's view per thread" 'os saw +cpu s +vol sw +invol sw' 10
check "real run: One's CPU seconds and switches" 'One +[0-9]+\.[0-9]{3} +[0-9]+ +[0-9]+ ' 10
keys q
finished osrun 0 "osrun q"

# 16. Colour roles: colours by default; none with NO_COLOR (attributes
# only: the glyphs carry the meaning).
start colour run sleep
check "colour run starts" '\[5 loop\]'
tmux -L "$sock" capture-pane -e -p -t t | grep -qE $'\e\\[[0-9;]*(3[0-7]|38;5;[0-9]+)[;m]' && ok ||
    bad "colours are used by default"
keys q
finished colour 0 "colour q"
envs="NO_COLOR=1" start nocolor run sleep
check "NO_COLOR run starts" '\[5 loop\]'
if tmux -L "$sock" capture-pane -e -p -t t | grep -qE $'\e\\[[0-9;]*(3[0-7]|38;5;[0-9]+)[;m]'; then
    bad "NO_COLOR: colour escapes on screen"
else ok; fi
keys q
finished nocolor 0 "NO_COLOR q"
unset envs

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

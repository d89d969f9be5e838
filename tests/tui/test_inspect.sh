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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

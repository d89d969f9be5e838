#!/usr/bin/env bash
# Keys on a big run (issue 13 item 7), in the live TUI through tmux: a
# generated scene of 2,000 workers and 1,000,000 items is simulated on a
# thread, so the first frame says "simulating… t"; a strategy switch while
# that goes on, then End, ends on the totals `--json` prints; the compare
# overlay says "computing…" and then shows the numbers `juggle compare`
# prints for every strategy; Left/Right on a view that holds the whole run
# say so. A private tmux server per run, always killed; every wait polls
# with a timeout. Usage: test_keys.sh [BUILD_DIR]; prints "N passed, N failed".
. "$(dirname "$0")/tmux.sh" "$@"

start() { # ARGS...: juggle in a fresh 200x50 window
    tmux -L "$sock" kill-server 2>/dev/null
    sleep 0.1
    tmux -L "$sock" -f /dev/null new-session -d -s t -x 200 -y 50 \
        "export LC_ALL=C.UTF-8; '$juggle' $*; sleep 30"
}

big=$tmp/big.ini
printf '[scene]\ntitle = big generated\nkind = queue\nseed = 7\nstrategy = loop\n[workers]\ncount = 2000\n[queue]\nwork = sleep\ngenerate = 1000000\nmin = 1\nmax = 20\n' >"$big"

# 1. Progress, then a switch mid-simulation: the threads run's totals.
start run "$big"
check "the first frame says the run is being simulated" 'simulating… t [0-9]' 20
keys 4 End
want=$("$juggle" run "$big" -s threads --headless --json |
    python3 -c 'import json, sys; print("%.1f" % json.load(sys.stdin)["total"])')
check "a switch mid-simulation plays to the end" '\[4 threads\].*finished' 60
got=$(screen | grep -oE 'elapsed [0-9.]+' | head -1 | cut -d' ' -f2)
[ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "threads after a switch: elapsed $got, --json total $want"
screen | grep -q 'simulating' && bad "progress still shown once finished" || ok

# 2. Left/Right on the whole run say how to scroll.
keys Right
check "Right on a fitted view explains itself" 'the whole run is in view; z zooms in, i shows a time cursor'

# 3. The compare overlay: computing, then `juggle compare`'s numbers.
keys c
check "compare says it is computing" 'computing… \(the five runs' 10
check "compare fills in" '│ loop +[0-9]' 60
"$juggle" compare "$big" >"$tmp/compare.txt"
for s in sync coop poll threads loop; do
    # overlay: total, CPU busy %, worst wait; compare: total, busy, switches, worst wait
    row=$(screen | grep -oE "│ $s +[0-9][^│]*" | grep -oE '[0-9]+\.[0-9]+%?' | tr '\n' ' ')
    line=$(grep -E "^$s " "$tmp/compare.txt" | awk '{print $2, $3, $5}')
    read -r ot ob ow <<<"$row"
    read -r ct cb cw <<<"$line"
    if [ "$ot" = "$ct" ] && [ "$ob" = "$cb" ] && [ "$ow" = "$cw" ]; then ok; else
        bad "compare $s: overlay '$ot $ob $ow', juggle compare '$ct $cb $cw'"
    fi
done
keys q
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

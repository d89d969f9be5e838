#!/usr/bin/env bash
# The lesson up front: each scene's outcome in the compare overlay (key c)
# and the totals panel, with the numbers `juggle compare --json` prints;
# the deadlock's cycle with both waits named. Screens come from
# --dump-screen (JUGGLE_DUMP_KEYS presses keys before the dump).
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8

# compare_has SCENE SIZE JSONKEY...: every strategy's row of the compare
# overlay shows each key's value (%.2f, or an integer for queue_max and
# lost_updates) in the order given.
compare_has() {
    local scene=$1 size=$2
    shift 2
    JUGGLE_DUMP_KEYS=c "$juggle" run "$scene" --dump-screen "$size" --at 100000 >"$tmp/screen" 2>&1 ||
        { bad "$scene: dump failed"; return; }
    "$juggle" compare "$scene" --json >"$tmp/json" # exit 1 when a run failed (a lost update)
    [ -s "$tmp/json" ] || { bad "$scene: compare --json printed nothing"; return; }
    python3 - "$tmp/screen" "$tmp/json" "$@" <<'EOF' && ok || bad "$scene $size: compare overlay outcome"
import json, re, sys
screen = open(sys.argv[1], encoding="utf-8").read().splitlines()
runs = json.load(open(sys.argv[2]))["runs"]
keys = sys.argv[3:]
for r in runs:
    row = [l for l in screen if re.search(r"│ %s!? " % r["strategy"], l)]
    if len(row) != 1:
        sys.exit("no row for %s" % r["strategy"])
    want = []
    for k in keys:
        v = r.get(k, 0)
        want.append("%d" % v if k in ("queue_max", "lost_updates", "balance_expected", "balance_actual") else "%.2f" % v)
    got = row[0].split()
    # The outcome columns are the row's last numbers, in order.
    nums = [w for w in got if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", w)]
    if nums[-len(want):] != want:
        sys.exit("%s: want %s, row %r" % (r["strategy"], want, row[0]))
EOF
}

for size in 80x24 120x40; do
    compare_has household $size attention_wait_max attention_wait_mean unattended
    compare_has webserver $size latency_p50 latency_p99 queue_max
    compare_has checkbook $size balance_expected balance_actual lost_updates
    compare_has pi $size attention_wait_max attention_wait_mean
done

# The household under coop: a call made while the Kids generator waits for
# its turn (the parent stands at the washer) waits until that turn; call 2
# is made at 25.4 and attended at 148.7, as the log says.
out=$("$juggle" compare household --json | python3 -c \
    'import json,sys; print("%.2f" % [r for r in json.load(sys.stdin)["runs"] if r["strategy"]=="coop"][0]["attention_wait_max"])')
[ "$out" = 123.32 ] && ok || bad "household coop: kids' worst wait $out, want 123.32"

# Totals: the outcome sentences, at the sizes a new user tries.
totals_has() { # SCENE STRATEGY SIZE TEXT
    "$juggle" run "$1" -s "$2" --dump-screen "$3" --at 100000 >"$tmp/t" 2>&1
    grep -qF -- "$4" "$tmp/t" && ok || { bad "$1 $2 $3: no '$4'"; cat "$tmp/t"; }
}
for size in 80x24 120x40 200x60; do
    totals_has household coop $size "Kids waited worst 123.3, mean 40.7"
    totals_has household poll $size "machines stood unattended 65.5"
    totals_has webserver sync $size "latency p50 36.70  p99 70.09"
    totals_has webserver sync $size "longest queue 117"
    totals_has checkbook threads $size "balance: expected -100, actual 800"
    totals_has checkbook threads $size "lost updates 1"
    totals_has pi loop $size "Ticker lag worst 4.5"
    # Both waits named, under every strategy that deadlocks.
    for s in coop poll threads; do
        totals_has deadlock $s $size "holds the washer, waits for the"
        # in the cycle A holds what B waits for: the dryer, or the one thread
        [ $s = threads ] && what=dryer || what=thread
        totals_has deadlock $s $size "A holds the $what, waits for the washer"
        if grep -q "waits for the ?" "$tmp/t"; then bad "deadlock $s $size: a wait unnamed"; else ok; fi
    done
done
totals_has deadlock coop 120x40 "B holds the washer, waits for the thread A keeps"
totals_has deadlock threads 120x40 "B holds the washer, waits for the dryer"

finish

#!/usr/bin/env bash
# Room for the timeline (issue 12 item 1), checked on --dump-screen output
# for every shipped scene under every strategy, at the end of the run:
#   200x60: no more than a quarter of the rows blank (nothing but spaces
#           and box lines);
#   80x24 and 120x40: no number cut by a panel's edge (a digit against a
#           box line), every task of a few-task scene has a lane;
#   many tasks (the web server under loop, one task a request): the lanes
#           show the requests in progress, and a request's lane begins
#           when it arrives (no queue glyph before it).
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8
blank_rows() {
    python3 -c '
import re, sys
rows = sys.stdin.read().split("\n")[:-1]
print(sum(1 for r in rows if not re.sub(r"[│┌┐└┘─ ]|timeline|log|totals", "", r)))'
}
for scene in scenes/*.ini; do
    name=$(basename "$scene" .ini)
    for s in sync coop poll threads loop; do
        "$juggle" run "$name" -s "$s" --dump-screen 200x60 --at 100000 >"$tmp/big" 2>&1
        n=$(blank_rows <"$tmp/big")
        [ "$n" -le 15 ] && ok || bad "$name $s 200x60: $n of 60 rows blank"
        for size in 80x24 120x40; do
            "$juggle" run "$name" -s "$s" --dump-screen "$size" --at 100000 >"$tmp/small" 2>&1
            if grep -nE '[0-9]│' "$tmp/small" >"$tmp/cut"; then
                bad "$name $s $size: a number cut at a panel edge: $(head -2 "$tmp/cut")"
            else
                ok
            fi
        done
    done
done
# Few tasks: each has a lane at 80x24 (the household's three and cpu0).
"$juggle" run household -s poll --dump-screen 80x24 --at 100000 >"$tmp/h"
for lane in '▸Kids' ' Laundry' ' Checkbook' ' cpu0'; do
    grep -q "^│$lane " "$tmp/h" && ok || bad "household 80x24: no lane $lane"
done
# Many tasks: at t 20 the web server under loop has requests 79-84 in
# progress (arrived by 20, not served): each has a lane; none shows the
# queue glyph before its request arrived.
"$juggle" run webserver -s loop --headless --json >"$tmp/ws.json"
"$juggle" run webserver -s loop --dump-screen 120x40 --at 20 >"$tmp/ws"
for r in 80 81 82 83 84; do
    grep -q "^│ req$r " "$tmp/ws" && ok || bad "webserver loop: no lane for req$r in progress"
done
if grep -E '^│ req[0-9]+ ' "$tmp/ws" | grep -q '_'; then
    bad "webserver loop: a request lane shows queue before its arrival"
else
    ok
fi
# A taller terminal never shows fewer lanes: household under threads at 60
# columns, 14 to 30 rows, every task and every CPU lane at each height (at
# 15-16 rows the log and totals took the rows and left the CPU lanes only).
prev=0
for h in $(seq 14 30); do
    "$juggle" run household -s threads --dump-screen 60x$h --at 178 >"$tmp/t"
    n=$(grep -cE '^│?[▸ ](Kids|Laundry|Checkbook) ' "$tmp/t")
    c=$(grep -cE '^│? cpu[0-2] ' "$tmp/t")
    [ "$n" = 3 ] && [ "$c" = 3 ] && ok || bad "household threads 60x$h: $n task lanes, $c CPU lanes (want 3 and 3)"
done
finish

#!/usr/bin/env bash
# Honest controls (issue 12 item 6), on --dump-screen output; keys are
# pressed with JUGGLE_DUMP_KEYS before the dump:
#   every glyph on screen is in the legend (the one-line legend at 200x60,
#   the g overlay for the rest); zoom stops at the run's end and each run
#   opens fitted; [ shows the real poll interval; an incomplete replay says
#   so; exact scene text ("ticked 1 time", no ${server}); an escape
#   sequence in a task name is shown, not sent to the terminal.
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8

# glyphs FILE: the non-ASCII characters in the timeline box's lanes (the
# rows between the axis and the legend), one a line.
legend_check() { # FILE WHAT
    python3 - "$1" "$tmp/g" <<'EOF' && ok || bad "$2"
import sys
rows = [r.split("││")[0] for r in open(sys.argv[1], encoding="utf-8").read().split("\n")]
full = open(sys.argv[2], encoding="utf-8").read()
axis = next(i for i, r in enumerate(rows) if r.startswith("│time"))
end = next(i for i in range(axis, len(rows)) if rows[i].startswith("└"))
legend = rows[end - 1]
box = set("│┌┐└┘─ ▼▸")
lanes = "".join(rows[axis + 1:end - 1])
missing = sorted({ch for ch in lanes if ord(ch) > 127 and ch not in box and ch not in legend})
if missing:
    sys.exit("not in the legend %r: %s" % (legend, missing))
# Everything the screen can show is in the g overlay.
for ch in set("".join(rows)):
    if ord(ch) > 127 and ch not in box and ch not in full and ch not in "×‖▶─":
        sys.exit("not in the g legend: %r" % ch)
EOF
}
JUGGLE_DUMP_KEYS=g "$juggle" run sleep --dump-screen 120x40 --at 1 >"$tmp/g"
grep -q 'legend: every glyph on screen' "$tmp/g" && ok || bad "g opens the legend"
for scene in sleep count http household deadlock checkbook pi webserver; do
    for s in sync coop poll threads loop; do
        "$juggle" run "$scene" -s "$s" --dump-screen 200x60 --at 100000 >"$tmp/d"
        legend_check "$tmp/d" "$scene $s: a glyph on screen is not in the legend"
    done
done
# ... with the time cursor on (i, then back two events): its line and
# every glyph beside its readouts are in the legend too.
for scene in sleep household deadlock checkbook webserver; do
    JUGGLE_DUMP_KEYS='i,,' "$juggle" run "$scene" --dump-screen 200x60 --at 100000 >"$tmp/d"
    grep -q '┃' "$tmp/d" && ok || bad "$scene: i draws no cursor"
    legend_check "$tmp/d" "$scene, cursor on: a glyph on screen is not in the legend"
done

# Zoom: z twice at the end of the household leaves no axis past its end,
# and switching strategy opens the next run fitted (as a fresh one).
end=$("$juggle" run household -s coop --headless --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
JUGGLE_DUMP_KEYS=zz "$juggle" run household -s coop --dump-screen 120x40 --at 100000 >"$tmp/z"
last=$(grep '^│time' "$tmp/z" | grep -oE '[0-9]+(\.[0-9]+)?' | tail -1)
python3 -c "import sys; sys.exit(0 if $last <= $end else 1)" && ok ||
    bad "zoomed in at the end: the axis reaches $last past the run's end $end"
JUGGLE_DUMP_KEYS=zzz2 "$juggle" run household -s poll --dump-screen 120x40 --at 0 >"$tmp/z2"
"$juggle" run household -s coop --dump-screen 120x40 --at 0 >"$tmp/fresh"
[ "$(grep '^│time' "$tmp/z2")" == "$(grep '^│time' "$tmp/fresh")" ] && ok ||
    bad "zoom carried into the next strategy: $(grep '^│time' "$tmp/z2")"

# [ halves the interval and shows it with the decimals it needs, never
# 0.0, down to where a check would leave no time for work (the scene's
# check cost), where it stops and says so: sleep under poll from 1.0,
# 1/64 = 0.016 (the check costs 0.01); the household from 15 to 0.94
# (0.5).
JUGGLE_DUMP_KEYS='[[[[[[[[[' "$juggle" run sleep -s poll --dump-screen 120x40 --at 0 >"$tmp/iv"
grep -q "poll interval 0.016" "$tmp/iv" && ok || bad "[ x9 on sleep: $(grep -o 'poll interval [^ ]*' "$tmp/iv" | head -2)"
JUGGLE_DUMP_KEYS='[[[[[[[[[' "$juggle" run household -s poll --dump-screen 120x40 --at 0 >"$tmp/iv"
grep -q 'poll interval 0.94' "$tmp/iv" && ok || bad "[ x9 on the household: $(grep -o 'poll interval [^ ]*' "$tmp/iv" | head -2)"
tail -1 "$tmp/iv" | grep -q 'check_cost: 0.5 is not below poll_interval' && ok || bad "[ refused says why: $(tail -1 "$tmp/iv")"
grep -q 'poll interval 0.0 ' "$tmp/iv" && bad "[ x9 shows 0.0" || ok

# An incomplete replay says so at its end.
"$juggle" run sleep -s loop --headless --record "$tmp/full.jsonl" >/dev/null
# As a recording cut short by a signal leaves it: the first events, then
# an end line that says "incomplete".
{ head -20 "$tmp/full.jsonl"; echo '{"end":"incomplete","events":19}'; } >"$tmp/cut.jsonl"
"$juggle" replay "$tmp/cut.jsonl" --dump-screen 100x30 --at 1000 >"$tmp/rep" 2>&1
sed -n 2p "$tmp/rep" | grep -q 'incomplete' && ok || bad "incomplete replay: $(sed -n 2p "$tmp/rep")"
"$juggle" replay "$tmp/full.jsonl" --dump-screen 100x30 --at 1000 | sed -n 2p | grep -q 'finished' && ok ||
    bad "a complete replay ends finished"

# Scene text.
"$juggle" run pi -s loop --dump-screen 120x40 --at 1000 >"$tmp/pi"
grep -q 'Ticker ticked 1 time$\|Ticker ticked 1 time ' "$tmp/pi" && ok || bad "ticked 1 time: $(grep -o 'Ticker ticked.*' "$tmp/pi")"
"$juggle" run http -s loop --dump-screen 120x40 --at 1000 >"$tmp/http"
grep -qF '${server}' "$tmp/http" && bad "simulated http log shows \${server}" || ok
grep -qF 'http://127.0.0.1/delay/' "$tmp/http" && ok || bad "simulated http log: no loopback address"

# / filters lanes by name; o orders them (by state: running, ready,
# blocked, not begun, done; by longest wait for a CPU).
JUGGLE_DUMP_KEYS=$'/req9\n' "$juggle" run webserver -s loop --dump-screen 120x30 --at 25 >"$tmp/f"
grep -q '┌ timeline  /req9 ' "$tmp/f" && ok || bad "the filter shows in the timeline's title"
lanes=$(grep -oE '^│.req[0-9]+ ' "$tmp/f" | tr -d '│▸ ' | sort | tr '\n' ' ')
[ "$lanes" = "req9 req90 req91 req92 req93 req94 req95 req96 req97 req98 req99 " ] && ok ||
    bad "filter req9: lanes $lanes"
JUGGLE_DUMP_KEYS=oo "$juggle" run household -s coop --dump-screen 100x24 --at 300 >"$tmp/o"
order=$(grep -oE '^│.(Kids|Laundry|Checkbook) ' "$tmp/o" | tr -d '│▸ ' | tr '\n' ' ')
# At 300 the waits so far: Checkbook 144.8 (ongoing), Kids 124.0, Laundry 89.5.
[ "$order" = "Checkbook Kids Laundry " ] && ok || bad "o o (by wait) at 300: $order"
JUGGLE_DUMP_KEYS=o "$juggle" run household -s coop --dump-screen 100x24 --at 300 >"$tmp/o1"
order=$(grep -oE '^│.(Kids|Laundry|Checkbook) ' "$tmp/o1" | tr -d '│▸ ' | tr '\n' ' ')
# At 300 Kids and Checkbook are ready (task order between them), Laundry
# blocked at the washer, holding the thread.
[ "$order" = "Kids Checkbook Laundry " ] && ok || bad "o (by state) at 300: $order"

# Terminal-unsafe names: an ESC in a worker's name is drawn as ^[.
printf '[scene]\ntitle = t\nkind = queue\n[workers]\nnames = One, E\033[31mvil\n[queue]\nwork = sleep\nitems = 3, 2\n' >"$tmp/evil.ini"
"$juggle" run "$tmp/evil.ini" --dump-screen 100x30 --at 1 >"$tmp/evil"
if grep -q $'\033' "$tmp/evil"; then bad "an ESC reached the screen"; else ok; fi
grep -qF 'E^[[31mvil' "$tmp/evil" && ok || bad "the name is not shown escaped"
finish

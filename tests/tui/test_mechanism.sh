#!/usr/bin/env bash
# Draw the mechanism and inspect it (issue 12 items 4, 5), on
# --dump-screen output (JUGGLE_DUMP_KEYS presses keys before the dump):
# the ticker drawn ready once its tick is due under loop; the deadlock's
# members still waiting after it was found, and its cycle drawn; the
# checkbook's balance lane with the overwrite; stepping names the event
# it crossed.
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8

# pi under loop at 4: the Ticker slept until 0.5, then waits for the loop
# (ready) while Pi1 computes; under threads it never waits that long.
"$juggle" run pi -s loop --dump-screen 120x30 --at 4 >"$tmp/pi"
grep -E '^│ Ticker +▌░+▒{20,}' "$tmp/pi" >/dev/null && ok || bad "pi loop: ticker not ready after its tick: $(grep Ticker "$tmp/pi" | head -1)"
grep -q 'ready (due)' "$tmp/pi" && ok || bad "pi loop: readout says the tick is due"
"$juggle" run pi -s loop --headless --json >"$tmp/pi.json"
python3 - "$tmp/pi.json" <<'PY' && ok || bad "pi loop --json: the Ticker's wait is counted as waiting"
import json, sys
d = json.load(open(sys.argv[1]))
t = [t for t in d["tasks"] if t["name"] == "Ticker"][0]
assert abs(t["worst_wait"] - d["attention_wait_max"]) < 1e-9, (t, d["attention_wait_max"])
assert t["ready"] >= 9.0 - 1e-9, t
PY

# deadlock: members go on waiting after the run stopped (x under threads;
# under coop B waits for the thread, ready), and the cycle as a graph.
for s in threads coop; do
    "$juggle" run deadlock -s "$s" --dump-screen 120x40 --at 100 >"$tmp/dl"
    grep -qE '^│▸A .*x{10,}│' "$tmp/dl" && ok || bad "deadlock $s: A's lock wait not drawn after the end"
    grep -q 'A ─washer──▶ B' "$tmp/dl" && ok || bad "deadlock $s: no cycle graph"
done
grep -qE '^│ B .*▒{10,}│' "$tmp/dl" && ok || bad "deadlock coop: B not drawn waiting for the thread"
grep -q '└─thread─────┘' "$tmp/dl" && ok || bad "deadlock coop: the graph's way back is the thread"

# checkbook under threads: the balance lane shows the overwrite and the end.
"$juggle" run checkbook -s threads --dump-screen 120x30 --at 100 >"$tmp/cb"
grep -q '^│ balance .*✗ D wrote 980, not 80.* 800 (expected -100)│' "$tmp/cb" && ok || bad "checkbook: balance lane: $(grep balance "$tmp/cb")"
# ... and each read and write: both read 1000, C writes back, D's write is the lost update.
grep -q '^│ balance       R───R 1000───W────✗ D wrote 980, not 80───' "$tmp/cb" && ok ||
    bad "checkbook: the reads and writes: $(grep balance "$tmp/cb")"
# A coarse zoom: several reads and writes in one column draw what
# teaches. Under loop each update writes and the next one reads at the same
# instant: the write wins, in the glyph for "several" (Ŵ), with the value
# written; the legend says what Ŵ is.
"$juggle" run checkbook -s loop --dump-screen 120x30 --at 100 >"$tmp/cb"
grep -q '^│ balance       R 1000───Ŵ 100────Ŵ 80─────Ŵ 60' "$tmp/cb" && ok ||
    bad "checkbook loop: each write with the next read: $(grep balance "$tmp/cb")"
grep -q '^│ █ running .* Ŵ several, a write ' "$tmp/cb" && ok ||
    bad "checkbook loop: Ŵ not in the legend: $(grep '█ running' "$tmp/cb")"
LC_ALL=C "$juggle" run checkbook -s loop --dump-screen 120x30 --at 100 >"$tmp/cba"
grep -q '^| balance       R 1000---w 100----w 80' "$tmp/cba" && ok ||
    bad "checkbook loop, ASCII: $(grep balance "$tmp/cba")"
# Threads switching every 0.01: both reads of 1000 share a column (Ȓ:
# several reads), and the lost update wins over C's write in its column.
sed 's/^quantum = 0.5/quantum = 0.01/' scenes/checkbook.ini >"$tmp/cbq.ini"
"$juggle" run "$tmp/cbq.ini" -s threads --dump-screen 120x30 --at 100 >"$tmp/cbq"
grep -q '^│ balance       Ȓ 1000────────────✗ D wrote 980, not 80───────Ŵ 920' "$tmp/cbq" && ok ||
    bad "checkbook threads, quantum 0.01: $(grep balance "$tmp/cbq")"
grep -q ' Ȓ several reads ' "$tmp/cbq" && ok || bad "Ȓ not in the legend: $(grep '█ running' "$tmp/cbq")"
"$juggle" run checkbook -s sync --dump-screen 120x30 --at 100 >"$tmp/cb"
grep -q '✗' "$tmp/cb" && bad "checkbook sync: a lost update drawn" || ok

# Stepping: the status line names the event crossed, numbered.
"$juggle" run household -s coop --headless --record "$tmp/h.jsonl" >/dev/null
read -r k t total want < <(python3 - "$tmp/h.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()[1:-1]
ev = [json.loads(l) for l in lines]
names = {e[3]: e[9] for e in ev if e[2] == "task_new"}
i = next(i for i, e in enumerate(ev) if e[2] == "switch" and e[1] > 0)
e = ev[i]
before = sum(1 for x in ev if x[1] < e[1])
print(i + 1 - before, e[1] / 1e9, len(ev), "switch %s\u2192%s on cpu%d" % (names[e[5]], names[e[3]], e[4]))
PY
)
keys=$(printf '.%.0s' $(seq "$k"))
at=$(python3 -c "print($t - 0.0001)")
JUGGLE_DUMP_KEYS=$keys "$juggle" run household -s coop --dump-screen 120x40 --at "$at" >"$tmp/step"
status=$(tail -1 "$tmp/step")
echo "$status" | grep -qE "^ event [0-9]+/$total t [0-9.]+: $want\$" && ok || bad "step: '$status', want '... $want'"
JUGGLE_DUMP_KEYS="$keys," "$juggle" run household -s coop --dump-screen 120x40 --at "$at" >"$tmp/back"
tail -1 "$tmp/back" | grep -qE '^ event [0-9]+/[0-9]+ t ' && ok || bad "step back: $(tail -1 "$tmp/back")"
# The time cursor (i, then ten columns back with h): the lanes follow it
# (the web server's requests in progress then, not at the play head), and
# each says what it waited for then and since when, as the trace has it.
# cursor_run NAME SCENE STRATEGY KEYS COLSxROWS AT: the view at AT with the
# cursor moved by KEYS ($tmp/NAME) and the same run's trace ($tmp/NAME.jsonl).
cursor_run() {
    JUGGLE_DUMP_KEYS=$4 "$juggle" run "$2" -s "$3" --dump-screen "$5" --at "$6" >"$tmp/$1"
    "$juggle" run "$2" -s "$3" --headless --record "$tmp/$1.jsonl" >/dev/null
}
# The cursor's time on the screen, and the trace's events, for the checks.
cursor_py='
import json, re, sys
screen = open(sys.argv[1], encoding="utf-8").read()
t = float(re.search(r"cursor (\d+\.\d\d) ", screen).group(1))
ev = [json.loads(l) for l in open(sys.argv[2]).read().splitlines()[1:-1]]
'
cursor_run cur webserver loop ihhhhhhhhhh 120x30 25
python3 - "$tmp/cur" "$tmp/cur.jsonl" <<PY && ok || bad "cursor on the web server: $(grep -E 'cursor|req8' "$tmp/cur" | head -5)"
$cursor_py
names = {e[3]: e[9] for e in ev if e[2] == "task_new"}
# Requests blocked in I/O at the cursor: each must have a lane saying so.
want = 0
for i, e in enumerate(ev):
    if e[2] != "block" or e[6] != 1 or e[1] / 1e9 > t:
        continue
    wake = next((x for x in ev[i + 1:] if x[3] == e[3] and x[2] == "wake"), None)
    if wake and wake[1] / 1e9 <= t:
        continue
    line = "waiting for I/O until %.1f, since %.1f" % (e[7] / 1e9, e[1] / 1e9)
    row = re.search(r"^│ %s +.*┃ (.*?) +│$" % names[e[3]], screen, re.M)
    assert row and row.group(1) == line, (names[e[3]], row and row.group(1), line)
    want += 1
assert want >= 3, want
PY
# A wait on the outside world (the household's kids between calls; a
# Python join or Event.wait) is not I/O: the lane says what it is, until when.
cursor_run hh household coop ihhhhh 140x40 30
python3 - "$tmp/hh" "$tmp/hh.jsonl" <<PY && ok || bad "cursor on the kids: $(grep -E 'cursor|Kids' "$tmp/hh" | head -3)"
$cursor_py
kids = next(e[3] for e in ev if e[2] == "task_new" and e[9] == "Kids")
last = [e for e in ev if e[3] == kids and e[2] in ("block", "run", "wake") and e[1] / 1e9 <= t][-1]
assert last[2] == "block" and last[6] == 6, last  # external
row = re.search(r"^│▸Kids +⚠? *┃ (.*?) +│$", screen, re.M).group(1)
assert row == "waiting for an outside event until %.1f, holding its thread" % (last[7] / 1e9), row
PY
# A real run's CPU lanes are drawn: its threads compute only on the
# scene's CPUs, handed out as simulated (cpuq). The trace is a simulated
# one marked real; then a real run's own.
"$juggle" run pi -s threads --headless --record "$tmp/pi.jsonl" >/dev/null
python3 - "$tmp/pi.jsonl" "$tmp/pireal.jsonl" <<'PY'
import json, sys
out = open(sys.argv[2], "w")
for i, line in enumerate(open(sys.argv[1])):
    if i == 0:
        h = json.loads(line); h["clock"] = "real"; line = json.dumps(h) + "\n"
    elif '"run_start"' in line:
        ev = json.loads(line); ev[8] = 1; line = json.dumps(ev) + "\n"
    out.write(line)
PY
"$juggle" replay "$tmp/pireal.jsonl" --dump-screen 120x30 --at 3 >"$tmp/real"
grep -q '^│ cpu1 ' "$tmp/real" && ok || bad "real run: no CPU lanes"
grep -q 'places its threads' "$tmp/real" && bad "real run: the Python program's note" || ok
"$juggle" run pi -s threads --real --time-scale 0.05 --headless --record "$tmp/pir.jsonl" >/dev/null
"$juggle" replay "$tmp/pir.jsonl" --dump-screen 120x30 --at 2 >"$tmp/real"
grep -qE '^│ cpu0 .*[12]' "$tmp/real" && grep -qE '^│ cpu1 .*[12]' "$tmp/real" && ok ||
    bad "a real threads run: its two CPU lanes, each with a task on it" "$(cat "$tmp/real")"
"$juggle" replay "$tmp/pi.jsonl" --dump-screen 120x30 --at 3 | grep -q '^│ cpu1 ' && ok || bad "simulated: CPU lanes drawn"
finish

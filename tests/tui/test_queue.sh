#!/usr/bin/env bash
# The queue row (issue 6): for a scene with requests (scenes/webserver.ini)
# the timeline has a `queue` row, requests arrived but not yet started, as
# bars scaled to the most waiting so far. Under sync at mid-run its highest
# bar stands where the queue reaches --json's queue_max: the time of that
# peak comes from the recorded trace's request events (arrival in value2),
# the number from --json, the column from the dump's own axis labels.
# Usage: test_queue.sh [BUILD_DIR]; prints "N passed, N failed".
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8
unset NO_COLOR

"$juggle" run webserver -s sync --headless --json >"$tmp/json" </dev/null || bad "webserver sync --json"
"$juggle" run webserver -s sync --headless --record "$tmp/trace.jsonl" >/dev/null </dev/null ||
    bad "webserver sync --record"
read -r total qmax < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"], d["queue_max"])' "$tmp/json")
mid=$(python3 -c "print('%.1f' % ($total / 2))")
for size in 160x30 120x40 100x24; do
    "$juggle" run webserver -s sync --dump-screen "$size" --at "$mid" >"$tmp/dump-$size" </dev/null ||
        bad "dump $size"
    if python3 - "$tmp/trace.jsonl" "$tmp/dump-$size" "$qmax" "$mid" >"$tmp/out" 2>&1 <<'PY'; then ok; else bad "webserver sync $size at $mid: queue row"; sed 's/^/    /' "$tmp/out"; fi
import json, re, sys
trace, dump, qmax, mid = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
UNIT = 1e9
# The queue from the trace: +1 at each arrival, -1 at each start; a start
# sorts before an arrival at the same instant (as the stats count it).
marks = []
with open(trace) as f:
    next(f)
    for line in f:
        ev = json.loads(line)
        if isinstance(ev, list) and ev[2] == "item_start" and ev[6] == 1:
            marks.append(ev[8] * 2 + 1)
            marks.append(ev[1] * 2)
marks.sort()
q = peak = 0
tpeak = None
for m in marks:
    q += 1 if m & 1 else -1
    if q > peak:
        peak, tpeak = q, m // 2
assert peak == qmax, "the trace's longest queue %d is not --json's %d" % (peak, qmax)
assert tpeak / UNIT <= mid, "the peak (%.2f) comes after the dump's time" % (tpeak / UNIT)
# At 150 columns and more the totals have a column of their own: keep the
# timeline's part of each row.
rows = [r.split("││")[0] for r in open(dump).read().split("\n")]
axis = next(r for r in rows if r.startswith("│time"))
# The queue lane: from its label row down to the first CPU lane; one row
# or, on a tall screen, a bar chart several rows high (top row = label).
first = next(i for i, r in enumerate(rows) if r.startswith("│ queue "))
last = next(i for i, r in enumerate(rows) if i > first and r.startswith("│ cpu"))
lane = rows[first:last]
assert lane, "no queue lane"
# Column of a time from the axis labels (each label starts at its tick's cell).
ticks = [(float(m.group()), m.start()) for m in re.finditer(r"\d+(\.\d+)?", axis)]
assert len(ticks) >= 2, "axis labels: " + axis
(v0, x0), (v1, x1) = ticks[0], ticks[-1]
per_col = (v1 - v0) / (x1 - x0)
col = lambda t: x0 + int((t - v0) / per_col)
bars = "▁▂▃▄▅▆▇█"
bottom = lane[-1]
cells = bottom[x0:].rstrip(" │")
assert cells and all(ch in bars + "·" for ch in cells), "queue cells: %r" % cells
for r in lane[:-1]:
    assert all(ch in bars + " " for ch in r[x0:].rstrip(" │")), "queue lane row: %r" % r
# Drawn up to the play head (the cursor's cell), nothing after it.
assert abs(x0 + len(cells) - 1 - col(mid)) <= 1, "row ends at %d, play head at %d" % (x0 + len(cells) - 1, col(mid))
def full(x):  # the bar at column x reaches the top of the lane
    return x < len(lane[0]) and lane[0][x] == "█"
c = col(tpeak / UNIT)
assert any(full(x) for x in range(c - 1, c + 2)), "no full bar near column %d (t %.2f): %r" % (c, tpeak / UNIT, lane[0][c - 1:c + 2])
# Before the queue first reached half its peak, no cell shows a full bar.
half, q = None, 0
for m in marks:
    q += 1 if m & 1 else -1
    if q * 2 >= peak:
        half = m // 2
        break
assert not any(full(x) for x in range(x0, col(half / UNIT) - 1)), "a full bar before the queue was half full"
# The totals say the same number (where the totals box is wide enough).
assert len(rows[0]) < 160 or "longest queue %d" % qmax in open(dump).read(), "totals: longest queue %d" % qmax
print("peak %d at %.2f, column %d" % (peak, tpeak / UNIT, c))
PY
done

# ASCII: digits, 8 at the peak.
LC_ALL=C "$juggle" run webserver -s sync --dump-screen 160x30 --at "$mid" >"$tmp/ascii" </dev/null
grep -qE '^\| (queue|max [0-9]+|) +[1-8. ]*8' "$tmp/ascii" && ok || { bad "ASCII queue row with digits"; grep -A3 queue "$tmp/ascii"; }
if LC_ALL=C grep -q $'[\x80-\xff]' "$tmp/ascii"; then bad "ASCII dump has non-ASCII bytes"; else ok; fi

# Every strategy of the web server has the row; a scene without requests has none.
for s in coop poll threads loop; do
    "$juggle" run webserver -s "$s" --dump-screen 120x40 --at 20 >"$tmp/d" </dev/null
    grep -q '^│ queue ' "$tmp/d" && ok || bad "webserver $s: no queue row"
done
for scene in sleep count household; do
    "$juggle" run "$scene" --dump-screen 120x40 --at 5 >"$tmp/d" </dev/null
    grep -q '^│ queue ' "$tmp/d" && bad "$scene has a queue row" || ok
done

# A replay of the run shows the same row at the same time.
"$juggle" replay "$tmp/trace.jsonl" --dump-screen 160x30 --at "$mid" >"$tmp/rep" </dev/null
[ "$(grep -A4 '^│ queue ' "$tmp/rep")" == "$(grep -A4 '^│ queue ' "$tmp/dump-160x30")" ] && ok ||
    bad "replay: the queue row differs from the live run's"

finish

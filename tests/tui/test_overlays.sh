#!/usr/bin/env bash
# Every overlay keeps its text inside its box at every size (bug: at 33x9
# the compare table ran past the right border and a row overwrote the
# bottom one). For help (?), compare (c), task detail (Enter) and the
# legend (g), on a few scenes and sizes from the smallest (20x6) up:
# the box's border is whole (│ down both sides, └───┘ at the bottom) and
# every cell outside the box is what the same screen shows without the
# overlay (the status row aside). Then what the help says at 80x24 and
# 200x60: every entry of the key table in full (wrapped, and scrolled with
# Down at 80x24), and the compare table saying what size it needs.
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8
box_check() { # BASE OVERLAY TITLE
    python3 - "$@" <<'PY'
import sys
base = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
over = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
title = sys.argv[3]
top = next((i for i, r in enumerate(over) if "\u250c " + title in r), None)
if top is None:
    sys.exit("no box titled %r" % title)
x0 = over[top].index("\u250c " + title)
x1 = over[top].index("\u2510", x0)
bot = next((i for i in range(top + 1, len(over)) if len(over[i]) > x0 and over[i][x0] == "\u2514"), None)
if bot is None:
    sys.exit("no bottom border under column %d" % x0)
want = "\u2514" + "\u2500" * (x1 - x0 - 1) + "\u2518"
if over[bot][x0:x1 + 1] != want:
    sys.exit("bottom border broken: %r" % over[bot])
for y in range(top + 1, bot):
    if over[y][x0] != "\u2502" or len(over[y]) <= x1 or over[y][x1] != "\u2502":
        sys.exit("side border broken on row %d: %r" % (y, over[y]))
for y in range(len(over) - 1):
    b = base[y].ljust(400)
    o = over[y].ljust(400)
    for x in range(400):
        if top <= y <= bot and x0 <= x <= x1:
            continue
        if b[x] != o[x]:
            sys.exit("row %d col %d outside the box changed: %r" % (y, x, over[y]))
PY
}
for scene in household webserver deadlock; do
    for size in 20x6 24x8 33x9 40x12 60x14 80x24 120x40 200x60; do
        "$juggle" run "$scene" -s poll --dump-screen "$size" --at 300 >"$tmp/base"
        for k in '?:keys' 'c:compare:' 'g:legend:' $'\r:task '; do
            JUGGLE_DUMP_KEYS=${k%%:*} "$juggle" run "$scene" -s poll --dump-screen "$size" \
                --at 300 >"$tmp/over"
            if msg=$(box_check "$tmp/base" "$tmp/over" "${k#*:}" 2>&1); then ok; else
                bad "$scene $size key ${k%%:*}: $msg"
            fi
        done
    done
done
# Too small for the compare table: it says what it needs.
JUGGLE_DUMP_KEYS=c "$juggle" run household -s poll --dump-screen 33x9 --at 300 >"$tmp/c"
grep -q '│ needs 43x14 (this ' "$tmp/c" && ok || bad "compare at 33x9: $(cat "$tmp/c")"
# The help in full: every entry's words, in order, at 200x60 (one row
# each) and at 80x24 (wrapped; Down scrolls to the rest).
help_words() { # FILE...: the help's text, rows joined
    python3 - "$@" <<'PY'
import sys
out = []
for f in sys.argv[1:]:
    rows = open(f, encoding="utf-8").read().split("\n")
    top = next(i for i, r in enumerate(rows) if "\u250c keys" in r)
    x0 = rows[top].index("\u250c keys")
    x1 = rows[top].index("\u2510", x0)
    for r in rows[top + 1:]:
        if r[x0] == "\u2514":
            break
        out.append(r[x0 + 1:x1])
print(" ".join(" ".join(out).split()))
PY
}
JUGGLE_DUMP_KEYS='?' "$juggle" run household --dump-screen 200x60 --at 300 >"$tmp/h200"
words=$(help_words "$tmp/h200")
for want in 'a strategy tab switches to it; a task row selects it; the timeline: the cursor' \
    'step one event forward / back (pauses; cursor: to the next / last event)' \
    'go to the start / end of the run (cursor: start / play head)' \
    "time cursor on / off: each lane's state under it (Esc: off)"; do
    case $words in *"$want"*) ok ;; *) bad "help at 200x60 cuts '$want'" ;; esac
done
JUGGLE_DUMP_KEYS='?' "$juggle" run household --dump-screen 80x24 --at 300 >"$tmp/h1"
JUGGLE_DUMP_KEYS='?jjjjjjjjjjjjjjjjjjjjjjjjjjjjj' "$juggle" run household --dump-screen 80x24 \
    --at 300 >"$tmp/h2"
grep -q 'Up/Down scroll' "$tmp/h1" && ok || bad "help at 80x24 does not say it scrolls"
words=$(help_words "$tmp/h1" "$tmp/h2")
for want in 'step one event forward / back (pauses; cursor: to the next / last event)' \
    'a strategy tab switches to it; a task row selects it; the timeline: the cursor' \
    'switch strategy (sync coop poll threads loop); restarts'; do
    case $words in *"$want"*) ok ;; *) bad "help at 80x24 cuts '$want': $words" ;; esac
done
# The compare bars: CPU busy is a share of 100 % (sleep's poll, 1.9 %, a
# sliver, not a full bar), and CPU wait is scaled to the longest (it was
# drawn on a scale of 100 units).
JUGGLE_DUMP_KEYS=c "$juggle" run sleep --dump-screen 120x40 --at 100 >"$tmp/cmp"
grep -qE '│ poll +18\.01 █+▌ +1\.9% ▌ +0\.02 +│' "$tmp/cmp" && ok || bad "compare: poll's 1.9 % CPU busy bar: $(grep ' poll ' "$tmp/cmp")"
grep -qE '│ sync +32\.00 █{20,} +0\.0% +32\.00 █{20,} +│' "$tmp/cmp" && ok || bad "compare: sync's CPU wait, the longest, a full bar: $(grep ' sync ' "$tmp/cmp")"
finish

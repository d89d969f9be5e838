#!/usr/bin/env bash
# Keys that change the view keep what the user is looking at, checked on
# --dump-screen with JUGGLE_DUMP_KEYS:
#   z / Z with the time cursor on zoom around the cursor: its line ┃ stays
#   in the same column with the same time in the header (it used to be
#   lost: the view jumped to the play head, the readouts stayed);
#   a lane filter (/) that hides the selected task moves the selection to
#   a shown lane, Enter opens the task drawn selected (it used to open
#   the hidden one), and Up/Down walk the shown lanes only;
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8
cursor_at() { # FILE: "COLUMN TIME" of the cursor on the axis row and in the header
    python3 - "$1" <<'PY'
import re, sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
axis = next(r for r in rows if r.startswith("\u2502time"))
head = re.search(r"cursor ([0-9.]+)", rows[1])
print(axis.find("\u2503"), head.group(1) if head else "none")
PY
}
# The tester's case: the cursor at the start, two L (83.43 at 120x40).
base=iHHHHHHHHHHHHHHHHHHHHLL
for size in 120x40 80x24; do
    JUGGLE_DUMP_KEYS=$base "$juggle" run household -s poll --dump-screen "$size" --at 1000 >"$tmp/c0"
    want=$(cursor_at "$tmp/c0")
    case $want in -1*) bad "$size: no cursor to zoom around" ;; esac
    for zoom in z zz zzz zzZ zZ Z; do
        JUGGLE_DUMP_KEYS=$base$zoom "$juggle" run household -s poll --dump-screen "$size" \
            --at 1000 >"$tmp/c1"
        got=$(cursor_at "$tmp/c1")
        [ "$got" = "$want" ] && ok || bad "$size $zoom: cursor (column, time) $got, want $want"
    done
done
# Zoomed in, the view is no longer the whole run (the zoom happened).
JUGGLE_DUMP_KEYS=${base}zz "$juggle" run household -s poll --dump-screen 120x40 --at 1000 >"$tmp/c2"
grep -qE '^│time +[0-9]+ +[0-9]+ .*┃' "$tmp/c2" && ! grep -q '^│time +0 ' "$tmp/c2" && ok ||
    bad "zz did not zoom in: $(grep '^│time' "$tmp/c2")"
# Filters on the household (Kids, Laundry, Checkbook; Kids selected).
filter_case() { # KEYS SELECTED-LANE DETAIL-TITLE-OR-none
    JUGGLE_DUMP_KEYS=$1 "$juggle" run household -s poll --dump-screen 120x40 --at 100 >"$tmp/f"
    local sel detail
    sel=$(grep -oE '^│▸[A-Za-z]+' "$tmp/f" | sed 's/^│▸//')
    detail=$(grep -oE '┌ task [A-Za-z]+' "$tmp/f" | sed 's/^┌ task //')
    [ "$sel" = "$2" ] && [ "${detail:-none}" = "$3" ] && ok ||
        bad "keys $(printf %q "$1"): selected '$sel' detail '${detail:-none}', want '$2' '$3'"
}
filter_case $'/lau\r' Laundry none
filter_case $'/lau\r\r' Laundry Laundry
filter_case $'/LAU\rkk\r' Laundry Laundry
filter_case $'/k\rj' Checkbook none
filter_case $'/k\rjjj\r' Checkbook Checkbook
filter_case $'jj/k\rkk' Kids none
JUGGLE_DUMP_KEYS=$'/zzz\r\r' "$juggle" run household -s poll --dump-screen 120x40 --at 100 >"$tmp/f"
! grep -q '┌ task' "$tmp/f" && grep -q "no task shown to open: the filter 'zzz' matches none" "$tmp/f" &&
    ok || bad "Enter with no lane shown: $(grep -E '┌ task|^ ' "$tmp/f" | tail -2)"
finish

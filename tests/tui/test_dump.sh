#!/usr/bin/env bash
# Screen dumps (--dump-screen): exact header, timeline rows at known times,
# totals equal to the engine's --json numbers, ASCII fallback, small sizes.
# Usage: test_dump.sh [BUILD_DIR]; prints "N passed, N failed".
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8
unset NO_COLOR

# line N of a dump (1-based)
line() { sed -n "${2}p" "$1"; }

expect_line() { # description file lineno expected
    local got
    got=$(line "$2" "$3")
    if [ "$got" == "$4" ]; then ok; else bad "$1"; echo "  want: |$4|"; echo "  got:  |$got|"; fi
}

dump() { # out args...
    local out=$1
    shift
    "$juggle" run "$@" >"$out" 2>"$tmp/err" </dev/null || { bad "dump $*: exit $?"; cat "$tmp/err"; }
}

# 1. Header tabs: the active strategy bracketed, clock, speed, state.
dump "$tmp/loop8" sleep -s loop --dump-screen 120x40 --at 8
expect_line "header tabs, loop at 8" "$tmp/loop8" 2 \
    " 1 sync  2 coop  3 poll  4 threads [5 loop]  t 8.0  speed ×1  ▶ running"
expect_line "title row" "$tmp/loop8" 1 \
    " juggle Cooperative concurrency with blocking and non-blocking calls                                                sim"
[ "$(wc -l <"$tmp/loop8")" = 40 ] && ok || bad "dump has 40 lines"
dump "$tmp/coop40" sleep -s coop --dump-screen 120x40 --at 40
expect_line "finished state, coop" "$tmp/coop40" 2 \
    " 1 sync [2 coop] 3 poll  4 threads  5 loop   t 32.0  speed ×1  ‖ finished"

# 2. Timeline rows: under loop both tasks sleep at once (ran at 0, then
# sleeping); under sync Two waits for the CPU (ready) while One sleeps.
# (Two tasks on 40 rows: each lane is ten rows thick; its name on the first.)
expect_line "loop: One ran for an instant, then sleeps up to the cursor" "$tmp/loop8" 5 \
    "│▸One           ▌░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░                                                       │"
expect_line "loop: its readout under the name" "$tmp/loop8" 6 \
    "│ sleep         ▌░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░                                                       │"
expect_line "loop: Two too" "$tmp/loop8" 15 \
    "│ Two           ▌░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░                                                       │"
expect_line "loop: the CPU row marks the switch at 0 and is idle after" "$tmp/loop8" 25 \
    "│ cpu0          ↕···············································                                                       │"
dump "$tmp/sync5" sleep -s sync --dump-screen 120x16 --at 5
expect_line "sync: Two ready (waiting) while One blocks" "$tmp/sync5" 6 \
    "│ Two    ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒                                                                                            │"
dump "$tmp/thr" count -s threads --dump-screen 120x16 --at 1
grep -q '^│▸One    ███' "$tmp/thr" && ok || bad "threads: One running at the start"
grep -q '^│ Two    ▒▒▒' "$tmp/thr" && ok || bad "threads: Two ready at the start"
dump "$tmp/poll" sleep -s poll --dump-screen 120x16 --at 12
grep -q '^│▸One  ⚠ ▌░*◦' "$tmp/poll" && ok || bad "poll: wasted checks marked, warning beside the task"

# 3. Totals after the end equal the engine's --json numbers, per strategy.
for scene in sleep count; do
    for s in sync coop poll threads loop; do
        dump "$tmp/end" "$scene" -s "$s" --dump-screen 120x40 --at 1000
        "$juggle" run "$scene" -s "$s" --headless --json >"$tmp/json" </dev/null
        want=$(python3 - "$tmp/json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = lambda v: "%.1f" % v
print("elapsed %s" % f(d["total"]))
print("session  %s %s" % (d["strategy"], f(d["total"])))
for t in d["tasks"]:
    print("%-4s%8s%8s%8s%6d" % (t["name"], f(t["running"]), f(t["ready"]), f(t["blocked"]), t["items"]))
PY
)
        while IFS= read -r w; do
            if grep -qF "$w" "$tmp/end"; then ok; else bad "$scene/$s totals: '$w' not on screen"; fi
        done <<<"$want"
    done
done

# 4. ASCII fallback when the locale is not UTF-8.
LC_ALL=C "$juggle" run sleep -s loop --dump-screen 120x40 --at 8 >"$tmp/ascii" </dev/null
if LC_ALL=C grep -q $'[\x80-\xff]' "$tmp/ascii"; then bad "ASCII dump has non-ASCII bytes"; else ok; fi
expect_line "ASCII header" "$tmp/ascii" 2 \
    " 1 sync  2 coop  3 poll  4 threads [5 loop]  t 8.0  speed x1  > running"
grep -q '^|>One           +\.\.\.\.' "$tmp/ascii" && ok || bad "ASCII timeline glyphs"

# 5. Small screens: 20x6 still draws; below it, a notice.
dump "$tmp/small" sleep --dump-screen 20x6 --at 3
expect_line "20x6 header (tabs clipped)" "$tmp/small" 2 " 1 sync  2 coop  3 p"
grep -q 'One' "$tmp/small" && ok || bad "20x6 shows a task"
dump "$tmp/tiny" sleep --dump-screen 19x6 --at 3
grep -q 'too small 19x6' "$tmp/tiny" && ok || bad "19x6 says too small"
dump "$tmp/tiny2" sleep --dump-screen 20x5 --at 3
grep -q 'too small 20x5' "$tmp/tiny2" && ok || bad "20x5 says too small"

# 6. A dump at time 0 and a dump past the end are both well formed.
dump "$tmp/zero" count -s coop --dump-screen 100x30 --at 0
grep -q 't 0.0' "$tmp/zero" && ok || bad "dump at 0 shows t 0.0"
grep -q '0.0  Task One running' "$tmp/zero" && ok || bad "log line stamped 0.0"

finish

#!/usr/bin/env bash
# Trace replay, whole process (issue 13): records a loop run of 1,000
# workers and 200,000 sleep items (about 1.6 M events, 92 MB), then runs
# `juggle replay T --headless --summary`, `--headless`, `--headless --json`,
# `juggle export T --chrome` and the view's load (`--dump-screen`) three
# times each under /usr/bin/time and prints the best wall time and the best
# CPU time (user + system; steadier on a busy machine), each with its events
# per second, and the largest peak RSS.
# Numbers only; never fails on them.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -x /usr/bin/time ]; then
    echo "trace    replay: /usr/bin/time not installed (Debian: apt-get install time)"
    exit 0
fi
printf '[scene]\nseed = 1\n[workers]\ncount = 1000\n[queue]\nwork = sleep\ngenerate = 200000\nmin = 1\nmax = 20\n' >"$tmp/s.ini"
"$juggle" run "$tmp/s.ini" -s loop --headless --json --record "$tmp/t.jsonl" >/dev/null || exit 0
events=$(tail -1 "$tmp/t.jsonl" | sed -E 's/.*"events":([0-9]+).*/\1/')
mb=$(awk -v b="$(wc -c <"$tmp/t.jsonl")" 'BEGIN { printf "%.0f", b / 1e6 }')

# best wall, best CPU and largest peak RSS (MB) of three runs: "WALL CPU RSS"
best3() {
    for i in 1 2 3; do
        /usr/bin/time -f '%e %U %S %M' -o "$tmp/t$i" "$@" >/dev/null 2>"$tmp/err$i" || echo "fail" >"$tmp/t$i"
    done
    cat "$tmp"/t1 "$tmp"/t2 "$tmp"/t3 | awk 'BEGIN { w = 1e9; c = 1e9 }
        $1 == "fail" { bad = 1 }
        { if ($1 < w) w = $1; if ($2 + $3 < c) c = $2 + $3; if ($4 > m) m = $4 }
        END { if (bad) print "fail"; else printf "%.2f %.2f %.1f\n", w, c, m / 1024 }'
}

row() { # label command...
    local label=$1
    shift
    read -r wall cpu rss < <(best3 "$@")
    if [ "$wall" = fail ]; then
        echo "trace    $label: failed: $(head -1 "$tmp/err1")"
        return
    fi
    rate() { awk -v n="$events" -v s="$1" 'BEGIN { if (s > 0) printf "%.1f", n / s / 1e6; else print "?" }'; }
    printf "trace    %-30s %s events (%s MB)  wall %5s s (%s M events/s)  CPU %5s s (%s M/s)  peak RSS %6s MB  %s\n" \
        "$label" "$events" "$mb" "$wall" "$(rate "$wall")" "$cpu" "$(rate "$cpu")" "$rss" "$target"
}

target="(target >= 2 M events/s, <= 150 MB)"
row "replay --headless --summary" "$juggle" replay "$tmp/t.jsonl" --headless --summary
target="(--summary's targets)"
row "replay --headless" "$juggle" replay "$tmp/t.jsonl" --headless
row "replay --headless --json" "$juggle" replay "$tmp/t.jsonl" --headless --json
target=""
row "export --chrome" "$juggle" export "$tmp/t.jsonl" --chrome "$tmp/c.json"
row "replay, the view's load" "$juggle" replay "$tmp/t.jsonl" --dump-screen 120x40 --at 1

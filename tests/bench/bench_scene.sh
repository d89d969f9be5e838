#!/usr/bin/env bash
# Listed scenes (issue 13): a scene file that lists 100,000 workers and
# 1,000,000 sleep items (continuation lines, items 1..20 from a fixed LCG).
# Prints the load alone (build/tests/bench/bench_load, median of 3), the
# whole process `juggle run FILE -s loop --headless --json` (median of 3
# wall times, peak RSS, the makespan), and, where Debian's python3-simpy
# (SimPy 2) is installed, the same workload in SimPy with its makespan and
# the ratio. Numbers only; never fails on them.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scene=$tmp/listed.ini

awk 'BEGIN {
    print "[scene]\ntitle = 100,000 workers, 1,000,000 listed items\nkind = queue\n[workers]"
    line = "names = "
    for (i = 1; i <= 100000; i++) {
        line = line "W" i
        if (i % 20 == 0 && i < 100000) { print line ","; line = "   " }
        else if (i < 100000) line = line ", "
    }
    print line
    print "[queue]\nwork = sleep"
    x = 1; line = "items = "
    for (i = 1; i <= 1000000; i++) {
        x = (x * 1103515245 + 12345) % 2147483648
        line = line (1 + int(x / 65536) % 20)
        if (i % 40 == 0 && i < 1000000) { print line ","; line = "   " }
        else if (i < 1000000) line = line ", "
    }
    print line
}' >"$scene"

"$build/tests/bench/bench_load" "$scene"

# median wall and largest peak RSS of three runs: prints "WALL RSS_MB"
median3() {
    for i in 1 2 3; do
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f '%e %M' -o "$tmp/t$i" "$@" >/dev/null 2>"$tmp/err$i" || echo "fail" >"$tmp/t$i"
        else
            local t0=$(date +%s.%N)
            "$@" >/dev/null 2>"$tmp/err$i"
            echo "$(echo "$(date +%s.%N) - $t0" | bc) 0" >"$tmp/t$i"
        fi
    done
    cat "$tmp"/t1 "$tmp"/t2 "$tmp"/t3 | sort -n | awk '{w[NR] = $1; if ($2 > m) m = $2} END {printf "%s %.1f\n", w[2], m / 1024}'
}

read -r jwall jrss < <(median3 "$juggle" run "$scene" -s loop --headless --json)
"$juggle" run "$scene" -s loop --headless --json >"$tmp/out.json"
jtotal=$(python3 -c 'import json, sys; print("%.1f" % json.load(open(sys.argv[1]))["total"])' "$tmp/out.json" 2>/dev/null || echo "?")
printf "scene    juggle run, listed, loop --json, whole process       %7s s  peak RSS %6s MB  makespan %s  (RSS target <= 100)\n" \
    "$jwall" "$jrss" "$jtotal"

py=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import SimPy.Simulation' 2>/dev/null; then py=$p; break; fi
done
if [ -z "$py" ]; then
    echo "scene    simpy: not installed (Debian: apt-get install python3-simpy)"
    exit 0
fi
read -r swall srss < <(median3 "$py" "$here/simpy_queue.py" "$scene")
stotal=$("$py" "$here/simpy_queue.py" "$scene" | awk '{print $2}')
ratio=$(awk -v s="$swall" -v j="$jwall" 'BEGIN { if (j > 0) printf "%.1f", s / j; else print "?" }')
printf "scene    SimPy 2, the same workload, whole process          %7s s  peak RSS %6s MB  makespan %s  juggle %sx faster (target >= 20)\n" \
    "$swall" "$srss" "$stotal" "$ratio"

#!/usr/bin/env bash
# The tracer's overhead (issue 14: the article's examples at most 20 %
# slower): each of the article's programs in tests/watch/ run as
# `python3 PROG` and as `juggle watch --headless -- python3 PROG`, median
# wall time of 5 runs each, whole process (interpreter start included).
# Examples 1 and 2 as the article has them (SCALE 0: no CPU cost per step),
# 3 and 4 at SCALE 0.1, 5 and 6 at 0.2 against `juggle serve`. For scale,
# an empty program (the fixed cost: juggle, the tracer's start) and a
# call-heavy one (fib(24), 75,000 Python calls; no generators of its own,
# so no profile hook). Usage: bench_watch.sh [BUILD_DIR].
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
here=$(cd "$(dirname "$0")" && pwd)
progs=$here/../watch
tmp=$(mktemp -d)
serve_pid=
trap '[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
"$juggle" serve --port 0 >"$tmp/serve.out" 2>&1 &
serve_pid=$!
server=
for _ in $(seq 100); do
    server=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$tmp/serve.out" 2>/dev/null) && break
    sleep 0.05
done
printf 'pass\n' >"$tmp/empty.py"
printf 'def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(24))\n' >"$tmp/fib.py"

best_ms() { # COMMAND...: the shortest wall time of 9 runs, in ms (the least disturbed by load)
    python3 - "$@" <<'PY'
import subprocess, sys, time
times = []
for _ in range(9):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times.append((time.perf_counter() - t) * 1000)
print(f"{min(times):.0f}")
PY
}

row() { # LABEL PROG ARGS...
    local label=$1
    shift
    local plain traced
    plain=$(cd "$progs" && best_ms python3 "$@")
    traced=$(cd "$progs" && best_ms "$juggle" watch --headless -- python3 "$@")
    printf 'watch    %-45s %5s ms vs %5s ms %+4.0f%%   (<= +20%%)\n' "$label" "$traced" "$plain" \
        "$(python3 -c "print(($traced / $plain - 1) * 100)")"
}

row "an empty program: the fixed cost" "$tmp/empty.py"
row "example 1 (sync) traced vs plain" example_1.py 0
row "example 2 (generators)" example_2.py 0
row "example 3 (generators, time.sleep) x0.1" example_3.py 0.1
row "example 4 (asyncio) x0.1" example_4.py 0.1
row "example 5 (generators, urllib) x0.2" example_5.py "$server" 0.2
row "example 5 (threads, urllib) x0.2" example_5_threads.py "$server" 0.2
row "example 6 (asyncio streams) x0.2" example_6.py "$server" 0.2
row "fib(24): 75,000 calls, not the article's" "$tmp/fib.py"

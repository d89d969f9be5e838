#!/usr/bin/env bash
# The tracer's overhead (issue 14: the article's examples at most 20 %
# slower): each of the article's programs in tests/watch/ run as the user
# runs it, `juggle watch --headless -- python3 PROG`, against plain
# `python3 PROG`, whole process (juggle's and the interpreter's start
# included). Plain and traced runs alternate, RUNS times each (default 15,
# 5 for programs over a second); each side's best run counts (the least
# disturbed by other load): CPU time (user + sys of the process and its
# children) and wall time.
# Examples 1 and 2 as the article has them (SCALE 0: no CPU cost per step),
# 3 and 4 at SCALE 0.1, 5 and 6 at 0.2 against `juggle serve`. For scale,
# juggle's own start (`juggle --version` against /bin/true), an empty
# program (the fixed cost) and a call-heavy one (fib(24), 75,000 Python
# calls; no generators of its own, so no trace hook).
# For each program also the tracer alone: python3 PROG with the tracer
# started as juggle starts it (its folder on PYTHONPATH, the trace on fd 9,
# here /dev/null), without juggle's own process, exec and fork: what
# running "under the tracer" costs, apart from juggle's ~1.2 ms start.
# Usage: [PY=python3] [RUNS=15] bench_watch.sh [BUILD_DIR] (without PY: python3 and,
# where it is another interpreter, /usr/bin/python3).
set -u
build=${1:-build}
py=${PY:-python3}
runs=${RUNS:-15}
juggle=$(cd "$build" && pwd)/juggle
tracer=$(cd "$build" && pwd)/python
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

# row LABEL BASE... -- COMMAND...: BASE and COMMAND alternately, RUNS times
# each; the best CPU and wall time of each, COMMAND's relative to BASE's.
# With TRACER=DIR, BASE is a Python program: BASE under the tracer too.
row() {
    python3 - "$runs" "$@" <<'PY'
import os, resource, subprocess, sys, time
runs, label = int(sys.argv[1]), sys.argv[2]
cut = sys.argv.index("--")
cmds = [sys.argv[3:cut], sys.argv[cut + 1:]]
envs = [None, None]
tracer = os.environ.get("TRACER")
if tracer:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 9)
    cmds.append(cmds[0])
    envs.append(dict(os.environ, PYTHONPATH=tracer, JUGGLE_TRACE_FD="9"))
cpu, wall = [[] for _ in cmds], [[] for _ in cmds]
n = 0
while n < runs:
    n += 1
    for i, cmd in enumerate(cmds):
        r0, t = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env=envs[i], pass_fds=(9,) if envs[i] else ())
        wall[i].append((time.perf_counter() - t) * 1000)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[i].append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
    if wall[0][0] > 1000:  # a long program: noise weighs less, 5 runs do
        runs = min(runs, 5)
cb, cc, *ct = (min(x) for x in cpu)
wb, wc, *wt = (min(x) for x in wall)
alone = f"  tracer alone cpu {(ct[0] / cb - 1) * 100:+4.0f}%" if ct else ""
print(f"watch    {label:<40} cpu {cc:5.1f} vs {cb:5.1f} ms {(cc / cb - 1) * 100:+4.0f}%"
      f"  wall {wc:5.0f} vs {wb:5.0f} ms {(wc / wb - 1) * 100:+4.0f}%{alone}")
PY
}

# example LABEL PROG ARGS...: traced against plain, in tests/watch.
example() {
    local label=$1
    shift
    (cd "$progs" && TRACER=$tracer row "$label" "$py" "$@" -- "$juggle" watch --headless -- "$py" "$@")
}

row "juggle's own start (--version, /bin/true)" /bin/true -- "$juggle" --version
# Every interpreter asked for: PY, or python3 and, where it is another
# one, Debian's /usr/bin/python3 (which starts in a third of the time, so
# the same fixed cost weighs more).
pys=$py
if [ -z "${PY:-}" ] && [ -x /usr/bin/python3 ] &&
    [ "$(python3 -c 'import sys; print(sys.executable)')" != /usr/bin/python3 ]; then
    pys="python3 /usr/bin/python3"
fi
for py in $pys; do
    echo "watch    (best of $runs, $py $("$py" -c 'import platform; print(platform.python_version())'); traced vs plain, whole process; target <= +20%)"
    example "an empty program: the fixed cost" "$tmp/empty.py"
    example "example 1 (sync)" example_1.py 0
    example "example 2 (generators)" example_2.py 0
    example "example 3 (generators, time.sleep) x0.1" example_3.py 0.1
    example "example 4 (asyncio) x0.1" example_4.py 0.1
    example "example 5 (generators, urllib) x0.2" example_5.py "$server" 0.2
    example "example 5 (threads, urllib) x0.2" example_5_threads.py "$server" 0.2
    example "example 6 (asyncio streams) x0.2" example_6.py "$server" 0.2
    example "fib(24): 75,000 calls, not the article's" "$tmp/fib.py"
done

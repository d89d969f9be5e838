#!/usr/bin/env bash
# Real runs through the command line: `juggle run SCENE --real` prints the
# simulation's lines (numbers masked; for threads and HTTP in any order and
# with any task's name) under every strategy, for the sleep scene and the
# offline HTTP scene (the embedded server in-process); --json reports a
# real clock and the OS's view per worker; an unreachable URL fails the run
# with exit 1; and `juggle serve` answers on loopback and stops cleanly on
# SIGINT. `make tsan` runs this under ThreadSanitizer.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
serve_pid=
trap '[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2 # no scenes/ here: scenes are given as paths
pass=0 fail=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL $*"; }
# A real run prints the embedded server's address where the scene says ${server}.
mask() { sed -E -e 's#http://127\.0\.0\.1:[0-9]+#${server}#g' -e 's/[0-9]+(\.[0-9]+)?/#/g'; }

# Sleeps differ by whole units, HTTP delays by 0.1: scale each so that
# the order of events does not depend on jitter (a machine at 4x its cores
# of load, with a sanitizer, was seen waking a sleeper 70 ms late).
for scene in sleep:0.1 http:0.1; do
    scale=${scene#*:} scene=${scene%:*}
    for s in sync coop poll threads loop; do
        "$juggle" run "$root/scenes/$scene.ini" -s $s --headless | mask >sim.out
        timeout 120 "$juggle" run "$root/scenes/$scene.ini" -s $s --headless --real \
            --time-scale "$scale" --http-timeout 100 >real.raw 2>real.err
        rc=$?
        mask <real.raw >real.out
        # Under threads the OS picks which thread takes which item; HTTP delays
        # differ by a few real milliseconds, which a loaded machine (or a
        # sanitizer) can reorder. test_real.c checks the exact order.
        if [ $s = threads ] || [ $scene = http ]; then
            sed -i 's/^Task [^ ]* /Task ? /' sim.out real.out
            sort -o sim.out sim.out
            sort -o real.out real.out
        fi
        if [ $rc = 0 ] && [ -s real.out ] && cmp -s sim.out real.out && [ ! -s real.err ]; then
            ok
        else
            no "$scene/$s --real: exit $rc"
            diff sim.out real.out | head -10
            head -5 real.err
        fi
    done
done

# --json: a real clock, and the OS's CPU time and context switches per worker.
"$juggle" run "$root/scenes/sleep.ini" -s threads --headless --real --time-scale 0.02 --json \
    >real.json
if python3 - real.json <<'PY'; then ok; else no "--real --json"; fi
import json, sys
d = json.load(open(sys.argv[1]))
assert d["clock"] == "real", d["clock"]
assert d["failed"] is False
assert [t["name"] for t in d["tasks"]] == ["One", "Two"], d["tasks"]
assert sum(t["items"] for t in d["tasks"]) == 4, d["tasks"]
assert all(t["os"]["voluntary_switches"] >= 1 for t in d["tasks"]), d["tasks"]
PY

# One thread did all the work under loop: the OS's figures for that thread
# (its fetches and timers are in them: it slept in epoll for each reply),
# in --json, in --summary's table, and the same after a replay. Under
# threads each task is its own thread and there is no such row.
"$juggle" run "$root/scenes/http.ini" -s loop --headless --real --time-scale 0.05 --json \
    --record loop.jsonl >loop.json
"$juggle" run "$root/scenes/http.ini" -s threads --headless --real --time-scale 0.05 --json >thr.json
if python3 - loop.json thr.json <<'PY'; then ok; else no "--real loop: the thread's OS figures"; fi
import json, sys
d, t = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
os_ = d["os_thread"]
assert os_["voluntary_switches"] >= 1 and os_["cpu"] > 0, os_
assert all(x["os"]["cpu"] == 0 for x in d["tasks"]), d["tasks"]  # no CPU steps of their own
assert "os_thread" not in t, t.get("os_thread")
PY
"$juggle" replay loop.jsonl --headless --summary >replayed.txt
if grep -qE '^\(the thread\) +[0-9.]+ +[0-9]+ +[0-9]+$' replayed.txt; then ok; else
    no "replayed summary: the thread's row"
    cat replayed.txt
fi

# A failed fetch is a result: its line, the other items, exit status 1.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '[scene]\nkind = queue\n[workers]\nnames = One\n[queue]\nwork = http\nserver = embedded\nurls = http://127.0.0.1:%s/x, ${server}/delay/10\n' \
    "$port" >refused.ini
for s in sync threads loop; do
    timeout 60 "$juggle" run refused.ini -s $s --headless --real --time-scale 0.05 >out 2>&1
    rc=$?
    if [ $rc = 1 ] && grep -qx "Task One error: http://127.0.0.1:$port/x: connection refused" out &&
        grep -q '^Task One elapsed time: ' out; then
        ok
    else
        no "refused URL under $s: exit $rc"
        head -5 out
    fi
done

# juggle serve: the endpoints answer; SIGINT stops it with status 0.
"$juggle" serve --port 0 >serve.out 2>&1 &
serve_pid=$!
for _ in $(seq 50); do grep -q 'serving http' serve.out && break; sleep 0.1; done
url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' serve.out | head -1)
if [ -n "$url" ] && python3 - "$url" <<'PY'; then ok; else no "serve: endpoints ($url)"; fi
import sys, urllib.error, urllib.request
base = sys.argv[1]
assert len(urllib.request.urlopen(base + "/bytes/1234").read()) == 1234
assert urllib.request.urlopen(base + "/delay/20").status == 200
try:
    urllib.request.urlopen(base + "/status/418")
    raise SystemExit("no error for 418")
except urllib.error.HTTPError as e:
    assert e.code == 418, e.code
PY
kill -INT "$serve_pid"
rc=
for _ in $(seq 100); do
    kill -0 "$serve_pid" 2>/dev/null || { wait "$serve_pid"; rc=$?; break; }
    sleep 0.05
done
serve_pid=
[ "$rc" = 0 ] && ok || no "serve: SIGINT should stop it with status 0 (got '${rc:-still running}')"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# Real runs of issue 6's scenes and of HTTP against a server juggle did not
# write (python3 -m http.server). Small time scales; asserts on outcomes
# and order, never on wall-clock numbers. Every run has a timeout, and a
# run that hits it fails the case.
. "$(dirname "$0")/../lib.sh" "$@"
pypid=
trap '[ -n "$pypid" ] && kill $pypid 2>/dev/null; rm -rf "$tmp"' EXIT
# bad MESSAGE [OUTPUT]: also shows the start of what the run printed.
bad() {
    fail=$((fail + 1))
    echo "FAIL $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20
}

# real SCENE STRATEGY [args...]: stdout in $out, exit status in $rc
real() {
    local scene=$1 strat=$2
    shift 2
    out=$(timeout 30 "$juggle" run "$scene" -s "$strat" --real --headless "$@" 2>&1)
    rc=$?
}

cycle="deadlock: A holds dryer, waits for washer; B holds washer, waits for dryer"
real deadlock threads --time-scale 0.01
if [ "$rc" = 1 ] && grep -qxF "$cycle" <<<"$out"; then ok; else bad "deadlock threads real: rc=$rc, want 1 and the cycle" "$out"; fi
real deadlock threads --time-scale 0.01 --json
if [ "$rc" = 1 ] && python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
assert d["clock"] == "real"
assert d["deadlock"]["cycle"] == [{"task": "A", "holds": "dryer", "waits": "washer"},
                                  {"task": "B", "holds": "washer", "waits": "dryer"}], d["deadlock"]
' <<<"$out"; then ok; else bad "deadlock threads real --json: the cycle" "$out"; fi
# On one thread the cycle goes through the thread, as simulated. Under
# poll the wall clock cuts the slices, so on a loaded machine B may be the
# one to stall the thread first: then the same cycle, the other way round.
one="deadlock: A holds dryer and thread, waits for washer; B holds washer, waits for thread"
other="deadlock: A holds dryer, waits for thread; B holds washer and thread, waits for dryer"
for s in coop poll; do
    real deadlock $s --time-scale 0.01
    last=$(tail -1 <<<"$out")
    if [ "$rc" = 1 ] && { [ "$last" = "$one" ] || { [ $s = poll ] && [ "$last" = "$other" ]; }; }; then ok; else bad "deadlock $s real: rc=$rc, want 1 and the cycle" "$out"; fi
    real deadlock $s --time-scale 0.01 --json
    if [ "$rc" = 1 ] && python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
assert d["clock"] == "real"
one = [{"task": "A", "holds": "thread", "waits": "washer"},
       {"task": "B", "holds": "washer", "waits": "thread"}]
other = [{"task": "A", "holds": "dryer", "waits": "thread"},
         {"task": "B", "holds": "thread", "waits": "dryer"}]
assert d["deadlock"]["cycle"] in ([one, other] if sys.argv[1] == "poll" else [one]), d["deadlock"]
' $s <<<"$out"; then ok; else bad "deadlock $s real --json: the cycle" "$out"; fi
done
real deadlock-fixed threads --time-scale 0.01
if [ "$rc" = 0 ] && grep -qx "A is done" <<<"$out" && grep -qx "B is done" <<<"$out"; then ok; else bad "deadlock-fixed threads real: rc=$rc" "$out"; fi

# The race, for real: three runs, each must lose an update.
for i in 1 2 3; do
    real checkbook threads --time-scale 0.01 --json
    if [ "$rc" = 1 ] && python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
assert d["balance_expected"] == -100 and d["balance_actual"] != -100, d
assert d["lost_updates"] >= 1
' <<<"$out"; then ok; else bad "checkbook threads real, run $i: an update must be lost" "$out"; fi
done
sed 's/^lock = off.*/lock = on/' scenes/checkbook.ini >"$tmp/locked.ini"
for i in 1 2 3; do
    real "$tmp/locked.ini" threads --time-scale 0.01
    if [ "$rc" = 0 ] && [ "$(tail -1 <<<"$out")" = "Balance -100: every update counted" ]; then ok; else bad "checkbook locked real, run $i" "$out"; fi
done

# CPU-bound work for real: the digits are pi.
real pi threads --time-scale 0.01
if [ "$rc" = 0 ] && grep -qx "Pi1 computed 500 digits: 3.14159265358979323846..." <<<"$out"; then ok; else bad "pi threads real" "$out"; fi

# A server juggle did not write: python3 -m http.server on loopback.
mkdir -p "$tmp/www" && printf 'hello\n' >"$tmp/www/a.txt" && printf 'more\n' >"$tmp/www/b.txt"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$tmp/www" >/dev/null 2>&1 &
pypid=$!
for _ in $(seq 50); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
    sleep 0.1
done
base="http://127.0.0.1:$port"
printf '[scene]\ntitle = python server\nkind = queue\n[workers]\nnames = One, Two\n[queue]\nwork = http\ntimeout = 5\nurls = %s/a.txt, %s/b.txt, %s/a.txt\n' "$base" "$base" "$base" >"$tmp/py.ini"
printf '[scene]\ntitle = python server, missing\nkind = queue\n[workers]\nnames = One\n[queue]\nwork = http\ntimeout = 5\nurls = %s/missing\n' "$base" >"$tmp/py404.ini"
for s in sync threads loop; do
    real "$tmp/py.ini" $s
    n=$(grep -c "^Task .* elapsed time: " <<<"$out")
    if [ "$rc" = 0 ] && [ "$n" = 3 ] && grep -qE "^Task (One|Two) getting URL: $base/a.txt$" <<<"$out" \
        && grep -q "^Total elapsed time: " <<<"$out"; then ok; else bad "python http.server $s: rc=$rc, $n fetches" "$out"; fi
    real "$tmp/py404.ini" $s
    if [ "$rc" = 1 ] && grep -q "^Task One error: $base/missing: " <<<"$out"; then ok; else bad "python http.server 404 $s: rc=$rc" "$out"; fi
done

# Real threads share the scene's CPUs by the simulated run's rule: never
# more threads running than CPUs at any moment of the trace (the OS used
# to time-slice them behind juggle's back, and every thread looked running
# all along: count on 1 CPU, each "running" the whole run); those without
# a CPU wait ready; and the lines are the simulation's.
for sc in count:1 checkbook:1 pi:2 household:3; do
    name=${sc%:*} ncpu=${sc#*:}
    real "$name" threads --time-scale 0.02 --record "$tmp/th-$name.jsonl"
    sim=$("$juggle" run "$name" -s threads --headless 2>&1)
    if python3 - "$tmp/th-$name.jsonl" "$ncpu" <<'PY'; then ok; else bad "real threads $name: more running than CPUs, or a CPU given twice"; fi
import json, sys
ncpu = int(sys.argv[2])
running, on = set(), {}
waited = set()
for line in open(sys.argv[1]):
    e = json.loads(line)
    if not isinstance(e, list):
        continue
    kind, task, cpu = e[2], e[3], e[4]
    if kind == "run":
        assert 0 <= cpu < ncpu, e
        assert on.get(cpu) in (None, task), ("cpu taken", e, on)
        on[cpu] = task
        running.add(task)
        assert len(running) <= ncpu, ("running", e, running)
    elif kind in ("yield", "preempt", "block", "task_done") and task in running:
        running.discard(task)
        for c, t in list(on.items()):
            if t == task:
                del on[c]
    if kind == "preempt":
        waited.add(task)
assert running == set(), running
PY
    if [ "$name" = count ] && grep -c '"preempt"' "$tmp/th-$name.jsonl" | grep -qv '^0$'; then ok
    elif [ "$name" != count ]; then ok
    else bad "real threads count: no thread was preempted on 1 CPU"; fi
    [ $name = count ] && { [ "$out" = "$sim" ] && ok || bad "real threads count: lines differ from the simulation" "$out"; }
done
# Three threads on one CPU: all are ready at the start, in task order, as
# simulated (a thread that joined the queue only when its turn came found
# One, preempted, ahead of it: One ran 3 items, Three 1).
printf '[scene]\ncpus = 1\nquantum = 1\n[workers]\nnames = One, Two, Three\n[queue]\nwork = count\nitems = 4, 4, 4, 1, 1, 1\nstep = 1\n' >"$tmp/q3.ini"
real "$tmp/q3.ini" threads --time-scale 0.02
sim=$("$juggle" run "$tmp/q3.ini" -s threads --headless 2>&1)
[ "$out" = "$sim" ] && ok || bad "real threads, 3 on 1 CPU: lines differ from the simulation" "$out"

finish

#!/usr/bin/env bash
# juggle watch on the article's six programs (tests/watch/, standard library
# only; 5 and 6 fetch from `juggle serve` on loopback, so offline), plus a
# threaded example 5. Per program, against the simulated scene that models
# it (tests/cli/article: example N = scene/strategy):
#   - the same printed lines in the same order (measured times masked, the
#     server's address and the scaled delays put back as the scene has them);
#   - the makespan, from the first printed line to the end of the run,
#     within 15 % of the simulation's (each program runs at a time scale:
#     SCALE real seconds per scene unit);
#   - the shape of the trace: examples 1-3 never run two tasks at once, 4
#     and 6 have both workers waiting at once, the threaded 5 has both
#     fetches in flight at once and the generator 5 never does;
#   - the recorded trace loads: replay prints the same lines.
# Then what threads and asyncio Tasks wait on, --json, the outcomes of bad programs (missing, exit 3, killed, no
# tracer, not Python) and, under tmux, the live view.
. "$(dirname "$0")/../lib.sh" "$@"
progs=$PWD/tests/watch
py=$(command -v python3)
serve_start || { finish; exit; }

# normalize SCALE < FILE: the lines with times masked, URLs as the scene has them.
normalize() {
    "$py" -c '
import re, sys
scale = float(sys.argv[1])
for line in sys.stdin:
    line = re.sub(r"http://127\.0\.0\.1:\d+/delay/(\d+)",
                  lambda m: "${server}/delay/%d" % round(int(m[1]) / scale), line)
    line = re.sub(r"(elapsed time: )[0-9.]+", r"\1#", line)
    sys.stdout.write(line)' "$1"
}

# shape TRACE: prints "makespan NS", then facts about the run's spans.
shape() {
    "$py" - "$1" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
events = [json.loads(l) for l in lines[1:] if l.startswith("[")]
names, running, blocked, open_run, open_block = {}, [], [], {}, {}
first_log = end = None
born_early = 0  # workers that exist before the program prints anything
for seq, t, kind, task, cpu, other, reason, value, value2, *text in events:
    if kind == "task_new":
        names[task] = text[0]
        born_early += first_log is None and text[0].endswith((" One", " Two"))
    if kind == "log" and first_log is None:
        first_log = t
    if kind == "run_end":
        end = t
    if task in open_run and kind in ("yield", "preempt", "block", "task_done", "run_end"):
        running.append((open_run.pop(task), t, task))
    if task in open_block and kind in ("wake", "run", "task_done"):
        s, r = open_block.pop(task)
        blocked.append((s, t, task, r))
    if kind == "run":
        open_run[task] = t
    if kind == "block":
        open_block[task] = (t, reason)
for task, s in open_run.items():
    running.append((s, end, task))
def overlap(spans):
    return any(a[2] != b[2] and max(a[0], b[0]) < min(a[1], b[1]) for a in spans for b in spans)
workers = {i for i, n in names.items() if n.endswith((" One", " Two"))}
print("makespan", end - first_log)
print("workers", len(workers))
print("born-early", born_early)
print("run-overlap", int(overlap(running)))
print("wait-overlap", int(overlap([s for s in blocked if s[2] in workers])))
print("http-overlap", int(overlap([s for s in blocked if s[2] in workers and s[3] == 2])))
PY
}

fact() { grep "^$2 " "$1" | cut -d' ' -f2; }

# check N SCENE STRATEGY SCALE PROGRAM [ARGS...]: one program against its scene.
check() {
    local n=$1 scene=$2 strat=$3 scale=$4
    shift 4
    local prog=$1 out=$tmp/$n
    shift
    "$juggle" run "$scene" -s "$strat" --headless --record "$out.sim.jsonl" | normalize 1 >"$out.want"
    timeout 120 "$juggle" watch --headless --record "$out.jsonl" -- \
        python3 "$progs/$prog" "$@" "$scale" >"$out.raw" 2>"$out.err"
    local rc=$?
    [ "$rc" -eq 0 ] && ok || bad "example $n: exit $rc: $(head -3 "$out.err")"
    normalize "$scale" <"$out.raw" >"$out.got"
    if cmp -s "$out.want" "$out.got"; then ok; else
        bad "example $n ($prog): lines differ from $scene/$strat"
        diff "$out.want" "$out.got" | head -10
    fi
    "$juggle" replay "$out.jsonl" --headless >"$out.replay" 2>&1
    cmp -s "$out.raw" "$out.replay" && ok || { bad "example $n: the replayed trace prints other lines"; diff "$out.raw" "$out.replay" | head -6; }
    shape "$out.sim.jsonl" >"$out.sim.shape"
    shape "$out.jsonl" >"$out.shape"
    local sim real
    sim=$(fact "$out.sim.shape" makespan)
    real=$(fact "$out.shape" makespan)
    if "$py" -c "import sys; s, r, k = map(float, sys.argv[1:]); sys.exit(abs(r / k - s) > 0.15 * s)" \
        "$sim" "$real" "$scale"; then ok; else
        bad "example $n: makespan $real ns at scale $scale, simulated $sim (15 % allowed)"
    fi
    # Example 1's tasks are plain calls: its one task is the main thread.
    local want=2
    [ "$n" = 1 ] && want=0
    [ "$(fact "$out.shape" workers)" = "$want" ] && ok || bad "example $n: not $want worker tasks"
}

article_programs check "$server"

for n in 1 2 3; do
    [ "$(fact "$tmp/$n.shape" run-overlap)" = 0 ] && ok || bad "example $n: two tasks ran at once"
done
for n in 4 6; do
    [ "$(fact "$tmp/$n.shape" wait-overlap)" = 1 ] && ok || bad "example $n: the waits never overlap"
done
[ "$(fact "$tmp/5t.shape" http-overlap)" = 1 ] && ok || bad "threaded example 5: fetches never overlap"
[ "$(fact "$tmp/5.shape" http-overlap)" = 0 ] && ok || bad "example 5: fetches overlap"
[ "$(fact "$tmp/3.shape" wait-overlap)" = 0 ] && ok || bad "example 3: the sleeps overlap"
# A generator is a task from when the program's scheduler holds it, not
# from its first resume: the article's loops create both tasks, then run
# One; Two is ready (it waits) from the start, as in the simulation.
for n in 2 3 5; do
    [ "$(fact "$tmp/$n.shape" born-early)" = 2 ] && ok || bad "example $n: a task is born at its first resume"
done

# What each task waits on, named from the call (threads) or the await
# (asyncio): every task's set of block reasons, exactly.
waits() { # TRACE: "task: reason,reason" per task
    "$py" - "$1" <<'PY'
import json, sys
reasons = ["sleep", "io", "http", "lock", "poll-wait", "queue", "external"]
names, waits = {}, {}
for line in open(sys.argv[1]).read().splitlines()[1:]:
    if line.startswith("["):
        e = json.loads(line)
        if e[2] == "task_new":
            names[e[3]] = e[9]
        if e[2] == "block":
            waits.setdefault(e[3], set()).add(reasons[e[6]])
for task, name in names.items():
    print(f"{name}: {','.join(sorted(waits.get(task, ())))}")
PY
}
for p in waits_threads waits_asyncio; do
    (cd "$progs" && "$juggle" watch --headless --record "$tmp/$p.jsonl" -- python3 $p.py) >"$tmp/$p.out" 2>&1
    [ "$(cat "$tmp/$p.out")" = done ] && ok || bad "$p: $(cat "$tmp/$p.out")"
    waits "$tmp/$p.jsonl" >"$tmp/$p.waits"
done
printf '%s\n' 'main thread: external,sleep' 'holder: sleep' 'locker: lock,sleep' 'getter: queue' \
    'waiter: external' 'child: external' 'pool_0: queue,sleep' >"$tmp/want.waits_threads"
# main's io: a blocking socket send from a coroutine, which holds the loop.
printf '%s\n' 'main thread: external' 'main: external,io,sleep' 'holder: sleep' 'locker: lock,sleep' \
    'getter: queue' 'reader: io' >"$tmp/want.waits_asyncio"
for p in waits_threads waits_asyncio; do
    cmp -s "$tmp/want.$p" "$tmp/$p.waits" && ok || { bad "$p: waits"; diff "$tmp/want.$p" "$tmp/$p.waits"; }
done

# Blocking calls that wait in C (a child process, a descriptor, a signal,
# stdin on a pipe): what the main thread waits on between "before" and
# "after", exactly, and the program's output unchanged.
calls_waits() { # TRACE: the main thread's block reasons between the two lines
    "$py" - "$1" <<'PY'
import json, sys
reasons = ["sleep", "io", "http", "lock", "poll-wait", "queue", "external"]
inside, seen = False, set()
for line in open(sys.argv[1]).read().splitlines()[1:]:
    e = json.loads(line) if line.startswith("[") else None
    if e and e[2] == "log":
        inside = e[9] == "before"
    if e and inside and e[2] == "block" and e[3] == 0:
        seen.add(reasons[e[6]])
print(",".join(sorted(seen)))
PY
}
for c in run:external check_output:external communicate:external call:external system:external \
    poll:io select:io sigtimedwait:external input:io readline:io; do
    case=${c%%:*}
    echo hi | "$py" "$progs/waits_calls.py" "$case" >"$tmp/calls.want" 2>&1
    echo hi | "$juggle" watch --headless --record "$tmp/calls.jsonl" -- \
        python3 "$progs/waits_calls.py" "$case" >"$tmp/calls.out" 2>&1
    got=$(calls_waits "$tmp/calls.jsonl")
    [ "$got" = "${c#*:}" ] && cmp -s "$tmp/calls.want" "$tmp/calls.out" && ok ||
        bad "$case: waits on '$got', not ${c#*:}: $(diff "$tmp/calls.want" "$tmp/calls.out")"
done

# Each thread's own figures from the OS (its CPU time and context
# switches, as a real run reports them): the GIL shows there. Two threads
# that compute both look running all along, but the CPU time they used
# together is about one thread's (the GIL lets one compute at a time),
# and the main thread's is counted from the tracer's start.
printf 'import threading\ndef spin():\n    x = 0\n    for i in range(2_000_000):\n        x += i\nts = [threading.Thread(target=spin) for _ in range(2)]\nfor t in ts:\n    t.start()\nfor t in ts:\n    t.join()\n' >"$tmp/gil.py"
"$juggle" watch --headless --json -- python3 "$tmp/gil.py" >"$tmp/gil.json" 2>&1
"$py" - "$tmp/gil.json" <<'PY' && ok || bad "the threads' own figures: $(head -c 600 "$tmp/gil.json")"
import json, sys
j = json.load(open(sys.argv[1]))
tasks = {t["name"]: t for t in j["tasks"]}
spins = [t for t in j["tasks"] if t["name"] == "spin"]
assert sorted(tasks) == ["main thread", "spin"] and len(spins) == 2, list(tasks)
for t in j["tasks"]:
    os_ = t["os"]
    assert os_["cpu"] > 0 and os_["voluntary_switches"] >= 0 and os_["involuntary_switches"] >= 0, t
assert tasks["main thread"]["os"]["cpu"] <= j["total"], tasks["main thread"]
running = sum(t["running"] for t in spins)
cpu = sum(t["os"]["cpu"] for t in spins)
assert cpu < 0.75 * running, (cpu, running)
PY

# --json: the summary alone on stdout, a real clock, the program's tasks.
"$juggle" watch --headless --json -- python3 "$progs/example_4.py" 0.02 >"$tmp/j.json" 2>&1
"$py" -c '
import json, sys
j = json.load(open(sys.argv[1]))
names = [t["name"] for t in j["tasks"]]
assert j["strategy"] == "python" and j["clock"] == "real", j
assert names == ["main thread", "main", "task One", "task Two"], names
' "$tmp/j.json" && ok || bad "--json: $(head -c 300 "$tmp/j.json")"

# Bad programs: one line, exit 1 (the program failed) or 2 (juggle could not run it).
cd "$tmp" || exit 2
printf 'print("before")\nraise SystemExit(3)\n' >exit3.py
printf 'import os, signal, time\nprint("before", flush=True)\ntime.sleep(0.05)\nos.kill(os.getpid(), signal.SIGKILL)\n' >killed.py
printf 'print("hello")\n' >hello.py
mkdir empty
expect_line 2 '^juggle: nope\.py: cannot read the program' "$juggle" watch --headless -- python3 nope.py
expect_line 1 '^juggle: exit3\.py: the program exited with status 3$' "$juggle" watch --headless -- python3 exit3.py
# Whether the run failed is the program's exit status (the tracer, ending
# at exit, cannot know it): the trace's run_end and --json say so.
for prog in exit3 hello; do
    "$juggle" watch --headless --json --record "$prog.jsonl" -- python3 "$prog.py" >"$prog.json" 2>/dev/null
    python3 - "$prog" <<'PY' && ok || bad "$prog: failed in run_end and --json: $(tail -2 "$prog.jsonl")"
import json, sys
prog = sys.argv[1]
end = [json.loads(l) for l in open(prog + ".jsonl") if '"run_end"' in l]
text = open(prog + ".json").read()
j = json.loads(text[text.index("{"):])
want = prog == "exit3"
assert len(end) == 1 and end[0][6] == int(want), end
assert j["failed"] is want, j["failed"]
PY
done
expect_line 1 '^juggle: killed\.py: the program was killed by signal 9' \
    "$juggle" watch --headless --record killed.jsonl -- python3 killed.py
"$juggle" replay killed.jsonl --headless >replay.out 2>replay.err
[ $? = 1 ] && [ "$(cat replay.out)" = before ] && grep -q 'incomplete' replay.err && ok ||
    bad "a killed program's trace: $(cat replay.out replay.err)"
# The program's children do not keep juggle waiting: neither a program it
# runs in the background (the trace pipe is not inherited) nor a forked
# copy of it (which closes its copy): juggle is done while they still
# sleep, and their marker files come after.
printf 'import os\nos.system("(sleep 4; touch bg.marker) &")\nprint("bg")\n' >bg.py
printf 'import os, time\nif os.fork() == 0:\n    time.sleep(4)\n    open("fork.marker", "w").close()\n    os._exit(0)\nprint("fork")\n' >fork.py
for prog in bg fork; do
    rm -f "$prog.marker"
    "$juggle" watch --headless --summary -- python3 "$prog.py" >"$prog.out" 2>&1
    rc=$?
    [ $rc = 0 ] && [ ! -e "$prog.marker" ] && [ "$(head -1 "$prog.out")" = "$prog" ] && ok ||
        bad "$prog: juggle waited for the program's child (rc $rc, $(ls ./*.marker 2>/dev/null))"
done
# The trace pipe stays out of the program's way: its first file gets the
# descriptor a plain run gives it, and a program that closes every
# descriptor it did not open runs on untraced, unharmed. The trace ends
# there, and juggle says so in one line (exit 2: it could not follow the
# program to its end), with totals that stop where the trace does, long
# before the program's exit a second later; --record keeps it, incomplete.
printf 'f = open("own.txt", "w")\nprint(f.fileno())\n' >fds.py
printf 'import os, time\nprint("a", flush=True)\nos.closerange(3, 1 << 20)\nprint("b")\ntime.sleep(1)\n' >closer.py
[ "$("$juggle" watch --headless -- python3 fds.py 2>&1)" = "$(python3 fds.py 2>&1)" ] && ok ||
    bad "the program's first descriptor: $("$juggle" watch --headless -- python3 fds.py 2>&1)"
"$juggle" watch --headless --json --record closer.jsonl -- python3 closer.py >closer.json 2>closer.err
rc=$?
"$py" - <<'PY' && [ $rc = 2 ] && ok || bad "a program that closes the pipe: rc $rc, $(cat closer.err)"
import json, re
err = open("closer.err").read()
m = re.fullmatch(r"juggle: closer\.py: the trace ends early, at ([0-9.]+) s of the program's ([0-9.]+) s "
                 r"\(it closed juggle's trace pipe, or ran exec or exited from C\); "
                 r"the totals are the traced part's\n", err)
assert m, err
cut, end = map(float, m.groups())
assert end - cut >= 0.5, (cut, end)  # the sleep after the cut is not counted
j = json.load(open("closer.json"))
assert j["total"] <= cut + 0.001, (j["total"], cut)
assert j["failed"] is False, j  # incomplete, but the program did not fail
PY
"$juggle" replay closer.jsonl --headless >replay.out 2>replay.err
[ $? = 1 ] && grep -q incomplete replay.err && ok || bad "closer.py's trace: $(cat replay.out replay.err)"
# os._exit skips atexit, not the trace's end: complete, with the status.
printf 'import os, sys\nprint("a", flush=True)\nos._exit(int(sys.argv[1]))\n' >osexit.py
for status in 0 3; do
    "$juggle" watch --headless --record osexit.jsonl -- python3 osexit.py $status >osexit.out 2>osexit.err
    rc=$?
    want=0 && [ $status = 3 ] && want=1
    "$juggle" replay osexit.jsonl --headless >replay.out 2>replay.err
    [ $rc = $want ] && [ "$(cat replay.out)" = a ] && [ ! -s replay.err ] &&
        [ "$(grep -c '"run_end",-1,-1,-1,'$want, osexit.jsonl)" = 1 ] && ok ||
        bad "os._exit($status): rc $rc, $(cat osexit.err replay.err)"
done
# SIGTERM or SIGHUP to juggle: passed on to the program; the trace is kept,
# marked incomplete, where --record said.
printf 'import time\nfor i in range(600):\n    print("tick", i, flush=True)\n    time.sleep(0.1)\n' >slow.py
for sig in TERM HUP; do
    # slow.out goes too: the last round's "tick 2", read before the shell
    # truncates the file for this one, would signal juggle as it starts.
    rm -f "slow-$sig.jsonl" slow.out
    "$juggle" watch --headless --record "slow-$sig.jsonl" -- python3 slow.py >slow.out 2>slow.err &
    pid=$!
    for _ in $(seq 100); do grep -q "tick 2" slow.out 2>/dev/null && break; sleep 0.05; done
    kill -$sig $pid
    wait $pid
    rc=$?
    "$juggle" replay "slow-$sig.jsonl" --headless >replay.out 2>replay.err
    [ $rc = 1 ] && grep -q "^tick 2$" replay.out && grep -q 'incomplete' replay.err && ok ||
        bad "SIG$sig during watch --record: rc $rc, $(tail -2 replay.out) $(cat slow.err replay.err)"
done
expect_line 2 "never started juggle's tracer" env JUGGLE_TRACER_DIR="$tmp/empty" \
    "$juggle" watch --headless -- python3 hello.py
# Python runs the program itself: its globals, argv, sys.path and an
# uncaught exception's traceback are what `python3 PROG.py` gives, and the
# tracer's frames are nowhere in it. Under -S (no site, so no
# sitecustomize) the tracer starts the program in its place, with the same
# globals.
printf 'import sys\nprint(__name__, __file__, sys.argv, repr(__package__), __spec__, sys.path[0])\n' >globs.py
for s in "" -S; do
    want=$(python3 $s globs.py a b 2>&1)
    got=$("$juggle" watch --headless -- python3 $s globs.py a b 2>&1)
    [ "$got" = "$want" ] && ok || bad "the program's globals ($s): $got, not $want"
done
# The sitecustomize juggle's hides still runs (Debian's has one), and a
# virtualenv's python (no user site) loads the tracer too.
mkdir -p own
printf 'print("own sitecustomize")\n' >own/sitecustomize.py
want=$(PYTHONPATH=own python3 hello.py 2>&1)
got=$(PYTHONPATH=own "$juggle" watch --headless -- python3 hello.py 2>&1)
[ "$got" = "$want" ] && [ "$want" = "own sitecustomize
hello" ] && ok || bad "the hidden sitecustomize: $got, not $want"
if python3 -m venv --without-pip venv 2>/dev/null; then
    got=$("$juggle" watch --headless --summary -- venv/bin/python3 hello.py 2>&1)
    echo "$got" | grep -q '^main thread ' && [ "$(echo "$got" | head -1)" = hello ] && ok ||
        bad "a virtualenv's python: $got"
fi
# An exception raised inside a call the tracer wraps: the same message and
# traceback as a plain run, no frame of the tracer in it (only juggle's
# own last line is added).
for c in $("$py" "$progs/raises.py" list); do
    python3 "$progs/raises.py" "$c" >/dev/null 2>raises.want
    "$juggle" watch --headless -- python3 "$progs/raises.py" "$c" >/dev/null 2>raises.err
    grep -v '^juggle: .*raises\.py: ' raises.err >raises.got
    cmp -s raises.want raises.got && ok || bad "$c: the traceback differs: $(diff raises.want raises.got)"
done
printf 'def f():\n    raise ValueError("boom")\nprint("x")\nf()\n' >boom.py
python3 boom.py 2>boom.want >/dev/null
echo "juggle: boom.py: the program exited with status 1" >>boom.want
"$juggle" watch --headless -- python3 boom.py >boom.out 2>boom.err
[ $? = 1 ] && cmp -s boom.want boom.err && [ "$(cat boom.out)" = x ] && ok ||
    bad "a traceback: $(diff boom.want boom.err)"
# Which tracer: make's copy beside the binary (python/, byte-compiled, so
# Python does not compile it on every run), unless the source in ../assets
# is newer; then the source.
"$juggle" watch --headless -- python3 -v hello.py >verbose.out 2>verbose.err
grep -qE "^# code object from '.*/python/__pycache__/juggle_tracer\.[^/]*\.pyc'$" verbose.err &&
    [ "$(cat verbose.out)" = hello ] && ok || bad "the byte-compiled tracer: $(grep tracer verbose.err)"
mkdir -p pick/bin/python pick/assets
cp "$juggle" pick/bin/juggle
cp "$(dirname "$juggle")/python/sitecustomize.py" pick/bin/python/
cp "$(dirname "$juggle")/python/sitecustomize.py" pick/assets/
printf 'def boot():\n    print("the copy")\n' >pick/bin/python/juggle_tracer.py
printf 'def boot():\n    print("the source")\n' >pick/assets/juggle_tracer.py
touch -d '-1 hour' pick/assets/juggle_tracer.py
for want in copy source; do
    env -u JUGGLE_TRACER_DIR pick/bin/juggle watch --headless -- python3 hello.py >pick.out 2>&1
    [ "$(head -1 pick.out)" = "the $want" ] && ok || bad "the $want should load: $(cat pick.out)"
    touch -d '+1 hour' pick/assets/juggle_tracer.py
done
expect_line 2 'watch runs a Python program' "$juggle" watch --headless -- ls
# -E and -I make Python ignore PYTHONPATH (so the tracer): said before the
# program runs (it would run untraced), whatever the options around them.
expect_line 2 '^juggle: python3: watch loads its tracer through PYTHONPATH, which python3 -E ignores$' \
    "$juggle" watch --headless -- python3 -u -E hello.py
expect_line 2 '^juggle: python3: watch loads its tracer through PYTHONPATH, which python3 -I ignores$' \
    "$juggle" watch --headless -- python3 -X dev -bI hello.py
[ "$("$juggle" watch --headless -- python3 -X pycache_prefix=EI -W ignore hello.py 2>/dev/null)" = hello ] && ok ||
    bad "an option's value that holds E or I is not an option"
expect_line 2 'watch needs a program' "$juggle" watch --headless --
expect_line 2 'watch takes --record FILE' "$juggle" watch -s loop -- python3 hello.py
[ "$(cat bad.out)" = "" ] && ok || bad "usage errors print nothing on stdout"

# The live view under tmux: example 4 runs to its end, q quits, exit 0.
if command -v tmux >/dev/null; then
    sock=juggle-watch-$$
    tmux -L "$sock" new-session -d -s t -x 100 -y 30 \
        "cd '$progs' && '$juggle' watch --record '$tmp/live.jsonl' -- python3 example_4.py 0.05; echo \$? >'$tmp/live.rc'"
    seen=0
    for _ in $(seq 200); do
        tmux -L "$sock" capture-pane -p -t t 2>/dev/null | grep -q 'Total elapsed time' && { seen=1; break; }
        sleep 0.05
    done
    tmux -L "$sock" capture-pane -p -t t >"$tmp/live.screen" 2>/dev/null
    tmux -L "$sock" send-keys -t t q
    for _ in $(seq 100); do [ -s "$tmp/live.rc" ] && break; sleep 0.05; done
    tmux -L "$sock" kill-server 2>/dev/null
    [ "$seen" = 1 ] && grep -q 'task One' "$tmp/live.screen" && ok ||
        bad "live view: $(cat "$tmp/live.screen")"
    [ "$(cat "$tmp/live.rc" 2>/dev/null)" = 0 ] && ok || bad "live view exit: $(cat "$tmp/live.rc")"
    "$juggle" replay "$tmp/live.jsonl" --headless | tail -1 | grep -q '^Total elapsed time' && ok ||
        bad "live view: --record"
    # Its picture is titled after the program, as the view's header is.
    "$juggle" export "$tmp/live.jsonl" --svg "$tmp/live.svg" &&
        grep -q '<title>juggle: example_4.py (python)</title>' "$tmp/live.svg" && ok ||
        bad "the picture's title: $(grep -o '<title>[^<]*' "$tmp/live.svg")"
    # The keys that would run a scene (1-5, c, m, < >, [ ]) or rerun the
    # program (r) say why not, in the live view and in its replay; the
    # program runs on to its end (r used to crash juggle here).
    keys_say() { # SESSION-COMMAND: each key and the status line it brings
        tmux -L "$sock" new-session -d -s k -x 200 -y 30 "cd '$tmp' && $1; echo \$? >'$tmp/keys.rc'"
        sleep 0.5
        for k in r 2 c m '<' '[' w; do
            tmux -L "$sock" send-keys -t k "$k"
            sleep 0.2
            echo "$k $(tmux -L "$sock" capture-pane -p -t k 2>/dev/null | tail -1 | sed 's/^ *//')"
        done
    }
    rm -f "$tmp/keys.rc"
    rm -f "$tmp"/juggle-example_4-python-*.jsonl
    keys_say "'$juggle' watch --record '$tmp/keys.jsonl' -- python3 '$progs/example_4.py' 0.1" >"$tmp/keys.live"
    for _ in $(seq 100); do
        tmux -L "$sock" capture-pane -p -t k 2>/dev/null | grep -q 'Total elapsed time' && break
        sleep 0.05
    done
    tmux -L "$sock" send-keys -t k q
    for _ in $(seq 100); do [ -s "$tmp/keys.rc" ] && break; sleep 0.05; done
    tmux -L "$sock" kill-server 2>/dev/null
    no_scene='no scene to %s: this is a Python program as it ran (juggle compare SCENE --with-python PROG.py sets a scene beside it)'
    want=$(printf '%s\n' "r a watched program is not run twice from the view (its effects would happen again): q, then juggle watch again" \
        "2 $(printf "$no_scene" 'run under another strategy')" "c $(printf "$no_scene" compare)" \
        "m $(printf "$no_scene" simulate)" "< $(printf "$no_scene" 'run at another pace')" "[ $(printf "$no_scene" poll)")
    # w names the trace after the program, in the live view and the replay.
    want_w() { sed -n '$s/ ([0-9]* events[^)]*)$//p' "$1"; }
    [ "$(want_w "$tmp/keys.live")" = "w wrote juggle-example_4-python-1.jsonl" ] && ok ||
        bad "w in the live view: $(tail -1 "$tmp/keys.live")"
    sed -i '$d' "$tmp/keys.live"
    [ "$(cat "$tmp/keys.live")" = "$want" ] && [ "$(cat "$tmp/keys.rc")" = 0 ] && ok ||
        bad "keys in the live view (rc $(cat "$tmp/keys.rc")): $(diff <(echo "$want") "$tmp/keys.live")"
    "$juggle" replay "$tmp/keys.jsonl" --headless | tail -1 | grep -q '^Total elapsed time' && ok ||
        bad "keys in the live view: the program did not run to its end"
    rm -f "$tmp/keys.rc"
    keys_say "'$juggle' replay '$tmp/keys.jsonl'" | tail -n +2 >"$tmp/keys.replay"
    [ "$(want_w "$tmp/keys.replay")" = "w wrote juggle-example_4-python-2.jsonl" ] && ok ||
        bad "w in the replay: $(tail -1 "$tmp/keys.replay")"
    sed -i '$d' "$tmp/keys.replay"
    tmux -L "$sock" send-keys -t k q
    for _ in $(seq 100); do [ -s "$tmp/keys.rc" ] && break; sleep 0.05; done
    tmux -L "$sock" kill-server 2>/dev/null
    [ "$(cat "$tmp/keys.replay")" = "$(echo "$want" | tail -n +2)" ] && [ "$(cat "$tmp/keys.rc")" = 0 ] && ok ||
        bad "keys in its replay: $(diff <(echo "$want" | tail -n +2) "$tmp/keys.replay")"
fi
for n in 1 2 3 4 5 5t 6; do echo "makespan example $n: $(fact "$tmp/$n.shape" makespan) ns, simulated $(fact "$tmp/$n.sim.shape" makespan) (units)"; done
# Threads printing at once: every line whole (print's text and its end
# under one lock; with the tracer's stdout in Python, two threads' prints
# split each other thousands of times in 8,000 lines).
"$juggle" watch --headless -- python3 "$progs/prints_threads.py" >"$tmp/prints.out" 2>"$tmp/prints.err"
rc=$?
whole=$(grep -cxE 'Task [0-3] line [0-9]+' "$tmp/prints.out")
[ "$rc" = 0 ] && [ "$whole" = 8000 ] && [ "$(wc -l <"$tmp/prints.out")" = 8000 ] && ok ||
    bad "threads printing at once: exit $rc, $whole whole lines of $(wc -l <"$tmp/prints.out") (want 8000)"

finish

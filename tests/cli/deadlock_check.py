#!/usr/bin/env python3
"""Issue 12: a deadlock names both waits under every strategy. On one
thread (coop, poll) the task stalled in a blocking lock wait keeps the
thread, and the other waits for it: the thread is a resource of the
wait-for graph ("thread"), in the printed line, the --summary, the --json
cycle and a recorded trace (and so its replay).

Usage: deadlock_check.py JUGGLE TMPDIR   (run from the checkout's root)
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402

JUGGLE, TMP = sys.argv[1], sys.argv[2]
STRATS = ("sync", "coop", "poll", "threads", "loop")


def run(*args):
    p = subprocess.run([JUGGLE, *args], capture_output=True, text=True, timeout=60)
    return p.stdout, p.returncode


def member(task, holds, waits):
    return {"task": task, "holds": holds, "waits": waits}


ONE = "deadlock: A holds dryer and thread, waits for washer; B holds washer, waits for thread"
TWO = "deadlock: A holds dryer, waits for washer; B holds washer, waits for dryer"
# The cycle's members chain: each holds what the one before it waits for
# (on one thread A holds the thread B waits for; the text names the dryer too).
want = {
    "coop": (ONE, [member("A", "thread", "washer"), member("B", "washer", "thread")]),
    "poll": (ONE, [member("A", "thread", "washer"), member("B", "washer", "thread")]),
    "threads": (TWO, [member("A", "dryer", "washer"), member("B", "washer", "dryer")]),
}

for s in STRATS:
    out, rc = run("run", "deadlock", "-s", s, "--headless")
    text, cycle = want.get(s, (None, None))
    lines = out.splitlines()
    if text:
        check(f"deadlock {s}: the last line names both waits, exit 1",
              lines[-1:] == [text] and rc == 1, (rc, lines[-2:]))
        check(f"deadlock {s}: one deadlock line", sum(l.startswith("deadlock") for l in lines) == 1,
              lines)
    else:
        check(f"deadlock {s}: one at a time, no deadlock",
              rc == 0 and lines[-2:] == ["B moves the clothes", "B is done"], (rc, lines[-2:]))
    js, rc = run("run", "deadlock", "-s", s, "--headless", "--json")
    d = json.loads(js)
    check(f"deadlock {s} --json: the cycle, both waits named",
          d.get("deadlock") == ({"text": text, "cycle": cycle} if text else None),
          d.get("deadlock"))
    if text:
        c = d["deadlock"]["cycle"]
        check(f"deadlock {s} --json: each member waits for what the next holds",
              all(c[i]["waits"] == c[(i + 1) % len(c)]["holds"] for i in range(len(c))), c)
    out, rc = run("run", "deadlock", "-s", s, "--headless", "--summary")
    if text:
        check(f"deadlock {s} --summary: names the cycle", out.count(text) == 2, out)
    # The lock order fixes threads; on one thread B's blocking acquire of
    # the washer A holds still stops everything, and the report says why.
    js, rc = run("run", "deadlock-fixed", "-s", s, "--headless", "--json")
    fixed = {"text": "deadlock: A holds washer, waits for thread; B holds thread, waits for washer",
             "cycle": [member("A", "washer", "thread"), member("B", "thread", "washer")]}
    check(f"deadlock-fixed {s}: " + ("the one thread's cycle" if s in ("coop", "poll") else
                                     "no deadlock"),
          (rc, json.loads(js).get("deadlock")) == ((1, fixed) if s in ("coop", "poll") else (0, None)),
          (rc, json.loads(js).get("deadlock")))

# A trace holds the thread as a resource, announced when the cycle is
# found (resources of the scene come first, at 0); its replay reads the same.
rec = os.path.join(TMP, "dl.jsonl")
run("run", "deadlock", "-s", "coop", "--headless", "--record", rec)
res = [json.loads(l) for l in open(rec) if '"resource_new"' in l]
check("deadlock coop trace: washer 0, dryer 1 at the start, thread 2 at the deadlock",
      [(e[1], e[5], e[9]) for e in res] == [(0, 0, "washer"), (0, 1, "dryer"), (4e9, 2, "thread")],
      res)
kinds = [json.loads(l)[2] for l in open(rec) if l.startswith("[")]
check("deadlock coop trace: the thread is announced just before the report",
      kinds[kinds.index("deadlock") - 2:kinds.index("deadlock")] == ["resource_new", "log"], kinds)
js, rc = run("replay", rec, "--headless", "--json")
check("deadlock coop replay: the same cycle", rc == 1 and json.loads(js).get("deadlock") == {
    "text": ONE, "cycle": want["coop"][1]}, js[:300])

# No deadlock, no thread resource.
run("run", "deadlock", "-s", "threads", "--headless", "--record", rec)
check("deadlock threads trace: no thread resource",
      not any('"thread"' in l for l in open(rec) if '"resource_new"' in l))

# The checkbook with its lock held across an awaited window: under poll D
# blocks the one thread on the lock C holds while C waits for its I/O.
ini = open("scenes/checkbook.ini").read()
ini = re.sub(r"^lock\s*=.*$", "lock = on", ini, flags=re.M)
ini = re.sub(r"^await_in_update\s*=.*$", "await_in_update = on", ini, flags=re.M)
path = os.path.join(TMP, "cb-lock-await.ini")
open(path, "w").write(ini)
for s in STRATS:
    js, rc = run("run", path, "-s", s, "--headless", "--json")
    d = json.loads(js)
    if s == "poll":
        check("checkbook lock+await poll: the cycle through the thread", rc == 1 and d.get(
            "deadlock") == {"text": "deadlock: C holds account, waits for thread; "
                            "D holds thread, waits for account",
                            "cycle": [member("C", "account", "thread"),
                                      member("D", "thread", "account")]}, d.get("deadlock"))
    else:
        check(f"checkbook lock+await {s}: every update counted",
              rc == 0 and "deadlock" not in d and d["balance_actual"] == -100, (rc, d.get("deadlock")))

finish()

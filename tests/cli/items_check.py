#!/usr/bin/env python3
"""Issue 12: every piece of work is an item. The household's checkbook
entries, the checkbook scene's check and bills, each deadlock parent's job
and pi's chunks and ticks are items under every strategy: counted in --json, each with its label and its own start and end
in a recorded trace, and the printed lines are what they were without them.

Usage: items_check.py JUGGLE TMPDIR   (run from the checkout's root)
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
LAST_OPEN = {}  # the last run's items that never ended: task name -> label


def run(scene, strategy):
    """(--json summary, printed lines, {task name: [(label, t0, t1, failed)]})."""
    rec = os.path.join(TMP, "run.jsonl")
    base = [JUGGLE, "run", scene, "-s", strategy, "--headless"]
    d = json.loads(subprocess.run(base + ["--json", "--record", rec], capture_output=True,
                                  text=True, timeout=60).stdout)
    lines = subprocess.run(base, capture_output=True, text=True, timeout=60).stdout.splitlines()
    names, opened, items, overlaps = {}, {}, {}, []
    with open(rec) as f:
        for line in f:
            if not line.startswith("["):
                continue
            ev = json.loads(line)  # [seq, t, kind, task, cpu, other, reason, value, value2, text]
            if ev[2] == "task_new":
                names[ev[3]] = ev[9]
            elif ev[2] == "item_start":
                if ev[3] in opened:
                    overlaps.append(ev)
                opened[ev[3]] = (ev[9], ev[1] / 1e9)
            elif ev[2] == "item_end":
                label, t0 = opened.pop(ev[3])
                items.setdefault(names[ev[3]], []).append((label, t0, ev[1] / 1e9, ev[8]))
    # A deadlocked task's item never ends; every other item does.
    check(f"{scene} {strategy}: one item at a time per task, and every item ends",
          not overlaps and (not opened or "deadlock" in d), (overlaps, opened))
    LAST_OPEN.clear()
    LAST_OPEN.update({names[k]: v[0] for k, v in opened.items()})
    return d, lines, items


def task(d, name):
    return next(t for t in d["tasks"] if t["name"] == name)


def variant(scene, name, **changes):
    text = open(f"scenes/{scene}.ini").read()
    for key, value in changes.items():
        text, n = re.subn(rf"^{key}\s*=.*$", f"{key} = {value}", text, flags=re.M)
        assert n == 1, key
    path = os.path.join(TMP, name + ".ini")
    open(path, "w").write(text)
    return path


# --- The checkbook scene: C's check and D's ten bills ----------------------
bills = [f"bill {k}" for k in range(1, 11)]
for s in STRATS:
    d, lines, items = run("checkbook", s)
    check(f"checkbook {s}: C 1 item, D 10", [(t["name"], t["items"], t["failed_items"])
                                            for t in d["tasks"]] == [("C", 1, 0), ("D", 10, 0)],
          d["tasks"])
    c, dd = items.get("C", []), items.get("D", [])
    check(f"checkbook {s}: C's item is the check", [i[0] for i in c] == ["check 900"], c)
    check(f"checkbook {s}: D's items are its bills", [i[0] for i in dd] == bills, dd)
    # Each update's window is one minute; on one CPU with a 0.5 quantum,
    # threads preempt C half way through its check and D's first bill.
    spans = [(i[1], i[2]) for i in c + dd]
    want = [(0, 1)] + [(k, k + 1) for k in range(1, 11)]
    if s == "threads":
        want = [(0, 1.5), (0.5, 2)] + want[2:]
    check(f"checkbook {s}: each update's start and end", spans == want, spans)
    check(f"checkbook {s}: no extra printed line",
          len(lines) == 14 and lines[0] == "C writes a check for 900", lines)
for name, changes in (("cb-lock", {"lock": "on"}), ("cb-await", {"await_in_update": "on"})):
    for s in STRATS:
        d, _, _ = run(variant("checkbook", name, **changes), s)
        check(f"checkbook {name} {s}: C 1 item, D 10",
              [t["items"] for t in d["tasks"]] == [1, 10], d["tasks"])

# --- The household: every entry of the checkbook ---------------------------
entries = [f"entry {k}" for k in range(1, 61)]
for s in STRATS:
    d, lines, items = run("household", s)
    calls = int(next(l for l in lines if l.startswith("Kids asleep after")).split()[3])
    check(f"household {s}: items per task",
          [(t["name"], t["items"]) for t in d["tasks"]] ==
          [("Kids", calls), ("Laundry", 3), ("Checkbook", 60)], d["tasks"])
    book = items.get("Checkbook", [])
    check(f"household {s}: the checkbook's items are its entries",
          [i[0] for i in book] == entries, [i[0] for i in book][:5])
    check(f"household {s}: each entry takes at least its 4 minutes",
          all(t1 - t0 >= 4 - 1e-9 for _, t0, t1, _ in book), book[:5])
    check(f"household {s}: entries follow each other",
          all(book[k][1] >= book[k - 1][2] for k in range(1, len(book))), book[:5])
    # Written, the last entry ends; where the program yields after each
    # entry (coop, threads, loop) the checkbook may finish a turn later.
    done = task(d, "Checkbook")["done"]
    check(f"household {s}: the last entry ends " +
          ("as the checkbook is done" if s in ("sync", "poll") else "by the checkbook's end"),
          book and (abs(book[-1][2] - done) < 1e-6 if s in ("sync", "poll")
                    else book[-1][2] <= done + 1e-6), (book[-1:], done))
    check(f"household {s}: no extra printed line",
          sum(l.startswith("Checkbook") for l in lines) == 1, lines)
# Under threads the checkbook has its own CPU: entries back to back from 0.
_, _, items = run("household", "threads")
check("household threads: entries at 0, 4, 8, ... 236",
      [(i[1], i[2]) for i in items.get("Checkbook", [])] == [(4 * k, 4 * k + 4) for k in range(60)],
      items.get("Checkbook", [])[:3])
# Under sync it starts when the laundry is folded and runs unbroken.
d, _, items = run("household", "sync")
folded, book = items["Laundry"][-1][2], items.get("Checkbook", [])
check("household sync: entries back to back after the laundry",
      len(book) == 60 and all(abs(t0 - (folded + 4 * k)) < 1e-6 and abs(t1 - t0 - 4) < 1e-6
                              for k, (_, t0, t1, _) in enumerate(book)), (folded, book[:3]))

# --- The deadlock: each parent's job, both machines -------------------------
for scene in ("deadlock", "deadlock-fixed"):
    for s in STRATS:
        d, lines, items = run(scene, s)
        labels = ["washer, then dryer" if scene == "deadlock-fixed" else "dryer, then washer",
                  "washer, then dryer"]
        # A deadlocked parent's job never ends; a finished one's ends with it.
        stuck = "deadlock" in d
        check(f"{scene} {s}: items", [t["items"] for t in d["tasks"]] == ([0, 0] if stuck
                                                                          else [1, 1]), d["tasks"])
        check(f"{scene} {s}: " + ("both jobs left open" if stuck else "no job left open"),
              LAST_OPEN == ({"A": labels[0], "B": labels[1]} if stuck else {}), LAST_OPEN)
        check(f"{scene} {s}: each job ends as its parent is done",
              stuck or [(k, [(l, t1) for l, _, t1, _ in v]) for k, v in sorted(items.items())] ==
              [(t["name"], [(labels[i], t["done"])]) for i, t in enumerate(d["tasks"])],
              (items, d["tasks"]))

# --- Pi: each chunk of digits and each tick --------------------------------
chunks = [f"digits {k + 1}-{k + 50}" for k in range(0, 500, 50)]
for s in STRATS:
    d, lines, items = run("pi", s)
    ticks = int(lines[-1].split()[2])
    check(f"pi {s}: items: 10 chunks per worker, the ticker's ticks",
          [t["items"] for t in d["tasks"]] == [10, 10, ticks], (d["tasks"], lines[-1]))
    check(f"pi {s}: chunk labels", [i[0] for i in items.get("Pi1", [])] == chunks, items.get("Pi1"))
    check(f"pi {s}: tick labels",
          [i[0] for i in items.get("Ticker", [])] == [f"tick {k}" for k in range(1, ticks + 1)],
          items.get("Ticker"))
    # A chunk is 50 digits at 0.01 each: 0.5 of CPU, more if it waited.
    check(f"pi {s}: each chunk at least its 0.5",
          all(t1 - t0 >= 0.5 - 1e-9 for _, t0, t1, _ in items.get("Pi1", [])), items.get("Pi1"))
_, _, items = run("pi", "sync")
check("pi sync: Pi1's chunks back to back from 0",
      [(round(t0, 6), round(t1, 6)) for _, t0, t1, _ in items.get("Pi1", [])] ==
      [(k / 2, k / 2 + 0.5) for k in range(10)], items.get("Pi1"))

finish()

#!/usr/bin/env python3
"""Issue 12: every piece of work is an item. The household's checkbook
entries and the checkbook scene's check and bills are items under every
strategy: counted in --json, each with its label and its own start and end
in a recorded trace, and the printed lines are what they were without them.

Usage: items_check.py JUGGLE TMPDIR   (run from the checkout's root)
"""
import json
import os
import re
import subprocess
import sys

JUGGLE, TMP = sys.argv[1], sys.argv[2]
STRATS = ("sync", "coop", "poll", "threads", "loop")
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


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
    check(f"{scene} {strategy}: one item at a time per task, and every item ends",
          not overlaps and not opened, (overlaps, opened))
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

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
"""Issue 6: each of the article's pictures, as a scene, must show what the
article says it shows. Every assertion is on the engine's --json numbers or
the printed lines, for the shipped scenes and for variants written here.

Usage: scenes_check.py JUGGLE TMPDIR   (run from the checkout's root)
"""
import json
import os
import re
import subprocess
import sys
from decimal import Decimal, getcontext

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402

JUGGLE, TMP = sys.argv[1], sys.argv[2]


def run(scene, strategy, *extra, fmt="--json"):
    args = [JUGGLE, "run", scene, "-s", strategy, "--headless", *extra]
    if fmt:
        args.append(fmt)
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    out = json.loads(p.stdout) if fmt == "--json" else p.stdout
    return out, p.returncode


def variant(scene, name, **changes):
    """scenes/SCENE.ini with some keys changed, written to TMP/NAME.ini."""
    lines = open(f"scenes/{scene}.ini").read().splitlines()
    for i, line in enumerate(lines):
        key = line.split("=")[0].strip()
        if key in changes and "=" in line:
            lines[i] = f"{key} = {changes.pop(key)}"
    assert not changes, f"keys not in {scene}.ini: {changes}"
    path = os.path.join(TMP, name + ".ini")
    open(path, "w").write("\n".join(lines) + "\n")
    return path


def task(d, name):
    return next(t for t in d["tasks"] if t["name"] == name)


# --- The household ---------------------------------------------------------
h = {s: run("household", s)[0] for s in ("sync", "coop", "poll", "threads", "loop")}
for s, d in h.items():
    check(f"household {s}: finishes", not d["failed"] and all(t["done"] is not None for t in d["tasks"]),
          d)
# sync: the kids are watched until they sleep; everything else is late.
check("household sync: kids never wait", h["sync"]["attention_wait_max"] == 0)
check("household sync: checkbook starts only after the kids sleep",
      task(h["sync"], "Checkbook")["done"] - task(h["sync"], "Checkbook")["running"]
      >= task(h["sync"], "Kids")["done"], h["sync"])
for s in ("poll", "threads", "loop"):
    check(f"household {s}: day done far earlier than sync",
          h[s]["total"] < 0.6 * h["sync"]["total"], (h[s]["total"], h["sync"]["total"]))
# poll: kids wait, but no longer than one interval plus one check and the
# attention of the call in progress; most checks find nothing.
poll = h["poll"]
check("household poll: kids wait", poll["attention_wait_max"] > 0)
check("household poll: kids wait at most about one interval",
      poll["attention_wait_max"] <= 15 + 1, poll["attention_wait_max"])
check("household poll: machines stand unattended", poll["unattended"] > 0)
check("household poll: most checks are wasted", poll["wasted_checks"] > poll["useful_checks"])
# Doubling the interval wastes fewer checks and makes the kids wait longer.
p30 = run("household", "poll", "--poll-interval", "30")[0]
p7 = run("household", "poll", "--poll-interval", "7.5")[0]
check("household poll: wasted checks fall as the interval doubles",
      p7["wasted_checks"] > poll["wasted_checks"] > p30["wasted_checks"],
      (p7["wasted_checks"], poll["wasted_checks"], p30["wasted_checks"]))
check("household poll: worst wait grows as the interval doubles",
      p7["attention_wait_max"] < p30["attention_wait_max"],
      (p7["attention_wait_max"], p30["attention_wait_max"]))
# threads: a clone per task, the kids never wait.
check("household threads: kids never wait", h["threads"]["attention_wait_max"] == 0)
check("household threads: machines never stand", h["threads"]["unattended"] == 0)
# loop: kids first, waits bounded by one step that does not await: a
# checkbook entry (4 minutes) or, once the kid has yielded and waits for
# the CPU again, a laundry move (5 minutes).
check("household loop: kids wait at most one step",
      0 <= h["loop"]["attention_wait_max"] <= 5, h["loop"]["attention_wait_max"])
check("household loop: kids wait less than under poll",
      h["loop"]["attention_wait_max"] < poll["attention_wait_max"])
# The log and the totals tell one story: the summary's wait for attention
# is each call's "attended after" (from when it was made), worst and mean.
for s, d in h.items():
    text = run("household", s, fmt=None)[0]
    after = [float(x) for x in re.findall(r"Kids call \d+ at [\d.]+: attended after ([\d.]+)", text)]
    check(f"household {s}: worst attention wait is the log's worst call",
          after and f"{max(after):.1f}" == f"{d['attention_wait_max']:.1f}", (after, d["attention_wait_max"]))
    check(f"household {s}: mean attention wait is the log's calls' mean",
          abs(sum(after) / len(after) - d["attention_wait_mean"]) <= 0.05,
          (after, d["attention_wait_mean"]))
    check(f"household {s}: one call item per call", task(d, "Kids")["items"] == len(after),
          (task(d, "Kids")["items"], len(after)))
# coop: the kids call while their generator waits in line behind the parent
# at the washer; the call is answered only on the Kids' next turn.
check("household coop: a call waits for the generator's turn", h["coop"]["attention_wait_max"] > 100,
      h["coop"]["attention_wait_max"])
lines = run("household", "loop", fmt=None)[0].splitlines()
check("household loop: the day's closing line", lines[-1] == f"Day done at {h['loop']['total']:.1f}",
      lines[-1])

# --- The deadlock ----------------------------------------------------------
d, rc = run("deadlock", "threads")
check("deadlock threads: exit status 1", rc == 1, rc)
check("deadlock threads: the cycle",
      d.get("deadlock", {}).get("cycle") == [
          {"task": "A", "holds": "dryer", "waits": "washer"},
          {"task": "B", "holds": "washer", "waits": "dryer"}], d.get("deadlock"))
out, rc = run("deadlock", "threads", fmt=None)
check("deadlock threads: the log line",
      "deadlock: A holds dryer, waits for washer; B holds washer, waits for dryer" in out.splitlines(),
      out)
out, rc = run("deadlock", "threads", fmt="--summary")
check("deadlock threads: the summary names it",
      "deadlock: A holds dryer, waits for washer; B holds washer, waits for dryer" in out, out)
d, rc = run("deadlock-fixed", "threads")
check("deadlock-fixed threads: both finish, exit 0",
      rc == 0 and "deadlock" not in d and all(t["done"] is not None for t in d["tasks"]), (rc, d))
d, rc = run(variant("deadlock", "dl-ordered", lock_order="ordered"), "threads")
check("deadlock lock_order = ordered: no deadlock", rc == 0 and "deadlock" not in d, (rc, d))
for s in ("sync", "loop"):
    d, rc = run("deadlock", s)
    check(f"deadlock {s}: one at a time cannot deadlock", rc == 0 and "deadlock" not in d, (rc, d))

# --- The checkbook race ----------------------------------------------------
d, rc = run("checkbook", "threads")
check("checkbook threads: an update is lost",
      d["lost_updates"] >= 1 and d["balance_actual"] != d["balance_expected"], d)
check("checkbook threads: the bank balance is every update applied",
      d["balance_expected"] == 1000 - 900 - 10 * 20, d["balance_expected"])
check("checkbook threads: a wrong balance fails the run", rc == 1, rc)
d, rc = run(variant("checkbook", "cb-lock", lock="on"), "threads")
check("checkbook lock = on: every update counted",
      rc == 0 and d["balance_actual"] == d["balance_expected"] and "lost_updates" not in d, d)
d, rc = run("checkbook", "loop")
check("checkbook loop: cannot interleave between awaits",
      rc == 0 and d["balance_actual"] == d["balance_expected"], d)
d, rc = run(variant("checkbook", "cb-await", await_in_update="on"), "loop")
check("checkbook loop with await in the update: loses one",
      rc == 1 and d["balance_actual"] != d["balance_expected"], d)
out, _ = run("checkbook", "threads", fmt=None)
check("checkbook threads: says so",
      out.splitlines()[-1] == "Balance in the book 800, at the bank -100: an update was lost, "
      "and it is overdrawn", out)

# --- The web server --------------------------------------------------------
w = {s: run("webserver", s)[0] for s in ("sync", "threads", "loop")}
for s, d in w.items():
    check(f"webserver {s}: serves every request", d["requests"] == 200, d["requests"])
check("webserver: sync p99 latency far above loop",
      w["sync"]["latency_p99"] > 10 * w["loop"]["latency_p99"],
      (w["sync"]["latency_p99"], w["loop"]["latency_p99"]))
check("webserver: sync's queue grows", w["sync"]["queue_max"] > 10 * w["loop"]["queue_max"])
check("webserver: loop keeps up with arrivals (throughput near the rate of 4)",
      3.5 < w["loop"]["throughput"] <= 4.5, w["loop"]["throughput"])
check("webserver: latencies are ordered",
      all(d["latency_p50"] <= d["latency_p95"] <= d["latency_p99"] <= d["latency_max"]
          for d in w.values()))
# A request needs at least parse + query + render.
check("webserver: no request faster than its own work",
      min(d["latency_p50"] for d in w.values()) >= 0.6 - 1e-9)

# --- CPU-bound work --------------------------------------------------------
c = {s: run("pi", s) for s in ("sync", "coop", "threads", "loop")}
check("pi: all finish", all(rc == 0 for _, rc in c.values()))
check("pi threads on 2 CPUs: about twice as fast as on one",
      c["threads"][0]["total"] < 0.6 * c["sync"][0]["total"],
      (c["threads"][0]["total"], c["sync"][0]["total"]))
one, _ = run(variant("pi", "pi-1cpu", cpus="1"), "threads")
check("pi threads on 1 CPU: no faster than sync", one["total"] >= c["sync"][0]["total"],
      (one["total"], c["sync"][0]["total"]))
check("pi loop: the ticker starves (waits about a whole computation)",
      c["loop"][0]["attention_wait_max"] >= 4, c["loop"][0]["attention_wait_max"])
check("pi threads: the ticker waits at most one quantum (0.1)",
      0 < c["threads"][0]["attention_wait_max"] <= 0.1 + 1e-9, c["threads"][0]["attention_wait_max"])
check("pi sync: the ticker waits for both computations",
      c["sync"][0]["attention_wait_max"] == c["sync"][0]["total"], c["sync"][0])
ticks = {s: int(run("pi", s, fmt=None)[0].splitlines()[-1].split()[2]) for s in ("coop", "loop")}
check("pi: coop lets the ticker in at each yield; loop does not",
      ticks["coop"] >= 9 and ticks["loop"] <= 1, ticks)
# The digits are really pi (checked against Machin's formula).
getcontext().prec = 60
def arctan_inv(x):
    x, s, t, n, sign = Decimal(x), Decimal(0), 1 / Decimal(x), 1, 1
    while t / n > Decimal(10) ** -58:
        s, t, n, sign = s + sign * t / n, t / (x * x), n + 2, -sign
    return s
pi = str(16 * arctan_inv(5) - 4 * arctan_inv(239))[:22]
out, _ = run("pi", "sync", fmt=None)
check("pi: the digits are pi", f"Pi1 computed 500 digits: {pi}..." in out.splitlines(), out)

# --- Every shipped scene runs under every strategy, and is listed ----------
listing = subprocess.run([JUGGLE, "scenes"], capture_output=True, text=True).stdout
for scene in ("household", "deadlock", "deadlock-fixed", "checkbook", "webserver", "pi"):
    check(f"scenes lists {scene}", any(l.split()[:1] == [scene] for l in listing.splitlines()),
          listing)
    for s in ("sync", "coop", "poll", "threads", "loop"):
        d, rc = run(scene, s)
        check(f"{scene} {s}: ends", rc in (0, 1) and d["total"] > 0, (rc, d.get("total")))

finish()

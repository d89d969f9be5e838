#!/usr/bin/env python3
"""Slow clients against a delay server on loopback, with ordinary requests
alongside (used by test_serve_slow.sh and torture_serve_slow.sh).

Opens COUNT connections from each source address 127.0.0.LAST (--slow
LAST:COUNT,...), sends each a request line and then one header line every
--interval seconds, never the blank line that would end the request; all
the while, from 127.0.0.1, fetches /delay/--delay one request after
another, each with a timeout of its delay + 1 s. Runs --duration seconds,
then prints one line per check, "ok ..." or "FAIL ...":

  - no slow connection was ever answered, and every one connected;
  - every ordinary request answered 200 within its delay + 1 s;
  - with --deadline D: from each source, exactly COUNT - --per-ip
    connections (if positive) were closed at once (the per-address limit),
    and every other one was cut by the server between D - 1 and D + 3 s
    after it connected, though it was never idle for --interval seconds;
  - without --deadline: every slow connection is still open (they were
    under the per-address limit and the run is shorter than the deadline).

Loopback only, bounded in count (--max) and time (--duration).
"""
import argparse
import collections
import errno
import http.client
import resource
import selectors
import socket
import sys
import threading
import time

CONNECTING, OPEN, CLOSED, ANSWERED, FAILED = range(5)


class Slow:
    __slots__ = ("sock", "src", "state", "t_conn", "t_closed", "lines")

    def __init__(self, sock, src):
        self.sock, self.src, self.state = sock, src, CONNECTING
        self.t_conn = self.t_closed = None
        self.lines = 0


def ordinary(port, delay, stop, results):
    """Sequential /delay/DELAY fetches from 127.0.0.1 until stop is set."""
    limit = delay / 1000 + 1
    while not stop.is_set():
        t0 = time.monotonic()
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=limit,
                                           source_address=("127.0.0.1", 0))
            c.request("GET", f"/delay/{delay}")
            r = c.getresponse()
            r.read()
            c.close()
            results.append((r.status, time.monotonic() - t0, ""))
        except OSError as e:
            results.append((0, time.monotonic() - t0, str(e)))


def open_one(sel, port, last):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind((f"127.0.0.{last}", 0))
    conn = Slow(s, last)
    rc = s.connect_ex(("127.0.0.1", port))
    if rc not in (0, errno.EINPROGRESS):
        conn.state = FAILED
        s.close()
        return conn
    sel.register(s, selectors.EVENT_WRITE, conn)
    return conn


def on_event(sel, conn, now):
    if conn.state == CONNECTING:
        err = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            conn.state = FAILED
            sel.unregister(conn.sock)
            conn.sock.close()
            return
        conn.state, conn.t_conn = OPEN, now
        try:
            conn.sock.send(b"GET /delay/0 HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        except OSError:
            pass  # a refused connection: the read below sees it closed
        sel.modify(conn.sock, selectors.EVENT_READ, conn)
        return
    try:
        data = conn.sock.recv(4096)
    except BlockingIOError:
        return
    except OSError:
        data = b""
    conn.state = ANSWERED if data else CLOSED
    conn.t_closed = now
    sel.unregister(conn.sock)
    conn.sock.close()


def trickle(conns, now):
    for c in conns:
        if c.state == OPEN:
            try:
                c.sock.send(b"X-Slow-%d: y\r\n" % c.lines)
                c.lines += 1
            except OSError:
                pass  # the server has shut it down; the selector will see it


def run(args, plan):
    sel = selectors.DefaultSelector()
    conns, todo = [], collections.deque(plan)
    stop, results = threading.Event(), []
    t = threading.Thread(target=ordinary, args=(args.port, args.delay, stop, results))
    t.start()
    t0 = time.monotonic()
    next_line = t0 + args.interval
    while True:
        now = time.monotonic()
        if now - t0 >= args.duration:
            break
        for _ in range(min(args.ramp, len(todo))):
            conns.append(open_one(sel, args.port, todo.popleft()))
        for key, _ in sel.select(timeout=0.01):
            on_event(sel, key.data, time.monotonic())
        if now >= next_line:
            trickle(conns, now)
            next_line += args.interval
    stop.set()
    t.join()
    for c in conns:
        if c.state in (OPEN, CONNECTING):
            c.sock.close()
    return conns, results


def check(args, plan_counts, conns, results):
    checks = []

    def report(ok, text):
        checks.append(ok)
        print(("ok   " if ok else "FAIL ") + text)

    answered = sum(c.state == ANSWERED for c in conns)
    unconnected = sum(c.state in (FAILED, CONNECTING) for c in conns)
    report(answered == 0, f"no slow connection answered ({answered} of {len(conns)} were)")
    report(unconnected == 0, f"every slow connection connected ({unconnected} did not)")
    bad = [r for r in results if r[0] != 200 or r[1] > args.delay / 1000 + 1]
    worst = max((r[1] for r in results), default=0)
    report(len(results) > 0 and not bad,
           f"{len(results)} ordinary /delay/{args.delay} requests answered 200 within "
           f"{args.delay} ms + 1 s (slowest {worst * 1000:.0f} ms; failed: {bad[:3]})")
    for last, count in plan_counts:
        mine = [c for c in conns if c.src == last and c.t_conn is not None]
        if args.deadline is None:
            still = sum(c.state == OPEN for c in mine)
            report(still == count, f"127.0.0.{last}: {still} of {count} slow connections "
                   f"still open after {args.duration} s")
            continue
        early = [c for c in mine if c.t_closed is not None
                 and c.t_closed - c.t_conn < args.deadline / 2]
        cut = [c for c in mine if c.t_closed is not None
               and args.deadline - 1 <= c.t_closed - c.t_conn <= args.deadline + 3]
        held = count - max(0, count - args.per_ip)
        report(len(early) == count - held,
               f"127.0.0.{last}: {len(early)} of {count} closed at once (per-address limit "
               f"{args.per_ip}: want {count - held})")
        lines = min((c.lines for c in cut), default=0)
        report(len(cut) == held,
               f"127.0.0.{last}: {len(cut)} of {held} held connections cut "
               f"{args.deadline:g} s (-1, +3) after connecting, each having sent "
               f"at least {lines} header lines")
    return checks


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--slow", required=True, help="LAST:COUNT,... from 127.0.0.LAST")
    ap.add_argument("--interval", type=float, default=2.0)
    ap.add_argument("--duration", type=float, required=True)
    ap.add_argument("--deadline", type=float)
    ap.add_argument("--per-ip", type=int, default=4096)
    ap.add_argument("--delay", type=int, default=200)
    ap.add_argument("--ramp", type=int, default=200, help="connections opened per 10 ms")
    ap.add_argument("--max", type=int, default=20000)
    args = ap.parse_args()
    plan_counts = [tuple(int(x) for x in part.split(":")) for part in args.slow.split(",")]
    total = sum(n for _, n in plan_counts)
    if total > args.max or args.duration > 120:
        sys.exit("slow_clients: over the bounds (--max connections, 120 s)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < total + 64:
        if hard < total + 64:
            sys.exit(f"slow_clients: {total} connections need {total + 64} descriptors; "
                     f"the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    # Interleave the sources, so that each reaches its limit as the others do.
    plan, left = [], dict(plan_counts)
    while any(left.values()):
        for last in left:
            if left[last]:
                plan.append(last)
                left[last] -= 1
    conns, results = run(args, plan)
    checks = check(args, plan_counts, conns, results)
    sys.exit(0 if all(checks) else 1)


if __name__ == "__main__":
    main()

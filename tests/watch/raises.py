"""Exceptions raised inside the calls juggle's tracer wraps, for
test_watch.sh to compare what plain python3 and `juggle watch` print:
the same message and the same traceback, with no frame of the tracer.
Usage: raises.py CASE"""
import os
import queue
import signal
import socket
import sys
import threading
import time


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def interrupt_soon():
    threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT)).start()


def numbers():  # a generator of its own: the trace hook is on
    yield from range(3)


CASES = {
    "sleep-negative": lambda: time.sleep(-1),
    "sleep-str": lambda: time.sleep("x"),
    "sleep-huge": lambda: time.sleep(1e300),
    "sleep-nan": lambda: time.sleep(float("nan")),
    "sleep-interrupted": lambda: (interrupt_soon(), time.sleep(5)),
    "queue-empty": lambda: queue.Queue().get(timeout=0.01),
    "simplequeue-timeout": lambda: queue.SimpleQueue().get(timeout=-1),
    "lock-release": lambda: threading.Lock().release(),
    "rlock-release": lambda: threading.RLock().release(),
    "lock-timeout-nonblocking": lambda: threading.Lock().acquire(False, 1),
    "lock-timeout-negative": lambda: threading.Lock().acquire(timeout=-2),
    "event-wait-str": lambda: threading.Event().wait("x"),
    "condition-unowned": lambda: threading.Condition().wait(1),
    "connect-refused": lambda: socket.socket().connect(("127.0.0.1", closed_port())),
    "read-bad-fd": lambda: os.read(99, 10),
    "waitpid-no-child": lambda: os.waitpid(-1, 0),
    "import-missing": lambda: __import__("no_such_module_here"),
    "stdout-attribute": lambda: sys.stdout.no_such_attribute,
    "print-bad-end": lambda: print(1, end=3),
    "poll-bad-timeout": lambda: __import__("select").poll().poll("x"),
    "sigtimedwait-negative": lambda: signal.sigtimedwait([signal.SIGUSR1], -1),
    "urlopen-refused": lambda: __import__("urllib.request").request.urlopen(f"http://127.0.0.1:{closed_port()}/"),
}


def main():
    for n in numbers():
        pass
    CASES[sys.argv[1]]()


if __name__ == "__main__":
    if sys.argv[1:] == ["list"]:
        print("\n".join(CASES))
    else:
        main()

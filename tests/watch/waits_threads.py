"""Threads that wait on each kind of thing the tracer names: a sleep, a
held lock, an empty queue, an unset event, another thread (join)."""
import queue
import threading
import time

lock = threading.Lock()
work = queue.Queue()
go = threading.Event()


def holder():
    with lock:
        time.sleep(0.2)


def locker():
    time.sleep(0.05)
    with lock:
        pass


def getter():
    work.get()


def waiter():
    go.wait()


threads = [threading.Thread(target=f, name=f.__name__) for f in (holder, locker, getter, waiter)]
for t in threads:
    t.start()
time.sleep(0.3)
work.put(1)
go.set()
for t in threads:
    t.join()
print("done")

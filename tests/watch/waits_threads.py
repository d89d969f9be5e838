"""Threads that wait on each kind of thing the tracer names: a sleep, a
held lock, an empty queue, an unset event, another thread (join), a child
process (subprocess.run), and a ThreadPoolExecutor's idle worker (its C
SimpleQueue)."""
import queue
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

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


def child():
    subprocess.run(["sleep", "0.1"], check=True)


threads = [threading.Thread(target=f, name=f.__name__) for f in (holder, locker, getter, waiter, child)]
for t in threads:
    t.start()
pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pool")
pool.submit(time.sleep, 0.05)  # then idle until the shutdown
time.sleep(0.3)
work.put(1)
go.set()
for t in threads:
    t.join()
pool.shutdown()
print("done")

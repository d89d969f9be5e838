"""Four threads printing at once, 2,000 lines each (test_watch.sh): under
juggle watch every line comes out whole ("Task 2 line 17"), none split by
another thread's print, as the trace's log events are whole lines."""
import threading


def worker(n):
    for i in range(2000):
        print("Task", n, "line", i)


threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()

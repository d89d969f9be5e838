"""Example 5 with threads instead of generators: each task is a thread
that fetches from the shared queue until it is empty, so the blocking
fetches overlap. Offline against `juggle serve` like example_5.py.
Usage: example_5_threads.py SERVER [SCALE]"""
import queue
import sys
import threading
import urllib.request

from timer import Timer

SERVER = sys.argv[1]
SCALE = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
DELAYS = [300, 800, 400, 300, 500, 500, 400]


def task(name, work_queue):
    timer = Timer(text=f"Task {name} elapsed time: {{:.1f}}", scale=SCALE)
    while True:
        try:
            url = work_queue.get(block=False)
        except queue.Empty:
            return
        print(f"Task {name} getting URL: {url}")
        timer.start()
        with urllib.request.urlopen(url) as response:
            response.read()
        timer.stop()


def main():
    """
    This is the main entry point for the program
    """
    # Create the queue of work
    work_queue = queue.Queue()

    # Put some work in the queue
    for ms in DELAYS:
        work_queue.put(f"{SERVER}/delay/{round(ms * SCALE)}")

    # Run the tasks, one thread each
    with Timer(text="\nTotal elapsed time: {:.1f}", scale=SCALE):
        threads = [threading.Thread(target=task, args=(n, work_queue)) for n in ("One", "Two")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


if __name__ == "__main__":
    main()

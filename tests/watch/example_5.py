"""The article's example 5 (synchronous, blocking HTTP calls from
generators driven by a loop), offline: urllib from the standard library
instead of requests, against juggle's delay server (`juggle serve`), each
URL delayed like the article's fetch of google.com, yahoo.com, ... (the
http scene's delays in ms, times SCALE).
Usage: example_5.py SERVER [SCALE]   e.g. http://127.0.0.1:8080 0.2"""
import queue
import sys
import urllib.request

from timer import Timer

SERVER = sys.argv[1]
SCALE = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
DELAYS = [300, 800, 400, 300, 500, 500, 400]


def task(name, work_queue):
    timer = Timer(text=f"Task {name} elapsed time: {{:.1f}}", scale=SCALE)
    while not work_queue.empty():
        url = work_queue.get()
        print(f"Task {name} getting URL: {url}")
        timer.start()
        with urllib.request.urlopen(url) as response:
            response.read()
        timer.stop()
        yield


def main():
    """
    This is the main entry point for the program
    """
    # Create the queue of work
    work_queue = queue.Queue()

    # Put some work in the queue
    for ms in DELAYS:
        work_queue.put(f"{SERVER}/delay/{round(ms * SCALE)}")

    tasks = [task("One", work_queue), task("Two", work_queue)]

    # Run the tasks
    done = False
    with Timer(text="\nTotal elapsed time: {:.1f}", scale=SCALE):
        while not done:
            for t in tasks:
                try:
                    next(t)
                except StopIteration:
                    tasks.remove(t)
                if len(tasks) == 0:
                    done = True


if __name__ == "__main__":
    main()

"""The article's example 3 (cooperative concurrency with blocking calls),
as listed, with sleeps of delay x SCALE seconds and times printed in
units (Timer from timer.py instead of codetiming).
Usage: example_3.py [SCALE]   (default 1: the article's own run)"""
import queue
import sys
import time

from timer import Timer

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


def task(name, queue):
    timer = Timer(text=f"Task {name} elapsed time: {{:.1f}}", scale=SCALE)
    while not queue.empty():
        delay = queue.get()
        print(f"Task {name} running")
        timer.start()
        time.sleep(delay * SCALE)
        timer.stop()
        yield


def main():
    """
    This is the main entry point for the program
    """
    # Create the queue of work
    work_queue = queue.Queue()

    # Put some work in the queue
    for work in [15, 10, 5, 2]:
        work_queue.put(work)

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

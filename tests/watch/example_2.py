"""The article's example 2 (simple cooperative concurrency: generators
driven by a loop), as listed, with each increment costing STEP x SCALE
seconds of CPU as in example_1.py.  Usage: example_2.py [SCALE]"""
import queue
import sys
import time

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
STEP = 0.1


def work():
    end = time.perf_counter() + STEP * SCALE
    while time.perf_counter() < end:
        pass


def task(name, queue):
    while not queue.empty():
        count = queue.get()
        total = 0
        print(f"Task {name} running")
        for x in range(count):
            total += 1
            work()
            yield
        print(f"Task {name} total: {total}")


def main():
    """
    This is the main entry point for the program
    """
    # Create the queue of work
    work_queue = queue.Queue()

    # Put some work in the queue
    for work_item in [15, 10, 5, 2]:
        work_queue.put(work_item)

    # Create some tasks
    tasks = [task("One", work_queue), task("Two", work_queue)]

    # Run the tasks
    done = False
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

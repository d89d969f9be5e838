"""The article's example 1 (synchronous), as listed, with one addition:
each increment costs STEP x SCALE seconds of CPU (the count scene's step,
0.1 units), so that its makespan can be compared with the simulation.
Usage: example_1.py [SCALE]   (0, the default, adds nothing)"""
import queue
import sys
import time

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0
STEP = 0.1


def work():
    end = time.perf_counter() + STEP * SCALE
    while time.perf_counter() < end:
        pass


def task(name, work_queue):
    if work_queue.empty():
        print(f"Task {name} nothing to do")
    else:
        while not work_queue.empty():
            count = work_queue.get()
            total = 0
            print(f"Task {name} running")
            for x in range(count):
                total += 1
                work()
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

    # Create some synchronous tasks
    tasks = [(task, "One", work_queue), (task, "Two", work_queue)]

    # Run the tasks
    for t, n, q in tasks:
        t(n, q)


if __name__ == "__main__":
    main()

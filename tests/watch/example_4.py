"""The article's example 4 (cooperative concurrency with non-blocking
calls: asyncio), as listed, with sleeps of delay x SCALE seconds.
Usage: example_4.py [SCALE]   (default 1: the article's own run)"""
import asyncio
import sys

from timer import Timer

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


async def task(name, work_queue):
    timer = Timer(text=f"Task {name} elapsed time: {{:.1f}}", scale=SCALE)
    while not work_queue.empty():
        delay = await work_queue.get()
        print(f"Task {name} running")
        timer.start()
        await asyncio.sleep(delay * SCALE)
        timer.stop()


async def main():
    """
    This is the main entry point for the program
    """
    # Create the queue of work
    work_queue = asyncio.Queue()

    # Put some work in the queue
    for work in [15, 10, 5, 2]:
        await work_queue.put(work)

    # Run the tasks
    with Timer(text="\nTotal elapsed time: {:.1f}", scale=SCALE):
        await asyncio.gather(
            asyncio.create_task(task("One", work_queue)),
            asyncio.create_task(task("Two", work_queue)),
        )


if __name__ == "__main__":
    asyncio.run(main())

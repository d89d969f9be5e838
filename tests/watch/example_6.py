"""The article's example 6 (asynchronous, non-blocking HTTP calls),
offline: the standard library's asyncio streams instead of aiohttp,
against juggle's delay server (`juggle serve`), with the http scene's
delays times SCALE.
Usage: example_6.py SERVER [SCALE]"""
import asyncio
import sys
import urllib.parse

from timer import Timer

SERVER = sys.argv[1]
SCALE = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
DELAYS = [300, 800, 400, 300, 500, 500, 400]


async def get(url):
    """GET url over HTTP/1.0 and return the body."""
    parts = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    request = f"GET {parts.path} HTTP/1.0\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n"
    writer.write(request.encode())
    await writer.drain()
    response = await reader.read()
    writer.close()
    await writer.wait_closed()
    return response.partition(b"\r\n\r\n")[2]


async def task(name, work_queue):
    timer = Timer(text=f"Task {name} elapsed time: {{:.1f}}", scale=SCALE)
    while not work_queue.empty():
        url = await work_queue.get()
        print(f"Task {name} getting URL: {url}")
        timer.start()
        await get(url)
        timer.stop()


async def main():
    """
    This is the main entry point for the program
    """
    # Create the queue of work
    work_queue = asyncio.Queue()

    # Put some work in the queue
    for ms in DELAYS:
        await work_queue.put(f"{SERVER}/delay/{round(ms * SCALE)}")

    # Run the tasks
    with Timer(text="\nTotal elapsed time: {:.1f}", scale=SCALE):
        await asyncio.gather(
            asyncio.create_task(task("One", work_queue)),
            asyncio.create_task(task("Two", work_queue)),
        )


if __name__ == "__main__":
    asyncio.run(main())

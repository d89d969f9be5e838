"""The article's example 6 (asyncio with aiohttp), as the peer of juggle's
real HTTP loop in make bench: N workers share one queue of N URLs, each
worker with its own ClientSession, as the article writes it. Like the
article's program it times itself from the start of main to the end (its
makespan, without Python's start-up), and prints that as {"total": s}.

usage: python3 example6.py URL N
"""
import asyncio
import json
import sys
import time

import aiohttp


async def task(name, work_queue):
    async with aiohttp.ClientSession() as session:
        while not work_queue.empty():
            url = await work_queue.get()
            async with session.get(url) as response:
                await response.text()


async def main(url, n):
    start = time.perf_counter()
    work_queue = asyncio.Queue()
    for _ in range(n):
        await work_queue.put(url)
    await asyncio.gather(*(task(f"W{i}", work_queue) for i in range(n)))
    print(json.dumps({"total": time.perf_counter() - start}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))

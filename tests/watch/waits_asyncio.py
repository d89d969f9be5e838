"""asyncio Tasks that wait on each kind of thing the tracer names: a
sleep, a held lock, an empty queue, a stream with nothing to read yet,
another task."""
import asyncio
import socket


async def holder(lock):
    async with lock:
        await asyncio.sleep(0.1)


async def locker(lock):
    await asyncio.sleep(0.02)
    async with lock:
        pass


async def getter(work):
    await work.get()


async def reader(sock):
    r, w = await asyncio.open_connection(sock=sock)
    await r.readexactly(5)
    w.close()


async def main():
    lock, work = asyncio.Lock(), asyncio.Queue()
    mine, theirs = socket.socketpair()
    tasks = [
        asyncio.create_task(holder(lock), name="holder"),
        asyncio.create_task(locker(lock), name="locker"),
        asyncio.create_task(getter(work), name="getter"),
        asyncio.create_task(reader(mine), name="reader"),
    ]
    await asyncio.sleep(0.15)
    work.put_nowait(1)
    theirs.send(b"hello")
    await asyncio.gather(*tasks)
    theirs.close()
    print("done")


asyncio.run(main())

"""A second delay server for make bench, independent of juggle's code: the
standard library's asyncio streams, answering GET /delay/MS after MS
milliseconds with a short 200 reply on a kept-alive connection. It reads
only the request line and headers (no body) and is meant for loopback
benchmarks, nothing else.

usage: python3 delay_server.py PORT
"""
import asyncio
import sys


async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode()
            ms = int(path.rsplit("/", 1)[1]) if path.startswith("/delay/") else 0
            await asyncio.sleep(ms / 1000)
            body = b"delayed\n"
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
                         % (len(body), body))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
        pass
    finally:
        writer.close()


async def main(port):
    server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))

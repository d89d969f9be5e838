"""The article's example programs, run on a virtual clock.

Each function below is the article's program with two changes only: the
worker names and the work list come from the command line instead of being
written into the code, and time is virtual (time.sleep, time.perf_counter
and asyncio's clock advance a counter instead of waiting), so a 32-second
program prints its real output instantly. codetiming's Timer is replaced by
a stand-in with the same text behaviour, since codetiming is not packaged
for Debian.

usage: article.py EXAMPLE NAMES ITEMS [LATENCIES]
  EXAMPLE   1..6
  NAMES     comma-separated worker names
  ITEMS     comma-separated work (numbers, or URLs for 5 and 6)
  LATENCIES for 5 and 6: comma-separated seconds, one per URL

juggle's golden tests run this and compare its output with juggle's, line
for line: where they differ, juggle is wrong.
"""
import asyncio
import queue
import selectors
import sys

CLOCK = [0.0]


def sleep(delay):
    CLOCK[0] += delay


def perf_counter():
    return CLOCK[0]


class Timer:
    """codetiming.Timer's behaviour as the article uses it."""

    def __init__(self, text="Elapsed time: {:0.4f} seconds"):
        self.text = text
        self._start = None

    def start(self):
        self._start = perf_counter()

    def stop(self):
        elapsed = perf_counter() - self._start
        self._start = None
        print(self.text.format(elapsed))
        return elapsed

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


class VirtualSelector(selectors.DefaultSelector):
    """asyncio waits for its next timer in select(); we jump the clock."""

    def select(self, timeout=None):
        if timeout is None:
            raise RuntimeError("the loop would wait forever")
        CLOCK[0] += timeout
        return super().select(0)


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self):
        super().__init__(VirtualSelector())

    def time(self):
        return CLOCK[0]


def run_async(main):
    loop = VirtualLoop()
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()


LATENCY = {}


class Session:
    """requests.Session: session.get blocks for the URL's latency."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def get(self, url):
        sleep(LATENCY[url])


class Response:
    def __init__(self, url):
        self.url = url

    async def __aenter__(self):
        await asyncio.sleep(LATENCY[self.url])
        return self

    async def __aexit__(self, *exc):
        pass

    async def text(self):
        return ""


class ClientSession:
    """aiohttp.ClientSession: the response arrives after the URL's latency."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        pass

    def get(self, url):
        return Response(url)


# ---- example_1.py ----
def example_1(names, work):
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
                print(f"Task {name} total: {total}")

    work_queue = queue.Queue()
    for w in work:
        work_queue.put(w)
    tasks = [(task, n, work_queue) for n in names]
    for t, n, q in tasks:
        t(n, q)


# ---- example_2.py ----
def example_2(names, work):
    def task(name, queue):
        while not queue.empty():
            count = queue.get()
            total = 0
            print(f"Task {name} running")
            for x in range(count):
                total += 1
                yield
            print(f"Task {name} total: {total}")

    work_queue = queue.Queue()
    for w in work:
        work_queue.put(w)
    tasks = [task(n, work_queue) for n in names]
    done = False
    while not done:
        for t in tasks:
            try:
                next(t)
            except StopIteration:
                tasks.remove(t)
            if len(tasks) == 0:
                done = True


# ---- example_3.py ----
def example_3(names, work):
    def task(name, queue):
        timer = Timer(text=f"Task {name} elapsed time: {{:.1f}}")
        while not queue.empty():
            delay = queue.get()
            print(f"Task {name} running")
            timer.start()
            sleep(delay)
            timer.stop()
            yield

    work_queue = queue.Queue()
    for w in work:
        work_queue.put(w)
    tasks = [task(n, work_queue) for n in names]
    done = False
    with Timer(text="\nTotal elapsed time: {:.1f}"):
        while not done:
            for t in tasks:
                try:
                    next(t)
                except StopIteration:
                    tasks.remove(t)
                if len(tasks) == 0:
                    done = True


# ---- example_4.py ----
def example_4(names, work):
    async def task(name, work_queue):
        timer = Timer(text=f"Task {name} elapsed time: {{:.1f}}")
        while not work_queue.empty():
            delay = await work_queue.get()
            print(f"Task {name} running")
            timer.start()
            await asyncio.sleep(delay)
            timer.stop()

    async def main():
        work_queue = asyncio.Queue()
        for w in work:
            await work_queue.put(w)
        with Timer(text="\nTotal elapsed time: {:.1f}"):
            await asyncio.gather(*[asyncio.create_task(task(n, work_queue)) for n in names])

    run_async(main)


# ---- example_5.py ----
def example_5(names, urls):
    def task(name, work_queue):
        timer = Timer(text=f"Task {name} elapsed time: {{:.1f}}")
        with Session() as session:
            while not work_queue.empty():
                url = work_queue.get()
                print(f"Task {name} getting URL: {url}")
                timer.start()
                session.get(url)
                timer.stop()
                yield

    work_queue = queue.Queue()
    for url in urls:
        work_queue.put(url)
    tasks = [task(n, work_queue) for n in names]
    done = False
    with Timer(text="\nTotal elapsed time: {:.1f}"):
        while not done:
            for t in tasks:
                try:
                    next(t)
                except StopIteration:
                    tasks.remove(t)
                if len(tasks) == 0:
                    done = True


# ---- example_6.py ----
def example_6(names, urls):
    async def task(name, work_queue):
        timer = Timer(text=f"Task {name} elapsed time: {{:.1f}}")
        async with ClientSession() as session:
            while not work_queue.empty():
                url = await work_queue.get()
                print(f"Task {name} getting URL: {url}")
                timer.start()
                async with session.get(url) as response:
                    await response.text()
                timer.stop()

    async def main():
        work_queue = asyncio.Queue()
        for url in urls:
            await work_queue.put(url)
        with Timer(text="\nTotal elapsed time: {:.1f}"):
            await asyncio.gather(*[asyncio.create_task(task(n, work_queue)) for n in names])

    run_async(main)


def number(s):
    v = float(s)
    return int(v) if v == int(v) else v


def main(argv):
    example = int(argv[1])
    names = [n.strip() for n in argv[2].split(",") if n.strip()]
    items = [i.strip() for i in argv[3].split(",") if i.strip()]
    if example in (5, 6):
        lat = [float(x) for x in argv[4].split(",")]
        for url, l in zip(items, lat):
            LATENCY[url] = l
        {5: example_5, 6: example_6}[example](names, items)
    else:
        work = [number(i) for i in items]
        {1: example_1, 2: example_2, 3: example_3, 4: example_4}[example](names, work)


if __name__ == "__main__":
    main(sys.argv)

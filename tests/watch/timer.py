"""A stand-in for the article's codetiming.Timer (standard library only):
elapsed times are printed in scene units, real seconds / SCALE."""
import time


class Timer:
    def __init__(self, text, scale=1.0):
        self.text = text
        self.scale = scale
        self._start = None

    def start(self):
        self._start = time.perf_counter()

    def stop(self):
        elapsed = (time.perf_counter() - self._start) / self.scale
        print(self.text.format(elapsed))
        self._start = None
        return elapsed

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

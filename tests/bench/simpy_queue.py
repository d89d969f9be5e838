# The listed-queue workload of bench_scene.sh in SimPy 2 (Debian's
# python3-simpy): every worker takes the next item from one shared queue and
# sleeps for it, as the article's example 4 does, and the run's makespan and
# each worker's item count and end time are reported, as `juggle run
# --headless --json` reports them. Reads the same scene file.
import configparser
import sys

from SimPy.Simulation import Process, activate, hold, initialize, now, simulate


def split(value):
    return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]


def main(path):
    ini = configparser.ConfigParser(inline_comment_prefixes=(";",), interpolation=None)
    ini.read(path)
    names = split(ini["workers"]["names"])
    items = [float(v) for v in split(ini["queue"]["items"])]
    queue = {"next": 0}
    done = {}

    class Worker(Process):
        def work(self):
            count = 0
            while queue["next"] < len(items):
                delay = items[queue["next"]]
                queue["next"] += 1
                yield hold, self, delay
                count += 1
            done[self.name] = (count, now())

    initialize()
    for name in names:
        w = Worker(name=name)
        activate(w, w.work())
    simulate(until=1e18)
    print(f"total {now():.1f} workers {len(done)} items {sum(c for c, _ in done.values())}")


main(sys.argv[1])

#!/usr/bin/env bash
# Real HTTP: N URLs of /delay/200 on the embedded server, fetched by N
# workers, under loop (N = 1000), threads (N = 1000) and sync (N = 20).
# Prints wall, CPU (user + sys) and peak RSS of the whole process (client
# and in-process server together); loop's target is a wall within 1.5x of
# the 200 ms floor. When python3 has aiohttp, the article's example 6
# program runs against `juggle serve` for the same N, as a ratio.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
tmp=$(mktemp -d)
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; rm -rf "$tmp"' EXIT

scene() { # N FILE
    python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write("[scene]\ntitle = bench\nkind = queue\n[workers]\nnames = W1\n")
    for i in range(2, n + 1):
        f.write(f"    W{i}\n")
    f.write("[queue]\nwork = http\nserver = embedded\ntimeout = 30\nurls = ${server}/delay/200\n")
    for i in range(1, n):
        f.write("    ${server}/delay/200\n")
PY
}

measure() { # label target command...
    local label=$1 target=$2
    shift 2
    python3 - "$label" "$target" "$@" <<'PY'
import resource, subprocess, sys, time
label, target, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t0 = time.monotonic()
p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
status = "" if p.returncode == 0 else f"  (exit {p.returncode}: {p.stderr.strip()[:80]})"
print(f"http     {label:<28} wall {wall * 1000:8.0f} ms{target}  cpu {(ru.ru_utime + ru.ru_stime) * 1000:7.0f} ms"
      f"  peak RSS {ru.ru_maxrss / 1024:6.1f} MB{status}")
PY
}

scene 1000 "$tmp/n1000.ini"
scene 20 "$tmp/n20.ini"
measure "loop    1000 x /delay/200" " (target <= 300)" "$juggle" run "$tmp/n1000.ini" -s loop --real --headless
measure "threads 1000 x /delay/200" "                " "$juggle" run "$tmp/n1000.ini" -s threads --real --headless
measure "sync      20 x /delay/200" " (floor 4000)   " "$juggle" run "$tmp/n20.ini" -s sync --real --headless

if python3 -c 'import aiohttp' 2>/dev/null; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$juggle" serve --port "$port" >/dev/null 2>&1 &
    spid=$!
    sleep 0.5
    cat >"$tmp/example6.py" <<PY
# The article's example 6, with 1000 workers and the same URLs.
import asyncio, aiohttp, time
async def task(name, work_queue):
    async with aiohttp.ClientSession() as session:
        while not work_queue.empty():
            url = await work_queue.get()
            async with session.get(url) as response:
                await response.text()
async def main():
    work_queue = asyncio.Queue()
    for _ in range(1000):
        await work_queue.put("http://127.0.0.1:$port/delay/200")
    await asyncio.gather(*(task(f"W{i}", work_queue) for i in range(1000)))
asyncio.run(main())
PY
    measure "python aiohttp 1000 (ex. 6)" "                " python3 "$tmp/example6.py"
else
    echo "http     python aiohttp                skipped: python3 has no aiohttp"
fi

#!/usr/bin/env bash
# Real HTTP (issue 13 item 5): 1,000 workers each fetch /delay/200 once
# from a server in another process, under loop; then threads (1,000) and
# sync (20) on the embedded server. Prints wall, CPU (user + sys) and peak
# RSS of the client process alone (the server is not its child).
#
# Two servers, each its own process: `juggle serve` (libmicrohttpd, the
# embedded server's code), and a small asyncio server in Python's standard
# library (tests/bench/delay_server.py), an implementation juggle shares
# nothing with. Against each, the peer is the article's example 6 with
# aiohttp (tests/bench/example6.py, 1,000 URLs, 1,000 workers), in the same
# run; loop's targets: wall <= 400 ms and <= 0.4x aiohttp's, CPU <= 1/4.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
juggle=$(cd "$build" && pwd)/juggle
tmp=$(mktemp -d)
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; rm -rf "$tmp"' EXIT

# A python3 with aiohttp (pyenv's may lack Debian's packages).
py=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import aiohttp' 2>/dev/null; then py=$p; break; fi
done

scene() { # N FILE BASE (BASE: an address, or embedded)
    python3 - "$1" "$2" "$3" <<'PY'
import sys
n, path, base = int(sys.argv[1]), sys.argv[2], sys.argv[3]
server = "embedded" if base == "embedded" else "none"
url = "${server}/delay/200" if base == "embedded" else base + "/delay/200"
with open(path, "w") as f:
    f.write("[scene]\ntitle = bench\nkind = queue\n[workers]\nnames = W1\n")
    for i in range(2, n + 1):
        f.write(f"    W{i}\n")
    f.write(f"[queue]\nwork = http\nserver = {server}\ntimeout = 30\nurls = {url}\n")
    for i in range(1, n):
        f.write(f"    {url}\n")
PY
}

# Runs a command 3 times; prints the median wall and CPU as "WALL_MS CPU_MS
# RSS_MB STATUS" (STATUS: ok, or why not).
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
cmd, rows = sys.argv[1:], []
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru.ru_utime + ru.ru_stime - before.ru_utime - before.ru_stime
    err = "ok" if p.returncode == 0 else f"exit-{p.returncode}"
    rows.append((wall, cpu, ru.ru_maxrss / 1024, err))
wall = sorted(r[0] for r in rows)[1]
cpu = sorted(r[1] for r in rows)[1]
bad = [r[3] for r in rows if r[3] != "ok"]
print(f"{wall * 1000:.0f} {cpu * 1000:.0f} {max(r[2] for r in rows):.1f} {bad[0] if bad else 'ok'}")
PY
}

row() { # LABEL WALL CPU RSS STATUS TARGET
    local st=""
    [ "$5" = ok ] || st="  ($5)"
    printf 'http     %-36s wall %6s ms  cpu %6s ms  RSS %6s MB  %s%s\n' "$1" "$2" "$3" "$4" "$6" "$st"
}

against() { # NAME BASE: loop and aiohttp against one server
    local name=$1 base=$2
    scene 1000 "$tmp/ext.ini" "$base"
    read -r jw jc jr js <<<"$(measure "$juggle" run "$tmp/ext.ini" -s loop --real --headless)"
    if [ -n "$py" ]; then
        read -r aw ac ar as <<<"$(measure "$py" "$here/example6.py" "$base/delay/200" 1000)"
        row "loop 1000 x /delay/200, $name" "$jw" "$jc" "$jr" "$js" \
            "(target <= 400 ms, <= $((aw * 4 / 10)) ms = 0.4x aiohttp; cpu <= $((ac / 4)) ms)"
        row "  aiohttp 1000 (ex. 6), $name" "$aw" "$ac" "$ar" "$as" "(peer)"
    else
        row "loop 1000 x /delay/200, $name" "$jw" "$jc" "$jr" "$js" "(target <= 400 ms)"
        echo "http       aiohttp: not installed (Debian: apt-get install python3-aiohttp)"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # PORT: until it accepts, at most 5 s
    for _ in $(seq 50); do
        python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
            "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

port=$(free_port)
"$juggle" serve --port "$port" >/dev/null 2>&1 &
spid=$!
if wait_port "$port"; then against "juggle serve" "http://127.0.0.1:$port"; else
    echo "http     juggle serve did not start"; fi
kill $spid 2>/dev/null
wait $spid 2>/dev/null
spid=

port=$(free_port)
python3 "$here/delay_server.py" "$port" >/dev/null 2>&1 &
spid=$!
if wait_port "$port"; then against "python server" "http://127.0.0.1:$port"; else
    echo "http     python delay server did not start"; fi
kill $spid 2>/dev/null
wait $spid 2>/dev/null
spid=

scene 1000 "$tmp/n1000.ini" embedded
scene 20 "$tmp/n20.ini" embedded
read -r w c r s <<<"$(measure "$juggle" run "$tmp/n1000.ini" -s threads --real --headless)"
row "threads 1000 x /delay/200, embedded" "$w" "$c" "$r" "$s" "(wall and cpu include the server)"
read -r w c r s <<<"$(measure "$juggle" run "$tmp/n20.ini" -s sync --real --headless)"
row "sync      20 x /delay/200, embedded" "$w" "$c" "$r" "$s" "(floor 4000 ms)"

#!/usr/bin/env bash
# Real HTTP (issue 13 item 5): 1,000 workers each fetch /delay/200 once
# from a server in another process, under loop; then threads (1,000) and
# sync (20) on the embedded server. Prints wall, CPU (user + sys) and peak
# RSS of the client process alone (the server is not its child), and
# juggle's own makespan (its --json total).
#
# Two servers, each its own process: `juggle serve` (libmicrohttpd, the
# embedded server's code), and a small asyncio server in Python's standard
# library (tests/bench/delay_server.py), an implementation juggle shares
# nothing with. Against each, the peer is the article's example 6 with
# aiohttp (tests/bench/example6.py, 1,000 URLs, 1,000 workers), in the same
# run; loop's targets: makespan <= 400 ms and <= 0.4x aiohttp's (each
# program's own, from its start to its last reply; the walls are printed
# too), CPU (whole process) <= 1/4 of aiohttp's. The Python server spends ~0.1 s of CPU on 1,000
# connections, most of it in one burst as they open, so there it sets the
# pace. Each server's own CPU per juggle run is printed too.
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

# Runs a command 3 times; prints the medians as "WALL_MS CPU_MS RSS_MB
# STATUS MAKESPAN_MS" (STATUS: ok, or why not; MAKESPAN: the "total" of a
# --json summary on stdout, juggle's own makespan, or - without one).
measure() {
    python3 - "$@" <<'PY'
import json, resource, subprocess, sys, time
cmd, rows = sys.argv[1:], []
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ru.ru_utime + ru.ru_stime - before.ru_utime - before.ru_stime
    err = "ok" if p.returncode == 0 else f"exit-{p.returncode}"
    try:
        span = json.loads(p.stdout)["total"] * 1000
    except (ValueError, KeyError, TypeError):
        span = None
    rows.append((wall, cpu, ru.ru_maxrss / 1024, err, span))
wall = sorted(r[0] for r in rows)[1]
cpu = sorted(r[1] for r in rows)[1]
spans = sorted(r[4] for r in rows if r[4] is not None)
span = f"{spans[len(spans) // 2]:.0f}" if spans else "-"
bad = [r[3] for r in rows if r[3] != "ok"]
print(f"{wall * 1000:.0f} {cpu * 1000:.0f} {max(r[2] for r in rows):.1f} {bad[0] if bad else 'ok'} {span}")
PY
}

row() { # LABEL WALL CPU RSS STATUS MAKESPAN TARGET
    local st="" span=""
    [ "$5" = ok ] || st="  ($5)"
    [ "$6" = - ] || span="makespan $6 ms, "
    printf 'http     %-36s %swall %s ms, cpu %s ms, RSS %s MB  %s%s\n' "$1" "$span" "$2" "$3" "$4" "$7" "$st"
}

cpu_of() { # PID: its user + system CPU so far, ms
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"
}

against() { # NAME BASE: loop and aiohttp against one server ($spid)
    local name=$1 base=$2 s0
    scene 1000 "$tmp/ext.ini" "$base"
    s0=$(cpu_of "$spid")
    read -r jw jc jr js jm <<<"$(measure "$juggle" run "$tmp/ext.ini" -s loop --real --headless --json)"
    local scpu=$((($(cpu_of "$spid") - s0) / 3))
    if [ -n "$py" ]; then
        read -r aw ac ar as am <<<"$(measure "$py" "$here/example6.py" "$base/delay/200" 1000)"
        local cap="?"
        [ "$am" = - ] || cap=$((am * 4 / 10))
        row "loop 1000 x /delay/200, $name" "$jw" "$jc" "$jr" "$js" "$jm" \
            "(target: makespan <= 400 and <= $cap = 0.4x aiohttp's; cpu <= $((ac / 4)))"
        row "  aiohttp 1000 (ex. 6), $name" "$aw" "$ac" "$ar" "$as" "$am" "(peer)"
        echo "http       ($name: $scpu ms of its own CPU per juggle run)"
    else
        row "loop 1000 x /delay/200, $name" "$jw" "$jc" "$jr" "$js" "$jm" "(target: makespan <= 400)"
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
if wait_port "$port"; then
    against "juggle serve" "http://127.0.0.1:$port"
    # The floor: libcurl alone as juggle drives it, and a plain epoll client.
    [ -x "$build/tests/bench/bench_http_floor" ] && "$build/tests/bench/bench_http_floor" 127.0.0.1 "$port" 1000
else
    echo "http     juggle serve did not start"
fi
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
read -r w c r s m <<<"$(measure "$juggle" run "$tmp/n1000.ini" -s threads --real --headless --json)"
row "threads 1000 x /delay/200, embedded" "$w" "$c" "$r" "$s" "$m" "(wall and cpu include the server)"
read -r w c r s m <<<"$(measure "$juggle" run "$tmp/n20.ini" -s sync --real --headless --json)"
row "sync      20 x /delay/200, embedded" "$w" "$c" "$r" "$s" "$m" "(floor 4000)"

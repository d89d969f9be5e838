#!/usr/bin/env bash
# CPU while paused (issue 3): the TUI on `sleep` in a private tmux server
# (120x40), paused with space; the CPU time the process used (utime +
# stime from /proc/PID/stat) over 3 s of wall time. For scale, the same
# over 3 s while playing. Target: ~0 while paused (no timer runs then).
# The tmux server is always killed. Usage: bench_paused.sh [BUILD_DIR].
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
here=$(cd "$(dirname "$0")" && pwd)
sock=bench-$$
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; }
trap cleanup EXIT

if ! command -v tmux >/dev/null; then
    echo "render   CPU while paused: tmux is not installed, not measured"
    exit 0
fi

# A scene long enough to still be playing after the measurements.
cd "$here/../.." || exit 1
tmux -L "$sock" -f /dev/null new-session -d -s b -x 120 -y 40 \
    "exec env LC_ALL=C.UTF-8 TERM=xterm-256color '$juggle' run sleep -s coop" 2>/dev/null || {
    echo "render   CPU while paused: could not start tmux"
    exit 0
}

pid=""
for _ in $(seq 100); do
    pid=$(tmux -L "$sock" display -p -t b '#{pane_pid}' 2>/dev/null)
    [ -n "$pid" ] && tmux -L "$sock" capture-pane -p -t b 2>/dev/null | grep -q 'running' && break
    sleep 0.05
done
if [ -z "$pid" ] || [ ! -r "/proc/$pid/stat" ]; then
    echo "render   CPU while paused: the TUI did not start"
    exit 0
fi

tck=$(getconf CLK_TCK)
# CPU ms of pid so far (fields 14 and 15 of stat, after the command name).
cpu_ms() { awk -v t="$tck" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / t) }' "/proc/$1/stat"; }

a=$(cpu_ms "$pid")
sleep 3
b=$(cpu_ms "$pid")
playing=$((b - a))

tmux -L "$sock" send-keys -t b ' '
for _ in $(seq 100); do
    tmux -L "$sock" capture-pane -p -t b | grep -q 'paused' && break
    sleep 0.05
done
sleep 0.2
a=$(cpu_ms "$pid")
sleep 3
b=$(cpu_ms "$pid")
paused=$((b - a))
printf 'render   CPU while paused                              %d ms over 3 s  (target ~0)\n' "$paused"
printf 'render   CPU while playing, for scale (120x40)         %d ms over 3 s\n' "$playing"
tmux -L "$sock" send-keys -t b q

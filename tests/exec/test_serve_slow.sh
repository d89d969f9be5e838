#!/usr/bin/env bash
# `juggle serve` at its default limits keeps answering while slow clients
# hold connections: 300 connections from 127.0.0.2 send a request line and
# then a header line every 0.5 s for 3 s, never ending their requests;
# meanwhile /delay/200 fetched from 127.0.0.1 one after another answers
# within 200 ms + 1 s every time, no slow connection is answered, and all
# 300 are still open (under the 4,096 per-address limit, and younger than
# the 10 s request deadline, which test_server_limits.c checks with short
# limits and torture_serve_slow.sh at 16,000 connections).
. "$(dirname "$0")/../lib.sh" "$@"
serve_pid=
trap '[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

"$juggle" serve --port 0 >"$tmp/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 50); do grep -q 'serving http' "$tmp/serve.out" && break; sleep 0.1; done
port=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$tmp/serve.out" | head -1 | sed 's/.*://')
if [ -z "$port" ]; then
    bad "juggle serve did not start: $(cat "$tmp/serve.out")"
    finish
    exit
fi

python3 "$here/slow_clients.py" --port "$port" --slow 2:300 --interval 0.5 --duration 3 \
    --delay 200 >"$tmp/slow.out" 2>&1
rc=$?
while read -r word rest; do
    case $word in
    ok) ok ;;
    FAIL) bad "$rest" ;;
    esac
done <"$tmp/slow.out"
[ "$rc" = 0 ] || bad "slow_clients.py exited $rc: $(tail -3 "$tmp/slow.out")"
cat "$tmp/slow.out"

kill -INT "$serve_pid"
wait "$serve_pid"
rc=$?
serve_pid=
[ "$rc" = 0 ] && ok || bad "juggle serve: SIGINT should stop it with status 0 (got $rc)"
finish

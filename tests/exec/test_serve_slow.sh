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
serve_start || { finish; exit; }

python3 "$here/slow_clients.py" --port "$port" --slow 2:300 --interval 0.5 --duration 3 \
    --delay 200 >"$tmp/slow.out" 2>&1
tally_lines "$tmp/slow.out" $?
cat "$tmp/slow.out"
serve_stop
finish

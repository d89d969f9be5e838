#!/usr/bin/env bash
# make torture: `juggle serve` at its default limits against 16,000 slow
# connections (the issue's attack was 16,100 adding a header line every
# 30 s): 5,334, 5,333 and 5,333 from 127.0.0.2, .3 and .4, each sending a
# request line and then a header line every 2 s, never ending the request,
# for 16 s. Checks that each address holds at most 4,096 (the rest are
# closed at once), that the server cuts every held connection 10 s (-1,
# +3) after it connected although none was ever idle, that no slow
# connection is answered, and that /delay/200 fetched from 127.0.0.1 one
# after another answers within 200 ms + 1 s throughout. Needs 16,100
# descriptors in the client (python3 raises its soft limit to the hard).
. "$(dirname "$0")/../lib.sh" "$@"
serve_start || { finish; exit; }

python3 "$here/slow_clients.py" --port "$port" --slow 2:5334,3:5333,4:5333 --interval 2 \
    --duration 16 --deadline 10 --per-ip 4096 --delay 200 >"$tmp/slow.out" 2>&1
tally_lines "$tmp/slow.out" $?
cat "$tmp/slow.out"
serve_stop
finish

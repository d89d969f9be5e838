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

python3 "$here/slow_clients.py" --port "$port" --slow 2:5334,3:5333,4:5333 --interval 2 \
    --duration 16 --deadline 10 --per-ip 4096 --delay 200 >"$tmp/slow.out" 2>&1
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

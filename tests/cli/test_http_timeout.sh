#!/bin/bash
# The simulated HTTP timeout: a fetch whose latency reaches the scene's
# `timeout` (or --http-timeout) fails at the timeout with curl's "timeout",
# printed as the real run prints it, and the run exits 1, as `--real` does.
. "$(dirname "$0")/../lib.sh" "$@"

printf '[scene]\nkind = queue\n[workers]\nnames = One, Two\n[queue]\nwork = http\nurls = http://h/delay/3000, http://h/delay/500\ntimeout = 1\n' >"$tmp/t.ini"

# run WANT-STATUS WANT-OUTPUT ARGS...
run() {
    local want=$1 out=$2
    shift 2
    "$juggle" run "$tmp/t.ini" --headless "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ "$rc" = "$want" ] && ok || bad "$*: exit $rc, want $want"
    [ "$(cat "$tmp/out")" = "$(printf "$out")" ] && ok || bad "$*: printed: $(cat "$tmp/out")"
}

run 1 'Task One getting URL: http://h/delay/3000\nTask One error: http://h/delay/3000: timeout\nTask Two getting URL: http://h/delay/500\nTask Two elapsed time: 0.5\n\nTotal elapsed time: 1.5' -s coop
run 1 'Task One getting URL: http://h/delay/3000\nTask Two getting URL: http://h/delay/500\nTask Two elapsed time: 0.5\nTask One error: http://h/delay/3000: timeout\n\nTotal elapsed time: 1.0' -s loop
run 0 'Task One getting URL: http://h/delay/3000\nTask Two getting URL: http://h/delay/500\nTask Two elapsed time: 0.5\nTask One elapsed time: 3.0\n\nTotal elapsed time: 3.0' -s loop --http-timeout 5
# A latency of exactly the timeout times out (curl's transfer takes longer).
run 1 'Task One getting URL: http://h/delay/3000\nTask Two getting URL: http://h/delay/500\nTask Two elapsed time: 0.5\nTask One error: http://h/delay/3000: timeout\n\nTotal elapsed time: 3.0' -s loop --http-timeout 3
# The summary counts the failed item.
"$juggle" run "$tmp/t.ini" --headless --json -s threads >"$tmp/json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d.get("failed") else 1)' "$tmp/json" &&
    ok || bad "--json: $(head -c 300 "$tmp/json")"
finish

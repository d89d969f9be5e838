#!/bin/bash
# Whatever a valid scene records, replay loads: a run may last up to
# 1,000,000,000 units (2e18 ns is the bound its times stay below), and the
# trace reader's limit is that bound, not less.
. "$(dirname "$0")/../lib.sh" "$@"

# roundtrip NAME ITEMS STRATEGY: the run, recorded, replays to the same lines.
roundtrip() {
    printf '[scene]\npoll_interval = 100\n[workers]\nnames = A\n[queue]\nwork = sleep\nitems = %s\n' "$2" >"$tmp/$1.ini"
    "$juggle" run "$tmp/$1.ini" -s "$3" --headless --record "$tmp/$1.trace" >"$tmp/$1.run"
    local rc=$?
    [ $rc = 0 ] && ok || bad "$1: the run exits $rc"
    "$juggle" replay "$tmp/$1.trace" --headless >"$tmp/$1.replay" 2>"$tmp/$1.err"
    rc=$?
    [ $rc = 0 ] && [ ! -s "$tmp/$1.err" ] && ok || bad "$1: replay exits $rc: $(cat "$tmp/$1.err")"
    cmp -s "$tmp/$1.run" "$tmp/$1.replay" && ok || bad "$1: replay prints other lines"
}

roundtrip two-million 2000000 loop
# Nine items of the longest time value: near the longest run a scene may have.
roundtrip longest "$(printf '100000000, %.0s' $(seq 8))100000000" sync
grep -q '^Total elapsed time: 900000000.0$' "$tmp/longest.run" && ok ||
    bad "longest: $(tail -n 1 "$tmp/longest.run")"

# A trace over 1 GiB (a long run's) is a file replay reads, a chunk at a
# time: the log lines of a small recording, each made 130 MB long. It needs
# 1.2 GB of disk where the test's folder is: with less than 3 GB free the
# case is left out, and says so (a full disk is not what it tests).
free_kb=$(df -Pk "$tmp" | awk 'NR == 2 {print $4}')
if [ "${free_kb:-0}" -lt 3000000 ]; then
    echo "skip: a 1.2 GB trace: only $((free_kb / 1024)) MB free in $tmp"
    finish
    exit
fi
"$juggle" run count -s sync --headless --record "$tmp/c.trace" >"$tmp/c.run"
python3 - "$tmp/c.trace" "$tmp/big.trace" <<'PY'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for line in f:
        if '"log"' in line:
            ev = json.loads(line)
            ev[9] = ev[9] + " " + "x" * 130000000
            line = json.dumps(ev, separators=(",", ":")) + "\n"
        out.write(line)
PY
size=$(stat -c %s "$tmp/big.trace")
[ "$size" -gt 1100000000 ] && ok || bad "the big trace is only $size bytes"
"$juggle" replay "$tmp/big.trace" --headless --json 2>"$tmp/big.err" >"$tmp/big.out"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] && [ ! -s "$tmp/big.err" ] && ok || bad "a 1.2 GB trace: replay exits $rc: $(cat "$tmp/big.err")"
rm -f "$tmp/big.trace"
finish

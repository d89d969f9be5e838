#!/usr/bin/env bash
# Bad input gets one clear line on stderr, "juggle: FILE:LINE: what is
# wrong", nothing on stdout, and exit status 2. Each case: a scene file's
# text (printf format) and the exact line expected.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
pass=0 fail=0

expect() { # description expected-stderr command...
    local what=$1 want=$2
    shift 2
    "$@" >out 2>err </dev/null
    local rc=$?
    if [ "$rc" = 2 ] && [ ! -s out ] && [ "$(cat err)" = "$want" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $what: exit $rc"
        echo "  want: $want"
        echo "  got:  $(cat err)"
        [ -s out ] && echo "  stdout: $(head -3 out)"
    fi
}

scene() { # description text expected (FILE is replaced by the file name)
    printf "$2" >bad.ini
    expect "$1" "${3//FILE/bad.ini}" "$juggle" run bad.ini --headless
}

Q='[workers]\nnames = One\n[queue]\n'
scene "unknown section" '[scene]\ntitle = x\n[bogus]\na = 1\n' \
    "juggle: FILE:3: unknown section [bogus] (known: [scene], [workers], [queue], [household], [deadlock], [checkbook], [server], [cpu])"
scene "unknown key" '[scene]\ntitel = x\n' "juggle: FILE:2: unknown key 'titel' in [scene]"
scene "bad number in a list" "${Q}work = sleep\nitems = 1, x, 3\n" \
    "juggle: FILE:5: items: 'x' is not a non-negative number"
scene "negative duration" "${Q}work = sleep\nitems = -1\n" \
    "juggle: FILE:5: items: '-1' is not a non-negative number"
scene "fractional count" "${Q}work = count\nitems = 1.5\n" \
    "juggle: FILE:5: count items must be whole numbers"
scene "empty worker list" '[workers]\nnames =\n[queue]\nwork = sleep\nitems = 1\n' \
    "juggle: FILE:2: the scene has no workers: set [workers] names = One, Two"
scene "no workers section" '[queue]\nwork = sleep\nitems = 1\n' \
    "juggle: FILE:1: the scene has no workers: set [workers] names = One, Two"
scene "unknown work kind" "${Q}work = dance\n" \
    "juggle: FILE:4: unknown work kind 'dance' (known: count, sleep, http)"
scene "no work kind" "${Q}items = 1\n" "juggle: FILE:3: [queue] needs 'work = count', 'sleep' or 'http'"
scene "no items" "${Q}work = sleep\n" \
    "juggle: FILE:4: the queue has no items: set 'items = ...' or 'generate = N'"
scene "repeated key" '[workers]\nnames = A\nnames = B\n' "juggle: FILE:3: 'names' is set twice in [workers]"
scene "worker named twice" '[workers]\nnames = A, A\n' "juggle: FILE:2: worker 'A' is named twice"
scene "two commas" "${Q}work = sleep\nitems = 1,,2\n" \
    "juggle: FILE:5: empty item in list (two commas in a row)"
scene "no equals sign" '[workers]\nnames A\n' "juggle: FILE:2: expected '[section]' or 'key = value'"
scene "unclosed section" '[workers\nnames = A\n' "juggle: FILE:1: section header is missing its closing ']'"
scene "key before any section" 'x = 1\n' "juggle: FILE:1: key 'x' is outside any [section]"
scene "continuation of a single value" '[scene]\ntitle = t\n  more\n' \
    "juggle: FILE:3: 'title' takes one value; an indented line continues only a list"
scene "cpus out of range" "[scene]\ncpus = 0\n${Q}work = sleep\nitems = 1\n" \
    "juggle: FILE:2: cpus: '0' is not a number from 1 to 1024"
scene "zero quantum" "[scene]\nquantum = 0\n" "juggle: FILE:2: quantum: '0' is not a positive time in scene units"
scene "unknown strategy in scene" "[scene]\nstrategy = fibers\n" \
    "juggle: FILE:2: unknown strategy 'fibers' (known: sync, coop, poll, threads, loop)"
scene "unknown scene kind" "[scene]\nkind = circus\n" "juggle: FILE:2: unknown scene kind 'circus' (known: queue, household, deadlock, checkbook, server, cpu)"
scene "empty file" '' "juggle: FILE:1: the scene file is empty"
scene "comments only" '; nothing here\n# or here\n' "juggle: FILE:1: the scene file is empty"
scene "http without urls" "${Q}work = http\n" "juggle: FILE:4: http work needs 'urls = ...'"
scene "latency count mismatch" "${Q}work = http\nurls = http://a, http://b, http://c\nlatency = 1, 2\n" \
    "juggle: FILE:6: latency lists 2 times for 3 URLs; give one, or one per URL"
scene "bad generator distribution" "${Q}work = sleep\ngenerate = 10\ndist = zipf\n" \
    "juggle: FILE:6: unknown distribution 'zipf' (known: const, uniform, exp)"
scene "generator max below min" "${Q}work = sleep\ngenerate = 10\nmin = 5\nmax = 1\n" \
    "juggle: FILE:5: generate: max is below min"
# Valid-looking scenes that would never end, or overflow, are refused at load (issue 11).
scene "zero-digit chunks" '[scene]\nkind = cpu\n[cpu]\nchunk = 0\n' \
    "juggle: FILE:4: chunk: 0 digits between yield points never finishes (give 1 or more)"
scene "check cost not below the interval" \
    "[scene]\npoll_interval = 0.5\ncheck_cost = 0.5\n${Q}work = sleep\nitems = 1\n" \
    "juggle: FILE:3: check_cost: 0.5 is not below poll_interval (0.5): checking would leave no time for work"
scene "quantum too small for the run" "[scene]\nquantum = 1e-9\n${Q}work = count\nitems = 5\n" \
    "juggle: FILE:2: quantum: 1e-09 is too small for this run: threads would switch about 5e+09 times (at most 250000000 events)"
scene "time over the longest" "${Q}work = sleep\nitems = 5e9\n" \
    "juggle: FILE:5: items: '5e9' is over 100000000 units, the longest time a scene may give"
scene "run over the longest" \
    "${Q}work = sleep\nitems = 1e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8\n" \
    "juggle: FILE:5: the run could last up to 1.11e+09 units, over the limit of 1000000000 units (shorten its work)"
scene "too many events" "${Q}work = sleep\ngenerate = 100000000\ndist = const\nmin = 0\n" \
    "juggle: FILE:5: the run would emit about 1e+09 events, over the limit of 250000000"
scene "delay URL over the longest" "${Q}work = http\nurls = http://x/delay/99999999999999\n" \
    "juggle: FILE:5: urls: 'http://x/delay/99999999999999' asks for a delay that is not from 0 to 100000000 units"
scene "negative delay URL" "${Q}work = http\nurls = http://x/delay/-5\n" \
    "juggle: FILE:5: urls: 'http://x/delay/-5' asks for a delay that is not from 0 to 100000000 units"
printf "${Q}work = count\nitems = 5\n" >ok.ini
expect "option makes the run endless" \
    "juggle: --quantum 1e-9: quantum: 1e-09 is too small for this run: threads would switch about 5e+09 times (at most 250000000 events)" \
    "$juggle" run ok.ini --headless --quantum 1e-9
expect "absurd time scale" "juggle: --time-scale: '1e-300' is outside 0.0001 to 1000000 (see 'juggle --help')" \
    "$juggle" run ok.ini --headless --real --time-scale 1e-300
long=$(printf '1, %.0s' $(seq 1 80))
scene "line over inih's limit" "${Q}work = sleep\nitems = ${long}1\n" \
    "juggle: FILE:5: line is longer than 200 characters; continue a list on an indented line"
# 200 visible characters are allowed (a CRLF's \r not counted), 201 are not.
l200="items = $(printf '1, %.0s' $(seq 1 63))100"
printf "${Q}work = sleep\n${l200}\r\n" >l200.ini
"$juggle" run l200.ini --headless -s sync >out 2>err
if [ "$(tail -n 1 out)" = "Total elapsed time: 163.0" ] && [ ! -s err ]; then
    pass=$((pass + 1))
else
    fail=$((fail + 1))
    echo "FAIL a line of 200 characters and CRLF: $(tail -n 1 out) $(cat err)"
fi
scene "a line of 201 characters" "${Q}work = sleep\n${l200}0\r\n" \
    "juggle: FILE:5: line is longer than 200 characters; continue a list on an indented line"
scene "hex item" "${Q}work = sleep\nitems = 0x10\n" "juggle: FILE:5: items: '0x10' is not a non-negative number"
scene "hex count item" "${Q}work = count\nitems = 0x10\n" \
    "juggle: FILE:5: items: '0x10' is not a non-negative number"
scene "hex float item" "${Q}work = sleep\nitems = 0x1p3\n" \
    "juggle: FILE:5: items: '0x1p3' is not a non-negative number"
scene "hex rate" '[scene]\nkind = server\n[server]\nrate = 0x10\n' \
    "juggle: FILE:4: rate: '0x10' is not a positive rate (per scene unit)"
scene "rate too large" '[scene]\nkind = server\n[server]\nrate = 1e9\n' \
    "juggle: FILE:4: rate: '1e9' is above the limit of 1000000 per scene unit"
scene "names and count" '[workers]\nnames = W1\ncount = 2\n[queue]\nwork = sleep\nitems = 1\n' \
    "juggle: FILE:3: [workers] has both 'names' (line 2) and 'count' (line 3): list the names or give a count, not both"
scene "count and names" '[workers]\ncount = 3\nnames = A\n[queue]\nwork = sleep\nitems = 1\n' \
    "juggle: FILE:3: [workers] has both 'names' (line 3) and 'count' (line 2): list the names or give a count, not both"
scene "generate and items" "${Q}work = sleep\ngenerate = 2\nitems = 3\n" \
    "juggle: FILE:6: [queue] has both 'items' (line 6) and 'generate' (line 5): list the items or generate them, not both"
scene "items and generate" "${Q}work = sleep\nitems = 3,\n  4\ngenerate = 2\n" \
    "juggle: FILE:7: [queue] has both 'items' (line 5) and 'generate' (line 7): list the items or generate them, not both"
printf '\000\001' >nul.ini
expect "binary file" "juggle: nul.ini: not a text file (contains a NUL byte)" "$juggle" run nul.ini --headless
expect "directory" "juggle: $tmp: cannot read: Is a directory" "$juggle" run "$tmp" --headless
expect "missing scene" "juggle: nosuch: no such scene file or shipped scene (try 'juggle scenes')" \
    "$juggle" run nosuch --headless
# An unreadable scene says why (as root, read it as nobody: root reads anything).
printf '[scene]\ntitle = x\n' >locked.ini
chmod 000 locked.ini
chmod o+x "$tmp"
as_user=""
[ "$(id -u)" = 0 ] && as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
# shellcheck disable=SC2086
expect "unreadable scene" "juggle: locked.ini: cannot open: Permission denied" \
    $as_user "$juggle" run locked.ini --headless
"$juggle" run sleep --headless --record t.jsonl >/dev/null
expect "a trace given as a scene" \
    "juggle: t.jsonl:1: this is a juggle trace, not a scene: use 'juggle replay t.jsonl'" \
    "$juggle" run t.jsonl --headless
expect "a trace given as the view's scene" \
    "juggle: t.jsonl:1: this is a juggle trace, not a scene: use 'juggle replay t.jsonl'" \
    "$juggle" t.jsonl
expect "unknown strategy option" \
    "juggle: unknown strategy 'nope' (known: sync, coop, poll, threads, loop) (see 'juggle --help')" \
    "$juggle" run sleep -s nope --headless
expect "bad --cpus" "juggle: --cpus: '0' is not a number from 1 to 1024 (see 'juggle --help')" \
    "$juggle" run sleep --cpus 0 --headless
expect "bad --quantum" "juggle: --quantum: 'fast' is not a positive time in scene units" \
    "$juggle" run sleep --quantum fast --headless
expect "unknown option" "juggle: unknown option '--bogus' (see 'juggle --help')" "$juggle" run sleep --bogus
expect "missing option value" "juggle: option '--seed' needs a value (see 'juggle --help')" \
    "$juggle" run sleep --headless --seed
expect "unknown command" "juggle: unknown command or scene 'frobnicate' (try 'juggle --help')" \
    "$juggle" frobnicate
expect "run without scene" "juggle: which scene? (try 'juggle scenes') (see 'juggle --help')" \
    "$juggle" run --headless

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

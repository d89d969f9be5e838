# Sourced by the shell tests, first thing:  . "$(dirname "$0")/../lib.sh" "$@"
# Sets juggle (the binary under test, from the build folder in $1), here
# (the test's folder) and tmp (removed on exit), makes the checkout's root
# the working directory (scene names resolve in its scenes/), and keeps the
# tally: ok, bad MESSAGE, and finish, which prints "N passed, N failed"
# and returns non-zero if anything failed. serve_start and serve_stop run
# a `juggle serve` on a free loopback port for tests that fetch from it;
# tally_lines counts a helper's "ok" / "FAIL why" lines; expect_line checks
# a command's exit status and its one line on stderr; check and expect
# (below).
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 2
tmp=$(mktemp -d)
serve_pid=
trap '[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL $*"
}
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}

# check DESCRIPTION COMMAND...: ok if the command succeeds, else bad.
# expect RC ERR-TEXT DESCRIPTION -- COMMAND...: its exit status and whole
# stderr (stdout to $out_to, else $tmp/out). Scripts may define their own.
check() { # description condition...
    local what=$1
    shift
    if "$@"; then ok; else bad "$what"; fi
}
# expect RC ERR-TEXT description -- command...: exit status and whole stderr.
expect() {
    local want_rc=$1 want_err=$2 what=$3
    shift 4
    "$@" >"${out_to:-$tmp/out}" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" = "$want_rc" ] && [ "$(cat "$tmp/err")" = "$want_err" ]; then
        ok
    else
        bad "$what: exit $rc, stderr: $(head -c 300 "$tmp/err") (want $want_rc: $want_err)"
    fi
}

# Starts `juggle serve` on a free port: sets serve_pid, server (its URL)
# and port. Returns non-zero (after a bad) if it did not start.
serve_start() {
    "$juggle" serve --port 0 >"$tmp/serve.out" 2>&1 &
    serve_pid=$!
    server=
    for _ in $(seq 100); do
        server=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$tmp/serve.out" | head -1)
        [ -n "$server" ] && break
        sleep 0.05
    done
    port=${server##*:}
    [ -n "$server" ] || { bad "juggle serve did not start: $(cat "$tmp/serve.out")"; return 1; }
}

# Stops it with SIGINT, which must end it with status 0.
serve_stop() {
    kill -INT "$serve_pid"
    wait "$serve_pid"
    local rc=$?
    serve_pid=
    [ "$rc" = 0 ] && ok || bad "juggle serve: SIGINT should stop it with status 0 (got $rc)"
}

# expect_line STATUS PATTERN COMMAND...: the command exits STATUS and says
# one line on stderr, `juggle: ...` matching PATTERN (output in $tmp/bad.*).
expect_line() {
    local want=$1 pat=$2
    shift 2
    "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
    local rc=$?
    if [ "$rc" = "$want" ] && [ "$(grep -c '^juggle: ' "$tmp/bad.err")" = 1 ] &&
        grep -qE "$pat" "$tmp/bad.err"; then ok; else
        bad "$* -> exit $rc (want $want): $(cat "$tmp/bad.err")"
    fi
}

# tally_lines FILE RC: an ok per "ok" line, a bad per "FAIL why" line, and
# a bad if the helper that wrote them exited non-zero.
tally_lines() {
    while read -r word rest; do
        case $word in
        ok) ok ;;
        FAIL) bad "$rest" ;;
        esac
    done <"$1"
    [ "$2" = 0 ] || bad "the helper exited $2: $(tail -3 "$1")"
}

# article_programs FUNC SERVER: calls FUNC NAME SCENE STRATEGY TIME_SCALE
# PROGRAM [SERVER] for each of the article's programs in tests/watch (a
# threaded example 5 too) with the shipped scene that models it.
article_programs() {
    "$1" 1 count sync 0.5 example_1.py
    "$1" 2 count coop 0.5 example_2.py
    "$1" 3 sleep coop 0.1 example_3.py
    "$1" 4 sleep loop 0.1 example_4.py
    "$1" 5 http coop 0.5 example_5.py "$2"
    "$1" 5t http threads 0.5 example_5_threads.py "$2"
    "$1" 6 http loop 0.5 example_6.py "$2"
}

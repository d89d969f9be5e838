# Sourced by the shell tests, first thing:  . "$(dirname "$0")/../lib.sh" "$@"
# Sets juggle (the binary under test, from the build folder in $1), here
# (the test's folder) and tmp (removed on exit), makes the checkout's root
# the working directory (scene names resolve in its scenes/), and keeps the
# tally: ok, bad MESSAGE, and finish, which prints "N passed, N failed"
# and returns non-zero if anything failed.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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

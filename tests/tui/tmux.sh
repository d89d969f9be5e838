# Sourced by the tests that drive the live TUI through tmux:
#   . "$(dirname "$0")/tmux.sh" "$@"
# A private tmux server (-L) per test script, always killed; every wait
# polls with a timeout. Sets juggle, here, repo and tmp (removed on exit)
# and keeps the tally (ok, bad MESSAGE; the script prints "N passed, N
# failed"). start NAME ARGS... runs juggle in a fresh 120x40 window inside
# a shell that records `stty -a` before and after and juggle's exit status
# ($tmp/NAME.rc); screen, wait_for, check, keys, finished, juggle_pid work
# on that window. Without tmux the script reports 0 passed and exits.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
sock=juggle-test-$$
pass=0 fail=0
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL $*"
}

if ! command -v tmux >/dev/null; then
    echo "tmux is not installed: skipping"
    echo "0 passed, 0 failed"
    exit 0
fi

screen() { tmux -L "$sock" capture-pane -p -t t 2>/dev/null; }

# wait_for PATTERN [SECONDS]: polls the screen until grep -E matches.
wait_for() {
    local pat=$1 limit=${2:-5} i=0
    while [ "$i" -lt $((limit * 20)) ]; do
        screen | grep -qE -- "$pat" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# wait_file FILE [SECONDS]
wait_file() {
    local f=$1 limit=${2:-5} i=0
    while [ "$i" -lt $((limit * 20)) ]; do
        [ -s "$f" ] && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

check() { # description pattern [seconds]
    if wait_for "$2" "${3:-5}"; then ok; else
        bad "$1 (no /$2/ on screen)"
        screen | sed 's/^/    > /' | head -40
    fi
}

keys() { tmux -L "$sock" send-keys -t t "$@"; }

# start NAME ARGS...: a fresh window running juggle inside a shell that
# records stty before and after, and juggle's exit status.
start() {
    local name=$1
    shift
    rm -f "$tmp/$name".*
    local cmd="cd '${dir:-$repo}'; export LC_ALL=C.UTF-8; stty -a >'$tmp/$name.before';"
    cmd+=" ${envs:-} '$juggle' $*; echo \$? >'$tmp/$name.rc.tmp'; stty -a >'$tmp/$name.after';"
    cmd+=" mv '$tmp/$name.rc.tmp' '$tmp/$name.rc'; sleep 30"
    # A server being killed can swallow a new session: wait until it is
    # gone, and retry if the session does not come up.
    local try i
    for try in 1 2 3; do
        tmux -L "$sock" kill-server 2>/dev/null
        i=0
        while tmux -L "$sock" has-session 2>/dev/null && [ "$i" -lt 100 ]; do
            sleep 0.02
            i=$((i + 1))
        done
        tmux -L "$sock" -f /dev/null new-session -d -s t -x 120 -y 40 "$cmd" 2>/dev/null
        sleep 0.05
        tmux -L "$sock" has-session -t t 2>/dev/null && return 0
    done
    echo "could not start a tmux session"
}

finished() { # name expected-rc description
    local name=$1 want=$2
    if wait_file "$tmp/$name.rc" 5; then
        local rc
        rc=$(cat "$tmp/$name.rc")
        [ "$rc" = "$want" ] && ok || bad "$3: exit $rc, want $want"
        if cmp -s "$tmp/$name.before" "$tmp/$name.after"; then ok; else
            bad "$3: terminal not restored (stty -a differs)"
            diff "$tmp/$name.before" "$tmp/$name.after" | head -5
        fi
    else
        bad "$3: juggle did not exit"
    fi
}

juggle_pid() { # the juggle process under the pane's shell
    local shell
    shell=$(tmux -L "$sock" display -p -t t '#{pane_pid}' 2>/dev/null)
    [ -n "$shell" ] && pgrep -P "$shell" -x juggle | head -1
}


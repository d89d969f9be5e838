#!/usr/bin/env bash
# What an output file (--record, export --chrome, --svg) may replace, and
# what is left after a signal. A file the user cannot write is refused
# before the run (a rename would go around its permissions); a writable
# file of another user is written in place, keeping its owner; a name that
# cannot be looked up (a symlink loop, an unsearchable directory) is
# refused, not taken for a new file; a picture's temporary goes on
# SIGINT, SIGTERM and SIGHUP. The permission cases run as user nobody
# (setpriv) when the test runs as root, and are skipped otherwise.
. "$(dirname "$0")/../lib.sh" "$@"

no_temporary() { # DIR: no .NAME.XXXXXX left in it
    test -z "$(find "$1" -maxdepth 1 -name '.*.??????' | head -1)"
}

w=$tmp/w
mkdir "$w"
chmod 777 "$w"
chmod o+x "$tmp"
"$juggle" run sleep --headless --record "$w/ref.jsonl" >/dev/null
"$juggle" export "$w/ref.jsonl" --chrome "$w/ref.json"

# ---- a name that cannot be looked up is refused, not replaced ----
ln -s l1 "$w/l2"
ln -s l2 "$w/l1"
loop="cannot write: Too many levels of symbolic links"
expect 2 "juggle: $w/l1: $loop" "record onto a symlink loop" -- \
    "$juggle" run sleep --headless --record "$w/l1"
check "nothing was run before the refusal" test ! -s "$tmp/out"
expect 2 "juggle: $w/l1: $loop" "export --chrome onto a symlink loop" -- \
    "$juggle" export "$w/ref.jsonl" --chrome "$w/l1"
expect 2 "juggle: $w/l1: $loop" "export --svg onto a symlink loop" -- \
    "$juggle" export "$w/ref.jsonl" --svg "$w/l1"
expect 2 "juggle: $w/l1: $loop" "run --svg onto a symlink loop" -- "$juggle" run sleep --svg "$w/l1"
check "the loop is still two symlinks" test -L "$w/l1" -a -L "$w/l2"
ln -s "$w/nowhere.jsonl" "$w/dangling"
expect 0 "" "record through a dangling symlink" -- "$juggle" run sleep --headless --record "$w/dangling"
check "a dangling symlink: the link stays, its target holds the trace" \
    test -L "$w/dangling" -a "$(cat "$w/nowhere.jsonl")" = "$(cat "$w/ref.jsonl")"

# ---- /dev/stdout, /dev/fd/N and >(...) onto pipes and sockets: /proc's
# links to them end at "pipe:[N]", the name of no file; they are written
# in place through the path itself ----
"$juggle" run sleep --headless --record /dev/stdout 2>"$tmp/err" | cat >"$w/via-stdout.jsonl"
check "record /dev/stdout into a pipe: the trace, whole" cmp -s "$w/via-stdout.jsonl" "$w/ref.jsonl"
"$juggle" run sleep --headless >"$w/lines.ref"
check "record /dev/stdout into a pipe: the printed lines go to stderr, as with -" \
    cmp -s "$tmp/err" "$w/lines.ref"
"$juggle" run sleep --headless --record /dev/fd/3 3>&1 >/dev/null | cat >"$w/via-fd.jsonl"
check "record /dev/fd/3, a pipe" cmp -s "$w/via-fd.jsonl" "$w/ref.jsonl"
"$juggle" run sleep --headless --record >(cat >"$w/via-subst.jsonl") >/dev/null
rc=$?
wait $! 2>/dev/null
check "record >(cat): exit $rc" test "$rc" = 0
for n in $(seq 1 100); do cmp -s "$w/via-subst.jsonl" "$w/ref.jsonl" && break; sleep 0.05; done
check "record >(cat): the trace, whole" cmp -s "$w/via-subst.jsonl" "$w/ref.jsonl"
"$juggle" export "$w/ref.jsonl" --chrome /dev/stdout | cat >"$w/via-stdout.json"
check "export --chrome /dev/stdout into a pipe" cmp -s "$w/via-stdout.json" "$w/ref.json"
python3 - "$juggle" "$w/ref.jsonl" "$w/via-socket.json" <<'PY'
import socket, subprocess, sys
a, b = socket.socketpair()
p = subprocess.Popen([sys.argv[1], "export", sys.argv[2], "--chrome", "/dev/stdout"], stdout=b)
b.close()
with open(sys.argv[3], "wb") as out:
    while chunk := a.recv(65536):
        out.write(chunk)
sys.exit(p.wait())
PY
check "export --chrome /dev/stdout onto a socket" cmp -s "$w/via-socket.json" "$w/ref.json"

# ---- two outputs are the same when they open the same file or pipe ----
expect 2 "juggle: --svg and --record name the same file (-) (see 'juggle --help')" \
    "run --svg - --record /dev/stdout" -- "$juggle" run sleep --svg - --record /dev/stdout
expect 2 "juggle: --svg and --record name the same file (/dev/stdout) (see 'juggle --help')" \
    "run --svg /dev/stdout --record - into a pipe" -- \
    bash -c 'set -o pipefail; "$0" run sleep --svg /dev/stdout --record - | cat' "$juggle"
expect 2 "juggle: --chrome and --svg name the same file (/dev/fd/1) (see 'juggle --help')" \
    "export --chrome /dev/stdout --svg /dev/fd/1" -- \
    "$juggle" export "$w/ref.jsonl" --chrome /dev/stdout --svg /dev/fd/1
expect 0 "" "run --svg - --record /dev/null: a device is no place to collide" -- \
    "$juggle" run sleep --svg - --record /dev/null

if [ "$(id -u)" != 0 ]; then
    echo "skip: the permission cases need root (to write as user nobody and own files for others)"
elif ! command -v setpriv >/dev/null; then
    echo "skip: the permission cases need setpriv (util-linux) to run as user nobody"
else
    nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
    owner() { stat -c '%U:%G %a' "$1"; }

    # A root-owned 0644 file in a directory nobody may write.
    echo old >"$w/rootfile"
    chmod 644 "$w/rootfile"
    denied="cannot write: Permission denied"
    expect 2 "juggle: $w/rootfile: $denied" "nobody records onto root's 0644 file" -- \
        nobody "$juggle" run sleep --headless --record "$w/rootfile"
    check "nothing was run before the refusal" test ! -s "$tmp/out"
    expect 2 "juggle: $w/rootfile: $denied" "nobody exports --chrome onto root's file" -- \
        nobody "$juggle" export "$w/ref.jsonl" --chrome "$w/rootfile"
    expect 2 "juggle: $w/rootfile: $denied" "nobody exports --svg onto root's file" -- \
        nobody "$juggle" export "$w/ref.jsonl" --svg "$w/rootfile"
    expect 2 "juggle: $w/rootfile: $denied" "nobody runs --svg onto root's file" -- \
        nobody "$juggle" run sleep --svg "$w/rootfile"
    check "root's file is untouched" test "$(cat "$w/rootfile")" = old -a "$(owner "$w/rootfile")" = "root:root 644"

    # A read-only file of one's own.
    echo mine >"$w/ro"
    chown 65534:65534 "$w/ro"
    chmod 444 "$w/ro"
    expect 2 "juggle: $w/ro: $denied" "nobody records onto their own 0444 file" -- \
        nobody "$juggle" run sleep --headless --record "$w/ro"
    expect 2 "juggle: $w/ro: $denied" "nobody exports onto their own 0444 file" -- \
        nobody "$juggle" export "$w/ref.jsonl" --chrome "$w/ro"
    check "the read-only file is untouched" test "$(cat "$w/ro")" = mine -a "$(owner "$w/ro")" = "nobody:nogroup 444"

    # A file in a directory nobody cannot search: refused, not "missing".
    mkdir "$w/locked"
    chmod 700 "$w/locked"
    expect 2 "juggle: $w/locked/t.jsonl: $denied" "nobody records into a directory they cannot search" -- \
        nobody "$juggle" run sleep --headless --record "$w/locked/t.jsonl"

    # Root's 0666 file, longer than the trace: nobody may write it, so it
    # is written in place (root keeps it) and cut to the trace's length.
    head -c 100000 /dev/zero | tr '\0' x >"$w/shared"
    chmod 666 "$w/shared"
    ino=$(stat -c %i "$w/shared")
    expect 0 "" "nobody records onto root's 0666 file" -- \
        nobody "$juggle" run sleep --headless --record "$w/shared"
    check "written in place: same file, root's, 0666" \
        test "$(stat -c %i "$w/shared")" = "$ino" -a "$(owner "$w/shared")" = "root:root 666"
    check "written in place: exactly the trace" cmp -s "$w/shared" "$w/ref.jsonl"
    head -c 100000 /dev/zero | tr '\0' x >"$w/shared"
    expect 0 "" "nobody exports --chrome onto root's 0666 file" -- \
        nobody "$juggle" export "$w/ref.jsonl" --chrome "$w/shared"
    check "export written in place: exactly the export" cmp -s "$w/shared" "$w/ref.json"

    # Nobody's own file in root's 0755 directory: no temporary can go
    # beside it, so it is written in place.
    mkdir "$w/rootdir"
    echo old >"$w/rootdir/t.jsonl"
    chown 65534:65534 "$w/rootdir/t.jsonl"
    expect 0 "" "nobody records onto their file in root's directory" -- \
        nobody "$juggle" run sleep --headless --record "$w/rootdir/t.jsonl"
    check "... which holds the trace" cmp -s "$w/rootdir/t.jsonl" "$w/ref.jsonl"

    # Root replacing nobody's 0640 file keeps its owner and mode.
    echo old >"$w/theirs"
    chown 65534:65534 "$w/theirs"
    chmod 640 "$w/theirs"
    expect 0 "" "root records onto nobody's file" -- "$juggle" run sleep --headless --record "$w/theirs"
    check "the replacement keeps owner and mode ($(owner "$w/theirs"))" \
        test "$(owner "$w/theirs")" = "nobody:nogroup 640"
    check "... and holds the trace" cmp -s "$w/theirs" "$w/ref.jsonl"
    check "no temporary is left behind" no_temporary "$w"
fi

# ---- --svg with --record: both written, or neither ----
expect 0 "" "run --svg --record" -- "$juggle" run sleep --svg "$w/s.svg" --record "$w/s.jsonl"
check "run --svg --record records the run" cmp -s "$w/s.jsonl" "$w/ref.jsonl"
check "run --svg --record draws the picture" grep -q '</svg>' "$w/s.svg"
mkdir "$w/dir"
expect 2 "juggle: $w/dir: is a directory" "run --svg onto a directory, with --record" -- \
    "$juggle" run sleep --svg "$w/dir" --record "$w/none.jsonl"
check "the picture refused: nothing recorded" test ! -e "$w/none.jsonl"
expect 2 "juggle: $w/dir: is a directory" "run --svg --record onto a directory" -- \
    "$juggle" run sleep --svg "$w/none.svg" --record "$w/dir"
check "the recording refused: no picture" test ! -e "$w/none.svg"
expect 2 "juggle: $w/dir: is a directory" "export --chrome onto a directory, with --svg" -- \
    "$juggle" export "$w/ref.jsonl" --svg "$w/none.svg" --chrome "$w/dir"
check "the export refused: no picture" test ! -e "$w/none.svg"

# ---- a signal leaves no temporary behind ----
# export reads its trace after creating the picture's temporary: from a
# FIFO nobody writes to, it waits there until the signal.
sigs() { # SIG STATUS
    local sig=$1 want=$2
    rm -f "$w/fifo"
    mkfifo "$w/fifo"
    echo old >"$w/e.svg"
    "$juggle" export "$w/fifo" --svg "$w/e.svg" 2>"$tmp/sig.err" &
    local pid=$! n=0
    until [ -n "$(find "$w" -maxdepth 1 -name '.e.svg.*')" ] || [ $n -ge 3000 ]; do
        sleep 0.01
        n=$((n + 1))
    done
    check "export --svg: the temporary is there before SIG$sig" test $n -lt 3000
    kill -s "$sig" "$pid"
    { wait "$pid"; } 2>/dev/null
    local rc=$?
    check "export --svg, SIG$sig: exit $rc, want $want" test "$rc" = "$want"
    check "export --svg, SIG$sig: no temporary left" no_temporary "$w"
    check "export --svg, SIG$sig: the old picture stays" test "$(cat "$w/e.svg")" = old
}
set -m # a background job otherwise starts with SIGINT ignored
sigs INT 130
sigs TERM 143
sigs HUP 129

# run --svg: a run of some seconds; the signal comes once its temporary
# is there (the run draws after it simulates, so it is still running).
sed 's/requests = 200/requests = 200000/; s/^rate = 4 /rate = 100/' scenes/webserver.ini >"$w/big.ini"
"$juggle" run "$w/big.ini" --svg "$w/big.svg" &
pid=$!
n=0
until [ -n "$(find "$w" -maxdepth 1 -name '.big.svg.*')" ] || [ $n -ge 3000 ]; do
    sleep 0.01
    n=$((n + 1))
done
kill -s TERM "$pid"
{ wait "$pid"; } 2>/dev/null
rc=$?
set +m
check "run --svg, SIGTERM: exit $rc, want 143" test "$rc" = 143
check "run --svg, SIGTERM: no temporary left" no_temporary "$w"
check "run --svg, SIGTERM: no picture" test ! -e "$w/big.svg"

finish

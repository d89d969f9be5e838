#!/usr/bin/env bash
# make install: a fresh build installed under a temporary PREFIX runs from
# a directory without scenes/: --version names the Makefile's version,
# `juggle scenes` lists every shipped scene and `juggle run sleep` prints
# the article's example 4. The man page renders without warnings and
# documents every option of --help and every subcommand; juggle watch runs
# a program with the installed tracer; bash completion
# offers subcommands, strategies and scene names. DESTDIR stages the same
# files under another root, and make uninstall removes them.
set -u
# BUILD ($1) is not used: the test builds and installs a tree of its own.
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL $*"; }
# A make of our own, not a job of the make that may be running this test;
# unoptimised, since what is tested is the installation, not the code.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$root" \
    BUILD="$tmp/build" OPT=-O0 -j"$(nproc 2>/dev/null || echo 2)" "$@"; }

prefix=$tmp/prefix
if mk install PREFIX="$prefix" >"$tmp/make.log" 2>&1; then ok; else
    no "make install PREFIX=$prefix"
    tail -20 "$tmp/make.log"
    echo "$pass passed, $fail failed"
    exit 1
fi
for f in bin/juggle share/man/man1/juggle.1 share/bash-completion/completions/juggle \
    share/juggle/juggle_tracer.py share/juggle/sitecustomize.py; do
    [ -s "$prefix/$f" ] && ok || no "not installed: $f"
done
[ -x "$prefix/bin/juggle" ] && ok || no "bin/juggle is not executable"
want_scenes=$(cd "$root/scenes" && ls -- *.ini | sed 's/\.ini$//' | LC_ALL=C sort)
got_files=$(cd "$prefix/share/juggle/scenes" 2>/dev/null && ls -- *.ini | sed 's/\.ini$//' | LC_ALL=C sort)
[ "$want_scenes" = "$got_files" ] && ok || no "installed scenes: '$got_files'"

mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere" || exit 2
juggle=$prefix/bin/juggle
version=$(sed -n 's/^VERSION *:= *//p' "$root/Makefile")
[ "$("$juggle" --version)" = "juggle $version" ] && ok || no "--version: $("$juggle" --version)"
listed=$("$juggle" scenes 2>&1 | awk '{print $1}')
[ "$listed" = "$want_scenes" ] && ok || no "juggle scenes from elsewhere: '$listed'"
"$juggle" run sleep -s loop --headless >out 2>&1
if cmp -s out "$root/tests/cli/article/example4.out"; then ok; else
    no "juggle run sleep from elsewhere"
    diff "$root/tests/cli/article/example4.out" out | head -5
fi
"$juggle" run nosuch --headless >/dev/null 2>&1
[ $? = 2 ] && ok || no "an unknown scene should still be an error"
# juggle watch finds the installed tracer (share/juggle, beside the scenes).
printf 'import time\nprint("slept")\ntime.sleep(0.01)\n' >nap.py
out=$(env -u JUGGLE_TRACER_DIR "$juggle" watch --headless --summary -- python3 nap.py 2>&1)
[ "$(echo "$out" | head -1)" = slept ] && echo "$out" | grep -q '^main thread' && ok ||
    no "juggle watch from elsewhere: $out"

# The man page.
man_page=$prefix/share/man/man1/juggle.1
warn=$(groff -man -Tutf8 -ww -z "$man_page" 2>&1)
[ -z "$warn" ] && ok || no "groff warnings: $warn"
if command -v man >/dev/null; then
    MANWIDTH=200 man -l "$man_page" 2>/dev/null | col -b >man.txt
else
    groff -man -Tascii "$man_page" 2>/dev/null | col -b >man.txt
fi
grep -q '^NAME' man.txt && ok || no "the man page does not render"
missing=""
for opt in $("$juggle" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    grep -qF -- "$opt" man.txt || missing="$missing $opt"
done
for cmd in run compare scenes replay export serve watch; do
    grep -qE "juggle $cmd" man.txt || missing="$missing $cmd"
done
for section in SYNOPSIS OPTIONS KEYS 'SCENE FILES' 'EXIT STATUS' FILES EXAMPLES; do
    grep -q "^$section" man.txt || missing="$missing [$section]"
done
[ -z "$missing" ] && ok || no "the man page does not document:$missing"

# Bash completion, with the installed juggle first on PATH.
complete_words() { # words... (the last one is being completed)
    PATH="$prefix/bin:$PATH" bash -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _juggle; printf "%s\n" "${COMPREPLY[@]}" | sort -u | tr "\n" " "' \
        _ "$prefix/share/bash-completion/completions/juggle" "$@"
}
c=$(complete_words juggle re)
[[ " $c " == *" replay "* ]] && ok || no "completion of 're': $c"
c=$("$prefix/bin/juggle" strategies | awk '{printf "%s:%s ", $1, $2}')
[ "$c" = "1:sync 2:coop 3:poll 4:threads 5:loop " ] && ok || no "juggle strategies: $c"
c=$(complete_words juggle run -s "")
[ "$c" = "coop loop poll sync threads " ] && ok || no "completion of strategies: $c"
c=$(complete_words juggle run sl)
[[ " $c " == *" sleep "* ]] && ok || no "completion of scene names: $c"
c=$(complete_words juggle run sleep --he)
[ "$c" = "--headless --help " ] && ok || no "completion of options: $c"

# DESTDIR stages under another root; uninstall removes what install put.
stage=$tmp/stage
if mk install DESTDIR="$stage" PREFIX=/opt/juggle >>"$tmp/make.log" 2>&1 &&
    [ -x "$stage/opt/juggle/bin/juggle" ] && [ -s "$stage/opt/juggle/share/juggle/scenes/sleep.ini" ] &&
    [ "$("$stage/opt/juggle/bin/juggle" --version)" = "juggle $version" ]; then
    ok
else
    no "make install DESTDIR=$stage PREFIX=/opt/juggle"
fi
mk uninstall PREFIX="$prefix" >>"$tmp/make.log" 2>&1
left=$(find "$prefix" -type f | sed "s|^$prefix/||")
[ -z "$left" ] && ok || no "left after uninstall: $left"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# Options a command does not honour, values that are missing or are the
# next option, and outputs that collide are refused before any work: one
# line on stderr naming the option, nothing on stdout, no file written,
# exit status 2.
. "$(dirname "$0")/../lib.sh" "$@"

d=$tmp/opt
mkdir "$d"
"$juggle" run sleep --headless --record "$d/t.jsonl" >/dev/null
hint=" (see 'juggle --help')"
refused() { # description expected-stderr command...
    local what=$1 want=$2
    shift 2
    (cd "$d" && timeout 60 "$@") >"$tmp/out" 2>"$tmp/err" </dev/null
    local rc=$?
    local files
    files=$(ls -A "$d")
    if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "$want$hint" ] &&
        [ "$files" = t.jsonl ]; then
        ok
    else
        bad "$what: exit $rc, stderr: $(cat "$tmp/err") (want: $want$hint), files: $files"
    fi
    (cd "$d" && find . -mindepth 1 ! -name t.jsonl -exec rm -rf {} +)
}

# Options a command would ignore.
refused "compare --record" "juggle: compare does not take --record" "$juggle" compare sleep --record c.jsonl
refused "replay --record" "juggle: replay does not take --record" "$juggle" replay t.jsonl --record x
refused "replay -s" "juggle: replay does not take -s" "$juggle" replay t.jsonl -s sync --cpus 3
refused "replay --cpus" "juggle: replay does not take --cpus" "$juggle" replay t.jsonl --headless --cpus 3
refused "serve --headless" "juggle: serve does not take --headless" "$juggle" serve --headless
refused "export --record" "juggle: export does not take --record" "$juggle" export t.jsonl --chrome c.json --record x
refused "export --at" "juggle: export does not take --at" "$juggle" export t.jsonl --svg s.svg --at 3
view="options go with 'juggle run SCENE', which opens the same view"
refused "the view --headless" "juggle: the view (juggle SCENE) does not take --headless: $view" \
    "$juggle" sleep --headless
# The view takes no options at all: the usage shows `juggle [SCENE]`.
for o in "-s loop" "--real" "--time-scale 2" "--record r.jsonl" "--cpus 2" "--seed 3"; do
    refused "the view $o" "juggle: the view (juggle SCENE) does not take ${o%% *}: $view" \
        "$juggle" sleep $o
done
refused "run --port" "juggle: run does not take --port" "$juggle" run sleep --headless --port 1
refused "compare -s without a program" \
    "juggle: compare runs every strategy: -s and --time-scale go with --with-python PROG.py" \
    "$juggle" compare sleep -s coop
refused "watch -s" \
    "juggle: watch does not take -s: watch takes --record FILE, --headless, --summary and --json before -- python3 PROG.py" \
    "$juggle" watch -s loop -- python3 x.py

# --svg draws a simulated run's picture: it prints no lines.
refused "run --svg --headless" \
    "juggle: --svg draws a picture, not printed lines; it cannot be used with --headless" \
    "$juggle" run sleep --headless --svg s.svg --record t.trace
refused "run --svg --real" "juggle: --svg shows a simulated run; it cannot be used with --real" \
    "$juggle" run sleep --real --svg s.svg
refused "run --json without --headless" "juggle: --json goes with --headless (it shapes the printed lines)" \
    "$juggle" run sleep --svg s.svg --json
refused "run --headless --time-scale without --real" \
    "juggle: --time-scale goes with --real (real seconds per scene unit)" \
    "$juggle" run sleep --headless --time-scale 2
refused "run --dump-screen --time-scale" \
    "juggle: --time-scale goes with --real (real seconds per scene unit)" \
    "$juggle" run sleep --dump-screen 80x20 --time-scale 2
refused "run --at alone" "juggle: --at goes with --dump-screen or --svg (the instant shown)" \
    "$juggle" run sleep --headless --at 3

# --summary / --json shape printed lines, --at picks a dump's instant, a
# dump is not printed lines, and export's --dump-screen sizes its --svg:
# every command that takes them refuses them where they would be ignored.
json="juggle: --json goes with --headless (it shapes the printed lines)"
at="juggle: --at goes with --dump-screen or --svg (the instant shown)"
dump="juggle: --dump-screen prints the view's screen, not printed lines; it cannot be used with --headless"
refused "replay --json" "$json" "$juggle" replay t.jsonl --json
refused "replay --summary" "juggle: --summary goes with --headless (it shapes the printed lines)" \
    "$juggle" replay t.jsonl --summary
refused "replay --at" "$at" "$juggle" replay t.jsonl --at 5
refused "replay --headless --at" "$at" "$juggle" replay t.jsonl --headless --at 5
refused "watch --json" "$json" "$juggle" watch --json -- python3 x.py
refused "the watch view --record -" \
    "juggle: --record -: standard output holds the screen; record to a file" \
    "$juggle" watch --record - -- python3 x.py
refused "run --headless --dump-screen" "$dump" "$juggle" run sleep --headless --json --dump-screen 80x20
refused "replay --headless --dump-screen" "$dump" \
    "$juggle" replay t.jsonl --headless --json --dump-screen 80x20
refused "export --chrome --dump-screen" \
    "juggle: --dump-screen sizes the --svg picture: it goes with --svg" \
    "$juggle" export t.jsonl --chrome c.json --dump-screen 80x20

# Option numbers are decimal, as scene numbers are.
refused "--time-scale hex" "juggle: --time-scale: '0x1p-7' is not a positive number" \
    "$juggle" run sleep --headless --real --time-scale 0x1p-7
refused "--time-scale inf" "juggle: --time-scale: 'inf' is not a positive number" \
    "$juggle" run sleep --headless --real --time-scale inf
refused "--cpus +2" "juggle: --cpus: '+2' is not a number from 1 to 1024" \
    "$juggle" run sleep --headless --cpus +2
refused "--seed ' 3'" "juggle: --seed: ' 3' is not a whole number" "$juggle" run sleep --headless --seed ' 3'
refused "--port 0x50" "juggle: --port: '0x50' is not a port number (0-65535)" "$juggle" serve --port 0x50
refused "--dump-screen +80x20" "juggle: --dump-screen: '+80x20' is not COLSxROWS (e.g. 120x40)" \
    "$juggle" run sleep --dump-screen +80x20

# Two outputs on one file.
refused "export --chrome and --svg on one path" \
    "juggle: --chrome and --svg name the same file (same.x)" \
    "$juggle" export t.jsonl --chrome same.x --svg same.x
refused "export --chrome and --svg on one path, spelt two ways" \
    "juggle: --chrome and --svg name the same file (./same.x)" \
    "$juggle" export t.jsonl --chrome same.x --svg ./same.x
refused "run --svg and --record on one path" "juggle: --svg and --record name the same file (x)" \
    "$juggle" run sleep --svg x --record x
refused "run --svg and --record both to stdout" "juggle: --svg and --record name the same file (-)" \
    "$juggle" run sleep --svg - --record -

# Empty values.
for opt in --record --svg; do
    refused "run $opt ''" "juggle: option '$opt' needs a value, not an empty word" \
        "$juggle" run sleep --headless "$opt" ""
done
refused "export --chrome ''" "juggle: option '--chrome' needs a value, not an empty word" \
    "$juggle" export t.jsonl --chrome ""
refused "--port ''" "juggle: option '--port' needs a value, not an empty word" "$juggle" serve --port ''
refused "--seed ''" "juggle: option '--seed' needs a value, not an empty word" \
    "$juggle" run sleep --headless --seed ''
refused "--record=" "juggle: option '--record' needs a value, not an empty word" \
    "$juggle" run sleep --headless --record=

# A value that is the next option.
refused "--svg --headless" "juggle: option '--svg' needs a value ('--headless' is an option)" \
    "$juggle" run sleep --svg --headless
refused "--record --json" "juggle: option '--record' needs a value ('--json' is an option)" \
    "$juggle" run sleep --headless --record --json
refused "--cpus --real" "juggle: option '--cpus' needs a value ('--real' is an option)" \
    "$juggle" run sleep --headless --cpus --real
refused "-s --headless" "juggle: option '-s' needs a value ('--headless' is an option)" \
    "$juggle" run sleep -s --headless
refused "export --chrome --svg" "juggle: option '--chrome' needs a value ('--svg' is an option)" \
    "$juggle" export t.jsonl --chrome --svg x.svg
refused "--summary --json" "juggle: --summary and --json cannot be used together: pick one" \
    "$juggle" replay t.jsonl --headless --summary --json

# What stays allowed: "-" is standard output, and --OPT=VALUE says it.
(cd "$d" && "$juggle" export t.jsonl --chrome - >"$tmp/c.json") && grep -q traceEvents "$tmp/c.json" &&
    ok || bad "export --chrome - writes to stdout"
"$juggle" run sleep --headless --record="$d/--x.jsonl" >/dev/null && cmp -s "$d/--x.jsonl" "$d/t.jsonl" &&
    ok || bad "--record=--x.jsonl records to a file of that name"
rm -f "$d/--x.jsonl"
# compare takes the scene's overrides, as its usage says: they change the runs.
[ "$("$juggle" compare count --cpus 2 | grep '^threads')" = \
    "threads        1.70     94.1%         0        0.00         0" ] &&
    ok || bad "compare --cpus 2 runs threads on two CPUs"
[ "$("$juggle" compare count --quantum 0.5 | grep '^threads')" = \
    "threads        3.20    100.0%         6        0.50         0" ] &&
    ok || bad "compare --quantum 0.5 switches threads every half unit"
# An option's bad value is blamed on the option, not on the scene file.
"$juggle" run count -s poll --poll-interval 0.001 --headless >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "juggle: --poll-interval 0.001: check_cost: 0.01 is not below poll_interval (0.001): checking would leave no time for work" ] &&
    ok || bad "--poll-interval below check_cost: exit $rc, $(cat "$tmp/err")"

# Bash completion offers each command exactly the options it takes.
completion=$(dirname "$0")/../../assets/juggle.bash-completion
complete_opts() { # words... (the last one is being completed)
    PATH="$(dirname "$juggle"):$PATH" bash -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _juggle; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
        _ "$completion" "$@"
}
expect_completion() { # want words...
    local want=$1 got
    shift
    got=$(complete_opts "$@")
    [ "$got" = "$want" ] && ok || bad "completion of '$*': $got (want: $want)"
}
expect_completion "--help " juggle sleep --
expect_completion "--help --version " juggle --
expect_completion "--seed --strategy --summary --svg " juggle run sleep --s
expect_completion "--at --dump-screen --headless --help --json --summary " juggle replay t.jsonl --
expect_completion "--chrome --dump-screen --help --svg " juggle export t.jsonl --

finish

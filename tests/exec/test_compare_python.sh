#!/usr/bin/env bash
# juggle compare SCENE --with-python PROG.py (issue 14, item 5): the
# article's programs (tests/watch/) beside the scene and strategy that
# model them, paired as in test_watch.sh. Per program, from --json: exit
# 0, the scene's strategy row then the python row, the printed lines
# reported as agreeing, and the makespan ratio within 15 %. Then the text
# table (the simulated row exactly, the verdict lines), a mismatched pair
# reported as differing at its first different line, and bad programs:
# one line, exit 1 (the program failed) or 2 (juggle could not run it).
. "$(dirname "$0")/../lib.sh" "$@"
progs=$PWD/tests/watch
py=$(command -v python3)
serve_start || { finish; exit; }

# check N SCENE STRATEGY SCALE PROGRAM [ARGS...]
check() {
    local n=$1 scene=$2 strat=$3 scale=$4 out=$tmp/$1
    shift 4
    timeout 120 "$juggle" compare "$scene" -s "$strat" --time-scale "$scale" --json \
        --with-python "$progs/$1" "${@:2}" "$scale" >"$out.json" 2>"$out.err"
    local rc=$?
    [ "$rc" -eq 0 ] && [ ! -s "$out.err" ] && ok || bad "example $n: exit $rc: $(head -3 "$out.err")"
    "$py" - "$out.json" "$strat" "$scale" <<'PY' >"$out.verdict" 2>&1
import json, sys
j = json.load(open(sys.argv[1]))
p = j["with_python"]
assert [r["strategy"] for r in j["runs"]] == [sys.argv[2], "python"], j["runs"]
assert p["time_scale"] == float(sys.argv[3]), p
assert p["lines_agree"] is True and "first_difference" not in p, p
assert p["lines"] > 0, p
assert abs(p["makespan_ratio"] - 1) <= 0.15, p
assert abs(p["makespan_python"] / p["makespan_simulated"] - p["makespan_ratio"]) < 1e-6, p
PY
    [ $? -eq 0 ] && ok || bad "example $n: $(tail -1 "$out.verdict")"
}

article_programs check "$server"

# The text table: juggle compare's header and simulated row exactly, the
# python row, the verdict; the scene's own strategy when -s is not given.
"$juggle" compare sleep --time-scale 0.05 --with-python "$progs/example_4.py" 0.05 >"$tmp/t.out" 2>&1
rc=$?
sed -n 1,4p "$tmp/t.out" >"$tmp/t.head"
printf '%s\n' 'Cooperative concurrency with blocking and non-blocking calls' '' \
    'strategy      total  cpu busy  switches  worst wait    wasted' \
    'loop          17.00      0.0%         4        0.00         0' >"$tmp/t.want"
[ $rc = 0 ] && cmp -s "$tmp/t.want" "$tmp/t.head" && ok || { bad "text table: exit $rc"; diff "$tmp/t.want" "$tmp/t.head"; }
grep -qE '^python +[0-9.]+ ' "$tmp/t.out" && ok || bad "text table: no python row: $(cat "$tmp/t.out")"
grep -qx "python            python3 $progs/example_4.py 0.05, at 0.05 s per unit" "$tmp/t.out" && ok ||
    bad "text: the program line: $(cat "$tmp/t.out")"
grep -qx 'printed lines     agree (10 lines, measured times masked)' "$tmp/t.out" && ok ||
    bad "text: the lines verdict: $(cat "$tmp/t.out")"
grep -qE '^makespan          simulated 17\.00, python [0-9.]+, ratio [0-9.]+ \(first printed line to the end\)$' \
    "$tmp/t.out" && ok || bad "text: the makespan line: $(cat "$tmp/t.out")"

# A program that does not model the strategy: example 3 (blocking sleeps)
# against the loop, with the interpreter named: the first different line.
"$juggle" compare sleep -s loop --time-scale 0.02 --with-python python3 "$progs/example_3.py" 0.02 \
    >"$tmp/m.out" 2>&1
rc=$?
grep -qx "printed lines     differ at line 2: simulated 'Task Two running', python 'Task One elapsed time: #'" \
    "$tmp/m.out" && [ $rc = 0 ] && ok || bad "mismatch: exit $rc: $(cat "$tmp/m.out")"

# Bad programs and usage: one line from juggle (the program's own stderr
# passes through), exit 1 or 2, as juggle watch.
cd "$tmp" || exit 2
printf 'print("Task One running")\nraise SystemExit(3)\n' >exit3.py
mkdir empty
expect_line 2 '^juggle: nope\.py: cannot read the program' "$juggle" compare count --with-python nope.py
[ ! -s bad.out ] && ok || bad "a missing program prints a table: $(cat bad.out)"
expect_line 1 '^juggle: exit3\.py: the program exited with status 3$' \
    "$juggle" compare count --with-python exit3.py
grep -qE '^python .*  failed$' bad.out && ok || bad "a failed program's row: $(cat bad.out)"
expect_line 2 "never started juggle's tracer" env JUGGLE_TRACER_DIR="$tmp/empty" \
    "$juggle" compare count --with-python exit3.py
[ ! -s bad.out ] && ok || bad "a program juggle cannot follow prints a table: $(cat bad.out)"
# A program that prints nothing: no makespan, so no ratio.
printf 'raise SystemExit(4)\n' >silent.py
expect_line 1 'exited with status 4' "$juggle" compare count --with-python silent.py
grep -qx "makespan          simulated 3.20, python - (first printed line to the end)" bad.out && ok ||
    bad "silent program: $(cat bad.out)"
expect_line 2 'with-python needs a program' "$juggle" compare count --with-python
expect_line 2 'no such scene' "$juggle" compare nosuch --with-python exit3.py
expect_line 2 'which scene' "$juggle" compare --with-python exit3.py
for n in 1 2 3 4 5 5t 6; do
    echo "example $n: $("$py" -c 'import json,sys; p=json.load(open(sys.argv[1]))["with_python"]; print("makespan ratio %.3f" % p["makespan_ratio"])' "$tmp/$n.json" 2>/dev/null)"
done
finish

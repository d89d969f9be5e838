#!/usr/bin/env bash
# The article's programs are the reference: for generated worker names and
# work lists, juggle's headless output must equal, line for line, what the
# article's Python program prints with the same names and work (run on a
# virtual clock by reference/article.py).
#
#   example 1 = count/sync   example 2 = count/coop   example 3 = sleep/coop
#   example 4 = sleep/loop   example 5 = http/coop    example 6 = http/loop
#
# Sleep items are whole numbers and latencies multiples of 0.25 s, so the
# Python program's float arithmetic is exact and its ties are real ties.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
here=$(cd "$(dirname "$0")" && pwd)
py=$(command -v python3)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() { # example strategy work names items [latencies]
    local ex=$1 strat=$2 work=$3 names=$4 items=$5 lat=${6:-}
    local scene=$tmp/case.ini
    {
        printf '[scene]\ntitle = reference case\nkind = queue\n[workers]\nnames = %s\n[queue]\nwork = %s\n' "$names" "$work"
        if [ "$work" = http ]; then
            printf 'urls = %s\nlatency = %s\n' "$items" "$lat"
        else
            printf 'items = %s\n' "$items"
        fi
    } >"$scene"
    "$py" "$here/reference/article.py" "$ex" "$names" "$items" "$lat" >"$tmp/want" 2>"$tmp/pyerr"
    "$juggle" run "$scene" -s "$strat" --headless >"$tmp/got" 2>&1
    if cmp -s "$tmp/want" "$tmp/got"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL example $ex ($work/$strat) names=[$names] items=[$items] latency=[$lat]"
        diff "$tmp/want" "$tmp/got" | head -20
    fi
}

# The article's own four runs.
check 1 sync count "One, Two" "15, 10, 5, 2"
check 2 coop count "One, Two" "15, 10, 5, 2"
check 3 coop sleep "One, Two" "15, 10, 5, 2"
check 4 loop sleep "One, Two" "15, 10, 5, 2"
urls="http://google.com, http://yahoo.com, http://linkedin.com, http://apple.com, http://microsoft.com, http://facebook.com, http://twitter.com"
check 5 coop http "One, Two" "$urls" "0.25, 0.75, 0.5, 0.25, 0.5, 0.5, 0.5"
check 6 loop http "One, Two" "$urls" "0.25, 1, 0.25, 0.25, 0.5, 0.5, 0.25"

# Generated cases: a fixed seed, so a failure is reproducible.
"$py" - >"$tmp/cases" <<'PY'
import random
r = random.Random(20261125)
pool = ["One", "Two", "Three", "Four", "A", "B", "Ann", "Bob", "x1"]
for i in range(60):
    names = ", ".join(r.sample(pool, r.randint(1, 4)))
    n = r.randint(0, 8)
    ex = r.choice([1, 2, 3, 4, 5, 6])
    if ex in (5, 6):
        n = max(n, 1)
        urls = ", ".join(f"http://h{j}.test/p{r.randint(0, 9)}" for j in range(n))
        lat = ", ".join(str(r.choice([0.25, 0.5, 0.75, 1, 1.25, 2])) for _ in range(n))
        print(f"{ex}|{names}|{urls}|{lat}")
    else:
        items = ", ".join(str(r.randint(0, 20)) for _ in range(max(n, 1) if ex in (3, 4) else n))
        if not items:
            items = "3"
        print(f"{ex}|{names}|{items}|")
PY
while IFS='|' read -r ex names items lat; do
    case $ex in
        1) check 1 sync count "$names" "$items";;
        2) check 2 coop count "$names" "$items";;
        3) check 3 coop sleep "$names" "$items";;
        4) check 4 loop sleep "$names" "$items";;
        5) check 5 coop http "$names" "$items" "$lat";;
        6) check 6 loop http "$names" "$items" "$lat";;
    esac
done <"$tmp/cases"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

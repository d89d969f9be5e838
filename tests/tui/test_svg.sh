#!/usr/bin/env bash
# Share a picture (issue 12 item 7): `juggle export TRACE --svg OUT.svg`
# and `juggle run SCENE --svg OUT.svg` write a standalone SVG of the view
# (timeline, legend, totals) that parses as XML, has a lane for every task
# and CPU, carries the run's numbers, and renders with librsvg's
# rsvg-convert (Debian's librsvg2-bin, which `make deps` installs).
. "$(dirname "$0")/../lib.sh" "$@"
export LC_ALL=C.UTF-8

check_svg() { # SVG JSON WHAT: XML, lanes and totals against the run's --json
    python3 - "$1" "$2" <<'EOF' && ok || bad "$3"
import json, sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "svg", root.tag
run = json.load(open(sys.argv[2]))
lanes = {g.get("data-lane") for g in root.iter(ns + "g") if g.get("class") == "lane"}
want = {t["name"] for t in run["tasks"]} | {"cpu%d" % i for i in range(run["cpus"])}
assert want <= lanes, "lanes %s, want %s" % (sorted(lanes), sorted(want))
text = "".join(t.text or "" for t in root.iter(ns + "text"))
assert "elapsed%.1f" % run["total"] in text.replace(" ", ""), "no 'elapsed %.1f' in the picture" % run["total"]
assert root.find(ns + "title").text.startswith("juggle: ")
EOF
}
render() { # SVG PNG WHAT
    if ! command -v rsvg-convert >/dev/null; then
        bad "$3: rsvg-convert is not installed (apt-get install librsvg2-bin)"
        return
    fi
    rsvg-convert -o "$2" "$1" 2>"$tmp/rsvg.err" || { bad "$3: rsvg-convert failed: $(cat "$tmp/rsvg.err")"; return; }
    python3 - "$2" "$1" <<'EOF' && ok || bad "$3: the PNG"
import re, struct, sys
png = open(sys.argv[1], "rb").read()
assert png[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", png[16:24])
svg = open(sys.argv[2], encoding="utf-8").read()
sw, sh = map(int, re.search(r'width="(\d+)" height="(\d+)"', svg).groups())
assert (w, h) == (sw, sh), ((w, h), (sw, sh))
EOF
}

for scene in household deadlock webserver; do
    "$juggle" run "$scene" -s coop --headless --json >"$tmp/$scene.json"
    "$juggle" run "$scene" -s coop --svg "$tmp/$scene.svg" && ok || bad "run $scene --svg"
    check_svg "$tmp/$scene.svg" "$tmp/$scene.json" "run $scene --svg"
    render "$tmp/$scene.svg" "$tmp/$scene.png" "run $scene --svg"
done

# export: from a recorded trace, at a chosen size.
"$juggle" run sleep -s loop --headless --json --record "$tmp/sleep.jsonl" >"$tmp/sleep.json"
"$juggle" export "$tmp/sleep.jsonl" --svg "$tmp/sleep.svg" --dump-screen 120x40 && ok || bad "export --svg"
check_svg "$tmp/sleep.svg" "$tmp/sleep.json" "export sleep --svg"
render "$tmp/sleep.svg" "$tmp/sleep.png" "export sleep --svg"
grep -q 'width="1008" height="663"' "$tmp/sleep.svg" && ok || bad "120x40 cells: 1008x663 (39 rows: no status row)"

# Both exports at once; a bad output path: one line, exit 2.
"$juggle" export "$tmp/sleep.jsonl" --svg "$tmp/b.svg" --chrome "$tmp/b.json" && [ -s "$tmp/b.svg" ] && [ -s "$tmp/b.json" ] && ok ||
    bad "export --svg --chrome writes both"
"$juggle" export "$tmp/sleep.jsonl" --svg "$tmp/no/such/dir.svg" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && ok || bad "bad --svg path: exit $rc, $(cat "$tmp/err")"
# The picture never replaces what it is drawn from; a failed write is one
# line, exit 1, and leaves an earlier picture whole (written beside, renamed).
cp "$tmp/sleep.jsonl" "$tmp/keep.jsonl"
"$juggle" export "$tmp/sleep.jsonl" --svg "$tmp/sleep.jsonl" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && cmp -s "$tmp/sleep.jsonl" "$tmp/keep.jsonl" && ok ||
    bad "export --svg onto its own trace: exit $rc, $(cat "$tmp/err")"
cp scenes/sleep.ini "$tmp/s.ini"
"$juggle" run "$tmp/s.ini" --svg "$tmp/s.ini" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && cmp -s scenes/sleep.ini "$tmp/s.ini" && ok || bad "run --svg onto its scene: exit $rc, $(cat "$tmp/err")"
"$juggle" export "$tmp/sleep.jsonl" --svg /dev/full 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "juggle: /dev/full: cannot write: No space left on device" ] && ok ||
    bad "--svg /dev/full: exit $rc, $(cat "$tmp/err")"
cp "$tmp/sleep.svg" "$tmp/old.svg"
"$juggle" run sleep -s coop --svg "$tmp/sleep.svg" && ! cmp -s "$tmp/sleep.svg" "$tmp/old.svg" &&
    grep -q '</svg>' "$tmp/sleep.svg" && ok || bad "--svg over an earlier picture replaces it whole"
"$juggle" export "$tmp/sleep.jsonl" 2>"$tmp/err"
[ $? = 2 ] && grep -q -- '--svg' "$tmp/err" && ok || bad "export without an output names --svg"
finish

#!/usr/bin/env bash
# Issue 6: the article's pictures as scenes; see scenes_check.py.
set -u
build=${1:-build}
juggle=$(cd "$build" && pwd)/juggle
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here/../.." || exit 2
python3 "$here/scenes_check.py" "$juggle" "$tmp"

#!/usr/bin/env bash
# Issue 12: items for every piece of work (household's checkbook entries,
# the checkbook scene's check and bills); see items_check.py.
. "$(dirname "$0")/../lib.sh" "$@"
python3 "$here/items_check.py" "$juggle" "$tmp"

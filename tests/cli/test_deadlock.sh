#!/usr/bin/env bash
# Issue 12: a deadlock names both waits under every strategy, the one
# thread included; see deadlock_check.py.
. "$(dirname "$0")/../lib.sh" "$@"
python3 "$here/deadlock_check.py" "$juggle" "$tmp"

#!/usr/bin/env bash
# The real/simulated matrix: every shipped scene x every strategy, for real
# and in virtual time, compared on what does not depend on timing noise
# (see real_matrix.py). Prints the table and "N passed, N failed".
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/real_matrix.py" "$build/juggle" "$top/scenes" "$tmp"

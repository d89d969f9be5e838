#!/usr/bin/env bash
# Golden outputs: see golden.sh.
exec bash "$(dirname "$0")/golden.sh" "$@"

#!/usr/bin/env bash
# libcurl and libmicrohttpd load when first used (src/exec/dynlib.c), not
# at every start: juggle's binary does not name them, `juggle serve` maps
# libmicrohttpd (which it uses) and not libcurl (which it does not). That
# HTTP works through them is the real-run and watch suites' business.
. "$(dirname "$0")/../lib.sh" "$@"

if command -v readelf >/dev/null; then
    needed=$(readelf -d "$juggle" | grep NEEDED)
    echo "$needed" | grep -q 'libuv' && ok || bad "readelf shows no NEEDED libuv: $needed"
    echo "$needed" | grep -qE 'libcurl|libmicrohttpd' && bad "juggle links them: $needed" || ok
fi
serve_start || { finish; exit; }
maps=$(cat "/proc/$serve_pid/maps")
echo "$maps" | grep -q 'libmicrohttpd' && ok || bad "juggle serve has not loaded libmicrohttpd"
echo "$maps" | grep -q 'libcurl' && bad "juggle serve loaded libcurl" || ok
serve_stop
finish

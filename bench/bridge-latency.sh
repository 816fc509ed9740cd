#!/bin/sh
# SPDX-License-Identifier: MIT
# bridge-latency.sh - how long a set takes to cross `filemap bridge`, side
# by side with the same ping-pong on one side only, in one run.
#
# Two auto-reset events, bounced ROUNDS times by tests/bridge/bridge-prog
# (ping sets A and waits for B; pong waits for A and sets B): natively
# (filemap's futex events), under Wine (wineserver's events), and across
# the bridge each way, where one crossing is about half a round trip.
# Prints the median and the 99th percentile of the round trips.
#
#   usage: bench/bridge-latency.sh [BUILD_DIR [ROUNDS]]
#          (default build/release, 5000; `make bench-bridge` builds it)
set -eu
build=${1:-build/release}
rounds=${2:-5000}
tool=$build/tools/filemap/filemap
prog=$build/tests/bridge/bridge-prog
exe=$build/tests/bridge/bridge-prog-win64.exe
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
for f in "$tool" "$prog" "$exe" "$build/tools/filemap/filemap-bridge.exe" "$wine"; do
	[ -e "$f" ] || { echo "bridge-latency: $f is missing (Wine and mingw-w64 are needed)" >&2; exit 77; }
done

work=$(mktemp -d /dev/shm/fm-bridge-latency-XXXXXX)
trap 'rm -rf "$work"' EXIT
export FILEMAP_ROOT="$work/store" WINEPREFIX="$work/prefix" TMPDIR="$work"
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY
echo "making a Wine prefix (a minute the first time)..." >&2
"$wine" wineboot -i >/dev/null 2>&1
"$(dirname "$(readlink -f "$wine")")/wineserver" -w

# run LABEL PING... :: PONG...: the pong in the background, then the ping
# (:: since the bridge's own command line has a --).
run() {
	label=$1
	shift
	ping=""
	while [ "$1" != :: ]; do ping="$ping $1"; shift; done
	shift
	"$@" >/dev/null &
	sleep 1
	# shellcheck disable=SC2086 (ping is words on purpose)
	result=$($ping | sed -n 's/^ping: round trips: [0-9]*, //p')
	wait
	printf '%-44s %s\n' "$label" "$result"
}

echo "round trips of a set, $rounds each (one crossing is about half of one):"
run "native <-> native (filemap events)" \
	"$prog" ping 'Local\n.a' 'Local\n.b' "$rounds" :: "$prog" pong 'Local\n.a' 'Local\n.b' "$rounds"
run "Wine <-> Wine (wineserver events)" \
	"$wine" "$exe" ping 'Local\w.a' 'Local\w.b' "$rounds" :: \
	"$wine" "$exe" pong 'Local\w.a' 'Local\w.b' "$rounds"
run "native ping, Windows pong, across the bridge" \
	"$prog" ping 'Local\x.a' 'Local\x.b' "$rounds" :: \
	"$tool" bridge --event 'Local\x.a' --event 'Local\x.b' -- \
	"$wine" "$exe" pong 'Local\x.a' 'Local\x.b' "$rounds"
run "Windows ping, native pong, across the bridge" \
	"$tool" bridge --event 'Local\y.a' --event 'Local\y.b' -- \
	"$wine" "$exe" ping 'Local\y.a' 'Local\y.b' "$rounds" :: \
	"$prog" pong 'Local\y.a' 'Local\y.b' "$rounds"
"$(dirname "$(readlink -f "$wine")")/wineserver" -k 2>/dev/null || true

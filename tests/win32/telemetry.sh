#!/bin/sh
# SPDX-License-Identifier: MIT
# telemetry.sh - runs the Win32 telemetry sample (examples/win32) as a user
# would: the consumer first, then the producer with RECORDS records; prints
# both summaries and exits with the consumer's status.  With --wine, runs
# the mingw-w64 builds under Wine in the prefix DIR (77, skipped, when Wine
# or the builds are missing).
#
#   usage: telemetry.sh [--wine WINE DIR] CONSUMER PRODUCER RECORDS
set -u
run=
if [ "$1" = --wine ]; then
	if [ ! -x "$2" ] || [ ! -f "$4" ] || [ ! -f "$5" ]; then
		echo "SKIPPED: Wine or the mingw-w64 builds are missing"
		exit 77
	fi
	unset DISPLAY
	export WINEPREFIX="$3" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
	run="$2"
	shift 3
fi
consumer=$1 producer=$2 records=$3

$run "$consumer" 20000 &
pid=$!
sleep 0.2
$run "$producer" "$records" 10 || echo "producer failed: $?"
wait "$pid"
status=$?
echo "consumer exit status: $status"
exit "$status"

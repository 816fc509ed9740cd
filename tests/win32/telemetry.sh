#!/bin/sh
# SPDX-License-Identifier: MIT
# telemetry.sh - runs a reader of the Win32 telemetry sample (examples/win32:
# the consumer, or with --find the dashboard) as a user would: the reader
# first, its input /dev/null (no key ever comes), then the producer with
# RECORDS records; prints what both printed and exits with the reader's
# status.  --find EXE passes the dashboard the producer's exe name to look
# for.  With --wine, runs the mingw-w64 builds under Wine in the prefix DIR
# (77, skipped, when Wine or the builds are missing).
#
#   usage: telemetry.sh [--wine WINE DIR] [--find EXE] READER PRODUCER RECORDS
set -u
run=
if [ "$1" = --wine ]; then
	if [ ! -x "$2" ]; then
		echo "SKIPPED: Wine is not installed"
		exit 77
	fi
	unset DISPLAY
	export WINEPREFIX="$3" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
	run="$2"
	shift 3
fi
find=
if [ "$1" = --find ]; then
	find=$2
	shift 2
fi
reader=$1 producer=$2 records=$3
if [ -n "$run" ] && { [ ! -f "$reader" ] || [ ! -f "$producer" ]; }; then
	echo "SKIPPED: the mingw-w64 builds are missing"
	exit 77
fi

$run "$reader" ${find:+"$find"} 20000 </dev/null &
pid=$!
sleep 0.2
$run "$producer" "$records" 10 || echo "producer failed: $?"
wait "$pid"
status=$?
echo "reader exit status: $status"
exit "$status"

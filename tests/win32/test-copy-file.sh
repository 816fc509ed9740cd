#!/bin/sh
# SPDX-License-Identifier: MIT
# test-copy-file.sh - runs the Win32 example examples/win32/copy_file and
# compares its copies with cmp(1).
#
#   test-copy-file.sh small COPY_FILE WORKDIR
#       a 1 MiB random file, and an empty one, copied natively.
#   test-copy-file.sh large COPY_FILE WORKDIR
#       a sparse 5 GiB file with data past 4 GiB, copied natively: views at
#       offsets with a high DWORD, and a destination grown past 4 GiB.
#       WORKDIR must be on a disk file system (the copy is 5 GiB of real
#       blocks); skipped (77) on tmpfs or with less than 6 GiB free.
#   test-copy-file.sh wine EXE WORKDIR WINE PREFIX
#       the mingw-w64 build under Wine on a 1 MiB file; skipped (77)
#       without Wine or the mingw-w64 build.
set -eu

mode=$1 prog=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work"

small_file() {
	head -c 1048576 /dev/urandom >src
	# One byte more, so the file ends mid-page.
	printf 'x' >>src
}

case $mode in
small)
	small_file
	"$prog" src dst
	cmp src dst
	: >empty
	printf 'old contents' >dst-empty
	"$prog" empty dst-empty
	cmp empty dst-empty
	if "$prog" missing dst-missing 2>err; then
		echo "copying a missing file succeeded" >&2
		exit 1
	fi
	grep -q "CreateFile(SRC) failed (error 2)" err
	;;
large)
	fs=$(stat -f -c %T .)
	if [ "$fs" = tmpfs ] || [ "$fs" = ramfs ]; then
		echo "SKIPPED: $work is on $fs; the 5 GiB copy needs a disk file system"
		exit 77
	fi
	free_kib=$(df -Pk . | awk 'NR == 2 { print $4 }')
	if [ "$free_kib" -lt $((6 * 1024 * 1024)) ]; then
		echo "SKIPPED: $free_kib KiB free in $work; the 5 GiB copy needs 6 GiB"
		exit 77
	fi
	truncate -s 5G src
	# Data at 0, across the 4 GiB boundary (which is also a boundary of
	# copy_file's 256 MiB windows), past it, and in the last bytes; the
	# rest is holes.
	for at in 0 4294967290 4400000000 5368709100; do
		printf 'data at %s' "$at" | dd of=src bs=1 seek="$at" conv=notrunc status=none
	done
	"$prog" src dst
	cmp src dst
	[ "$(stat -c %s dst)" -eq 5368709120 ]
	rm -f src dst
	;;
wine)
	wine=${4:-} prefix=${5:-}
	if [ -z "$wine" ] || [ ! -x "$wine" ]; then
		echo "SKIPPED: Wine is not installed"
		exit 77
	fi
	if [ ! -f "$prog" ]; then
		echo "SKIPPED: $prog was not built (mingw-w64 is not installed)"
		exit 77
	fi
	small_file
	WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
		"$wine" "$prog" src dst </dev/null
	cmp src dst
	;;
*)
	echo "usage: $0 small|large|wine COPY_FILE WORKDIR [WINE PREFIX]" >&2
	exit 2
	;;
esac
cd /
rm -rf "$work"
echo "copy_file $mode: identical"

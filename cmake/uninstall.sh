#!/bin/sh
# SPDX-License-Identifier: MIT
# `make uninstall`: removes every file `make install` installed, as cmake
# listed them in install_manifest.txt, then the directories that are
# filemap's own (include/filemap, lib/cmake/filemap) once empty; the
# manifest last, so that a failed run can be repeated.
#
#   usage: uninstall.sh MANIFEST
set -eu
manifest=$1
if [ ! -f "$manifest" ]; then
	echo "make uninstall: $manifest is not there: nothing was installed from this tree" >&2
	exit 1
fi
dirs=""
while IFS= read -r file || [ -n "$file" ]; do  # the last line has no newline
	[ -n "$file" ] || continue
	if [ -e "$file" ] || [ -L "$file" ]; then
		rm -f -- "$file"
		echo "removed $file"
	fi
	case $file in
	*/include/filemap/* | */cmake/filemap/*) dirs="${file%/*}
$dirs" ;;
	esac
done <"$manifest"
# Deepest first: include/filemap/win32 before include/filemap.
printf '%s\n' "$dirs" | sort -ru | while IFS= read -r dir; do
	[ -n "$dir" ] || continue
	if rmdir -- "$dir" 2>/dev/null; then
		echo "removed $dir/"
	fi
done
rm -f -- "$manifest"

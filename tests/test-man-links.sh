#!/bin/sh
# SPDX-License-Identifier: MIT
# Every second name of a man page is a symbolic link to the page, in the
# same directory: it leads to a page that exists and is not itself a link,
# and no page is a ".so" include, which `man -l` resolves only from the
# current directory.  Then, where man is installed, `man -l` renders a link
# from anywhere.
#
#   usage: test-man-links.sh MAN_DIR
set -eu
dir=$1
links=0
for f in "$dir"/*.[137] "$dir"/win32/*.7; do
	if [ -L "$f" ]; then
		target=$(readlink "$f")
		case $target in */*) echo "$f: links out of its directory: $target"; exit 1 ;; esac
		[ -f "$(dirname "$f")/$target" ] && [ ! -L "$(dirname "$f")/$target" ] ||
			{ echo "$f: links to $target, which is not a page"; exit 1; }
		links=$((links + 1))
	elif head -n 1 "$f" | grep -q '^\.so '; then
		echo "$f: a .so include; make it a symbolic link to the page"
		exit 1
	fi
done
echo "$links links, each to a page"
if command -v man >/dev/null; then
	cd /
	out=$(MANWIDTH=80 man -l "$dir/fm_mutex_lock.3" 2>&1)
	echo "$out" | grep -q "fm_mutex_lock" || { echo "man -l: $out"; exit 1; }
	echo "$out" | grep -qi "warning\|can't open" && { echo "man -l: $out"; exit 1; }
	echo "man -l $dir/fm_mutex_lock.3: rendered"
fi

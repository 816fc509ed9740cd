#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's first example is a whole program: cut it out of README.md,
# build it against this build's library, and run it as the README says, a
# writer holding the section while a reader prints it; once the writer lets
# go, the name is gone.
#
#   usage: test-readme.sh BUILD_DIR SOURCE_DIR   (CFLAGS from ctest)
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null || true; rm -rf "$work"' EXIT
export FILEMAP_ROOT=$work/store

awk '/^## The API in one example/ { section = 1 }
     section && /^```c$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' "$src/README.md" >"$work/telemetry.c"
grep -q 'int main' "$work/telemetry.c" || { echo "the README's first example has no main"; exit 1; }
# shellcheck disable=SC2086
cc ${CFLAGS:-} -Wall -Werror -o "$work/telemetry" "$work/telemetry.c" -I"$src/include" \
	-I"$build/include" -L"$build" -lfilemap -Wl,-rpath,"$build"

mkfifo "$work/enter"
"$work/telemetry" write <"$work/enter" >"$work/writer.out" &
writer=$!
exec 3>"$work/enter"
# The reader fails, or reads nothing yet, until the writer has made the
# section and written into it (a bounded wait).
for _ in $(seq 300); do
	got=$("$work/telemetry" 2>/dev/null) && [ "$got" = "4096 bytes: speed=42" ] && break
	sleep 0.1
done
[ "$got" = "4096 bytes: speed=42" ] || { echo "the reader printed: $got"; exit 1; }
echo >&3 # Enter: the writer lets go, and the name goes with it
wait "$writer"
if "$work/telemetry" 2>"$work/reader.err"; then
	echo "the name outlived its last handle"
	exit 1
fi
grep -q "no object of that name" "$work/reader.err" || { cat "$work/reader.err"; exit 1; }
echo "README's first example: built, written, read ($got), gone after the last close"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build into a temporary prefix and checks what a Win32
# program from outside needs: libfilemap-win32, its headers under
# include/filemap/win32 (<windows.h>, <Windows.h>, <tchar.h>, <conio.h>,
# ...), a relocatable filemap-win32.pc, and the filemap::win32 CMake target.
# The Win32 samples are built with nothing but the pkg-config flags, and
# again through find_package, and run.  Usage: test-install-win32.sh BUILD_DIR SOURCE_DIR
# (CFLAGS, set by ctest, carries the build's own flags, e.g. sanitizers).
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FILEMAP_ROOT=$work/store
sample=$src/examples/win32

cmake --install "$build" --prefix "$work/installed" >/dev/null
# Relocatable: the prefix works wherever it is moved.
mv "$work/installed" "$work/prefix"
libdir=$(dirname "$(find "$work/prefix" -name libfilemap-win32.so -print -quit)")
inc=$work/prefix/include/filemap/win32
for f in "$libdir/libfilemap-win32.so" "$libdir/libfilemap-win32.a" \
	 "$libdir/pkgconfig/filemap-win32.pc" "$inc/windows.h" "$inc/Windows.h" \
	 "$inc/tchar.h" "$inc/winbase.h" "$inc/conio.h" "$inc/TlHelp32.h" "$inc/tlhelp32.h" \
	 "$inc/filemap-crt.h" "$work/prefix/share/man/man7/filemap-win32.7" \
	 "$work/prefix/share/man/man7/filemap-porting.7"; do
	[ -e "$f" ] || { echo "not installed: ${f#$work/prefix/}"; exit 1; }
done
echo "installed: libfilemap-win32 (shared, static), include/filemap/win32, filemap-win32.pc, filemap-win32.7"

if ! command -v pkg-config >/dev/null; then
	echo "pkg-config: SKIPPED (pkg-config is not installed)"
else
	export PKG_CONFIG_PATH=$libdir/pkgconfig
	flags=$(pkg-config --cflags --libs filemap-win32)
	echo "pkg-config --cflags --libs filemap-win32: ${flags//$work\/prefix/PREFIX}"
	case " $flags " in
	*" -lfilemap-win32 -lfilemap "*) ;;
	*) echo "pkg-config: the libraries are not -lfilemap-win32 -lfilemap"; exit 1 ;;
	esac
	# The header must not pretend to be Windows: _WIN32 stays undefined.
	printf '#include <Windows.h>\n#include <tchar.h>\n#ifdef _WIN32\n#error _WIN32\n#endif\nint main(void) { return sizeof(DWORD) == 4 ? 0 : 1; }\n' \
		>"$work/probe.c"
	# shellcheck disable=SC2086
	cc ${CFLAGS:-} -o "$work/probe" "$work/probe.c" $flags
	for p in first_process second_process; do
		# shellcheck disable=SC2086
		cc ${CFLAGS:-} -o "$work/$p" "$sample/$p.c" $flags
	done
	LD_LIBRARY_PATH=$libdir "$work/probe"
	echo "pkg-config build: $(LD_LIBRARY_PATH=$libdir "$work/first_process" "$work/second_process" | tail -1)"
	# The dashboard, written as game telemetry readers are (_tmain, _kbhit,
	# a process snapshot), with and without _UNICODE, against the producer.
	# shellcheck disable=SC2086
	cc ${CFLAGS:-} -o "$work/producer" "$sample/producer.c" $flags
	for unicode in "" "-DUNICODE -D_UNICODE"; do
		# shellcheck disable=SC2086
		cc ${CFLAGS:-} $unicode -o "$work/dashboard" "$sample/dashboard.c" $flags
		LD_LIBRARY_PATH=$libdir "$work/dashboard" producer.exe 20000 </dev/null >"$work/dash.out" &
		sleep 0.2
		LD_LIBRARY_PATH=$libdir "$work/producer" 50 5 >/dev/null
		wait $!
		echo "pkg-config build${unicode:+ ($unicode)}: $(tail -1 "$work/dash.out")"
	done
fi

cmake -S "$src/tests/win32/install" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" \
	-DSAMPLE_DIR="$sample" -DCMAKE_C_FLAGS="${CFLAGS:-}" >/dev/null
cmake --build "$work/consumer" >/dev/null
echo "find_package build: $("$work/consumer/first_process" "$work/consumer/second_process" | tail -1)"

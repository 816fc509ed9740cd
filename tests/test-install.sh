#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build into a temporary prefix, checks what landed there, and
# builds a small outside program against it twice: through pkg-config and
# through CMake's find_package.  Usage: test-install.sh BUILD_DIR SOURCE_DIR
# (CFLAGS, set by ctest, carries the build's own flags, e.g. sanitizers).
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FILEMAP_ROOT=$work/store

cmake --install "$build" --prefix "$work/prefix" >/dev/null
libdir=$(dirname "$(find "$work/prefix" -name libfilemap.so -print -quit)")
for f in "$libdir/libfilemap.so" "$libdir/libfilemap.a" "$libdir/pkgconfig/filemap.pc" \
	 "$libdir/cmake/filemap/filemap-config.cmake" \
	 "$work/prefix/include/filemap.h" "$work/prefix/include/filemap/version.h" \
	 "$work/prefix/bin/filemap" "$work/prefix/share/man/man1/filemap.1" \
	 "$work/prefix/share/man/man7/filemap.7" "$work/prefix/share/man/man3/fm_section_create.3" \
	 "$work/prefix/lib/tmpfiles.d/filemap.conf"; do
	[ -e "$f" ] || { echo "not installed: ${f#$work/prefix/}"; exit 1; }
done
echo "installed: libraries, headers, filemap.pc, CMake package, tool, man pages, tmpfiles.d"

# The tmpfiles snippet makes a store the library trusts: applied under a
# private root as root would at boot, the directories are root's, 1777.
if command -v systemd-tmpfiles >/dev/null && [ "$(id -u)" = 0 ]; then
	systemd-tmpfiles --root="$work/boot" --create "$work/prefix/lib/tmpfiles.d/filemap.conf"
	for d in dev/shm/filemap dev/shm/filemap/global; do
		[ "$(stat -c %a.%U "$work/boot/$d")" = 1777.root ] ||
			{ echo "tmpfiles made $d $(stat -c %a.%U "$work/boot/$d")"; exit 1; }
	done
	echo "tmpfiles.d: makes the root-owned store"
else
	echo "tmpfiles.d: SKIPPED (needs systemd-tmpfiles and root)"
fi

if command -v pkg-config >/dev/null; then
	export PKG_CONFIG_PATH=$libdir/pkgconfig
	# shellcheck disable=SC2046,SC2086
	cc ${CFLAGS:-} -o "$work/consumer-pc" "$src/tests/install/consumer.c" \
		$(pkg-config --cflags --libs filemap) -Wl,-rpath,"$libdir"
	echo "pkg-config: $("$work/consumer-pc")"
else
	echo "pkg-config: SKIPPED (pkg-config is not installed)"
fi

cmake -S "$src/tests/install" -B "$work/consumer-build" -DCMAKE_PREFIX_PATH="$work/prefix" \
	-DCMAKE_C_FLAGS="${CFLAGS:-}" -DCMAKE_BUILD_RPATH="$libdir" >/dev/null
cmake --build "$work/consumer-build" >/dev/null
echo "find_package: $("$work/consumer-build/consumer")"

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
cp "$build/install_manifest.txt" "$work/manifest"
libdir=$(dirname "$(find "$work/prefix" -name libfilemap.so -print -quit)")
for f in "$libdir/libfilemap.so" "$libdir/libfilemap.a" "$libdir/pkgconfig/filemap.pc" \
	 "$libdir/cmake/filemap/filemap-config.cmake" \
	 "$work/prefix/include/filemap.h" "$work/prefix/include/filemap/version.h" \
	 "$work/prefix/bin/filemap" "$work/prefix/share/man/man1/filemap.1" \
	 "$work/prefix/share/man/man7/filemap.7" "$work/prefix/share/man/man3/fm_section_create.3" \
	 "$work/prefix/share/man/man3/fm_store_list_open.3" \
	 "$work/prefix/share/bash-completion/completions/filemap" \
	 "$work/prefix/share/zsh/site-functions/_filemap" \
	 "$work/prefix/lib/tmpfiles.d/filemap.conf"; do
	[ -e "$f" ] || { echo "not installed: ${f#$work/prefix/}"; exit 1; }
done
echo "installed: libraries, headers, filemap.pc, CMake package, tool, man pages, completions, tmpfiles.d"

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

# `make uninstall` removes exactly what was installed: no file is left, and
# filemap's own directories are gone.
"$src/cmake/uninstall.sh" "$work/manifest" >/dev/null
left=$(find "$work/prefix" ! -type d)
[ -z "$left" ] || { echo "uninstall left: $left"; exit 1; }
for dir in include/filemap lib/cmake/filemap; do
	[ ! -d "$work/prefix/$dir" ] && [ ! -d "$libdir/${dir#lib/}" ] ||
		{ echo "uninstall left the directory $dir"; exit 1; }
done
[ ! -e "$work/manifest" ] || { echo "uninstall left its manifest"; exit 1; }
echo "uninstall: every installed file removed"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks the Debian package: its fields, that it holds what `cmake --install`
# installs (both libraries with their sonames, headers, pkg-config and CMake
# files, man pages, the tool, its completions) and nothing outside /usr;
# then unpacks it into a scratch root (dpkg -x, no root needed) and builds
# and runs the two-process demo, native and Win32, against it, and runs its
# tool.
#
#   usage: test-package.sh DEB SOURCE_DIR
#          test-package.sh --build BUILD_DIR SOURCE_DIR   (runs cpack first)
#
# Exits 77 (skip) without dpkg-deb or cpack.  CFLAGS, set by ctest, carries
# the build's own flags (sanitizers) for the demo.
set -euo pipefail

for tool in dpkg-deb cc; do
	command -v "$tool" >/dev/null || { echo "skip: no $tool"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FILEMAP_ROOT=$work/store

if [ "$1" = --build ]; then
	command -v cpack >/dev/null || { echo "skip: no cpack"; exit 77; }
	cpack -G DEB --config "$2/CPackConfig.cmake" -B "$work/cpack" >/dev/null
	deb=$(find "$work/cpack" -maxdepth 1 -name '*.deb' -print -quit)
	shift 2
else
	deb=$1
	shift
fi
src=$1
version=$(sed -n 's/^project(filemap VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")

fail() {
	echo "package $(basename "$deb"): $*"
	exit 1
}

# The control fields.
[ "$(dpkg-deb -f "$deb" Package)" = filemap ] || fail "Package is not filemap"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"
dpkg-deb -f "$deb" Depends | grep -q 'libc6' || fail "Depends does not name libc6"
dpkg-deb --info "$deb" shlibs | grep -q "^libfilemap 0 filemap" ||
	fail "no shlibs entry for libfilemap.so.0"
dpkg-deb --info "$deb" postinst | grep -q ldconfig || fail "its postinst does not run ldconfig"

# The contents: every path under /usr, and the ones a user needs.
dpkg-deb -c "$deb" | awk '{ print $6 ($7 == "->" ? " -> " $8 : "") }' >"$work/contents"
grep -v '^\./$\|^\./usr/' "$work/contents" && fail "has files outside /usr"
for want in \
	'usr/lib/(.*/)?libfilemap\.so\.'"${version//./\\.}"'$' \
	'usr/lib/(.*/)?libfilemap\.so\.0 -> libfilemap\.so\.'"${version//./\\.}"'$' \
	'usr/lib/(.*/)?libfilemap\.so -> libfilemap\.so\.0$' \
	'usr/lib/(.*/)?libfilemap\.a$' \
	'usr/lib/(.*/)?libfilemap-win32\.so\.0 -> libfilemap-win32\.so\.'"${version//./\\.}"'$' \
	'usr/lib/(.*/)?pkgconfig/filemap\.pc$' \
	'usr/lib/(.*/)?pkgconfig/filemap-win32\.pc$' \
	'usr/lib/(.*/)?cmake/filemap/filemap-config\.cmake$' \
	'usr/include/filemap\.h$' 'usr/include/filemap/version\.h$' \
	'usr/include/filemap/win32/windows\.h$' 'usr/include/filemap/win32/conio\.h$' \
	'usr/include/filemap/win32/TlHelp32\.h$' 'usr/include/filemap/win32/filemap-crt\.h$' \
	'usr/bin/filemap$' \
	'usr/share/man/man1/filemap\.1$' 'usr/share/man/man7/filemap\.7$' \
	'usr/share/man/man7/filemap-win32\.7$' 'usr/share/man/man7/filemap-porting\.7$' \
	'usr/share/man/man3/fm_section_create\.3$' \
	'usr/share/man/man3/fm_store_list_open\.3$' \
	'usr/share/bash-completion/completions/filemap$' \
	'usr/share/zsh/(site-functions|vendor-completions)/_filemap$' \
	'usr/lib/tmpfiles\.d/filemap\.conf$'; do
	grep -Eq "^\./$want" "$work/contents" || fail "does not hold $want"
done
echo "package: $(basename "$deb"), $(wc -l <"$work/contents") entries, all under /usr"

# Unpacked into a scratch root: the sonames, and the demo built against it.
dpkg -x "$deb" "$work/root"
libdir=$(dirname "$(find "$work/root/usr" -name libfilemap.so -print -quit)")
for lib in libfilemap libfilemap-win32; do
	readelf -d "$libdir/$lib.so" | grep -q "SONAME.*\[$lib\.so\.0\]" ||
		fail "$lib.so does not have the soname $lib.so.0"
done
export PKG_CONFIG_PATH=$libdir/pkgconfig
if command -v pkg-config >/dev/null; then
	cflags() { pkg-config --cflags --libs "$1"; }
else # the .pc files' own flags, as pkg-config would give them
	cflags() { echo "-I$work/root/usr/include -I$work/root/usr/include/filemap/win32 -L$libdir -l${1}"; }
fi
build_demo() { # name, pkg-config package, source directory
	# shellcheck disable=SC2046,SC2086
	for half in first_process second_process; do
		cc ${CFLAGS:-} -o "$work/$1-$half" "$3/$half.c" $(cflags "$2") -Wl,-rpath,"$libdir"
	done
	out=$("$work/$1-first_process" "$work/$1-second_process")
	grep -q "Message from first process" <<<"$out" || fail "the $1 demo did not run: $out"
	echo "$1 demo, built against the package: ok"
}
build_demo native filemap "$src/examples"
build_demo win32 filemap-win32 "$src/examples/win32"
"$work/root/usr/bin/filemap" --version | grep -qx "filemap $version" ||
	fail "its filemap does not say version $version"
"$work/root/usr/bin/filemap" ls >/dev/null || fail "its filemap ls failed"
echo "its tool: $("$work/root/usr/bin/filemap" --version)"

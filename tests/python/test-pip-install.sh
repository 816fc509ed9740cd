#!/bin/sh
# SPDX-License-Identifier: MIT
# `pip install --no-build-isolation ./python` works offline and installs a
# package that imports from anywhere: build a copy of the tree (so the
# source tree gets no build/ or egg-info) into a fresh virtual environment
# that sees the system's setuptools and wheel, with no index, then import it
# from another directory and use it.  Exits 77 (skip) when the interpreter
# has no pip, setuptools or wheel.
#
#   usage: test-pip-install.sh PYTHON SOURCE_DIR
set -eu
python=$1
src=$2

if ! "$python" -c 'import importlib.util as u, sys; sys.exit(not all(map(u.find_spec, ("pip", "setuptools", "wheel"))))' 2>/dev/null; then
	echo "skip: $python lacks pip, setuptools or wheel (Debian: python3-pip)"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/tree" "$tmp/elsewhere"
cp -R "$src/CMakeLists.txt" "$src/include" "$src/src" "$src/python" "$tmp/tree/"
rm -rf "$tmp/tree/python/build" "$tmp/tree/python/"*.egg-info

"$python" -m venv --without-pip --system-site-packages "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet --no-index --no-build-isolation \
	--disable-pip-version-check "$tmp/tree/python"

cd "$tmp/elsewhere"
FILEMAP_ROOT="$tmp/root" "$tmp/venv/bin/python" - "$tmp/venv" <<'PY'
import os, sys
import filemap

assert filemap.__file__.startswith(sys.argv[1]), filemap.__file__
assert os.path.exists(os.path.join(os.path.dirname(filemap.__file__), "__init__.pyi"))
with filemap.create("pip-install", 1000) as s, s.map() as v:
    memoryview(v)[:2] = b"ok"
    buf = filemap.map_section("pip-install")
    assert (len(buf), bytes(buf[:2])) == (1000, b"ok")
    buf.release()
m = filemap.Mutex("pip-install-mutex", create=True)
assert m.acquire(timeout=1)
m.release()
m.close()
print("pip install: ok,", filemap.__version__, "from", os.path.dirname(filemap.__file__))
PY
test -z "$(find "$tmp/root" -type f)"

#!/bin/sh
# SPDX-License-Identifier: MIT
# The two offline ways the README installs the module work, and install a
# package that imports from anywhere: `pip install --no-build-isolation
# ./python` into a virtual environment, and `pip wheel --no-build-isolation
# --no-deps ./python` then installing that wheel into another.  Both build a
# copy of the tree (so the source tree gets no build/ or egg-info), with no
# index.  The environments see the base interpreter's setuptools and wheel
# (--system-site-packages); whether they are there is asked of the very
# interpreter that builds, the environment's own, since a PYTHON that is
# itself a virtual environment shares nothing of its own packages with a new
# one.  When PYTHON's environments lack them, /usr/bin/python3 is tried; exits
# 77 (skip) when neither has them.
#
#   usage: test-pip-install.sh PYTHON SOURCE_DIR
set -eu
python=$1
src=$2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/tree" "$tmp/elsewhere"
cp -R "$src/CMakeLists.txt" "$src/include" "$src/src" "$src/python" "$tmp/tree/"
rm -rf "$tmp/tree/python/build" "$tmp/tree/python/"*.egg-info

# The interpreter CMake found first; if its environments cannot build
# (pyenv's, say, without wheel), Debian's, the one the README shows.
has_tools() { # VENV: whether the environment has pip, setuptools and wheel
	"$1/bin/python" -c 'import importlib.util as u, sys; sys.exit(not all(map(u.find_spec, ("pip", "setuptools", "wheel"))))' 2>/dev/null
}
for candidate in "$python" /usr/bin/python3; do
	[ -x "$candidate" ] || command -v "$candidate" >/dev/null || continue
	rm -rf "$tmp/direct" "$tmp/wheel"
	for venv in direct wheel; do
		"$candidate" -m venv --without-pip --system-site-packages "$tmp/$venv" 2>/dev/null || continue 2
	done
	if has_tools "$tmp/direct"; then
		python=$candidate
		break
	fi
	python=
done
if [ -z "$python" ]; then
	echo "skip: no virtual environment of $1 or /usr/bin/python3 has pip, setuptools and wheel" \
		"(Debian: python3-pip)"
	exit 77
fi
echo "building with $python"

pip() { # VENV ARGS...: the environment's pip, offline and quiet
	venv=$1
	shift
	"$tmp/$venv/bin/python" -m pip --disable-pip-version-check --no-input "$@"
}
pip direct install --quiet --no-index --no-build-isolation "$tmp/tree/python"
pip wheel wheel --quiet --no-index --no-build-isolation --no-deps -w "$tmp/dist" \
	"$tmp/tree/python"
pip wheel install --quiet --no-index "$tmp"/dist/filemap-*.whl

cd "$tmp/elsewhere"
for venv in direct wheel; do
	FILEMAP_ROOT="$tmp/root" "$tmp/$venv/bin/python" - "$tmp/$venv" "$venv" <<'PY'
import os, sys
import filemap

assert filemap.__file__.startswith(sys.argv[1]), filemap.__file__
here = os.path.dirname(filemap.__file__)
for part in ("__init__.pyi", "py.typed", "_aio.py"):
    assert os.path.exists(os.path.join(here, part)), part
with filemap.create("pip-install", 1000) as s, s.map() as v:
    memoryview(v)[:2] = b"ok"
    buf = filemap.map_section("pip-install")
    assert (len(buf), bytes(buf[:2])) == (1000, b"ok")
    buf.release()
    assert [o.name for o in filemap.list()] == ["Local\\pip-install"]
m = filemap.Mutex("pip-install-mutex", create=True)
assert m.acquire(timeout=1)
m.release()
m.close()
print("pip install (%s): ok, %s from %s" % (sys.argv[2], filemap.__version__, here))
PY
done
test -z "$(find "$tmp/root" -type f)"

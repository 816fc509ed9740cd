# SPDX-License-Identifier: MIT
"""Builds the filemap Python package: `pip install --no-build-isolation ./python`.

The extension module compiles the library's own C sources (../src) into
itself, so the install needs nothing but a C compiler, the Python headers
and setuptools: no network, no installed libfilemap, and the module cannot
pick up a different libfilemap at run time.  The library's symbols are
hidden inside the module.

Outside the filemap source tree (no ../src), or with
FILEMAP_USE_SYSTEM_LIBRARY=1, it links the installed libfilemap instead,
found with `pkg-config filemap`.
"""

import glob
import os
import re
import shlex
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SRC = os.path.join(TOP, "src")


def project_version():
    """The version in the root CMakeLists.txt's project() call."""
    try:
        with open(os.path.join(TOP, "CMakeLists.txt"), encoding="utf-8") as f:
            match = re.search(r"project\(filemap\s+VERSION\s+([0-9.]+)", f.read())
    except OSError:
        match = None
    if match:
        return match.group(1)
    try:  # outside the tree: the installed library's version
        return subprocess.run(["pkg-config", "--modversion", "filemap"], check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "0.0.0"


VERSION = project_version()
USE_SYSTEM = os.environ.get("FILEMAP_USE_SYSTEM_LIBRARY") == "1" or not os.path.isdir(SRC)


class BuildExt(build_ext):
    """Writes filemap/version.h (CMake makes it from version.h.in) first."""

    def run(self):
        if not USE_SYSTEM:
            include = os.path.join(os.path.abspath(self.build_temp), "include")
            os.makedirs(os.path.join(include, "filemap"), exist_ok=True)
            major, minor, patch = (VERSION.split(".") + ["0", "0"])[:3]
            with open(os.path.join(TOP, "include", "filemap", "version.h.in"),
                      encoding="utf-8") as f:
                text = f.read()
            for key, value in (("PROJECT_VERSION_MAJOR", major),
                               ("PROJECT_VERSION_MINOR", minor),
                               ("PROJECT_VERSION_PATCH", patch),
                               ("PROJECT_VERSION", VERSION)):
                text = text.replace("@" + key + "@", value)
            with open(os.path.join(include, "filemap", "version.h"), "w",
                      encoding="utf-8") as f:
                f.write(text)
            for ext in self.extensions:
                ext.include_dirs.insert(0, include)
        super().run()


def extension():
    sources = [os.path.join(HERE, name) for name in ("_filemap.c", "_filemap_sync.c", "_filemap_list.c")]
    if USE_SYSTEM:
        try:
            flags = subprocess.run(["pkg-config", "--cflags", "--libs", "filemap"],
                                   check=True, capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError) as e:
            raise SystemExit("filemap: no library sources in ../src and no installed "
                             "libfilemap (pkg-config filemap failed: %s)" % e)
        words = shlex.split(flags)
        return Extension(
            "filemap._filemap", sources=sources,
            include_dirs=[w[2:] for w in words if w.startswith("-I")],
            library_dirs=[w[2:] for w in words if w.startswith("-L")],
            libraries=[w[2:] for w in words if w.startswith("-l")],
            runtime_library_dirs=[w[2:] for w in words if w.startswith("-L")],
            extra_compile_args=["-std=gnu11"])
    sources += sorted(glob.glob(os.path.join(SRC, "*.c")))
    sources += sorted(glob.glob(os.path.join(SRC, "os", "*.c")))
    return Extension(
        "filemap._filemap", sources=sources,
        include_dirs=[os.path.join(TOP, "include"), SRC],
        libraries=["pthread"],
        extra_compile_args=["-std=gnu11", "-fvisibility=hidden"])


setup(
    name="filemap",
    version=VERSION,
    description="Windows file-mapping semantics for Linux: named shared memory "
                "and sync objects that vanish with their last handle",
    license="MIT",
    python_requires=">=3.10",
    packages=["filemap"],
    package_data={"filemap": ["__init__.pyi", "py.typed"]},
    ext_modules=[extension()],
    cmdclass={"build_ext": BuildExt},
    zip_safe=False,
)

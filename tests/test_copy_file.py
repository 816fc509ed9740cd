#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_copy_file.py - runs examples/copy_file ($COPY_FILE) and compares.

The small cases copy a 1 MiB random file (ending mid-page), an empty file,
and a missing one.  The large case copies a sparse 5 GiB file with data at
0, across 4 GiB (a window boundary too), past it and in its last bytes: view
offsets past 32 bits and a destination grown past 4 GiB.  It runs in
$COPY_FILE_WORKDIR, which must be a disk file system (the destination's
5 GiB of blocks are reserved, if never written); it is skipped on tmpfs or
with less than 6 GiB free.  Standard library only (unittest).
"""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

PROGRAM = os.environ.get("COPY_FILE", "")
WORKDIR = os.environ.get("COPY_FILE_WORKDIR", "/var/tmp")
TMPFS_MAGIC = 0x01021994
GIB = 1 << 30


def run(*args):
    return subprocess.run([PROGRAM, *args], capture_output=True, timeout=600)


class CopyFileTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=WORKDIR, prefix="copy-file-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, leaf):
        return os.path.join(self.dir, leaf)

    def copy(self, src, dst):
        result = run(src, dst)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))
        self.assertTrue(filecmp.cmp(src, dst, shallow=False), "%s and %s differ" % (src, dst))

    def test_random_file(self):
        with open(self.path("src"), "wb") as f:
            f.write(os.urandom(1 << 20) + b"x")
        self.copy(self.path("src"), self.path("dst"))
        self.assertEqual(os.stat(self.path("dst")).st_mode & 0o777, 0o644 & ~self.umask())

    def test_empty_file_truncates_the_destination(self):
        open(self.path("empty"), "wb").close()
        with open(self.path("dst"), "wb") as f:
            f.write(b"old contents")
        self.copy(self.path("empty"), self.path("dst"))
        self.assertEqual(os.path.getsize(self.path("dst")), 0)

    def test_errors_say_what(self):
        result = run(self.path("missing"), self.path("dst"))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.decode(),
                         "copy_file: %s: No such file or directory\n" % self.path("missing"))
        result = run(self.dir, self.path("dst"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("is a directory, not a regular file (EINVAL)", result.stderr.decode())
        self.assertEqual(run().returncode, 2)

    def test_sparse_file_past_4_gib(self):
        fs = os.statvfs(self.dir)
        if fs.f_bavail * fs.f_frsize < 6 * GIB:
            self.skipTest("the 5 GiB copy needs 6 GiB free in %s" % WORKDIR)
        if self.is_tmpfs():
            self.skipTest("%s is tmpfs: the 5 GiB copy needs a disk file system" % WORKDIR)
        src = self.path("sparse")
        with open(src, "wb") as f:
            f.truncate(5 * GIB)
            for at in (0, 4 * GIB - 6, 4 * GIB + 100000, 5 * GIB - 20):
                f.seek(at)
                f.write(b"data at %d" % at)
        start = time.monotonic()
        self.copy(src, self.path("dst"))
        self.assertEqual(os.path.getsize(self.path("dst")), 5 * GIB)
        # Not a timing test: a copy that reads every hole would take minutes.
        print("sparse 5 GiB copy and compare: %.1f s" % (time.monotonic() - start),
              file=sys.stderr)

    def umask(self):
        mask = os.umask(0)
        os.umask(mask)
        return mask

    def is_tmpfs(self):
        # os.statvfs has no f_type; /proc/self/mountinfo does.
        best, fstype = "", ""
        real = os.path.realpath(self.dir)
        with open("/proc/self/mountinfo") as f:
            for line in f:
                fields = line.split()
                mount = fields[4]
                sep = fields.index("-")
                if (real == mount or real.startswith(mount.rstrip("/") + "/")) and \
                        len(mount) >= len(best):
                    best, fstype = mount, fields[sep + 1]
        return fstype in ("tmpfs", "ramfs")


if __name__ == "__main__":
    if not PROGRAM or not os.access(PROGRAM, os.X_OK):
        sys.exit("test_copy_file.py: set COPY_FILE to the built examples/copy_file")
    unittest.main()

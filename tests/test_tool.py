#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_tool.py - tests of the filemap command-line tool, run as a user would.

Every verb is run as a subprocess of the built tool ($FILEMAP_TOOL, set by
ctest), each test against its own private store (FILEMAP_ROOT in a fresh
directory under /dev/shm), and each test ends by checking that it left the
store empty.  Holders are real processes (`filemap create --hold` in the
background), so that holding, dying by SIGKILL and removal are the
kernel's, not a simulation.  Standard library only (unittest).
"""

import fcntl
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

TOOL = os.environ.get("FILEMAP_TOOL", "")
TIMEOUT = 30
NOBODY = 65534

# Offsets in the object header (src/internal.h, struct fm__header).
HEADER_TYPE_OFFSET = 12


def wait_for(predicate, what, seconds=10.0):
    """Polls predicate until it is true; fails the test after seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


class ToolTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(dir="/dev/shm", prefix="filemap-tool-")
        # Reachable by other users, for the tests that run as nobody.
        os.chmod(self.tmp, 0o755)
        self.root = os.path.join(self.tmp, "root")
        self.env = dict(os.environ, FILEMAP_ROOT=self.root)
        self.holders = []

    def tearDown(self):
        for proc in self.holders:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers ----------------------------------------------------------

    def run_tool(self, *args, data=None, stdin=None, as_user=None):
        """Runs the tool; returns the CompletedProcess (bytes)."""
        kwargs = {}
        if as_user is not None:
            kwargs = {"user": as_user, "group": as_user, "extra_groups": []}
        return subprocess.run([TOOL, *args], env=self.env, input=data, stdin=stdin,
                              capture_output=True, timeout=TIMEOUT, **kwargs)

    def expect(self, code, *args, **kwargs):
        """Runs the tool and checks its exit code; returns the result."""
        result = self.run_tool(*args, **kwargs)
        self.assertEqual(result.returncode, code,
                         "filemap %s: exit %d, stderr: %s" %
                         (" ".join(args), result.returncode, result.stderr.decode(errors="replace")))
        # Under the asan preset a report may exit 1, like a failure would.
        self.assertNotIn(b"Sanitizer", result.stderr)
        return result

    def ok(self, *args, **kwargs):
        return self.expect(0, *args, **kwargs).stdout

    def ls(self, as_user=None):
        return json.loads(self.ok("ls", "--json", as_user=as_user))

    def find(self, name, objects=None):
        found = [o for o in (objects if objects is not None else self.ls()) if o["name"] == name]
        return found[0] if found else None

    def hold(self, name, size, *extra):
        """Starts `create --hold` and waits until ls shows it held."""
        proc = subprocess.Popen([TOOL, "create", name, size, "--hold", *extra], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.holders.append(proc)
        short = name.split("\\", 1)[-1]
        wait_for(lambda: proc.poll() is not None or
                 proc.pid in ((self.find(short) or {}).get("holders") or []),
                 "%s to be held" % name)
        self.check_alive(proc)
        return proc

    def check_alive(self, proc):
        if proc.poll() is not None:
            self.fail("filemap create --hold exited %d: %s" %
                      (proc.returncode, proc.stderr.read().decode(errors="replace")))

    def release(self, proc):
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=TIMEOUT), 0)
        self.assertNotIn(b"Sanitizer", proc.stderr.read())

    def kill9(self, proc):
        proc.kill()
        proc.wait(timeout=TIMEOUT)

    def local_dir(self):
        return os.path.join(self.root, "local-%d" % os.geteuid())

    def store_files(self):
        files = []
        if os.path.isdir(self.root):
            for sub in os.listdir(self.root):
                files += [sub + "/" + f for f in os.listdir(os.path.join(self.root, sub))]
        return files

    def assertStoreEmpty(self):
        self.assertEqual(self.store_files(), [])
        self.assertEqual(self.ls(), [])

    def make_local_dir(self):
        """Has the library create the caller's local directory."""
        self.expect(0, "create", "Local\\made-the-dir", "1")

    # -- usage ------------------------------------------------------------

    def test_help_and_bad_usage(self):
        out = self.ok("--help").decode()
        for verb in ("ls", "stat", "create", "cat", "write", "rm", "gc"):
            self.assertIn("filemap " + verb, out)
            self.assertTrue(self.ok(verb, "--help").decode().startswith("usage: filemap " + verb))
        for args in ([], ["frobnicate"], ["ls", "--bogus"], ["ls", "extra"], ["cat"],
                     ["cat", "x", "y"], ["cat", "x", "--offset"], ["cat", "x", "--offset", "-1"],
                     ["cat", "x", "--offset", "12Q"], ["cat", "x", "--hex=1"],
                     ["create", "x"], ["create", "x", "0"], ["create", "x", "1K", "--mode", "9"],
                     ["create", "x", "1K", "--mode", "0200"], ["create", "local\\x", "1K"],
                     ["create", "x", "1K", "--read-only"], ["create", "x", "1K", "--file"],
                     ["stat", "Global\\"], ["rm", ""], ["gc", "now"]):
            result = self.expect(2, *args)
            if args:
                self.assertEqual(len(result.stderr.decode().splitlines()), 1, result.stderr)
        self.assertStoreEmpty()

    def test_version(self):
        self.assertTrue(self.ok("--version").decode().startswith("filemap "))

    # -- create, ls, stat -------------------------------------------------

    def test_create_without_hold_vanishes(self):
        result = self.expect(0, "create", "Local\\brief", "4K")
        self.assertIn("vanished", result.stderr.decode())
        self.assertEqual(result.stdout, b"")
        self.expect(3, "cat", "brief")
        self.assertStoreEmpty()

    def test_held_object_in_ls_and_stat(self):
        proc = self.hold("Local\\held", "4K", "--mode", "0640")
        obj = self.find("held")
        self.assertEqual(obj, {"namespace": "Local", "name": "held", "file": "held",
                               "type": "section", "size": 4096, "mode": "0640",
                               "uid": os.geteuid(), "holders": [proc.pid], "orphan": False,
                               "corrupt": False, "backing": None})
        text = self.ok("ls").decode().splitlines()
        self.assertEqual(text[0].split(), ["NAMESPACE", "TYPE", "SIZE", "MODE", "OWNER", "STATE",
                                           "HOLDERS", "NAME"])
        row = text[1].split()
        self.assertEqual(row[:3] + row[5:], ["Local", "section", "4096", "held", str(proc.pid),
                                             "held"])
        stat = self.ok("stat", "held").decode()
        self.assertIn("name:       Local\\held\n", stat)
        self.assertIn("size:       4096 bytes\n", stat)
        self.assertIn("mode:       0640\n", stat)
        self.assertIn("holders:    %d\n" % proc.pid, stat)
        self.assertIn("state:      held\n", stat)
        self.expect(3, "stat", "Local\\nothing")
        # Creating the name again finds the held one, size unchanged.
        result = self.expect(0, "create", "held", "1M")
        self.assertIn("existed already, with 4096 bytes", result.stderr.decode())
        self.release(proc)
        self.assertStoreEmpty()

    def test_global_namespace(self):
        proc = self.hold("Global\\shared", "100")
        obj = self.find("shared")
        self.assertEqual((obj["namespace"], obj["size"]), ("Global", 100))
        self.assertEqual(self.ok("cat", "Global\\shared"), bytes(100))
        self.expect(3, "cat", "shared")  # Local\shared is another name
        self.release(proc)
        self.assertStoreEmpty()

    def test_sizes_with_suffixes(self):
        procs = [self.hold("Local\\k", "1K"), self.hold("Local\\k4", "4k"),
                 self.hold("Local\\m", "1M"), self.hold("Local\\exact", "4097")]
        sizes = {o["name"]: o["size"] for o in self.ls()}
        self.assertEqual(sizes, {"k": 1024, "k4": 4096, "m": 1 << 20, "exact": 4097})
        self.ok("write", "m", "--offset", "1K", data=b"at one K")
        self.assertEqual(self.ok("cat", "m", "--offset", "1k", "--length", "8"), b"at one K")
        self.assertEqual(self.ok("cat", "m", "--offset=1K", "--length=8"), b"at one K")
        self.expect(2, "cat", "m", "--length", "1P")
        self.expect(2, "create", "huge", "99999999999999999999T")
        for proc in procs:
            self.release(proc)
        self.assertStoreEmpty()

    def test_json_names_are_escaped(self):
        names = ['quote"d', "new\nline", "tab\there", "caf\u00e9 \u65e5\u672c", "sl/ash%",
                 ".dot", "bell\x07", "del\x7f"]
        procs = [self.hold("Local\\" + name, "1") for name in names]
        listed = self.ls()
        self.assertEqual(sorted(o["name"] for o in listed), sorted(names))
        for obj in listed:
            self.assertEqual(obj["holders"], [procs[names.index(obj["name"])].pid])
        # One text row per object, whatever the names hold.
        self.assertEqual(len(self.ok("ls").decode().splitlines()), 1 + len(names))
        for proc in procs:
            self.release(proc)
        self.assertStoreEmpty()

    def test_long_hashed_name(self):
        name = "long-" + "\u00e9" * 300
        proc = self.hold("Local\\" + name, "64")
        obj = self.find(name)
        self.assertTrue(obj["file"].startswith(".h-"), obj["file"])
        self.assertIn("name:       Local\\" + name, self.ok("stat", name).decode())
        self.ok("write", name, data=b"long")
        self.assertEqual(self.ok("cat", name, "--length", "4"), b"long")
        self.ok("rm", name)
        self.release(proc)
        self.assertStoreEmpty()

    # -- holders dying, gc, rm --------------------------------------------

    def test_killed_holder_leaves_an_orphan(self):
        first = self.hold("Local\\victim", "8K")
        second = self.hold("Local\\other", "8K")
        self.kill9(first)
        self.kill9(second)
        for name in ("victim", "other"):
            obj = self.find(name)
            self.assertEqual((obj["holders"], obj["orphan"]), ([], True))
        self.assertIn("orphan", self.ok("stat", "victim").decode())
        # An orphan reads as absent (and the library removes it on the way).
        self.expect(3, "cat", "victim")
        self.assertEqual(self.ok("gc").decode(), "removed orphan Local\\other\n")
        self.assertEqual(self.ok("gc"), b"")
        self.assertStoreEmpty()

    def test_gc_leaves_held_objects(self):
        alive = self.hold("Local\\alive", "1K")
        dead = self.hold("Global\\dead", "1K")
        self.kill9(dead)
        self.assertEqual(self.ok("gc").decode(), "removed orphan Global\\dead\n")
        self.assertEqual([o["name"] for o in self.ls()], ["alive"])
        self.ok("write", "alive", data=b"still here")
        self.release(alive)
        self.assertStoreEmpty()

    def test_rm_held_object(self):
        proc = self.hold("Local\\doomed", "4K")
        self.ok("write", "doomed", data=b"old")
        result = self.expect(0, "rm", "doomed")
        self.assertIn("pid %d" % proc.pid, result.stderr.decode())
        self.assertIsNone(self.find("doomed"))
        self.expect(3, "cat", "doomed")
        self.expect(3, "rm", "doomed")
        # The name is free at once; the old holder's going does not touch
        # the new object.
        fresh = self.hold("Local\\doomed", "2K")
        self.release(proc)
        self.assertEqual(self.find("doomed")["holders"], [fresh.pid])
        self.assertEqual(self.ok("cat", "doomed", "--length", "3"), bytes(3))
        self.release(fresh)
        self.assertStoreEmpty()

    # -- write and cat ----------------------------------------------------

    def test_write_cat_round_trip(self):
        proc = self.hold("Local\\data", "8K")
        payload = bytes(range(256)) * 8
        self.ok("write", "data", data=payload)
        self.assertEqual(self.ok("cat", "data", "--length", "2K"), payload)
        # An offset that is not on a page.
        self.ok("write", "data", "--offset", "5000", data=b"hello, world")
        self.assertEqual(self.ok("cat", "data", "--offset", "5000", "--length", "12"),
                         b"hello, world")
        whole = self.ok("cat", "data")
        self.assertEqual(len(whole), 8192)
        self.assertEqual(whole[:2048], payload)
        self.assertEqual(whole[5000:5012], b"hello, world")
        # From a regular file rather than a pipe.
        path = os.path.join(self.tmp, "input")
        with open(path, "wb") as f:
            f.write(b"from a file")
        with open(path, "rb") as f:
            self.ok("write", "data", "--offset", "8181", stdin=f)
        self.assertEqual(self.ok("cat", "data", "--offset", "8181"), b"from a file")
        self.ok("write", "data", "--offset", "8K", data=b"")
        self.assertEqual(self.ok("cat", "data", "--offset", "8K"), b"")
        self.release(proc)
        self.assertStoreEmpty()

    def test_write_that_does_not_fit_is_refused(self):
        proc = self.hold("Local\\small", "100")
        self.ok("write", "small", data=b"x" * 100)
        for args, data in ((["small"], b"y" * 101), (["small", "--offset", "90"], b"y" * 11),
                           (["small", "--offset", "100"], b"y")):
            result = self.expect(1, "write", *args, data=data)
            self.assertIn("nothing was written", result.stderr.decode())
        path = os.path.join(self.tmp, "big")
        with open(path, "wb") as f:
            f.write(b"z" * 101)
        with open(path, "rb") as f:
            self.expect(1, "write", "small", stdin=f)
        self.assertEqual(self.ok("cat", "small"), b"x" * 100)
        self.expect(1, "write", "small", "--offset", "101", data=b"")
        self.expect(1, "cat", "small", "--offset", "101")
        self.expect(1, "cat", "small", "--offset", "50", "--length", "51")
        self.expect(3, "write", "Local\\missing", data=b"x")
        self.release(proc)
        self.assertStoreEmpty()

    def test_hex_dump_matches_hexdump_c(self):
        proc = self.hold("Local\\hex", "4K")
        self.ok("write", "hex", "--offset", "40", data=b"hello\x00\x01\x7f\x80\xff world")
        self.ok("write", "hex", "--offset", "4000", data=bytes(range(96)))
        dump = self.ok("cat", "hex", "--hex").decode()
        lines = dump.splitlines()
        self.assertEqual(lines[0], "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00"
                                   "  |................|")
        self.assertEqual(lines[1], "*")
        self.assertEqual(lines[2], "00000020  00 00 00 00 00 00 00 00  68 65 6c 6c 6f 00 01 7f"
                                   "  |........hello...|")
        self.assertEqual(lines[-1], "00001000")
        part = self.ok("cat", "hex", "--hex", "--offset", "42", "--length", "5").decode()
        self.assertEqual(part, "0000002a  6c 6c 6f 00 01" + " " * 36 + "|llo..|\n0000002f\n")
        self.assertEqual(self.ok("cat", "hex", "--hex", "--length", "0"), b"")
        hexdump = shutil.which("hexdump")
        if hexdump:
            path = os.path.join(self.tmp, "bytes")
            with open(path, "wb") as f:
                f.write(self.ok("cat", "hex"))
            for extra in ([], ["-s", "17", "-n", "4050"]):
                expected = subprocess.run([hexdump, "-C", *extra, path], capture_output=True,
                                          check=True).stdout
                ours = ["--offset", extra[1], "--length", extra[3]] if extra else []
                self.assertEqual(self.ok("cat", "hex", "--hex", *ours), expected)
        self.release(proc)
        self.assertStoreEmpty()

    # -- corrupt objects and other types ----------------------------------

    def test_corrupt_object(self):
        self.make_local_dir()
        path = os.path.join(self.local_dir(), "junk")
        with open(path, "wb") as f:
            f.write(b"this is not a filemap object" * 200)
        obj = self.find("junk")
        self.assertEqual((obj["corrupt"], obj["type"], obj["size"], obj["orphan"]),
                         (True, "?", None, True))
        self.assertIn("magic", obj["problem"])
        self.assertEqual(self.ok("ls").decode().splitlines()[1].split()[5], "corrupt")
        stat = self.ok("stat", "junk").decode()
        self.assertIn("problem:", stat)
        self.assertIn("corrupt", stat)
        # Held, it is refused and left alone, by cat and gc alike.
        with open(path, "rb") as f:
            fcntl.flock(f, fcntl.LOCK_SH)
            self.assertEqual(self.find("junk")["holders"], [os.getpid()])
            result = self.expect(1, "cat", "junk")
            self.assertIn("corrupt", result.stderr.decode())
            self.assertEqual(self.ok("gc"), b"")
            self.assertTrue(os.path.exists(path))
        self.assertEqual(self.ok("gc").decode(),
                         "removed corrupt orphan Local\\junk (bad magic: not a filemap object)\n")
        self.assertStoreEmpty()

    def test_rm_corrupt_object_while_held(self):
        self.make_local_dir()
        path = os.path.join(self.local_dir(), "broken")
        with open(path, "wb") as f:
            f.write(b"\0" * 10)
            fcntl.flock(f, fcntl.LOCK_SH)
            self.assertEqual(self.find("broken")["problem"], "truncated header")
            self.ok("rm", "broken")
        self.assertStoreEmpty()

    def test_foreign_files_in_the_store(self):
        self.make_local_dir()
        os.symlink("/etc/passwd", os.path.join(self.local_dir(), "link"))
        os.mkdir(os.path.join(self.local_dir(), "subdir"))
        # No name is stored under a lower-case or NUL escape.
        with open(os.path.join(self.local_dir(), "odd%2fname"), "wb") as f:
            f.write(b"?" * 300)
        listed = {o["file"]: o for o in self.ls()}
        self.assertEqual(listed["link"]["problem"], "not a regular file")
        self.assertTrue(listed["subdir"]["corrupt"])
        self.assertEqual((listed["odd%2fname"]["name"], listed["odd%2fname"]["corrupt"]),
                         (None, True))
        self.assertIn(" odd%2fname\n", self.ok("ls").decode())
        result = self.expect(0, "gc")
        self.assertEqual(result.stdout.decode(), "removed corrupt orphan %s/odd%%2fname "
                         "(bad magic: not a filemap object)\n" % self.local_dir())
        self.assertIn("remove it by hand", result.stderr.decode())
        self.ok("rm", "link")
        self.expect(1, "rm", "subdir")
        os.rmdir(os.path.join(self.local_dir(), "subdir"))
        self.assertStoreEmpty()

    def test_other_type_is_named_and_refused(self):
        # A section whose holder died becomes, byte for byte, a mutex.
        proc = self.hold("Local\\lock", "1")
        self.kill9(proc)
        path = os.path.join(self.local_dir(), "lock")
        with open(path, "r+b") as f:
            f.seek(HEADER_TYPE_OFFSET)
            f.write(struct.pack("=I", 2))
            f.flush()
            fcntl.flock(f, fcntl.LOCK_SH)
            self.assertEqual(self.find("lock")["type"], "mutex")
            self.assertIn("type:       mutex", self.ok("stat", "lock").decode())
            result = self.expect(1, "cat", "lock")
            self.assertIn("type", result.stderr.decode())
        self.assertEqual(self.ok("gc").decode(), "removed orphan Local\\lock\n")
        self.assertStoreEmpty()

    def test_many_objects(self):
        # Listing streams and gc sweeps: a few thousand orphans (copies of a
        # dead holder's object under other file names are corrupt orphans).
        proc = self.hold("Local\\seed", "1")
        self.kill9(proc)
        seed = os.path.join(self.local_dir(), "seed")
        count = 3000
        for i in range(count):
            copy = os.path.join(self.local_dir(), "copy%d" % i)
            if i % 2:
                os.link(seed, copy)
            else:
                shutil.copyfile(seed, copy)
        listed = self.ls()
        self.assertEqual(len(listed), count + 1)
        self.assertTrue(all(o["orphan"] for o in listed))
        self.assertEqual(len(self.ok("gc").decode().splitlines()), count + 1)
        self.assertStoreEmpty()

    # -- other users ------------------------------------------------------

    @unittest.skipUnless(os.geteuid() == 0, "needs root to run as another user")
    def test_other_users_unreadable_object(self):
        secret = self.hold("Global\\secret", "100")
        long_name = "x" * 300
        hashed = self.hold("Global\\" + long_name, "100")
        shared = self.hold("Global\\shared", "100", "--mode", "0644")
        listed = {o["file"]: o for o in self.ls(as_user=NOBODY)}
        obj = listed["secret"]
        self.assertEqual((obj["name"], obj["type"], obj["size"], obj["mode"], obj["uid"],
                          obj["holders"], obj["corrupt"]),
                         ("secret", "?", None, "0600", 0, [secret.pid], False))
        hashed_obj = [o for f, o in listed.items() if f.startswith(".h-")][0]
        self.assertEqual((hashed_obj["name"], hashed_obj["holders"]), (None, [hashed.pid]))
        self.assertEqual(listed["shared"]["type"], "section")
        self.assertIn("type:       ?", self.ok("stat", "Global\\secret", as_user=NOBODY).decode())
        self.expect(1, "cat", "Global\\secret", as_user=NOBODY)
        self.assertEqual(self.ok("cat", "Global\\shared", as_user=NOBODY), bytes(100))
        self.expect(1, "rm", "Global\\secret", as_user=NOBODY)
        # Nobody's own store is separate: root's Local\ objects are not in it.
        self.assertEqual(self.ok("gc", as_user=NOBODY), b"")
        for proc in (secret, hashed, shared):
            self.release(proc)
        self.assertStoreEmpty()

    @unittest.skipUnless(os.geteuid() == 0, "needs root to run as another user")
    def test_root_sees_every_users_local_objects(self):
        self.make_local_dir()  # the store root, which nobody may not create here
        proc = subprocess.Popen([TOOL, "create", "theirs", "1K", "--hold"], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, user=NOBODY,
                                group=NOBODY, extra_groups=[])
        self.holders.append(proc)
        wait_for(lambda: proc.poll() is not None or self.find("theirs") is not None,
                 "nobody's object to be listed")
        self.check_alive(proc)
        obj = self.find("theirs")
        self.assertEqual((obj["namespace"], obj["uid"], obj["holders"]),
                         ("Local", NOBODY, [proc.pid]))
        self.expect(3, "cat", "theirs")  # root's own Local\theirs does not exist
        self.kill9(proc)
        self.assertEqual(self.ok("gc").decode(),
                         "removed orphan Local\\theirs (uid %d)\n" % NOBODY)
        self.assertStoreEmpty()

    # -- file-backed sections -----------------------------------------------

    def make_data_file(self, leaf, data):
        path = os.path.join(self.tmp, leaf)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_file_backed_in_ls_stat_cat_write(self):
        path = self.make_data_file("data", b"file contents")
        proc = self.hold("Local\\fs", "0", "--file", path)
        st = os.stat(path)
        obj = self.find("fs")
        self.assertEqual(obj["size"], 13)
        self.assertEqual(obj["backing"], {"path": path, "dev": st.st_dev, "ino": st.st_ino,
                                          "state": "present"})
        row = [r for r in self.ok("ls").decode().splitlines() if " fs -> " in r]
        self.assertEqual(len(row), 1)
        self.assertTrue(row[0].endswith("fs -> " + path), row)
        stat = self.ok("stat", "fs").decode()
        self.assertIn("backing:    %s (" % path, stat)
        self.assertIn("file id:    device %d:%d, inode %d\n" %
                      (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino), stat)
        self.assertIn("file state: present, 13 bytes\n", stat)
        self.assertEqual(self.ok("cat", "fs"), b"file contents")
        self.ok("write", "fs", "--offset", "5", data=b"CONTENTS")
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"file CONTENTS")
        # The store holds the header alone.
        self.assertEqual(os.path.getsize(os.path.join(self.local_dir(), "fs")),
                         os.sysconf("SC_PAGE_SIZE"))
        self.release(proc)
        self.assertStoreEmpty()
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"file CONTENTS")

    def test_file_backed_grows_the_file(self):
        path = self.make_data_file("small", b"abc")
        proc = self.hold("Local\\grown", "10K", "--file", path)
        self.assertEqual(os.path.getsize(path), 10240)
        self.assertEqual(self.ok("cat", "grown", "--length", "4"), b"abc\0")
        self.release(proc)
        # A read-only section cannot grow it; an empty file needs a size.
        result = self.expect(1, "create", "ro", "20K", "--file", path, "--read-only")
        self.assertIn("cannot grow", result.stderr.decode())
        self.assertEqual(os.path.getsize(path), 10240)
        empty = self.make_data_file("empty", b"")
        result = self.expect(1, "create", "e", "0", "--file", empty)
        self.assertIn("FM_EFILEEMPTY", result.stderr.decode())
        self.assertStoreEmpty()

    def test_file_backed_missing_replaced_truncated(self):
        path = self.make_data_file("data", b"x" * 100)
        proc = self.hold("Local\\fs", "0", "--file", path)
        os.rename(path, path + ".moved")
        self.assertEqual(self.find("fs")["backing"]["state"], "missing")
        self.assertTrue(self.ok("ls").decode().rstrip().endswith(path + " (missing)"))
        self.assertIn("file state: missing: opening the name fails (ESTALE)",
                      self.ok("stat", "fs").decode())
        result = self.expect(1, "cat", "fs")
        self.assertIn("ESTALE", result.stderr.decode())
        self.assertIn(path, result.stderr.decode())
        self.make_data_file("data", b"y" * 100)
        self.assertEqual(self.find("fs")["backing"]["state"], "replaced")
        self.assertIn("file state: replaced by another file",
                      self.ok("stat", "fs").decode())
        os.replace(path + ".moved", path)
        os.truncate(path, 10)
        self.assertEqual(self.find("fs")["backing"]["state"], "truncated")
        self.assertIn("file state: truncated to 10 bytes", self.ok("stat", "fs").decode())
        self.release(proc)
        self.assertStoreEmpty()

    def test_rm_and_gc_never_touch_the_file(self):
        path = self.make_data_file("data", b"keep me")
        proc = self.hold("Local\\fs", "0", "--file", path)
        self.expect(0, "rm", "fs")
        self.assertIsNone(self.find("fs"))
        self.release(proc)
        dead = self.hold("Local\\fs", "0", "--file", path, "--read-only")
        self.kill9(dead)
        self.assertEqual(self.find("fs")["backing"]["state"], "present")
        self.assertEqual(self.ok("gc").decode(), "removed orphan Local\\fs\n")
        self.assertStoreEmpty()
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"keep me")


if __name__ == "__main__":
    if not TOOL or not os.access(TOOL, os.X_OK):
        sys.exit("test_tool.py: set FILEMAP_TOOL to the built filemap tool")
    unittest.main()

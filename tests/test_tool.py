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



def semaphore_count_offset(path):
    """Where the count of the semaphore stored at path is in its file: the
    state page follows the header (one page for a short name), and in it
    the semaphore's line is placed by the file's inode
    (fm__sync_state_offset in src/sync-map.c); the count is its first word."""
    page = os.sysconf("SC_PAGE_SIZE")
    lines = page // 64
    ino = os.stat(path).st_ino
    line = ((ino * 0x9E3779B97F4A7C15) % 2**64 >> 32) % (lines - 1)
    return page + line * 64


# Exit codes of `filemap wait` beyond 0-3 (filemap.1).
TIMED_OUT = 4
ABANDONED = 5


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

    def hold(self, name, *args):
        """Starts `create NAME ARGS --hold` and waits until ls shows it held."""
        return self.start_holding(name, "create", name, *args, "--hold")

    def start(self, *args):
        """Starts the tool in the background; tearDown ends it."""
        proc = subprocess.Popen([TOOL, *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        self.holders.append(proc)
        return proc

    def start_holding(self, name, *args):
        """Starts the tool and waits until ls shows it holding name."""
        proc = self.start(*args)
        short = name.split("\\", 1)[-1]
        wait_for(lambda: proc.poll() is not None or
                 proc.pid in ((self.find(short) or {}).get("holders") or []),
                 "%s to be held" % name)
        self.check_alive(proc)
        return proc

    def lock(self, name):
        """Starts `wait NAME --hold` and waits until it owns the mutex."""
        proc = self.start("wait", name, "--hold")
        line = proc.stdout.readline().decode()
        self.check_alive(proc)
        self.assertIn(": locked", line)
        return proc

    def check_alive(self, proc):
        if proc.poll() is not None:
            self.fail("filemap %s exited %d: %s" %
                      (" ".join(proc.args[1:]), proc.returncode,
                       proc.stderr.read().decode(errors="replace")))

    def sync_state(self, name):
        return self.find(name)["sync"]

    def release(self, proc, code=0):
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=TIMEOUT), code)
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
        for verb in ("ls", "stat", "create", "cat", "write", "signal", "wait", "rm", "gc"):
            self.assertIn("filemap " + verb, out)
            self.assertTrue(self.ok(verb, "--help").decode().startswith("usage: filemap " + verb))
        for args in ([], ["frobnicate"], ["ls", "--bogus"], ["ls", "extra"], ["cat"],
                     ["cat", "x", "y"], ["cat", "x", "--offset"], ["cat", "x", "--offset", "-1"],
                     ["cat", "x", "--offset", "12Q"], ["cat", "x", "--hex=1"],
                     ["create", "x"], ["create", "x", "0"], ["create", "x", "1K", "--mode", "9"],
                     ["create", "x", "1K", "--mode", "0200"], ["create", "local\\x", "1K"],
                     ["create", "x", "1K", "--read-only"], ["create", "x", "1K", "--file"],
                     ["create", "x", "--type", "event", "--file", "f"],
                     ["stat", "Global\\"], ["rm", ""], ["gc", "now"],
                     ["create", "x", "--type", "lock"], ["create", "x", "1K", "--type", "mutex"],
                     ["create", "x", "--type", "mutex", "--manual"],
                     ["create", "x", "1K", "--signaled"], ["create", "x", "--maximum", "2"],
                     ["create", "x", "--type", "event", "--initial", "1"],
                     ["create", "x", "--type", "event", "--mode", "0400"],
                     ["create", "x", "--type", "semaphore", "--initial", "3", "--maximum", "2"],
                     ["create", "x", "--type", "semaphore", "--maximum", "0"],
                     ["create", "x", "--type", "semaphore", "--maximum", "2147483648"],
                     ["create", "x", "--type", "semaphore", "--initial", "1K"],
                     ["signal"], ["signal", "x", "y"], ["signal", "x", "--count", "0"],
                     ["signal", "x", "--count", "-1"], ["signal", "x", "--count", "2147483648"],
                     ["wait"], ["wait", "x", "--timeout", "1.5"], ["wait", "x", "--timeout"],
                     ["wait", "x", "--timeout", "99999999999999999"], ["wait", "x", "--hold=1"]):
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
                                           "HOLDERS", "SYNC", "NAME"])
        row = text[1].split()
        self.assertEqual(row[:3] + row[5:], ["Local", "section", "4096", "held", str(proc.pid),
                                             "-", "held"])
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

    def test_gc_sweeps_directories_a_killed_creator_left(self):
        # The library makes a store directory as .fm-mkdir-<pid>-<n> and
        # renames it into place; a creator killed in between leaves it.
        self.make_local_dir()
        dead = subprocess.Popen(["true"])
        dead.wait()
        stale_in_root = os.path.join(self.root, ".fm-mkdir-%d-0" % dead.pid)
        stale_beside = os.path.join(self.tmp, ".fm-mkdir-%d-3" % dead.pid)
        alive = os.path.join(self.root, ".fm-mkdir-%d-1" % os.getpid())
        other = os.path.join(self.root, ".fm-mkdir-%d-2x" % dead.pid)
        for path in (stale_in_root, stale_beside, alive, other):
            os.mkdir(path, 0o700)
        out = self.ok("gc").decode()
        self.assertEqual(sorted(out.splitlines()), sorted(
            "removed stale directory %s (its creator, pid %d, died making it)" % (path, dead.pid)
            for path in (stale_beside, stale_in_root)))
        self.assertEqual((os.path.exists(stale_in_root), os.path.exists(stale_beside),
                          os.path.isdir(alive), os.path.isdir(other)),
                         (False, False, True, True))
        os.rmdir(alive)
        os.rmdir(other)
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
        proc = self.hold("Local\\lock", "--type", "mutex")
        self.assertEqual(self.find("lock")["type"], "mutex")
        self.assertIn("type:       mutex", self.ok("stat", "lock").decode())
        for args in (["cat", "lock"], ["write", "lock"], ["create", "lock", "1K"]):
            result = self.expect(1, *args, data=b"x")
            self.assertIn("Local\\lock is a mutex, not a section", result.stderr.decode())
        result = self.expect(1, "create", "lock", "--type", "event")
        self.assertIn("Local\\lock is a mutex, not an event", result.stderr.decode())
        section = self.hold("Local\\data", "1K")
        result = self.expect(1, "create", "data", "--type", "semaphore")
        self.assertIn("Local\\data is a section, not a semaphore", result.stderr.decode())
        self.kill9(proc)
        self.assertEqual(self.ok("gc").decode(), "removed orphan Local\\lock\n")
        self.release(section)
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

    # -- mutexes, events and semaphores -----------------------------------

    def test_sync_objects_in_ls_and_stat(self):
        procs = [self.hold("Local\\m", "--type", "mutex"),
                 self.hold("Local\\auto", "--type", "event"),
                 self.hold("Local\\manual", "--type", "event", "--manual", "--signaled"),
                 self.hold("Local\\sem", "--type", "semaphore", "--initial", "2",
                           "--maximum", "5", "--mode", "0660")]
        listed = {o["name"]: o for o in self.ls()}
        self.assertEqual(listed["m"], {"namespace": "Local", "name": "m", "file": "m",
                                       "type": "mutex", "size": 0, "mode": "0600",
                                       "uid": os.geteuid(), "holders": [procs[0].pid],
                                       "orphan": False, "corrupt": False,
                                       "sync": {"signaled": True, "owner_pid": 0,
                                                "owner_tid": 0, "recursion": 0,
                                                "abandoned": False}})
        self.assertEqual(listed["auto"]["sync"], {"signaled": False, "manual_reset": False})
        self.assertEqual(listed["manual"]["sync"], {"signaled": True, "manual_reset": True})
        self.assertEqual(listed["sem"]["sync"], {"signaled": True, "count": 2, "maximum": 5})
        self.assertEqual(listed["sem"]["mode"], "0660")
        rows = {r.split()[-1]: r.split() for r in self.ok("ls").decode().splitlines()[1:]}
        self.assertEqual(rows["m"][1:3] + rows["m"][5:], ["mutex", "0", "held",
                                                          str(procs[0].pid), "free", "m"])
        self.assertEqual(rows["auto"][7], "unsignaled,auto")
        self.assertEqual(rows["manual"][7], "signaled,manual")
        self.assertEqual(rows["sem"][7], "count=2/5")
        stat = self.ok("stat", "m").decode()
        self.assertIn("type:       mutex\nlocked:     no (free)\n", stat)
        self.assertNotIn("size:", stat)
        self.assertNotIn("abandoned:", stat)
        self.assertIn("signaled:   no\nreset:      auto", self.ok("stat", "auto").decode())
        self.assertIn("signaled:   yes\nreset:      manual", self.ok("stat", "manual").decode())
        self.assertIn("count:      2\nmaximum:    5\n", self.ok("stat", "sem").decode())
        # Creating again finds each, its state unchanged.
        result = self.expect(0, "create", "sem", "--type", "semaphore", "--initial", "0")
        self.assertIn("existed already", result.stderr.decode())
        self.assertEqual(self.sync_state("sem")["count"], 2)
        for proc in procs:
            self.release(proc)
        result = self.expect(0, "create", "Local\\brief", "--type", "event")
        self.assertIn("created Local\\brief, an event; nobody holds it now", result.stderr.decode())
        self.assertStoreEmpty()

    def test_mutex_owner_and_abandoned(self):
        # The first holder keeps the name; a second process locks the mutex
        # and dies holding it.
        keeper = self.hold("Local\\m", "--type", "mutex")
        owner = self.lock("m")
        state = self.sync_state("m")
        self.assertEqual((state["owner_pid"], state["owner_tid"], state["recursion"],
                          state["signaled"], state["abandoned"]),
                         (owner.pid, owner.pid, 1, False, False))
        self.assertEqual(sorted(self.find("m")["holders"]), sorted([keeper.pid, owner.pid]))
        self.assertIn("owner=%d/%d " % (owner.pid, owner.pid), self.ok("ls").decode())
        self.assertIn("locked:     by pid %d, thread %d\n" % (owner.pid, owner.pid),
                      self.ok("stat", "m").decode())
        self.expect(TIMED_OUT, "wait", "m", "--timeout", "100")
        self.kill9(owner)
        state = self.sync_state("m")
        self.assertEqual((state["owner_pid"], state["signaled"], state["abandoned"]),
                         (0, True, True))
        self.assertIn(" free,abandoned ", self.ok("ls").decode())
        self.assertIn("abandoned:  yes", self.ok("stat", "m").decode())
        # A plain wait reports it, and leaves the news for the next taker.
        for _ in range(2):
            result = self.expect(ABANDONED, "wait", "m", "--timeout", "1000")
            self.assertIn("abandoned", result.stderr.decode())
            self.assertEqual(self.sync_state("m")["abandoned"], True)
        # Taking it for good is told so, and ends the abandonment.
        taker = self.start("wait", "m", "--hold")
        self.assertIn("locked (abandoned by its last owner) by pid %d" % taker.pid,
                      taker.stdout.readline().decode())
        state = self.sync_state("m")
        self.assertEqual((state["owner_pid"], state["abandoned"]), (taker.pid, False))
        self.release(taker, ABANDONED)
        self.assertEqual(self.sync_state("m")["signaled"], True)
        self.ok("wait", "m", "--timeout", "0")
        self.release(keeper)
        self.assertStoreEmpty()

    def test_wait_on_a_mutex_waits_until_it_is_free(self):
        keeper = self.hold("Local\\m", "--type", "mutex")
        owner = self.lock("m")
        waiter = self.start_holding("m", "wait", "m")
        time.sleep(0.2)
        self.assertIsNone(waiter.poll())
        self.release(owner)
        self.assertEqual(waiter.wait(timeout=TIMEOUT), 0)
        self.assertEqual(self.sync_state("m"), {"signaled": True, "owner_pid": 0,
                                                "owner_tid": 0, "recursion": 0,
                                                "abandoned": False})
        self.release(keeper)
        self.assertStoreEmpty()

    def test_event_signal_wait_round_trip(self):
        keeper = self.hold("Local\\go", "--type", "event")
        waiter = self.start_holding("go", "wait", "go")
        time.sleep(0.2)
        self.assertIsNone(waiter.poll())
        self.ok("signal", "go")
        self.assertEqual(waiter.wait(timeout=TIMEOUT), 0)
        # The wait took it: an auto-reset event is unsignalled again.
        self.assertEqual(self.sync_state("go")["signaled"], False)
        self.expect(TIMED_OUT, "wait", "go", "--timeout", "100")
        self.expect(TIMED_OUT, "wait", "go", "--timeout", "0")
        # Setting twice is setting once.
        self.ok("signal", "go")
        self.ok("signal", "go")
        self.ok("wait", "go", "--timeout", "0")
        result = self.expect(TIMED_OUT, "wait", "go", "--timeout", "0")
        self.assertIn("timed out after 0 ms", result.stderr.decode())
        self.release(keeper)
        # A manual-reset event stays signalled for every wait.
        keeper = self.hold("Local\\open", "--type", "event", "--manual")
        self.ok("signal", "open")
        for _ in range(3):
            self.ok("wait", "open", "--timeout", "0")
        self.assertEqual(self.sync_state("open")["signaled"], True)
        self.release(keeper)
        self.assertStoreEmpty()

    def test_semaphore_counts(self):
        keeper = self.hold("Local\\slots", "--type", "semaphore", "--initial", "1",
                           "--maximum", "3")
        self.ok("signal", "slots")
        self.assertEqual(self.sync_state("slots")["count"], 2)
        result = self.expect(1, "signal", "slots", "--count", "2")
        self.assertIn("EOVERFLOW", result.stderr.decode())
        self.assertIn("count 2, maximum 3", result.stderr.decode())
        self.assertEqual(self.sync_state("slots")["count"], 2)
        self.ok("signal", "slots", "--count", "1")
        self.expect(1, "signal", "slots")
        for left in (2, 1, 0):
            self.ok("wait", "slots", "--timeout", "0")
            self.assertEqual(self.sync_state("slots")["count"], left)
        self.expect(TIMED_OUT, "wait", "slots", "--timeout", "100")
        waiter = self.start_holding("slots", "wait", "slots")
        self.ok("signal", "slots", "--count", "2")
        self.assertEqual(waiter.wait(timeout=TIMEOUT), 0)
        self.assertEqual(self.sync_state("slots")["count"], 1)
        self.release(keeper)
        self.assertStoreEmpty()

    def test_signal_and_wait_refuse_what_they_cannot_do(self):
        procs = [self.hold("Local\\sec", "1K"), self.hold("Local\\m", "--type", "mutex"),
                 self.hold("Local\\e", "--type", "event")]
        for args, why in ((["signal", "sec"], "is a section: only an event or a semaphore"),
                          (["wait", "sec"], "is a section: only a mutex, an event or a semaphore"),
                          (["signal", "m"], "is a mutex: only the thread that owns it"),
                          (["signal", "e", "--count", "2"], "--count means nothing"),
                          (["wait", "e", "--hold"], "--hold keeps a mutex locked")):
            result = self.expect(1, *args)
            self.assertIn(why, result.stderr.decode())
        for verb in ("signal", "wait"):
            result = self.expect(3, verb, "Local\\absent")
            self.assertIn("no object of that name", result.stderr.decode())
        # The event was left alone by all that.
        self.assertEqual(self.sync_state("e")["signaled"], False)
        for proc in procs:
            self.release(proc)
        self.assertStoreEmpty()

    def test_corrupt_sync_state(self):
        keeper = self.hold("Local\\sem", "--type", "semaphore", "--maximum", "5")
        path = os.path.join(self.local_dir(), "sem")
        with open(path, "r+b") as f:
            f.seek(semaphore_count_offset(path))
            f.write(struct.pack("=I", 99))
        obj = self.find("sem")
        self.assertEqual((obj["type"], obj["corrupt"], obj["problem"]),
                         ("semaphore", True, "corrupt semaphore state: count above the maximum"))
        self.assertNotIn("sync", obj)
        row = self.ok("ls").decode().splitlines()[1].split()
        self.assertEqual((row[1], row[5], row[7]), ("semaphore", "corrupt", "?"))
        stat = self.ok("stat", "sem").decode()
        self.assertIn("type:       semaphore\nproblem:    corrupt semaphore state", stat)
        self.assertIn("state:      corrupt", stat)
        for verb in ("signal", "wait"):
            result = self.expect(1, verb, "sem")
            self.assertIn("corrupt semaphore state", result.stderr.decode())
        self.kill9(keeper)
        self.assertEqual(self.ok("gc").decode(), "removed corrupt orphan Local\\sem "
                         "(corrupt semaphore state: count above the maximum)\n")
        self.assertStoreEmpty()

    def test_killed_wait_leaves_the_store_clean(self):
        keeper = self.hold("Local\\e", "--type", "event")
        mutex_keeper = self.hold("Local\\m", "--type", "mutex")
        owner = self.lock("m")
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            for name in ("e", "m"):
                waiter = self.start_holding(name, "wait", name)
                waiter.send_signal(sig)
                self.assertEqual(waiter.wait(timeout=TIMEOUT), -sig)
        # Nothing was taken or abandoned, and the objects still work.
        self.assertEqual(self.sync_state("e")["signaled"], False)
        self.assertEqual(self.sync_state("m")["owner_pid"], owner.pid)
        self.release(owner)
        self.assertEqual(self.sync_state("m")["abandoned"], False)
        self.ok("signal", "e")
        self.ok("wait", "e", "--timeout", "0")
        # A waiting wait holds the name by itself; stopped, it lets go of it
        # as the last holder does.  Killed, it leaves an orphan, as any
        # holder does, for gc.
        waiter = self.start_holding("e", "wait", "e")
        self.release(keeper)
        self.assertEqual(self.find("e")["holders"], [waiter.pid])
        waiter.send_signal(signal.SIGTERM)
        self.assertEqual(waiter.wait(timeout=TIMEOUT), -signal.SIGTERM)
        self.assertIsNone(self.find("e"))
        self.assertEqual(self.store_files(), ["local-%d/m" % os.geteuid()])
        self.release(mutex_keeper)
        self.assertStoreEmpty()
        keeper = self.hold("Local\\e", "--type", "event")
        waiter = self.start_holding("e", "wait", "e")
        self.release(keeper)
        self.kill9(waiter)
        self.assertEqual(self.find("e")["orphan"], True)
        self.assertEqual(self.ok("gc").decode(), "removed orphan Local\\e\n")
        self.assertStoreEmpty()

    def test_holders_are_who_has_the_file_open(self):
        # A child that inherited a hold across fork holds the object: it is
        # named once the parent has let go (found in /proc/<pid>/fd).
        self.make_local_dir()
        path = os.path.join(self.local_dir(), "inherited")
        with open(path, "wb") as f:
            f.write(b"not a filemap object" * 200)
        held = open(path, "rb")
        fcntl.flock(held, fcntl.LOCK_SH)
        r, w = os.pipe()
        child = os.fork()
        if child == 0:
            os.close(w)
            os.read(r, 1)
            os._exit(0)
        os.close(r)
        held.close()
        try:
            self.assertIn(child, self.find("inherited")["holders"])
            self.assertEqual(self.ok("gc"), b"")
        finally:
            os.close(w)
            os.waitpid(child, 0)
        self.assertEqual(self.find("inherited")["holders"], [])
        self.assertIn(b"removed corrupt orphan", self.ok("gc"))
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

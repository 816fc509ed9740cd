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

import datetime
import fcntl
import json
import os
import pty
import pwd
import resource
import select
import shutil
import signal
import re
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unittest

TOOL = os.environ.get("FILEMAP_TOOL", "")
TIMEOUT = 30
NOBODY = 65534

# Offsets in the object header (src/internal.h, struct fm__header): the
# sync words, and in them a semaphore's count (src/sync.h).
HEADER_SYNC_OFFSET = 128
SEMAPHORE_COUNT_OFFSET = HEADER_SYNC_OFFSET

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


def row(ns, type_, size, mode, owner, state, holders, sync, name, human=False):
    """A row of `filemap ls` as the tool must print it, whole."""
    return "%-9s %-9s %*s %-4s  %-10s %-7s %-16s %-21s %s" % (
        ns, type_, 6 if human else 14, size, mode, owner, state, holders, sync, name)


LS_HEADER = row("NAMESPACE", "TYPE", "SIZE", "MODE", "OWNER", "STATE", "HOLDERS", "SYNC", "NAME")
NAME_AT = len(LS_HEADER) - len("NAME")  # where a row's name starts


def field(label, value):
    """A line of `filemap stat`."""
    return "%-12s%s" % (label + ":", value)


def unsafe(c):
    """Whether the tool must escape character c (tools/filemap/text.c)."""
    o = ord(c)
    return (o < 0x20 or 0x7f <= o <= 0x9f or o == 0x61c or 0x200b <= o <= 0x200f or
            0x2028 <= o <= 0x202e or 0x2060 <= o <= 0x206f or o == 0xfeff or
            0xfff9 <= o <= 0xfffb or 0xe0000 <= o <= 0xe007f)


def escaped(text):
    """text as the tool prints it for a terminal."""
    return "".join("".join("\\x%02x" % b for b in c.encode()) if unsafe(c) else c
                   for c in text)


def re_escapes(data):
    """A terminal's bytes without their escape sequences, as text."""
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", data).decode(errors="replace")


def owner_name(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


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
        """Runs the tool and checks its exit code and its error lines; returns
        the result."""
        result = self.run_tool(*args, **kwargs)
        self.assertEqual(result.returncode, code,
                         "filemap %s: exit %d, stderr: %s" %
                         (" ".join(args), result.returncode, result.stderr.decode(errors="replace")))
        # Under the asan preset a report may exit 1, like a failure would.
        self.assertNotIn(b"Sanitizer", result.stderr)
        self.check_error_lines(code, result.stderr.decode(errors="replace"))
        return result

    def check_error_lines(self, code, stderr):
        """A failure's line says its code in parentheses, after what went
        wrong and before what to do; a usage error's never does."""
        coded = r" \((E[A-Z0-9]+|FM_[A-Z]+|SIGBUS)\)(;|:|$)"
        for line in stderr.splitlines():
            if not line.startswith("filemap") or ": note: " in line:
                continue
            if code in (1, 3, 4, 5):
                self.assertRegex(line, coded)
            elif code == 2:
                self.assertNotRegex(line, coded)

    def ok(self, *args, **kwargs):
        return self.expect(0, *args, **kwargs).stdout

    def ls(self, *args, as_user=None):
        return json.loads(self.ok("ls", "--json", *args, as_user=as_user))

    def ls_lines(self, *args, as_user=None):
        """The text rows of `filemap ls ARGS`, after the header, which is
        checked."""
        lines = self.ok("ls", *args, as_user=as_user).decode().splitlines()
        self.assertEqual(lines[0], LS_HEADER if "-h" not in args else
                         row("NAMESPACE", "TYPE", "SIZE", "MODE", "OWNER", "STATE", "HOLDERS",
                             "SYNC", "NAME", human=True))
        return lines[1:]

    def stat_lines(self, name, as_user=None):
        return self.ok("stat", name, as_user=as_user).decode().splitlines()

    def stat_json(self, name, as_user=None):
        return json.loads(self.ok("stat", name, "--json", as_user=as_user))

    def created_lines(self, name):
        """stat's created: and header: lines for name, from its JSON."""
        obj = self.stat_json(name)
        when = datetime.datetime.strptime(obj["created"][:19], "%Y-%m-%dT%H:%M:%S")
        stamp = time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(
            when.replace(tzinfo=datetime.timezone.utc).timestamp()))
        return [field("created", "%s by uid %d, pid %d" % (stamp, obj["creator_uid"],
                                                            obj["creator_pid"])),
                field("header", "%d bytes" % obj["header_size"])]

    def tail_lines(self, mode, uid, holders, state=None):
        """stat's last lines: mode, owner, state and holders."""
        name = owner_name(uid)
        owner = "%s (uid %d)" % (name, uid) if name != str(uid) else "uid %d" % uid
        if state is None:
            state = "held" if holders else \
                "orphan (nobody holds it: it reads as absent, and `filemap gc` removes it)"
        return [field("mode", mode), field("owner", owner), field("state", state),
                field("holders", ", ".join(map(str, holders)) if holders else "none")]

    def local_path(self, file):
        return os.path.join(self.local_dir(), file)

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
        self.assertEqual(out, self.ok("help").decode())
        self.assertEqual(out, self.ok("-h").decode())
        for verb in ("ls", "stat", "watch", "create", "cat", "write", "signal", "wait", "rm",
                     "gc", "help"):
            self.assertRegex(out, "\n  filemap " + verb + "( |\n)")
            if verb == "help":
                continue
            whole = self.ok(verb, "--help").decode()
            self.assertTrue(whole.startswith("usage: filemap " + verb))
            self.assertEqual(self.ok("help", verb).decode(), whole)
        for args in ([], ["frobnicate"], ["ls", "--bogus"], ["ls", "a", "b"], ["cat"],
                     ["ls", "--type", "lock"], ["ls", "--namespace", "Session"],
                     ["ls", "--json", "-1"], ["ls", "-x"], ["stat", "x", "--hex"],
                     ["watch", "--interval", "0"], ["watch", "a", "b"],
                     ["watch", "--type", "section", "--count", "-1"],
                     ["cat", "x", "--interval", "5"], ["cat", "x", "--follow", "--interval", "0"],
                     ["help", "frobnicate"], ["help", "ls", "ls"],
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

    def test_sizes_too_large_are_said_so(self):
        for args, what in ((["create", "huge", "99999999999999999999"], "size"),
                           (["create", "huge", "16777216T"], "size"),
                           (["cat", "x", "--length", "99999999999999999999"], "--length"),
                           (["write", "x", "--offset", "18446744073709551616"], "--offset")):
            line = self.expect(2, *args).stderr.decode().strip()
            self.assertEqual(line, "filemap %s: %s %s: too large: a size is at most "
                             "18446744073709551615 bytes (16 EiB less one)" %
                             (args[0], what, args[-1]))
        line = self.expect(2, "cat", "x", "--length", "12Q").stderr.decode().strip()
        self.assertEqual(line, "filemap cat: --length 12Q: not a size; use digits with an "
                         "optional K, M, G or T")

    def test_every_verb_says_absent_the_same_way(self):
        self.make_local_dir()
        for args in (["stat", "gone"], ["cat", "gone"], ["write", "gone"], ["rm", "gone"],
                     ["signal", "gone"], ["wait", "gone"], ["cat", "gone", "--follow"]):
            result = self.expect(3, *args, data=b"")
            self.assertEqual(result.stderr.decode(),
                             "filemap %s: Local\\gone: no object of that name (ENOENT); "
                             "list the objects with `filemap ls`\n" % args[0])
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
        created = obj.pop("created")
        self.assertRegex(created, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
        self.assertEqual(obj, {"namespace": "Local", "name": "held", "file": "held",
                               "path": self.local_path("held"), "type": "section",
                               "size": 4096, "mode": "0640", "uid": os.geteuid(),
                               "gid": os.getegid(), "holders": [proc.pid], "orphan": False,
                               "corrupt": False, "access": "rw", "reserve": False,
                               "creator_uid": os.geteuid(), "creator_pid": proc.pid,
                               "header_size": os.sysconf("SC_PAGE_SIZE"), "backing": None})
        me = owner_name(os.geteuid())
        self.assertEqual(self.ls_lines(), [
            row("Local", "section", "4096", "0640", me, "held", proc.pid, "-", "held")])
        self.assertEqual(self.ls_lines("-h"), [
            row("Local", "section", "4.0K", "0640", me, "held", proc.pid, "-", "held",
                human=True)])
        self.assertEqual(self.stat_lines("held"), [
            field("name", "Local\\held"),
            field("file", self.local_path("held")),
            field("type", "section"),
            field("size", "4096 bytes"),
            field("access", "read, write (the most any handle or view may have)"),
            field("memory", "reserved when it was created"),
            *self.created_lines("held"),
            *self.tail_lines("0640", os.geteuid(), [proc.pid])])
        stat = self.stat_json("held")
        self.assertEqual(stat.pop("created"), created)
        self.assertEqual(stat, obj)
        self.expect(3, "stat", "Local\\nothing")
        # Creating the name again finds the held one, size unchanged.
        result = self.expect(0, "create", "held", "1M")
        self.assertIn("existed already, with 4096 bytes", result.stderr.decode())
        self.release(proc)
        self.assertStoreEmpty()

    def test_empty_store_has_a_header(self):
        self.assertEqual(self.ok("ls").decode(), LS_HEADER + "\n")
        self.assertEqual(self.ok("ls", "-h").decode().splitlines(), [
            row("NAMESPACE", "TYPE", "SIZE", "MODE", "OWNER", "STATE", "HOLDERS", "SYNC",
                "NAME", human=True)])
        self.assertEqual(self.ok("ls", "--json"), b"[]\n")
        self.assertEqual(self.ok("ls", "-1"), b"")
        self.assertFalse(os.path.exists(self.root))  # looking made nothing

    def test_ls_filters(self):
        procs = [self.hold("Local\\job.1", "1"), self.hold("Local\\job.2", "2"),
                 self.hold("Local\\other", "3"), self.hold("Global\\job.3", "4"),
                 self.hold("Local\\job.lock", "--type", "mutex")]

        def names(*args):
            return sorted(o["namespace"] + "\\" + o["name"] for o in self.ls(*args))

        self.assertEqual(names("job.*"), ["Global\\job.3", "Local\\job.1", "Local\\job.2",
                                          "Local\\job.lock"])
        self.assertEqual(names("job.?"), ["Global\\job.3", "Local\\job.1", "Local\\job.2"])
        self.assertEqual(names("Global\\*"), ["Global\\job.3"])
        self.assertEqual(names("--namespace", "Local", "--type", "section"),
                         ["Local\\job.1", "Local\\job.2", "Local\\other"])
        self.assertEqual(names("--namespace", "global"), ["Global\\job.3"])
        self.assertEqual(names("--type", "mutex"), ["Local\\job.lock"])
        self.assertEqual(names("Local\\job.*", "--namespace", "Global"), [])
        self.assertEqual(names("nothing*"), [])
        self.assertEqual(sorted(self.ok("ls", "-1", "job.?").decode().splitlines()),
                         ["Global\\job.3", "Local\\job.1", "Local\\job.2"])
        self.assertEqual(sorted(self.ok("ls", "--names", "--type", "mutex").decode().split()),
                         ["Local\\job.lock"])
        # Text rows filter the same way, header first, even when none match.
        self.assertEqual(len(self.ls_lines("job.*")), 4)
        self.assertEqual(self.ls_lines("nothing*"), [])
        for proc in procs:
            self.release(proc)
        self.assertStoreEmpty()

    def test_ls_columns_stay_aligned(self):
        # Many holders: as many pids as fit the column, then "+N more".
        keeper = self.hold("Local\\crowded", "1")
        others = [self.start_holding("crowded", "create", "crowded", "1", "--hold")
                  for _ in range(5)]
        pids = sorted([keeper.pid] + [p.pid for p in others])
        crowd = self.find("crowded")["holders"]
        self.assertEqual(crowd, pids)
        shown = ""
        for i, pid in enumerate(pids):
            more = " +%d more" % (len(pids) - i - 1) if i < len(pids) - 1 else ""
            candidate = shown + ("," if shown else "") + str(pid)
            if len(candidate + more) > 16 and shown:
                break
            shown = candidate
        left = len(pids) - shown.count(",") - 1
        cell = shown + (" +%d more" % left if left else "")
        self.assertLessEqual(len(cell), 16)
        self.assertIn(" +", cell)
        me = owner_name(os.geteuid())
        self.assertEqual(self.ls_lines(), [
            row("Local", "section", "1", "0600", me, "held", cell, "-", "crowded")])
        # stat and --json have them all.
        self.assertEqual(self.stat_lines("crowded")[-1],
                         field("holders", ", ".join(map(str, pids))))
        for proc in others + [keeper]:
            self.release(proc)
        # A sync object's size is "-", in every column layout.
        sem = self.hold("Local\\s", "--type", "semaphore", "--initial", "3", "--maximum",
                        "2147483647")
        for args, human in (((), False), (("-h",), True)):
            self.assertEqual(self.ls_lines(*args), [
                row("Local", "semaphore", "-", "0600", me, "held", sem.pid, "count=3/2147483647",
                    "s", human=human)])
        self.release(sem)
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
        self.assertEqual(sorted(r[NAME_AT:] for r in self.ls_lines()),
                         sorted(escaped(n) for n in names))
        for proc in procs:
            self.release(proc)
        self.assertStoreEmpty()

    def test_names_cannot_drive_the_terminal(self):
        # C1 controls (CSI, OSC, NEL), bidirectional overrides and isolates,
        # and invisible characters in names another user chose: each is
        # shown as the \xHH of its bytes, in every line the tool prints;
        # JSON has them as \uXXXX.
        names = ["csi\u009b31mred", "osc\u009d0;title\u0007", "nel\u0085x", "rlo\u202eevil.exe",
                 "lri\u2066x\u2069", "zwj\u200dx", "bom\ufeffx", "tag\U000e0041x", "ok\u00e9"]
        procs = [self.hold("Global\\" + name, "1") for name in names]
        rows = self.ok("ls").decode()
        for name in names:
            self.assertIn(" " + escaped(name) + "\n", rows)
        for bad in ("\u009b", "\u009d", "\u0085", "\u202e", "\u2066", "\u200d", "\ufeff",
                    "\U000e0041"):
            self.assertNotIn(bad, rows)
            self.assertNotIn(bad, self.ok("ls", "-1").decode())
        raw = self.ok("ls", "--json").decode()
        for code in ("\\u009b", "\\u009d", "\\u0085", "\\u202e", "\\u2066", "\\u200d",
                     "\\ufeff", "\\udb40\\udc41"):
            self.assertIn(code, raw)
        self.assertNotIn("\u202e", raw)
        self.assertEqual(sorted(o["name"] for o in json.loads(raw)), sorted(names))
        stat = self.stat_lines("Global\\rlo\u202eevil.exe")
        self.assertEqual(stat[0], field("name", "Global\\rlo\\xe2\\x80\\xaeevil.exe"))
        self.assertEqual(stat[1], field("file", os.path.join(self.root, "global",
                                                             "rlo\\xe2\\x80\\xaeevil.exe")))
        result = self.expect(3, "cat", "Global\\csi\u009b31mgone")
        self.assertEqual(result.stderr.decode(), "filemap cat: Global\\csi\\xc2\\x9b31mgone: no "
                         "object of that name (ENOENT); list the objects with `filemap ls`\n")
        for proc in procs:
            self.release(proc)
        self.assertStoreEmpty()

    def test_long_hashed_name(self):
        name = "long-" + "\u00e9" * 300
        proc = self.hold("Local\\" + name, "64")
        obj = self.find(name)
        self.assertTrue(obj["file"].startswith(".h-"), obj["file"])
        self.assertEqual(self.stat_lines(name)[:3], [
            field("name", "Local\\" + name), field("file", self.local_path(obj["file"])),
            field("type", "section")])
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
        self.assertEqual(self.stat_lines("victim")[-4:],
                         self.tail_lines("0600", os.geteuid(), []))
        self.assertEqual([r.split()[5:7] for r in self.ls_lines()], [["orphan", "-"]] * 2)
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
        os.chmod(path, 0o644)
        obj = self.find("junk")
        self.assertEqual((obj["corrupt"], obj["type"], obj["size"], obj["orphan"]),
                         (True, "?", None, True))
        self.assertEqual(obj["problem"], "bad magic: not a filemap object")
        me = owner_name(os.geteuid())
        self.assertEqual(self.ls_lines(), [
            row("Local", "?", "?", "0644", me, "corrupt", "-", "?", "junk")])
        self.assertEqual(self.stat_lines("junk"), [
            field("name", "Local\\junk"), field("file", self.local_path("junk")),
            field("type", "?"), field("problem", "bad magic: not a filemap object"),
            *self.tail_lines("0644", os.geteuid(), [],
                             "corrupt (never used; `filemap rm` removes it)")])
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
        self.assertEqual(self.stat_lines("lock")[2], field("type", "mutex"))
        for args in (["cat", "lock"], ["write", "lock"], ["create", "lock", "1K"]):
            result = self.expect(1, *args, data=b"x")
            self.assertEqual(result.stderr.decode(), "filemap %s: Local\\lock is a mutex, not a "
                             "section (FM_ETYPE); see its type with `filemap stat`\n" % args[0])
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

    def test_shared_sync_object_state(self):
        # A Global\ object other users may use keeps its state in shared
        # memory, not in its header: ls reads it there.
        holder = self.hold("Global\\ssem", "--type", "semaphore", "--initial", "3",
                           "--maximum", "7", "--mode", "0666")
        self.assertEqual(self.find("ssem")["sync"], {"signaled": True, "count": 3, "maximum": 7,
                                                     "waiters": 0})
        self.ok("signal", "Global\\ssem")
        self.assertEqual(self.find("ssem")["sync"]["count"], 4)
        self.assertEqual(self.find("ssem")["mode"], "0666")
        self.assertEqual(self.stat_lines("Global\\ssem")[3:6], [
            field("count", "4"), field("maximum", "7"), field("waiters", "0")])
        # Its holder killed, the segment went with its last attachment: the
        # orphan's state is gone, and stat says so rather than guess.
        holder.kill()
        holder.wait()
        self.assertEqual(self.stat_lines("Global\\ssem")[3],
                         field("problem", "its state is gone: nobody has it any more (an orphan)"))
        self.assertNotIn("sync", self.find("ssem"))

    def test_sync_objects_in_ls_and_stat(self):
        procs = [self.hold("Local\\m", "--type", "mutex"),
                 self.hold("Local\\auto", "--type", "event"),
                 self.hold("Local\\manual", "--type", "event", "--manual", "--signaled"),
                 self.hold("Local\\sem", "--type", "semaphore", "--initial", "2",
                           "--maximum", "5", "--mode", "0660")]
        listed = {o["name"]: o for o in self.ls()}
        m = listed["m"]
        self.assertEqual((m.pop("created")[-1], m.pop("creator_pid")), ("Z", procs[0].pid))
        self.assertEqual(m, {"namespace": "Local", "name": "m", "file": "m",
                             "path": self.local_path("m"), "type": "mutex", "size": None,
                             "mode": "0600", "uid": os.geteuid(), "gid": os.getegid(),
                             "holders": [procs[0].pid], "orphan": False, "corrupt": False,
                             "creator_uid": os.geteuid(),
                             "header_size": os.sysconf("SC_PAGE_SIZE"),
                             "sync": {"signaled": True, "owner_pid": 0, "owner_tid": 0,
                                      "recursion": 0, "abandoned": False, "waiters": 0}})
        self.assertEqual(listed["auto"]["sync"], {"signaled": False, "manual_reset": False,
                                                  "waiters": 0})
        self.assertEqual(listed["manual"]["sync"], {"signaled": True, "manual_reset": True,
                                                    "waiters": 0})
        self.assertEqual(listed["sem"]["sync"], {"signaled": True, "count": 2, "maximum": 5,
                                                 "waiters": 0})
        self.assertEqual(listed["sem"]["mode"], "0660")
        me = owner_name(os.geteuid())
        rows = sorted(self.ls_lines(), key=lambda r: r[NAME_AT:])
        self.assertEqual(rows, [
            row("Local", "event", "-", "0600", me, "held", procs[1].pid, "unsignaled,auto",
                "auto"),
            row("Local", "mutex", "-", "0600", me, "held", procs[0].pid, "free", "m"),
            row("Local", "event", "-", "0600", me, "held", procs[2].pid, "signaled,manual",
                "manual"),
            row("Local", "semaphore", "-", "0660", me, "held", procs[3].pid, "count=2/5",
                "sem")])
        head = [field("name", "Local\\m"), field("file", self.local_path("m")),
                field("type", "mutex")]
        self.assertEqual(self.stat_lines("m"), [
            *head, field("locked", "no (free)"), field("waiters", "none"),
            *self.created_lines("m"), *self.tail_lines("0600", os.geteuid(), [procs[0].pid])])
        self.assertEqual(self.stat_lines("auto")[3:6], [
            field("signaled", "no"), field("reset", "auto (the wait that takes it resets it)"),
            field("waiters", "0")])
        self.assertEqual(self.stat_lines("manual")[3:6], [
            field("signaled", "yes"), field("reset", "manual (stays signaled until reset)"),
            field("waiters", "0")])
        self.assertEqual(self.stat_lines("sem"), [
            field("name", "Local\\sem"), field("file", self.local_path("sem")),
            field("type", "semaphore"), field("count", "2"), field("maximum", "5"),
            field("waiters", "0"), *self.created_lines("sem"),
            *self.tail_lines("0660", os.geteuid(), [procs[3].pid])])
        # Creating again finds each, its state unchanged.
        result = self.expect(0, "create", "sem", "--type", "semaphore", "--initial", "0")
        self.assertIn("existed already", result.stderr.decode())
        self.assertEqual(self.sync_state("sem")["count"], 2)
        for proc in procs:
            self.release(proc)
        result = self.expect(0, "create", "Local\\brief", "--type", "event")
        self.assertIn("created Local\\brief, an event; nobody holds it now", result.stderr.decode())
        self.assertStoreEmpty()

    def test_waiters_are_counted(self):
        keeper = self.hold("Local\\go", "--type", "event")
        waiters = [self.start_holding("go", "wait", "go") for _ in range(2)]
        # (Each wait is in slices, between which it is not armed for a moment.)
        wait_for(lambda: self.stat_lines("go")[5] == field("waiters", "2"), "two armed waits")
        self.ok("signal", "go")
        self.ok("signal", "go")
        for waiter in waiters:
            self.assertEqual(waiter.wait(timeout=TIMEOUT), 0)
        self.assertEqual(self.sync_state("go")["waiters"], 0)
        # A mutex's waiters are seen, not counted.
        mutex = self.hold("Local\\m", "--type", "mutex")
        owner = self.lock("m")
        waiter = self.start_holding("m", "wait", "m")
        wait_for(lambda: field("waiters", "yes (a thread waits, or waited and gave up, since it "
                               "was locked)") in self.stat_lines("m"), "a wait on the mutex")
        self.release(owner)
        self.assertEqual(waiter.wait(timeout=TIMEOUT), 0)
        self.release(mutex)
        self.release(keeper)
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
        both = sorted([keeper.pid, owner.pid])
        me = owner_name(os.geteuid())
        self.assertEqual(self.ls_lines(), [
            row("Local", "mutex", "-", "0600", me, "held", "%d,%d" % tuple(both),
                "owner=%d/%d" % (owner.pid, owner.pid), "m")])
        self.assertEqual(self.stat_lines("m")[3:5], [
            field("locked", "by pid %d, thread %d" % (owner.pid, owner.pid)),
            field("waiters", "none")])
        self.expect(TIMED_OUT, "wait", "m", "--timeout", "100")
        self.kill9(owner)
        state = self.sync_state("m")
        self.assertEqual((state["owner_pid"], state["signaled"], state["abandoned"]),
                         (0, True, True))
        self.assertEqual(self.ls_lines(), [
            row("Local", "mutex", "-", "0600", me, "held", keeper.pid, "free,abandoned", "m")])
        self.assertEqual(self.stat_lines("m")[3:6], [
            field("locked", "no (free)"),
            field("abandoned", "yes (an owner died holding it; the next wait is told so)"),
            field("waiters", "none")])
        # A plain wait reports it, and leaves the news for the next taker.
        for _ in range(2):
            result = self.expect(ABANDONED, "wait", "m", "--timeout", "1000")
            self.assertEqual(result.stderr.decode(), "filemap wait: Local\\m was abandoned: an "
                             "owner died holding it (FM_ABANDONED); it is free, and the next "
                             "program to take it is told so too\n")
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
        state = self.sync_state("m")
        del state["waiters"]  # a hint a wait may leave behind
        self.assertEqual(state, {"signaled": True, "owner_pid": 0, "owner_tid": 0,
                                 "recursion": 0, "abandoned": False})
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
        self.assertEqual(result.stderr.decode(),
                         "filemap wait: Local\\go: timed out after 0 ms (ETIMEDOUT)\n")
        self.release(keeper)
        # A manual-reset event stays signalled for every wait.
        keeper = self.hold("Local\\open", "--type", "event", "--manual")
        self.ok("signal", "open")
        for _ in range(3):
            self.ok("wait", "open", "--timeout", "0")
        self.assertEqual(self.sync_state("open")["signaled"], True)
        self.release(keeper)
        self.assertStoreEmpty()

    def test_semaphore_defaults_are_the_python_modules(self):
        # One rule everywhere: a semaphore starts at 1 (threading.Semaphore)
        # and may go up to 2147483647 (Windows' limit).
        keeper = self.hold("Local\\dflt", "--type", "semaphore")
        self.assertEqual(self.sync_state("dflt"), {"signaled": True, "count": 1,
                                                   "maximum": 2147483647, "waiters": 0})
        self.release(keeper)
        self.assertStoreEmpty()

    def test_semaphore_counts(self):
        keeper = self.hold("Local\\slots", "--type", "semaphore", "--initial", "1",
                           "--maximum", "3")
        self.ok("signal", "slots")
        self.assertEqual(self.sync_state("slots")["count"], 2)
        result = self.expect(1, "signal", "slots", "--count", "2")
        self.assertIn("EOVERFLOW", result.stderr.decode())
        self.assertEqual(result.stderr.decode(), "filemap signal: Local\\slots: releasing 2 would "
                         "take the semaphore past its maximum: count 2, maximum 3 (EOVERFLOW); "
                         "nothing was released\n")
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
        for args, why in (
                (["signal", "sec"], "Local\\sec is a section (FM_ETYPE); only an event or a "
                 "semaphore can be signalled"),
                (["wait", "sec"], "Local\\sec is a section (FM_ETYPE); only a mutex, an event "
                 "or a semaphore can be waited on"),
                (["signal", "m"], "Local\\m is a mutex: only the thread that owns it can "
                 "release it, so it cannot be signalled (FM_ETYPE); `filemap wait --hold` holds "
                 "one for a script"),
                (["signal", "e", "--count", "2"], "Local\\e is an event: it is set or not, so "
                 "--count means nothing for it (EINVAL)"),
                (["wait", "e", "--hold"], "Local\\e is an event (FM_ETYPE); --hold keeps a mutex "
                 "locked; a wait takes an event or a semaphore for good")):
            result = self.expect(1, *args)
            self.assertEqual(result.stderr.decode(), "filemap %s: %s\n" % (args[0], why))
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
        with open(os.path.join(self.local_dir(), "sem"), "r+b") as f:
            f.seek(SEMAPHORE_COUNT_OFFSET)
            f.write(struct.pack("=I", 99))
        obj = self.find("sem")
        self.assertEqual((obj["type"], obj["corrupt"], obj["problem"]),
                         ("semaphore", True, "corrupt semaphore state: count above the maximum"))
        self.assertNotIn("sync", obj)
        self.assertEqual(self.ls_lines(), [
            row("Local", "semaphore", "-", "0600", owner_name(os.geteuid()), "corrupt",
                keeper.pid, "?", "sem")])
        self.assertEqual(self.stat_lines("sem"), [
            field("name", "Local\\sem"), field("file", self.local_path("sem")),
            field("type", "semaphore"),
            field("problem", "corrupt semaphore state: count above the maximum"),
            *self.created_lines("sem"),
            *self.tail_lines("0600", os.geteuid(), [keeper.pid],
                             "corrupt (never used; `filemap rm` removes it)")])
        for verb in ("signal", "wait"):
            result = self.expect(1, verb, "sem")
            self.assertEqual(result.stderr.decode(), "filemap %s: Local\\sem is corrupt: "
                             "corrupt semaphore state: count above the maximum (FM_ECORRUPT); "
                             "remove it with `filemap rm`, or with `filemap gc` once nobody "
                             "holds it\n" % verb)
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

    # -- limits -------------------------------------------------------------

    def test_descriptor_limit_is_said_as_such(self):
        self.make_local_dir()
        proc = self.hold("Global\\g", "1")

        def few_descriptors():
            # stdin, stdout, stderr and one more: the store root opens,
            # its directories cannot.
            resource.setrlimit(resource.RLIMIT_NOFILE, (4, 4))

        result = subprocess.run([TOOL, "ls"], env=self.env, capture_output=True,
                                timeout=TIMEOUT, preexec_fn=few_descriptors)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout.decode(), LS_HEADER + "\n")
        hint = "close some files or raise the limit (ulimit -n)"
        errors = result.stderr.decode().splitlines()
        first = ("filemap ls: cannot read the store root %s: too many open files in this "
                 "process (EMFILE); %s" % (self.root, hint) if os.geteuid() == 0 else
                 "filemap ls: cannot open store directory %s: too many open files in this "
                 "process (EMFILE); %s" % (self.local_dir(), hint))
        self.assertEqual(errors, [
            first,
            "filemap ls: cannot open store directory %s/global: too many open files in this "
            "process (EMFILE); %s" % (self.root, hint)])
        self.release(proc)
        self.assertStoreEmpty()

    # -- watch and cat --follow ---------------------------------------------

    def test_watch_into_a_pipe(self):
        procs = [self.hold("Local\\b", "2K"), self.hold("Global\\a", "--type", "event")]
        out = self.ok("watch", "--count", "2", "--interval", "50").decode()
        table = ["TYPE        SIZE STATE   HOLDERS          SYNC                  WAITERS NAME",
                 "event          - held    %-16d unsignaled,auto             0 Global\\a" %
                 procs[1].pid,
                 "section     2.0K held    %-16d -                           - Local\\b" %
                 procs[0].pid]
        self.assertEqual(out, "\n".join(table) + "\n\n" + "\n".join(table) + "\n\n")
        self.assertNotIn("\033", out)
        out = self.ok("watch", "Global\\*", "--count", "1", "--type", "event").decode()
        self.assertEqual(out, "\n".join([table[0], table[1]]) + "\n\n")
        for proc in procs:
            self.release(proc)
        self.assertStoreEmpty()

    def start_in_pty(self, *args, rows=24, cols=100):
        """Starts the tool on a pseudo-terminal of rows x cols; returns
        (pid, master fd)."""
        pid, master = pty.fork()
        if pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.execve(TOOL, [TOOL, *args], self.env)
            finally:
                os._exit(127)
        return pid, master

    def read_pty(self, master, until=None, seconds=TIMEOUT):
        """Reads the terminal until until appears (or the end); returns it."""
        out = b""
        deadline = time.monotonic() + seconds
        while until is None or until not in out:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([master], [], [], left)[0]:
                self.fail("timed out reading the terminal: %r" % out[-500:])
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the other side closed
                break
            if not data:
                break
            out += data
        return out

    def test_watch_on_a_terminal(self):
        keeper = self.hold("Local\\go", "--type", "event")
        section = self.hold("Local\\" + "long" * 50, "1")
        pid, master = self.start_in_pty("watch", "--interval", "100", "--count", "4")
        try:
            first = self.read_pty(master, b"\033[J")
            self.ok("signal", "go")
            rest = self.read_pty(master)
        finally:
            _, status = os.waitpid(pid, 0)
            os.close(master)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        # The alternate screen without a cursor, and both given back.
        self.assertTrue(first.startswith(b"\033[?1049h\033[?25l"))
        self.assertTrue(rest.endswith(b"\033[?25h\033[?1049l"))
        frames = (first + rest).split(b"\033[H")[2:]
        self.assertEqual(len(frames), 4)
        # In place: no frame clears the screen; each line clears its rest.
        for frame in frames:
            self.assertNotIn(b"\033[2J", frame)
            self.assertTrue(frame.rstrip(b"\033[?25h\033[?1049l").endswith(b"\033[K\033[J"))
            lines = frame.split(b"\r\n")
            self.assertTrue(lines[0].startswith(b"filemap watch: 2 objects, every 100 ms; "))
            for line in lines:
                plain = re_escapes(line)
                self.assertLessEqual(len(plain), 100, plain)  # cut to the width
        # Nothing is marked at first; the event's new state is, once.
        self.assertNotIn(b"\033[7m", frames[0])
        marked = [f for f in frames if b"\033[7msignaled,auto\033[m" in f]
        self.assertEqual(len(marked), 1, frames)
        self.assertNotIn(b"\033[7m", frames[-1])
        self.release(keeper)
        self.release(section)
        self.assertStoreEmpty()

    def test_watch_stopped_gives_the_terminal_back(self):
        pid, master = self.start_in_pty("watch", "--interval", "50", rows=5, cols=40)
        try:
            self.read_pty(master, b"\033[J")
            os.kill(pid, signal.SIGINT)
            rest = self.read_pty(master)
        finally:
            _, status = os.waitpid(pid, 0)
            os.close(master)
        self.assertEqual(os.waitstatus_to_exitcode(status), -signal.SIGINT)
        self.assertTrue(rest.endswith(b"\033[?25h\033[?1049l"))

    def test_watch_cuts_rows_to_the_terminal(self):
        procs = [self.hold("Local\\s%d" % i, "1") for i in range(5)]
        pid, master = self.start_in_pty("watch", "--count", "1", rows=6, cols=80)
        try:
            out = self.read_pty(master)
        finally:
            os.waitpid(pid, 0)
            os.close(master)
        lines = re_escapes(out.split(b"\033[H")[2]).split("\r\n")
        self.assertEqual(len(lines), 6)
        self.assertEqual(lines[-1], "... and 3 more: narrow the view with a PATTERN")
        for proc in procs:
            self.release(proc)
        self.assertStoreEmpty()

    def test_cat_follow(self):
        proc = self.hold("Local\\status", "64")
        self.ok("write", "status", data=b"state: starting")
        follower = self.start("cat", "status", "--follow", "--length", "16", "--interval", "20")
        self.assertEqual(follower.stdout.read(16), b"state: starting\0")
        self.ok("write", "status", data=b"state: running ")
        self.assertEqual(follower.stdout.read(16), b"state: running \0")
        # While it follows, it holds the section, as any reader does.
        self.assertIn(follower.pid, self.find("status")["holders"])
        self.release(follower, -signal.SIGTERM)
        hexer = self.start("cat", "status", "--follow", "--hex", "--offset", "7",
                           "--length", "7", "--interval", "20")
        self.assertEqual(hexer.stdout.readline(), b"00000007  72 75 6e 6e 69 6e 67" + b" " * 30 +
                         b"|running|\n")
        self.assertEqual(hexer.stdout.readline(), b"0000000e\n")
        self.ok("write", "status", "--offset", "7", data=b"stopped")
        self.assertEqual(hexer.stdout.readline(), b"\n")
        self.assertEqual(hexer.stdout.readline(), b"00000007  73 74 6f 70 70 65 64" + b" " * 30 +
                         b"|stopped|\n")
        self.release(hexer, -signal.SIGTERM)
        self.release(proc)
        big = self.hold("Local\\big", "17M")
        result = self.expect(1, "cat", "big", "--follow")
        self.assertEqual(result.stderr.decode(), "filemap cat: Local\\big: --follow keeps a copy "
                         "of what it shows, at most 16 MiB, not 17825792 bytes (EFBIG); choose "
                         "a part with --offset and --length\n")
        self.release(big)
        self.assertStoreEmpty()

    # -- shell completions --------------------------------------------------

    COMPLETIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools",
                               "filemap", "completions")

    def complete(self, shell, script, *words):
        """What the completion for shell offers for words (the last one
        being completed), one candidate a line."""
        env = dict(self.env, PATH=os.path.dirname(TOOL) + ":" + os.environ["PATH"])
        result = subprocess.run([shell, *script, *words], env=env, capture_output=True,
                                timeout=TIMEOUT)
        self.assertEqual(result.stderr, b"")
        return result.stdout.decode().splitlines()

    @unittest.skipUnless(shutil.which("bash"), "needs bash")
    def test_bash_completion(self):
        script = ["-c", 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _filemap; '
                  '((${#COMPREPLY[@]} == 0)) || printf "%s\\n" "${COMPREPLY[@]}"',
                  os.path.join(self.COMPLETIONS, "filemap.bash")]
        procs = [self.hold("Local\\job one", "1"), self.hold("Global\\g", "1")]
        self.assertEqual(self.complete("bash", script, "filemap", "w"), ["watch", "write", "wait"])
        self.assertEqual(sorted(self.complete("bash", script, "filemap", "cat", "")),
                         sorted(["Local\\\\job\\ one", "job\\ one", "Global\\\\g"]))
        self.assertEqual(self.complete("bash", script, "filemap", "stat", "j"), ["job\\ one"])
        self.assertEqual(self.complete("bash", script, "filemap", "ls", "--n"),
                         ["--names", "--namespace"])
        self.assertEqual(self.complete("bash", script, "filemap", "ls", "--type", "s"),
                         ["section", "semaphore"])
        self.assertEqual(self.complete("bash", script, "filemap", "help", "st"), ["stat"])
        self.assertEqual(self.complete("bash", script, "filemap", "gc", ""), [])
        for proc in procs:
            self.release(proc)
        self.assertStoreEmpty()

    @unittest.skipUnless(shutil.which("zsh"), "needs zsh")
    def test_zsh_completion(self):
        # compadd and _files stand in for zsh's completion system: they
        # print what they are given.
        script = ["-f", "-c", 'compadd() { while [[ $1 == -* ]]; do [[ $1 == -- ]] && '
                  '{ shift; break }; shift; done; print -rl -- "$@" }; '
                  '_files() { print files }; fpath=($0 $fpath); autoload -Uz _filemap; '
                  'words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}; _filemap',
                  self.COMPLETIONS]
        procs = [self.hold("Local\\job one", "1")]
        self.assertIn("watch", self.complete("zsh", script, "filemap", ""))
        self.assertEqual(sorted(self.complete("zsh", script, "filemap", "cat", "")),
                         ["Local\\job one", "job one"])
        self.assertEqual(self.complete("zsh", script, "filemap", "ls", "--n"),
                         ["--human", "--json", "--names", "--namespace", "--type"])
        self.assertEqual(self.complete("zsh", script, "filemap", "ls", "--namespace", ""),
                         ["Local", "Global"])
        self.assertEqual(self.complete("zsh", script, "filemap", "create", "x", "--file", ""),
                         ["files"])
        for proc in procs:
            self.release(proc)
        self.assertStoreEmpty()

    # -- the manual ---------------------------------------------------------

    def manual_examples(self):
        """The EXAMPLES blocks of filemap.1, as the reader sees them."""
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "man",
                            "filemap.1")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        blocks = re.findall(r"^\.EX\n(.*?)^\.EE$", text.split(".SH EXAMPLES")[1], re.S | re.M)
        plain = []
        for block in blocks:
            block = re.sub(r"\\f[BPIR]", "", block)
            for groff, char in (("\\(aq", "'"), ("\\(ga", "`"), ("\\e", "\\"),
                                ("\\-", "-"), ("\\&", "")):
                block = block.replace(groff, char)
            plain.append(block.splitlines())
        return plain

    def normalise(self, text, pids):
        """The tool's output as the manual shows it: its pids, alice's
        store, no time."""
        me = owner_name(os.geteuid())
        for actual, shown in pids.items():
            # The padding after a pid in a column keeps the column's width;
            # one space in a sentence stays one.
            width = len(str(actual))
            text = re.sub(r"\b%d\b( *)" % actual,
                          lambda m: str(shown) + (" " * (width + len(m.group(1)) -
                                                         len(str(shown)))
                                                  if len(m.group(1)) > 1 else m.group(1)),
                          text)
        text = text.replace("%-10s" % me, "%-10s" % "alice")
        text = text.replace("owner:      %s (uid %d)" % (me, os.geteuid()),
                            "owner:      alice (uid 1000)")
        text = text.replace(self.root, "/dev/shm/filemap")
        text = text.replace("local-%d" % os.geteuid(), "local-1000")
        text = text.replace("by uid %d," % os.geteuid(), "by uid 1000,")
        return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", "TIME", text)

    def run_example(self, lines):
        """Runs the commands of one example block and checks that each
        prints what the manual says it does."""
        env = dict(self.env, PATH=os.path.dirname(TOOL) + ":" + os.environ["PATH"])
        pids, background, i = {}, [], 0
        while i < len(lines):
            command = lines[i][2:]
            i += 1
            expected = []
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}", "TIME",
                                       lines[i]))
                i += 1
            if command.startswith("kill %"):
                self.release(background[int(command[6:]) - 1])
                continue
            if command.endswith("&"):
                proc = subprocess.Popen(["bash", "-c", "exec " + command[:-1]], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                self.holders.append(proc)
                background.append(proc)
                line = proc.stdout.readline().decode().rstrip("\n")
                shown = int(re.search(r"pid (\d+)", expected[0]).group(1))
                pids[proc.pid] = shown
                self.assertEqual([self.normalise(line, pids)], expected, command)
                continue
            result = subprocess.run(["bash", "-c", command], env=env, capture_output=True,
                                    timeout=TIMEOUT)
            self.assertEqual(result.stderr, b"", command)
            self.assertEqual(self.normalise(result.stdout.decode(), pids).splitlines(),
                             expected, command)
        for proc in background:
            if proc.poll() is None:
                self.release(proc)

    def test_manual_examples_are_the_tools_output(self):
        examples = self.manual_examples()
        self.run_example(examples[0])
        self.run_example(examples[1])
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
        self.assertEqual(self.stat_lines("Global\\secret", as_user=NOBODY), [
            field("name", "Global\\secret"),
            field("file", os.path.join(self.root, "global", "secret")),
            field("type", "?"), field("problem", "permission denied by the object's mode"),
            *self.tail_lines("0600", 0, [secret.pid])])
        self.assertEqual(self.ls_lines("secret", as_user=NOBODY), [
            row("Global", "?", "?", "0600", owner_name(0), "held", secret.pid, "?", "secret")])
        result = self.expect(1, "cat", "Global\\secret", as_user=NOBODY)
        self.assertEqual(result.stderr.decode(), "filemap cat: Global\\secret: permission "
                         "denied by the object's mode (EACCES); check the object's owner and "
                         "mode with `filemap stat`\n")
        self.assertEqual(self.ok("cat", "Global\\shared", as_user=NOBODY), bytes(100))
        result = self.expect(1, "rm", "Global\\secret", as_user=NOBODY)
        self.assertEqual(result.stderr.decode(), "filemap rm: Global\\secret: cannot remove it: "
                         "it belongs to uid 0 (EPERM); run `filemap rm` as that user or root\n")
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
                                          "state": "present", "file_size": 13})
        self.assertEqual(self.ls_lines(), [
            row("Local", "section", "13", "0600", owner_name(os.geteuid()), "held", proc.pid,
                "-", "fs -> " + path)])
        self.assertEqual(self.stat_lines("fs"), [
            field("name", "Local\\fs"), field("file", self.local_path("fs")),
            field("type", "section"), field("size", "13 bytes"),
            field("access", "read, write (the most any handle or view may have)"),
            field("memory", "the backing file's (below)"),
            *self.created_lines("fs"),
            field("backing", path + " (the section's data; rm and gc never touch it)"),
            field("file id", "device %d:%d, inode %d" % (os.major(st.st_dev),
                                                         os.minor(st.st_dev), st.st_ino)),
            field("file state", "present, 13 bytes"),
            *self.tail_lines("0600", os.geteuid(), [proc.pid])])
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
        self.assertTrue(self.ls_lines()[0].endswith(" fs -> %s (missing)" % path))
        self.assertIn(field("file state", "missing: opening the name fails (ESTALE)"),
                      self.stat_lines("fs"))
        result = self.expect(1, "cat", "fs")
        self.assertIn("ESTALE", result.stderr.decode())
        self.assertIn(path, result.stderr.decode())
        self.make_data_file("data", b"y" * 100)
        self.assertEqual(self.find("fs")["backing"]["state"], "replaced")
        self.assertIn(field("file state", "replaced by another file: opening the name fails "
                            "(ESTALE)"), self.stat_lines("fs"))
        os.replace(path + ".moved", path)
        os.truncate(path, 10)
        self.assertEqual(self.find("fs")["backing"]["state"], "truncated")
        self.assertIn(field("file state", "truncated to 10 bytes: opening the name fails "
                            "(ESTALE)"), self.stat_lines("fs"))
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

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_filemap.py - tests of the filemap Python module (python/).

Run by ctest with PYTHONPATH pointing at the built package, with the same
interpreter the module was built for.  Every case uses its own private
store (FILEMAP_ROOT in a fresh directory under /dev/shm) and ends by
checking that the store is empty.  Where a promise concerns processes, the
other process is real: this file re-run as a helper child
(`test_filemap.py --child NAME ARGS...`), or a multiprocessing spawn child.
Standard library only (unittest); the numpy case skips without numpy.
"""

import asyncio
import ctypes
import gc
import multiprocessing
import os
import pickle
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import filemap

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples", "python")
TIMEOUT = 30


# ---------------------------------------------------------------------------
# Helper children: `test_filemap.py --child NAME ARGS...`.  Each prints
# "ready" once it holds what the test needs, then does its part.
# ---------------------------------------------------------------------------

def child_hold_section(name, size, message):
    """Creates a section, writes message, holds it until stdin closes."""
    section = filemap.create(name, int(size))
    with section.map() as view, memoryview(view) as buf:
        buf[:len(message)] = message.encode()
    print("ready", flush=True)
    sys.stdin.read()
    section.close()


def child_shm_create(name, size):
    """Creates a SharedMemory, writes into it, then sleeps (to be killed)."""
    shm = filemap.SharedMemory(name, create=True, size=int(size))
    shm.buf[:5] = b"alive"
    print("ready", flush=True)
    time.sleep(TIMEOUT)


def child_shm_attach(name):
    """Attaches to a SharedMemory, writes its size and exits (closing or not)."""
    shm = filemap.SharedMemory(name)
    shm.buf[:8] = struct.pack("<Q", shm.size)
    print("ready", flush=True)
    # Exits without close(): the claim goes with the process.


def child_count(section_name, mutex_name, rounds):
    """Increments a shared counter rounds times under the mutex, slowly."""
    mutex = filemap.Mutex(mutex_name)
    with filemap.open(section_name) as section, section.map() as view, \
            memoryview(view) as buf:
        for _ in range(int(rounds)):
            with mutex:
                (value,) = struct.unpack_from("<Q", buf, 0)
                time.sleep(0)  # widen the window a lost update would need
                struct.pack_into("<Q", buf, 0, value + 1)
    mutex.close()


def child_abandon(mutex_name):
    """Takes the mutex and dies holding it."""
    mutex = filemap.Mutex(mutex_name)
    mutex.acquire()
    print("ready", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def child_hold_mutex(mutex_name):
    """Holds the mutex until stdin closes."""
    mutex = filemap.Mutex(mutex_name)
    mutex.acquire()
    print("ready", flush=True)
    sys.stdin.read()
    mutex.release()
    mutex.close()


def child_blocked_wait(kind, name):
    """Blocks in a wait that nothing will satisfy, until Ctrl-C."""
    if kind == "event":
        obj = filemap.Event(name)
        wait = obj.wait
    elif kind == "mutex":
        obj = filemap.Mutex(name)
        wait = obj.acquire
    else:
        obj = filemap.Event(name)
        wait = lambda: filemap.wait_any([obj, obj])  # noqa: E731
    print("ready", flush=True)
    try:
        result = wait()
        print("returned", result, flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    obj.close()


def child_consume(event_name, section_name, count):
    """Waits for count items announced by an auto-reset event; sums them."""
    event = filemap.Event(event_name)
    ack = filemap.Event(event_name + "-ack")
    total = 0
    with filemap.open(section_name, "r") as section, section.map() as view, \
            memoryview(view) as buf:
        print("ready", flush=True)
        for _ in range(int(count)):
            if not event.wait(TIMEOUT):
                print("timeout", flush=True)
                return
            total += struct.unpack_from("<Q", buf, 0)[0]
            ack.set()
    print("total", total, flush=True)
    event.close()
    ack.close()


CHILDREN = {f.__name__[len("child_"):]: f for f in (
    child_hold_section, child_shm_create, child_shm_attach, child_count,
    child_abandon, child_hold_mutex, child_blocked_wait, child_consume)}


def spawn_write(shm, offset, data):
    """multiprocessing target: writes into a SharedMemory passed by pickle."""
    shm.buf[offset:offset + len(data)] = data
    shm.close()


def spawn_work(section, mutex, event, semaphore, text):
    """multiprocessing target: every handle came by pickle.  Writes text into
    the section under the mutex, releases the semaphore, sets the event."""
    with mutex, section.map() as view, memoryview(view) as buf:
        buf[:len(text)] = text
    semaphore.release()
    event.set()
    for handle in (section, mutex, event, semaphore):
        handle.close()


# ---------------------------------------------------------------------------
# The harness
# ---------------------------------------------------------------------------

class Case(unittest.TestCase):
    """A private store per test, checked empty at the end; helper children."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(dir="/dev/shm", prefix="filemap-py-")
        self.root = os.path.join(self.tmp, "root")
        self.saved_root = os.environ.get("FILEMAP_ROOT")
        os.environ["FILEMAP_ROOT"] = self.root
        self.children = []
        self.addCleanup(self.cleanup)

    def cleanup(self):
        for proc in self.children:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for f in (proc.stdin, proc.stdout):
                if f:
                    f.close()
        gc.collect()
        try:
            self.assertEqual(self.store(), [], "the store is not empty")
        finally:
            if self.saved_root is None:
                del os.environ["FILEMAP_ROOT"]
            else:
                os.environ["FILEMAP_ROOT"] = self.saved_root
            shutil.rmtree(self.tmp, ignore_errors=True)

    def store(self):
        """Every object file in the store."""
        found = []
        for dirpath, _, files in os.walk(self.root):
            found += [os.path.join(dirpath, f) for f in files]
        return found

    def child(self, name, *args):
        """Starts a helper child; returns it once it has printed "ready"."""
        proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--child", name, *map(str, args)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.children.append(proc)
        line = proc.stdout.readline()
        self.assertEqual(line, "ready\n", f"child {name} did not get ready")
        return proc

    def finish(self, proc):
        """Closes the child's stdin and returns the rest of its output."""
        out, _ = proc.communicate(timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, out)
        return out

    def run_child(self, name, *args):
        """Runs a helper child to its end; returns its output."""
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--child", name, *map(str, args)],
            stdout=subprocess.PIPE, text=True, timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        return proc.stdout


def mapped(address):
    """True if address is inside some mapping of this process."""
    with open("/proc/self/maps") as f:
        for line in f:
            start, end = (int(x, 16) for x in line.split()[0].split("-"))
            if start <= address < end:
                return True
    return False


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

class ErrorTest(Case):
    def test_every_code_has_an_exception(self):
        expected = {
            "ENOENT": FileNotFoundError, "EACCES": PermissionError,
            "EPERM": PermissionError, "EEXIST": FileExistsError,
            "ETIMEDOUT": TimeoutError, "EINVAL": ValueError, "FM_ENAME": ValueError,
            "ENAMETOOLONG": ValueError, "ERANGE": ValueError, "EOVERFLOW": ValueError,
            "EFBIG": ValueError,
        }
        table = filemap._filemap._error_table()
        self.assertIn("FM_ETYPE", [name for _, name, _ in table])
        for code, name, cls in table:
            if code < 0:
                self.assertIs(cls, expected.get(name, filemap.Error), name)
        self.assertTrue(issubclass(filemap.Error, OSError))

    def test_exception_carries_code_and_names_the_object(self):
        with self.assertRaises(FileNotFoundError) as cm:
            filemap.open("Local\\missing")
        e = cm.exception
        self.assertEqual(e.errno, 2)
        self.assertEqual(e.errname, "ENOENT")
        self.assertEqual(e.code, -2)
        self.assertEqual(e.filename, "Local\\missing")
        self.assertIn(repr("Local\\missing"), str(e))

    def test_library_codes_raise_filemap_error(self):
        with filemap.create("taken", 16):
            with self.assertRaises(filemap.Error) as cm:
                filemap.Mutex("taken")
            e = cm.exception
            self.assertEqual(e.errname, "FM_ETYPE")
            self.assertIsNone(e.errno)
            self.assertEqual(e.filename, "Local\\taken")
            self.assertEqual(e.strerror, "the name belongs to an object of another type")
            self.assertEqual(str(e), "[FM_ETYPE] the name belongs to an object of another "
                             "type: 'Local\\\\taken'")

    def test_filename_and_reason_in_words(self):
        with self.assertRaises(FileNotFoundError) as cm:
            filemap.open("missing")
        e = cm.exception
        self.assertEqual((e.errno, e.filename, e.strerror),
                         (2, "Local\\missing", "no object of that name"))
        self.assertEqual(str(e), "[Errno 2] no object of that name: 'Local\\\\missing'")
        with filemap.create("Global\\ro", 16, access="r"):
            with self.assertRaises(PermissionError) as cm:
                filemap.open("Global\\ro", "rw")
            self.assertEqual((cm.exception.filename, cm.exception.strerror),
                             ("Global\\ro", 'access "rw" exceeds the section\'s "r"'))
            with filemap.open("Global\\ro", "r") as s, self.assertRaises(PermissionError) as cm:
                s.map(access="rw")
            self.assertEqual(cm.exception.strerror, 'view access "rw" exceeds the handle\'s "r"')
        long_name = "x" * 300
        with self.assertRaises(FileNotFoundError) as cm:
            filemap.Event(long_name)
        self.assertEqual((cm.exception.filename, cm.exception.strerror),
                         ("Local\\" + long_name, "no object of that name"))
        with self.assertRaises(ValueError) as cm:
            filemap.create("local\\x", 1)
        self.assertEqual(str(cm.exception), "malformed name (empty, bad prefix, backslash after "
                         "the prefix, or not UTF-8): 'local\\\\x'")
        self.assertNotIn("fm_section_create", str(cm.exception))
        with self.assertRaises(FileExistsError) as cm:
            with filemap.SharedMemory("shm", create=True, size=1):
                filemap.SharedMemory("shm", create=True, size=1)
        self.assertEqual(cm.exception.filename, "shm")



# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------

class SectionTest(Case):
    def test_create_open_and_attributes(self):
        with filemap.create("Local\\s", 1000) as s:
            self.assertEqual((s.name, s.size, s.access, s.existed, s.closed),
                             ("Local\\s", 1000, "rw", False, False))
            with filemap.open("s", "r") as t:
                self.assertEqual((t.name, t.size, t.access), ("Local\\s", 1000, "r"))
            again = filemap.create("s", 5)
            self.assertTrue(again.existed)
            self.assertEqual(again.size, 1000)
            again.close()
            self.assertIn("Local\\\\s", repr(s))
        self.assertTrue(s.closed)
        self.assertEqual(repr(s), "<filemap.Section closed>")
        with self.assertRaises(FileNotFoundError):
            filemap.open("s")

    def test_unnamed_reserve_and_mode(self):
        with filemap.create(None, 4096, reserve=True) as s:
            self.assertIsNone(s.name)
            self.assertEqual(self.store(), [])
        with filemap.create("m", 10, mode=0o640):
            (path,) = self.store()
            # The mode is the object's, kept in its header (the uint32 at
            # byte 80, src/internal.h); the store file itself is its owner's.
            with open(path, "rb") as f:
                self.assertEqual(struct.unpack_from("=I", f.read(84), 80)[0], 0o640)
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)

    def test_read_only_section_refuses_write(self):
        with filemap.create("ro", 10, access="r") as s:
            self.assertEqual(s.access, "r")
            with self.assertRaises(PermissionError):
                filemap.open("ro", "rw")
            with self.assertRaises(PermissionError):
                s.map(access="rw")

    def test_bad_input(self):
        for args, exc in [
            (("x", -1), ValueError), (("x", 0), ValueError), (("x", 2**64), ValueError),
            (("x", 1.5), TypeError), (("x", "10"), TypeError), ((b"x", 10), TypeError),
            ((3, 10), TypeError), (("a\0b", 10), ValueError), (("", 10), ValueError),
            (("local\\x", 10), ValueError), (("Local\\a\\b", 10), ValueError),
        ]:
            with self.subTest(args=args), self.assertRaises(exc):
                filemap.create(*args)
        for access in ["", "q", "rr", "c", "W", 1]:
            with self.subTest(access=access), \
                    self.assertRaises(TypeError if access == 1 else ValueError):
                filemap.create("x", 10, access=access)
        with self.assertRaises(ValueError):
            filemap.create("x", 10, mode=0o1777)
        with self.assertRaises(TypeError):
            filemap.open(None)
        with self.assertRaises(ValueError):
            filemap.create("x" * 40000, 10)
        with self.assertRaises(TypeError):
            filemap.Section()

    def test_closed_section(self):
        s = filemap.create("c", 10)
        s.close()
        s.close()
        for op in (lambda: s.map(), lambda: s.size, lambda: s.name, lambda: s.access):
            with self.assertRaisesRegex(ValueError, "closed section"):
                op()


# ---------------------------------------------------------------------------
# Views and the buffer protocol
# ---------------------------------------------------------------------------

class ViewTest(Case):
    def test_views_are_coherent(self):
        with filemap.create("v", 3 * filemap.page_size() + 10) as s:
            a, b = s.map(), s.map(filemap.page_size())
            with memoryview(a) as ma, memoryview(b) as mb:
                self.assertEqual((len(ma), len(mb)), (s.size, s.size - filemap.page_size()))
                ma[filemap.page_size():filemap.page_size() + 3] = b"abc"
                self.assertEqual(bytes(mb[:3]), b"abc")
                self.assertEqual(bytes(ma[-10:]), bytes(10))
            self.assertEqual((len(b), b.offset, b.access, b.readonly), (s.size - 4096, 4096, "rw", False))
            a.close()
            b.close()

    def test_read_only_view_refuses_writes(self):
        with filemap.create("r", 100) as s, s.map(access="r") as v:
            self.assertTrue(v.readonly)
            with memoryview(v) as m:
                self.assertTrue(m.readonly)
                with self.assertRaises(TypeError):
                    m[0] = 1
                with self.assertRaises(TypeError):
                    m.cast("Q")[0] = 1
            self.assertEqual(bytearray(v)[:1], b"\0")
            with self.assertRaises(TypeError):
                ctypes.c_char.from_buffer(v)  # needs a writable buffer

    def test_copy_on_write_stays_private(self):
        with filemap.create("cow", 100) as s, s.map() as shared, s.map(access="c") as cow:
            self.assertEqual(cow.access, "c")
            with memoryview(shared) as m, memoryview(cow) as c:
                m[0:1] = b"A"
                self.assertEqual(c[0:1], b"A")
                c[0:1] = b"B"
                self.assertEqual(m[0:1], b"A")

    def test_close_with_exports_is_buffer_error(self):
        with filemap.create("e", 100) as s:
            v = s.map()
            m = memoryview(v)
            m2 = m[10:20]
            with self.assertRaises(BufferError):
                v.close()
            m.release()
            with self.assertRaises(BufferError):
                v.close()  # m2 holds the buffer still
            m2.release()
            v.close()
            v.close()
            self.assertTrue(v.closed)
            with self.assertRaisesRegex(ValueError, "closed view"):
                memoryview(v)
            with self.assertRaises(ValueError):
                len(v)

    def test_view_outlives_section_and_unmaps_when_collected(self):
        s = filemap.create("g", 100)
        v = s.map()
        s.close()  # the view keeps the memory, not the name
        with self.assertRaises(FileNotFoundError):
            filemap.open("g")
        m = memoryview(v)
        m[:2] = b"ok"
        address = v.address
        del v
        gc.collect()
        self.assertTrue(mapped(address), "unmapped while a memoryview lives")
        self.assertEqual(m[:2], b"ok")
        m.release()
        self.assertFalse(mapped(address), "not unmapped with its last buffer")

    def test_bad_map_arguments(self):
        with filemap.create("b", 100) as s:
            for kwargs, exc in [
                ({"offset": 1}, ValueError), ({"offset": 4096}, ValueError),
                ({"offset": -4096}, ValueError), ({"length": 101}, ValueError),
                ({"length": -1}, ValueError), ({"offset": "0"}, TypeError),
                ({"access": "cc"}, ValueError), ({"access": "wc"}, ValueError),
                ({"access": None, "bogus": 1}, TypeError),
            ]:
                with self.subTest(kwargs=kwargs), self.assertRaises(exc):
                    s.map(**kwargs)

    def test_numpy(self):
        try:
            import numpy
        except ImportError:
            self.skipTest("numpy is not installed")
        with filemap.create("np", 80) as s, s.map() as v:
            a = numpy.frombuffer(v, dtype=numpy.int64)
            a[:] = numpy.arange(10)
            with memoryview(v) as m:
                self.assertEqual(struct.unpack_from("<q", m, 72)[0], 9)
            # Another process's array over the same section sees it.
            with filemap.open("np", "r") as other, other.map() as w:
                b = numpy.frombuffer(w, dtype=numpy.int64)
                self.assertFalse(b.flags.writeable)
                self.assertEqual(b.tolist(), list(range(10)))
                del b
            # The array holds the view's buffer: the view stays mapped.
            with self.assertRaises(BufferError):
                v.close()
            del a


# ---------------------------------------------------------------------------
# map_section and the two-process scenario
# ---------------------------------------------------------------------------

class MapSectionTest(Case):
    def test_two_processes(self):
        proc = self.child("hold_section", "Local\\two", 1000, "Message from first process")
        buf = filemap.map_section("Local\\two")
        self.assertEqual(len(buf), 1000)
        self.assertTrue(buf.readonly)
        self.assertEqual(bytes(buf[:26]), b"Message from first process")
        with self.assertRaises(TypeError):
            buf[0] = 0
        self.finish(proc)
        # The memoryview holds the section: the name lives until it goes.
        self.assertEqual(filemap.map_section("two").nbytes, 1000)
        buf.release()
        with self.assertRaises(FileNotFoundError):
            filemap.map_section("two")

    def test_modes(self):
        with filemap.create("m", 10) as s:
            for mode in ("w", "rw", "wr"):
                with filemap.map_section("m", mode) as buf:
                    self.assertFalse(buf.readonly)
                    buf[0] = ord(mode[0])
            with s.map() as v, memoryview(v) as m:
                self.assertEqual(m[0], ord("w"))
            for mode in ("", "x", "rwx", "a", "c", "R"):
                with self.subTest(mode=mode), self.assertRaisesRegex(ValueError, "invalid mode"):
                    filemap.map_section("m", mode)
        with self.assertRaises(TypeError):
            filemap.map_section(b"m")
        with self.assertRaises(FileNotFoundError):
            filemap.map_section("m")

    def test_mapping_goes_with_the_memoryview(self):
        with filemap.create("gone", 10):
            buf = filemap.map_section("gone", "w")
            cell = ctypes.c_char.from_buffer(buf)
            address = ctypes.addressof(cell)
            del cell
            self.assertTrue(mapped(address))
            buf.release()
            self.assertFalse(mapped(address))

    def test_examples(self):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        out = subprocess.run([sys.executable, os.path.join(EXAMPLES, "first_process.py")],
                             env=env, stdout=subprocess.PIPE, text=True, timeout=TIMEOUT)
        self.assertEqual(out.returncode, 0, out.stdout)
        self.assertIn('256 bytes, message "Message from first process"', out.stdout)
        self.assertIn("no such name", out.stdout)
        out = subprocess.run([sys.executable, os.path.join(EXAMPLES, "producer_consumer.py")],
                             env=env, stdout=subprocess.PIPE, text=True, timeout=TIMEOUT)
        self.assertEqual(out.returncode, 0, out.stdout)
        self.assertIn("consumer: got 'third'", out.stdout)
        self.assertIn("consumer: done", out.stdout)


# ---------------------------------------------------------------------------
# SharedMemory
# ---------------------------------------------------------------------------

class SharedMemoryTest(Case):
    def test_interface(self):
        shm = filemap.SharedMemory(create=True, size=1000)
        self.assertEqual(shm.size, 1000)
        self.assertEqual(len(shm.buf), 1000)
        self.assertFalse(shm.name.startswith("/"))
        with self.assertRaises(FileExistsError):
            filemap.SharedMemory(shm.name, create=True, size=10)
        other = filemap.SharedMemory(shm.name)
        other.buf[:3] = b"abc"
        self.assertEqual(bytes(shm.buf[:3]), b"abc")
        self.assertEqual(other.size, 1000)
        self.assertIn(repr(shm.name), repr(other))
        other.close()
        other.close()
        self.assertIsNone(other.buf)
        shm.unlink()  # drops the claim: the name goes, the memory stays
        with self.assertRaises(FileNotFoundError):
            filemap.SharedMemory(shm.name)
        shm.buf[0] = 1
        shm.close()
        for args, exc in [((None, False), ValueError), (("x", True, 0), ValueError),
                          (("x", True, -1), ValueError), ((5, True, 10), TypeError)]:
            with self.subTest(args=args), self.assertRaises(exc):
                filemap.SharedMemory(*args)

    def test_close_with_exports_is_buffer_error(self):
        with filemap.SharedMemory("x", create=True, size=10) as shm:
            part = shm.buf[2:4]
            with self.assertRaises(BufferError):
                shm.close()
            part.release()

    def test_track_is_accepted(self):
        # Python 3.13's keyword: there is no tracker to turn off.
        for track in (True, False):
            shm = filemap.SharedMemory("t", create=True, size=10, track=track)
            other = filemap.SharedMemory("t", track=track)
            other.close()
            shm.close()
        with self.assertRaises(TypeError):
            filemap.SharedMemory("t", True, 10, False)  # keyword only, as in 3.13

    def test_manager(self):
        with filemap.SharedMemoryManager() as smm:
            kept = smm.SharedMemory(64)
            gone = smm.SharedMemory(32)
            self.assertIsInstance(kept, filemap.SharedMemory)
            self.assertEqual((kept.size, gone.size), (64, 32))
            kept.buf[:3] = b"abc"
            again = filemap.SharedMemory(kept.name)
            self.assertEqual(bytes(again.buf[:3]), b"abc")
            again.close()
            # Windows' lifetime: the last holder's close takes the block; the
            # manager does not keep it.
            name = gone.name
            gone.close()
            with self.assertRaises(FileNotFoundError):
                filemap.SharedMemory(name)
            with self.assertRaises(NotImplementedError):
                smm.ShareableList([1, 2])
        # Shutdown did not fail on the gone block, nor destroy the kept one.
        self.assertEqual(bytes(kept.buf[:3]), b"abc")
        kept.close()

    def test_pickle_attaches_by_name(self):
        shm = filemap.SharedMemory("p", create=True, size=64)
        copy = pickle.loads(pickle.dumps(shm))
        self.assertEqual((copy.name, copy.size), ("p", 64))
        copy.buf[0] = 7
        self.assertEqual(shm.buf[0], 7)
        copy.close()
        shm.close()
        with self.assertRaises(FileNotFoundError):
            pickle.loads(pickle.dumps(shm))

    def test_spawned_process_uses_it(self):
        shm = filemap.SharedMemory(create=True, size=100)
        ctx = multiprocessing.get_context("spawn")
        proc = ctx.Process(target=spawn_write, args=(shm, 10, b"spawned"))
        proc.start()
        proc.join(TIMEOUT)
        self.assertEqual(proc.exitcode, 0)
        self.assertEqual(bytes(shm.buf[10:17]), b"spawned")
        shm.close()

    def test_attacher_exiting_does_not_destroy_it(self):
        shm = filemap.SharedMemory("keep", create=True, size=5000)
        self.assertIn("ready", self.run_child("shm_attach", "keep"))
        self.assertEqual(struct.unpack_from("<Q", shm.buf, 0)[0], 5000)
        again = filemap.SharedMemory("keep")
        self.assertEqual(again.size, 5000)
        again.close()
        shm.close()

    def test_creator_killed_then_attacher_closes_leaves_nothing(self):
        proc = self.child("shm_create", "crash", 300)
        shm = filemap.SharedMemory("crash")
        self.assertEqual((shm.size, bytes(shm.buf[:5])), (300, b"alive"))
        proc.kill()
        proc.wait()
        shm.buf[:4] = b"mine"  # still ours, and the name is still held
        filemap.SharedMemory("crash").close()
        shm.close()
        self.assertEqual(self.store(), [])
        with self.assertRaises(FileNotFoundError):
            filemap.SharedMemory("crash")


# ---------------------------------------------------------------------------
# Mutex
# ---------------------------------------------------------------------------

class MutexTest(Case):
    def test_threading_shape(self):
        m = filemap.Mutex("m", create=True)
        self.assertFalse(m.existed)
        self.assertEqual(m.name, "Local\\m")
        self.assertTrue(m.acquire())
        self.assertTrue(m.acquire(False))  # recursive
        self.assertTrue(m.locked())
        m.release()
        m.release()
        self.assertFalse(m.locked())
        with self.assertRaisesRegex(RuntimeError, "un-acquired"):
            m.release()
        with m as got:
            self.assertTrue(got)
            self.assertTrue(m.locked())
        self.assertFalse(m.locked())
        with self.assertRaises(ValueError):
            m.acquire(False, 1)
        with self.assertRaises(ValueError):
            m.acquire(timeout=-2)
        with self.assertRaises(TypeError):
            m.acquire(timeout="1")
        self.assertTrue(m.acquire(True, -1))
        m.release()
        n = filemap.Mutex("m", create=True)
        self.assertTrue(n.existed)
        n.close()
        m.close()
        with self.assertRaisesRegex(ValueError, "closed"):
            m.acquire()
        with self.assertRaises(FileNotFoundError):
            filemap.Mutex("m")

    def test_owned_per_thread(self):
        m = filemap.Mutex(initial_owner=True)
        self.assertIsNone(m.name)
        result = []
        t = threading.Thread(target=lambda: result.append(m.acquire(timeout=0.1)))
        t.start()
        t.join()
        self.assertEqual(result, [False])
        m.release()
        m.close()

    def test_contention_across_processes_counts_exactly(self):
        rounds, workers = 300, 4
        with filemap.create("counter", 8) as s, s.map() as v:
            m = filemap.Mutex("lock", create=True)
            procs = [subprocess.Popen([sys.executable, os.path.abspath(__file__), "--child",
                                       "count", "counter", "lock", str(rounds)])
                     for _ in range(workers)]
            self.children += procs
            for _ in range(rounds):
                with m, memoryview(v) as buf:
                    (value,) = struct.unpack_from("<Q", buf, 0)
                    struct.pack_into("<Q", buf, 0, value + 1)
            for p in procs:
                self.assertEqual(p.wait(TIMEOUT), 0)
            with memoryview(v) as buf:
                self.assertEqual(struct.unpack_from("<Q", buf, 0)[0], rounds * (workers + 1))
            m.close()

    def test_timeout_against_another_process(self):
        m = filemap.Mutex("held", create=True)
        proc = self.child("hold_mutex", "held")
        start = time.monotonic()
        self.assertFalse(m.acquire(timeout=0.2))
        self.assertGreaterEqual(time.monotonic() - start, 0.19)
        self.assertFalse(m.acquire(blocking=False))
        self.finish(proc)
        self.assertTrue(m.acquire(timeout=TIMEOUT))
        self.assertFalse(m.abandoned)
        m.release()
        m.close()

    def test_abandoned(self):
        m = filemap.Mutex("ab", create=True)
        proc = self.child("abandon", "ab")
        proc.wait(TIMEOUT)
        self.assertTrue(m.acquire(timeout=TIMEOUT))
        self.assertTrue(m.abandoned)
        m.release()
        self.assertTrue(m.acquire())
        self.assertFalse(m.abandoned)
        m.release()
        proc = self.child("abandon", "ab")
        proc.wait(TIMEOUT)
        self.assertEqual(filemap.wait_any([m], TIMEOUT), 0)
        self.assertTrue(m.abandoned)
        m.release()
        m.close()


# ---------------------------------------------------------------------------
# Event, Semaphore, waits
# ---------------------------------------------------------------------------

class EventTest(Case):
    def test_auto_reset(self):
        e = filemap.Event("e", create=True)
        self.assertFalse(e.manual_reset)
        self.assertFalse(e.is_set())
        self.assertFalse(e.wait(0.05))
        self.assertFalse(e.wait(-1))
        e.set()
        e.set()
        self.assertTrue(e.is_set())
        self.assertTrue(e.wait(0))
        self.assertFalse(e.wait(0))  # one set, one taker
        e.pulse()
        self.assertFalse(e.is_set())
        e.close()
        with self.assertRaises(FileNotFoundError):
            filemap.Event("e")

    def test_manual_reset(self):
        e = filemap.Event(manual_reset=True, initial=True)
        self.assertTrue(e.manual_reset)
        self.assertTrue(e.wait())
        self.assertTrue(e.wait(1))
        e.clear()
        self.assertFalse(e.wait(0))
        with self.assertRaises(TypeError):
            e.wait("1")
        with self.assertRaises(ValueError):
            e.wait(float("nan"))
        e.close()

    def test_wait_releases_the_gil(self):
        e = filemap.Event()
        result = []
        t = threading.Thread(target=lambda: result.append(e.wait(TIMEOUT)))
        t.start()
        spins = 0
        deadline = time.monotonic() + 0.2
        while time.monotonic() < deadline:
            spins += 1
        with self.assertRaisesRegex(RuntimeError, "waits"):
            e.close()
        e.set()
        t.join(TIMEOUT)
        self.assertEqual(result, [True])
        self.assertGreater(spins, 1000)
        e.close()

    def test_producer_consumer_across_processes(self):
        count = 50
        e = filemap.Event("items", create=True)
        ack = filemap.Event("items-ack", create=True)
        with filemap.create("item", 8) as s, s.map() as v:
            proc = self.child("consume", "items", "item", count)
            with memoryview(v) as buf:
                for i in range(1, count + 1):
                    struct.pack_into("<Q", buf, 0, i)
                    e.set()
                    self.assertTrue(ack.wait(TIMEOUT))
            self.assertIn(f"total {count * (count + 1) // 2}", self.finish(proc))
        e.close()
        ack.close()

    def test_sigint_interrupts_blocked_waits(self):
        e = filemap.Event("never", create=True)
        m = filemap.Mutex("owned", create=True, initial_owner=True)
        for kind, name in (("event", "never"), ("mutex", "owned"), ("any", "never")):
            with self.subTest(kind=kind):
                proc = self.child("blocked_wait", kind, name)
                time.sleep(0.2)
                start = time.monotonic()
                proc.send_signal(signal.SIGINT)
                out = self.finish(proc)
                self.assertLess(time.monotonic() - start, 2.0)
                self.assertEqual(out, "interrupted\n")
        m.release()
        m.close()
        e.close()


class SemaphoreTest(Case):
    def test_defaults_are_one_rule(self):
        # As threading.Semaphore: a new one starts at 1; and it may go up
        # to Windows' limit, as the tool's create makes it.
        s = filemap.Semaphore("d", create=True)
        self.assertEqual(filemap.stat("d").sync["count"], 1)
        self.assertEqual(filemap.stat("d").sync["maximum"], 2**31 - 1)
        self.assertTrue(s.acquire(False))
        self.assertFalse(s.acquire(False))
        self.assertEqual(s.release(1000), 0)
        s.close()
        u = filemap.Semaphore()
        self.assertTrue(u.acquire(False))
        u.close()
        self.assertIn("initial=1, maximum=2147483647", filemap.Semaphore.__doc__)

    def test_counts(self):
        s = filemap.Semaphore("s", create=True, initial=1, maximum=3)
        self.assertEqual(s.release(), 1)
        self.assertEqual(s.release(1), 2)
        with self.assertRaises(ValueError):
            s.release()  # past the maximum: nothing changes
        with self.assertRaises(ValueError):
            s.release(0)
        with self.assertRaises(ValueError):
            s.release(2**40)
        self.assertEqual([s.acquire(False) for _ in range(4)], [True, True, True, False])
        s.release()
        with s as got:
            self.assertTrue(got)
            self.assertFalse(s.acquire(False))
        self.assertTrue(s.acquire(False))
        self.assertFalse(s.acquire(timeout=0.05))
        t = filemap.Semaphore("s")
        self.assertEqual(t.release(2), 0)
        self.assertTrue(s.acquire(timeout=0))
        t.close()
        s.close()
        for args in [dict(initial=2, maximum=1), dict(maximum=0), dict(initial=-1),
                     dict(maximum=2**31)]:
            with self.subTest(args=args), self.assertRaises(ValueError):
                filemap.Semaphore(**args)


class PickleTest(Case):
    def test_handles_pickle_by_name(self):
        section = filemap.create("Global\\p", 64, access="rw")
        mutex = filemap.Mutex("m", create=True)
        event = filemap.Event("e", create=True, manual_reset=True)
        sem = filemap.Semaphore("s", create=True, initial=0)
        for handle in (section, mutex, event, sem):
            copy = pickle.loads(pickle.dumps(handle))
            self.assertIs(type(copy), type(handle))
            self.assertEqual(copy.name, handle.name)
            self.assertFalse(copy.existed)
            copy.close()
        reader = filemap.open("Global\\p", "r")
        self.assertEqual(pickle.loads(pickle.dumps(reader)).access, "r")
        event.set()
        self.assertTrue(pickle.loads(pickle.dumps(event)).is_set())
        for unnamed in (filemap.create(None, 16), filemap.Mutex(), filemap.Event(),
                        filemap.Semaphore()):
            with self.assertRaisesRegex(TypeError, "unnamed"):
                pickle.dumps(unnamed)
            unnamed.close()
        for handle in (section, mutex, event, sem, reader):
            handle.close()
        # Gone: unpickling is opening, and fails as opening does.
        gone = filemap.Mutex("gone", create=True)
        data = pickle.dumps(gone)
        gone.close()
        with self.assertRaises(FileNotFoundError):
            pickle.loads(data)

    def check_start_method(self, method):
        if method not in multiprocessing.get_all_start_methods():
            self.skipTest(method + " is not available")
        ctx = multiprocessing.get_context(method)
        section = filemap.create("work", 64)
        mutex = filemap.Mutex("lock", create=True)
        event = filemap.Event("done", create=True)
        sem = filemap.Semaphore("items", create=True, initial=0)
        proc = ctx.Process(target=spawn_work, args=(section, mutex, event, sem, b"from " +
                                                    method.encode()))
        proc.start()
        self.assertTrue(event.wait(TIMEOUT))
        proc.join(TIMEOUT)
        self.assertEqual(proc.exitcode, 0)
        self.assertTrue(sem.acquire(False))
        with section.map() as view, memoryview(view) as buf:
            self.assertEqual(bytes(buf[:5 + len(method)]), b"from " + method.encode())
        for handle in (section, mutex, event, sem):
            handle.close()

    def test_spawn(self):
        self.check_start_method("spawn")

    def test_forkserver(self):
        self.check_start_method("forkserver")


class AsyncTest(Case):
    def run_async(self, coroutine):
        return asyncio.run(asyncio.wait_for(coroutine, TIMEOUT))

    def test_event_wait_async(self):
        event = filemap.Event("e", create=True)
        other = filemap.Event("e")

        async def scenario():
            self.assertFalse(await event.wait_async(0.05))
            asyncio.get_running_loop().call_later(0.1, other.set)
            self.assertTrue(await event.wait_async())
            self.assertFalse(event.is_set())  # auto-reset: taken
            # Many at once, none of them blocking the loop.
            waits = [asyncio.create_task(event.wait_async(5)) for _ in range(8)]
            ticks = 0
            for _ in range(8):
                other.set()
                await asyncio.sleep(0.02)
                ticks += 1
            self.assertEqual(await asyncio.gather(*waits), [True] * 8)
            self.assertEqual(ticks, 8)

        self.run_async(scenario())
        event.close()
        other.close()

    def test_cancelled_wait_takes_nothing(self):
        event = filemap.Event("e", create=True)
        sem = filemap.Semaphore("s", create=True, initial=0)

        async def scenario():
            for waiter, give in ((event.wait_async(), event.set),
                                 (sem.acquire_async(), lambda: sem.release())):
                task = asyncio.create_task(waiter)
                await asyncio.sleep(0.1)
                task.cancel()
                give()  # lands in the slice still running, or after it
                with self.assertRaises(asyncio.CancelledError):
                    await task
                await asyncio.sleep(0.2)  # the slice is over
            # What the cancelled waits may have taken was given back.
            self.assertTrue(event.wait(0))
            self.assertTrue(sem.acquire(False))

        self.run_async(scenario())
        event.close()
        sem.close()

    def test_semaphore_and_mutex_acquire_async(self):
        sem = filemap.Semaphore("s", create=True, initial=0, maximum=2)
        mutex = filemap.Mutex("m", create=True)

        async def scenario():
            self.assertFalse(await sem.acquire_async(0.05))
            asyncio.get_running_loop().call_later(0.05, sem.release, 2)
            self.assertEqual(await asyncio.gather(sem.acquire_async(), sem.acquire_async()),
                             [True, True])
            # Owned by another thread: acquire_async waits, then the loop's
            # thread owns it.
            owner = threading.Thread(target=hold_for, args=(mutex, 0.2))
            owner.start()
            await asyncio.sleep(0.05)
            self.assertFalse(await mutex.acquire_async(0.01))
            self.assertTrue(await mutex.acquire_async(5))
            mutex.release()  # from this thread: it owns it
            owner.join()

        self.run_async(scenario())
        sem.close()
        mutex.close()


def hold_for(mutex, seconds):
    with mutex:
        time.sleep(seconds)


class ModuleTest(Case):
    def test_star_import_leaves_the_builtins(self):
        names = {}
        exec("from filemap import *", names)
        self.assertNotIn("open", names)
        self.assertNotIn("list", names)
        for name in ("create", "Mutex", "Event", "Semaphore", "SharedMemory", "wait_any",
                     "SharedMemoryManager", "ObjectInfo"):
            self.assertIn(name, names)
        self.assertEqual(sorted(filemap.__all__), sorted(set(filemap.__all__)))
        for name in filemap.__all__:
            self.assertTrue(hasattr(filemap, name), name)

    def test_list_and_stat(self):
        sec = filemap.create("Global\\job.1", 100, mode=0o640)
        sem = filemap.Semaphore("job.sem", create=True, initial=2, maximum=5)
        infos = {i.name: i for i in filemap.list()}
        self.assertEqual(set(infos), {"Global\\job.1", "Local\\job.sem"})
        s = infos["Global\\job.1"]
        self.assertEqual((s.namespace, s.type, s.size, s.mode, s.uid, s.holders, s.access,
                          s.reserve, s.corrupt, s.readable, s.problem, s.backing, s.sync),
                         ("Global", "section", 100, 0o640, os.geteuid(), (os.getpid(),), "rw",
                          False, False, True, None, None, None))
        self.assertEqual(s.orphan, False)
        self.assertEqual(s.path, os.path.join(self.root, "global", "job.1"))
        self.assertAlmostEqual(s.created, time.time(), delta=60)
        self.assertEqual(infos["Local\\job.sem"].sync,
                         {"signaled": True, "count": 2, "maximum": 5, "waiters": 0})
        self.assertEqual(infos["Local\\job.sem"].size, None)
        self.assertEqual([i.name for i in filemap.list("Global\\*")], ["Global\\job.1"])
        self.assertEqual([i.name for i in filemap.list(type="semaphore")], ["Local\\job.sem"])
        self.assertEqual([i.name for i in filemap.list(namespace="Local")], ["Local\\job.sem"])
        self.assertEqual(filemap.list("nothing*"), [])
        self.assertIsNone(filemap.list(holders=False)[0].holders)
        self.assertEqual(filemap.stat("job.sem"), infos["Local\\job.sem"])
        with self.assertRaises(FileNotFoundError) as cm:
            filemap.stat("gone")
        self.assertEqual(cm.exception.filename, "Local\\gone")
        for bad in (dict(type="lock"), dict(namespace="Session")):
            with self.assertRaises(ValueError):
                filemap.list(**bad)
        sec.close()
        sem.close()
        self.assertEqual(filemap.list(), [])


class WaitTest(Case):
    def test_wait_any(self):
        a, b = filemap.Event(), filemap.Semaphore(initial=0, maximum=5)
        self.assertIsNone(filemap.wait_any([a, b], 0.05))
        b.release(2)
        self.assertEqual(filemap.wait_any((a, b)), 1)
        a.set()
        self.assertEqual(filemap.wait_any([a, b], 0), 0)
        self.assertEqual(filemap.wait_any([a, b], 0), 1)
        self.assertIsNone(filemap.wait_any([a, b], -5))
        a.close()
        b.close()

    def test_wait_all(self):
        a, b = filemap.Event(), filemap.Semaphore(initial=1, maximum=2)
        self.assertFalse(filemap.wait_all([a, b], 0.05))
        self.assertEqual(b.release(), 1)  # all or nothing: b was not taken
        self.assertTrue(b.acquire(False))
        a.set()
        m = filemap.Mutex()
        self.assertTrue(filemap.wait_all([a, b, m]))
        self.assertTrue(m.locked())
        m.release()
        with self.assertRaises(ValueError):
            filemap.wait_all([a, a])
        for m_ in (m, a, b):
            m_.close()

    def test_bad_input(self):
        e = filemap.Event()
        for call, exc in [
            (lambda: filemap.wait_any([]), ValueError),
            (lambda: filemap.wait_any([e] * (filemap.WAIT_MAX + 1)), ValueError),
            (lambda: filemap.wait_all([e, 1]), TypeError),
            (lambda: filemap.wait_any(e), TypeError),
            (lambda: filemap.wait_any([e], "x"), TypeError),
            (lambda: filemap.Event(b"x"), TypeError),
            (lambda: filemap.Mutex("a\\b\\c", create=True), ValueError),
        ]:
            with self.assertRaises(exc):
                call()
        self.assertIsNone(filemap.wait_any([e] * filemap.WAIT_MAX, 0))
        f = filemap.Event()
        f.close()
        with self.assertRaisesRegex(ValueError, "closed"):
            filemap.wait_any([e, f], 0)
        e.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        CHILDREN[sys.argv[2]](*sys.argv[3:])
    else:
        unittest.main(verbosity=2)

# SPDX-License-Identifier: MIT
"""filemap - Windows-style named shared memory and sync objects for Linux.

A named object lives exactly as long as some process holds a handle to it:
when the last handle is closed, or its process exits or is killed (also by
SIGKILL), the name is gone.  An opener needs no size: it learns it.

    import filemap

    with filemap.create("Local\\telemetry", 4096) as section:   # process A
        view = section.map()
        memoryview(view)[:5] = b"hello"
        ...

    buf = filemap.map_section("Local\\telemetry")                # process B
    print(len(buf), bytes(buf[:5]))                              # 4096 b'hello'

Names are "Local\\x", "Global\\x" or "x" (the same as "Local\\x").
Library failures raise FileNotFoundError, PermissionError, FileExistsError,
ValueError or TimeoutError where Python has the word, and filemap.Error (an
OSError) otherwise: .filename is the object's full name ("Local\\x"),
.strerror the reason in words, and .code and .errname the library's code.
Handles pickle by name, so they pass to multiprocessing workers, also under
the spawn and forkserver start methods.  filemap.list() lists the store.
See the README's Python section and filemap.h for the model.

`from filemap import *` binds neither open() nor list() (nor stat()), which
would hide the builtins: call them as filemap.open(), filemap.list().
"""

import dataclasses as _dataclasses
import multiprocessing.managers as _managers
import os as _os
import secrets as _secrets

from filemap._filemap import (
    WAIT_MAX,
    Error,
    Event,
    Mutex,
    Section,
    Semaphore,
    SyncObject,
    View,
    __version__,
    create,
    map_section,
    open,
    page_size,
    wait_all,
    wait_any,
)
from filemap._filemap import _list

__all__ = [
    "WAIT_MAX", "Error", "Event", "Mutex", "ObjectInfo", "Section", "Semaphore",
    "SharedMemory", "SharedMemoryManager", "SyncObject", "View", "create", "map_section",
    "page_size", "wait_all", "wait_any",
]

_create_section = create  # SharedMemory's create parameter hides the function
_open_section = open      # so does the builtin, below


def _error_str(self):
    """The library's own codes have no errno: "[FM_ECORRUPT] reason: 'name'"."""
    if self.errno is not None or self.strerror is None:
        return OSError.__str__(self)
    text = "[%s] %s" % (getattr(self, "errname", "?"), self.strerror)
    return text if self.filename is None else "%s: %r" % (text, self.filename)


Error.__str__ = _error_str


@_dataclasses.dataclass(frozen=True)
class ObjectInfo:
    """One object of the store, as filemap.list() and filemap.stat() see it.

    What the caller may not read of an object (another user's 0600
    Global\\ object: readable False) is None, but for namespace, path,
    mode, uid, gid and the holders.  holders is a tuple of pids, () for an
    orphan (its holders died: openers treat it as absent), None when /proc
    could not be read or holders=False was asked.  sync is a mutex's,
    event's or semaphore's state as a dict (signaled, waiters, and
    owner_pid, owner_tid, recursion, abandoned; manual_reset; or count,
    maximum).  backing_state is "present", "missing", "replaced" or
    "truncated" for a section over a file (openers get ESTALE but for the
    first).  created is seconds since the epoch.
    """

    namespace: str
    name: str | None
    path: str
    type: str | None
    size: int | None
    mode: int
    uid: int
    gid: int
    holders: tuple | None
    corrupt: bool
    readable: bool
    problem: str | None
    access: str | None
    reserve: bool | None
    created: float | None
    creator_uid: int | None
    creator_pid: int | None
    backing: str | None
    backing_state: str | None
    sync: dict | None

    @property
    def orphan(self):
        """True when no process holds it, None when that is not known."""
        return None if self.holders is None else not self.holders


def list(pattern=None, *, type=None, namespace=None, holders=True):  # noqa: A001
    """The objects in the store: the caller's Local\\ ones (root: every
    user's) and the Global\\ ones, as ObjectInfo, in directory order.

    pattern: a glob on the name after its prefix ("job.*"; "Global\\job.*"
    also picks the namespace).  type: "section", "mutex", "event" or
    "semaphore".  namespace: "Local" or "Global".  holders=False skips the
    search for holders in /proc, which a large listing spends most on.
    Listing only looks: it holds, creates and removes nothing.  A part of
    the store that cannot be read raises (an unsafe directory:
    filemap.Error with errname FM_ESTORE).
    """
    return [ObjectInfo(**d) for d in _list(pattern, namespace=namespace, type=type,
                                           holders=holders)]


def stat(name, *, holders=True):
    """The ObjectInfo of one object, found without reading the directory;
    FileNotFoundError when there is none."""
    for d in _list(None, name=name, holders=holders):
        return ObjectInfo(**d)
    full = name if name.startswith(("Local\\", "Global\\")) else "Local\\" + name
    raise FileNotFoundError(2, "no object of that name", full)


def _make_name():
    """A random name for a new block (a taken one is tried again)."""
    return "fm_" + _secrets.token_hex(8)


class SharedMemory:
    """multiprocessing.shared_memory.SharedMemory's interface, Windows' lifetime.

    SharedMemory(name=None, create=False, size=0, *, track=True):
    create=True makes a new block of exactly size bytes (a random name when
    name is None, and FileExistsError when the name is taken); create=False
    attaches to an existing block, whose exact size .size then reports.
    track is accepted as Python 3.13's is, and changes nothing: there is no
    resource tracker to turn off, since no block outlives its last holder.

    The block lives while some process holds it: close() (or exiting, or
    dying) drops this process's claim, and the last claim anywhere takes the
    name and the memory with it.  unlink() drops the claim early but keeps
    .buf usable until close().  No resource tracker is involved, so a
    process that merely attached never destroys the block, and a crash
    leaks nothing.  Pickling sends the name; unpickling attaches again.
    """

    _section = None
    _view = None
    _buf = None

    def __init__(self, name=None, create=False, size=0, *, track=True):
        if not size >= 0:
            raise ValueError("'size' must be a positive integer")
        if create and size == 0:
            raise ValueError("'size' must be a positive number different from zero")
        if name is None and not create:
            raise ValueError("'name' can only be None if create=True")
        if name is not None and not isinstance(name, str):
            raise TypeError("name must be a str or None, not " + type(name).__name__)
        if create:
            while True:
                candidate = name if name is not None else _make_name()
                section = _create_section(candidate, size)
                if not section.existed:
                    break
                section.close()
                if name is not None:
                    raise FileExistsError(17, _os.strerror(17), name)
            name = candidate
        else:
            section = _open_section(name)
        try:
            self._view = section.map()
            self._buf = memoryview(self._view)
        except BaseException:
            section.close()
            raise
        self._section = section
        self._name = name
        self._size = section.size

    @property
    def name(self):
        """The name as given (or generated), without a namespace added."""
        return self._name

    @property
    def size(self):
        """The block's exact size in bytes."""
        return self._size

    @property
    def buf(self):
        """A writable memoryview of the whole block (None after close())."""
        return self._buf

    def close(self):
        """Release .buf and drop this process's claim on the block.

        BufferError while a buffer made from .buf is still alive (as the
        standard class does); call again once it is released.
        """
        if self._buf is not None:
            self._buf.release()
            self._buf = None
        if self._view is not None:
            self._view.close()
            self._view = None
        self.unlink()

    def unlink(self):
        """Drop this process's claim on the name now, keeping .buf usable.

        Unlike the standard class this destroys nothing another process
        still holds: the block goes when the last claim anywhere does.
        """
        if self._section is not None:
            self._section.close()
            self._section = None

    def __reduce__(self):
        return (self.__class__, (self._name, False, self._size))

    def __repr__(self):
        return f"{self.__class__.__name__}({self._name!r}, size={self._size})"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Tracker(_managers._SharedMemoryTracker):
    """The server's list of blocks, for filemap.SharedMemory: at shutdown a
    block is only looked up and let go, never destroyed, and one already
    gone (its last holder closed it) is no error."""

    def destroy_segment(self, segment_name):
        self.segment_names.remove(segment_name)
        try:
            SharedMemory(segment_name).close()
        except FileNotFoundError:
            pass


class _Server(_managers.SharedMemoryServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A list of its own: the standard tracker's default one is shared.
        self.shared_memory_context = _Tracker(
            self.shared_memory_context.shared_memory_context_name, [])


class SharedMemoryManager(_managers.SharedMemoryManager):
    """multiprocessing.managers.SharedMemoryManager for filemap.SharedMemory.

    SharedMemory(size) makes a block with a new name in the calling process
    and tells the manager's server about it, as the standard manager does.
    With Windows' lifetime the server does not keep a block alive: a block
    is gone once its last holder, in any process, closes it (or exits), as
    the standard manager's blocks are on Windows; shutdown() destroys
    nothing another process still holds, and does not fail on blocks
    already gone.  ShareableList is not provided (use SharedMemory).
    """

    _Server = _Server

    def SharedMemory(self, size):
        with self._Client(self._address, authkey=self._authkey) as conn:
            block = SharedMemory(None, create=True, size=size)
            try:
                _managers.dispatch(conn, None, "track_segment", (block.name,))
            except BaseException:
                block.close()
                raise
        return block

    def ShareableList(self, sequence):
        raise NotImplementedError("filemap.SharedMemoryManager makes SharedMemory blocks "
                                  "only; ShareableList is built on the standard class")

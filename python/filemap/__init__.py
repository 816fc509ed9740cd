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
OSError) otherwise; each carries .code and .errname, and its message names
the object.  See the README's Python section and filemap.h for the model.
"""

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

__all__ = [
    "WAIT_MAX", "Error", "Event", "Mutex", "Section", "Semaphore", "SharedMemory",
    "SyncObject", "View", "create", "map_section", "open", "page_size",
    "wait_all", "wait_any",
]

_create_section = create  # SharedMemory's create parameter hides the function


class SharedMemory:
    """multiprocessing.shared_memory.SharedMemory's interface, Windows' lifetime.

    SharedMemory(name=None, create=False, size=0): create=True makes a new
    block of exactly size bytes (a random name when name is None, and
    FileExistsError when the name is taken); create=False attaches to an
    existing block, whose exact size .size then reports.

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

    def __init__(self, name=None, create=False, size=0):
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
                candidate = name if name is not None else "fm_" + _secrets.token_hex(8)
                section = _create_section(candidate, size)
                if not section.existed:
                    break
                section.close()
                if name is not None:
                    raise FileExistsError(17, _os.strerror(17) + ": " + repr(name))
            name = candidate
        else:
            section = open(name)
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

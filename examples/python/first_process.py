#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""first_process.py - the first half of the two-process scenario, in Python.

Creates the 256-byte section Local\\MyFileMappingObject, writes a message
into it, then runs second_process.py (a separate program that knows only
the name) and waits for it.  The name lives while a handle is held, so this
process keeps its handle until the second one is done; once it closes it,
the name is gone.

    usage: python3 first_process.py
"""
import os
import subprocess
import sys

import filemap

NAME = "Local\\MyFileMappingObject"
SIZE = 256
MESSAGE = b"Message from first process"


def main():
    with filemap.create(NAME, SIZE) as section:
        with section.map() as view:
            with memoryview(view) as buf:
                buf[:len(MESSAGE)] = MESSAGE
        print(f'first_process: created {NAME} ({SIZE} bytes) and wrote "{MESSAGE.decode()}"',
              flush=True)
        second = os.path.join(os.path.dirname(os.path.abspath(__file__)), "second_process.py")
        status = subprocess.run([sys.executable, second]).returncode
    try:
        filemap.open(NAME).close()
        gone = False
    except FileNotFoundError:
        gone = True
    print(f"first_process: closed; opening {NAME} now: "
          + ("no such name (it lived exactly as long as its handles)" if gone else "it exists"))
    return 0 if status == 0 and gone else 1


if __name__ == "__main__":
    sys.exit(main())

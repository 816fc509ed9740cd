#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""second_process.py - the second half of the two-process scenario.

Opens Local\\MyFileMappingObject by name, without being told its size,
maps all of it read-only and prints the message and the exact size.
first_process.py runs it while it holds the section.
"""
import sys

import filemap

NAME = "Local\\MyFileMappingObject"


def main():
    try:
        buf = filemap.map_section(NAME)   # read-only, the whole section
    except FileNotFoundError as e:
        print(f"second_process: {e} (run first_process.py)", file=sys.stderr)
        return 1
    with buf:
        text = bytes(buf).split(b"\0", 1)[0].decode()
        print(f'second_process: opened {NAME}: {len(buf)} bytes, message "{text}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""producer_consumer.py - two processes hand messages over through a section.

A one-slot mailbox: the section Local\\filemap-demo-slot holds a message
(4-byte length, then the bytes); the auto-reset event Local\\filemap-demo-full
says the slot holds one, Local\\filemap-demo-empty that it may be written.
Each side creates what is missing or opens what exists, so they can start
in either order.  The producer sends a few lines and then an empty message,
which ends the consumer.

    python3 producer_consumer.py            # producer, with a consumer child
    python3 producer_consumer.py consumer   # or each in its own terminal:
    python3 producer_consumer.py producer
"""
import os
import struct
import subprocess
import sys

import filemap

SLOT, FULL, EMPTY = "Local\\filemap-demo-slot", "Local\\filemap-demo-full", "Local\\filemap-demo-empty"
SIZE = 4096
TIMEOUT = 30  # seconds: give up rather than hang when the other side is gone


def mailbox():
    section = filemap.create(SLOT, SIZE)
    full = filemap.Event(FULL, create=True)
    empty = filemap.Event(EMPTY, create=True, initial=True)
    return section, full, empty


def producer(lines):
    section, full, empty = mailbox()
    with section, section.map() as view, memoryview(view) as buf:
        for line in lines + [""]:
            data = line.encode()
            if not empty.wait(TIMEOUT):
                print("producer: the consumer does not answer", file=sys.stderr)
                return 1
            buf[:4] = struct.pack("<I", len(data))
            buf[4:4 + len(data)] = data
            full.set()
            if data:
                print(f"producer: sent {line!r}", flush=True)
    return 0


def consumer():
    section, full, empty = mailbox()
    with section, section.map() as view, memoryview(view) as buf:
        while True:
            if not full.wait(TIMEOUT):
                print("consumer: the producer does not answer", file=sys.stderr)
                return 1
            (length,) = struct.unpack("<I", buf[:4])
            data = bytes(buf[4:4 + length])
            empty.set()
            if not data:
                print("consumer: done", flush=True)
                return 0
            print(f"consumer: got {data.decode()!r}", flush=True)


def main(argv):
    lines = ["first", "second", "third"]
    if argv[1:] == ["consumer"]:
        return consumer()
    if argv[1:] == ["producer"]:
        return producer(lines)
    if argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    child = subprocess.Popen([sys.executable, os.path.abspath(__file__), "consumer"])
    status = producer(lines)
    return status or child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv))

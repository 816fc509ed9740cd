#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_error_names.py - every error the Win32 layer can set is named in <windows.h>.

A program that compares GetLastError() with ERROR_BAD_EXE_FORMAT must be
able to write that name.  The layer sets errors from two places: the
ERROR_* names its sources use, and the Windows codes of the FM_ERRORS table
in filemap.h (the third column).  Both must be defined by the public
headers - <windows.h> and the headers it includes - once, and nowhere in the
layer's private sources.

Usage: test_error_names.py SOURCE_DIR
"""
import os
import re
import sys
import unittest

SOURCE = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else
                         os.path.join(os.path.dirname(__file__), "..", ".."))
DEFINE = re.compile(r"^\s*#\s*define\s+(ERROR_[A-Z0-9_]+)\s+(\d+)L?\b", re.M)
NAME = re.compile(r"\bERROR_[A-Z0-9_]+\b")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
TABLE_ROW = re.compile(r"^\s*X\(\s*\w+\s*,\s*[^,]+,\s*(\d+)\s*,", re.M)


def read(*path):
    with open(os.path.join(SOURCE, *path), encoding="utf-8") as f:
        return f.read()


def public_headers(name="windows.h", seen=None):
    """<windows.h> and, depth first, the project headers it includes."""
    seen = set() if seen is None else seen
    if name in seen:
        return
    seen.add(name)
    text = read("include", "win32", name)
    yield name, text
    for included in INCLUDE.findall(text):
        if os.path.exists(os.path.join(SOURCE, "include", "win32", included)):
            yield from public_headers(included, seen)


def layer_sources():
    directory = os.path.join(SOURCE, "src", "win32")
    for name in sorted(os.listdir(directory)):
        if name.endswith((".c", ".h")):
            yield name, read("src", "win32", name)


class ErrorNames(unittest.TestCase):
    def setUp(self):
        self.defined = {}
        for header, text in public_headers():
            for name, value in DEFINE.findall(text):
                self.assertNotIn(name, self.defined,
                                 f"{name} is defined twice (again in {header})")
                self.defined[name] = int(value)

    def test_names_the_layer_uses_are_public(self):
        for file, text in layer_sources():
            for name in sorted(set(NAME.findall(text))):
                with self.subTest(file=file, name=name):
                    self.assertIn(name, self.defined,
                                  f"src/win32/{file} uses {name}, which <windows.h> lacks")

    def test_the_layer_defines_no_error_of_its_own(self):
        for file, text in layer_sources():
            with self.subTest(file=file):
                self.assertEqual(DEFINE.findall(text), [],
                                 f"src/win32/{file} defines error codes: put them in a public header")

    def test_codes_of_the_error_table_are_named(self):
        codes = {int(c) for c in TABLE_ROW.findall(read("include", "filemap.h"))}
        self.assertGreater(len(codes), 10, "FM_ERRORS was not found in filemap.h")
        values = set(self.defined.values())
        for code in sorted(codes):
            with self.subTest(code=code):
                self.assertIn(code, values, f"FM_ERRORS maps to {code}, which <windows.h> does not name")


if __name__ == "__main__":
    unittest.main()

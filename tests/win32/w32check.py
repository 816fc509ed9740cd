#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""w32check.py - runs a Win32 test program and compares its checks.

Each Win32 test program prints one line per check, "name: value", or
"name: value [windows: V]" where Wine 8.0 is known to answer unlike
Windows; then the native build must answer V.  This script lines outputs up
check by check:

  native BINARY... --expected FILE
      runs each native build (with a private FILEMAP_ROOT and working
      directory) and compares it with FILE, Wine's recorded answers; it also
      checks the program left no named object behind.
  wine --wine WINE --prefix DIR --exe EXE --expected FILE BINARY...
      runs EXE under Wine and the native builds, and compares them live;
      Wine must still give the recorded answers (else FILE is out of date).
  prefix --wine WINE --prefix DIR
      makes the Wine prefix the wine tests share (a minute the first time).
  record --wine WINE --prefix DIR --exe EXE --expected FILE
      writes Wine's answers to FILE (after a deliberate change of a test).

Exit status: 0 all checks agree, 1 a difference, 77 skipped (no Wine or no
mingw-w64 build), as ctest's SKIP_RETURN_CODE expects.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

SKIP = 77
TIMEOUT = 300
LINE = re.compile(r"^(?P<name>[^:\s]+): (?P<value>.*?)(?: \[windows: (?P<windows>.*)\])?$")


def parse(text, origin):
    """The checks of an output: a list of (name, value, windows or None)."""
    checks = []
    for number, line in enumerate(text.replace("\r", "").splitlines(), 1):
        if not line.strip():
            continue
        m = LINE.match(line)
        if not m:
            raise SystemExit(f"{origin}:{number}: not a check line: {line!r}")
        checks.append((m["name"], m["value"], m["windows"]))
    return checks


def compare(reference, native, label):
    """Compares native checks with Wine's; returns the number of differences."""
    ref_names = [c[0] for c in reference]
    nat_names = [c[0] for c in native]
    if ref_names != nat_names:
        missing = sorted(set(ref_names) - set(nat_names))
        extra = sorted(set(nat_names) - set(ref_names))
        print(f"{label}: the checks differ: missing {missing}, extra {extra}"
              f" ({len(ref_names)} vs {len(nat_names)} lines)")
        return max(1, len(missing) + len(extra))
    differ = deviations = 0
    for (name, wine, _), (_, value, windows) in zip(reference, native):
        expected = windows if windows is not None else wine
        if value != expected:
            differ += 1
            source = "Windows" if windows is not None else "Wine"
            print(f"DIFFER {name}: native {value!r}, {source} {expected!r}")
        elif windows is not None and wine != windows:
            deviations += 1
            print(f"known Wine deviation {name}: Wine {wine!r}, Windows and native {value!r}")
    agree = len(native) - differ - deviations
    print(f"{label}: {len(native)} checks: {agree} agree with Wine, {deviations} known Wine "
          f"deviations answered as Windows does, {differ} differ")
    return differ


def store_leftovers(root):
    """Named objects still in a store after every process ended."""
    left = []
    for directory, _, files in os.walk(root):
        left += [os.path.join(directory, f) for f in files]
    return left


def run_native(binary):
    """Runs a native build in a fresh store and directory; its output."""
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(prefix="w32check-", dir=shm) as work:
        env = dict(os.environ, FILEMAP_ROOT=os.path.join(work, "store"))
        cwd = os.path.join(work, "cwd")
        os.mkdir(cwd)
        done = subprocess.run([os.path.abspath(binary)], cwd=cwd, env=env, timeout=TIMEOUT,
                              stdout=subprocess.PIPE, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{binary} exited with {done.returncode}")
        left = store_leftovers(env["FILEMAP_ROOT"])
        if left:
            raise SystemExit(f"{binary} left named objects behind: {left}")
        return done.stdout


def wine_env(prefix):
    env = dict(os.environ, WINEPREFIX=os.path.abspath(prefix), WINEDEBUG="-all",
               WINEDLLOVERRIDES="mscoree,mshtml=")
    env.pop("DISPLAY", None)
    return env


def need_wine(args):
    if not args.wine or not os.access(args.wine, os.X_OK):
        print("SKIPPED: Wine is not installed (apt-get install wine64 mingw-w64)")
        sys.exit(SKIP)
    if getattr(args, "exe", None) and not os.path.exists(args.exe):
        print(f"SKIPPED: {args.exe} was not built (mingw-w64 is not installed)")
        sys.exit(SKIP)


def run_wine(args):
    """Runs the mingw-w64 build under Wine; its output."""
    with tempfile.TemporaryDirectory(prefix="w32check-wine-") as cwd:
        done = subprocess.run([args.wine, os.path.abspath(args.exe)], cwd=cwd,
                              env=wine_env(args.prefix), timeout=TIMEOUT,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{args.exe} exited with {done.returncode} under Wine")
    return done.stdout


def cmd_prefix(args):
    need_wine(args)
    env = wine_env(args.prefix)
    subprocess.run([args.wine, "wineboot", "-i"], env=env, timeout=TIMEOUT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    server = os.path.join(os.path.dirname(os.path.realpath(args.wine)), "wineserver")
    if os.access(server, os.X_OK):
        subprocess.run([server, "-w"], env=env, timeout=TIMEOUT)
    print(f"Wine prefix ready: {args.prefix}")
    return 0


def read_expected(path):
    with open(path, encoding="utf-8") as f:
        return parse(f.read(), path)


def cmd_native(args):
    reference = read_expected(args.expected)
    differ = 0
    for binary in args.binaries:
        differ += compare(reference, parse(run_native(binary), binary),
                          os.path.basename(binary))
    return 1 if differ else 0


def cmd_wine(args):
    need_wine(args)
    wine = parse(run_wine(args), args.exe)
    differ = 0
    if [(n, v) for n, v, _ in wine] != [(n, v) for n, v, _ in read_expected(args.expected)]:
        print(f"{args.expected} is not what Wine answers now: if the test changed on "
              f"purpose, re-record it with `{sys.argv[0]} record ...`")
        differ += 1
    for binary in args.binaries:
        differ += compare(wine, parse(run_native(binary), binary),
                          os.path.basename(binary) + " vs Wine")
    return 1 if differ else 0


def cmd_record(args):
    need_wine(args)
    text = run_wine(args).replace("\r", "")
    parse(text, args.exe)
    with open(args.expected, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"recorded {args.expected}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("native")
    p.add_argument("binaries", nargs="+")
    p.add_argument("--expected", required=True)
    for name in ("wine", "prefix", "record"):
        p = sub.add_parser(name)
        p.add_argument("--wine", default="")
        p.add_argument("--prefix", required=True)
        if name != "prefix":
            p.add_argument("--exe", required=True)
            p.add_argument("--expected", required=True)
        if name == "wine":
            p.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    commands = {"native": cmd_native, "wine": cmd_wine, "prefix": cmd_prefix,
                "record": cmd_record}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

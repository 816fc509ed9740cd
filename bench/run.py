#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs filemap's benchmarks side by side and writes the results.

The comparison benchmarks (lifecycle, open, map, memcpy, mutex) are
answered by worker programs, one per implementation (worker.h): filemap
native, filemap's Win32 layer, raw POSIX, Boost.Interprocess when it was
built, and the Win32 worker built with mingw-w64 and run under Wine when
both are installed.  For each benchmark the implementations run in turn,
block after block, with the order rotated every block; each block's figure
is its mean, and each implementation reports the median, min and max of its
blocks.  Ratios are taken against a reference in the same run, so no
absolute time is treated as stable.  bench-sync (round trips, wait on 64)
and bench-copy (the file copy) print their own record.h lines, gathered
here.

Writes OUT/latest.json and OUT/latest.md (OUT: the build's results
directory, or with --save bench/results, the tables the repository keeps),
and prints the table.  Exits 1 if anything failed to run (a missed goal is
reported, never a failure), 2 on bad usage.
"""

import argparse
import datetime
import json
import os
import platform
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile

SECTIONS = ["raw POSIX", "filemap native", "filemap Win32", "Boost.Interprocess", "Wine"]
# worker-floor.c: exactly the system calls filemap makes, and nothing else.
FLOOR = "filemap's system calls alone"
# The Linux worker programs, bench-worker-<suffix>: {implementation: suffix}.
PROGRAMS = {"raw POSIX": "posix", "filemap native": "native", "filemap Win32": "win32",
            "Boost.Interprocess": "boost", FLOOR: "floor"}
# What a second handle is measured against.
RAW_OPEN = "raw POSIX open: shm_open + fstat + close"
LARGE_MIB = 64  # worker.h's WORKER_LARGE

# (benchmark, unit, [(implementation, worker, case)]); the first
# implementation is the reference the ratios are taken against.
def _sections(case):
    return [(impl, impl, case) for impl in SECTIONS]

BENCHMARKS = [
    ("lifecycle: create 64 KiB + map + unmap + close", "us", _sections("lifecycle") + [
        # What stands between filemap and raw POSIX: the memory filemap
        # commits at create (DESIGN.md), measured both ways round.
        ("raw POSIX + posix_fallocate", "raw POSIX", "lifecycle-committed"),
        ("filemap native, FM_SECTION_RESERVE", "filemap native", "lifecycle-sparse"),
        # The floor: filemap's system calls alone (worker-floor.c).
        (FLOOR, FLOOR, "lifecycle"),
        (f"{FLOOR}, FM_SECTION_RESERVE", FLOOR, "lifecycle-sparse"),
    ]),
    # The name is held by another process (a second worker of the same
    # implementation, asked to "hold"): this process's table of held
    # objects must not answer the open.
    ("open by name + whole view + unmap + close", "us", _sections("open") + [
        (FLOOR, FLOOR, "open"),
    ]),
    # A second handle to a section this process holds: the raw POSIX open
    # an opener would make instead (shm_open + fstat + close) against
    # filemap's table of held objects.
    ("second handle to a held section + close", "us", [
        (RAW_OPEN, "raw POSIX", "open-again"),
        ("filemap native, open by name", "filemap native", "open-again"),
        ("filemap native, fm_section_dup", "filemap native", "dup"),
        ("filemap Win32, OpenFileMapping", "filemap Win32", "open-again"),
        ("filemap Win32, DuplicateHandle", "filemap Win32", "dup"),
        (f"{FLOOR}, open by name", FLOOR, "open-again"),
    ]),
    ("map + unmap, 64 KiB, untouched", "us", _sections("map-64k")),
    ("map + unmap, 64 KiB, every page touched", "us", _sections("map-64k-touched")),
    ("map + unmap, 64 MiB, untouched", "us", _sections("map-64m")),
    ("map + unmap, 64 MiB, every page touched", "us", _sections("map-64m-touched")),
    ("memcpy of 64 MiB", "MiB/s", [
        ("private memory", "filemap native", "memcpy-private"),
        ("filemap view", "filemap native", "memcpy-view"),
    ]),
    ("mutex lock + unlock, uncontended", "ns", [
        ("robust pthread mutex", "raw POSIX", "mutex"),
        ("filemap native", "filemap native", "mutex"),
        ("filemap Win32", "filemap Win32", "mutex"),
        ("Boost named_mutex", "Boost.Interprocess", "mutex"),
        ("Wine", "Wine", "mutex"),
    ]),
]

def _bench(start):
    """The benchmark whose name starts so."""
    return next(name for name, _u, _i in BENCHMARKS if name.startswith(start))


_LIFECYCLE, _OPEN, _SECOND = _bench("lifecycle"), _bench("open"), _bench("second")
_MEMCPY, _MUTEX = _bench("memcpy"), _bench("mutex")

# (goal, benchmark, implementation, reference, limit, lower is better).
# The ratio is implementation's figure over reference's.  The lifecycle's
# reference is raw POSIX + posix_fallocate: filemap reserves the memory at
# create (a full store is an error then, never a SIGBUS later), which
# costs raw POSIX itself 3x; a reserve section's is raw POSIX.
GOALS = [
    ("lifecycle <= 1.15x raw POSIX + posix_fallocate", _LIFECYCLE, "filemap native",
     "raw POSIX + posix_fallocate", 1.15, True),
    ("lifecycle, FM_SECTION_RESERVE <= 1.8x raw POSIX", _LIFECYCLE,
     "filemap native, FM_SECTION_RESERVE", "raw POSIX", 1.8, True),
    ("open + map of a name another process holds <= 1.3x raw POSIX", _OPEN, "filemap native",
     "raw POSIX", 1.3, True),
    ("second handle by name <= 0.6x a raw POSIX open", _SECOND, "filemap native, open by name",
     RAW_OPEN, 0.6, True),
    # Whether the kernel's part alone meets the goal: when it does not,
    # the promises' system calls stand in the way, not the library.
    ("floor: lifecycle's system calls <= 1.15x raw POSIX + posix_fallocate", _LIFECYCLE, FLOOR,
     "raw POSIX + posix_fallocate", 1.15, True),
    ("floor: FM_SECTION_RESERVE lifecycle's system calls <= 1.8x raw POSIX", _LIFECYCLE,
     f"{FLOOR}, FM_SECTION_RESERVE", "raw POSIX", 1.8, True),
    ("floor: open's system calls <= 1.3x raw POSIX", _OPEN, FLOOR, "raw POSIX", 1.3, True),
    ("floor: second handle's system calls <= 0.6x a raw POSIX open", _SECOND,
     f"{FLOOR}, open by name", RAW_OPEN, 0.6, True),
    ("second handle by fm_section_dup <= 0.6x a raw POSIX open", _SECOND,
     "filemap native, fm_section_dup", RAW_OPEN, 0.6, True),
    ("memcpy into a view >= 0.95x private memory", _MEMCPY, "filemap view",
     "private memory", 0.95, False),
    ("mutex <= 1.2x robust pthread", _MUTEX, "filemap native", "robust pthread mutex",
     1.2, True),
]
for _name, _unit, _impls in BENCHMARKS:
    if any(impl == "filemap Win32" for impl, _w, _c in _impls):
        # The mutex's fast path is the layer's own: a lookup and a call;
        # so is the open's: a handle table entry around the native open.
        _limit = 1.05 if _name in (_MUTEX, _OPEN) else 1.2
        GOALS.append((f"Win32 <= {_limit:g}x native: {_name}", _name, "filemap Win32",
                      "filemap native", _limit, True))
        GOALS.append((f"filemap >= 8x faster than Wine: {_name}", _name, "Wine", "filemap Win32",
                      8, False))


class WorkerError(Exception):
    pass


class Worker:
    """One worker process, answering "<case> <count>" (worker.h)."""

    TIMEOUT = 300  # seconds: Wine's first start builds its prefix

    def __init__(self, name, argv, env):
        self.name = name
        self.argv, self.env = argv, env
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, text=True, bufsize=1)

    def run(self, case, count):
        """Nanoseconds for count iterations, or None if the worker lacks case."""
        try:
            self.proc.stdin.write(f"{case} {count}\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise WorkerError(f"{self.name}: the worker exited") from None
        ready, _, _ = select.select([self.proc.stdout], [], [], self.TIMEOUT)
        line = self.proc.stdout.readline().strip() if ready else ""
        if line == "none":
            return None
        if line.startswith("ok "):
            return int(line[3:])
        raise WorkerError(f"{self.name}: {line or 'no answer'}")

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def figure(unit, ns_per_op):
    """A block's figure in the benchmark's unit."""
    if unit == "MiB/s":
        return LARGE_MIB / (ns_per_op * 1e-9)
    return ns_per_op / (1e3 if unit == "us" else 1)


def calibrate(worker, case, block_ns):
    """Iterations a block needs to last about block_ns (prepares the case)."""
    count = 1
    ns = worker.run(case, count)
    if ns is None or block_ns == 0:
        return None if ns is None else 1
    while ns < block_ns / 4 and count < 10_000_000:
        count *= 4
        ns = worker.run(case, count)
    return max(1, round(count * block_ns / max(ns, 1)))


def compare(name, unit, impls, workers, args, failures):
    """Measurement records of one benchmark, its implementations alternating.
    An implementation that fails is dropped, with a line in failures."""
    runs = []
    for impl, wname, case in impls:
        try:
            count = wname in workers and calibrate(workers[wname], case, args.block_ms * 1e6)
        except WorkerError as e:
            failures.append(f"{name}: {e}")
            count = None
        if count:
            runs.append((impl, workers[wname], case, count, []))
    for block in range(args.blocks):
        shift = block % len(runs) if runs else 0
        for run in runs[shift:] + runs[:shift]:
            impl, worker, case, count, values = run
            try:
                values.append(figure(unit, worker.run(case, count) / count))
            except WorkerError as e:
                failures.append(f"{name}: {e}")
                runs.remove(run)
    return [{"benchmark": name, "implementation": impl, "unit": unit,
             "median": statistics.median(values), "min": min(values), "max": max(values),
             "iterations": count * len(values)}
            for impl, _w, _c, count, values in runs]


def program_records(argv, env, failures):
    """The record lines a benchmark program prints (its stderr passes through);
    a failure to run or a failing exit adds a line to failures."""
    name = os.path.basename(argv[0])
    print(f"== {' '.join([name, *argv[1:]])}", file=sys.stderr, flush=True)
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, env=env, text=True, check=False)
    except OSError as e:
        failures.append(f"{name}: {e}")
        return []
    if out.returncode != 0:
        failures.append(f"{name} exited with {out.returncode}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def goal_records(measurements):
    """The goals of GOALS whose two figures were measured."""
    fig = {(m["benchmark"], m["implementation"]): m["median"] for m in measurements}
    goals = []
    for goal, bench, impl, ref, limit, lower in GOALS:
        if (bench, impl) in fig and (bench, ref) in fig:
            ratio = fig[(bench, impl)] / fig[(bench, ref)]
            goals.append({"goal": goal, "benchmark": bench, "implementation": impl,
                          "reference": ref, "ratio": ratio, "limit": limit,
                          "better": "lower" if lower else "higher",
                          "met": ratio <= limit if lower else ratio >= limit})
    return goals


def machine():
    """What the figures were measured on."""
    def first(path, pattern):
        try:
            with open(path, encoding="utf-8") as f:
                m = re.search(pattern, f.read(), re.M)
            return m.group(1).strip() if m else "unknown"
        except OSError:
            return "unknown"
    info = {
        "os": first("/etc/os-release", r'^PRETTY_NAME="?([^"\n]*)'),
        "kernel": platform.release(),
        "cpu": first("/proc/cpuinfo", r"^model name\s*:\s*(.*)$"),
        "cpus": os.cpu_count(),
        "memory_gib": round(int(first("/proc/meminfo", r"^MemTotal:\s*(\d+)")) / 2**20, 1),
    }
    info["summary"] = (f"{info['os']}, Linux {info['kernel']}, {info['cpus']} x {info['cpu']}, "
                       f"{info['memory_gib']} GiB")
    return info


def number(v):
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def markdown(measurements, goals, host, when):
    lines = [f"Measured {when} on {host['summary']}.", "",
             "| benchmark | implementation | median | min | max | iterations | ratio |",
             "|---|---|--:|--:|--:|--:|--:|"]
    last = None
    for m in measurements:
        ratio = f"{m['ratio']:.2f}x {m['reference']}" if m.get("reference") else "reference"
        lines.append(f"| {m['benchmark'] if m['benchmark'] != last else ''} "
                     f"| {m['implementation']} | {number(m['median'])} {m['unit']} "
                     f"| {number(m['min'])} | {number(m['max'])} | {m['iterations']} | {ratio} |")
        last = m["benchmark"]
    lines += ["", "| goal | ratio | limit | met |", "|---|--:|--:|---|"]
    for g in goals:
        sign = {"lower": "<=", "higher": ">=", "equal": "=="}[g["better"]]
        x = "" if g.get("check") else "x"  # a check's figure is a count
        lines.append(f"| {g['goal']} | {g['ratio']:.3g}{x} | {sign} {g['limit']:g}{x} "
                     f"| {'yes' if g['met'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def with_references(measurements):
    """Each measurement's ratio to the first implementation of its benchmark."""
    first = {}
    for m in measurements:
        ref = first.setdefault(m["benchmark"], m)
        if ref is not m:
            m["reference"] = ref["implementation"]
            m["ratio"] = m["median"] / ref["median"]
    return measurements


def find_wine(args):
    if args.wine:
        return args.wine
    for candidate in ("/usr/lib/wine/wine64", shutil.which("wine64"), shutil.which("wine")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def tagged(env, suffix):
    """env with the tag a worker and its holder share (worker.h)."""
    return dict(env, FILEMAP_BENCH_TAG=f"{os.getpid()}.{suffix}")


def start_workers(args, env):
    workers, notes = {}, []
    for name, suffix in PROGRAMS.items():
        path = os.path.join(args.build, f"bench-worker-{suffix}")
        if os.access(path, os.X_OK):
            workers[name] = Worker(name, [path], tagged(env, suffix))
        else:
            notes.append(f"{name}: not built ({os.path.basename(path)})")
    exe, wine = os.path.join(args.build, "bench-worker-wine.exe"), find_wine(args)
    if wine and os.path.exists(exe):
        prefix = args.wine_prefix or os.path.join(args.build, "wine-prefix")
        wine_env = dict(tagged(env, "wine"), WINEDEBUG="-all",
                        WINEPREFIX=os.path.abspath(prefix))
        if not os.path.isdir(wine_env["WINEPREFIX"]):
            print("bench: Wine builds its prefix first, about a minute", file=sys.stderr)
        workers["Wine"] = Worker("Wine", [wine, exe], wine_env)
    else:
        notes.append("Wine: needs wine64 and the mingw-w64 build of the Win32 worker")
    return workers, notes


def start_holders(workers, failures):
    """For each worker, a second process of its program that holds the
    name the "open" case opens (worker.h): {name: Worker}."""
    holders = {}
    for name, w in workers.items():
        holder = Worker(f"{name} (holder)", w.argv, w.env)
        try:
            if holder.run("hold", 1) is not None:
                holders[name] = holder
                continue
        except WorkerError as e:
            failures.append(f"hold: {e}")
        holder.close()
    return holders


def measure(args, env):
    """Every measurement and goal record; the list of failures."""
    records, failures = [], []
    workers, notes = start_workers(args, env)
    holders = {}
    for note in notes:
        print(f"bench: skipped {note}", file=sys.stderr)
    try:
        holders = start_holders(workers, failures)
        for name, unit, impls in BENCHMARKS:
            if not re.search(args.only, name):
                continue
            print(f"== {name}", file=sys.stderr, flush=True)
            records += compare(name, unit, impls, workers, args, failures)
    finally:
        for w in [*workers.values(), *holders.values()]:
            w.close()
    sync_rounds, copy = ("10", ["4", "1"]) if args.smoke else ("5000", [str(args.copy_mib), "5"])
    for argv in ([os.path.join(args.build, "bench-sync"), sync_rounds],
                 [os.path.join(args.build, "bench-copy"), *copy, args.copy_dir]):
        if re.search(args.only, os.path.basename(argv[0])):
            records += program_records(argv, env, failures)
    return records, failures


def strace_counts(argv, requests, env):
    """{syscall: calls} of a worker answering requests, under strace -c."""
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(["strace", "-f", "-c", "-U", "name,calls", "-o", out.name, *argv],
                       input="".join(f"{r}\n" for r in requests), env=env, text=True,
                       stdout=subprocess.DEVNULL, check=True)
        counts = {}
        for line in out.read().splitlines():
            fields = line.split()
            if len(fields) == 2 and fields[1].isdigit() and fields[0] != "total":
                counts[fields[0]] = int(fields[1])
        return counts


def syscalls(args, env, case, n=1000):
    """Prints the system calls one iteration of case makes, per Linux
    worker: a run of 1 + n iterations less a run of 1, over n.  A holder
    (not traced) holds the name "open" opens."""
    for name, suffix in PROGRAMS.items():
        argv = [os.path.join(args.build, f"bench-worker-{suffix}")]
        if not os.access(argv[0], os.X_OK):
            continue
        wenv = tagged(env, suffix)
        holder = Worker(f"{name} (holder)", argv, wenv)
        try:
            holder.run("hold", 1)
            base = strace_counts(argv, [f"{case} 1"], wenv)
            more = strace_counts(argv, [f"{case} 1", f"{case} {n}"], wenv)
        finally:
            holder.close()
        per = {k: (v - base.get(k, 0)) / n for k, v in more.items()}
        per = {k: v for k, v in sorted(per.items(), key=lambda kv: -kv[1]) if v >= 0.5}
        listed = ", ".join(f"{k} {v:.3g}" if v != 1 else k for k, v in per.items())
        print(f"{name}: {sum(per.values()):.3g} system calls: {listed}")


def scale(args, env):
    """bench-scale's records; a failing exit is a failed correctness check."""
    failures = []
    records = program_records([os.path.join(args.build, "scale", "bench-scale")], env, failures)
    return records, failures


def parse_args():
    p = argparse.ArgumentParser(description="Run filemap's benchmarks side by side.")
    p.add_argument("--build", required=True, help="the build's bench directory")
    p.add_argument("--out", help="where latest.json and latest.md go (default: BUILD/results)")
    p.add_argument("--save", action="store_true",
                   help="write them into bench/results, the tables the repository keeps")
    p.add_argument("--smoke", action="store_true",
                   help="one iteration of everything: a test that it all runs, no figures")
    p.add_argument("--blocks", type=int, default=15, help="blocks per implementation")
    p.add_argument("--block-ms", type=float, default=20, help="length of a block")
    p.add_argument("--only", default="", help="run only benchmarks matching this regex")
    p.add_argument("--copy-dir", default="/var/tmp", help="where the file copy writes")
    p.add_argument("--copy-mib", type=int, default=1024, help="size of the copied file")
    p.add_argument("--wine", help="Wine's loader (default: found on this machine)")
    p.add_argument("--wine-prefix", help="a private WINEPREFIX (default: BUILD/wine-prefix)")
    p.add_argument("--scale", action="store_true",
                   help="instead: run bench-scale and write OUT/scale.json and scale.md")
    p.add_argument("--syscalls", metavar="CASE",
                   help="instead: count the system calls of one iteration of a worker case "
                        "(lifecycle, open, map-64k...) with strace, per Linux implementation")
    args = p.parse_args()
    # The tracked tables change only when asked to.
    saved = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    if args.save and args.out:
        p.error("--save writes into bench/results: leave out --out")
    if args.save:
        args.out = saved
    elif not args.out:
        args.out = os.path.join(args.build, "results")
    elif os.path.realpath(args.out) == saved:
        p.error("--out %s is the repository's bench/results: say --save to rewrite them"
                % args.out)
    if args.smoke:
        args.blocks, args.block_ms = 1, 0
    if args.blocks < 1 or args.block_ms < 0:
        p.error("--blocks must be at least 1 and --block-ms not negative")
    return args


def main():
    args = parse_args()
    store = tempfile.mkdtemp(prefix="filemap-bench.", dir="/dev/shm")
    env = dict(os.environ, FILEMAP_ROOT=store)
    try:
        if args.syscalls:
            syscalls(args, env, args.syscalls)
            return 0
        records, failures = (scale if args.scale else measure)(args, env)
    finally:
        shutil.rmtree(store, ignore_errors=True)
    measurements = with_references([r for r in records if "goal" not in r])
    goals = [r for r in records if "goal" in r] + goal_records(measurements)
    host = machine()
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    for m in measurements:
        m["machine"] = host["summary"]
    os.makedirs(args.out, exist_ok=True)
    stem = "scale" if args.scale else "latest"
    with open(os.path.join(args.out, f"{stem}.json"), "w", encoding="utf-8") as f:
        json.dump({"date": when, "machine": host, "measurements": measurements, "goals": goals},
                  f, indent=1)
        f.write("\n")
    table = markdown(measurements, goals, host, when)
    with open(os.path.join(args.out, f"{stem}.md"), "w", encoding="utf-8") as f:
        f.write(table)
    print("\n" + table)
    for failure in failures:
        print(f"bench: FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

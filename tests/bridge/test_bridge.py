#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_bridge.py CASE - one case of `filemap bridge`'s tests, run by ctest.

Real processes on both sides: bridge-prog built natively against filemap's
<windows.h>, and the same source built with mingw-w64 and run by Wine
through `filemap bridge`.  Each case has its own store (FILEMAP_ROOT under
/dev/shm, so its bridge directory is its own too).  The Wine cases share one
private prefix, made by the first case (the first start of a prefix is part
of what is tested), and one TMPDIR, so that one wineserver serves it.

Wine cases (exit 77, SKIPPED, without wine64 or the mingw-w64 builds):
  first_start                a fresh prefix; a set native event reaches the
                             Windows side before its program starts
  windows_to_native          a Windows producer, a native Win32-layer consumer
  native_to_windows          a native producer held first, a Windows consumer
  windows_first              NAME without SIZE made by the Windows program
  shared_when_native_second  NAME:SIZE made by the bridge, then by a native
                             producer (ERROR_ALREADY_EXISTS), no copying
  killed_then_gc             the bridge SIGKILLed; `filemap gc` leaves nothing
  auto_reset_events          auto-reset events bounced both ways: every set
                             taken once, no echo
  manual_reset_events        a native set reaches Windows, the Windows reset
                             comes back
  script_command             COMMAND names no .exe: the helper runs alone
  proton_like                a Proton-shaped %command% (verb, then the .exe)
  windows_had_it             NAME:SIZE a Windows program made before the
                             bridge, which runs without COMMAND: mirrored
Without Wine:
  posix                      --posix over a plain shm_open producer, and
                             `filemap create NAME 0 --file ... --hold`
  usage                      bad command lines
  helper_missing             no filemap-bridge.exe: said so, nothing made
  other_user_connection      (root) another uid's connection is dropped unread
  squatted_directory         (root) another uid's bridge directory is refused
"""
import encodings.idna  # noqa: F401  (a child that drops to another uid cannot import it)
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
TOOL = os.environ["FILEMAP_TOOL"]
PROG = os.environ["BRIDGE_PROG"]
EXE = os.environ["BRIDGE_PROG_EXE"]
SHM_PRODUCER = os.environ["SHM_PRODUCER"]
WINE = os.environ.get("BRIDGE_WINE", "")
WORK = os.environ["BRIDGE_WORK"]
PREFIX = os.path.join(WORK, "wine-prefix")
WINE_TMP = os.path.join(WORK, "wine-tmp")
HELPER = os.path.join(os.path.dirname(TOOL), "filemap-bridge.exe")
TIMEOUT = 240
OTHER_UID = 65534

failures = 0


def check(ok, what, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures += 1
    return ok


def need_wine():
    if not WINE or not os.access(WINE, os.X_OK):
        print("SKIPPED: wine64 is not installed (apt-get install wine64)")
        sys.exit(SKIP)
    for path in (EXE, HELPER):
        if not os.path.exists(path):
            print(f"SKIPPED: {path} was not built (mingw-w64 is not installed)")
            sys.exit(SKIP)


def need_root():
    if os.geteuid() != 0:
        print("SKIPPED: needs root, to be a second user")
        sys.exit(SKIP)


class Case:
    """A private store, and the environment every process of the case gets."""

    def __init__(self, name):
        self.dir = tempfile.mkdtemp(prefix=f"fm-bridge-{name}-", dir="/dev/shm")
        self.root = os.path.join(self.dir, "store")
        self.bridge_dir = f"{self.root}-bridge-{os.geteuid()}"
        self.env = dict(os.environ, FILEMAP_ROOT=self.root, WINEPREFIX=PREFIX,
                        TMPDIR=WINE_TMP, WINEDEBUG="-all",
                        WINEDLLOVERRIDES="mscoree,mshtml=")
        self.env.pop("DISPLAY", None)
        self.procs = []

    def start(self, args):
        """Starts args, its output to a file of the case: not a pipe, whose
        end the wineserver a first Wine program starts would inherit and
        keep open after the program ended."""
        out = os.path.join(self.dir, f"out-{len(self.procs)}")
        with open(out, "w") as f:
            p = subprocess.Popen(args, env=self.env, stdout=f, stderr=subprocess.STDOUT,
                                 text=True, cwd=self.dir)
        p.out_path = out
        self.procs.append(p)
        return p

    def output(self, p):
        with open(p.out_path) as f:
            return f.read()

    def wait_line(self, p, text, limit=120):
        """Waits until p has printed a line starting with text."""
        return self.wait_for(f"{text!r} is printed", lambda: any(
            line.startswith(text) for line in self.output(p).splitlines()), limit=limit)

    def run(self, args, timeout=TIMEOUT):
        return subprocess.run(args, env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=self.dir,
                              timeout=timeout)

    def tool(self, *args):
        return self.run([TOOL, *args])

    def wait_for(self, what, test, limit=60):
        """Polls test() until it is true (a bounded wait, not a timing check)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if test():
                return True
            time.sleep(0.02)
        return check(False, what, f"not within {limit} s")

    def exists(self, name):
        return self.tool("stat", name).returncode == 0

    def leftovers(self):
        """Files left in the store and the bridge directory."""
        left = []
        for top in (self.root, self.bridge_dir):
            for d, dirs, files in os.walk(top):
                left += [os.path.join(d, f) for f in files]
                if top == self.bridge_dir and d != top:
                    left.append(d)
        return left

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def finish(p, what, timeout=TIMEOUT):
    """Waits for p (started by Case.start); prints its output; returns
    (status, output)."""
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        check(False, f"{what} ends", f"not within {timeout} s")
    with open(p.out_path) as f:
        text = f.read()
    print(f"--- {what} (status {p.returncode}):\n{text.rstrip()}")
    return p.returncode, text


def expect_lines(text, lines, who):
    for line in lines:
        check(line in text, f"{who} says {line!r}")


def bridge_cmd(*args):
    return [TOOL, "bridge", "--verbose", *args]


def win(*args):
    return [WINE, EXE, *args]


def gone_after(c, name):
    check(not c.exists(name), f"{name} is gone once everything ended")
    left = c.leftovers()
    check(not left, "nothing left in the store or the bridge directory", left)


def case_first_start(c):
    need_wine()
    shutil.rmtree(PREFIX, ignore_errors=True)
    os.makedirs(WINE_TMP, exist_ok=True)
    # A manual-reset event set natively before the bridge: the Windows
    # program finds it set at once (the bridge takes its kind, too).
    holder = c.start([TOOL, "create", "Local\\first.stop", "--type", "event", "--manual",
                      "--signaled", "--hold"])
    c.wait_for("the native event exists", lambda: c.exists("Local\\first.stop"))
    b = c.start(bridge_cmd("--event", "Local\\first.stop", "Local\\first:4096", "--",
                           *win("produce", "Local\\first", "4096", "Local\\first.tick",
                                "Local\\first.stop")))
    status, text = finish(b, "bridge in a fresh prefix", timeout=540)
    check(status == 0, "the bridge exits with the program's status 0", status)
    expect_lines(text, ["produce: CreateFileMapping: ERROR_ALREADY_EXISTS",
                        "produce: stopped: yes"], "the Windows producer")
    check(os.path.isdir(os.path.join(PREFIX, "drive_c")), "Wine made the prefix")
    holder.send_signal(signal.SIGTERM)
    finish(holder, "the event's holder")
    server = os.path.join(os.path.dirname(os.path.realpath(WINE)), "wineserver")
    if os.access(server, os.X_OK):
        c.run([server, "-w"], timeout=TIMEOUT)
    gone_after(c, "Local\\first")


def windows_producer(c, name, arg, size, lines):
    """A Windows producer of name (SIZE bytes) under `filemap bridge ARG`,
    and a native consumer that must see exactly SIZE bytes; lines: what
    the bridge's run must say."""
    tick, stop = f"{name}.tick", f"{name}.stop"
    b = c.start(bridge_cmd("--event", f"{tick}:manual", "--event", f"{stop}:manual", arg, "--",
                           *win("produce", name, str(size), tick, stop)))
    status, text = finish(c.start([PROG, "consume", name, tick, stop, str(size)]),
                          "native consumer")
    check(status == 0, "the native consumer succeeds", status)
    expect_lines(text, [f"consume: exact size: {size} (expected {size})",
                        "consume: woken by the event: yes", "consume: counter advanced: yes",
                        "consume: last bytes follow: yes"], "the native consumer")
    status, text = finish(b, "bridge")
    check(status == 0, "the bridge exits with the program's status 0", status)
    expect_lines(text, lines + ["produce: stopped: yes"], "the bridge's run")
    gone_after(c, name)


def case_windows_to_native(c):
    need_wine()
    windows_producer(c, "Local\\w2n", "Local\\w2n:65536", 65536,
                     ["produce: CreateFileMapping: ERROR_ALREADY_EXISTS",
                      "Local\\w2n: 65536 bytes, a native section on the shared file",
                      "Local\\w2n: a Windows section on the shared file"])


def case_native_to_windows(c):
    need_wine()
    producer = c.start([PROG, "produce", "Local\\n2w", "65536", "Local\\n2w.tick",
                        "Local\\n2w.stop"])
    c.wait_for("the native producer made its section", lambda: c.exists("Local\\n2w.stop"))
    b = c.start(bridge_cmd("--event", "Local\\n2w.tick", "--event", "Local\\n2w.stop",
                           "Local\\n2w", "--",
                           *win("consume", "Local\\n2w", "Local\\n2w.tick", "Local\\n2w.stop")))
    status, text = finish(b, "bridge")
    check(status == 0, "the Windows consumer succeeds", status)
    expect_lines(text, ["consume: woken by the event: yes", "consume: counter advanced: yes",
                        "consume: last bytes follow: yes",
                        "Local\\n2w: held natively already, 65536 bytes: mirrored to the shared file",
                        "Local\\n2w.tick: manual-reset event"], "the bridge's run")
    status, text = finish(producer, "native producer")
    check(status == 0, "the native producer was stopped through the bridge", status)
    expect_lines(text, ["produce: CreateFileMapping: new", "produce: stopped: yes"],
                 "the native producer")
    gone_after(c, "Local\\n2w")


def case_windows_first(c):
    need_wine()
    # The size of a section a Windows program made is whole pages: 16384.
    windows_producer(c, "Local\\wf", "Local\\wf", 16384,
                     ["produce: CreateFileMapping: new",
                      "Local\\wf: made first on the Windows side: mirrored to the shared file"])


def case_shared_when_native_second(c):
    need_wine()
    b = c.start(bridge_cmd("--event", "Local\\ns.tick:manual", "--event", "Local\\ns.stop:manual",
                           "Local\\ns:65536", "--",
                           *win("consume", "Local\\ns", "Local\\ns.tick", "Local\\ns.stop")))
    c.wait_for("the bridge made the section", lambda: c.exists("Local\\ns"))
    status, text = finish(c.start([PROG, "produce", "Local\\ns", "65536", "Local\\ns.tick",
                                   "Local\\ns.stop"]), "native producer")
    check(status == 0, "the native producer was stopped through the bridge", status)
    expect_lines(text, ["produce: CreateFileMapping: ERROR_ALREADY_EXISTS",
                        "produce: stopped: yes"], "the native producer")
    status, text = finish(b, "bridge")
    check(status == 0, "the Windows consumer succeeds", status)
    expect_lines(text, ["consume: woken by the event: yes", "consume: counter advanced: yes",
                        "consume: last bytes follow: yes",
                        "Local\\ns: a Windows section on the shared file"],
                 "the bridge's run")
    check("mirrored" not in text, "nothing is mirrored")
    gone_after(c, "Local\\ns")


def children(pid):
    """The pids of pid's children, from /proc."""
    kids = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            kids += [int(k) for k in f.read().split()]
    return kids


def counter(c, name):
    r = subprocess.run([TOOL, "cat", name, "--length", "4"], env=c.env, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    return int.from_bytes(r.stdout, "little") if r.returncode == 0 and len(r.stdout) == 4 else 0


def case_killed_then_gc(c):
    need_wine()
    b = subprocess.Popen(bridge_cmd("Local\\kill:4096", "--",
                                    *win("produce", "Local\\kill", "4096", "Local\\kill.tick",
                                         "Local\\kill.stop", "500")),
                         env=c.env, cwd=c.dir, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    c.procs.append(b)
    c.wait_for("the Windows producer writes", lambda: counter(c, "Local\\kill") > 0)
    wine = children(b.pid)
    b.kill()
    b.wait()
    # Its Windows program runs on, then ends by itself.
    c.wait_for("Wine's processes end", lambda: all(not os.path.exists(f"/proc/{p}") or
                                                     open(f"/proc/{p}/stat").read().split()[2] == "Z"
                                                     for p in wine), limit=120)
    check(bool(c.leftovers()), "the killed bridge left its files", c.leftovers())
    text = ""
    for _ in range(50):  # until Wine's server has let go of the file too
        text += c.tool("gc").stdout
        if not c.leftovers():
            break
        time.sleep(0.1)
    print(f"--- filemap gc:\n{text.rstrip()}")
    check("removed orphan Local\\kill" in text, "gc removes the orphaned name")
    check("removed stale bridge directory" in text, "gc removes the bridge directory")
    check(not c.leftovers(), "nothing is left", c.leftovers())


def case_auto_reset_events(c):
    need_wine()
    rounds = "300"
    b = c.start(bridge_cmd("--event", "Local\\ev.a", "--event", "Local\\ev.b", "--",
                           *win("pong", "Local\\ev.a", "Local\\ev.b", rounds)))
    status, text = finish(c.start([PROG, "ping", "Local\\ev.a", "Local\\ev.b", rounds]), "native ping")
    check(status == 0, "every native set was answered through the bridge", status)
    check("ping: spare signal: none" in text, "no set came back twice")
    status, text = finish(b, "bridge")
    check(status == 0, "the Windows side answered every set once", status)
    expect_lines(text, [f"pong: answered: {rounds}", "pong: spare signal: none",
                        "Local\\ev.a: auto-reset event"], "the Windows pong")
    gone_after(c, "Local\\ev.a")


def case_manual_reset_events(c):
    need_wine()
    # Four rounds there, three checked here: the program may end before
    # its last reset is relayed, and its end is the bridge's.
    b = c.start(bridge_cmd("--event", "Local\\mr:manual", "--event", "Local\\mr.ack", "--",
                           *win("follow", "Local\\mr", "Local\\mr.ack", "4")))
    c.wait_for("the bridge made the events", lambda: c.exists("Local\\mr.ack"))
    for i in range(3):
        check(c.tool("signal", "Local\\mr").returncode == 0, f"round {i}: set natively")
        check(c.tool("wait", "Local\\mr.ack", "--timeout", "60000").returncode == 0,
              f"round {i}: the Windows side saw it set")
        c.wait_for(f"round {i}: its reset there comes back", lambda: c.tool(
            "wait", "Local\\mr", "--timeout", "0").returncode == 4)
    c.tool("signal", "Local\\mr")
    status, text = finish(b, "bridge")
    check(status == 0 and "follow: rounds: 4" in text, "the Windows side followed every round",
          status)


def case_script_command(c):
    need_wine()
    script = os.path.join(c.dir, "start-game")
    with open(script, "w") as f:  # a launcher script: no .exe in COMMAND
        f.write(f'#!/bin/sh\nexec "{WINE}" "{EXE}" "$@"\n')
    os.chmod(script, 0o755)
    c.env["WINE"] = WINE
    b = c.start(bridge_cmd("Local\\sc:65536", "--event", "Local\\sc.tick:manual", "--event",
                           "Local\\sc.stop:manual", "--", script, "produce", "Local\\sc", "65536",
                           "Local\\sc.tick", "Local\\sc.stop"))
    status, text = finish(c.start([PROG, "consume", "Local\\sc", "Local\\sc.tick",
                                   "Local\\sc.stop", "65536"]), "native consumer")
    check(status == 0, "the native consumer succeeds", status)
    status, text = finish(b, "bridge")
    check(status == 0, "the bridge exits with the script's status 0", status)
    expect_lines(text, [f"running the Windows helper with {WINE}",
                        "produce: CreateFileMapping: ERROR_ALREADY_EXISTS",
                        "produce: stopped: yes"], "the bridge's run")
    gone_after(c, "Local\\sc")


def case_proton_like(c):
    need_wine()
    # Proton's script takes a verb, waits (waitforexitandrun) for the
    # prefix's wineserver to exit, then runs the game with its own Wine in
    # $STEAM_COMPAT_DATA_PATH/pfx.  A helper started beside it would make
    # that wait last forever; in front of the .exe it runs after it.
    compat = os.path.join(c.dir, "compatdata")
    os.mkdir(compat)
    os.symlink(PREFIX, os.path.join(compat, "pfx"))
    proton = os.path.join(c.dir, "proton")
    server = os.path.join(os.path.dirname(os.path.realpath(WINE)), "wineserver")
    with open(proton, "w") as f:
        f.write(f"""#!/bin/sh
[ -n "$STEAM_COMPAT_DATA_PATH" ] || {{ echo "No compat data path?"; exit 1; }}
export WINEPREFIX="$STEAM_COMPAT_DATA_PATH/pfx"
verb=$1; shift
[ "$verb" = waitforexitandrun ] && "{server}" -w
exec "{WINE}" "$@"
""")
    os.chmod(proton, 0o755)
    c.env["STEAM_COMPAT_DATA_PATH"] = compat
    c.env.pop("WINEPREFIX")
    b = c.start(bridge_cmd("Local\\pr:43996", "--", proton, "waitforexitandrun", EXE,
                           "produce", "Local\\pr", "43996", "Local\\pr.tick", "Local\\pr.stop",
                           "300"))
    c.wait_for("the game writes", lambda: counter(c, "Local\\pr") > 0, limit=120)
    check(c.tool("stat", "Local\\pr").returncode == 0, "the native name is there meanwhile")
    status, text = finish(b, "bridge")
    expect_lines(text, ["produce: CreateFileMapping: ERROR_ALREADY_EXISTS",
                        "running the Windows helper in front of " + EXE], "the bridge's run")
    gone_after(c, "Local\\pr")


def case_windows_had_it(c):
    need_wine()
    name, tick, stop = "Local\\wh", "Local\\wh.tick", "Local\\wh.stop"
    producer = c.start(win("produce", name, "65536", tick, stop))
    c.wait_line(producer, "produce: CreateFileMapping:")
    check("produce: CreateFileMapping: new" in c.output(producer),
          "a Windows program made the section first, without the bridge")
    b = c.start(bridge_cmd("--wine", WINE, "--event", f"{tick}:manual", "--event",
                           f"{stop}:manual", f"{name}:65536"))
    c.wait_line(b, "filemap bridge: holding the names")
    status, text = finish(c.start([PROG, "consume", name, tick, stop, "65536"]),
                          "native consumer")
    check(status == 0, "the native consumer reads the mirrored section", status)
    status, text = finish(producer, "Windows producer")
    check(status == 0 and "produce: stopped: yes" in text,
          "the native STOP reached the Windows program that made the events", status)
    b.send_signal(signal.SIGTERM)
    status, text = finish(b, "bridge")
    check(status == 128 + signal.SIGTERM, "SIGTERM ends the bridge, as its status says", status)
    expect_lines(text, ["Local\\wh: made first on the Windows side: mirrored to the shared file",
                        f"running the Windows helper with {WINE}"], "the bridge's run")
    gone_after(c, name)


def case_posix(c):
    name = f"fm-bridge-test-{os.getpid()}"
    path = f"/dev/shm/{name}"
    # The bridge first: it waits for the file to appear and get its size.
    b = c.start(bridge_cmd("--posix", name, "--", PROG, "consume", name, "-", "-", "8192"))
    producer = c.start([SHM_PRODUCER, name, "8192"])
    status, text = finish(b, "bridge --posix")
    check(status == 0, "the consumer reads the shm_open file by its filemap name", status)
    expect_lines(text, ["consume: exact size: 8192 (expected 8192)",
                        "consume: counter advanced: yes", "consume: last bytes follow: yes"],
                 "the consumer")
    check(not c.exists(name), f"Local\\{name} is gone after the bridge")
    # The same through `filemap create --file --hold`, which --posix equals.
    holder = c.start([TOOL, "create", name, "0", "--file", path, "--hold"])
    c.wait_for("the holder holds it", lambda: c.exists(name))
    status, text = finish(c.start([PROG, "consume", name, "-", "-", "8192"]), "consumer")
    check(status == 0, "the same through filemap create --file --hold", status)
    holder.send_signal(signal.SIGTERM)
    finish(holder, "holder")
    producer.send_signal(signal.SIGTERM)
    finish(producer, "shm producer")
    check(not os.path.exists(path), "the producer removed its file")
    check(not c.leftovers(), "nothing left in the store", c.leftovers())


def case_usage(c):
    for args, pattern in [
            ([], "expects at least one NAME"),
            (["x:0", "--", "true"], "a size is bytes above 0"),
            (["--event"], "--event needs a value"),
            (["x:4096", "--event", "x", "--", "true"], "named twice"),
            (["--posix", "a/b"], "a shm_open name has no slash"),
            (["local\\x:4096"], "a name is Local"),
            (["--frob", "x"], "unknown option --frob")]:
        r = c.tool("bridge", *args)
        check(r.returncode == 2 and pattern in r.stderr,
              f"filemap bridge {' '.join(args)} is a usage error", (r.returncode, r.stderr))
    r = c.tool("bridge", "--help")
    check(r.returncode == 0 and "usage: filemap bridge" in r.stdout, "--help")
    check(not c.leftovers(), "nothing made", c.leftovers())


def case_helper_missing(c):
    c.env["FILEMAP_BRIDGE_HELPER"] = os.path.join(c.dir, "nowhere.exe")
    r = c.tool("bridge", "Local\\nohelper:4096", "--", "true")
    check(r.returncode == 1, "the bridge fails", r.returncode)
    check("filemap-bridge.exe is not installed" in r.stderr and "mingw-w64" in r.stderr,
          "and says what is missing", r.stderr)
    check(not c.exists("Local\\nohelper") and not c.leftovers(), "nothing was made")
    # A helper, but no Wine to run it with (COMMAND names no .exe).
    c.env["FILEMAP_BRIDGE_HELPER"] = PROG
    r = c.tool("bridge", "--wine", os.path.join(c.dir, "no-wine"), "Local\\nowine:4096", "--",
               "true")
    check(r.returncode == 1 and "the Windows helper needs Wine" in r.stderr,
          "no Wine is said too", (r.returncode, r.stderr))
    check(not c.exists("Local\\nowine") and not c.leftovers(), "and nothing is left")


def as_other_user(fn):
    """Runs fn() in a child as OTHER_UID; returns its exit status."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(OTHER_UID)
            os.setuid(OTHER_UID)
            os._exit(fn())
        except BaseException as e:  # never return into the test from the child
            print(f"child: {e!r}")
            os._exit(99)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def msg(kind, index=0, seen=0, value=0):
    return struct.pack("<BBHIQ", kind, 0, index, seen, value)


HELLO, READY, SET = 1, 2, 3


def speak(port):
    """Connects as the helper would and sets event 0; 0 if the bridge
    closed the connection without answering, 1 if it kept it open."""
    s = socket.create_connection(("127.0.0.1", port))
    try:
        s.sendall(msg(HELLO, value=1) + msg(READY) + msg(SET))
        s.settimeout(30)
        return 0 if s.recv(16) == b"" else 1
    except ConnectionResetError:
        return 0
    except socket.timeout:
        return 1
    finally:
        s.close()


def case_other_user_connection(c):
    need_root()
    fake = os.path.join(c.dir, "fake-wine")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\nexec sleep 60\n")
    os.chmod(fake, 0o755)
    c.env["FILEMAP_BRIDGE_HELPER"] = PROG  # any file: the fake wine never runs it
    b = c.start([TOOL, "bridge", "--wine", fake, "--event", "Local\\sec.ev:manual", "--",
                 "true"])
    configs = []
    c.wait_for("the bridge writes its configuration", lambda: configs.extend(
        os.path.join(d, "config") for d, _, files in os.walk(c.bridge_dir)
        if "config" in files) or configs)
    with open(configs[0]) as f:
        port = int(re.search(r"^port (\d+)$", f.read(), re.M).group(1))
    check(as_other_user(lambda: speak(port)) == 0,
          f"uid {OTHER_UID}'s connection is closed, unanswered")
    check(c.tool("wait", "Local\\sec.ev", "--timeout", "0").returncode == 4,
          f"uid {OTHER_UID}'s SET changed nothing")
    # The control: the same bytes from the bridge's own user do set it.
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(msg(HELLO, value=1) + msg(READY) + msg(SET))
    check(c.tool("wait", "Local\\sec.ev", "--timeout", "30000").returncode == 0,
          "the same messages from our own user set the event")
    s.close()
    status, _ = finish(b, "bridge")
    check(status == 0, "the bridge ran COMMAND once its own helper was ready", status)


def case_squatted_directory(c):
    need_root()
    if not os.path.exists(HELPER):
        print(f"SKIPPED: {HELPER} was not built (mingw-w64 is not installed)")
        sys.exit(SKIP)
    os.chmod(c.dir, 0o1777)
    squat = c.bridge_dir
    check(as_other_user(lambda: os.mkdir(squat, 0o700) or 0) == 0,
          f"uid {OTHER_UID} makes {squat}")
    r = c.tool("bridge", "Local\\sq:4096", "--", "true")
    check(r.returncode == 1 and "is not a directory of your own" in r.stderr,
          "the bridge refuses another user's directory", (r.returncode, r.stderr))
    check(not c.exists("Local\\sq"), "and makes nothing")
    os.rmdir(squat)
    os.symlink("/tmp", squat)
    r = c.tool("bridge", "Local\\sq:4096", "--", "true")
    check(r.returncode == 1 and "is not a directory of your own" in r.stderr,
          "and a symlink in its place", (r.returncode, r.stderr))
    os.unlink(squat)


def main():
    if len(sys.argv) != 2 or f"case_{sys.argv[1]}" not in globals():
        print(__doc__)
        return 2
    c = Case(sys.argv[1])
    try:
        globals()[f"case_{sys.argv[1]}"](c)
    finally:
        c.close()
    print(f"{sys.argv[1]}: {'FAILED' if failures else 'passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

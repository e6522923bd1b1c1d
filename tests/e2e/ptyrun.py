#!/usr/bin/env python3
"""Runs a command on a terminal of its own and prints what the terminal
showed (escapes and carriage returns included); exits with the command's
status.

    ptyrun.py [--stdout FILE] [--answer TEXT | --stop SIG] [--prompt BYTES] [--delay S]
              [--timeout S] [--cols N] -- CMD...

--stdout FILE: the command's stdout goes into FILE instead (stdin and
stderr stay on the terminal). --answer TEXT: typed, with a newline, once
the terminal has shown --prompt (default "[y/N]"), once. --stop SIG: once
the terminal has shown --prompt, the command is stopped: INT by typing
Ctrl-C, which the terminal turns into SIGINT as it does for a person, any
other signal (TERM, HUP) sent with kill. --delay S: the answer or the stop
comes S seconds after the prompt (default 0). --cols N: the terminal is N
columns wide (and 24 lines high), as a window that narrow is. --timeout
S: a command still running S seconds after it started (default 60) is
killed, and ptyrun exits 124 after what it showed, as timeout(1) does.
"""
import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stdout")
    ap.add_argument("--answer")
    ap.add_argument("--stop")
    ap.add_argument("--delay", type=float, default=0)
    ap.add_argument("--prompt", default="[y/N]")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--cols", type=int)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command")
    pid, fd = pty.fork()
    if pid == 0:
        if a.cols:
            # Set on the terminal before the command starts, so that it
            # finds the size when it first asks.
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, a.cols, 0, 0))
        if a.stdout:
            f = os.open(a.stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(f, 1)
        os.execv(cmd[0], cmd)
    got = b""
    answered = a.answer is None and a.stop is None
    prompted = None  # when the prompt was seen
    deadline = time.time() + a.timeout
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                data = b""
            if not data:
                break
            got += data
        if prompted is None and a.prompt.encode() in got:
            prompted = time.time()
        if not answered and prompted is not None and time.time() >= prompted + a.delay:
            if a.stop == "INT":
                os.write(fd, b"\x03")
            elif a.stop:
                os.kill(pid, getattr(signal, "SIG" + a.stop))
            else:
                os.write(fd, a.answer.encode() + b"\n")
            answered = True
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0 and time.time() >= deadline:
        # Still running at the deadline: a test waiting on it would hang
        # until ctest's own timeout, with nothing to show. It ends here,
        # as timeout(1) ends a command, with what it printed so far.
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.stdout.write(got.decode("utf-8", "replace"))
        sys.stderr.write("ptyrun: %s still running after %g s: killed\n" % (cmd[0], a.timeout))
        sys.exit(124)
    if done == 0:
        _, status = os.waitpid(pid, 0)
    sys.stdout.write(got.decode("utf-8", "replace"))
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()

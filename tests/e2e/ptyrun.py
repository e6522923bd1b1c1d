#!/usr/bin/env python3
"""Runs a command on a terminal of its own and prints what the terminal
showed (escapes and carriage returns included); exits with the command's
status.

    ptyrun.py [--stdout FILE] [--answer TEXT] [--prompt BYTES] [--timeout S] -- CMD...

--stdout FILE: the command's stdout goes into FILE instead (stdin and
stderr stay on the terminal). --answer TEXT: typed, with a newline, once
the terminal has shown --prompt (default "[y/N]"), once.
"""
import argparse
import os
import pty
import select
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stdout")
    ap.add_argument("--answer")
    ap.add_argument("--prompt", default="[y/N]")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command")
    pid, fd = pty.fork()
    if pid == 0:
        if a.stdout:
            f = os.open(a.stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(f, 1)
        os.execv(cmd[0], cmd)
    got = b""
    answered = a.answer is None
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
        if not answered and a.prompt.encode() in got:
            os.write(fd, a.answer.encode() + b"\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(got.decode("utf-8", "replace"))
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()

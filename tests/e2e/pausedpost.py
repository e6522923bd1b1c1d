#!/usr/bin/env python3
"""pausedpost.py - upload a file to ptrackd in two parts with a pause.

Sends POST PATH with the whole file's Content-Length on the Unix socket
SOCK, writes the first LINES lines (with --bytes: the first LINES bytes)
at once, waits PAUSE seconds (with --until FILE: until FILE exists, PAUSE
seconds at most, and writes "resumed" on stderr when the pause ends), then
writes the rest (or, with --close, closes the connection instead: a client
that goes away; with --early, an answer that comes during the pause, as
when ptrackd stops, is taken instead of writing the rest). Writes "sent"
on stderr when the first part is out.
Prints the answer's status line and body on stdout (nothing with --close).

usage: pausedpost.py SOCK PATH FILE LINES PAUSE [--close] [--bytes] [--early] [--until FILE]
"""
import os
import select
import socket
import sys
import time


def main():
    sock, path, name, lines, pause = sys.argv[1:6]
    close = "--close" in sys.argv[6:]
    data = open(name, "rb").read()
    cut = 0
    if "--bytes" in sys.argv[6:]:
        cut = int(lines)
    else:
        for _ in range(int(lines)):
            cut = data.index(b"\n", cut) + 1
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    head = ("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\n"
            "Content-Length: %d\r\n\r\n" % (path, len(data))).encode()
    s.sendall(head + data[:cut])
    print("sent", file=sys.stderr, flush=True)
    early = False
    if "--early" in sys.argv[6:]:
        early = bool(select.select([s], [], [], float(pause))[0])
    elif "--until" in sys.argv[6:]:
        until = sys.argv[sys.argv.index("--until") + 1]
        end = time.monotonic() + float(pause)
        while not os.path.exists(until) and time.monotonic() < end:
            time.sleep(0.05)
        print("resumed", "(told to)" if os.path.exists(until) else "(after %s s)" % pause,
              file=sys.stderr, flush=True)
    else:
        time.sleep(float(pause))
    if close:
        s.close()
        return
    if not early:
        s.sendall(data[cut:])
    answer = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
        head_end = answer.find(b"\r\n\r\n")
        if head_end >= 0:
            headers = answer[:head_end].decode("latin-1").lower()
            for h in headers.split("\r\n"):
                if h.startswith("content-length:"):
                    if len(answer) - head_end - 4 >= int(h.split(":")[1]):
                        chunk = b""
            if chunk == b"":
                break
    status, _, rest = answer.partition(b"\r\n")
    print(status.decode("latin-1"))
    print(rest.partition(b"\r\n\r\n")[2].decode("utf-8"))


main()

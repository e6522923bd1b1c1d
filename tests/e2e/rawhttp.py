#!/usr/bin/env python3
"""rawhttp.py - send exact bytes to ptrackd and read the answer.

curl tidies requests up (it will not send two Transfer-Encoding headers or
a body in a wrong encoding on purpose); this sends what it is given, on the
Unix socket or on TCP, and can send a second request on the same connection
to see whether the server kept it alive.

usage: rawhttp.py (--unix SOCK | --tcp HOST:PORT)
                  (--raw FILE | --method M --path P [--header 'H: v']...
                   [--body-file F] [--json])
                  [--then-path /v1/health] [--token T]

Prints one JSON object: {"status", "headers", "body", "body_utf8", "closed",
"second_status", "second_body"}. "body_utf8" is whether the first answer's
body is valid UTF-8 (the body is shown with U+FFFD for what is not).
"closed" is true when the server closed
the connection after the first answer; "second_status" is null when the
second request got no answer.
"""
import argparse
import json
import socket
import sys


def connect(args):
    if args.unix:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(args.unix)
    else:
        host, port = args.tcp.rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
    s.settimeout(args.timeout)
    return s


class Reader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def fill(self):
        try:
            d = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            d = b""
        if not d:
            self.eof = True
        self.buf += d
        return bool(d)

    def line(self):
        while b"\r\n" not in self.buf:
            if not self.fill():
                return None
        i = self.buf.index(b"\r\n")
        out, self.buf = self.buf[:i], self.buf[i + 2:]
        return out

    def exact(self, n):
        while len(self.buf) < n:
            if not self.fill():
                break
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def response(self):
        """Returns (status, headers, body bytes) or None when the
        connection ended before a status line."""
        status_line = self.line()
        if not status_line:
            return None
        parts = status_line.split(b" ", 2)
        status = int(parts[1])
        headers = []
        while True:
            h = self.line()
            if h is None or h == b"":
                break
            name, _, value = h.decode("latin-1").partition(":")
            headers.append((name.strip(), value.strip()))
        hmap = {k.lower(): v for k, v in headers}
        body = b""
        if "content-length" in hmap:
            body = self.exact(int(hmap["content-length"]))
        elif hmap.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((self.line() or b"0").split(b";")[0], 16)
                if size == 0:
                    self.line()
                    break
                body += self.exact(size)
                self.line()
        elif status not in (204, 304) and hmap.get("connection", "").lower() == "close":
            while self.fill():
                pass
            body, self.buf = self.buf, b""
        return status, headers, body

    def closed(self):
        """True when the peer has closed (checked without blocking long)."""
        if self.eof:
            return True
        self.sock.settimeout(0.3)
        try:
            d = self.sock.recv(1, socket.MSG_PEEK)
            return d == b""
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True
        finally:
            self.sock.settimeout(5)


def build(args):
    if args.raw:
        with open(args.raw, "rb") as f:
            return f.read()
    body = b""
    if args.body_file:
        with open(args.body_file, "rb") as f:
            body = f.read()
    lines = ["%s %s HTTP/1.1" % (args.method, args.path), "Host: localhost"]
    if args.token:
        lines.append("Authorization: Bearer " + args.token)
    if args.json:
        lines.append("Content-Type: application/json")
    lines += args.header
    if args.body_file:
        lines.append("Content-Length: %d" % len(body))
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    return head + body


def text(b):
    return b.decode("utf-8", errors="replace")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--unix")
    p.add_argument("--tcp")
    p.add_argument("--raw")
    p.add_argument("--method", default="GET")
    p.add_argument("--path", default="/v1/health")
    p.add_argument("--header", action="append", default=[])
    p.add_argument("--body-file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--token")
    p.add_argument("--then-path")
    p.add_argument("--timeout", type=float, default=10)
    args = p.parse_args()

    s = connect(args)
    try:
        s.sendall(build(args))
    except (BrokenPipeError, ConnectionResetError):
        pass
    r = Reader(s)
    out = {"status": None, "headers": {}, "body": "", "body_utf8": None, "closed": True,
           "second_status": None, "second_body": ""}
    try:
        first = r.response()
    except socket.timeout:
        first = None
        out["body"] = "<timeout>"
    if first:
        out["status"], hdrs, body = first
        out["headers"] = {k: v for k, v in hdrs}
        out["body"] = text(body)
        try:
            body.decode("utf-8")
            out["body_utf8"] = True
        except UnicodeDecodeError:
            out["body_utf8"] = False
        out["closed"] = r.closed()
    if args.then_path and first:
        second = None
        try:
            extra = ""
            if args.token:
                extra = "Authorization: Bearer %s\r\n" % args.token
            s.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\n%s\r\n" %
                       (args.then_path, extra)).encode())
            second = r.response()
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            second = None
        if second:
            out["second_status"] = second[0]
            out["second_body"] = text(second[2])
    s.close()
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""raceproxy.py - a proxy before ptrackd that lets another change in first.

Listens on a free loopback port, which it writes to PORTFILE, and passes
every request on to ptrackd at UPSTREAM (http://127.0.0.1:PORT) with its
headers and body, and the answer back. Before it passes on the first PATCH
it sees, it sends a PATCH of its own to the same path, with BODY and the
request's Authorization, and waits for its answer: another person's edit
that comes in after the client has read the proposal and before its patch
arrives, every time, whatever the machine's speed. Writes "raced: STATUS"
on stderr when it has.

With PAGE and PATH, it waits instead for the first GET whose query holds
a cursor (the second page of a list), and sends its PATCH of BODY to PATH
before that one: a change made between two pages, every time.

usage: raceproxy.py PORTFILE UPSTREAM BODY [page PATH]
"""
import http.client
import os
import http.server
import sys
import threading
import urllib.parse

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


def main():
    portfile, upstream, race_body = sys.argv[1:4]
    page_path = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "page" else None
    up = urllib.parse.urlsplit(upstream)
    raced = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send_up(self, method, body, headers, path=None):
            c = http.client.HTTPConnection(up.hostname, up.port, timeout=30)
            c.request(method, path or self.path, body=body, headers=headers)
            r = c.getresponse()
            data = r.read()
            c.close()
            return r, data

        def forward(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            if page_path:
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                now = self.command == "GET" and "cursor" in query
            else:
                now = self.command == "PATCH"
            if now and not raced.is_set():
                raced.set()
                other = {"Content-Type": "application/json"}
                if "Authorization" in self.headers:
                    other["Authorization"] = self.headers["Authorization"]
                r, _ = self.send_up("PATCH", race_body.encode(), other, page_path)
                print("raced: %d" % r.status, file=sys.stderr, flush=True)
            r, data = self.send_up(self.command, body, headers)
            self.send_response(r.status, r.reason)
            for k, v in r.getheaders():
                if k.lower() not in HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = forward

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()

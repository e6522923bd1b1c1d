#!/usr/bin/env python3
"""http_receiver.py - an HTTP peer for the notify_webhook tests.

Listens on 127.0.0.1 (port 0: the kernel picks one), writes the port to
--port-file once it listens, and appends one JSON line per request to --log:
{"n", "method", "path", "headers" (lower-case names), "body" (UTF-8 text),
"status" (what it answered), "t" (seconds since the start)}.

How it answers (the first --fail-first requests fail, -1 means all):
  --fail-status 500        a failing request gets this status (404, 429, 500)
  --retry-after SECS       a failing 429 or 503 carries "Retry-After: SECS"
  --retry-after-date SECS  a failing 429 or 503 carries "Retry-After: <HTTP
                           date>", SECS from now (negative: in the past)
  --errcode N              a failing request gets 200 with a robot's error
                           body {"errcode": N, "errmsg": "sign not match"}
Every other request gets 200 with {"errcode": 0, "errmsg": "ok"}.
  --stall SECS             the first --stall-first requests (1 unless
                           given) are answered SECS after they came, as a
                           receiver that is slow to take an event is

It exits by itself after --max-seconds, so that a test that dies leaves no
server behind. Python's standard library only.
"""
import argparse
import email.utils
import http.server
import json
import os
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--fail-status", type=int, default=500)
    ap.add_argument("--retry-after", type=int, default=None)
    ap.add_argument("--retry-after-date", type=int, default=None)
    ap.add_argument("--errcode", type=int, default=None)
    ap.add_argument("--stall", type=float, default=0)
    ap.add_argument("--stall-first", type=int, default=1)
    ap.add_argument("--max-seconds", type=float, default=240)
    args = ap.parse_args()

    start = time.monotonic()
    lock = threading.Lock()
    state = {"n": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The status line and headers go out in one write and the body in
        # another: with Nagle's algorithm the body then waits for the
        # client's delayed ACK, 40 ms a request, and a notifier that posts
        # events one after another would be held to 25 a second.
        disable_nagle_algorithm = True

        def log_message(self, fmt, *a):  # quiet: the JSONL log is the record
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                state["n"] += 1
                n = state["n"]
            failing = args.fail_first < 0 or n <= args.fail_first
            extra = {}
            if not failing:
                status, answer = 200, {"errcode": 0, "errmsg": "ok"}
            elif args.errcode is not None:
                status, answer = 200, {"errcode": args.errcode, "errmsg": "sign not match"}
            else:
                status, answer = args.fail_status, {"error": "failing on purpose", "n": n}
                if status in (429, 503) and args.retry_after is not None:
                    extra["Retry-After"] = str(args.retry_after)
                if status in (429, 503) and args.retry_after_date is not None:
                    extra["Retry-After"] = email.utils.formatdate(
                        time.time() + args.retry_after_date, usegmt=True)
            record = {
                "n": n,
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", errors="replace"),
                "status": status,
                "t": round(time.monotonic() - start, 3),
            }
            with lock:
                with open(args.log, "a", encoding="utf-8") as f:
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
            if args.stall and n <= args.stall_first:
                time.sleep(args.stall)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    timer = threading.Timer(args.max_seconds, srv.shutdown)
    timer.daemon = True
    timer.start()
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""feedclient.py - drives GET /v1/events as an event stream for
test_feed_stream.sh, over the daemon's Unix socket.

  feedclient.py SOCK backlog AFTER LIMIT LAST SECONDS
      reads a stream from AFTER with pages of LIMIT for at most SECONDS;
      prints the ids it got: "count first last" (0 - - for none), stopping
      early once LAST has come.
  feedclient.py SOCK stalled N PID COUNT KB
      opens N streams that never read, then creates COUNT proposals with a
      background of about KB kilobytes each; prints the daemon's VmRSS in
      kB before and after.
  feedclient.py SOCK slow COUNT KB RATE
      creates COUNT proposals of KB kilobytes, then reads a stream of them
      at about RATE kilobytes a second; prints how many it got and "ended"
      when the daemon closed the stream before the last came, else "open".
  feedclient.py SOCK closed SECONDS
      opens one stream that does not read, creates 40 proposals of 200 kB,
      waits SECONDS, then reads: prints "closed" when the stream ends
      (the daemon closed it), "open" when it is still open 2 s later.
  feedclient.py SOCK ids AFTER LIMIT LAST SECONDS [LAST_EVENT_ID]
      reads a stream from AFTER with pages of LIMIT (sending LAST_EVENT_ID
      as Last-Event-ID when given) for at most SECONDS, stopping early
      once LAST has come; prints the ids it got, joined by commas ("-" for
      none), then "ended" when the daemon ended the stream, else "open".
"""
import json
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def request(path, method, target, body=None):
    s = connect(path)
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    head = "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" % (method, target)
    if body is not None:
        head += "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(data)
    s.sendall(head.encode() + b"\r\n" + data)
    out = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        out += d
    s.close()
    status = int(out.split(b" ", 2)[1])
    return status, out.split(b"\r\n\r\n", 1)[1]


def open_stream(path, after, limit, rcvbuf=None, extra=""):
    s = connect(path)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.sendall(("GET /v1/events?after=%d&limit=%d HTTP/1.1\r\nHost: localhost\r\n"
               "Accept: text/event-stream\r\n%s\r\n" % (after, limit, extra)).encode())
    return s


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def create(path, n, kb):
    text = "关于加强基层治理的背景说明。" * (kb * 1024 // 42 + 1)
    st, _ = request(path, "POST", "/v1/proposals",
                    {"title": "关于压力测试的建议 %d" % n, "background": text})
    if st != 201:
        sys.exit("create answered %d" % st)


def backlog(path, after, limit, last, seconds):
    s = open_stream(path, after, limit)
    s.settimeout(0.2)
    buf = b""
    ids = []
    end = time.time() + seconds
    while time.time() < end:
        try:
            d = s.recv(65536)
        except socket.timeout:
            continue
        if not d:
            break
        buf += d
        *lines, buf = buf.split(b"\n")
        ids += [int(l[4:]) for l in lines if l.startswith(b"id: ")]
        if ids and ids[-1] >= last:
            break
    s.close()
    print("%d %s %s" % (len(ids), ids[0] if ids else "-", ids[-1] if ids else "-"))


def stalled(path, n, pid, count, kb):
    st, body = request(path, "GET", "/v1/health")
    last = json.loads(body)["last_seq"]
    streams = [open_stream(path, last, 100, rcvbuf=4096) for _ in range(n)]
    time.sleep(0.3)
    before = rss_kb(pid)
    for i in range(count):
        create(path, i, kb)
    time.sleep(0.5)
    print(before, rss_kb(pid))
    for s in streams:
        s.close()


def slow(path, count, kb, rate):
    st, body = request(path, "GET", "/v1/health")
    last = json.loads(body)["last_seq"]
    for i in range(count):
        create(path, i, kb)
    s = open_stream(path, last, 100, rcvbuf=4096)
    s.settimeout(0.2)
    buf, got, ended = b"", 0, False
    t0 = time.time()
    while got < count and time.time() - t0 < 120:
        try:
            d = s.recv(int(rate * 1024 / 5))
        except socket.timeout:
            continue
        except ConnectionResetError:
            d = b""
        if not d:
            ended = True
            break
        buf += d
        *lines, buf = buf.split(b"\n")
        got += sum(1 for l in lines if l.startswith(b"id: "))
        time.sleep(0.2)
    s.close()
    print(got, "ended" if ended else "open")


def closed(path, seconds):
    st, body = request(path, "GET", "/v1/health")
    last = json.loads(body)["last_seq"]
    s = open_stream(path, last, 100, rcvbuf=4096)
    for i in range(40):
        create(path, i, 200)
    time.sleep(seconds)
    # Now take everything: a stream the daemon closed ends (EOF).
    s.settimeout(2)
    try:
        while True:
            d = s.recv(1 << 20)
            if not d:
                print("closed")
                return
    except socket.timeout:
        print("open")
    except ConnectionResetError:
        print("closed")


def ids(path, after, limit, last, seconds, last_event_id=None):
    # Connection: close, so that the end of the stream is the end of the
    # connection (the last chunk is taken for one as well).
    extra = "Connection: close\r\n"
    if last_event_id is not None:
        extra += "Last-Event-ID: %s\r\n" % last_event_id
    s = open_stream(path, after, limit, extra=extra)
    s.settimeout(0.2)
    buf, tail, got, ended = b"", b"", [], False
    end = time.time() + seconds
    while time.time() < end:
        try:
            d = s.recv(1 << 20)
        except socket.timeout:
            continue
        except ConnectionResetError:
            d = b""
        if not d:
            ended = True
            break
        tail = (tail + d)[-7:]
        buf += d
        *lines, buf = buf.split(b"\n")
        got += [int(l[4:]) for l in lines if l.startswith(b"id: ")]
        if tail == b"\r\n0\r\n\r\n":
            ended = True
            break
        if got and got[-1] >= last:
            break
    s.close()
    print(",".join(map(str, got)) or "-", "ended" if ended else "open")


def main():
    path, mode = sys.argv[1], sys.argv[2]
    a = sys.argv[3:]
    if mode == "backlog":
        backlog(path, int(a[0]), int(a[1]), int(a[2]), float(a[3]))
    elif mode == "stalled":
        stalled(path, int(a[0]), int(a[1]), int(a[2]), int(a[3]))
    elif mode == "slow":
        slow(path, int(a[0]), int(a[1]), float(a[2]))
    elif mode == "closed":
        closed(path, float(a[0]))
    elif mode == "ids":
        ids(path, int(a[0]), int(a[1]), int(a[2]), float(a[3]), a[4] if len(a) > 4 else None)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()

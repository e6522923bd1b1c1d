"""fakeserver.py - the start of a stand-in for ptrackd on a Unix socket,
for the tests of how ptrack copes with a server that fails it: binds
PATH, says so by making PATH.ready (and PATH.pid, its pid: python3 may be
a launcher that runs it), takes one connection and reads one request's
head.

    from fakeserver import accept_request
    conn, head, body, length = accept_request(path)

body is what came after the head in the same reads (the start of the
request's body), length its Content-Length (0 without one). A stand-in
that answers one connection after another keeps its socket:

    s = listen(path)
    while True:
        conn, _ = s.accept()
        head, body, length = read_request(conn)

or, passing over a connection closed before its request's head:

    for conn, head, body, length in requests(path):
        ...

and one that answers each with JSON and closes it calls
answer_json(conn, body)."""
import os
import socket


def listen(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(8)
    open(path + ".ready", "w").close()
    with open(path + ".pid", "w") as f:
        f.write(str(os.getpid()))
    return s


def read_request(c):
    data = b""
    while b"\r\n\r\n" not in data:
        got = c.recv(65536)
        if not got:
            raise SystemExit("the connection closed before the request's head")
        data += got
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    return head, body, length


def requests(path):
    s = listen(path)
    while True:
        c, _ = s.accept()
        try:
            head, body, length = read_request(c)
        except SystemExit:
            c.close()
            continue
        yield c, head, body, length


def answer_json(c, body, status="200 OK"):
    if isinstance(body, str):
        body = body.encode()
    c.sendall(b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nConnection: close\r\n"
              b"Content-Length: %d\r\n\r\n%s" % (status.encode(), len(body), body))
    c.close()


def accept_request(path):
    s = listen(path)
    c, _ = s.accept()
    s.close()
    head, body, length = read_request(c)
    return c, head, body, length

"""An SMTP server that closes a connection left idle, as every real one
does (Postfix after 300 s, 10 s when it is busy), but after IDLE seconds:
it says "421 4.4.2 idle timeout" and closes it. Each mail's DATA goes to
DIR/mail.N; each connection made is a line "connect" in DIR/connections.

    python3 smtp_idle.py PORT DIR IDLE
"""
import os
import socket
import sys
import threading

port, d, idle = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
os.makedirs(d, exist_ok=True)
lock = threading.Lock()
mails = [0]


def serve(c):
    with lock:
        with open(os.path.join(d, "connections"), "a") as f:
            f.write("connect\n")
    f = c.makefile("rb")

    def send(text):
        c.sendall(text.encode() + b"\r\n")

    send("220 idle.example.org ESMTP")
    while True:
        c.settimeout(idle)
        try:
            line = f.readline()
        except socket.timeout:
            send("421 4.4.2 idle.example.org idle timeout")
            c.close()
            return
        c.settimeout(None)
        if not line:
            c.close()
            return
        cmd = line[:4].upper()
        if cmd in (b"EHLO", b"HELO"):
            send("250 idle.example.org")
        elif cmd == b"DATA":
            send("354 end with <CRLF>.<CRLF>")
            raw = b""
            for data in iter(f.readline, b""):
                if data == b".\r\n":
                    break
                raw += data
            with lock:
                mails[0] += 1
                with open(os.path.join(d, "mail.%d" % mails[0]), "wb") as out:
                    out.write(raw)
            send("250 2.0.0 queued")
        elif cmd == b"QUIT":
            send("221 2.0.0 bye")
            c.close()
            return
        else:
            send("250 2.0.0 ok")


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(8)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()

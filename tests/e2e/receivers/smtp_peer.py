"""An SMTP server for the tests of notify_email, which misbehaves as real
ones and the networks before them do. Each mail's DATA goes to DIR/mail.N;
each connection made is a line "connect" in DIR/connections.

    python3 smtp_peer.py PORT DIR [--idle SECS] [--stall-data] [--mute-quit]
                                  [--starttls-first] [--auth] [--relay-denied]
                                  [--busy N] [--full N]

--idle SECS   a connection left idle that long is closed, as every server
              does (Postfix after 300 s, 10 s when it is busy), with "421
              4.4.2 idle timeout"; its number (the Nth connection made, as
              DIR/connections counts them) is then a line of DIR/idle_closed
--stall-data  the end of DATA is never answered (the mail is kept)
--mute-quit   QUIT is never answered, nor the connection closed: a server
              that hangs, or a connection that a firewall dropped while it
              was idle
--starttls-first  STARTTLS is offered, and MAIL FROM refused until it is
              issued: "530 5.7.0 Must issue a STARTTLS command first", as
              Postfix with smtpd_tls_security_level = encrypt (it is never
              issued: this server speaks no TLS)
--auth        AUTH PLAIN is offered and taken (any login); each login is a
              line "auth" in DIR/logins
--relay-denied  RCPT TO is refused for a client that has not logged in:
              "554 5.7.1 Relay access denied", as Postfix does for a
              client outside mynetworks
--busy N      of every N + 1 MAIL FROM, the first N are refused for now,
              before any recipient is named: "451 4.3.2 System busy, try
              again later" (a server under load, its queue full)
--full N      of every N + 1 RCPT TO a mailbox whose name begins with
              "full" (full@example.org), the first N are refused for now:
              "452 4.2.2 <ADDR>: mailbox full, try later"; other
              recipients are taken
"""
import argparse
import os
import socket
import threading

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("dir")
ap.add_argument("--idle", type=float)
ap.add_argument("--stall-data", action="store_true")
ap.add_argument("--mute-quit", action="store_true")
ap.add_argument("--starttls-first", action="store_true")
ap.add_argument("--auth", action="store_true")
ap.add_argument("--relay-denied", action="store_true")
ap.add_argument("--busy", type=int, default=0)
ap.add_argument("--full", type=int, default=0)
args = ap.parse_args()
d = args.dir
os.makedirs(d, exist_ok=True)
lock = threading.Lock()
mails = [0]
# How many MAIL FROM, and RCPT TO a "full" mailbox, have come.
counts = {"mail": 0, "full": 0}


def refuse_now(what, n):
    """Whether the one that comes now of what (counted) is refused: the
    first n of every n + 1."""
    with lock:
        counts[what] += 1
        return n > 0 and (counts[what] - 1) % (n + 1) < n

stop = threading.Event()


def serve(c):
    with lock:
        with open(os.path.join(d, "connections"), "a") as f:
            f.write("connect\n")
        with open(os.path.join(d, "connections")) as f:
            number = len(f.readlines())
    f = c.makefile("rb")

    def send(text):
        c.sendall(text.encode() + b"\r\n")

    send("220 peer.example.org ESMTP")
    logged_in = False
    while True:
        c.settimeout(args.idle)
        try:
            line = f.readline()
        except socket.timeout:
            send("421 4.4.2 peer.example.org idle timeout")
            c.close()
            with lock:
                with open(os.path.join(d, "idle_closed"), "a") as out:
                    out.write("%d\n" % number)
            return
        c.settimeout(None)
        if not line:
            c.close()
            return
        cmd = line[:4].upper()
        if cmd in (b"EHLO", b"HELO"):
            if args.starttls_first and cmd == b"EHLO":
                send("250-peer.example.org")
                send("250 STARTTLS")
            elif args.auth and cmd == b"EHLO":
                send("250-peer.example.org")
                send("250 AUTH PLAIN LOGIN")
            else:
                send("250 peer.example.org")
        elif cmd == b"MAIL" and args.starttls_first:
            send("530 5.7.0 Must issue a STARTTLS command first")
        elif cmd == b"MAIL" and refuse_now("mail", args.busy):
            send("451 4.3.2 System busy, try again later")
        elif (cmd == b"RCPT" and b"<full" in line.lower()
              and refuse_now("full", args.full)):
            addr = line.split(b"<", 1)[1].split(b">", 1)[0].decode()
            send("452 4.2.2 <%s>: mailbox full, try later" % addr)
        elif cmd == b"AUTH" and args.auth:
            if len(line.split()) < 3:
                send("334 ")
                f.readline()
            logged_in = True
            with lock:
                with open(os.path.join(d, "logins"), "a") as out:
                    out.write("auth\n")
            send("235 2.7.0 Authentication successful")
        elif cmd == b"RCPT" and args.relay_denied and not logged_in:
            send("554 5.7.1 Relay access denied")
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
            if args.stall_data:
                stop.wait()
            send("250 2.0.0 queued")
        elif cmd == b"QUIT":
            if args.mute_quit:
                stop.wait()
            send("221 2.0.0 bye")
            c.close()
            return
        else:
            send("250 2.0.0 ok")


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", args.port))
s.listen(8)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()

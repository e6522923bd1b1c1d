"""unixhttp.py - an http.client connection to ptrackd's Unix socket, for
the bench scripts (aged-measure.py, walk-years.py)."""
import http.client
import socket


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost")
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)

"""A server that stalls, as a slow or busy ptrackd would, for the tests that
stop ptrack in the middle of a transfer.

    stall_http.py PORT [DONE_FILE]

POST takes the whole upload, makes DONE_FILE (when given) and then answers
nothing, as ptrackd does while it stores a large import. GET starts an
export (a 10 MB CSV by its Content-Length), sends its first 18 kB and then
sends nothing more. Both wait a minute before they let the connection go.
"""
import http.server
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        if len(sys.argv) > 2:
            open(sys.argv[2], "w").close()
        time.sleep(60)

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", "10000000")
        self.end_headers()
        self.wfile.write(b"id,title\n" * 2000)
        self.wfile.flush()
        time.sleep(60)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()

#!/usr/bin/env python3
"""crashcheck.py - after a kill -9 and a restart, check that nothing
acknowledged was lost and that proposals, history and events agree.

usage: crashcheck.py SOCKET ACK_FILE...

Each ACK_FILE holds lines "ID VERSION": a write that ptrackd acknowledged
(2xx) with that proposal at that version. Checks:
  - every acknowledged proposal exists, at a version >= the acknowledged one;
  - every proposal's history has exactly `version` entries, seq 1..version
    (docs/api.md: an entry's seq is the version after it), the first a create (or the import that made it) (one entry per change: none lost, none extra);
  - the change feed's seq runs 1..last_seq without a gap or repeat, its
    last_seq is the one /v1/health reports, and each proposal has exactly
    `version` events, the last of which shows the proposal at its version
    (proposal, history entry and event were committed together).
Prints one line per problem (at most 20 of a kind) and a summary; exits 1
when there was a problem.
"""
import http.client
import json
import socket
import sys
import urllib.parse


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(self.unix_path)


def main():
    sock_path = sys.argv[1]
    conn = UnixConnection(sock_path)

    def get(path):
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit("GET %s: HTTP %d %s" % (path, r.status, body[:300]))
        return json.loads(body)

    problems = {}

    def problem(kind, text):
        problems.setdefault(kind, []).append(text)

    acked = {}
    n_acks = 0
    for name in sys.argv[2:]:
        with open(name) as f:
            for line in f:
                parts = line.split()
                if len(parts) != 2:
                    continue  # a line cut by the end of its writer
                pid, ver = int(parts[0]), int(parts[1])
                n_acks += 1
                acked[pid] = max(acked.get(pid, 0), ver)

    versions = {}
    cursor = None
    while True:
        q = {"limit": "500", "sort": "id"}
        if cursor:
            q["cursor"] = cursor
        page = get("/v1/proposals?" + urllib.parse.urlencode(q))
        for p in page["items"]:
            versions[p["id"]] = p["version"]
        cursor = page["next"]
        if not cursor:
            break

    for pid, ver in sorted(acked.items()):
        if pid not in versions:
            problem("lost", "proposal %d was acknowledged (version %d) but is gone" % (pid, ver))
        elif versions[pid] < ver:
            problem("lost", "proposal %d was acknowledged at version %d but is at %d"
                    % (pid, ver, versions[pid]))

    for pid, ver in sorted(versions.items()):
        items = get("/v1/proposals/%d/history" % pid)["items"]
        seqs = [i["seq"] for i in items]
        if len(items) != ver:
            problem("history", "proposal %d is at version %d but has %d history entries: %s"
                    % (pid, ver, len(items), [i["action"] for i in items]))
        if seqs != list(range(1, len(seqs) + 1)):
            problem("history", "proposal %d: history seq is not 1..%d: %s" % (pid, len(seqs), seqs))
        if items and items[0]["action"] not in ("create", "import"):
            problem("history", "proposal %d: history starts with %s" % (pid, items[0]["action"]))

    events = []
    after = 0
    last_seq = None
    while True:
        page = get("/v1/events?after=%d&limit=1000" % after)
        events += page["items"]
        last_seq = page["last_seq"]
        if not page["items"]:
            break
        after = page["items"][-1]["seq"]
    seqs = [e["seq"] for e in events]
    if seqs != list(range(1, len(seqs) + 1)):
        gaps = [(a, b) for a, b in zip([0] + seqs, seqs) if b != a + 1]
        problem("events", "the feed's seq has gaps or repeats at %s" % gaps[:10])
    health = get("/v1/health")
    if seqs and health.get("last_seq") != seqs[-1]:
        problem("events", "health.last_seq is %s but the feed ends at %d"
                % (health.get("last_seq"), seqs[-1]))
    if seqs and last_seq != seqs[-1]:
        problem("events", "the feed's last_seq is %s but its last item is %d" % (last_seq, seqs[-1]))
    per = {}
    last_version = {}
    for e in events:
        p = e.get("proposal") or {}
        pid = p.get("id")
        per[pid] = per.get(pid, 0) + 1
        last_version[pid] = p.get("version")
    for pid, ver in sorted(versions.items()):
        if per.get(pid, 0) != ver:
            problem("events", "proposal %d is at version %d but has %d events"
                    % (pid, ver, per.get(pid, 0)))
        elif last_version.get(pid) != ver:
            problem("events", "proposal %d is at version %d but its last event shows version %s"
                    % (pid, ver, last_version.get(pid)))
    for pid in per:
        if pid not in versions:
            problem("events", "events for proposal %s, which does not exist" % pid)

    for kind, lines in problems.items():
        for line in lines[:20]:
            print("FAIL %s: %s" % (kind, line))
        if len(lines) > 20:
            print("FAIL %s: ... and %d more" % (kind, len(lines) - 20))
    print("checked %d acknowledgements of %d proposals; %d proposals, %d events; %s"
          % (n_acks, len(acked), len(versions), len(events),
             "OK" if not problems else "%d problems" % sum(len(v) for v in problems.values())))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Times a handling unit's and a delegate's change feed (GET /v1/events
with a token bound to a unit or a person) against one or more running
ptrackd, side by side: each read is asked of every ptrackd in turn, once to
warm the caches and then N times (default 5), and that R times (default 5);
prints for each ptrackd the best of the R bests and their range, in ms.

    python3 bench/feed-measure.py [--n N] [--runs R] [--sql DB] SOCKET PORT [SOCKET PORT ...]

Each ptrackd is given by its Unix socket (where the script, as the admin,
makes its tokens) and the port of its loopback TCP listener (where the
tokens are used). Meant for copies of the store of bench/aged-store.sh,
one ptrackd on each: a big unit (省财政厅, one of 60, 2,700 proposals), a
small one (省档案局, whose 20 proposals the script makes once, at the
newest end of the feed, if it has none), and a delegate (the lead author
of proposal 1). The reads: a page of 100 from after=0, from the middle of
the feed, over its newest 1,000 events and with nothing new; the whole
feed of the scope walked page by page (once a run); and a long poll's
wake-up (from the write that concerns the scope until the poll's answer).
With --sql DB, the plain query of a page (the one ptrackd ran before
schema 15) is timed on DB as well, through Python's sqlite3.

The answers of every ptrackd must hold the same events (seq, type,
action, proposal id) and the same last_seq; the script says when not.
"""
import argparse
import http.client
import json
import sqlite3
import threading
import time
import urllib.parse

from unixhttp import UnixHTTP

BIG_UNIT = "省财政厅"
SMALL_UNIT = "省档案局"


def request(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, urllib.parse.quote(path, safe="/?=&,:-"),
                 body=json.dumps(body).encode() if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, json.loads(data) if data else None


class Daemon:
    def __init__(self, socket_path, port):
        self.sock = UnixHTTP(socket_path)
        self.port = port
        self.tcp = http.client.HTTPConnection("127.0.0.1", port)
        self.tokens = {}

    def admin(self, method, path, body=None):
        return request(self.sock, method, path, body)

    def token(self, name, role, bound):
        self.admin("DELETE", "/v1/tokens/" + name)
        body = {"name": name, "role": role}
        body["unit" if role == "unit" else "person"] = bound
        status, j = self.admin("POST", "/v1/tokens", body)
        assert status == 201, (status, j)
        self.tokens[name] = j["token"]

    def small_unit(self):
        """Gives the small unit 20 proposals, unless it has some."""
        status, j = self.admin("GET", "/v1/proposals?unit=" + SMALL_UNIT + "&limit=1")
        if j["items"]:
            return
        for i in range(20):
            status, p = self.admin("POST", "/v1/proposals",
                                   {"title": "关于加强档案数字化建设的建议（%d）" % (i + 1),
                                    "kind": "suggestion", "lead_author": "档案测试代表"})
            assert status == 201, (status, p)
            status, p = self.admin("POST", "/v1/proposals/%d/actions/assign" % p["id"],
                                   {"mode": "single",
                                    "units": [{"name": SMALL_UNIT, "role": "lead"}]})
            assert status == 200, (status, p)

    def feed(self, token, query):
        t = time.perf_counter()
        status, j = request(self.tcp, "GET", "/v1/events?" + query, token=token)
        dt = time.perf_counter() - t
        assert status == 200, (status, j)
        return dt, j


def shape(j):
    """What must be the same on every ptrackd."""
    return ([(e["seq"], e["type"], e["action"], (e["proposal"] or {}).get("id"))
             for e in j["items"]], j["last_seq"])


def walk(d, token):
    after, pages, n = 0, 0, 0
    t = time.perf_counter()
    while True:
        _, j = d.feed(token, "after=%d" % after)
        pages += 1
        n += len(j["items"])
        if j["last_seq"] == after or len(j["items"]) < 100:
            break
        after = j["last_seq"]
    return time.perf_counter() - t, "%d pages, %d events" % (pages, n)


def wake(d, token, pid, last, flag):
    """A long poll after the newest event; a write to proposal pid (in the
    scope) wakes it. Returns the time from the write until the answer."""
    got = {}

    def poll():
        c = http.client.HTTPConnection("127.0.0.1", d.port)
        status, j = request(c, "GET", "/v1/events?after=%d&wait=30" % last, token=token)
        got["t"] = time.perf_counter()
        got["j"] = j
        c.close()

    th = threading.Thread(target=poll)
    th.start()
    time.sleep(0.2)
    t = time.perf_counter()
    status, p = d.admin("POST", "/v1/proposals/%d/actions/supervise" % pid,
                        {"key_supervision": flag, "supervisor": "测试督办"})
    assert status == 200, (status, p)
    th.join()
    assert got["j"]["items"], got
    return got["t"] - t, got["j"]["items"][0]["seq"]


def plain_sql(db, column, value, after):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    c.execute("PRAGMA cache_size=-8000")
    q = ("SELECT seq, type, at, actor, action, from_state, to_state, coalesce(proposal,"
         " (SELECT doc FROM proposals p WHERE p.id = e.proposal_id AND p.version = e.ref_version),"
         " (SELECT doc FROM proposal_versions v WHERE v.proposal_id = e.proposal_id"
         " AND v.version = e.ref_version)), data, ref_version, ref_overdue FROM events e"
         " NOT INDEXED WHERE seq > ?1 AND proposal_id IN (%s) ORDER BY seq LIMIT 100" % column)
    return c, q, (after, value)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sql")
    ap.add_argument("daemons", nargs="+")
    a = ap.parse_args()
    ds = [Daemon(a.daemons[i], int(a.daemons[i + 1])) for i in range(0, len(a.daemons), 2)]
    person = ds[0].admin("GET", "/v1/proposals/1")[1]["lead_author"]
    for d in ds:
        d.small_unit()
        d.token("feed-big-unit", "unit", BIG_UNIT)
        d.token("feed-small-unit", "unit", SMALL_UNIT)
        d.token("feed-delegate", "delegate", person)
    units = "SELECT proposal_id FROM proposal_units WHERE name = ?2"
    people = "SELECT proposal_id FROM proposal_people WHERE person = ?2"
    scopes = [("unit %s" % BIG_UNIT, "feed-big-unit", units, BIG_UNIT, "unit=" + BIG_UNIT),
              ("unit %s (20 proposals)" % SMALL_UNIT, "feed-small-unit", units, SMALL_UNIT,
               "unit=" + SMALL_UNIT),
              ("delegate %s" % person, "feed-delegate", people, person, "person=" + person)]
    rows = []   # (name, [bests per run per daemon], note)
    for run in range(a.runs):
        last = ds[0].admin("GET", "/v1/health")[1]["last_seq"]
        reads = [("after=0", 0), ("after=middle", last // 2), ("the newest 1,000", last - 1000),
                 ("nothing new", last)]
        i = 0
        for sname, tname, within, value, filt in scopes:
            for rname, after in reads:
                bests, shapes = [], []
                for d in ds:
                    tok = d.tokens[tname]
                    d.feed(tok, "after=%d" % after)
                    ts = []
                    for _ in range(a.n):
                        dt, j = d.feed(tok, "after=%d" % after)
                        ts.append(dt)
                    bests.append(min(ts))
                    shapes.append(shape(j))
                if a.sql:
                    c, q, args = plain_sql(a.sql, within, value, after)
                    c.execute(q, args).fetchall()
                    ts = []
                    for _ in range(a.n):
                        t = time.perf_counter()
                        c.execute(q, args).fetchall()
                        ts.append(time.perf_counter() - t)
                    bests.append(min(ts))
                    c.close()
                note = "" if all(s == shapes[0] for s in shapes) else "DIFFERENT ANSWERS"
                if run == 0:
                    rows.append(["%s, %s" % (sname, rname), [], note, len(shapes[0][0])])
                rows[i][1].append(bests)
                rows[i][2] = rows[i][2] or note
                i += 1
            bests, notes = [], []
            for d in ds:
                dt, note = walk(d, d.tokens[tname])
                bests.append(dt)
                notes.append(note)
            if run == 0:
                rows.append(["%s, the whole feed" % sname, [], "", notes[0]])
            rows[i][1].append(bests)
            if len(set(notes)) > 1:
                rows[i][2] = "DIFFERENT: " + " / ".join(notes)
            i += 1
            # A long poll's wake-up, on a proposal of the scope.
            bests = []
            for d in ds:
                tok = d.tokens[tname]
                # A proposal of the scope still open (supervise needs one).
                pid = d.admin("GET", "/v1/proposals?limit=1&status=assigned,handling&" +
                              filt)[1]["items"][0]["id"]
                h = d.admin("GET", "/v1/health")[1]["last_seq"]
                dt, seq = wake(d, tok, pid, h, run % 2 == 0)
                bests.append(dt)
            if run == 0:
                rows.append(["%s, a long poll's wake-up" % sname, [], "", ""])
            rows[i][1].append(bests)
            i += 1
    names = ["ptrackd %d" % (k + 1) for k in range(len(ds))] + (["plain SQL"] if a.sql else [])
    print("%-62s %s" % ("read (ms: best, range of the %d runs' best of %d)" % (a.runs, a.n),
                        "  ".join("%-20s" % n for n in names)))
    for name, runs, note, items in rows:
        cols = []
        for k in range(len(runs[0])):
            v = sorted(r[k] * 1000 for r in runs)
            cols.append("%-20s" % ("%.1f (%.1f-%.1f)" % (v[0], v[0], v[-1])))
        print("%-62s %s %s %s" % (name, "  ".join(cols), items, note))


if __name__ == "__main__":
    main()

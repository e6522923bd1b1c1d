#!/usr/bin/env python3
"""Asks two running ptrackd (an old build and a new one, each on its own
copy of the same store) for the same statistics, and says whether their
JSON is the same, byte for byte, and how long each took: to check that a
change of how GET /v1/stats counts changes no figure.

    python3 bench/stats-compare.py OLD_SOCKET NEW_SOCKET

The queries are the whole store and, for each value the store's own
figures name (its units, delegations, categories, states) and a sample of
its sessions and people, the scope of that value, with the other filters
(todo, kind, tag, deadlines, search) and some of them combined. overdue
and due_within_7d move with the clock: a query whose answers differ is
asked again of both before it counts as a difference. Exits 1 if any
differs.
"""
import json
import sys
import time
import urllib.parse

from unixhttp import UnixHTTP


def main():
    old, new = UnixHTTP(sys.argv[1]), UnixHTTP(sys.argv[2])

    def get(c, path):
        t = time.perf_counter()
        c.request("GET", urllib.parse.quote(path, safe="/?=&,:-"))
        r = c.getresponse()
        body = r.read()
        return r.status, body, time.perf_counter() - t

    status, body, _ = get(old, "/v1/stats")
    whole = json.loads(body)
    n = json.loads(get(old, "/v1/health")[1])["proposals"]
    last = json.loads(get(old, "/v1/proposals?sort=-id&limit=1")[1])["items"][0]["id"]
    sessions, people = set(), set()
    for i in range(1, last + 1, max(1, last // 40)):
        s, b, _ = get(old, "/v1/proposals/%d" % i)
        if s == 200:
            p = json.loads(b)
            if p.get("session"):
                sessions.add(p["session"])
            if p.get("lead_author"):
                people.add(p["lead_author"])
    units = sorted(whole["by_unit"])
    queries = [""]
    queries += ["session=" + s for s in sorted(sessions)]
    queries += ["unit=" + u for u in units]
    queries += ["delegation=" + d for d in sorted(whole["by_delegation"])]
    queries += ["category=" + c for c in sorted(whole["by_category"])]
    queries += ["status=" + s for s in sorted(whole["by_status"])]
    queries += ["status=handling,rehandling", "status=assigned,handling,rehandling,replied"]
    queries += ["kind=" + k for k in ("suggestion", "motion", "proposal", "other")]
    queries += ["person=" + p for p in sorted(people)[:10]]
    for u in units[:8]:
        queries += ["unit=%s&todo=%s" % (u, t) for t in ("sign", "opinion", "reply", "sign,reply")]
        queries += ["unit=%s&status=handling" % u, "unit=%s&overdue=true" % u]
    s0 = sorted(sessions)[-1] if sessions else ""
    queries += ["session=%s&unit=%s" % (s0, u) for u in units[:8]]
    queries += ["session=%s&status=closed" % s0, "session=%s&overdue=false" % s0]
    queries += ["tag=民生", "tag=年度督办", "tag=年度督办&status=closed"]
    queries += ["key_supervision=true", "key_supervision=false", "overdue=true", "overdue=false"]
    queries += ["due_before=" + time.strftime("%Y-12-31"), "due_before=2000-01-01"]
    queries += ["q=饮水安全", "q=养老", "q=饮水安全&session=" + s0]

    print("%d proposals, %d queries" % (n, len(queries)))
    differ = 0
    t_old = t_new = 0.0
    for q in queries:
        path = "/v1/stats" + ("?" + q if q else "")
        for attempt in range(2):
            so, bo, to = get(old, path)
            sn, bn, tn = get(new, path)
            if (so, bo) == (sn, bn):
                break
        t_old += to
        t_new += tn
        same = (so, bo) == (sn, bn)
        differ += not same
        print("%-4s %8.1f %8.1f ms  %s" % ("same" if same else "DIFF", to * 1000, tn * 1000,
                                             q or "(the whole store)"))
        if not same:
            print("  old %d %s\n  new %d %s" % (so, bo.decode(), sn, bn.decode()))
    print("%d of %d differ; %.2f s old, %.2f s new" % (differ, len(queries), t_old, t_new))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()

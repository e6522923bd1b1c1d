#!/usr/bin/env python3
"""Times the reads an office makes every day against a running ptrackd, over
its Unix socket: lists with the common filters and sorts, full-text search,
statistics, the change feed from an old cursor, a history, /metrics and
exports. Each is asked once to warm the caches, then N times (default 5);
prints the best and the median time and how many items came.

    python3 bench/aged-measure.py SOCKET [N]

Meant for the store of bench/aged-store.sh (the unit, tag, session and
person it asks for are of that store).
"""
import json
import sys
import time
import urllib.parse

from unixhttp import UnixHTTP


READS = [
    ("list", "/v1/proposals"),
    ("list status=handling", "/v1/proposals?status=handling"),
    ("list status=closed", "/v1/proposals?status=closed"),
    ("list status=handling,rehandling sort=due_at", "/v1/proposals?status=handling,rehandling&sort=due_at"),
    ("list status=closed sort=-updated_at", "/v1/proposals?status=closed&sort=-updated_at"),
    ("list status=closed sort=created_at", "/v1/proposals?status=closed&sort=created_at"),
    ("list status=closed sort=due_at", "/v1/proposals?status=closed&sort=due_at"),
    ("list status=handling sort=-updated_at", "/v1/proposals?status=handling&sort=-updated_at"),
    ("list status=closed,withdrawn sort=-updated_at", "/v1/proposals?status=closed,withdrawn&sort=-updated_at"),
    ("list status=closed sort=-updated_at, a page deep", "/v1/proposals?status=closed&sort=-updated_at&cursor={DEEP}"),
    ("list session (the first) status=closed sort=-updated_at", "/v1/proposals?session={FIRST_SESSION}&status=closed&sort=-updated_at"),
    ("list unit status=closed sort=-updated_at", "/v1/proposals?unit=省财政厅&status=closed&sort=-updated_at"),
    ("list tag status=closed sort=-updated_at", "/v1/proposals?tag=民生&status=closed&sort=-updated_at"),
    ("list unit", "/v1/proposals?unit=省财政厅"),
    ("list unit status=handling", "/v1/proposals?unit=省财政厅&status=handling"),
    ("list unit todo=sign,reply", "/v1/proposals?unit=省财政厅&todo=sign,reply"),
    ("list unit overdue", "/v1/proposals?unit=省财政厅&overdue=true"),
    ("list overdue", "/v1/proposals?overdue=true"),
    ("list overdue sort=due_at", "/v1/proposals?overdue=true&sort=due_at"),
    ("list due_before", "/v1/proposals?due_before={YEAR_END}"),
    ("list key_supervision", "/v1/proposals?key_supervision=true"),
    ("list q=饮水安全 (trigram index)", "/v1/proposals?q=饮水安全"),
    ("list q=养老 (2 characters: LIKE)", "/v1/proposals?q=养老"),
    ("list q with no match", "/v1/proposals?q=不存在的词语"),
    ("list tag", "/v1/proposals?tag=民生"),
    ("list tag sort=-updated_at", "/v1/proposals?tag=年度督办&sort=-updated_at"),
    ("list person", "/v1/proposals?person={PERSON}"),
    ("list delegation", "/v1/proposals?delegation=太原代表团"),
    ("list category status=closed", "/v1/proposals?category=医疗卫生&status=closed"),
    ("list session", "/v1/proposals?session={SESSION}"),
    ("list sort=-updated_at", "/v1/proposals?sort=-updated_at"),
    ("list sort=due_at", "/v1/proposals?sort=due_at"),
    ("list sort=-created_at limit=500", "/v1/proposals?sort=-created_at&limit=500"),
    ("stats", "/v1/stats"),
    ("stats session", "/v1/stats?session={SESSION}"),
    ("events after=0", "/v1/events?after=0"),
    ("events after=100000 limit=1000", "/v1/events?after=100000&limit=1000"),
    ("events, the newest 50", "/v1/events?after={LAST}"),
    ("history", "/v1/proposals/{MIDDLE}/history"),
    ("metrics", "/metrics"),
    ("export jsonl session", "/v1/exports?format=jsonl&session={SESSION}"),
]


def main():
    c = UnixHTTP(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5

    def get(path):
        t = time.perf_counter()
        c.request("GET", urllib.parse.quote(path, safe="/?=&,:-"))
        r = c.getresponse()
        body = r.read()
        return time.perf_counter() - t, r.status, body, r.getheader("Content-Type") or ""

    health = json.loads(get("/v1/health")[2])
    one = json.loads(get("/v1/proposals/1")[2])
    last = json.loads(get("/v1/proposals?sort=-id&limit=1")[2])["items"][0]
    # The cursor of the page after the first 20,000 closed ones by update.
    deep = None
    for _ in range(40):
        deep = json.loads(get("/v1/proposals?status=closed&sort=-updated_at&limit=500" +
                              ("&cursor=" + deep if deep else ""))[2])["next"]
    subst = {"{MIDDLE}": str(last["id"] // 2), "{LAST}": str(max(0, health["last_seq"] - 50)), "{PERSON}": one["lead_author"],
             "{SESSION}": last["session"], "{FIRST_SESSION}": one["session"], "{DEEP}": deep,
             "{YEAR_END}": time.strftime("%Y-12-31T00:00:00Z")}
    print("%d proposals, last_seq %d" % (health["proposals"], health["last_seq"]))
    for name, path in READS:
        for k, v in subst.items():
            path = path.replace(k, v)
        get(path)
        times = []
        for _ in range(n):
            dt, status, body, ctype = get(path)
            times.append(dt)
        times.sort()
        items = ""
        if ctype.startswith("application/json"):
            j = json.loads(body)
            items = len(j["items"]) if "items" in j else ""
        print("%-56s %3d %9.1f ms %9.1f ms  %s" % (name, status, times[0] * 1000, times[n // 2] * 1000, items))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""icscheck.py FILE - reads an iCalendar file (RFC 5545) as strictly as the
strictest calendar that subscribes to one, and prints what it found as JSON:

  {"problems": [...],            what breaks the format; [] when none
   "components": ["VTODO", ...], the VCALENDAR's components, in order
   "calendar": {NAME: [value]},  the VCALENDAR's properties, values unescaped
   "items": [{NAME: [value]}],   each component's properties, TEXT unescaped
   "tzids": [...], "summaries": [...]}

Checked: CRLF and nothing else ends a line, a line is at most 75 octets
and each one UTF-8 by itself (folded outside characters), no control
character but HTAB; names and parameters by the grammar (3.1); BEGIN and
END nested; TEXT values (SUMMARY, DESCRIPTION, ...) escape backslash,
semicolon and comma and hold no other backslash (3.3.11); DATE, DATE-TIME
and INTEGER values by their grammar; VERSION 2.0 and PRODID once, METHOD
at most once; a component's once-only properties (UID, DTSTAMP, ...);
DUE after DTSTART, of the same value type, and no DURATION beside DUE
(3.8.2.3); an event's DTEND after its DTSTART; UIDs unique; every TZID
used defined by a VTIMEZONE.
"""
import json
import re
import sys

NAME = re.compile(r"^(?:[A-Za-z0-9-]+)$")
DATE = re.compile(r"^\d{8}$")
DATE_TIME = re.compile(r"^\d{8}T\d{6}Z?$")
TEXT_PROPS = {"SUMMARY", "DESCRIPTION", "NAME", "X-WR-CALNAME", "LOCATION", "COMMENT",
              "TZNAME", "UID", "CATEGORIES", "CONTACT"}
TIME_PROPS = {"DTSTAMP", "DTSTART", "DTEND", "DUE", "CREATED", "LAST-MODIFIED",
              "COMPLETED", "RECURRENCE-ID"}
ONCE = {
    "VCALENDAR": ["PRODID", "VERSION", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME"],
    "VTODO": ["UID", "DTSTAMP", "DTSTART", "DUE", "SUMMARY", "DESCRIPTION", "STATUS",
              "PRIORITY", "SEQUENCE", "CREATED", "LAST-MODIFIED"],
    "VEVENT": ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "STATUS",
               "TRANSP", "PRIORITY", "SEQUENCE", "CREATED", "LAST-MODIFIED"],
}
REQUIRED = {"VCALENDAR": ["PRODID", "VERSION"], "VTODO": ["UID", "DTSTAMP"],
            "VEVENT": ["UID", "DTSTAMP", "DTSTART"], "VTIMEZONE": ["TZID"],
            "STANDARD": ["DTSTART", "TZOFFSETFROM", "TZOFFSETTO"],
            "DAYLIGHT": ["DTSTART", "TZOFFSETFROM", "TZOFFSETTO"]}
STATUS = {"VTODO": {"NEEDS-ACTION", "COMPLETED", "IN-PROCESS", "CANCELLED"},
          "VEVENT": {"TENTATIVE", "CONFIRMED", "CANCELLED"}}


def text_value(v, problems, where):
    """The TEXT value v unescaped; a backslash before anything but \\ ; , n N
    and an unescaped ; or , are problems."""
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c == "\\":
            nxt = v[i + 1:i + 2]
            if nxt in ("\\", ";", ","):
                out.append(nxt)
            elif nxt in ("n", "N"):
                out.append("\n")
            else:
                problems.append("%s: a backslash before %r" % (where, nxt))
            i += 2
            continue
        if c in ";,":
            problems.append("%s: an unescaped %r" % (where, c))
        out.append(c)
        i += 1
    return "".join(out)


def split_line(line, problems):
    """name, [params], value of a content line (3.1): a parameter's value
    may be quoted, and a colon inside quotes is no separator."""
    i, n = 0, len(line)
    while i < n and line[i] not in ";:":
        i += 1
    name, params = line[:i], []
    while i < n and line[i] == ";":
        j = i + 1
        quoted = False
        while j < n and (quoted or line[j] not in ";:"):
            if line[j] == '"':
                quoted = not quoted
            j += 1
        params.append(line[i + 1:j])
        i = j
    if i >= n or line[i] != ":":
        problems.append("no ':' in %r" % line[:60])
        return name, params, ""
    return name, params, line[i + 1:]


def check(raw):
    problems = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append("a byte order mark")
    if not raw.endswith(b"\r\n"):
        problems.append("does not end in CRLF")
    lines = raw.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    logical = []
    for k, l in enumerate(lines, 1):
        if b"\n" in l or b"\r" in l:
            problems.append("line %d: a bare LF or CR" % k)
        if len(l) > 75:
            problems.append("line %d: %d octets" % (k, len(l)))
        try:
            t = l.decode("utf-8")
        except UnicodeDecodeError:
            problems.append("line %d: not UTF-8 by itself (a fold inside a character?)" % k)
            t = l.decode("utf-8", "replace")
        for c in t:
            if (ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F:
                problems.append("line %d: the control character U+%04X" % (k, ord(c)))
        if l[:1] in (b" ", b"\t"):
            if not logical:
                problems.append("line %d: a continuation with nothing before it" % k)
            else:
                logical[-1] += l[1:]
        else:
            if not l:
                problems.append("line %d: empty" % k)
            logical.append(l)
    root = {"name": None, "props": {}, "subs": []}
    stack = [root]
    for l in logical:
        line = l.decode("utf-8", "replace")
        name, params, value = split_line(line, problems)
        if not NAME.match(name):
            problems.append("%r is not a property name" % name[:40])
        for p in params:
            if "=" not in p or not NAME.match(p.split("=", 1)[0]):
                problems.append("%s: %r is not a parameter" % (name, p))
        uname = name.upper()
        if uname == "BEGIN":
            comp = {"name": value, "props": {}, "params": {}, "subs": []}
            stack[-1]["subs"].append(comp)
            stack.append(comp)
        elif uname == "END":
            if len(stack) < 2 or stack[-1]["name"] != value:
                problems.append("END:%s does not close %s" % (value, stack[-1]["name"]))
                break
            stack.pop()
        else:
            if len(stack) < 2:
                problems.append("%s outside any component" % name)
                continue
            where = "%s %s" % (stack[-1]["name"], uname)
            if uname in TEXT_PROPS:
                value = text_value(value, problems, where)
            stack[-1]["props"].setdefault(uname, []).append(value)
            stack[-1]["params"].setdefault(uname, []).append(params)
    if len(stack) != 1:
        problems.append("%s not closed" % stack[-1]["name"])
    cals = root["subs"]
    if len(cals) != 1 or cals[0]["name"] != "VCALENDAR":
        problems.append("not one VCALENDAR")
        cals = [{"name": "VCALENDAR", "props": {}, "params": {}, "subs": []}]
    cal = cals[0]

    def walk(comp):
        yield comp
        for s in comp["subs"]:
            yield from walk(s)

    tz_used, tz_defined, uids = set(), set(), {}
    for c in walk(cal):
        kind, props = c["name"], c["props"]
        for p in REQUIRED.get(kind, []):
            if p not in props:
                problems.append("%s has no %s" % (kind, p))
        for p in ONCE.get(kind, []):
            if len(props.get(p, [])) > 1:
                problems.append("%s has %d %s" % (kind, len(props[p]), p))
        for p, plist in c["params"].items():
            for params in plist:
                for q in params:
                    if q.upper().startswith("TZID="):
                        tz_used.add(q[5:])
        types = {}
        for p in TIME_PROPS & set(props):
            params = [q.upper() for q in c["params"][p][0]]
            v = props[p][0]
            if "VALUE=DATE" in params:
                ok, types[p] = DATE.match(v), "DATE"
            else:
                ok, types[p] = DATE_TIME.match(v), "DATE-TIME"
            if not ok:
                problems.append("%s %s: %r is not a %s" % (kind, p, v, types[p]))
        for p in ("SEQUENCE", "PRIORITY"):
            for v in props.get(p, []):
                if not re.match(r"^\d+$", v):
                    problems.append("%s %s: %r is not an integer" % (kind, p, v))
                elif p == "PRIORITY" and int(v) > 9:
                    problems.append("%s PRIORITY %s is above 9" % (kind, v))
        for v in props.get("STATUS", []):
            if kind in STATUS and v not in STATUS[kind]:
                problems.append("%s STATUS %r" % (kind, v))
        if kind == "VCALENDAR":
            if props.get("VERSION", [""])[0] != "2.0":
                problems.append("VERSION is not 2.0")
            prodid = props.get("PRODID", [""])[0]
            if not re.match(r"^-//[^/]+//[^/]+//[A-Za-z]{2}$", prodid):
                problems.append("PRODID %r is not -//owner//product//language" % prodid)
        if kind in ("VTODO", "VEVENT"):
            uid = props.get("UID", [""])[0]
            if uid in uids:
                problems.append("UID %s twice" % uid)
            uids[uid] = True
            end = "DUE" if kind == "VTODO" else "DTEND"
            if end in props and "DURATION" in props:
                problems.append("%s has %s and DURATION" % (kind, end))
            if end in props and "DTSTART" in props:
                if types.get(end) != types.get("DTSTART"):
                    problems.append("%s: DTSTART and %s of two value types" % (kind, end))
                elif props[end][0] <= props["DTSTART"][0]:
                    problems.append("%s: %s %s is not after DTSTART %s"
                                    % (kind, end, props[end][0], props["DTSTART"][0]))
        if kind == "VTIMEZONE":
            tz_defined.update(props.get("TZID", []))
            if not [s for s in c["subs"] if s["name"] in ("STANDARD", "DAYLIGHT")]:
                problems.append("a VTIMEZONE with no STANDARD or DAYLIGHT")
    if not cal["subs"]:
        problems.append("a VCALENDAR with no component")
    for t in sorted(tz_used - tz_defined):
        problems.append("TZID %s has no VTIMEZONE" % t)
    subs = cal["subs"]
    return {"problems": problems,
            "components": [c["name"] for c in subs],
            "calendar": cal["props"],
            "items": [c["props"] for c in subs if c["name"] in ("VTODO", "VEVENT")],
            "tzids": [c["props"].get("TZID", [""])[0] for c in subs if c["name"] == "VTIMEZONE"],
            "summaries": [c["props"].get("SUMMARY", [""])[0] for c in subs]}


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as f:
        print(json.dumps(check(f.read()), ensure_ascii=False))

#!/usr/bin/env python3
"""docoptions.py SOURCE_DIR PTRACK PTRACKD - every option, parameter, key,
code and variable the programs take is in the documentation that names
them:

- each option of `ptrack COMMAND --help` in that command's section of
  docs/cli.md (### COMMAND) and of man/ptrack.1 (.SS COMMAND), and the
  global options in both; the sections of a command whose documentation
  refers to the filters of list instead of naming them (REFERS) are let
  off list's filters;
- each flag of `ptrackd --help` in man/ptrackd.8 and docs/config.md;
- each key of the config loader's tables (core/config.c) in
  docs/config.md, and each top-level, deadlines and limits key in
  man/ptrackd.8;
- each query parameter of a list (core/api-query.c's filter and page
  parameters) and of the change feed in docs/api.md, and every filter in
  the rows of api.md that list the filters GET /v1/stats and
  GET /v1/exports take;
- each error code (proposals/error.c, and those the HTTP layer answers
  with) in api.md's table of errors, with the HTTP status the code
  answers it with;
- each environment variable the client reads in man/ptrack.1 and
  docs/cli.md, and each one the daemon (or a plugin that comes with it)
  reads in man/ptrackd.8;
- each metric core/ serves in api.md's GET /metrics, with the type it
  is served as (counter, gauge, histogram).

And the other way round for the commands: each option that a row of an
option table of cli.md, or a tagged paragraph of ptrack.1, gives for a
command is one that command takes.

Prints one line per thing missing and exits 1 if there is one.
"""
import os
import re
import subprocess
import sys

# A command whose section says "the filters of list" rather than listing
# them: list's filters count as named there.
REFERS = {"stats": "list"}

src, ptrack, ptrackd = sys.argv[1:4]
missing = []


def read(rel):
    with open(os.path.join(src, rel), encoding="utf-8") as f:
        return f.read()


def help_of(*argv):
    return subprocess.run(argv, capture_output=True, text=True, check=False).stdout


def options(text, start="Options:", end="Global options"):
    """The --flags a help text lists, one to a line, between its headings:
    at the start of a line after two blanks, where a help too long for its
    line, which goes on under itself, never starts."""
    part = text.split(start, 1)[1] if start in text else ""
    part = part.split(end, 1)[0]
    return re.findall(r"^  (--[a-z][a-z-]*)", part, re.M)


def named(flag, text):
    return re.search(re.escape(flag) + r"(?![A-Za-z0-9-])", text) is not None


def roff_text(text):
    """A man page's source with its escapes of - and its fonts taken out."""
    text = text.replace("\\-", "-").replace("\\(en", "-")
    return re.sub(r"\\f[BIRP]|\\f\(..", "", text)


def section(text, pattern):
    m = re.search(pattern, text, re.M | re.S)
    return m.group(1) if m else ""


cli = read("docs/cli.md")
api = read("docs/api.md")
config = read("docs/config.md")
man1 = roff_text(read("man/ptrack.1"))
man8 = roff_text(read("man/ptrackd.8"))

# ---- ptrack -----------------------------------------------------------
top = help_of(ptrack, "--help")
commands = re.findall(r"^  ([a-z]+)\s{2,}", top.split("Commands:", 1)[1].split("\n\n", 1)[0], re.M)
if not commands:
    missing.append("ptrack --help lists no commands (is PTRACK a ptrack?)")
for flag in options(top, "Global options", "\n\n"):
    for name, text in (("docs/cli.md", cli), ("man/ptrack.1", man1)):
        if not named(flag, text):
            missing.append(f"{name}: the global option {flag} of ptrack --help")
helps = {c: help_of(ptrack, c, "--help") for c in commands}
for c in commands:
    flags = options(helps[c])
    cli_sec = section(cli, r"^### " + c + r"\n(.*?)(?=^### |^## |\Z)")
    man_sec = section(man1, r"^\.SS \"?" + c + r"\b(.*?)(?=^\.SS |^\.SH )")
    for name, sec in (("docs/cli.md", cli_sec), ("man/ptrack.1", man_sec)):
        if not sec:
            missing.append(f"{name}: no section for the command {c}")
            continue
        for flag in flags:
            if named(flag, sec):
                continue
            if c in REFERS and flag in options(helps[REFERS[c]]):
                continue
            missing.append(f"{name}: {flag} of ptrack {c} --help, in the section of {c}")
    # And the other way round: an option a table row (cli.md) or a tagged
    # paragraph (.TP, the man page) of the section gives is one it takes.
    takes = set(flags) | set(options(top, "Global options", "\n\n")) | {"-h", "-y"}
    given = [("docs/cli.md", f) for row in re.findall(r"^\| (`--[^|]*)\|", cli_sec, re.M)
             for f in re.findall(r"`(--[a-z][a-z-]*)", row)]
    given += [("man/ptrack.1", f) for tag in re.findall(r"^\.TP\n(.*)", man_sec, re.M)
              for f in re.findall(r"(--[a-z][a-z-]*)", tag)]
    for name, flag in given:
        if flag not in takes:
            missing.append(f"{name}: {flag}, in the section of {c}, is no option of ptrack {c}")

# ---- ptrackd ----------------------------------------------------------
dhelp = help_of(ptrackd, "--help")
dflags = re.findall(r"^  (--[a-z][a-z-]*)", dhelp, re.M)
if not dflags:
    missing.append("ptrackd --help lists no flags (is PTRACKD a ptrackd?)")
for flag in dflags:
    if not named(flag, man8):
        missing.append(f"man/ptrackd.8: the flag {flag} of ptrackd --help")
    if flag not in ("--help", "--version") and not named(flag, config):
        missing.append(f"docs/config.md: the flag {flag} of ptrackd --help")

# ---- the configuration's keys -----------------------------------------
loader = read("core/config.c")
tables = dict(re.findall(r"static const config_key_t (\w+)\[\] = \{(.*?)\n\};", loader, re.S))
if "top_keys" not in tables:
    missing.append("core/config.c: its key tables were not found (config_key_t top_keys[] ...)")
for table, body in tables.items():
    for key in re.findall(r'\{"(\w+)", K_', body):
        if f"`{key}`" not in config:
            missing.append(f"docs/config.md: the key {key} ({table} in core/config.c)")
        if table in ("top_keys", "deadline_keys", "limit_keys") and not named(key, man8):
            missing.append(f"man/ptrackd.8: the key {key} ({table} in core/config.c)")
for key in re.findall(r'"(instance|path|config|events|start)"', loader):
    if f"`{key}`" not in config:
        missing.append(f"docs/config.md: the key {key} of a plugins entry")

# ---- query parameters -------------------------------------------------
query = read("core/api-query.c")
filters = re.findall(r'"(\w+)"', section(query, r"filter_params\[\] = \{(.*?)\};"))
pages = re.findall(r'"(\w+)"', section(query, r"page_params\[\] = \{(.*?)\};"))
feed = re.findall(r'pt_query_int\(call->req, "(\w+)"', read("core/api-feed.c"))
if not filters or not pages or not feed:
    missing.append("core/: the query parameters were not found (filter_params, page_params, "
                   "the feed's pt_query_int)")
list_sec = section(api, r"^### GET /v1/proposals\n(.*?)(?=^### )")
feed_sec = section(api, r"^### GET /v1/events\n(.*?)(?=^### )")
for p in filters + pages:
    if f"| `{p}` |" not in list_sec:
        missing.append(f"docs/api.md: the parameter {p} in the table of GET /v1/proposals")
for p in feed:
    if f"| `{p}` |" not in feed_sec:
        missing.append(f"docs/api.md: the parameter {p} in the table of GET /v1/events")
for endpoint in ("GET /v1/stats", "GET /v1/exports"):
    sec = section(api, r"^### " + re.escape(endpoint) + r"\n(.*?)(?=^### |^## )")
    row = section(sec, r"^\| the list filters \|([^\n]*)")
    for p in filters:
        if f"`{p}`" not in row:
            missing.append(f"docs/api.md: the filter {p} in the list filters of {endpoint}")

# ---- error codes ------------------------------------------------------
# Each code with every status the code answers it with: a row of the table
# names one status, so a code answered with two would show up here too.
statuses = {}
http = read("core/http-server.c")
for code, status in re.findall(r'\{"([a-z_]+)", (\d{3})\}', read("proposals/error.c")):
    statuses.setdefault(code, set()).add(status)
for status, code in re.findall(r'conn_(?:error|fail)\(c, (\d+), "([a-z_]+)"', http):
    statuses.setdefault(code, set()).add(status)
for code in ("ok", "config_error"):  # no error; not an API error
    statuses.pop(code, None)
err_sec = section(api, r"^## Errors\n(.*?)(?=^## )")
for code in sorted(statuses):
    row = re.search(r"^\| `" + code + r"` \| (\d{3}) \|", err_sec, re.M)
    if row is None:
        missing.append(f"docs/api.md: the error code {code} in the table of errors")
    elif statuses[code] != {row.group(1)}:
        missing.append(f"docs/api.md: the error code {code} is given status {row.group(1)} "
                       f"in the table of errors, the code answers it with "
                       f"{', '.join(sorted(statuses[code]))}")

# ---- environment ------------------------------------------------------
def getenvs(*dirs):
    found = set()
    for d in dirs:
        for root, _, files in os.walk(os.path.join(src, d)):
            for f in files:
                if f.endswith(".c"):
                    with open(os.path.join(root, f), encoding="utf-8") as fh:
                        found |= set(re.findall(r'getenv\("(\w+)"\)', fh.read()))
    return found


for var in sorted(getenvs("cli")):
    for name, text in (("docs/cli.md", cli), ("man/ptrack.1", man1)):
        if not named(var, text):
            missing.append(f"{name}: the environment variable {var}, which ptrack reads")
for var in sorted(getenvs("core", "plugins")):
    if not named(var, man8):
        missing.append(f"man/ptrackd.8: the environment variable {var}, which ptrackd reads")

# ---- metrics ----------------------------------------------------------
metrics = set()
types = {}
for f in os.listdir(os.path.join(src, "core")):
    if f.endswith(".c"):
        text = read("core/" + f)
        metrics |= set(re.findall(r'"(ptrack_[a-z_]+)', text))
        # header(b, "NAME", "TYPE", ...), {"NAME", "TYPE", ...} and "# TYPE NAME TYPE".
        for m, t in (re.findall(r'"(ptrack_[a-z_]+)",\s*"(counter|gauge|histogram)"', text) +
                     re.findall(r"# TYPE (ptrack_[a-z_]+) (counter|gauge|histogram)", text)):
            types.setdefault(m, set()).add(t)
# A histogram is written as NAME_bucket, NAME_sum and NAME_count: its name
# is the one its # TYPE line gives.
metrics = {m for m in metrics if not re.search(r"_(bucket|sum|count)$", m)} | set(types)
metrics_sec = section(api, r"^## GET /metrics\n(.*)")
# A row of the table: | `NAME{labels}`, `NAME` | TYPE | meaning |
rows = {}
for names, t in re.findall(r"^\| (`ptrack_[^|]*)\| ([a-z]+) \|", metrics_sec, re.M):
    for m in re.findall(r"`(ptrack_[a-z_]+)", names):
        rows[m] = t
for m in sorted(metrics):
    if f"`{m}" not in metrics_sec:
        missing.append(f"docs/api.md: the metric {m} under GET /metrics")
    elif m in types and m not in rows:
        missing.append(f"docs/api.md: the metric {m} in the table under GET /metrics")
    elif m in types and types[m] != {rows[m]}:
        missing.append(f"docs/api.md: the metric {m} is a {rows[m]} in the table under "
                       f"GET /metrics, core/ serves it as a {', '.join(sorted(types[m]))}")
if not types:
    missing.append("core/: the types of the metrics were not found (header(b, NAME, TYPE, ...))")

for line in missing:
    print(line)
sys.exit(1 if missing else 0)

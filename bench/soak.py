#!/usr/bin/env python3
"""soak.py - runs a ptrackd of its own for a given time under mixed traffic
and watches it for what only shows over time: memory that keeps growing,
file descriptors or threads that are not given back, children left
behind, notifiers that fall further and further behind.

    python3 bench/soak.py --build build-release --duration 1200 [options]

It starts an HTTP receiver (tests/e2e/receivers/http_receiver.py) and a
ptrackd on a fresh data directory with the build's plugins and three
notifier instances: notify_webhook in its json format (every event) and
its wecom format (actions and reminders) to the receiver, and notify_exec
running `sh -c 'cat >/dev/null'` for each proposal made or deleted (a
fork and an exec an event is slower than the writers make events). Then,
side by side and in a loop until the time is up:

  writers    create, edit (PATCH, with If-Match), and run proposals through
             the workflow: lead_co (assign, sign, opinion, reply, feedback
             不满意 -> rehandling, reply again, 满意 -> closed, follow_up,
             reopen, a refused close, feedback), single (extend, supervise),
             separate (分办: two units each reply), the CPPCC path (review,
             file, return, reassign; reject; convert; merge), drafts
             deleted, withdrawals, refused actions, stale If-Match,
             Idempotency-Key replays and conflicts;
  readers    lists with every filter and q= (Chinese words), sorts and
             cursors; one proposal, its history, If-None-Match; stats with
             filters; health, workflow, plugins, tokens, /metrics;
  exporter   csv, json, jsonl, xlsx, md, html, ics, with filters; one in
             five is read in part and the connection closed mid-stream;
             one every --export-every seconds (or, by default, back to
             back with a pause of 4 --pace);
  importer   small csv, jsonl and json files, sent again (skipped), refused
             ones (a record without a title, a broken line, a quote left
             open), partial=true, an unknown format or parameter, a body
             cut off mid-upload;
  feed       long polls of GET /v1/events, some left before their answer;
             event streams read for a while and dropped, resumed with
             Last-Event-ID, and streams opened from the first event that
             read nothing (the 256 KiB back-pressure) before they close;
  tokens     make a token of a unit or a delegate, use it (lists, stats, a
             stream), revoke it (its stream must end), check it is 401;
             refused makes and revokes;
  chaos      malformed HTTP (garbage, a bad request line, two
             Content-Length, a bad chunk size, headers over 16 KiB, bad
             JSON, bad UTF-8, %00), requests cut off mid-header or mid-body,
             pipelined requests, connections opened and closed at once;
  reloads    SIGHUP every --hup-every seconds, the configuration changed
             each time (a notifier's options, a token, the idle timeout),
             and every fifth one a configuration the reload refuses;
  plugins    a notifier loaded through POST /v1/plugins, listed and
             unloaded again, under a few names in turn; entries the
             loader refuses (a missing file, another ABI, bad options);
  prober     GET /v1/health and a list of 20, timed, four times a second
             on one keep-alive connection: a stall of the loop shows as a
             spike in the sample's p50 and max.

The writers' workflow includes a unit's and a delegate's own tokens (from
the configuration): the unit signs and replies to what was assigned to
it, the delegate gives feedback on their own proposals (满意 or 不满意,
then the rehandled reply), and each is refused another's proposal.

With --fixtures (the build must have the tests) the configuration also
has the example notifier (examples/notify-file, built here against the
public header), a slow one (notify_exec sleeping 0.5 s an event), one
that refuses each event twice before it takes it (the fixture
notify_flaky), and, every other reload, one whose gateway is down
(notify_webhook to a port where nothing listens): it retries with its
back-off until the next reload removes it. With --slow N, N slowloris
clients hold connections open, sending their headers or a body one byte
a second: ptrackd must close each after its header or idle timeout.

With --cap N the store stops growing once N proposals exist: the writers
make no more and instead take existing proposals, any of them alike,
round the workflow again (closed ones reopened, replied to and given
feedback; replies to those handling or rehandling, feedback on those
replied; edits and supervision on any), and the importer sends only the
file it sent last (every record skipped as already there), refused
files, bad parameters and uploads cut off. The database then grows by
the history, versions and events of those rounds alone.

Every --sample seconds it prints ptrackd's VmRSS, VmHWM, threads, open
file descriptors (how many are sockets, and how many the database's
connections), its children, the size of the database and of its WAL, the
events the notifiers have yet to deliver (ptrack_notifier_behind,
summed), the import and export jobs running, the memory SQLite holds
(ptrack_sqlite_memory_bytes), the heap in use and the heap free but kept
(ptrack_heap_in_use_bytes, ptrack_heap_free_bytes), the part of the heap
the writer's cache of decoded proposals holds (ptrack_writer_cache_bytes),
the proposals and the requests made, and the prober's latencies (p50 and
max, ms) since the sample before.
At the end: the figures at the start, after the warm-up (a quarter of the
run) and at the end, the growth per hour over the last half of the run (a
least-squares slope) and, with --cap, since the cap was reached, the answers by operation and status, and anything
unexpected: a 5xx, a broken connection where none should be, an answer
the workflow did not call for (counted by kind). A SIGTERM or SIGINT to
the script ends the traffic early, as the end of the time does. Then it stops ptrackd with SIGTERM (or as
--stop says), waits for it, and reports its exit status and the log's
warnings and errors (with an ASan build, LeakSanitizer's report is at the
end of DIR/ptrackd.log).

Python's standard library only.
"""
import argparse
import collections
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

UNITS = ["山西省水利厅", "山西省财政厅", "山西省交通运输厅", "山西省教育厅", "山西省卫生健康委"]
DELEGATIONS = ["山西代表团", "河北代表团", "四川代表团"]
CATEGORIES = ["农业农村", "交通", "教育", "医疗卫生", "城乡建设"]
TAGS = ["民生", "水利", "乡村振兴", "营商环境", "养老"]
PEOPLE = ["张三", "李四", "王五", "赵敏", "刘洋"]
TOPICS = [
    ("关于加强农村饮水安全保障的建议", "饮水"),
    ("关于推进城市生活垃圾分类的建议", "垃圾分类"),
    ("关于改善山区道路交通条件的建议", "交通"),
    ("关于加大义务教育投入的建议", "教育"),
    ("关于完善基层医疗卫生服务的建议", "医疗"),
    ("关于发展普惠养老服务的建议", "养老"),
]
STATES = ["submitted", "reviewing", "filed", "assigned", "returned", "handling", "replied",
          "rehandling", "closed", "withdrawn", "not_filed", "merged", "converted", "draft"]
EXPORT_FORMATS = ["csv", "json", "jsonl", "xlsx", "md", "html", "ics"]


def now():
    return time.monotonic()


# ---- Accounting -----------------------------------------------------------

class Tally:
    """Answers by operation and status, and what was not expected."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.total = 0
        self.problems = []        # 5xx and broken connections
        self.problem_count = 0
        self.surprises = []       # an answer other than the one expected
        self.surprise_count = 0
        self.surprise_kinds = collections.Counter()   # by their first two words

    def note(self, op, status):
        with self.lock:
            self.counts[(op, status)] += 1
            self.total += 1

    def problem(self, what):
        with self.lock:
            self.problem_count += 1
            if len(self.problems) < 40:
                self.problems.append("%.0fs %s" % (now() - T0, what))

    def surprise(self, what):
        with self.lock:
            self.surprise_count += 1
            self.surprise_kinds[" ".join(what.split()[:2])] += 1
            if len(self.surprises) < 40:
                self.surprises.append("%.0fs %s" % (now() - T0, what))


TALLY = Tally()
T0 = now()
STOP = threading.Event()


# ---- HTTP -------------------------------------------------------------------

class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class Client:
    """One keep-alive connection, on the socket (the daemon's uid: admin)
    or on TCP with a token; reconnects after a failure."""

    def __init__(self, env, token=None, timeout=60):
        self.env = env
        self.token = token
        self.timeout = timeout
        self.conn = None

    def open(self):
        if self.token is None:
            return UnixHTTP(self.env.sock, self.timeout)
        return http.client.HTTPConnection("127.0.0.1", self.env.port, timeout=self.timeout)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, op, method, path, body=None, headers=None, raw_body=None,
                expect=None, stream_limit=None):
        """Returns (status, headers, data); status 0 when the connection
        broke. body is JSON; raw_body bytes as they are. expect: statuses
        that are right for this request (others are surprises)."""
        h = dict(headers or {})
        if self.token is not None:
            h["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            h.setdefault("Content-Type", "application/json; charset=utf-8")
        elif raw_body is not None:
            data = raw_body
        path = urllib.parse.quote(path, safe="/?=&,:-_.%+*~")
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = self.open()
            try:
                self.conn.request(method, path, body=data, headers=h)
                r = self.conn.getresponse()
                if stream_limit is not None:
                    got = r.read(stream_limit)
                    self.close()   # mid-stream: the rest is never read
                    TALLY.note(op, r.status)
                    return r.status, r.headers, got
                got = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                TALLY.note(op, r.status)
                if r.status >= 500 and not (expect and r.status in expect):
                    TALLY.problem("%s %s %s -> %d %s" % (op, method, path[:80], r.status,
                                                         got[:300].decode("utf-8", "replace")))
                elif expect and r.status not in expect:
                    TALLY.surprise("%s %s %s -> %d %s" % (op, method, path[:80], r.status,
                                                          got[:300].decode("utf-8", "replace")))
                return r.status, r.headers, got
            except (OSError, http.client.HTTPException) as e:
                self.close()
                # A keep-alive connection the server closed while idle is
                # no fault: send again on a new one.
                if attempt == 1 and isinstance(e, (http.client.RemoteDisconnected,
                                                   BrokenPipeError, ConnectionResetError)):
                    continue
                TALLY.note(op, 0)
                if not STOP.is_set():
                    TALLY.problem("%s %s %s: %r" % (op, method, path[:80], e))
                return 0, None, b""
        return 0, None, b""

    def json(self, op, method, path, body=None, headers=None, expect=None):
        st, hd, data = self.request(op, method, path, body=body, headers=headers, expect=expect)
        try:
            return st, (json.loads(data) if data else None)
        except ValueError:
            TALLY.problem("%s %s %s: answer is not JSON: %r" % (op, method, path, data[:200]))
            return st, None


def raw_connect(env, tcp, timeout=10):
    if tcp:
        s = socket.create_connection(("127.0.0.1", env.port), timeout=timeout)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(env.sock)
    return s


def read_head(s, limit=65536):
    """Reads up to the end of the headers; returns (status, rest) or (0, b"")."""
    buf = b""
    while b"\r\n\r\n" not in buf and len(buf) < limit:
        try:
            c = s.recv(4096)
        except OSError:
            return 0, b""
        if not c:
            return 0, b""
        buf += c
    head, _, rest = buf.partition(b"\r\n\r\n")
    try:
        return int(head.split(b" ", 2)[1]), rest
    except (IndexError, ValueError):
        return -1, rest


def read_stream_end(s, seconds, info=None):
    """Reads a chunked answer until it ends (its last chunk, or the peer
    closes: True) or the time is up (False)."""
    end = now() + seconds
    tail = b""
    info = info if info is not None else {}
    info["bytes"] = 0
    while now() < end:
        s.settimeout(max(0.05, end - now()))
        try:
            c = s.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            return True
        if not c:
            return True
        info["bytes"] += len(c)
        tail = (tail + c)[-16:]
        info["tail"] = tail
        if tail.endswith(b"\r\n0\r\n\r\n") or tail == b"0\r\n\r\n":
            return True
    return False


# ---- The daemon and its receiver ---------------------------------------------

class Env:
    def __init__(self, args):
        self.args = args
        self.dir = args.dir or tempfile.mkdtemp(prefix="ptsoak.")
        os.makedirs(self.dir, exist_ok=True)
        self.data = os.path.join(self.dir, "data")
        self.sock = os.path.join(self.dir, "pt.sock")
        self.conf = os.path.join(self.dir, "ptrackd.json")
        self.log = os.path.join(self.dir, "ptrackd.log")
        self.build = os.path.abspath(args.build)
        self.ptrackd = os.path.join(self.build, "ptrackd")
        self.plugins = os.path.join(self.build, "plugins")
        self.fixtures = os.path.join(self.build, "tests", "plugins")
        self.example = os.path.join(self.dir, "ex", "notify_file.so")
        self.tokens = {r: "soak-%s-%s" % (r, os.urandom(8).hex())
                       for r in ("viewer", "clerk", "admin", "unit", "delegate")}
        self.port = free_port()
        self.dead_port = free_port()   # nothing listens there
        self.hook_port = None
        self.proc = None
        self.receiver = None
        self.reloads = 0
        self.batch = 0   # the session of the proposals made now
        self.capped = False   # --cap reached: no more proposals are made
        self.max_id = 0       # the highest proposal id then
        self.capped_at = None

    def session(self, batch=None):
        return "十四届浸泡第%d批" % (self.batch if batch is None else batch)

    def write_config(self, variant):
        """variant 0 and 1 differ in a notifier's options, a token and a
        limit, so that each reload remakes instances; "bad" is refused."""
        import hashlib

        def sha(t):
            return hashlib.sha256(t.encode()).hexdigest()

        alt = variant == 1
        tokens = [
            {"name": "报表机", "role": "viewer", "sha256": sha(self.tokens["viewer"])},
            {"name": "建议办张科长", "role": "clerk", "sha256": sha(self.tokens["clerk"])},
            {"name": "系统管理员", "role": "admin", "sha256": sha(self.tokens["admin"])},
            {"name": "水利厅联络员", "role": "unit", "unit": UNITS[0], "sha256": sha(self.tokens["unit"])},
            {"name": "代表张三", "role": "delegate", "person": PEOPLE[0], "sha256": sha(self.tokens["delegate"])},
        ]
        if alt:
            tokens.append({"name": "值班员", "role": "viewer", "sha256": sha("soak-hup-" + str(self.port))})
        hook = "http://127.0.0.1:%d" % self.hook_port
        conf = {
            "data_dir": self.data,
            "socket": self.sock,
            "listen": "127.0.0.1:%d" % self.port,
            "log_level": "info",
            "plugin_dir": self.plugins,
            "tokens": tokens,
            "plugins": [
                {"instance": "hook", "path": "notify_webhook.so",
                 "config": {"url": hook + "/hook", "format": "json", "secret": "浸泡密钥",
                            "timeout": "5s" if alt else "10s"}},
                {"instance": "robot", "path": "notify_webhook.so",
                 "events": ["proposal.status_changed", "proposal.due_soon", "proposal.overdue"],
                 "config": {"url": hook + "/robot", "format": "dingtalk" if alt else "wecom"}},
                {"instance": "exec", "path": "notify_exec.so",
                 "events": ["proposal.created", "proposal.deleted", "proposal.overdue", "digest.daily"],
                 "config": {"command": ["/bin/sh", "-c", "cat >/dev/null"],
                            "timeout": "20s" if alt else "10s"}},
            ],
            "limits": {"header_timeout": "5s", "idle_timeout": "12s" if alt else "15s"},
        }
        if self.args.fixtures:
            # One that works (the example notify_file), one that is slow
            # (a command that sleeps), one that refuses each event twice
            # before it takes it (notify_flaky), and, every other reload,
            # one whose gateway is down (nothing listens on its port): it
            # retries with its back-off until the next reload removes it.
            conf["plugins"] += [
                {"instance": "file", "path": self.example,
                 "config": {"path": os.path.join(self.dir, "notify-file.jsonl")}},
                {"instance": "slow", "path": "notify_exec.so",
                 "events": ["proposal.deleted", "proposal.overdue"],
                 "config": {"command": ["/bin/sh", "-c", "sleep 0.5; cat >/dev/null"]}},
                {"instance": "flaky", "path": os.path.join(self.fixtures, "fixture_notify_flaky.so"),
                 "events": ["proposal.deleted", "proposal.overdue"],
                 "config": {"path": os.path.join(self.dir, "flaky.log"), "fail": 2,
                            "retry_in": "50ms" if alt else "80ms"}},
            ]
            if alt:
                conf["plugins"].append(
                    {"instance": "down", "path": "notify_webhook.so", "events": ["proposal.deleted"],
                     "config": {"url": "http://127.0.0.1:%d/hook" % self.dead_port, "format": "json",
                                "timeout": "2s"}})
        if variant == "bad":
            conf["limits"]["no_such_limit"] = 1
        tmp = self.conf + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(conf, f, ensure_ascii=False, indent=1)
        os.rename(tmp, self.conf)

    def start(self):
        here = os.path.dirname(os.path.abspath(__file__))
        recv = os.path.join(here, "..", "tests", "e2e", "receivers", "http_receiver.py")
        portfile = os.path.join(self.dir, "hook.port")
        self.receiver = subprocess.Popen(
            [sys.executable, recv, "--port-file", portfile, "--log", "/dev/null",
             "--max-seconds", str(self.args.duration + 600)],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "receiver.log"), "w"))
        for _ in range(100):
            if os.path.exists(portfile):
                break
            time.sleep(0.05)
        with open(portfile) as f:
            self.hook_port = int(f.read())
        # The loader refuses a plugin in a directory others may write to.
        os.chmod(self.plugins, os.stat(self.plugins).st_mode & 0o755)
        for n in os.listdir(self.plugins):
            p = os.path.join(self.plugins, n)
            os.chmod(p, os.stat(p).st_mode & 0o755)
        if self.args.fixtures:
            if not os.path.exists(os.path.join(self.fixtures, "fixture_notify_flaky.so")):
                sys.exit("--fixtures: no %s/fixture_notify_flaky.so (build the tests)" % self.fixtures)
            # The example plugin is built as its README says, against the
            # public header alone.
            os.makedirs(os.path.dirname(self.example), mode=0o755, exist_ok=True)
            src = os.path.join(here, "..", "examples", "notify-file", "notify_file.c")
            subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-shared", "-fPIC", "-O1",
                            "-fvisibility=hidden", "-I", os.path.join(here, "..", "include"),
                            "-o", self.example, src], check=True)
            for d in (self.fixtures, os.path.dirname(self.example)):
                os.chmod(d, os.stat(d).st_mode & 0o755)
                for n in os.listdir(d):
                    q = os.path.join(d, n)
                    os.chmod(q, os.stat(q).st_mode & 0o755)
        self.write_config(0)
        self.proc = subprocess.Popen([self.ptrackd, "--config", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=open(self.log, "w"))
        for _ in range(300):
            if self.proc.poll() is not None:
                sys.exit("ptrackd exited at start (status %s); see %s" % (self.proc.returncode, self.log))
            try:
                s = raw_connect(self, False, timeout=2)
                s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
                st, _ = read_head(s)
                s.close()
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        sys.exit("ptrackd did not answer within 30 s; see " + self.log)

    def stop(self, how):
        rc = None
        if how == "none":
            return None
        sig = signal.SIGTERM if how == "term" else signal.SIGKILL
        t = now()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "did not stop within 60 s; killed"
        self.receiver.terminate()
        self.receiver.wait()
        return rc, now() - t


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ---- Writers: the workflow ---------------------------------------------------

class Writer:
    def __init__(self, env, wid):
        self.env = env
        self.wid = wid
        self.n = 0
        self.admin = Client(env)
        self.clerk = Client(env, env.tokens["clerk"])
        self.unit = Client(env, env.tokens["unit"])
        self.delegate = Client(env, env.tokens["delegate"])
        self.rng = random.Random(wid * 7919)

    def c(self):
        return self.admin if self.rng.random() < 0.5 else self.clerk

    def create(self, extra=None, headers=None, expect=(201,)):
        self.n += 1
        title, _ = self.rng.choice(TOPICS)
        body = {
            "kind": self.rng.choice(["suggestion", "motion", "proposal"]),
            "session": self.env.session(),
            "number": "W%d-%d" % (self.wid, self.n),
            "title": "%s（第%d号）" % (title, self.n),
            "background": "近年来，我省%s工作取得明显成效，但仍存在短板。" % title[2:8] * self.rng.randint(1, 20),
            "recommendations": ["一是加大财政投入力度。", "二是健全长效管护机制。", "三是强化督查考核。"],
            "submitter_type": "joint",
            "lead_author": self.rng.choice(PEOPLE),
            "co_signers": self.rng.sample(PEOPLE, 2),
            "delegation": self.rng.choice(DELEGATIONS),
            "category": self.rng.choice(CATEGORIES),
            "tags": self.rng.sample(TAGS, 2),
            "custom": {"联系电话": "0351-%07d" % self.n},
        }
        if extra:
            body.update(extra)
        st, p = self.c().json("create", "POST", "/v1/proposals", body, headers=headers, expect=expect)
        return p if st == 201 else None

    def act(self, p, action, body=None, expect=(200,), client=None):
        if p is None:
            return None
        st, q = (client or self.c()).json("action:" + action, "POST",
                                          "/v1/proposals/%d/actions/%s" % (p["id"], action),
                                          body if body is not None else {}, expect=expect)
        return q if st == 200 else p

    def patch(self, p):
        if p is None:
            return None
        body = {"title": p["title"] + "（修改）" if len(p["title"]) < 200 else p["title"],
                "tags": self.rng.sample(TAGS, 3),
                "custom": {"联系人": self.rng.choice(PEOPLE), "联系电话": None}}
        st, q = self.c().json("patch", "PATCH", "/v1/proposals/%d" % p["id"], body,
                              headers={"If-Match": '"%d"' % p["version"]}, expect=(200,))
        if self.rng.random() < 0.2:   # a stale version
            self.c().json("patch_stale", "PATCH", "/v1/proposals/%d" % p["id"], {"background": "旧版本"},
                          headers={"If-Match": '"%d"' % p["version"]}, expect=(412,))
        return q if st == 200 else p

    def reply(self, p, unit, expect=(200,)):
        return self.act(p, "reply", {"unit": unit, "doc_no": "晋函〔2026〕%d号" % self.n,
                                     "category": self.rng.choice("ABCD"),
                                     "text": "经研究，我单位已将相关工作列入年度计划，正在推进落实。" * 3},
                        expect=expect)

    def feedback(self, p, sat, expect=(200,)):
        if p is None:
            return None
        return self.act(p, "feedback", {"person": p.get("lead_author") or "张三",
                                        "satisfaction": sat, "comment": "希望加快进度"}, expect=expect)

    def lead_co(self):
        lead, co = self.rng.sample(UNITS, 2)
        p = self.patch(self.create())
        p = self.act(p, "assign", {"mode": "lead_co", "units": [{"name": lead, "role": "lead"},
                                                                 {"name": co, "role": "co"}],
                                   "note": "请抓紧办理，按时答复"})
        p = self.act(p, "sign", {"unit": lead})
        p = self.act(p, "sign", {"unit": co})
        p = self.reply(p, lead, expect=(422,))   # before the co unit's opinion
        p = self.act(p, "opinion", {"unit": co, "opinion": "同意主办单位意见。"})
        p = self.reply(p, lead)
        p = self.feedback(p, "unsatisfied")      # 不满意 -> rehandling
        if p is not None and p.get("status") != "rehandling":
            TALLY.surprise("lead_co: after 不满意 the state is %s" % p.get("status"))
        p = self.reply(p, lead)
        p = self.feedback(p, "satisfied")
        p = self.act(p, "follow_up", {"unit": lead, "doc_no": "补〔2026〕%d号" % self.n,
                                      "category": "A", "text": "补充答复：项目已开工。"})
        p = self.act(p, "reopen", {"reason": "代表再次反映"})
        p = self.reply(p, lead)
        p = self.act(p, "close", {}, expect=(409, 422))   # the feedback window is open
        p = self.feedback(p, "basically_satisfied")
        self.read_back(p)

    def single(self):
        unit = self.rng.choice(UNITS)
        p = self.create()
        p = self.act(p, "assign", {"mode": "single", "units": [{"name": unit, "role": "lead"}]})
        p = self.act(p, "sign", {"unit": unit})
        p = self.act(p, "extend", {"due_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                           time.gmtime(time.time() + 120 * 86400))})
        p = self.act(p, "supervise", {"key_supervision": True, "supervisor": "督办员"})
        p = self.patch(p)
        p = self.reply(p, unit)
        p = self.feedback(p, self.rng.choice(["satisfied", "basically_satisfied", "unsatisfied"]))
        self.read_back(p)

    def separate(self):
        u1, u2 = self.rng.sample(UNITS, 2)
        p = self.create()
        p = self.act(p, "assign", {"mode": "separate", "units": [{"name": u1, "role": "separate"},
                                                                  {"name": u2, "role": "separate"}]})
        p = self.act(p, "sign", {"unit": u1})
        p = self.act(p, "sign", {"unit": u2})
        p = self.reply(p, u1)
        p = self.reply(p, u1, expect=(422,))      # a second reply in the round
        p = self.act(p, "withdraw", {"reason": "撤回"}, expect=(409, 422))
        p = self.reply(p, u2)
        p = self.feedback(p, "unsatisfied")
        p = self.reply(p, u2)
        p = self.act(p, "close", {}, expect=(409, 422))

    def cppcc(self):
        unit = self.rng.choice(UNITS)
        p = self.create({"kind": "proposal"})
        p = self.act(p, "review", {})
        r = self.rng.random()
        if r < 0.15:
            self.act(p, "reject", {"reason": "不符合立案条件"})
            return
        if r < 0.3:
            self.act(p, "convert", {"reason": "转为意见建议"})
            return
        if r < 0.45:
            target = self.create()
            self.act(p, "merge", {"merged_into": target["id"]} if target else {},
                     expect=(200,) if target else (422,))
            self.act(target, "withdraw", {"reason": "并案后撤回"})
            return
        p = self.act(p, "file", {})
        p = self.act(p, "assign", {"mode": "single", "units": [{"name": unit, "role": "lead"}]})
        p = self.act(p, "return", {"unit": unit, "reason": "不属于我单位职责"})
        p = self.act(p, "reassign", {"mode": "single", "units": [{"name": unit, "role": "lead"}]})
        p = self.act(p, "sign", {"unit": unit})
        p = self.reply(p, unit)
        p = self.feedback(p, "satisfied")

    def by_unit(self):
        """The unit's and the delegate's own tokens: the unit signs and
        answers what was assigned to it, the delegate gives feedback on
        their own; neither may touch another's."""
        unit, person = UNITS[0], PEOPLE[0]
        p = self.create({"lead_author": person})
        other = self.create({"lead_author": PEOPLE[1], "co_signers": PEOPLE[2:4]})
        mode = self.rng.choice(["single", "lead_co"])
        units = [{"name": unit, "role": "lead"}]
        if mode == "lead_co":
            units.append({"name": UNITS[1], "role": "co"})
        p = self.act(p, "assign", {"mode": mode, "units": units})
        other = self.act(other, "assign", {"mode": "single", "units": [{"name": UNITS[2], "role": "lead"}]})
        if p is None or other is None:
            return
        self.unit.request("unit_get_other", "GET", "/v1/proposals/%d" % other["id"], expect=(403, 404))
        self.act(other, "sign", {"unit": UNITS[2]}, expect=(403, 404), client=self.unit)
        self.delegate.request("delegate_get_other", "GET", "/v1/proposals/%d" % other["id"], expect=(403, 404))
        p = self.act(p, "sign", {"unit": unit}, client=self.unit)
        if mode == "lead_co":
            self.act(p, "opinion", {"unit": UNITS[1], "opinion": "代为填写"}, expect=(403,), client=self.unit)
            p = self.act(p, "sign", {"unit": UNITS[1]})
            p = self.act(p, "opinion", {"unit": UNITS[1], "opinion": "同意。"})
        self.unit.request("unit_list", "GET", "/v1/proposals?unit=%s&limit=20" % unit, expect=(200,))
        self.act(p, "feedback", {"person": person, "satisfaction": "satisfied"}, expect=(409,),
                 client=self.delegate)   # not replied yet
        p = self.act(p, "reply", {"unit": unit, "doc_no": "晋水函〔2026〕%d号" % self.n, "category": "B",
                                  "text": "我厅高度重视，已会同有关部门研究办理。"}, client=self.unit)
        self.delegate.request("delegate_get", "GET", "/v1/proposals/%d" % p["id"], expect=(200,))
        self.delegate.request("delegate_list", "GET", "/v1/proposals?limit=20", expect=(200,))
        sat = self.rng.choice(["satisfied", "unsatisfied"])
        p = self.act(p, "feedback", {"person": person, "satisfaction": sat, "comment": "答复具体"},
                     client=self.delegate)
        if sat == "unsatisfied" and p.get("status") == "rehandling":
            p = self.act(p, "reply", {"unit": unit, "doc_no": "晋水函〔2026〕%d-2号" % self.n,
                                      "category": "A", "text": "重新办理：已安排专项资金。"}, client=self.unit)
            p = self.act(p, "feedback", {"person": person, "satisfaction": "basically_satisfied"},
                         client=self.delegate)
        self.act(other, "withdraw", {"reason": "撤回"})
        self.read_back(p)

    def draft(self):
        p = self.create({"status": "draft"})
        p = self.patch(p)
        if p is None:
            return
        if self.rng.random() < 0.5:
            self.c().request("delete", "DELETE", "/v1/proposals/%d" % p["id"], expect=(204,))
            self.c().request("get_deleted", "GET", "/v1/proposals/%d" % p["id"], expect=(404,))
        else:
            p = self.act(p, "submit", {})
            self.act(p, "withdraw", {"reason": "代表撤回"})

    def refused(self):
        p = self.create()
        if p is None:
            return
        self.act(p, "close", {}, expect=(409,))
        self.act(p, "no_such_action", {}, expect=(404,))
        self.c().json("patch_status", "PATCH", "/v1/proposals/%d" % p["id"], {"status": "closed"},
                      expect=(422,))
        self.act(p, "assign", {"mode": "lead_co", "units": [{"name": UNITS[0], "role": "co"}]},
                 expect=(422,))
        self.c().json("create_bad", "POST", "/v1/proposals", {"title": ""}, expect=(422,))
        self.c().json("create_dup", "POST", "/v1/proposals",
                      {"title": "重复编号", "number": p["number"], "session": p["session"]}, expect=(409,))
        key = "soak-%d-%d-%s" % (self.wid, self.n, os.urandom(4).hex())
        body = {"title": "关于幂等请求的建议", "session": self.env.session()}
        c = self.c()
        c.json("create_idem", "POST", "/v1/proposals", body, headers={"Idempotency-Key": key}, expect=(201,))
        c.json("create_idem_replay", "POST", "/v1/proposals", body, headers={"Idempotency-Key": key},
               expect=(201,))
        c.json("create_idem_conflict", "POST", "/v1/proposals", dict(body, title="另一标题"),
               headers={"Idempotency-Key": key}, expect=(422,))
        self.c().request("delete_live", "DELETE", "/v1/proposals/%d" % p["id"], expect=(409,))
        self.act(p, "withdraw", {"reason": "重复"})

    def recycle(self):
        """With the store at --cap: an existing proposal one step or a
        round further, whatever its state allows, one of this writer's
        share of them (a deleted draft is a 404). Its units have signed
        (if it was ever in handling) and the co units' opinions stay, so
        the replies are those of its lead or separate units; a separate
        unit that has replied in the round, or a lead whose co unit has
        not given its opinion, is refused (422)."""
        # Each writer takes its own share of the proposals (their ids
        # modulo --writers), so that two never run the same one at once (a
        # 412 or 409 that is no fault), and any of its share alike, so that
        # no few proposals gather hundreds of replies.
        n = self.env.args.writers
        pid = self.rng.randint(0, max(0, self.env.max_id - self.wid) // n) * n + self.wid
        if pid < 1:
            return
        st, p = self.c().json("recycle_get", "GET", "/v1/proposals/%d" % pid, expect=(200, 404))
        if st != 200 or not p:
            return
        p = self.patch(p)
        if p.get("status") not in ("closed", "withdrawn", "not_filed", "merged", "converted"):
            p = self.act(p, "supervise", {"key_supervision": self.rng.random() < 0.5, "supervisor": "督办员"})
        if p.get("status") == "closed":
            p = self.act(p, "reopen", {"reason": "代表再次反映"})
        repliers = [u["name"] for u in p.get("units") or [] if u.get("role") in ("lead", "separate")]
        if p.get("status") in ("handling", "rehandling"):
            for unit in repliers:
                p = self.reply(p, unit, expect=(200, 422))
                if p.get("status") == "replied":
                    break
        if p.get("status") == "replied":
            p = self.feedback(p, self.rng.choice(["satisfied", "basically_satisfied", "satisfied",
                                                  "unsatisfied"]))
        self.read_back(p)

    def read_back(self, p):
        if p is None:
            return
        c = self.c()
        st, hd, _ = c.request("get", "GET", "/v1/proposals/%d" % p["id"], expect=(200,))
        if st == 200 and hd.get("ETag"):
            c.request("get_304", "GET", "/v1/proposals/%d" % p["id"],
                      headers={"If-None-Match": hd["ETag"]}, expect=(200, 304))
        c.request("history", "GET", "/v1/proposals/%d/history" % p["id"], expect=(200,))

    def run(self):
        plays = [(self.lead_co, 3), (self.single, 3), (self.separate, 2), (self.cppcc, 2),
                 (self.draft, 1), (self.refused, 1), (self.by_unit, 2)]
        pool = [f for f, w in plays for _ in range(w)]
        while not STOP.is_set():
            if self.env.capped:
                self.recycle()
            else:
                self.rng.choice(pool)()
            STOP.wait(self.env.args.pace)


# ---- Readers -------------------------------------------------------------------

def reader(env, rid):
    rng = random.Random(1000 + rid)
    clients = [Client(env), Client(env, env.tokens["viewer"])]
    qs = ["饮水", "垃圾分类", "交通 条件", "教育", "医疗", "养老", "第1号", "财政 投入", "ＡＩ", "不存在的词"]
    while not STOP.is_set():
        c = rng.choice(clients)
        r = rng.random()
        if r < 0.45:
            params = {}
            for k, vals in (("status", STATES + ["handling,rehandling"]), ("unit", UNITS),
                            ("category", CATEGORIES), ("tag", TAGS), ("delegation", DELEGATIONS),
                            ("kind", ["suggestion", "motion", "proposal"]),
                            ("key_supervision", ["true", "false"]), ("overdue", ["true", "0"]),
                            ("due_before", ["2027-01-01", "2030-06-30T18:00:00+08:00"]), ("q", qs),
                            ("person", PEOPLE), ("session", [env.session(max(0, env.batch - 1))])):
                if rng.random() < 0.15:
                    params[k] = rng.choice(vals)
            if "unit" in params and rng.random() < 0.5:
                params["todo"] = rng.choice(["sign", "reply", "sign,opinion"])
            params["sort"] = rng.choice(["id", "-id", "created_at", "-updated_at", "due_at", "-due_at"])
            params["limit"] = str(rng.choice([5, 50, 200]))
            for _ in range(rng.randint(1, 3)):
                st, body = c.json("list", "GET", "/v1/proposals?" + urllib.parse.urlencode(params),
                                  expect=(200,))
                if st != 200 or not body or not body.get("next"):
                    break
                params["cursor"] = body["next"]
        elif r < 0.6:
            params = {}
            if rng.random() < 0.6:
                k = rng.choice(["unit", "category", "session", "q", "status", "delegation"])
                params[k] = {"unit": rng.choice(UNITS), "category": rng.choice(CATEGORIES),
                             "session": env.session(max(0, env.batch - 1)), "q": rng.choice(qs),
                             "status": "handling", "delegation": rng.choice(DELEGATIONS)}[k]
            c.json("stats", "GET", "/v1/stats?" + urllib.parse.urlencode(params), expect=(200,))
        elif r < 0.75:
            st, h = c.json("health", "GET", "/v1/health", expect=(200,))
            if st == 200 and h and h.get("proposals"):
                pid = rng.randint(1, h["proposals"])
                c.request("get", "GET", "/v1/proposals/%d" % pid, expect=(200, 404))
                c.request("history", "GET", "/v1/proposals/%d/history" % pid, expect=(200, 404))
        elif r < 0.85:
            c.request("metrics", "GET", "/metrics", expect=(200,))
        elif r < 0.9:
            c.request("workflow", "GET", "/v1/workflow", expect=(200,))
        elif r < 0.95:
            c.request("plugins", "GET", "/v1/plugins", expect=(200,) if c.token is None else (403,))
        else:
            c.request("list_bad", "GET", "/v1/proposals?stauts=handling", expect=(400,))
            c.request("list_bad", "GET", "/v1/proposals?q=%ff", expect=(400,))
            c.request("list_bad", "GET", "/v1/proposals?limit=501", expect=(400,))
        STOP.wait(env.args.pace)


# ---- Exports ---------------------------------------------------------------------

def exporter(env):
    rng = random.Random(2000)
    clients = [Client(env, timeout=120), Client(env, env.tokens["viewer"], timeout=120)]
    while not STOP.is_set():
        c = rng.choice(clients)
        fmt = rng.choice(EXPORT_FORMATS)
        params = {"format": fmt}
        r = rng.random()
        if r < 0.5:
            params["session"] = env.session(max(0, env.batch - rng.randint(0, 2)))
        elif r < 0.7:
            params["status"] = rng.choice(["handling", "replied", "closed", "rehandling"])
            params["unit"] = rng.choice(UNITS)
        elif r < 0.85:
            params["q"] = rng.choice(["饮水", "养老", "交通"])
            params["session"] = env.session(max(0, env.batch - 1))
        else:
            params["status"] = "assigned"
        if fmt in ("md", "html") and rng.random() < 0.5:
            params["group"] = "unit"
            params["title"] = "浸泡测试办理情况"
        if fmt in ("csv", "xlsx", "md", "html") and rng.random() < 0.3:
            params["tz"] = "+08:00"
        if fmt == "csv" and rng.random() < 0.3:
            params["lang"] = "en"
        path = "/v1/exports?" + urllib.parse.urlencode(params)
        if rng.random() < 0.2:
            c.request("export_cut:" + fmt, "GET", path, expect=(200,), stream_limit=rng.randint(1, 8192))
        else:
            c.request("export:" + fmt, "GET", path, expect=(200,))
        if rng.random() < 0.05:
            c.request("export_bad", "GET", "/v1/exports?format=csv&stauts=x", expect=(400,))
            c.request("export_bad", "GET", "/v1/exports?format=pdf", expect=(404,))
        STOP.wait(env.args.export_every if env.args.export_every is not None else env.args.pace * 4)


# ---- Imports ---------------------------------------------------------------------

def importer(env):
    rng = random.Random(3000)
    clients = [Client(env, timeout=120), Client(env, env.tokens["clerk"], timeout=120)]
    n = 0
    last = None
    while not STOP.is_set():
        c = rng.choice(clients)
        n += 1
        sess = env.session()
        r = rng.random()
        if env.capped:
            # Nothing new: the last file again (skipped), or one that is
            # refused whole (0.7-0.78), bad parameters, a cut upload.
            r = rng.choice([0.55, 0.55, 0.75, 0.8, 0.9]) if last else rng.choice([0.75, 0.8, 0.9])
        if r < 0.25:
            rows = ["编号,届次,标题,领衔代表,代表团,类别,建议"]
            for i in range(rng.randint(2, 8)):
                rows.append("导入-%d-%d,%s,关于导入第%d件饮水安全问题的建议,%s,%s,%s,一是加大投入；二是完善机制"
                            % (n, i, sess, i, rng.choice(PEOPLE), rng.choice(DELEGATIONS),
                               rng.choice(CATEGORIES)))
            last = ("csv", ("\n".join(rows) + "\n").encode())
            c.request("import:csv", "POST", "/v1/imports?format=csv", raw_body=last[1],
                      headers={"Content-Type": "text/csv"}, expect=(201,))
        elif r < 0.45:
            recs = [{"number": "JL-%d-%d" % (n, i), "session": sess, "title": "关于导入第%d件养老服务的建议" % i,
                     "lead_author": rng.choice(PEOPLE), "tags": ["导入"], "source": {"ref": "jl-%d-%d" % (n, i)}}
                    for i in range(rng.randint(2, 8))]
            last = ("jsonl", "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in recs).encode())
            c.request("import:jsonl", "POST", "/v1/imports?format=jsonl", raw_body=last[1], expect=(201,))
        elif r < 0.5:
            recs = [{"title": "关于JSON导入第%d件的建议" % i, "session": sess, "number": "JS-%d-%d" % (n, i)}
                    for i in range(3)]
            c.request("import:json", "POST", "/v1/imports?format=json",
                      raw_body=json.dumps(recs, ensure_ascii=False).encode(), expect=(201,))
        elif r < 0.6 and last:
            # The same file again: every record is skipped.
            c.request("import_again:" + last[0], "POST", "/v1/imports?format=" + last[0], raw_body=last[1],
                      expect=(201, 200))
        elif r < 0.7:
            bad = ("编号,届次,标题\n坏-%d-1,%s,关于一件好的建议\n坏-%d-2,%s,\n" % (n, sess, n, sess)).encode()
            c.request("import_refused:csv", "POST", "/v1/imports?format=csv", raw_body=bad, expect=(422,))
            c.request("import_partial:csv", "POST", "/v1/imports?format=csv&partial=true", raw_body=bad,
                      expect=(200, 201))
        elif r < 0.78:
            bad = ('{"title": "关于好记录的建议", "session": "%s"}\n{"title": 断了\n' % sess).encode()
            c.request("import_refused:jsonl", "POST", "/v1/imports?format=jsonl", raw_body=bad, expect=(422,))
            broken = ("编号,标题\n开-%d,\"关于引号没有闭合的建议\n" % n).encode()
            c.request("import_refused:csv_quote", "POST", "/v1/imports?format=csv", raw_body=broken,
                      expect=(422,))
        elif r < 0.85:
            c.request("import_badfmt", "POST", "/v1/imports?format=klingon", raw_body=b"x", expect=(404,))
            c.request("import_badparam", "POST", "/v1/imports?format=csv&encoding=klingon", raw_body=b"x",
                      expect=(400,))
            c.request("import_badparam", "POST", "/v1/imports?format=csv&sepp=x", raw_body=b"x",
                      expect=(400,))
        else:
            # An upload cut off midway.
            tcp = rng.random() < 0.5
            try:
                s = raw_connect(env, tcp)
                auth = ("Authorization: Bearer %s\r\n" % env.tokens["clerk"]) if tcp else ""
                body = ("编号,届次,标题\n" + "".join("断-%d-%d,%s,关于断开的建议\n" % (n, i, sess)
                                                   for i in range(200))).encode()
                s.sendall(("POST /v1/imports?format=csv HTTP/1.1\r\nHost: localhost\r\n%sContent-Length: %d\r\n\r\n"
                           % (auth, len(body) * 3)).encode() + body[:rng.randint(0, len(body))])
                time.sleep(rng.random() * 0.5)
                s.close()
                TALLY.note("import_cut", 0)
            except OSError as e:
                TALLY.problem("import_cut: %r" % e)
        STOP.wait(env.args.pace * 4)


# ---- The change feed --------------------------------------------------------------

def long_poller(env):
    rng = random.Random(4000)
    c = Client(env, env.tokens["viewer"], timeout=60)
    after = 0
    while not STOP.is_set():
        r = rng.random()
        if r < 0.85:
            st, body = c.json("events_poll", "GET", "/v1/events?after=%d&wait=%d&limit=%d"
                              % (after, rng.randint(1, 4), rng.choice([10, 100, 1000])), expect=(200,))
            if st == 200 and body:
                after = body.get("last_seq", after)
        elif r < 0.9:
            c.json("events_from0", "GET", "/v1/events?after=0&limit=1000", expect=(200,))
        else:
            # A long poll left before its answer.
            try:
                s = raw_connect(env, False)
                s.sendall(b"GET /v1/events?after=%d&wait=30 HTTP/1.1\r\nHost: localhost\r\n\r\n" % (after + 10 ** 9))
                time.sleep(rng.random() * 0.5)
                s.close()
                TALLY.note("events_poll_left", 0)
            except OSError as e:
                TALLY.problem("events_poll_left: %r" % e)


def streamer(env, sid):
    rng = random.Random(5000 + sid)
    last = 0
    while not STOP.is_set():
        tcp = rng.random() < 0.5
        r = rng.random()
        try:
            s = raw_connect(env, tcp)
            hdr = "Accept: text/event-stream\r\n"
            if tcp:
                hdr += "Authorization: Bearer %s\r\n" % env.tokens["viewer"]
            if r < 0.3:
                path = "/v1/events"
                hdr += "Last-Event-ID: %d\r\n" % max(0, last - rng.randint(0, 300))
            elif r < 0.45:
                path = "/v1/events?after=0&limit=50"   # the whole backlog, read slowly or not at all
            else:
                path = "/v1/events?after=%d" % max(0, last - rng.randint(0, 500))
            s.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\n%s\r\n" % (path, hdr)).encode())
            st, rest = read_head(s)
            TALLY.note("events_stream", st)
            if st != 200:
                TALLY.problem("events_stream -> %d" % st)
                s.close()
                continue
            if 0.3 <= r < 0.45 and rng.random() < 0.5:
                time.sleep(rng.uniform(0.5, 4))    # reads nothing, then goes
                s.close()
                continue
            end = now() + rng.uniform(0.2, 5)
            buf = rest
            s.settimeout(0.5)
            while now() < end and not STOP.is_set():
                try:
                    got = s.recv(rng.choice([512, 65536]))
                except socket.timeout:
                    continue
                if not got:
                    TALLY.problem("events_stream closed by ptrackd")
                    break
                buf += got
                while b"\nid: " in buf[-300000:] and len(buf) > 200000:
                    buf = buf[-100000:]
            for line in buf.split(b"\n"):
                if line.startswith(b"id: "):
                    try:
                        last = max(last, int(line[4:]))
                    except ValueError:
                        pass
            s.close()   # mid-stream
        except OSError as e:
            if not STOP.is_set():
                TALLY.problem("events_stream: %r" % e)
        STOP.wait(env.args.pace)


# ---- Tokens --------------------------------------------------------------------------

def tokens(env):
    rng = random.Random(6000)
    admin = [Client(env), Client(env, env.tokens["admin"])]
    n = 0
    while not STOP.is_set():
        n += 1
        a = rng.choice(admin)
        name = "浸泡联络员%d" % n
        if rng.random() < 0.6:
            unit = rng.choice(UNITS)
            body = {"name": name, "role": "unit", "unit": unit}
            scope = "unit=" + urllib.parse.quote(unit)
        else:
            body = {"name": name, "role": "delegate", "person": rng.choice(PEOPLE)}
            scope = ""
        st, t = a.json("token_create", "POST", "/v1/tokens", body, expect=(201,))
        if st != 201 or not t:
            STOP.wait(1)
            continue
        a.json("token_dup", "POST", "/v1/tokens", body, expect=(409,))
        u = Client(env, t["token"])
        if body["role"] == "unit":
            u.request("unit_todo", "GET", "/v1/proposals?todo=sign,reply", expect=(200,))
        u.request("scoped_list", "GET", "/v1/proposals?limit=20", expect=(200,))
        u.request("scoped_stats", "GET", "/v1/stats?" + (scope if body["role"] == "unit" else ""),
                  expect=(200,))
        u.request("scoped_events", "GET", "/v1/events?after=0&limit=20", expect=(200,))
        # A stream opened with the token ends when the token is revoked.
        s = None
        try:
            s = raw_connect(env, True)
            s.sendall(("GET /v1/events?after=0&limit=10 HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                       "Authorization: Bearer %s\r\n\r\n" % t["token"]).encode())
            st, _ = read_head(s)
            TALLY.note("token_stream", st)
        except OSError as e:
            TALLY.problem("token_stream: %r" % e)
            s = None
        u.close()
        a.request("token_revoke", "DELETE", "/v1/tokens/" + urllib.parse.quote(name), expect=(204,))
        if s is not None:
            info = {}
            if not read_stream_end(s, 5, info):
                TALLY.surprise("the stream of the revoked token %s is still open 5 s after the revoke (%r)"
                               % (name, info))
            s.close()
        u.request("revoked_use", "GET", "/v1/health", expect=(401,))
        u.close()
        if rng.random() < 0.3:
            a.json("token_bad", "POST", "/v1/tokens", {"name": "坏令牌", "role": "emperor"}, expect=(422,))
            a.request("token_revoke_none", "DELETE", "/v1/tokens/" + urllib.parse.quote("没有这个令牌"),
                      expect=(404,))
            a.request("token_revoke_config", "DELETE", "/v1/tokens/" + urllib.parse.quote("报表机"),
                      expect=(409,))
            a.request("tokens_list", "GET", "/v1/tokens", expect=(200,))
        STOP.wait(env.args.pace * 10)


# ---- Malformed HTTP and dropped connections ----------------------------------------------

def chaos(env):
    rng = random.Random(7000)

    def raw(name, data, read=True, pause=0.0, expect=None):
        tcp = rng.random() < 0.5
        try:
            s = raw_connect(env, tcp, timeout=8)
            for part in data if isinstance(data, list) else [data]:
                s.sendall(part)
                if pause:
                    time.sleep(pause)
            st = None
            if read:
                st, _ = read_head(s)
                if expect and st not in expect:
                    TALLY.surprise("chaos %s over %s -> %s" % (name, "tcp" if tcp else "unix", st))
            TALLY.note("chaos:" + name, st if st is not None else 0)
            s.close()
        except OSError as e:
            if not STOP.is_set():
                TALLY.problem("chaos %s: %r" % (name, e))

    big = b"X-Big: " + b"a" * 20000 + b"\r\n"
    cases = [
        ("garbage", lambda: raw("garbage", b"\x00\x01GARBAGE\xff\xfe\r\n\r\n", expect=(400,))),
        ("bad_request_line", lambda: raw("bad_request_line", b"GET\r\n\r\n", expect=(400,))),
        ("http09", lambda: raw("http09", b"GET /v1/health\r\n\r\n", expect=(400, 505))),
        ("cut_head", lambda: raw("cut_head", b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\nAcc", read=False)),
        ("cut_line", lambda: raw("cut_line", b"POST /v1/propo", read=False)),
        ("cut_body", lambda: raw("cut_body", b"POST /v1/proposals HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                 b"application/json\r\nContent-Length: 1000\r\n\r\n{\"title\": \"\xe5\x85\xb3",
                                 read=False)),
        ("two_lengths", lambda: raw("two_lengths", b"POST /v1/proposals HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                                    b"2\r\nContent-Length: 3\r\n\r\n{}x", expect=(400,))),
        ("bad_chunk", lambda: raw("bad_chunk", b"POST /v1/proposals HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                  b"application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                                  expect=(400, 401))),
        ("big_header", lambda: raw("big_header", b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\n" + big + b"\r\n",
                                   expect=(431, 400))),
        ("bad_json", lambda: raw("bad_json", b"POST /v1/proposals HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                 b"application/json\r\nContent-Length: 9\r\n\r\n{\"title\":", expect=(400, 401))),
        ("bad_utf8", lambda: raw("bad_utf8", b"POST /v1/proposals HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                 b"application/json\r\nContent-Length: 14\r\n\r\n{\"title\":\"\xff\xfe\"}",
                                 expect=(400, 401))),
        ("nul_query", lambda: raw("nul_query", b"GET /v1/proposals?q=%00 HTTP/1.1\r\nHost: localhost\r\n\r\n",
                                  expect=(400, 401))),
        ("bad_media", lambda: raw("bad_media", b"POST /v1/proposals HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                                  b"text/plain\r\nContent-Length: 2\r\n\r\n{}", expect=(415, 401))),
        ("slow_head", lambda: raw("slow_head", [b"GET /v1/heal", b"th HTTP/1.1\r\nHo", b"st: localhost\r\n\r\n"],
                                  pause=0.2, expect=(200, 401))),
        ("pipelined", lambda: raw("pipelined", b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n" * 3 +
                                  b"GET /v1/workflow HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                                  expect=(200, 401))),
        ("expect_left", lambda: raw("expect_left", b"POST /v1/imports?format=csv HTTP/1.1\r\nHost: localhost\r\n"
                                    b"Expect: 100-continue\r\nContent-Length: 100000\r\n\r\n", read=False)),
        ("open_close", lambda: raw("open_close", b"", read=False)),
        ("bad_method", lambda: raw("bad_method", b"BREW /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n",
                                   expect=(400, 401, 405, 501))),
    ]
    while not STOP.is_set():
        rng.choice(cases)[1]()
        STOP.wait(env.args.pace * 2)


# ---- Plugins loaded and unloaded at run time -------------------------------------------

def plugin_churn(env):
    """Loads a notifier through POST /v1/plugins, lets it take a few
    events, reads the list and unloads it; sends entries the loader
    refuses (a missing file, another ABI, unknown options)."""
    rng = random.Random(8000)
    a = Client(env, env.tokens["admin"], timeout=30)
    n = 0
    while not STOP.is_set():
        n += 1
        name = "churn%d" % (n % 4)    # a few names, used again and again
        if env.args.fixtures and rng.random() < 0.5:
            entry = {"instance": name, "path": os.path.join(env.fixtures, "fixture_notify_record.so"),
                     "config": {"path": os.path.join(env.dir, "churn.log")}}
        else:
            entry = {"instance": name, "path": "notify_webhook.so", "events": ["proposal.created"],
                     "config": {"url": "http://127.0.0.1:%d/churn" % env.hook_port, "format": "json"}}
        st, _ = a.json("plugin_load", "POST", "/v1/plugins", entry, expect=(201,))
        a.json("plugin_load_again", "POST", "/v1/plugins", entry, expect=(409,))
        STOP.wait(rng.uniform(0.2, 2))
        a.request("plugins_list", "GET", "/v1/plugins", expect=(200,))
        if st == 201:
            a.request("plugin_unload", "DELETE", "/v1/plugins/" + name, expect=(204,))
        a.request("plugin_unload_none", "DELETE", "/v1/plugins/" + name, expect=(404,))
        r = rng.random()
        if r < 0.3:
            a.json("plugin_load_missing", "POST", "/v1/plugins",
                   {"instance": "无此插件" if rng.random() < 0.5 else "nosuch", "path": "nosuch.so"},
                   expect=(422,))
        elif r < 0.5 and env.args.fixtures:
            bad = rng.choice(["bad_major", "bad_minor", "bad_noentry", "bad_create", "bad_small",
                              "bad_undefined", "bad_args"])
            a.json("plugin_load_bad", "POST", "/v1/plugins",
                   {"instance": "bad", "path": os.path.join(env.fixtures, "fixture_%s.so" % bad)},
                   expect=(422,))
        elif r < 0.6:
            a.json("plugin_load_badopt", "POST", "/v1/plugins",
                   {"instance": "badopt", "path": "notify_webhook.so", "config": {"urll": "x"}},
                   expect=(422,))
        STOP.wait(env.args.pace * 20)


# ---- Slow clients: slowloris --------------------------------------------------------------

def slowloris(env):
    """Keeps --slow connections open, each sending its request a byte at
    a time a second apart (the headers, or a body it announced): ptrackd
    must close each after its header or idle timeout and keep serving."""
    rng = random.Random(9000)
    conns = []
    while not STOP.is_set():
        while len(conns) < env.args.slow:
            tcp = rng.random() < 0.5
            body = rng.random() < 0.4
            try:
                s = raw_connect(env, tcp, timeout=2)
            except OSError as e:
                TALLY.problem("slowloris connect: %r" % e)
                break
            if body:
                head = ("POST /v1/proposals HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        "Content-Length: 100000\r\n%s\r\n{" % (
                            "Authorization: Bearer %s\r\n" % env.tokens["clerk"] if tcp else "")).encode()
                s.sendall(head)
                rest = b'"title": "' + "慢".encode() * 30000
            else:
                rest = b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"z" * 10000
            conns.append([s, rest, now(), "body" if body else "head"])
        keep = []
        for c in conns:
            s, rest, t0, kind = c
            try:
                s.sendall(rest[:1])
                c[1] = rest[1:]
                s.setblocking(False)
                try:
                    got = s.recv(4096)
                except BlockingIOError:
                    got = None
                s.setblocking(True)
                if got is not None:
                    # The server answered (408) or closed: the timeout worked.
                    code = got.split(b" ")[1] if got.startswith(b"HTTP/1.1 ") else b"0"
                    TALLY.note("slowloris_" + kind + "_closed", int(code) if code.isdigit() else -1)
                    s.close()
                    continue
                if now() - t0 > 90:
                    TALLY.surprise("slowloris %s still open after %.0f s" % (kind, now() - t0))
                    s.close()
                    continue
                keep.append(c)
            except OSError:
                TALLY.note("slowloris_" + kind + "_closed", 0)
                s.close()
        conns = keep
        STOP.wait(1)
    for c in conns:
        c[0].close()


# ---- The loop's latency ------------------------------------------------------------------

LAT = {"lock": threading.Lock(), "health": [], "list": []}


def prober(env):
    """Times GET /v1/health and a list of 20 on the viewer's keep-alive
    connection four times a second: a stall of the loop shows as a spike."""
    c = Client(env, env.tokens["viewer"], timeout=60)
    k = 0
    while not STOP.wait(0.25):
        k += 1
        what, path = ("health", "/v1/health") if k % 2 else ("list", "/v1/proposals?limit=20")
        t = now()
        st, _, _ = c.request("probe_" + what, "GET", path, expect=(200,))
        ms = (now() - t) * 1000
        if st == 200:
            with LAT["lock"]:
                LAT[what].append(ms)


def take_latency(row):
    with LAT["lock"]:
        for what in ("health", "list"):
            v = sorted(LAT[what])
            LAT[what] = []
            if v:
                row[what + "_p50"] = round(v[len(v) // 2], 1)
                row[what + "_max"] = round(v[-1], 1)


# ---- Reloads ---------------------------------------------------------------------------

def reloader(env):
    k = 0
    while not STOP.wait(env.args.hup_every):
        k += 1
        variant = "bad" if k % 5 == 0 else k % 2
        env.write_config(variant)
        env.proc.send_signal(signal.SIGHUP)
        env.reloads += 1
        if variant == "bad":
            STOP.wait(2)
            env.write_config(k % 2)   # the next reload takes a good one


def capper(env):
    # Watches the count of proposals for --cap.
    c = Client(env, timeout=20)
    while not STOP.wait(2):
        st, h = c.json("cap_health", "GET", "/v1/health")
        if st == 200 and h and h.get("proposals", 0) >= env.args.cap:
            st, last = c.json("cap_last", "GET", "/v1/proposals?sort=-id&limit=1")
            env.max_id = last["items"][0]["id"] if st == 200 and last and last.get("items") else h["proposals"]
            env.capped = True
            env.capped_at = now() - T0
            print("-- %.0f s: %d proposals, --cap %d reached: no more are made"
                  % (env.capped_at, h["proposals"], env.args.cap), flush=True)
            return


def batcher(env):
    # A new session every minute, so that an export of a recent session
    # stays small however long the run.
    while not STOP.wait(60):
        env.batch += 1


# ---- Sampling ---------------------------------------------------------------------------

def sample(env):
    pid = env.proc.pid
    row = {"t": now() - T0}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                row[k] = int(v.split()[0])
            elif k == "Threads":
                row["threads"] = int(v)
    fds = os.listdir("/proc/%d/fd" % pid)
    row["fds"] = len(fds)
    socks = dbs = 0
    db_path = os.path.join(env.data, "ptrack.db")
    for fd in fds:
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        socks += target.startswith("socket:")
        dbs += target == db_path
    row["socks"] = socks
    row["dbconns"] = dbs
    kids = 0
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids += 1
            except (OSError, ValueError, IndexError):
                pass
    row["children"] = kids
    for name, key in (("ptrack.db", "db"), ("ptrack.db-wal", "wal")):
        try:
            row[key] = os.path.getsize(os.path.join(env.data, name)) // 1024
        except OSError:
            row[key] = 0
    row["behind"] = None
    row["proposals"] = None
    try:
        c = Client(env, timeout=20)
        st, _, data = c.request("sample_metrics", "GET", "/metrics")
        if st == 200:
            behind = 0
            for line in data.decode().splitlines():
                if line.startswith("ptrack_jobs_running "):
                    row["jobs"] = int(float(line.split()[1]))
                for m, key in (("ptrack_sqlite_memory_bytes", "sqlite"),
                               ("ptrack_sqlite_memory_highwater_bytes", "sqlite_hwm"),
                               ("ptrack_heap_in_use_bytes", "heap"), ("ptrack_heap_free_bytes", "hfree"),
                               ("ptrack_writer_cache_bytes", "wcache")):
                    if line.startswith(m + " "):
                        row[key] = int(float(line.split()[1])) // 1024
                for m in ("behind", "deliveries_total", "failures_total"):
                    if line.startswith("ptrack_notifier_%s{" % m):
                        inst = line.split('"')[1]
                        v = int(float(line.rsplit(" ", 1)[1]))
                        row.setdefault("notifiers", {}).setdefault(inst, {})[m] = v
                        if m == "behind":
                            behind += v
            row["behind"] = behind
        st, h = c.json("sample_health", "GET", "/v1/health")
        if st == 200 and h:
            row["proposals"] = h.get("proposals")
        c.close()
    except OSError:
        pass
    take_latency(row)
    row["requests"] = TALLY.total
    row["capped"] = env.capped
    return row


COLS = [("t", "t s", 6), ("VmRSS", "RSS kB", 8), ("VmHWM", "HWM kB", 8), ("threads", "thr", 4),
        ("fds", "fds", 5), ("socks", "socks", 5), ("dbconns", "dbs", 3), ("children", "kids", 4), ("db", "db kB", 9),
        ("wal", "wal kB", 8), ("behind", "behind", 7), ("jobs", "jobs", 4), ("sqlite", "sqlite kB", 9),
        ("heap", "heap kB", 9), ("hfree", "hfree kB", 8), ("wcache", "wcache kB", 9), ("proposals", "props", 7),
        ("requests", "requests", 9), ("health_p50", "h50ms", 6), ("health_max", "hmaxms", 7),
        ("list_p50", "l50ms", 6), ("list_max", "lmaxms", 7)]


def fmt_row(row):
    out = []
    for key, _, w in COLS:
        v = row.get(key)
        out.append(("%*.0f" % (w, v)) if isinstance(v, float) else ("%*s" % (w, "-" if v is None else v)))
    return " ".join(out)


def slope(rows, key):
    pts = [(r["t"], r[key]) for r in rows if r.get(key) is not None]
    if len(pts) < 2:
        return None
    n = len(pts)
    mt = sum(t for t, _ in pts) / n
    mv = sum(v for _, v in pts) / n
    den = sum((t - mt) ** 2 for t, _ in pts)
    if den == 0:
        return None
    return sum((t - mt) * (v - mv) for t, v in pts) / den * 3600


def report(env, rows, stopped):
    print()
    print("== figures (kB unless said; fds, threads, children: counts)")
    warm = next((r for r in rows if r["t"] >= rows[-1]["t"] / 4), rows[0])
    half = [r for r in rows if r["t"] >= rows[-1]["t"] / 2]
    capped = [r for r in rows if r.get("capped")]
    print("%-10s %12s %12s %12s %14s%s" % ("", "start", "warm (1/4)", "end", "per hour (2nd half)",
                                           " %14s" % "since the cap" if capped else ""))
    for key in ("VmRSS", "VmHWM", "threads", "fds", "socks", "dbconns", "children", "db", "wal", "behind", "jobs",
                "sqlite", "sqlite_hwm", "heap", "hfree", "wcache", "proposals", "health_p50", "health_max",
                "list_p50", "list_max"):
        s = slope(half, key)
        line = "%-10s %12s %12s %12s %14s" % (key, rows[0].get(key), warm.get(key), rows[-1].get(key),
                                              "-" if s is None else "%+.0f" % s)
        if capped:
            s = slope(capped, key)
            line += " %14s" % ("-" if s is None else "%+.0f" % s)
        print(line)
    if capped:
        print("(the cap was reached at %.0f s; since then: %d samples)" % (env.capped_at, len(capped)))
    last = next((r for r in reversed(rows) if r.get("notifiers")), None)
    if last:
        print("\nnotifiers at the end: " + ", ".join(
            "%s delivered %d, failed %d, behind %d" % (k, v.get("deliveries_total", 0),
                                                      v.get("failures_total", 0), v.get("behind", 0))
            for k, v in sorted(last["notifiers"].items())))
    dur = rows[-1]["t"]
    print("\nrequests %d in %.0f s (%.1f/s), reloads %d" % (TALLY.total, dur, TALLY.total / max(dur, 1),
                                                             env.reloads))
    print("\n== answers by operation and status")
    ops = collections.defaultdict(dict)
    for (op, st), k in TALLY.counts.items():
        ops[op][st] = k
    for op in sorted(ops):
        print("  %-28s %s" % (op, "  ".join("%s:%d" % (st, k) for st, k in sorted(ops[op].items(),
                                                                                  key=lambda x: str(x[0])))))
    print("\n== problems (5xx, broken connections): %d" % TALLY.problem_count)
    for p in TALLY.problems:
        print("  " + p)
    print("\n== surprises (an answer other than the expected one): %d" % TALLY.surprise_count)
    if TALLY.surprise_count:
        print("  by kind: " + ", ".join("%s %d" % kv for kv in TALLY.surprise_kinds.most_common()))
    for p in TALLY.surprises:
        print("  " + p)
    if stopped:
        rc, secs = stopped
        print("\n== stop: exit status %s after %.1f s" % (rc, secs))
    levels = collections.Counter()
    notable = []
    with open(env.log, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split(None, 2)
            if len(parts) >= 2 and parts[1] in ("DEBUG", "INFO", "WARN", "ERROR"):
                levels[parts[1]] += 1
                if parts[1] == "ERROR" and len(notable) < 20:
                    notable.append(line.rstrip()[:300])
            elif "Sanitizer" in line or "runtime error" in line or "SUMMARY" in line:
                levels["sanitizer"] += 1
                if len(notable) < 40:
                    notable.append(line.rstrip()[:300])
    print("== log %s: %s" % (env.log, dict(levels)))
    for line in notable:
        print("  " + line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build", help="the build directory (ptrackd, plugins/)")
    ap.add_argument("--duration", type=float, default=1200, help="seconds of traffic (default 1200)")
    ap.add_argument("--sample", type=float, default=30, help="seconds between samples (default 30)")
    ap.add_argument("--hup-every", type=float, default=20, help="seconds between SIGHUPs (default 20)")
    ap.add_argument("--writers", type=int, default=3, help="workflow threads (default 3)")
    ap.add_argument("--readers", type=int, default=2, help="list and stats threads (default 2)")
    ap.add_argument("--streams", type=int, default=2, help="event stream threads (default 2)")
    ap.add_argument("--pace", type=float, default=0.05, help="pause between a thread's rounds, s")
    ap.add_argument("--dir", help="work directory (default a new one under $TMPDIR; kept)")
    ap.add_argument("--stop", choices=["term", "kill", "none"], default="term",
                    help="how to end ptrackd at the end (default term)")
    ap.add_argument("--json", help="also write each sample as a JSON line to this file")
    ap.add_argument("--cap", type=int, help="once this many proposals exist, make no more: "
                    "the store stops growing but for history and events")
    ap.add_argument("--slow", type=int, default=0, help="slowloris connections kept open (default 0)")
    ap.add_argument("--fixtures", action="store_true", help="add the notifiers of the example and the "
                    "fixture plugins (works, slow, fails and retries, gateway down every other reload); "
                    "the build must have the tests")
    ap.add_argument("--export-every", type=float, help="seconds between exports "
                    "(default: back to back, 4 --pace apart)")
    args = ap.parse_args()

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)   # also when started in the background
    env = Env(args)
    env.start()
    print("ptrackd pid %d, data %s, log %s" % (env.proc.pid, env.data, env.log), flush=True)
    threads = [threading.Thread(target=Writer(env, i).run, daemon=True) for i in range(args.writers)]
    threads += [threading.Thread(target=reader, args=(env, i), daemon=True) for i in range(args.readers)]
    threads += [threading.Thread(target=streamer, args=(env, i), daemon=True) for i in range(args.streams)]
    for f in (exporter, importer, long_poller, tokens, chaos, reloader, batcher, plugin_churn, prober):
        threads.append(threading.Thread(target=f, args=(env,), daemon=True))
    if args.slow:
        threads.append(threading.Thread(target=slowloris, args=(env,), daemon=True))
    if args.cap is not None:
        threads.append(threading.Thread(target=capper, args=(env,), daemon=True))
    rows = [sample(env)]
    print(" ".join("%*s" % (w, h) for _, h, w in COLS))
    print(fmt_row(rows[0]), flush=True)
    jf = open(args.json, "w") if args.json else None
    for t in threads:
        t.start()
    end = T0 + args.duration
    try:
        while now() < end:
            time.sleep(min(args.sample, max(0, end - now())))
            if env.proc.poll() is not None:
                print("ptrackd exited with status %s" % env.proc.returncode)
                STOP.set()
                break
            rows.append(sample(env))
            print(fmt_row(rows[-1]), flush=True)
            if jf:
                jf.write(json.dumps(rows[-1]) + "\n")
                jf.flush()
    except KeyboardInterrupt:
        pass
    STOP.set()
    for t in threads:
        t.join(timeout=30)
    if env.proc.poll() is None:
        rows.append(sample(env))
        print(fmt_row(rows[-1]), flush=True)
        stopped = env.stop(args.stop)
    else:
        stopped = (env.proc.returncode, 0.0)
    report(env, rows, stopped)
    bad = TALLY.problem_count or (stopped and stopped[0] not in (0, None))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

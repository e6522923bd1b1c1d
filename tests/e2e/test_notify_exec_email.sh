#!/usr/bin/env bash
# The notify_exec and notify_email plugins against real local peers started
# by this test:
#   - exec: a script gets the event's JSON on stdin, a minimal environment
#     (PATH, LANG, PTRACK_EVENT, PTRACK_SEQ) and no file of the daemon; its
#     output reaches the daemon's log; exit 75 is retried (the script runs
#     twice), exit 3 drops the event (one run); a run past its timeout is
#     killed with its whole process group and retried; no zombie is left;
#     a directory is refused as the command, and so is a script the kernel
#     cannot run (no #!, a missing interpreter, Windows line ends); a command still running when
#     ptrackd exits is ended with it (SIGTERM to its group);
#   - email: Debian's aiosmtpd (/usr/bin/python3 -m aiosmtpd) receives the
#     mail into a Maildir; the decoded Subject and body name the proposal in
#     Chinese, the sender's display name is RFC 2047 encoded; a permanent
#     refusal (552, message too big) is dropped; each recipient gets the
#     mail in a transaction of its own: one refused for good (550) does not
#     keep the mail from the others and is logged at error, one refused for
#     now (452, or a 503) is retried alone until it takes the mail, and none gets it
#     twice; after a transaction that failed (a 500 at the end of DATA) the
#     next event goes on a new connection, not into the server's broken
#     state; a server that is down at first receives the mail once it is up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

EXEC_SO="$PT_BUILD_DIR/plugins/notify_exec.so"
MAIL_SO="$PT_BUILD_DIR/plugins/notify_email.so"
for f in "$EXEC_SO" "$MAIL_SO"; do
    [ -f "$f" ] || pt_die "$f not built"
done
chmod go-w "$EXEC_SO" "$MAIL_SO"
SYSPY=/usr/bin/python3
"$SYSPY" -c 'import aiosmtpd' 2>/dev/null ||
    pt_die "Debian's python3-aiosmtpd is needed (scripts/install-deps.sh installs it)"
pt_no_proxy

OUT="$PT_TMP/out"
mkdir -p "$OUT"

# ---- The commands ------------------------------------------------------
# rec.sh DIR: stdin to DIR/stdin.<seq>, the environment to DIR/env.<seq>,
# the fds it holds to DIR/fds.<seq>; says something on stdout and stderr.
cat >"$PT_TMP/rec.sh" <<'EOF'
#!/bin/sh
d="$1"
cat >"$d/stdin.$PTRACK_SEQ"
env | LC_ALL=C sort >"$d/env.$PTRACK_SEQ"
# Another shell lists this one's fds, with its own pipe and redirection:
# this shell holds a pipeline's ends while it starts both sides, and keeps
# a copy of a redirected fd while it runs a command, and either could be
# listed.
sh -c 'ls -l "/proc/$1/fd" | awk '\''$(NF-1) == "->" {print $(NF-2), $NF}'\'' >"$2"' \
    sh "$$" "$d/fds.$PTRACK_SEQ"
echo "$PTRACK_SEQ" >>"$d/runs"
echo "已记录事件 $PTRACK_SEQ"
echo "stderr says hello" >&2
exit 0
EOF
# tempfail.sh DIR: exit 75 on the first run, 0 on the next (with stdin
# recorded each time).
cat >"$PT_TMP/tempfail.sh" <<'EOF'
#!/bin/sh
d="$1"
cat >>"$d/stdin"
echo >>"$d/stdin"
echo "$PTRACK_SEQ" >>"$d/runs"
[ "$(grep -c . "$d/runs")" -ge 2 ] && exit 0
echo "网关忙，稍后再试" >&2
exit 75
EOF
# exit3.sh DIR: exit 3 every time, with more on stderr than a log line holds.
cat >"$PT_TMP/exit3.sh" <<'EOF'
#!/bin/sh
echo "$PTRACK_SEQ" >>"$1/runs"
echo "无效的收件人" >&2
yes "错误详情" | head -n 2000 >&2
exit 3
EOF
# slow.sh DIR: the first run starts a background child and hangs (past the
# timeout); the next run exits 0.
cat >"$PT_TMP/slow.sh" <<'EOF'
#!/bin/sh
d="$1"
echo "$PTRACK_SEQ" >>"$d/runs"
if [ "$(grep -c . "$d/runs")" -eq 1 ]; then
    sleep 120 &
    echo $! >"$d/child.pid"
    sleep 120
fi
exit 0
EOF
chmod 0755 "$PT_TMP"/*.sh
for n in rec temp three slow; do mkdir -p "$OUT/$n"; done

# ---- The SMTP servers ----------------------------------------------------
# smtp NAME PORT [ARGS...]: aiosmtpd on 127.0.0.1:PORT delivering into the
# Maildir $PT_TMP/NAME.maildir.
smtp() {
    local name="$1" port="$2" handler=aiosmtpd.handlers.Mailbox
    shift 2
    if [ "${1:-}" = -c ]; then
        handler="$2"
        shift 2
    fi
    "$SYSPY" -m aiosmtpd -n -l "127.0.0.1:$port" "$@" -c "$handler" \
        "$PT_TMP/$name.maildir" >"$PT_TMP/$name.smtp.log" 2>&1 &
    PT_PIDS+=("$!")
    wait_for 10 pt_listening "$port" ||
        pt_die "aiosmtpd $name did not listen on $port: $(cat "$PT_TMP/$name.smtp.log")"
}
SMTP_PORT="$(pt_free_port)"
SMALL_PORT="$(pt_free_port)"
LATE_PORT="$(pt_free_port)"
PARTLY_PORT="$(pt_free_port)"
FULL_PORT="$(pt_free_port)"
NESTED_PORT="$(pt_free_port)"
smtp mail "$SMTP_PORT"
smtp small "$SMALL_PORT" -s 300
# A server that refuses one of the two recipients (550): tests/e2e/receivers.
PYTHONPATH="$PT_E2E_DIR/receivers" smtp partly "$PARTLY_PORT" -c smtp_refuse.Handler
# One that refuses full@ for now (452) twice, busy@ with a 503 once, and
# gone@ for good (550).
PYTHONPATH="$PT_E2E_DIR/receivers" smtp full "$FULL_PORT" -c smtp_refuse.Handler
# One whose first mail fails at the end of DATA (500) and leaves the
# connection's transaction open (then 503 "nested MAIL command").
PYTHONPATH="$PT_E2E_DIR/receivers" smtp nested "$NESTED_PORT" -c smtp_refuse.BrokenData

SC='"events": ["proposal.status_changed"]'
CR='"events": ["proposal.created"]'
pt_config '{}' ',"plugins": [
  {"instance": "rec", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP"'/rec.sh", "'"$OUT"'/rec"]}},
  {"instance": "temp", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP"'/tempfail.sh", "'"$OUT"'/temp"], '"$CR"'}},
  {"instance": "three", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP"'/exit3.sh", "'"$OUT"'/three"], '"$CR"'}},
  {"instance": "slow", "path": "'"$EXEC_SO"'",
   "config": {"command": ["'"$PT_TMP"'/slow.sh", "'"$OUT"'/slow"], "timeout": "1s", '"$CR"'}},
  {"instance": "mail", "path": "'"$MAIL_SO"'",
   "config": {"smtp_url": "smtp://127.0.0.1:'"$SMTP_PORT"'", "from": "建议办公室 \"主任\" <office@example.org>",
              "to": ["张科长 <zhang@example.org>", "li@example.org"], "timeout": "10s", '"$SC"'}},
  {"instance": "small", "path": "'"$MAIL_SO"'",
   "config": {"smtp_url": "smtp://127.0.0.1:'"$SMALL_PORT"'", "from": "office@example.org",
              "to": ["li@example.org"], '"$SC"'}},
  {"instance": "partly", "path": "'"$MAIL_SO"'",
   "config": {"smtp_url": "smtp://127.0.0.1:'"$PARTLY_PORT"'", "from": "office@example.org",
              "to": ["gone@example.org", "li@example.org"], '"$SC"'}},
  {"instance": "full", "path": "'"$MAIL_SO"'",
   "config": {"smtp_url": "smtp://127.0.0.1:'"$FULL_PORT"'", "from": "office@example.org",
              "to": ["li@example.org", "full@example.org", "gone@example.org", "busy@example.org", "wang@example.org"], '"$SC"'}},
  {"instance": "nested", "path": "'"$MAIL_SO"'",
   "config": {"smtp_url": "smtp://127.0.0.1:'"$NESTED_PORT"'", "from": "office@example.org",
              "to": ["li@example.org"], "events": ["proposal.*"]}},
  {"instance": "late", "path": "'"$MAIL_SO"'",
   "config": {"smtp_url": "smtp://127.0.0.1:'"$LATE_PORT"'", "from": "office@example.org",
              "to": ["li@example.org"], "timeout": "2s", '"$SC"'}}
]'
# At debug: the plugins' lines of a failed attempt that is tried again
# (full@'s 452, busy@'s 503) are read below, and are logged at debug alone.
sed -i 's/"log_level": "info"/"log_level": "debug"/' "$PT_CONF"
pt_start

# ---- Helpers ----------------------------------------------------------

feed_json() {
    api GET "/v1/events?after=0&limit=1000"
    [ "$ST" = 200 ] || pt_die "GET /v1/events: HTTP $ST $BODY"
    jv 'j["items"]'
}

runs() { grep -c . "$1/runs" 2>/dev/null || true; }


runs_at_least() { [ "$(runs "$1")" -ge "$2" ]; }

# status INSTANCE KEY: a counter of the instance's notifier.
status() {
    api GET /v1/plugins
    jv "[i[\"notifier\"][\"$2\"] for i in j[\"items\"] if i[\"instance\"] == \"$1\"][0]"
}
# status_is INSTANCE KEY OP N: true when the counter KEY of the instance's
# notifier is OP (test's -eq, -ge) N, read anew at each call, so that
# wait_for polls it.
status_is() { [ "$(status "$1" "$2")" "$3" "$4" ]; }

# ---------------------------------------------------------------------------
pt_step "a proposal is created and assigned"
TITLE="关于加强农村饮水安全保障的建议"
api POST /v1/proposals '{"title": "'"$TITLE"'", "number": "1001"}'
check_status "create" 201
ID="$(jv 'j["id"]')"
api POST "/v1/proposals/$ID/actions/assign" \
    '{"mode": "lead_co", "units": [{"name": "山西省水利厅", "role": "lead"}, {"name": "山西省财政厅", "role": "co"}]}'
check_status "assign $ID" 200
FEED="$(feed_json)"

# ---------------------------------------------------------------------------
pt_step "exec: the event on stdin, a minimal environment, no file of the daemon"
check_true "rec ran for both events" wait_for 30 runs_at_least "$OUT/rec" 2
if python3 - "$OUT/rec" "$FEED" <<'EOF'; then pt_ok "each run's stdin is its event's JSON, as the feed shows it"; else pt_check_fail "rec's stdin" "the events" "$(head -c 600 "$OUT"/rec/stdin.* 2>/dev/null)"; fi
import json, sys
d, feed = sys.argv[1], json.loads(sys.argv[2])
for e in feed:
    got = json.load(open("%s/stdin.%d" % (d, e["seq"]), encoding="utf-8"))
    assert got == e, (got, e)
EOF
check_eq "the environment is PATH, LANG, PTRACK_EVENT and PTRACK_SEQ (and what sh adds)" \
    "LANG=C.UTF-8 PATH=/usr/bin:/bin PTRACK_EVENT=proposal.status_changed PTRACK_SEQ=2" \
    "$(grep -E '^(LANG|PATH|PTRACK_[A-Z]+|HOME|USER|PT_[A-Z_]+|LC_ALL)=' "$OUT/rec/env.2" | tr '\n' ' ' | sed 's/ $//')"
check_eq "stdin, stdout and stderr are pipes; no other fd but the script's own" "" \
    "$(awk '$1 > 2 && $2 !~ /rec\.sh$/ {print}' "$OUT/rec/fds.2"; awk '$1 <= 2 && $2 !~ /^pipe:/ {print}' "$OUT/rec/fds.2")"
check_contains "its stdout reaches the log" "已记录事件 2" "$(cat "$PT_TMP/ptrackd.log")"
check_contains "its stderr too" "stderr says hello" "$(cat "$PT_TMP/ptrackd.log")"

# ---------------------------------------------------------------------------
pt_step "exec: exit 75 is retried, exit 3 drops the event, a timeout kills the group"
check_true "temp ran twice (75, then 0)" wait_for 30 runs_at_least "$OUT/temp" 2
check_eq "temp: both runs were for the created event" "1 1" "$(tr '\n' ' ' <"$OUT/temp/runs" | sed 's/ $//')"
check_eq "temp: the same JSON on stdin both times" 1 "$(grep . "$OUT/temp/stdin" | sort -u | wc -l)"
check_true "three ran" wait_for 30 runs_at_least "$OUT/three" 1
check_true "slow: the run past its 1 s timeout was killed and a second run came" \
    wait_for 30 runs_at_least "$OUT/slow" 2
# Once the host counts an event delivered or dropped, no run for it is left
# to come: the counts of runs below are final, however long that took.
done_with_created() {
    [ "$(status temp delivered) $(status three failed) $(status slow delivered)" = "1 1 1" ]
}
check_true "the host is done with the created event in temp, three and slow" \
    wait_for 60 done_with_created
check_eq "three: exit 3 is not retried (one run)" 1 "$(runs "$OUT/three")"
check_eq "slow: two runs, the second exited 0" 2 "$(runs "$OUT/slow")"
CHILD="$(cat "$OUT/slow/child.pid" 2>/dev/null || echo none)"
check_true "slow: the background child of the killed run is gone too (pid $CHILD)" \
    wait_for 30 sh -c "! kill -0 $CHILD 2>/dev/null"
check_eq "the host's counters: temp delivered 1 after 1 retry" "1 1 0" \
    "$(status temp delivered) $(status temp retries) $(status temp failed)"
check_eq "three: failed 1, delivered 0" "1 0" "$(status three failed) $(status three delivered)"
check_eq "slow: delivered 1 after 1 retry" "1 1" "$(status slow delivered) $(status slow retries)"
check_contains "the log says why three's event was dropped" "exited with 3" "$(grep three "$PT_TMP/ptrackd.log")"
check_contains "the log carries three's stderr" "无效的收件人" "$(grep three "$PT_TMP/ptrackd.log")"
check_contains "and says where it cut the long rest" "错误详情\\n [...more output dropped]" \
    "$(grep three "$PT_TMP/ptrackd.log")"
check_contains "the log says slow's group was killed" "process group was killed" "$(grep slow "$PT_TMP/ptrackd.log")"
check_contains "temp's last error: exit 75 and its stderr, tried again" \
    "exited with 75 (EX_TEMPFAIL); stderr: 网关忙，稍后再试; next try in" \
    "$(status temp last_error)"
check_contains "three's last error: exit 3, dropped" "exited with 3 (75 asks for a retry); the event was dropped" \
    "$(status three last_error)"
check_contains "slow's last error: killed at its timeout" \
    "did not finish within 1000 ms; its process group was killed" \
    "$(status slow last_error)"
check_eq "no zombie child of ptrackd" "" \
    "$(ps -o stat=,pid=,comm= --ppid "$PT_PID" | awk '$1 ~ /Z/' || true)"

# ---------------------------------------------------------------------------
pt_step "email: aiosmtpd receives the mail, subject and body decoded name the proposal"
# has_mail NAME [N]: the Maildir of server NAME holds N mails (1) or more.
has_mail() {
    [ -d "$PT_TMP/$1.maildir/new" ] && [ "$(ls "$PT_TMP/$1.maildir/new" | wc -l)" -ge "${2:-1}" ]
}
check_true "the mail arrived" wait_for 30 has_mail mail 2
DUE_AT="$(jv '[e["proposal"]["due_at"] for e in j if e["type"] == "proposal.status_changed"][0]' "$FEED")"
if out="$("$SYSPY" - "$PT_TMP/mail.maildir" "$TITLE" "$DUE_AT" 2>&1 <<'EOF'
import datetime, email, email.header, email.policy, mailbox, sys
box = mailbox.Maildir(sys.argv[1], create=False)
msgs = [email.message_from_bytes(m.as_bytes(), policy=email.policy.default) for m in box]
# One transaction per recipient: one mail each, the same message.
assert len(msgs) == 2, "%d mails" % len(msgs)
assert sorted(str(m["X-RcptTo"]) for m in msgs) == ["li@example.org", "zhang@example.org"], \
    [str(m["X-RcptTo"]) for m in msgs]
assert len({str(m["Message-ID"]) for m in msgs}) == 1, [str(m["Message-ID"]) for m in msgs]
m = msgs[0]
title, due = sys.argv[2], sys.argv[3]
raw = [open(box._path + "/new/" + f, "rb").read() for f in __import__("os").listdir(box._path + "/new")][0]
raw = raw.decode("ascii")  # every byte of the mail is ASCII
subject_raw = [l for l in raw.split("\n") if l.startswith("Subject:")][0]
assert "=?UTF-8?B?" in subject_raw, subject_raw
subject = str(m["Subject"])
assert title in subject and "交办" in subject, subject
assert m["From"].addresses[0].display_name == '建议办公室 "主任"', m["From"]
head_lines = raw.replace("\r\n", "\n").split("\n\n", 1)[0].split("\n")
assert all(len(l) <= 78 for l in head_lines), max(head_lines, key=len)
assert m["From"].addresses[0].addr_spec == "office@example.org", m["From"]
assert [a.addr_spec for a in m["To"].addresses] == ["zhang@example.org", "li@example.org"], m["To"]
assert m["To"].addresses[0].display_name == "张科长", m["To"]
for h in ("Date", "Message-ID", "MIME-Version"):
    assert m[h], h
assert __import__("re").fullmatch(r"<ptrack\.2\.mail\.[0-9a-f]{12}@example\.org>", m["Message-ID"]), m["Message-ID"]
assert m.get_content_type() == "text/plain" and m.get_content_charset() == "utf-8", m["Content-Type"]
assert m["Content-Transfer-Encoding"] == "base64", m["Content-Transfer-Encoding"]
body_lines = raw.replace("\r\n", "\n").split("\n\n", 1)[1].rstrip("\n").split("\n")
assert all(len(l) <= 76 for l in body_lines), max(map(len, body_lines))
body = m.get_content()
local = datetime.datetime.fromisoformat(due.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d")
for want in ("标题：" + title, "编号：1001", "主办：山西省水利厅", "协办：山西省财政厅",
             "动作：交办（已提出 → 已交办）", "办理期限：" + local):
    assert want in body, "%r not in body %r" % (want, body)
EOF
)"; then
    pt_ok "one mail: RFC 2047 Subject with the title and the action, display names, Date, Message-ID, base64 UTF-8 body at 76 columns with 编号, 标题, 动作, 主办, 协办, 办理期限"
else
    pt_check_fail "the mail" "the checks pass" "$out"
fi

pt_step "email: a permanent refusal is dropped; a server that comes up later gets the mail"
check_true "small: the 552 (too big) drops the event" wait_for 30 status_is small failed -eq 1
check_eq "small: no retry, nothing delivered" "0 0" "$(status small retries) $(status small delivered)"
check_contains "the log says the server refused for good" "refused the mail for good" \
    "$(grep small "$PT_TMP/ptrackd.log")"
check_contains "small's last error: the SMTP server's refusal, dropped" \
    "the SMTP server refused the mail for good (552)" "$(status small last_error)"
check_true "partly: one recipient refused, the mail goes to the other" wait_for 30 has_mail partly
# The server stores the mail before it answers: the host counts the
# delivery a moment later.
check_true "partly: the event counts as delivered" wait_for 30 status_is partly delivered -eq 1
check_eq "partly: delivered 1, nothing failed" "1 0" "$(status partly delivered) $(status partly failed)"
check_contains "partly: the refused recipient is logged at error with the server's code" \
    "ERROR [partly] event 2 (proposal.status_changed): the SMTP server refused the mail to gone@example.org for good (550): 550 5.1.1" \
    "$(cat "$PT_TMP/ptrackd.log")"

# rcpts NAME: the envelope recipient and the seq of each mail server NAME
# holds, sorted.
rcpts() {
    "$SYSPY" - "$PT_TMP/$1.maildir" <<'EOF'
import mailbox, sys
print(" ".join(sorted(str(m["X-RcptTo"]) + ":" + str(m["X-Ptrack-Delivery"])
                      for m in mailbox.Maildir(sys.argv[1], create=False))))
EOF
}
check_true "full: the mailbox that was full gets the mail once it takes it" wait_for 30 has_mail full 4
check_true "full: the event counts as delivered" wait_for 30 status_is full delivered -eq 1
sleep 1
check_eq "full: one mail each for li, full, busy (503 once) and wang, none for gone, none twice" \
    "busy@example.org:2 full@example.org:2 li@example.org:2 wang@example.org:2" "$(rcpts full)"
check_eq "full: delivered 1 after 2 retries, nothing dropped" "1 2 0" \
    "$(status full delivered) $(status full retries) $(status full failed)"
check_contains "full: the temporary refusal is logged with the recipient and the code" \
    "the SMTP server refused the mail to full@example.org for now (452): 452 4.2.2" \
    "$(grep '\[full\]' "$PT_TMP/ptrackd.log")"
check_contains "full: the 503 is taken as passing, not as a refusal" \
    "the SMTP server refused the mail to busy@example.org for now (503)" \
    "$(grep '\[full\]' "$PT_TMP/ptrackd.log")"
check_contains "full: the refusal for good is logged at error" \
    "ERROR [full] event 2 (proposal.status_changed): the SMTP server refused the mail to gone@example.org for good (550)" \
    "$(grep '\[full\]' "$PT_TMP/ptrackd.log")"
check_contains "full: the reason of the last retry names the recipient and the code, and who has the mail" \
    "the SMTP server refused the mail to full@example.org for now (452): 452 4.2.2 <full@example.org>: mailbox full, try later; 3 of 5 recipients have it, 1 will be tried again" \
    "$(status full last_error)"

check_true "nested: the event after the failed one arrives" wait_for 30 has_mail nested
check_true "nested: both events done with" wait_for 30 status_is nested failed -eq 1
check_eq "nested: the created event was refused (500), the status change delivered" \
    "li@example.org:2" "$(rcpts nested)"
check_eq "nested: delivered 1, failed 1" "1 1" "$(status nested delivered) $(status nested failed)"
check_contains "nested: the log quotes the server's own reply" \
    "refused the mail to li@example.org for good (500): 500 5.3.0 internal error while storing the mail" \
    "$(grep '\[nested\]' "$PT_TMP/ptrackd.log")"
check_eq "nested: no 503 was taken for a refusal" "" \
    "$(grep '\[nested\]' "$PT_TMP/ptrackd.log" | grep '503' || true)"

check_true "late: retried while nothing listens" wait_for 30 status_is late retries -ge 2
check_contains "late's last error: sending failed, tried again" "sending the mail failed" \
    "$(status late last_error)"
smtp late "$LATE_PORT"
check_true "late: the mail arrives once the server is up" wait_for 30 has_mail late
check_true "late: delivered 1" wait_for 30 status_is late delivered -eq 1

pt_step "exec: a directory is not a command"
api POST /v1/plugins '{"instance": "dir", "path": "'"$EXEC_SO"'", "config": {"command": ["/usr/bin"]}}'
check_error "a directory as the command" 422 validation_failed
check_contains "the refusal says it is not an executable file" "not an executable file" \
    "$(jv 'j["error"]["message"]')"

# A relative path is ptrackd's working directory's, not the shell's where
# the operator ran ptrack plugins load: the refusal says so, and which.
api POST /v1/plugins '{"instance": "rel", "path": "'"$EXEC_SO"'", "config": {"command": ["./no-such-send-sms.sh"]}}'
check_error "a relative command that is not there" 422 validation_failed
check_contains "the refusal names ptrackd's working directory" \
    "./no-such-send-sms.sh is not an executable file in ptrackd's working directory, $(pwd) (give a full path)" \
    "$(jv 'j["error"]["message"]')"

# The kernel runs neither a script without "#!" (a shell would run it
# itself) nor one whose interpreter is missing (execve says ENOENT, as if
# the script were): loaded, such a command failed on every event, for ever.
pt_step "exec: a script the kernel cannot run refuses the load, saying why"
printf 'echo "发送短信"\n' >"$PT_TMP/no-hashbang.sh"
printf '#!/usr/local/bin/no-such-python3 -u\nprint(1)\n' >"$PT_TMP/no-interpreter.sh"
printf '#!\necho hi\n' >"$PT_TMP/empty-hashbang.sh"
chmod +x "$PT_TMP/no-hashbang.sh" "$PT_TMP/no-interpreter.sh" "$PT_TMP/empty-hashbang.sh"
api POST /v1/plugins '{"instance": "nohb", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP/no-hashbang.sh"'"]}}'
check_error "a script without #!" 422 validation_failed
check_contains "the refusal says what the first line must be" "a shell script begins with #!/bin/sh" \
    "$(jv 'j["error"]["message"]')"
api POST /v1/plugins '{"instance": "noint", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP/no-interpreter.sh"'"]}}'
check_error "a script whose interpreter is missing" 422 validation_failed
check_contains "the refusal names the interpreter" \
    "is a script for /usr/local/bin/no-such-python3, which is not an executable file" \
    "$(jv 'j["error"]["message"]')"
api POST /v1/plugins '{"instance": "nointerp", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP/empty-hashbang.sh"'"]}}'
check_error "a #! line without an interpreter" 422 validation_failed
check_contains "the refusal says the #! line names none" "names no interpreter" \
    "$(jv 'j["error"]["message"]')"
printf '#!/bin/sh\r\necho "发送短信"\r\n' >"$PT_TMP/crlf.sh"
chmod +x "$PT_TMP/crlf.sh"
api POST /v1/plugins '{"instance": "crlf", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP/crlf.sh"'"]}}'
check_error "a script saved with Windows line ends" 422 validation_failed
check_contains "the refusal names the carriage return and what to do" \
    "ends with a carriage return after /bin/sh (Windows line ends), which the kernel takes as part of the interpreter's name: save it with Unix line ends" \
    "$(jv 'j["error"]["message"]')"
# Another binary format may be the kernel's (binfmt_misc runs a .jar):
# only text is judged.
printf 'PK\003\004\024\000' >"$PT_TMP/client.jar"
chmod +x "$PT_TMP/client.jar"
api POST /v1/plugins '{"instance": "jar", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP/client.jar"'"]}}'
check_status "a binary file of another format is left to the run" 201
api DELETE /v1/plugins/jar
printf '#!/bin/sh\nexit 0' >"$PT_TMP/hashbang-only.sh"
chmod +x "$PT_TMP/hashbang-only.sh"
api POST /v1/plugins '{"instance": "good", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP/hashbang-only.sh"'"]}}'
check_status "a script with #!/bin/sh (and no newline at its end) is loaded" 201
api DELETE /v1/plugins/good

pt_step "exec: a command still running when ptrackd exits is ended with it"
cat >"$PT_TMP/forever.sh" <<'EOF'
#!/bin/sh
echo $$ >"$1/pid"
sleep 300 &
echo $! >"$1/child.pid"
wait
EOF
chmod 0755 "$PT_TMP/forever.sh"
mkdir -p "$OUT/forever"
api POST /v1/plugins '{"instance": "forever", "path": "'"$EXEC_SO"'", "config": {"command": ["'"$PT_TMP"'/forever.sh", "'"$OUT"'/forever"], "timeout": "10m", '"$CR"'}}'
check_true "forever loads (HTTP $ST)" test "${ST:0:1}" = 2
api POST /v1/proposals '{"title": "关于延长公交运营时间的建议"}'
check_status "create" 201
check_true "forever's command runs" wait_for 30 test -s "$OUT/forever/child.pid"
api GET /v1/health
check_status "health at the end" 200
pt_stop
FPID="$(cat "$OUT/forever/pid")"
FCHILD="$(cat "$OUT/forever/child.pid")"
check_true "the command (pid $FPID) is gone once ptrackd has exited" \
    wait_for 30 sh -c "! kill -0 $FPID 2>/dev/null"
check_true "and so is its child (pid $FCHILD)" wait_for 30 sh -c "! kill -0 $FCHILD 2>/dev/null"
pt_finish

#!/usr/bin/env bash
# notify_exec and notify_email against a peer that refuses for a while (an
# SMS gateway busy, a mail server under load, a mailbox full), as
# test_notify_webhook_retry_log checks of notify_webhook: at the default
# log level the log has ptrackd's one warning when the instance starts
# failing, and that warning says why (the command's exit status and the
# last line it wrote, the SMTP server's reply), then an info line when it
# delivers again. The plugins also warned of every failed attempt
# ("[sms] event 5: send-sms.sh exited with 75 (EX_TEMPFAIL): will try
# again", its stderr in a warning of its own; "[mail] event 5 ...: sending
# the mail failed with SMTP 451 ...; will try again"), a warning a minute
# at the longest back-off for as long as the peer refused, and ptrackd's
# warning of notify_exec said only "exited with 75 (EX_TEMPFAIL)": what
# the gateway's client wrote was in the lines that now go to debug. Each
# attempt is still logged, at debug, with its detail. The line quoted is
# the last the command wrote also when it wrote more than the log keeps (a
# long traceback: the warning quoted a line of its first 3 KiB, cut).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

EXEC_SO="$(pt_plugin_so notify_exec)"
MAIL_SO="$(pt_plugin_so notify_email)"
pt_no_proxy

# The SMS gateway's client: each event's first two runs find the gateway
# busy (exit 75, EX_TEMPFAIL, with the gateway's words on stderr), the
# third sends it.
cat >"$PT_TMP/send-sms.sh" <<'EOF'
#!/bin/sh
echo "$PTRACK_SEQ" >>"$1/runs"
if [ "$(grep -cx "$PTRACK_SEQ" "$1/runs")" -le 2 ]; then
    echo "正在连接短信网关……"
    echo "短信网关繁忙，请稍后再试" >&2
    exit 75
fi
echo "短信已发送：建议办 13800000000"
exit 0
EOF
chmod 0755 "$PT_TMP/send-sms.sh"
mkdir -p "$PT_TMP/sms"
# A client whose first run of each event ends in a Python traceback longer
# than the 3 KiB of output kept for the log: its last line says why.
cat >"$PT_TMP/send-sms-py.sh" <<'EOF'
#!/bin/sh
echo "$PTRACK_SEQ" >>"$1/runs-py"
if [ "$(grep -cx "$PTRACK_SEQ" "$1/runs-py")" -le 1 ]; then
    echo "Traceback (most recent call last):" >&2
    i=0
    while [ $i -lt 60 ]; do
        echo '  File "/usr/lib/python3/dist-packages/requests/adapters.py", line 501, in send' >&2
        i=$((i + 1))
    done
    echo "requests.exceptions.ConnectionError: 短信网关连接超时" >&2
    exit 75
fi
exit 0
EOF
chmod 0755 "$PT_TMP/send-sms-py.sh"
# A mail server under load (451 to two MAIL FROM of every three), and one
# whose recipient full@ has a full mailbox (452 to two RCPT TO of three).
pt_smtp_peer busy --busy 2
pt_smtp_peer full --full 2

CR='"events": ["proposal.created"]'
pt_config '{}' ',"plugins": [
  {"instance": "sms", "path": "'"$EXEC_SO"'", '"$CR"',
   "config": {"command": ["'"$PT_TMP"'/send-sms.sh", "'"$PT_TMP"'/sms"]}},
  {"instance": "smspy", "path": "'"$EXEC_SO"'", '"$CR"',
   "config": {"command": ["'"$PT_TMP"'/send-sms-py.sh", "'"$PT_TMP"'/sms"]}},
  {"instance": "busy", "path": "'"$MAIL_SO"'", '"$CR"',
   "config": {"smtp_url": "smtp://127.0.0.1:'"$PORT_busy"'", "from": "建议办公室 <office@example.org>",
              "to": ["张科长 <zhang@example.org>"]}},
  {"instance": "full", "path": "'"$MAIL_SO"'", '"$CR"',
   "config": {"smtp_url": "smtp://127.0.0.1:'"$PORT_full"'", "from": "建议办公室 <office@example.org>",
              "to": ["张科长 <zhang@example.org>", "李主任 <full@example.org>"]}}
]'
pt_start
LOG="$PT_TMP/ptrackd.log"
lines() { grep -c -- "$1" "$LOG" || true; }
# warns NAME: the warnings of instance NAME, ptrackd's and the plugin's.
warns() { grep -c -E "WARN +(notifier $1:|\[$1\])" "$LOG" || true; }
# back NAME: the instance NAME has logged that it delivers again, as many
# times as the argument says (1 by default).
back() { [ "$(lines "INFO  notifier $1: delivers again")" -ge "${2:-1}" ]; }

pt_step "a peer that refuses twice, at the default level"
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "a create" 201
api GET /v1/health
seq="$(jv 'j["last_seq"]')"
for n in sms busy full; do
    check_true "$n delivers in the end, and says so" wait_for 30 back "$n"
done
check_eq "the SMS was sent on the third run" 3 "$(grep -cx "$seq" "$PT_TMP/sms/runs")"

check_eq "sms: ptrackd's warning says why, with what the command wrote" 1 \
    "$(lines "WARN  notifier sms: delivering event $seq (proposal.created) failed: $PT_TMP/send-sms.sh exited with 75 (EX_TEMPFAIL); stderr: 短信网关繁忙，请稍后再试; it is offered again")"
check_eq "sms: no other warning of the instance, and no line of the plugin's of the failed runs" \
    "1 0" "$(warns sms) $(lines "\[sms\] event $seq.*\(EX_TEMPFAIL\|短信网关繁忙\)")"
check_true "smspy delivers in the end" wait_for 30 back smspy
check_eq "smspy: ptrackd's warning quotes the last line of a long output, not one of its first 3 KiB" 1 \
    "$(lines "WARN  notifier smspy: delivering event $seq (proposal.created) failed: $PT_TMP/send-sms-py.sh exited with 75 (EX_TEMPFAIL); stderr: requests.exceptions.ConnectionError: 短信网关连接超时; it is offered again")"
check_eq "busy: ptrackd's warning quotes the server's reply" 1 \
    "$(lines "WARN  notifier busy: delivering event $seq (proposal.created) failed: sending the mail failed with SMTP 451: 451 4.3.2 System busy, try again later; it is offered again")"
check_eq "busy: no other warning of the instance, and no line of the plugin's" "1 0" \
    "$(warns busy) $(lines "\[busy\]")"
check_eq "full: ptrackd's warning names the recipient and quotes the server's reply" 1 \
    "$(lines "WARN  notifier full: delivering event $seq (proposal.created) failed: the SMTP server refused the mail to full@example.org for now (452): 452 4.2.2 <full@example.org>: mailbox full, try later; 1 of 2 recipients have it, 1 will be tried again; it is offered again")"
check_eq "full: no other warning of the instance, and no line of the plugin's" "1 0" \
    "$(warns full) $(lines "\[full\]")"

pt_step "each attempt is logged at debug, with its detail"
sed -i 's/"log_level": "info"/"log_level": "debug"/' "$PT_CONF"
pt_reload
api POST /v1/proposals '{"title": "关于延长城乡公交运营时间的建议"}'
check_status "another create" 201
api GET /v1/health
seq2="$(jv 'j["last_seq"]')"
for n in sms busy full; do
    check_true "$n delivers it in the end" wait_for 30 back "$n" 2
done
attempt() { lines "DEBUG \[$1\] event $seq2 (proposal.created): $2; attempt $3 failed, will try again"; }
check_eq "sms: the two failed runs, each with its exit status and stderr" "1 1" \
    "$(attempt sms ".*send-sms.sh exited with 75 (EX_TEMPFAIL); stderr: 短信网关繁忙，请稍后再试" 1) $(attempt sms ".*send-sms.sh exited with 75 (EX_TEMPFAIL); stderr: 短信网关繁忙，请稍后再试" 2)"
check_eq "sms: and each run's output, at debug" "2 2" \
    "$(lines "DEBUG \[sms\] event $seq2: .*send-sms.sh stderr: 短信网关繁忙，请稍后再试") $(lines "DEBUG \[sms\] event $seq2: .*send-sms.sh stdout: 正在连接短信网关……")"
# busy's two refusals are one attempt this time: the first came on the
# connection kept from the last event, and such a failure before RCPT TO
# is tried again at once on a new connection (a server may have closed the
# kept one for being idle).
check_eq "busy: the failed attempt, with the server's reply" 1 \
    "$(attempt busy "sending the mail failed with SMTP 451: 451 4.3.2 System busy, try again later" 1)"
check_eq "full: the two failed attempts, with the recipient and the reply" "1 1" \
    "$(attempt full "the SMTP server refused the mail to full@example.org for now (452): .*; 1 of 2 recipients have it, 1 will be tried again" 1) $(attempt full "the SMTP server refused the mail to full@example.org for now (452): .*; 1 of 2 recipients have it, 1 will be tried again" 2)"
check_eq "full: and the recipient's refusal, twice" 2 \
    "$(lines "DEBUG \[full\] event $seq2 (proposal.created): the SMTP server refused the mail to full@example.org for now (452): 452 4.2.2 <full@example.org>: mailbox full, try later; will try again for it")"
for n in sms busy full; do
    check_eq "$n: one warning for this failure too (ptrackd's), none per attempt" "1 2" \
        "$(lines "WARN  notifier $n: delivering event $seq2 (proposal.created) failed") $(warns "$n")"
done

pt_finish

#!/usr/bin/env bash
# notify_email's headers keep to 76 characters a line (RFC 2047 2 on a
# line that holds an encoded word; RFC 5322 2.1.1 asks for 78)
# with long display names: a To of several long Chinese names is folded
# between its words (CRLF and a space), every RFC 2047 encoded word is at
# most 75 characters, and a reader (Python's email package) gets back each
# name and address as configured, the From and the Subject too; and the
# mail says that a program made it (Auto-Submitted: auto-generated, RFC
# 3834), so that out-of-office replies do not come back for it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

MAIL_SO="$(pt_plugin_so notify_email)"
SYSPY=/usr/bin/python3
"$SYSPY" -c 'import aiosmtpd' 2>/dev/null ||
    pt_die "Debian's python3-aiosmtpd is needed (scripts/install-deps.sh installs it)"
pt_no_proxy

PORT="$(pt_free_port)"
"$SYSPY" -m aiosmtpd -n -l "127.0.0.1:$PORT" -c aiosmtpd.handlers.Mailbox \
    "$PT_TMP/mail.maildir" >"$PT_TMP/smtp.log" 2>&1 &
PT_PIDS+=("$!")
wait_for 10 pt_listening "$PORT" || pt_die "aiosmtpd did not listen on $PORT: $(cat "$PT_TMP/smtp.log")"

# The recipients as configured, and as a reader must get them back.
FROM='全国人民代表大会常务委员会办公厅建议办理工作小组 <office@example.org>'
TO='[
  "山西省人民政府办公厅建议提案 <ti.an@shanxi.example.org>",
  "山西省人民政府办公厅建议提案办理处张科长 <zhang.kezhang@shanxi.example.org>",
  "湖北省发展和改革委员会规划处李主任 <li.zhuren@hubei.example.org>",
  "Proposals Office, Wang <wang@example.org>",
  "Director General of the General Office of the Standing Committee of the National Congress <dg@example.org>",
  "zhao@example.org",
  "赵 <zhao.short@example.org>"
]'
pt_config '{}' ',"plugins": [
  {"instance": "mail", "path": "'"$MAIL_SO"'", "events": ["proposal.created"],
   "config": {"smtp_url": "smtp://127.0.0.1:'"$PORT"'", "from": "'"$FROM"'", "to": '"$TO"'}}
]'
pt_start

TITLE="关于进一步加强和改进农村留守儿童关爱保护工作的建议"
api POST /v1/proposals '{"title": "'"$TITLE"'"}'
check_status "create" 201
has_mail() { [ -d "$PT_TMP/mail.maildir/new" ] && [ "$(ls "$PT_TMP/mail.maildir/new" | wc -l)" -ge 7 ]; }
check_true "the seven recipients' mails arrived" wait_for 30 has_mail

if out="$("$SYSPY" - "$PT_TMP/mail.maildir" "$TITLE" "$FROM" "$TO" 2>&1 <<'EOF'
import email, json, os, re, sys
from email.header import decode_header, make_header
from email.utils import getaddresses
d, title, frm, to = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
new = os.path.join(d, "new")
raw = open(os.path.join(new, sorted(os.listdir(new))[0]), "rb").read().decode("ascii")
head = raw.replace("\r\n", "\n").split("\n\n", 1)[0]
lines = head.split("\n")
long_lines = [l for l in lines if len(l) > 76]
assert not long_lines, "lines over 76 characters: %r" % long_lines
words = re.findall(r"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=", head)
assert words, head
long_words = [w for w in words if len(w) > 75]
assert not long_words, "encoded words over 75 characters: %r" % long_words
to_lines = re.search(r"^To:.*(?:\n[ \t].*)*", head, re.M).group(0).split("\n")
assert len(to_lines) > 1, "the To header was not folded: %r" % to_lines
# The names through email.header, which joins adjacent encoded words as
# RFC 2047 6.2 says; email.policy's address parser puts a space between
# them.
m = email.message_from_string(raw)
def want(text):
    if "<" not in text:
        return ("", text)
    lt = text.rindex("<")
    return (text[:lt].strip(), text[lt + 1:-1])
def got(field):
    return [(str(make_header(decode_header(n))), a) for n, a in getaddresses([m[field]])]
assert got("To") == [want(t) for t in to], got("To")
assert got("From") == [want(frm)], got("From")
subject = str(make_header(decode_header(m["Subject"])))
assert title in subject, subject
# RFC 3834 5.1: no out-of-office reply is sent back for it.
assert m["Auto-Submitted"] == "auto-generated", m["Auto-Submitted"]
EOF
)"; then
    pt_ok "every header line within 76 characters, every encoded word within 75, To folded, each name and address read back as configured, Auto-Submitted: auto-generated"
else
    pt_check_fail "the headers of the mail" "the checks pass" "$out"
fi
pt_stop
pt_finish

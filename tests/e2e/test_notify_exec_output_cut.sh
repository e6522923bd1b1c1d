#!/usr/bin/env bash
# notify_exec logs the first 3 KiB of a command's output: when that end
# falls inside a Chinese character, the log line stops before it, rather
# than showing its first bytes as "??" before the mark that more output was
# dropped. Output of raw bytes (0x80, which continues a character that none
# starts) has no character to split: the line keeps 3 KiB of it, each byte
# shown as ?, where the cut walked back over all of them (and left "\x0"
# of an escaped \x01 before them). Output whose escapes (\x01, \n) make it
# longer than the line is cut between two escapes, never inside one: the
# line ended with "\x0" of a \x01, or with the "\" of a \n.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

EXEC_SO="$(pt_plugin_so notify_exec)"
# 7 bytes a time ("a中文"): the 3072nd byte is the second of a "文".
cat >"$PT_TMP/talk.sh" <<'SH'
#!/bin/sh
i=0
while [ $i -lt 1000 ]; do
    printf 'a中文'
    printf 'b错误' >&2
    i=$((i + 1))
done
echo "$PTRACK_SEQ" >>"$1/runs"
exit 3
SH
chmod +x "$PT_TMP/talk.sh"
# A control character, which the escape makes 4 bytes (\x01), so that the
# 4000 raw bytes read (3072 kept) are longer than the log line's 3072.
cat >"$PT_TMP/raw.sh" <<'SH'
#!/bin/sh
printf '\001'
head -c 4000 /dev/zero | tr '\000' '\200'
echo "$PTRACK_SEQ" >>"$1/raw-runs"
exit 3
SH
chmod +x "$PT_TMP/raw.sh"
# An "a", then escapes that end at the 3073rd byte of the escaped text
# (1 + 4 * 768, 1 + 2 * 1536): the cut at 3072 falls on an escape's last
# byte, on stdout a \x01's, on stderr a \n's.
cat >"$PT_TMP/esc.sh" <<'SH'
#!/bin/sh
printf 'a'
head -c 1000 /dev/zero | tr '\000' '\001'
printf 'a' >&2
head -c 2000 /dev/zero | tr '\000' '\n' >&2
printf 'b' >&2
echo "$PTRACK_SEQ" >>"$1/esc-runs"
exit 3
SH
chmod +x "$PT_TMP/esc.sh"
# Two escapes, then Chinese: the cut of the escaped text at 3072 falls in
# the 1022nd 中 (8 + 3 * 1021 = 3071), which goes whole.
cat >"$PT_TMP/wide.sh" <<'SH'
#!/bin/sh
printf '\001\001'
i=0
while [ $i -lt 1100 ]; do
    printf '中'
    i=$((i + 1))
done
echo "$PTRACK_SEQ" >>"$1/wide-runs"
exit 3
SH
chmod +x "$PT_TMP/wide.sh"
pt_config '{}' ',"plugins": [
  {"instance": "talk", "path": "'"$EXEC_SO"'", "events": ["proposal.created"],
   "config": {"command": ["'"$PT_TMP/talk.sh"'", "'"$PT_TMP"'"]}},
  {"instance": "raw", "path": "'"$EXEC_SO"'", "events": ["proposal.created"],
   "config": {"command": ["'"$PT_TMP/raw.sh"'", "'"$PT_TMP"'"]}},
  {"instance": "esc", "path": "'"$EXEC_SO"'", "events": ["proposal.created"],
   "config": {"command": ["'"$PT_TMP/esc.sh"'", "'"$PT_TMP"'"]}},
  {"instance": "wide", "path": "'"$EXEC_SO"'", "events": ["proposal.created"],
   "config": {"command": ["'"$PT_TMP/wide.sh"'", "'"$PT_TMP"'"]}}
]'
pt_start

api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
check_status "create" 201
ran() { [ -s "$PT_TMP/runs" ] && grep -q 'talk.sh stderr' "$PT_TMP/ptrackd.log"; }
check_true "the command ran and its output was logged" wait_for 30 ran

for stream in stdout stderr; do
    line="$(grep "talk.sh $stream: " "$PT_TMP/ptrackd.log" || true)"
    check_contains "$stream: the line says that more output was dropped" \
        "[...more output dropped]" "$line"
    check_eq "$stream: no broken character shown as ?" "" "$(printf %s "$line" | tr -cd '?')"
done
check_contains "stdout: the line ends on a whole character" "a中文a中 [...more output dropped]" \
    "$(grep 'talk.sh stdout: ' "$PT_TMP/ptrackd.log")"

raw_ran() { [ -s "$PT_TMP/raw-runs" ] && grep -aq 'raw.sh stdout' "$PT_TMP/ptrackd.log"; }
check_true "the command of raw bytes ran and its output was logged" wait_for 30 raw_ran
line="$(grep -a 'raw.sh stdout: ' "$PT_TMP/ptrackd.log" || true)"
check_contains "raw bytes: the line says that more output was dropped" \
    "[...more output dropped]" "$line"
check_contains "raw bytes: the control character is escaped" 'raw.sh stdout: \x01?' "$line"
check_eq "raw bytes: the line keeps those that fit, each as ?" 3068 \
    "$(printf %s "$line" | tr -cd '?' | wc -c)"

esc_ran() { [ -s "$PT_TMP/esc-runs" ] && grep -aq 'esc.sh stderr' "$PT_TMP/ptrackd.log"; }
check_true "the command of escaped output ran and its output was logged" wait_for 30 esc_ran
line="$(grep -a 'esc.sh stdout: ' "$PT_TMP/ptrackd.log" || true)"
check_contains "escapes: stdout shows the \\x01 escaped" \
    'esc.sh stdout: a\x01\x01' "$line"
check_contains "escapes: stdout ends on a whole \\x01" \
    '\x01\x01 [...more output dropped]' "$line"
check_eq "escapes: stdout keeps the \\x01 that fit whole" 767 \
    "$(printf %s "$line" | grep -o '\\x01' | wc -l)"
line="$(grep -a 'esc.sh stderr: ' "$PT_TMP/ptrackd.log" || true)"
check_contains "escapes: stderr ends on a whole \\n" \
    '\n\n [...more output dropped]' "$line"
check_eq "escapes: stderr keeps the \\n that fit whole" 1535 \
    "$(printf %s "$line" | grep -o '\\n' | wc -l)"

wide_ran() { [ -s "$PT_TMP/wide-runs" ] && grep -aq 'wide.sh stdout' "$PT_TMP/ptrackd.log"; }
check_true "the command of escapes and Chinese ran and its output was logged" wait_for 30 wide_ran
line="$(grep -a 'wide.sh stdout: ' "$PT_TMP/ptrackd.log" || true)"
check_contains "escapes then Chinese: the line ends on a whole character" \
    '中中 [...more output dropped]' "$line"
check_eq "escapes then Chinese: no broken character shown as ?" "" \
    "$(printf %s "$line" | tr -cd '?')"

pt_stop
pt_finish

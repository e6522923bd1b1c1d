#!/usr/bin/env bash
# `ptrack watch` writes each event's type with its Chinese label, as the
# rest of the client writes a code after its label (新增 created, 状态变更
# status_changed, ...), and names the action of a status change (签收 sign,
# 协办意见 opinion, 延期 extend), which an action that keeps the state would
# otherwise leave unsaid, and the import a proposal came from; and who did
# it (the name of a unit's token), each in a column that lines up, on a
# line below the event's title.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_cli --json add --title 关于事件标签的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" assign --unit 省水利厅 --unit 省财政厅
UNIT_TOKEN="$(pt_unit_token 水利厅收文 省水利厅)"
"$PTRACK" --url "$PT_URL" --token "$UNIT_TOKEN" do "$ID" sign --unit 省水利厅 >/dev/null
check_rc "the unit signs with its own token" 0
pt_cli do "$ID" opinion --unit 省财政厅 --set opinion=同意
DUE="$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=120))')"
pt_cli do "$ID" extend --set "due_at=$DUE"
check_rc "extend" 0
pt_cli edit "$ID" --set tags='["水利"]'
pt_cli --json add --title 关于要删除的建议 --draft
pt_cli delete "$(jv 'j["id"]' "$OUT")"
printf '[{"title": "关于导入事件的建议"}]' >"$PT_TMP/one.json"
pt_cli import "$PT_TMP/one.json"

# watch runs until it has shown the last event, the import's (60 s at
# most on a loaded machine), rather than for a fixed 3 s.
"$PTRACK" --socket "$PT_SOCK" watch --after 0 </dev/null >"$PT_TMP/watch.out" 2>&1 &
watch_pid=$!
PT_PIDS+=("$watch_pid")
wait_for 60 grep -q "关于导入事件的建议" "$PT_TMP/watch.out" || true
pt_stop_bg "$watch_pid" TERM 10 "watch"
W="$(cat "$PT_TMP/watch.out")"
line_of() { printf '%s\n' "$W" | grep -F "$1" | head -n 1; }

check_contains "created, with its label" "新增 created" "$W"
check_contains "updated, with its label" "修改 updated" "$W"
check_contains "deleted, with its label" "删除 deleted" "$W"
check_contains "a status change, with its label" "状态变更 status_changed" "$W"
# Columns are padded: compare with runs of spaces squeezed.
sq() { tr -s ' ' <<<"$1"; }
check_contains "the assign names its action" "已提出→已交办 交办 assign" "$(sq "$(line_of 交办)")"
check_contains "an opinion, which keeps the state, names its action" "办理中 协办意见 opinion" \
    "$(sq "$(line_of 协办意见)")"
check_contains "so does an extend" "办理中 延期 extend" "$(sq "$(line_of 延期)")"
check_contains "the unit that signed is named as who did it" "签收 sign 水利厅收文" \
    "$(sq "$(line_of 签收)")"
check_contains "the office's own actions name the socket's user" "交办 assign root" \
    "$(sq "$(line_of 交办)")"
check_eq "the actors line up: every actor starts at one column" 1 \
    "$(printf '%s\n' "$W" | grep -e 水利厅收文 -e ' root$' | python3 -c '
import sys, unicodedata
cols = set()
for line in sys.stdin:
    line = line.rstrip("\n")
    head = line[:line.rindex(" ") + 1]
    cols.add(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in head))
print(len(cols))')"
# The action is on the event's second line, below the title.
check_contains "a proposal made by an import says so" "导入 import" \
    "$(printf '%s\n' "$W" | grep -F -A1 关于导入事件的建议 | sed -n 2p)"
check_eq "the titles line up: every title starts at one column" 1 \
    "$(printf '%s\n' "$W" | grep '#' | python3 -c '
import sys, unicodedata
cols = set()
for line in sys.stdin:
    head = line[:line.index("#")]
    cols.add(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in head))
print(len(cols))')"

pt_finish

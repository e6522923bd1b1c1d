#!/usr/bin/env bash
# A WeCom or DingTalk robot's message is markdown, and a title imported from
# a public platform ("[点此领取](http://evil)", "<font color=...>", "**")
# or a unit's name ("# ..." where the digest starts a line with it) put
# links, colours and headings into the office's group chat, and so did an
# office workflow's labels. notify_webhook now writes such text with its
# markup as full-width forms (［ ］ ＜ ＞ ＊, a line's leading ＃): the
# message's own heading and quote marks stay markup, the office's text
# shows as it reads. format json is unchanged.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

pt_receiver wecom
pt_receiver ding
pt_receiver plain

entry() { pt_robot_entry "$1" "$2" "$3" '"proposal.status_changed", "digest.daily"'; } # entry NAME FORMAT PATH
# An office's workflow whose labels hold markup.
python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
next(a for a in wf["actions"] if a["name"] == "assign")["label"]["zh"] = "**交办**"
next(s for s in wf["states"] if s["name"] == "assigned")["label"]["zh"] = "<已交办>"
wf["name"] = "office"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
# A reply window of two days: the assigned proposal is in the digest's
# "due within a week". No digest until restart_with_digest sets its time.
pt_config '{"reply": "2d", "digest_at": null}' \
    ',"workflow": "'"$PT_TMP/wf.json"'", "plugins": ['"$(entry wecom wecom /cgi-bin/webhook/send?key=k)"', '"$(entry ding dingtalk /robot/send?access_token=t)"', '"$(entry plain json /hook)"']'
pt_start

lines() { grep -c . "$PT_TMP/$1.jsonl" || true; }
has_lines() { [ "$(lines "$1")" -ge "$2" ]; }

TITLE='[点此领取](http://evil) <font color="red">紧急</font> **加急** `x` a|b $y$ &amp; 2026-2030年'
WANT='［点此领取］(http://evil) ＜font color="red"＞紧急＜/font＞ ＊＊加急＊＊ ｀x｀ a｜b ＄y＄ ＆amp; 2026-2030年'
TITLE_JSON="$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$TITLE")"

pt_step "a proposal whose title and units hold markdown is assigned"
api POST /v1/proposals '{"title": '"$TITLE_JSON"', "number": "*1001*"}'
check_status "create" 201
ID="$(jv 'j["id"]')"
api POST "/v1/proposals/$ID/actions/assign" \
    '{"mode": "lead_co", "units": [{"name": "# 省水利厅", "role": "lead"}, {"name": "- [财政厅](http://evil)", "role": "co"}]}'
check_status "assign" 200
check_true "wecom received the status change" wait_for 30 has_lines wecom 1
check_true "ding received the status change" wait_for 30 has_lines ding 1
check_true "plain received the status change" wait_for 30 has_lines plain 1

for r in wecom ding; do
    t="$(pt_robot_text "$r" 0)"
    check_contains "$r: the title's markup shows as text" "> 标题：$WANT" "$t"
    check_contains "$r: the number's too" "> 编号：＊1001＊" "$t"
    check_contains "$r: and the units', inside a line as typed but for the markup" \
        "> 主办：# 省水利厅" "$t"
    check_contains "$r: a link in a unit's name is no link" "> 协办：- ［财政厅］(http://evil)" "$t"
    check_contains "$r: the office's labels show as text" "> 动作：＊＊交办＊＊（已提出 → ＜已交办＞）" "$t"
    check_contains "$r: the message's own heading is still markup" "### 建议办理进展" "$t"
    check_eq "$r: no link, tag or emphasis of the title's is left" "" \
        "$(printf '%s' "$t" | grep -E '\[点此|<font|\*\*|`' || true)"
done
check_contains "plain: format json sends the title as it is" "$TITLE" \
    "$(python3 -c 'import json, sys; print(json.loads(json.loads(open(sys.argv[1]).readline())["body"])["proposal"]["title"])' "$PT_TMP/plain.jsonl")"

pt_step "the daily digest starts its lines with the units: their markup shows as text"
# Restarts with digest_at 3 s ahead; again with a later one if the start
# came after it (a new store raises no digest missed before its start).
for try in 1 2 3; do
    pt_stop
    DIGEST_S=$(($(date +%s) + 3))
    sed -i "s/\"digest_at\": [^,}]*/\"digest_at\": \"$(date -d "@$DIGEST_S" +%H:%M:%S)\"/" "$PT_CONF"
    pt_start
    [ "$(date +%s%3N)" -lt $((DIGEST_S * 1000)) ] && break
    [ "$try" -lt 3 ] || pt_die "ptrackd did not start within 3 s three times"
done
check_true "wecom received the digest" wait_for 30 has_lines wecom 2
check_true "ding received the digest" wait_for 30 has_lines ding 2
for r in wecom ding; do
    t="$(pt_robot_text "$r" 1)"
    check_contains "$r: it is the digest" "### 每日办理情况摘要" "$t"
    check_contains "$r: a unit's # at a line's start is no heading" "> ＃ 省水利厅（1 件）：" "$t"
    check_contains "$r: a unit's - at a line's start is no list" "> － ［财政厅］(http://evil)（1 件）：" "$t"
    check_contains "$r: the number and the title show as text" "＊1001＊ $WANT" "$t"
done

pt_stop
pt_finish

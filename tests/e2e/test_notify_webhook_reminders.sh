#!/usr/bin/env bash
# A deadline's reminders (proposal.due_soon, proposal.overdue) reach a
# WeCom or DingTalk robot with their line of warning in the robot's
# orange: WeCom names its colour (<font color="warning">), DingTalk takes
# only a #RRGGBB, written unquoted so that its phone app shows it too
# (a colour's name is shown as plain text there, or not at all).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

pt_receiver wecom
pt_receiver ding

entry() { pt_robot_entry "$1" "$2" "$3" '"proposal.due_soon", "proposal.overdue"'; } # entry NAME FORMAT PATH
pt_config '{"reply": "4s", "remind_before": "2s", "digest_at": null}' \
    ',"plugins": ['"$(entry wecom wecom /cgi-bin/webhook/send?key=k)"', '"$(entry ding dingtalk /robot/send?access_token=t)"']'
pt_start

has_lines() { [ "$(grep -c . "$PT_TMP/$1.jsonl" || true)" -ge "$2" ]; }

pt_step "an assigned proposal's deadline comes and goes"
pt_assigned 关于加强农村饮水安全保障的建议 single '[{"name": "省水利厅", "role": "lead"}]' >/dev/null
for r in wecom ding; do
    check_true "$r received the reminder and the overdue notice" wait_for 60 has_lines "$r" 2
done

check_contains "wecom: the reminder in WeCom's warning colour" \
    '**<font color="warning">该建议即将到期，请在办理期限前答复</font>**' "$(pt_robot_text wecom 0)"
check_contains "wecom: the overdue notice too" \
    '**<font color="warning">该建议已超过办理期限，尚未答复，请抓紧办理</font>**' "$(pt_robot_text wecom 1)"
check_contains "ding: the reminder in an unquoted #RRGGBB" \
    '**<font color=#FF6A00>该建议即将到期，请在办理期限前答复</font>**' "$(pt_robot_text ding 0)"
check_contains "ding: the overdue notice too" \
    '**<font color=#FF6A00>该建议已超过办理期限，尚未答复，请抓紧办理</font>**' "$(pt_robot_text ding 1)"
check_eq "ding: no colour by name" "" "$({ pt_robot_text ding 0; pt_robot_text ding 1; } | grep 'color="' || true)"
pt_stop
pt_finish

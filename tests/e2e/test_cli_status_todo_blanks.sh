#!/usr/bin/env bash
# --status and --todo split several values as co-signers are (cli.md): on
# 、 ， , ; ； and also on blanks between Chinese labels, as "张三 李四" is
# two names, so that `--status '已交办 办理中'` is both states and
# `--todo '签收 答复'` both parts; they were refused as one state or part
# that does not exist. An English label with a space in it (under review)
# stays one.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_cli add --title 关于空格分隔状态一的建议
pt_cli do 1 交办 --unit 省交通运输厅
pt_cli add --title 关于空格分隔状态二的建议
pt_cli do 2 交办 --unit 省交通运输厅
pt_cli do 2 签收 --unit 省交通运输厅
pt_cli add --title 关于空格分隔状态三的建议

pt_step "--status with labels split by blanks"
for v in '已交办 办理中' '已交办　办理中' ' 已交办  办理中 '; do
    pt_cli list --status "$v"
    check_rc "list --status '$v'" 0
    check_contains "'$v': the proposal assigned" "关于空格分隔状态一的建议" "$OUT"
    check_contains "'$v': the proposal in handling" "关于空格分隔状态二的建议" "$OUT"
    check_true "'$v': not the one submitted" test "${OUT#*状态三}" = "$OUT"
done
pt_cli --json list --status '已交办 办理中'
check_eq "--json: the two of them" "[1, 2]" "$(jv '[p["id"] for p in j["items"]]' "$OUT")"
pt_cli stats --status '已交办 办理中'
check_rc "stats --status '已交办 办理中'" 0

pt_step "an English label with a blank stays one"
pt_cli list --status 'under review'
check_rc "list --status 'under review'" 0

pt_step "--todo with parts split by blanks"
pt_cli --json list --unit 省交通运输厅 --todo '签收 答复'
check_rc "list --todo '签收 答复'" 0
check_eq "both: the one to sign and the one to reply to" "[1, 2]" \
    "$(jv '[p["id"] for p in j["items"]]' "$OUT")"

pt_finish

#!/usr/bin/env bash
# `ptrack edit` without --if-match tells a change of its own from another
# person's that came in between its read of the proposal and its patch.
# A proxy (raceproxy.py) lets another edit through, every time, after the
# read and before the patch. Another change to other fields is kept and the
# edit is made, its line saying that another change came first; another
# change to a field the edit sets is not overwritten: nothing is changed,
# and the message names the field and the version to give to --if-match;
# an edit that changes nothing says 未修改 even when another change moved
# the version. With --if-match, what comes between is refused as before.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

# race BODY: a proxy before ptrackd that sends the PATCH BODY to the path
# of the first PATCH through it, before that one; sets PROXY_URL.
race() { pt_race_proxy "$1"; }
# edit ARGS...: ptrack edit through the proxy, as the clerk.
edit() { pt_run "$PTRACK" --url "$PROXY_URL" --token "$CLERK_TOKEN" edit "$@"; }
proposal() { # proposal ID EXPR: EXPR of the proposal as it is now
    api GET "/v1/proposals/$1"
    jv "$2"
}
raced() { grep -c '^raced: 200' "$PT_TMP/proxy.log" || true; }

pt_cli --json add --title 关于加强农村饮水安全保障的建议 --tag 民生
ID="$(jv 'j["id"]' "$OUT")"
V="$(jv 'j["version"]' "$OUT")"

pt_step "another change to other fields comes in between"
race '{"tags": ["水利"]}'
edit "$ID" --title 关于进一步加强农村饮水安全保障的建议
check_rc "the edit is made" 0
check_eq "the other change came in between" 1 "$(raced)"
check_contains "its line says so, with the versions" \
    "$(printf '#%s  已修改 updated  版本 version %s\n%*s其间另有修改 another change came in first, with no clash: version %s→%s' \
        "$ID" $((V + 2)) $((${#ID} + 3)) "" "$V" $((V + 1)))" "$OUT"
check_eq "the title is the edit's" 关于进一步加强农村饮水安全保障的建议 "$(proposal "$ID" 'j["title"]')"
check_eq "the tags are the other change's" '["水利"]' "$(proposal "$ID" 'j["tags"]')"
V=$((V + 2))

pt_step "another change to the same field comes in between"
race '{"title": "关于切实加强农村饮水安全保障的建议"}'
edit "$ID" --title 关于全面加强农村饮水安全保障的建议 --category 农业农村
check_rc "the edit is refused" 1
check_eq "the other change came in between" 2 "$(raced)"
check_contains "the message says another change came in and nothing was changed" \
    "已被他人修改，未修改：another change to proposal $ID came in while this one was sent (version $V→$((V + 1))), and it changed 标题 title too; nothing was changed" \
    "$ERR"
check_contains "... and how to put the values over it" "give --if-match $((V + 1))" "$ERR"
check_eq "the other person's title is kept" 关于切实加强农村饮水安全保障的建议 \
    "$(proposal "$ID" 'j["title"]')"
check_eq "nothing of the edit was made" "$((V + 1)) None" \
    "$(proposal "$ID" 'str(j["version"]) + " " + str(j.get("category"))')"
V=$((V + 1))

pt_step "another member of custom changes in between"
race '{"custom": {"联系人": "刘秘书"}}'
edit "$ID" --set custom.电话=13800138000
check_rc "the edit is made: custom is merged member by member" 0
check_contains "its line says another change came first" \
    "$(printf '版本 version %s\n%*s其间另有修改 another change came in first, with no clash: version %s→%s' \
        $((V + 2)) $((${#ID} + 3)) "" "$V" $((V + 1)))" "$OUT"
check_eq "custom holds both" '{"联系人": "刘秘书", "电话": "13800138000"}' \
    "$(proposal "$ID" 'j["custom"]')"
V=$((V + 2))

pt_step "an edit that changes nothing, while another change comes in"
race '{"tags": ["水利", "民生"]}'
edit "$ID" --title 关于切实加强农村饮水安全保障的建议
check_rc "the edit" 0
check_contains "it says it changed nothing, and that another change came first" \
    "$(printf '#%s  未修改 unchanged: 字段已是这些值 the fields already held these values  版本 version %s\n%*s其间另有修改 another change came in first, with no clash: version %s→%s' \
        "$ID" $((V + 1)) $((${#ID} + 3)) "" "$V" $((V + 1)))" "$OUT"
V=$((V + 1))

pt_step "with --json, the proposal as the edit left it"
race '{"category": "民生"}'
pt_run "$PTRACK" --url "$PROXY_URL" --token "$CLERK_TOKEN" --json edit "$ID" --tag 饮水
check_rc "edit --json" 0
check_eq "the proposal printed holds both changes" "$((V + 2)) 民生 [\"饮水\"]" \
    "$(jv 'str(j["version"]) + " " + j["category"] + " " + json.dumps(j["tags"], ensure_ascii=False)' "$OUT")"
V=$((V + 2))

pt_step "no change in between"
edit "$ID" --category 农业农村
check_rc "the edit" 0
check_eq "the line is as ever" "#$ID  已修改 updated  版本 version $((V + 1))" "$OUT"
V=$((V + 1))

pt_step "--if-match: what comes in between is refused, as ptrackd refuses it"
race '{"category": "水利"}'
edit "$ID" --background 新背景 --if-match "$V"
check_rc "refused" 1
check_contains "ptrackd's refusal" "已被他人修改，请重新读取后再试：proposal $ID has moved on to version $((V + 1))" "$ERR"

pt_stop
pt_finish

#!/usr/bin/env bash
# test_deadlines_workflow.sh - the reply deadline through the workflow, as
# a user reads it, with windows of seconds. Checks: assign sets due_at to
# assigned_at + deadlines.reply exactly and a signature leaves it; a reply
# stops the clock (never overdue, due_at kept); unsatisfied feedback
# starts a round due at rehandling_at + deadlines.rehandle, which becomes
# overdue and raises its own overdue reminder; extend is capped at
# rehandling_at + deadlines.max in that round; a supplementary reply on a
# closed proposal moves nothing; a returned proposal is never overdue and
# raises no reminder, and its reassignment sets a deadline of its own that
# does; the overdue count of /v1/stats, the list's overdue filter,
# overdue_by_unit and the daily digest agree, for the office and for each
# unit (a separate-mode unit that has replied, a co unit that has given
# its opinion); due_within_7d agrees with the digest's due_this_week and
# with due_before; with ptrackd in Asia/Shanghai the digest comes at
# digest_at Beijing time and is dated the Beijing day, while due_before's
# bare date stays midnight UTC.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init

PLUGINS="$PT_BUILD_DIR/plugins"
[ -f "$PLUGINS/import_json.so" ] || pt_die "$PLUGINS/import_json.so is missing (build it)"
pt_config '{"reply": "3s", "rehandle": "3s", "return": "10d", "max": "60s", "feedback": "1s",
            "remind_before": "1s", "digest_at": null}'
pt_start --plugin-dir "$PLUGINS"

now_ms() { date +%s%3N; }
ms_of() { # the ms since the epoch of an RFC 3339 time
    python3 -c '
import datetime, sys
print(round(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp() * 1000))' "$1"
}
iso_of() { # the RFC 3339 UTC time of ms since the epoch
    python3 -c '
import datetime, sys
t = datetime.datetime.fromtimestamp(int(sys.argv[1]) / 1000, datetime.timezone.utc)
print(t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000))' "$1"
}
# field ID EXPR: EXPR of proposal ID as the office reads it.
field() {
    api GET "/v1/proposals/$1"
    jv "$2"
}
wait_past() { # wait_past MS: sleeps until the wall clock is past MS
    local left=$(($1 - $(now_ms) + 50))
    if [ "$left" -gt 0 ]; then sleep "$(python3 -c "print($left / 1000)")"; fi
}
events_of() { # events_of TYPE ID: how many such events of the proposal
    api GET "/v1/events?after=0&limit=1000"
    jv "len([e for e in j['items'] if e['type'] == '$1' and (e['proposal'] or {}).get('id') == $2])"
}
events_due() { # events_due TYPE ID DUE: how many such events of the proposal at that due_at
    api GET "/v1/events?after=0&limit=1000"
    jv "len([e for e in j['items'] if e['type'] == '$1' and (e['proposal'] or {}).get('id') == $2
             and e['proposal'].get('due_at') == '$3'])"
}
ids() { # ids QUERY: the ids the office's list finds, comma-separated
    api GET "/v1/proposals?$1&limit=500"
    [ "$ST" = 200 ] || pt_check_fail "GET /v1/proposals?$1" "HTTP 200" "HTTP $ST $BODY"
    jv '",".join(str(i["id"]) for i in j["items"])'
}

pt_step "assign, sign, reply: the deadline and the clock"
P1="$(pt_assigned 关于加强农村饮水安全保障的建议 single '[{"name": "水利厅"}]')"
api GET "/v1/proposals/$P1"
A1="$(ms_of "$(jv 'j["assigned_at"]')")"
D1="$(ms_of "$(jv 'j["due_at"]')")"
check_eq "due_at is assigned_at + reply (3 s)" 3000 "$((D1 - A1))"
pt_act "$P1" sign '{"unit": "水利厅"}'
check_eq "a signature leaves due_at" "$(iso_of "$D1")" "$(jv 'j["due_at"]')"
pt_act "$P1" reply "$(pt_reply_body 水利厅 水函〔2026〕1号)"
check_eq "the reply moves it to replied" replied "$(jv 'j["status"]')"
# Answered in time unless the machine took more than the 3 s to get here.
REPLIED1="$(ms_of "$(jv 'j["replies"][-1]["replied_at"]')")"
wait_past "$D1"
check_eq "past its due_at, a replied proposal is not overdue" false "$(field "$P1" 'j["overdue"]')"
check_eq "and keeps its due_at" "$(iso_of "$D1")" "$(jv 'j["due_at"]')"
check_eq "nor is it in the overdue list" "" "$(ids "overdue=true&status=replied")"

pt_step "rehandling after 不满意: a round of its own"
pt_act "$P1" feedback '{"person": "张代表", "satisfaction": "unsatisfied", "comment": "不满意"}'
check_eq "unsatisfied feedback moves it to rehandling" rehandling "$(jv 'j["status"]')"
R1="$(ms_of "$(jv 'j["rehandling_at"]')")"
D1B="$(ms_of "$(jv 'j["due_at"]')")"
check_eq "due_at is rehandling_at + rehandle (3 s)" 3000 "$((D1B - R1))"
check_eq "assigned_at stays" "$(iso_of "$A1")" "$(jv 'j["assigned_at"]')"
api POST "/v1/proposals/$P1/actions/extend" "{\"due_at\": \"$(iso_of $((R1 + 61000)))\"}"
check_error "an extension past rehandling_at + max (60 s) is refused" 422 validation_failed
wait_past "$D1B"
check_eq "past the new due_at it is overdue" true "$(field "$P1" 'j["overdue"]')"
check_true "the round raises its own overdue reminder" wait_for 20 \
    test "$(events_of proposal.overdue "$P1")" -ge 1
check_eq "one overdue reminder for the round's deadline" 1 \
    "$(events_due proposal.overdue "$P1" "$(iso_of "$D1B")")"
check_eq "and one for the first round's only if its reply came after it" \
    "$([ "$REPLIED1" -gt "$D1" ] && echo 1 || echo 0)" \
    "$(events_due proposal.overdue "$P1" "$(iso_of "$D1")")"
api POST "/v1/proposals/$P1/actions/extend" "{\"due_at\": \"$(iso_of $((R1 + 59000)))\"}"
check_status "an extension within rehandling_at + max is taken" 200
check_eq "and it is no longer overdue" false "$(jv 'j["overdue"]')"
pt_act "$P1" reply "$(pt_reply_body 水利厅 水函〔2026〕2号)"
check_eq "its answer in the round is again" again "$(jv 'j["replies"][-1]["kind"]')"
sleep 1.1
pt_act "$P1" close '{}'
check_eq "closed once the feedback window (1 s) has passed" closed "$(jv 'j["status"]')"
DUE_CLOSED="$(jv 'j["due_at"]')"
pt_act "$P1" follow_up "$(pt_reply_body 水利厅 水函〔2026〕3号)"
check_eq "a supplementary reply moves no deadline" "$DUE_CLOSED false closed" \
    "$(jv 'j["due_at"] + " " + str(j["overdue"]).lower() + " " + j["status"]')"

pt_step "退回: a returned proposal waits for the office"
P2="$(pt_assigned 关于完善水价补贴的建议 single '[{"name": "财政厅"}]')"
D2="$(ms_of "$(field "$P2" 'j["due_at"]')")"
pt_act "$P2" return '{"unit": "财政厅", "reason": "不属于本单位职责"}'
wait_past "$D2"
sleep 0.5
check_eq "past its due_at, a returned proposal is not overdue" false "$(field "$P2" 'j["overdue"]')"
check_eq "nor in the overdue list" "" "$(ids "overdue=true&status=returned")"
check_eq "nor before any due_before" "" "$(ids "due_before=$(iso_of $(($(now_ms) + 600000)))&status=returned")"
check_eq "and it raises no overdue reminder" 0 "$(events_of proposal.overdue "$P2")"
pt_act "$P2" reassign '{"mode": "single", "units": [{"name": "住建厅"}]}'
A2="$(ms_of "$(jv 'j["assigned_at"]')")"
D2B="$(ms_of "$(jv 'j["due_at"]')")"
check_eq "reassign sets a deadline of its own: assigned_at + reply" 3000 "$((D2B - A2))"
check_true "assigned_at is the reassignment's" test "$A2" -gt "$D2"
wait_past "$D2B"
check_true "the new deadline raises its overdue reminder" wait_for 20 \
    test "$(events_of proposal.overdue "$P2")" -ge 1

pt_step "separate mode and lead_co: each unit's part"
P3="$(pt_assigned 关于推进节水型社会建设的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P3" sign '{"unit": "水利厅"}'
pt_act "$P3" reply "$(pt_reply_body 水利厅 水函〔2026〕4号)"
P4="$(pt_assigned 关于加快农村公路养护的建议 lead_co \
    '[{"name": "交通厅", "role": "lead"}, {"name": "财政厅", "role": "co"}, {"name": "水利厅", "role": "co"}]')"
pt_act "$P4" sign '{"unit": "交通厅"}'
pt_act "$P4" opinion '{"unit": "水利厅", "opinion": "同意。"}'
# One due within the week, not overdue: extended well ahead.
P5="$(pt_assigned 关于规范农村集体资产管理的建议 single '[{"name": "交通厅"}]')"
pt_act "$P5" sign '{"unit": "交通厅"}'
A5="$(ms_of "$(jv 'j["assigned_at"]')")"
pt_act "$P5" extend "{\"due_at\": \"$(iso_of $((A5 + 55000)))\"}"
D4="$(ms_of "$(field "$P4" 'j["due_at"]')")"
wait_past "$D4"
sleep 0.5

# agree: the office's statistics (STATS), its overdue list and due_before
# list, and each unit's statistics and overdue list (LIST_OVERDUE) agree.
UNITS="水利厅 财政厅 交通厅 住建厅"
declare -A LIST_OVERDUE
agree() {
    api GET /v1/stats
    STATS="$BODY"
    local week
    week="$(iso_of $(($(now_ms) + 7 * 86400000)))"
    OV_LIST="$(ids "overdue=true")"
    check_eq "the office: /v1/stats overdue counts the overdue list" \
        "$(jv 'len([x for x in "'"$OV_LIST"'".split(",") if x])')" "$(jv 'j["overdue"]' "$STATS")"
    local due_list
    due_list="$(ids "due_before=$week&overdue=false")"
    check_eq "the office: due_within_7d counts the due_before list of those not overdue" \
        "$(jv 'len([x for x in "'"$due_list"'".split(",") if x])')" "$(jv 'j["due_within_7d"]' "$STATS")"
    for u in $UNITS; do
        local l
        l="$(ids "unit=$(urlenc "$u")&overdue=true")"
        LIST_OVERDUE[$u]="$l"
        api GET "/v1/stats?unit=$(urlenc "$u")"
        check_eq "$u: its overdue count is its overdue list" \
            "$(jv 'len([x for x in "'"$l"'".split(",") if x])')" "$(jv 'j["overdue"]')"
        check_eq "$u: overdue_by_unit says the same" "$(jv 'j["overdue"]')" \
            "$(jv "j['overdue_by_unit'].get('$u', 0)" "$STATS")"
    done
}
agree
check_eq "the separate-mode unit that replied is not late" "" \
    "$(printf %s "${LIST_OVERDUE[水利厅]}" | tr , '\n' | grep -x "$P3" || true)"
check_eq "the unit still to answer is" "$P3" \
    "$(printf %s "${LIST_OVERDUE[财政厅]}" | tr , '\n' | grep -x "$P3" || true)"
check_eq "the co unit that gave its opinion is not late, the other co unit is" ":$P4" \
    "$(printf %s "${LIST_OVERDUE[水利厅]}" | tr , '\n' | grep -x "$P4" || true):$(printf %s "${LIST_OVERDUE[财政厅]}" | tr , '\n' | grep -x "$P4" || true)"

pt_step "the digest agrees, in Asia/Shanghai"
# digest_at 3 s ahead, Beijing time; ptrackd restarted in that zone.
ZONE=Asia/Shanghai
for try in 1 2 3; do
    pt_stop
    DIGEST_S=$(($(date +%s) + 3))
    sed -i "s/\"digest_at\": [^,}]*/\"digest_at\": \"$(TZ=$ZONE date -d "@$DIGEST_S" +%H:%M:%S)\"/" "$PT_CONF"
    TZ=$ZONE pt_start --plugin-dir "$PLUGINS"
    if [ "$(now_ms)" -lt $((DIGEST_S * 1000)) ]; then break; fi
    pt_log "ptrackd answered only after the digest's time; again with a later one"
done
has_digest() {
    api GET "/v1/events?after=0&limit=1000"
    [ "$(jv "len([e for e in j['items'] if e['type'] == 'digest.daily'])")" -ge 1 ]
}
check_true "the digest comes at digest_at, Beijing time" wait_for 20 has_digest
DIGEST="$(jv "[e for e in j['items'] if e['type'] == 'digest.daily'][0]")"
check_true "not before its time" test "$(ms_of "$(jv 'j["at"]' "$DIGEST")")" -ge $((DIGEST_S * 1000))
check_eq "dated the Beijing day" "$(TZ=$ZONE date -d "@$DIGEST_S" +%F)" "$(jv 'j["data"]["date"]' "$DIGEST")"
agree
check_eq "its overdue_count is the statistics' overdue" "$(jv 'j["overdue"]' "$STATS")" \
    "$(jv 'j["data"]["overdue_count"]' "$DIGEST")"
check_eq "its due_this_week_count is due_within_7d" "$(jv 'j["due_within_7d"]' "$STATS")" \
    "$(jv 'j["data"]["due_this_week_count"]' "$DIGEST")"
for u in $UNITS; do
    check_eq "$u: listed under its name as its overdue list" "${LIST_OVERDUE[$u]}" \
        "$(jv "','.join(str(p['id']) for g in j['data']['overdue'] if g['unit'] == '$u' for p in g['items'])" "$DIGEST")"
done
check_eq "the due-this-week one under its unit" "交通厅:$P5" \
    "$(jv "' '.join(g['unit'] + ':' + ','.join(str(p['id']) for p in g['items']) for g in j['data']['due_this_week'])" "$DIGEST")"

pt_step "due_before's bare date is midnight UTC, whatever ptrackd's zone"
cat >"$PT_TMP/days.jsonl" <<'EOF'
{"id":1,"title":"北京时间六月三十日零时到期","status":"handling","handling_mode":"single","units":[{"name":"民政厅","role":"lead"}],"assigned_at":"2099-04-01T00:00:00Z","due_at":"2099-06-29T16:00:00Z"}
{"id":2,"title":"世界时六月二十九日末到期","status":"handling","handling_mode":"single","units":[{"name":"民政厅","role":"lead"}],"assigned_at":"2099-04-01T00:00:00Z","due_at":"2099-06-29T23:59:59Z"}
{"id":3,"title":"世界时六月三十日零时到期","status":"handling","handling_mode":"single","units":[{"name":"民政厅","role":"lead"}],"assigned_at":"2099-04-01T00:00:00Z","due_at":"2099-06-30T00:00:00Z"}
EOF
pt_import jsonl "$PT_TMP/days.jsonl"
check_status "three proposals due around 2099-06-30 are imported" 201
FIRST="$(jv 'j["first_id"]')"
mine() { # the ids among the imported, as offsets 1..3
    python3 -c '
import sys
first, ids = int(sys.argv[1]), [int(x) for x in sys.argv[2].split(",") if x]
print(",".join(str(i - first + 1) for i in ids if first <= i < first + 3))' "$FIRST" "$1"
}
check_eq "due_before=2099-06-30: due before midnight UTC" "1,2" \
    "$(mine "$(ids "due_before=2099-06-30&unit=$(urlenc 民政厅)")")"
check_eq "due_before=2099-06-30T00:00:00+08:00: before midnight Beijing" "" \
    "$(mine "$(ids "due_before=$(urlenc 2099-06-30T00:00:00+08:00)&unit=$(urlenc 民政厅)")")"
check_eq "due_before=2099-06-30T00:00:01+08:00: the one due at midnight Beijing" "1" \
    "$(mine "$(ids "due_before=$(urlenc 2099-06-30T00:00:01+08:00)&unit=$(urlenc 民政厅)")")"

pt_stop
pt_finish

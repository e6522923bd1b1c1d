#!/usr/bin/env bash
# The deadline engine: with a reply window of a few seconds, an assigned
# proposal raises proposal.due_soon and then proposal.overdue exactly once
# each, also across kill -9 and restarts; the overdue filter agrees; a
# deadline moved by extend gets reminders of its own; the daily digest fires
# at deadlines.digest_at and lists the overdue proposal under each of its
# units, counting it once, and a separate-mode (分办) proposal only under
# the unit that has not answered.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init

# A WeCom robot stand-in that receives the digest.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
SO="$PT_BUILD_DIR/plugins/notify_webhook.so"
[ -f "$SO" ] || pt_die "$SO not built"
chmod go-w "$SO"
: >"$PT_TMP/robot.jsonl"
"$PY" "$PT_E2E_DIR/receivers/http_receiver.py" --port-file "$PT_TMP/robot.port" \
    --log "$PT_TMP/robot.jsonl" --max-seconds 120 >"$PT_TMP/robot.out" 2>&1 &
PT_PIDS+=("$!")
for _ in $(seq 1 50); do
    [ -s "$PT_TMP/robot.port" ] && break
    sleep 0.1
done
[ -s "$PT_TMP/robot.port" ] || pt_die "the robot stand-in did not start"

# The digest a few seconds from now, local time.
digest_at="$(date -d '+6 seconds' +%H:%M:%S)"
pt_config "{\"reply\": \"4s\", \"rehandle\": \"30s\", \"remind_before\": \"2s\", \"max\": \"60s\", \"digest_at\": \"$digest_at\"}" \
    ", \"plugins\": [{\"instance\": \"robot\", \"path\": \"$SO\", \"events\": [\"digest.daily\"],
      \"config\": {\"url\": \"http://127.0.0.1:$(cat "$PT_TMP/robot.port")/hook\", \"format\": \"wecom\"}}]"
pt_start

count_events() { # count_events TYPE ID
    api GET "/v1/events?after=0&limit=1000"
    jv "len([e for e in j['items'] if e['type'] == '$1' and (e['proposal'] or {}).get('id') == $2])"
}

wait_event() { # wait_event TYPE ID SECONDS
    local i
    for i in $(seq 1 $(($3 * 10))); do
        [ "$(count_events "$1" "$2")" -ge 1 ] && return 0
        sleep 0.1
    done
    return 1
}

pt_step "an assigned proposal raises due_soon, then overdue"
api POST /v1/proposals '{"title":"关于加快农村公路养护的建议","delegation":"山西代表团"}'
id="$(jv 'j["id"]')"
api GET "/v1/proposals/$id"
ETAG="$(hdr ETag)"
api GET "/v1/proposals/$id" -- -H "If-None-Match: $ETAG"
check_status "If-None-Match its ETag ($ETAG), no deadline running: not modified" 304
api POST "/v1/proposals/$id/actions/assign" \
    '{"mode":"lead_co","units":[{"name":"省交通运输厅","role":"lead"},{"name":"省财政厅","role":"co"}]}'
check_status "assign" 200
# A separate-mode (分办) one whose first unit answers at once: late, by the
# digest's time, for its other unit only.
api POST /v1/proposals '{"title":"关于保障农村饮水安全的建议","delegation":"山西代表团"}'
sep="$(jv 'j["id"]')"
api POST "/v1/proposals/$sep/actions/assign" '{"mode":"separate","units":[{"name":"省水利厅"},{"name":"省发展改革委"}]}'
check_status "assign in separate mode" 200
api POST "/v1/proposals/$sep/actions/sign" '{"unit":"省水利厅"}'
api POST "/v1/proposals/$sep/actions/reply" \
    '{"unit":"省水利厅","doc_no":"晋水函〔2026〕1号","category":"A","text":"已答复"}'
check_eq "省水利厅 answers; the proposal waits for the other" handling "$(jv 'j["status"]')"
check_eq "no reminder right after assigning" 0 "$(count_events proposal.due_soon "$id")"
check_true "due_soon within 4 s" wait_event proposal.due_soon "$id" 4
check_eq "not overdue yet" 0 "$(count_events proposal.overdue "$id")"
api GET "/v1/proposals/$id"
ETAG="$(hdr ETag)"
check_eq "GET: not overdue yet" false "$(jv 'j["overdue"]')"
api GET "/v1/events?after=0&limit=1000"
check_eq "the reminder carries the proposal, not overdue yet" "false" \
    "$(jv "[e for e in j['items'] if e['type'] == 'proposal.due_soon'][0]['proposal']['overdue']")"
check_eq "its actor is the daemon" "ptrackd" \
    "$(jv "[e for e in j['items'] if e['type'] == 'proposal.due_soon'][0]['actor']")"

pt_step "kill -9 between the two reminders"
pt_kill9
pt_start
check_true "overdue within 6 s of the restart" wait_event proposal.overdue "$id" 6
api GET "/v1/proposals/$id" -- -H "If-None-Match: $ETAG"
check_status "If-None-Match the ETag of before the deadline ($ETAG): the proposal anew" 200
check_eq "overdue now, the version unchanged" "true $ETAG" "$(jv 'j["overdue"]') $(hdr ETag)"
check_eq "due_soon was raised once" 1 "$(count_events proposal.due_soon "$id")"
check_eq "overdue was raised once" 1 "$(count_events proposal.overdue "$id")"
api GET "/v1/events?after=0&limit=1000"
check_eq "the overdue event's proposal is overdue" "true" \
    "$(jv "[e for e in j['items'] if e['type'] == 'proposal.overdue'][0]['proposal']['overdue']")"
api GET "/v1/proposals?overdue=true"
check_eq "the overdue filter agrees" "[$id, $sep]" "$(jv '[p["id"] for p in j["items"]]')"

pt_step "another restart raises nothing again"
pt_stop
pt_start
sleep 1.5
check_eq "still one due_soon" 1 "$(count_events proposal.due_soon "$id")"
check_eq "still one overdue" 1 "$(count_events proposal.overdue "$id")"
api GET "/v1/proposals/$id/history"
check_eq "history is not touched by reminders" '["create", "assign"]' \
    "$(jv '[h["action"] for h in j["items"]]')"

pt_step "the daily digest fires at its time"
for _ in $(seq 1 120); do
    api GET "/v1/events?after=0&limit=1000"
    [ "$(jv "len([e for e in j['items'] if e['type'] == 'digest.daily'])")" -ge 1 ] && break
    sleep 0.1
done
api GET "/v1/events?after=0&limit=1000"
check_eq "one digest" 1 "$(jv "len([e for e in j['items'] if e['type'] == 'digest.daily'])")"
check_eq "counting each proposal once, though each has two units" 2 \
    "$(jv "[e for e in j['items'] if e['type'] == 'digest.daily'][0]['data']['overdue_count']")"
check_eq "it lists the overdue proposal under its unit" "[$id]" \
    "$(jv "[p['id'] for g in [e for e in j['items'] if e['type'] == 'digest.daily'][0]['data']['overdue'] if g['unit'] == '省交通运输厅' for p in g['items']]")"
check_eq "the separate-mode one under the unit still to answer only" "[$sep] []" \
    "$(jv "' '.join(str([p['id'] for g in [e for e in j['items'] if e['type'] == 'digest.daily'][0]['data']['overdue'] if g['unit'] == u for p in g['items']]) for u in ('省发展改革委', '省水利厅'))")"
check_eq "with today's date" "$(date +%Y-%m-%d)" \
    "$(jv "[e for e in j['items'] if e['type'] == 'digest.daily'][0]['data']['date']")"

for _ in $(seq 1 50); do
    [ -s "$PT_TMP/robot.jsonl" ] && break
    sleep 0.1
done
robot="$(python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    print(json.loads(r["body"])["markdown"]["content"])
' "$PT_TMP/robot.jsonl")"
check_contains "the robot gets the digest" "每日办理情况摘要（$(date +%Y-%m-%d)）" "$robot"
check_contains "with the overdue count" "超期未答复：共 2 件" "$robot"
check_contains "and the late proposal under its unit" "省交通运输厅（1 件）：" "$robot"
check_contains "and under its co unit" "省财政厅（1 件）：" "$robot"
check_contains "named by its title" "关于加快农村公路养护的建议" "$robot"

pt_step "a deadline moved by extend gets reminders of its own"
api POST "/v1/proposals/$id/actions/sign" '{"unit":"省交通运输厅"}'
check_status "sign" 200
new_due="$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)"
api POST "/v1/proposals/$id/actions/extend" "{\"due_at\":\"$new_due\"}"
check_status "extend" 200
api GET "/v1/proposals?overdue=true"
check_eq "no longer overdue (the separate-mode one still is)" "[$sep]" \
    "$(jv '[p["id"] for p in j["items"]]')"
for _ in $(seq 1 80); do
    [ "$(count_events proposal.overdue "$id")" -ge 2 ] && break
    sleep 0.1
done
check_eq "a second due_soon for the new deadline" 2 "$(count_events proposal.due_soon "$id")"
check_eq "a second overdue for the new deadline" 2 "$(count_events proposal.overdue "$id")"

pt_stop
pt_finish

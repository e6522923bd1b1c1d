#!/usr/bin/env bash
# test_reassign_after_reply.sh - the replies from before an assignment that
# came after them, under an office's workflow that assigns a proposal anew
# while it is handled or once it is replied (改派). Checks: a 分办
# (separate) proposal assigned anew after one unit's reply waits for a
# reply to the new assignment from each unit it names: the other unit's
# reply leaves it in handling, awaiting the unit that replied before, which
# is asked to sign and to reply (its reply of before stays in replies but
# answers none of it); 办复率 and reply_categories of GET /v1/stats, and the
# CSV export's 答复文号, 办理结果 and 答复时间, count it only when that unit
# has replied again, which is taken (not refused as a second reply of the
# round), and the md report by unit shows no 办理结果 under it till then;
# ptrack show names it among the units awaited. An imported
# answered proposal whose reply is dated before its
# assignment (答复时间 2026-05-20, 交办时间 2026-05-20 10:30) stays
# answered, and its unit, unsigned, is not asked to sign for one in
# rehandling: no assignment came after that reply here. The CSV export
# writes replies_from (答复起算时间), and its import reads it back. An
# imported record whose replies_from no assignment after a reply could
# have set (no replies; later than its assignment and its replies) is
# rejected, where it dated every reply to come at replies_from (2099).
set -u
. "$(dirname "$0")/lib.sh"
pt_init

PLUGINS="$PT_BUILD_DIR/plugins"
[ -f "$PLUGINS/import_csv.so" ] && [ -f "$PLUGINS/export_csv.so" ] ||
    pt_die "built-in plugins missing in $PLUGINS (build import_csv and export_csv)"

pt_office_workflow "$PT_TMP/wf.json"
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'
pt_start --plugin-dir "$PLUGINS"

WATER="$(pt_unit_token 水利厅联络员 水利厅)"
# figures: 办复率 and the reply categories, as GET /v1/stats gives them.
figures() {
    api GET /v1/stats
    [ "$ST" = 200 ] || pt_check_fail "GET /v1/stats" "HTTP 200" "HTTP $ST $BODY"
    jv 'json.dumps([j["reply_rate"], j["reply_categories"]], ensure_ascii=False)'
}
# answer ID: the CSV export's answer columns of proposal ID, "|"-joined.
answer() {
    api GET "/v1/exports?format=csv"
    [ "$ST" = 200 ] || pt_check_fail "GET /v1/exports?format=csv" "HTTP 200" "HTTP $ST $BODY"
    python3 -c '
import csv, io, sys
t = open(sys.argv[1], "rb").read().decode("utf-8-sig")
for r in csv.DictReader(io.StringIO(t, newline="")):
    if r["ID"] == sys.argv[2]:
        print("|".join([r["答复文号"], r["办理结果"], r["答复时间"][:10]]))
' "$PT_TMP/resp.body" "$1"
}
reply() { printf '{"unit": "%s", "doc_no": "%s", "category": "%s", "text": "%s的答复"}' "$@" "$1"; }

pt_step "a 分办 proposal assigned anew after one unit's reply"
P="$(pt_assigned 关于推进城乡供水一体化的建议 separate \
    '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P" sign '{"unit": "水利厅"}'
pt_act "$P" sign '{"unit": "财政厅"}'
pt_act "$P" reply "$(reply 水利厅 水函〔2026〕1号 C)"
check_eq "it waits for 财政厅" handling "$(jv 'j["status"]')"
pt_act "$P" redo '{"mode": "separate", "units": [{"name": "水利厅"}, {"name": "住建厅"}]}'
check_eq "assigned anew, the reply of before kept" \
    '["assigned", 1, true]' \
    "$(jv 'json.dumps([j["status"], len(j["replies"]), j["replies_from"] == j["assigned_at"]])')"
req "tcp:$WATER" GET "/v1/proposals/$P"
check_eq "水利厅 is asked to sign for the new assignment" '["sign"]' \
    "$(jv 'json.dumps(j["unit_part"]["todo"])')"
check_eq "not answered (办复): no figures" '[0, {"A": 0, "B": 0, "C": 0, "D": 0}]' "$(figures)"

pt_act "$P" sign '{"unit": "水利厅"}'
pt_act "$P" sign '{"unit": "住建厅"}'
pt_act "$P" reply "$(reply 住建厅 建函〔2026〕2号 B)"
check_eq "住建厅's reply leaves it in handling" handling "$(jv 'j["status"]')"
api GET "/v1/proposals/$P/history"
check_eq "awaiting 水利厅" 水利厅 "$(jv 'j["items"][-1]["changes"]["awaiting_replies"]["to"]')"
pt_cli show "$P"
check_contains "ptrack show names it awaited" "水利厅" "$(printf '%s\n' "$OUT" | grep 待答复单位)"
check_contains "and when replies began to count" "答复起算" "$OUT"
req "tcp:$WATER" GET "/v1/proposals/$P"
check_eq "水利厅 owes its reply" '["reply"]' \
    "$(jv 'json.dumps(j["unit_part"]["todo"])')"
check_eq "办复率 counts it not yet, nor its category" \
    '[0, {"A": 0, "B": 0, "C": 0, "D": 0}]' "$(figures)"
check_eq "the CSV export has no answer for it yet" '||' "$(answer "$P")"
# result UNIT: the 办理结果 of the md report's row under UNIT (group=unit).
result() {
    printf '%s\n' "$BODY" | python3 -c '
import sys
rows = sys.stdin.read().split("### " + sys.argv[1] + "（", 1)[1].split("\n")
head = next(r for r in rows if r.startswith("| 编号"))
row = next(r for r in rows if r.startswith("| #"))
print(dict(zip(head.split("|"), row.split("|")))[" 办理结果 "].strip())
' "$1"
}
api GET "/v1/exports?format=md&group=unit"
check_eq "the report by unit: 住建厅's result is its reply's" B "$(result 住建厅)"
check_eq "and 水利厅 has none yet (its C answered the assignment before)" "" "$(result 水利厅)"

req "tcp:$WATER" POST "/v1/proposals/$P/actions/reply" "$(reply 水利厅 水函〔2026〕3号 A)"
check_eq "水利厅's reply to the new assignment is taken" 200 "$ST"
check_eq "and answers it: replied, the reply of kind again" '["replied", "again", 3]' \
    "$(jv 'json.dumps([j["status"], j["replies"][-1]["kind"], len(j["replies"])])')"
check_eq "办复率 counts it now, by its latest reply (A)" \
    '[1, {"A": 1, "B": 0, "C": 0, "D": 0}]' "$(figures)"
TODAY="$(jv 'j["replies"][-1]["replied_at"][:10]')"
check_eq "the CSV export has its answer" "水函〔2026〕3号|A|$TODAY" "$(answer "$P")"

pt_step "an imported answered proposal with its reply dated before its assignment"
printf '%s\n' \
    '标题,状态,办理方式,主办单位,交办时间,答复文号,办理结果,答复时间' \
    '关于加强农村饮水安全保障的建议,办结,单办,水利厅,2026-05-20 10:30,水函〔2026〕12号,B,2026-05-20' \
    '关于加强小型水库安全管理的建议,重新办理,单办,水利厅,2026-05-20 10:30,水函〔2026〕13号,C,2026-05-20' \
    >"$PT_TMP/ledger.csv"
pt_import csv "$PT_TMP/ledger.csv"
check_eq "the ledger is imported" 201 "$ST"
I="$(jv 'j["first_id"]')"
api GET "/v1/proposals/$I"
check_eq "its reply is before its assigned_at, and no assignment came after it" \
    '[true, null]' \
    "$(jv 'json.dumps([j["replies"][0]["replied_at"] < j["assigned_at"], j["replies_from"]])')"
check_eq "the three proposals count as answered, by their categories" \
    '[1, {"A": 1, "B": 1, "C": 1, "D": 0}]' "$(figures)"
check_eq "the CSV export has the imported answer" "水函〔2026〕12号|B|2026-05-20" "$(answer "$I")"
# The ledger does not say who signed: 水利厅's reply took the one in
# rehandling up, and it owes the new answer, not a signature.
req "tcp:$WATER" GET "/v1/proposals/$((I + 1))"
check_eq "水利厅's part of the one in rehandling: a reply, no signature" '["reply"]' \
    "$(jv 'json.dumps(j["unit_part"]["todo"])')"

pt_step "the CSV export keeps replies_from (答复起算时间), and an import reads it back"
api GET "/v1/proposals/$P"
FROM="$(jv 'j["replies_from"]')"
api GET "/v1/exports?format=csv&q=$(urlenc 城乡供水)"
cp "$PT_TMP/resp.body" "$PT_TMP/p.csv"
check_eq "its 答复起算时间 is filled" 1 "$(python3 -c '
import csv, sys
print(sum(1 for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")) if r["答复起算时间"]))
' "$PT_TMP/p.csv")"
req sock POST "/v1/imports?format=csv" -- --data-binary "@$PT_TMP/p.csv" -H "Content-Type: text/csv"
check_eq "the export is imported" 201 "$ST"
api GET "/v1/proposals/$(jv 'j["first_id"]')"
check_eq "the copy has the same replies_from and is as answered" "[\"$FROM\", \"replied\"]" \
    "$(jv 'json.dumps([j["replies_from"], j["status"]])')"
check_eq "and 办复率 counts all four" '[1, {"A": 2, "B": 1, "C": 1, "D": 0}]' "$(figures)"

pt_step "a record whose replies_from no assignment after a reply could have set is refused"
# A reply is dated replies_from when the clock is behind it (a reply
# answers the assignment it follows): a replies_from of 2099 taken in
# would date every reply to come 2099-01-01.
record() {
    printf '[{"id": 7, "version": 3, "title": "关于加强城市排水防涝的建议", "status": "handling",
 "handling_mode": "single", "units": [{"name": "水利厅", "role": "lead", "signed_at": "2026-05-02T08:00:00Z"}],
 "assigned_at": "2026-05-01T08:00:00Z", "due_at": "2026-07-30T08:00:00Z",
 "replies_from": "%s", "replies": %s}]' "$1" "$2" >"$PT_TMP/rf.json"
    req sock POST "/v1/imports?format=json" -- --data-binary "@$PT_TMP/rf.json" \
        -H "Content-Type: application/json"
}
OLD='{"unit": "水利厅", "doc_no": "水函〔2026〕20号", "category": "B", "text": "答复", "replied_at": "2026-04-20T08:00:00Z", "kind": "first"}'
N0="$(pt_count)"
record 2099-01-01T00:00:00Z '[]'
check_error "without replies" 422 validation_failed
check_contains "the refusal names replies_from" "replies_from: only an assignment that came after a reply sets it" \
    "$(jv 'j["error"]["rejected"][0]["reason"]')"
record 2099-01-01T00:00:00Z "[$OLD]"
check_error "after its assignment and its replies" 422 validation_failed
check_contains "the refusal names replies_from again" \
    "replies_from: later than the record's assigned_at and each of its replies (2026-05-01T08:00:00Z at the latest)" \
    "$(jv 'j["error"]["rejected"][0]["reason"]')"
check_eq "nothing was imported" "$N0" "$(pt_count)"
record 2026-05-01T08:00:00Z "[$OLD]"
check_eq "one set by the assignment that followed its reply is taken" 201 "$ST"
I="$(jv 'j["first_id"]')"
pt_act "$I" reply "$(reply 水利厅 水函〔2026〕21号 A)"
check_true "and a reply to it is dated now, not later" \
    test "$(jv 'j["replies"][-1]["replied_at"][:4]')" -lt 2099

pt_step "the CLI does not call a reply to the assignment before 已答复"
# Assigned anew after 水利厅's reply, then returned by 住建厅: nobody has
# anything to do, and 水利厅's part is told by what it did for this
# assignment, which is nothing yet.
R="$(pt_assigned 关于改善农村饮水安全的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$R" sign '{"unit": "水利厅"}'
pt_act "$R" reply "$(reply 水利厅 水函〔2026〕9号 B)"
pt_act "$R" redo '{"mode": "separate", "units": [{"name": "水利厅"}, {"name": "住建厅"}]}'
pt_act "$R" return '{"unit": "住建厅", "reason": "不属于本单位职责"}'
check_eq "returned" returned "$(jv 'j["status"]')"
pt_run "$PTRACK" --url "$PT_URL" --token "$WATER" show "$R"
check_rc "show as 水利厅" 0
check_eq "its part is 分办, not 分办·已答复" "水利厅：分办" \
    "$(printf '%s\n' "$OUT" | sed -n 's/^ *本单位 Your unit *//p')"

pt_finish

#!/usr/bin/env bash
# A proposal walks the whole way, submitted → assigned → handling → replied →
# rehandling (unsatisfied) → replied → closed (satisfied), once through the
# ptrack CLI and once through curl: the status after each step, the history
# (one entry per action, in order, with from and to), and a refused action
# (reply while assigned: 409 with the allowed list; the CLI exits 1 naming
# them) that changes nothing. Then lead_co mode (no reply before every co
# unit's opinion), the return window, extend's cap, close (only after the
# feedback window), reopen,
# follow_up and withdraw.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
# A 3 s return window and a 3 s feedback window, so that a late return and
# a close after the feedback window can be tried within the test.
pt_config '{"return": "3s", "reply": "90d", "rehandle": "30d", "max": "180d", "feedback": "3s"}'
pt_start
pt_need_cli

# cli ARGS...: runs ptrack on the socket; sets RC, OUT, ERR.
cli() {
    set +e
    "$PTRACK" --socket "$PT_SOCK" "$@" >"$PT_TMP/cli.out" 2>"$PT_TMP/cli.err"
    RC=$?
    set -e
    OUT="$(cat "$PT_TMP/cli.out")"
    ERR="$(cat "$PT_TMP/cli.err")"
}
status_of() { # ID: the status, read through the API
    api GET "/v1/proposals/$1"
    jv 'j["status"]'
}
# api_act ID ACTION BODY EXPECTED_STATUS
api_act() {
    api POST "/v1/proposals/$1/actions/$2" "$3"
    check_status "curl: $2 on #$1" 200
    check_eq "curl: after $2, #$1 is" "$4" "$(jv 'j["status"]')"
}
# cli_act EXPECTED_STATUS ID ACTION ARGS...
cli_act() {
    local want="$1" id="$2" action="$3"
    shift 3
    cli do "$id" "$action" "$@"
    check_eq "ptrack do $id $action: exit 0" "0" "$RC${ERR:+ (stderr: $ERR)}"
    check_eq "ptrack do $id $action: status through the API" "$want" "$(status_of "$id")"
}
WALK='["create", "assign", "sign", "reply", "feedback", "reply", "feedback"]'
WALK_FT='[[null, "submitted"], ["submitted", "assigned"], ["assigned", "handling"], ["handling", "replied"], ["replied", "rehandling"], ["rehandling", "replied"], ["replied", "closed"]]'
now_s() { date +%s; }
now_ms() { date +%s%3N; }
ms_of() { # RFC 3339 time → ms since the epoch
    python3 -c '
import sys, datetime
print(round(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp() * 1000))' "$1"
}
secs_until() { # RFC 3339 time → seconds from now
    python3 -c '
import sys, datetime
t = datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00"))
print(int(t.timestamp() - datetime.datetime.now(datetime.timezone.utc).timestamp()))' "$1"
}

# The proposal for the late return is assigned first, so that its window
# has passed by the end of the test.
api POST /v1/proposals '{"title":"关于退回时限的建议"}'
LATE="$(jv 'j["id"]')"
api POST "/v1/proposals/$LATE/actions/assign" '{"mode":"single","units":[{"name":"市交通局","role":"lead"}]}'
check_status "assign the late-return proposal" 200
LATE_AT=$(now_s)

# ---------------------------------------------------------------------------
pt_step "the walk through the CLI"
cli --json add --title "关于加快老旧小区改造的建议" --delegation 山西代表团 --lead-author 李国华 \
    --co-signer 王秀英 --co-signer 张建军 --category 城乡建设 --kind suggestion
check_eq "ptrack add: exit 0" 0 "$RC${ERR:+ (stderr: $ERR)}"
C="$(jv 'j["id"]' "$OUT")"
check_eq "added as submitted" submitted "$(status_of "$C")"
cli_act assigned "$C" assign --unit 市住建局 --note 请按时办理
api GET "/v1/proposals/$C"
check_eq "assign sets mode single and one lead unit" 'single [["市住建局", "lead"]]' \
    "$(jv 'j["handling_mode"] + " " + json.dumps([[u["name"], u["role"]] for u in j["units"]], ensure_ascii=False)')"
due="$(jv 'j["due_at"]')"
d="$(secs_until "$due")"
check_true "assign sets due_at 90 days ahead ($due)" test "$d" -gt $((90 * 86400 - 300)) -a "$d" -le $((90 * 86400 + 60))
V_BEFORE="$(jv 'j["version"]')"

cli do "$C" reply --unit 市住建局 --set doc_no=住建函〔2026〕1号 --set category=A --set text=已答复
check_eq "ptrack do reply while assigned: exit 1" 1 "$RC"
check_eq "the refusal is one line on stderr" 1 "$(printf '%s\n' "$ERR" | grep -c .)"
check_contains "the refusal names the allowed action sign" "sign" "$ERR"
check_contains "the refusal names the allowed action return" "return" "$ERR"
check_contains "the refusal names the allowed action withdraw" "withdraw" "$ERR"
check_eq "the refusal changed nothing" "assigned $V_BEFORE" \
    "$(api GET "/v1/proposals/$C" && jv '"%s %d" % (j["status"], j["version"])')"

cli_act handling "$C" sign --unit 市住建局
cli_act replied "$C" reply --unit 市住建局 --set doc_no=住建函〔2026〕1号 --set category=B --set text=正在推进改造
cli_act rehandling "$C" feedback --set person=李国华 --set satisfaction=unsatisfied --set comment=进度太慢
api GET "/v1/proposals/$C"
d="$(secs_until "$(jv 'j["due_at"]')")"
check_true "unsatisfied feedback moves due_at 30 days ahead ($(jv 'j["due_at"]'))" \
    test "$d" -gt $((30 * 86400 - 300)) -a "$d" -le $((30 * 86400 + 60))
cli_act replied "$C" reply --unit 市住建局 --set doc_no=住建函〔2026〕9号 --set category=A --set text=已全部完成
cli_act closed "$C" feedback --set person=李国华 --set satisfaction=satisfied

api GET "/v1/proposals/$C/history"
check_eq "CLI walk: history actions, one per action, in order" "$WALK" "$(jv '[i["action"] for i in j["items"]]')"
check_eq "CLI walk: history from/to" "$WALK_FT" "$(jv '[[i["from"], i["to"]] for i in j["items"]]')"
check_eq "CLI walk: the assign note" 请按时办理 "$(jv 'j["items"][1]["note"]')"
api GET "/v1/proposals/$C"
check_eq "CLI walk: two replies and two feedbacks kept" "2 2 unsatisfied,satisfied" \
    "$(jv '"%d %d %s" % (len(j["replies"]), len(j["feedback"]), ",".join(f["satisfaction"] for f in j["feedback"]))')"
check_eq "CLI walk: version = history length" 7 "$(jv 'j["version"]')"
cli --json history "$C"
check_eq "ptrack --json history: exit 0" 0 "$RC"
check_eq "ptrack --json history: the same actions" "$WALK" \
    "$(jv '[i["action"] for i in (j["items"] if isinstance(j, dict) else j)]' "$OUT")"
cli history "$C"
check_contains "ptrack history shows the labels" "答复" "$OUT"
cli do "$C" sign --unit 市住建局
check_eq "ptrack do sign on a closed proposal: exit 1" 1 "$RC"
check_contains "and names what closed allows" "reopen" "$ERR"

# ---------------------------------------------------------------------------
pt_step "the walk through curl"
api POST /v1/proposals '{"title":"关于完善农村养老服务体系的建议","delegation":"广东代表团"}'
check_status "create" 201
A="$(jv 'j["id"]')"
api_act "$A" assign '{"mode":"single","units":[{"name":"省民政厅","role":"lead"}],"note":"交办"}' assigned
api POST "/v1/proposals/$A/actions/reply" '{"unit":"省民政厅","doc_no":"民函〔2026〕3号","category":"A","text":"答复"}'
check_error "reply while assigned" 409 invalid_transition
check_eq "409 names the state" assigned "$(jv 'j["error"]["state"]')"
check_eq "409 lists the allowed actions" '["return", "sign", "supervise", "withdraw"]' "$(jv 'sorted(j["error"]["allowed"])')"
api GET "/v1/proposals/$A"
check_eq "the refused reply changed nothing" "assigned 2 0" "$(jv '"%s %d %d" % (j["status"], j["version"], len(j["replies"]))')"
api POST "/v1/proposals/$A/actions/feedback" '{"person":"某代表","satisfaction":"satisfied"}'
check_error "feedback while assigned" 409 invalid_transition
api_act "$A" sign '{"unit":"省民政厅"}' handling
api_act "$A" reply '{"unit":"省民政厅","doc_no":"民函〔2026〕3号","category":"B","text":"正在研究"}' replied
api GET "/v1/proposals/$A"
check_eq "the reply is stored" "民函〔2026〕3号 B 省民政厅" "$(jv '"%s %s %s" % (j["replies"][0]["doc_no"], j["replies"][0]["category"], j["replies"][0]["unit"])')"
api POST "/v1/proposals/$A/actions/feedback" '{"person":"某代表","satisfaction":"so-so"}'
check_error "feedback with an unknown satisfaction" 422 validation_failed
api_act "$A" feedback '{"person":"王代表","satisfaction":"unsatisfied","comment":"没有具体措施"}' rehandling
api_act "$A" reply '{"unit":"省民政厅","doc_no":"民函〔2026〕8号","category":"A","text":"已出台措施"}' replied
api_act "$A" feedback '{"person":"王代表","satisfaction":"basically_satisfied"}' closed
api GET "/v1/proposals/$A/history"
check_eq "curl walk: history actions in order" "$WALK" "$(jv '[i["action"] for i in j["items"]]')"
check_eq "curl walk: history from/to" "$WALK_FT" "$(jv '[[i["from"], i["to"]] for i in j["items"]]')"
check_eq "curl walk: seq increases" true "$(jv 'all(a["seq"] < b["seq"] for a, b in zip(j["items"], j["items"][1:]))')"
check_eq "curl walk: changes of the reply name replies" true "$(jv '"replies" in json.dumps(j["items"][3]["changes"])')"

pt_step "after closing: follow_up, reopen"
api_act "$A" follow_up '{"unit":"省民政厅","doc_no":"民函〔2026〕12号","category":"A","text":"补充答复"}' closed
api GET "/v1/proposals/$A"
check_eq "the follow-up reply is supplementary" supplementary "$(jv 'j["replies"][-1]["kind"]')"
api POST "/v1/proposals/$A/actions/withdraw" '{"reason":"撤回"}'
check_error "withdraw when closed" 409 invalid_transition
api_act "$A" reopen '{"reason":"代表再次反映"}' rehandling

pt_step "close without feedback, withdraw"
api POST /v1/proposals '{"title":"关于无人评价的建议"}'
B="$(jv 'j["id"]')"
api_act "$B" assign '{"mode":"single","units":[{"name":"省财政厅","role":"lead"}]}' assigned
api_act "$B" sign '{"unit":"省财政厅"}' handling
api_act "$B" reply '{"unit":"省财政厅","doc_no":"财函1号","category":"C","text":"答复"}' replied
# The window ends 3 s after the reply, by ptrackd's clock (this machine's).
FB_END=$(($(ms_of "$(jv 'j["replies"][-1]["replied_at"]')") + 3000))
api POST "/v1/proposals/$B/actions/withdraw" '{"reason":"不想要了"}'
check_error "withdraw after the reply" 409 invalid_transition
# A close answered before the window's end was refused; one answered after
# it, on a slow machine, may have been taken, and is not judged.
api POST "/v1/proposals/$B/actions/close" '{}'
if [ "$(now_ms)" -lt "$FB_END" ] || [ "$ST" != 200 ]; then
    check_error "close while the feedback window is open" 422 validation_failed
    check_contains "the refusal says until when" "the feedback window is still open" "$BODY"
    left=$((FB_END + 100 - $(now_ms)))
    [ "$left" -le 0 ] || sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
    api_act "$B" close '{}' closed
else
    pt_log "not judged: the close while the feedback window is open (answered after its end)"
    check_eq "closed after the window" closed "$(jv 'j["status"]')"
fi
api POST /v1/proposals '{"title":"关于撤回的建议"}'
W="$(jv 'j["id"]')"
api POST "/v1/proposals/$W/actions/withdraw" '{}'
check_error "withdraw without its reason" 422 validation_failed
api_act "$W" withdraw '{"reason":"代表撤回"}' withdrawn
api POST "/v1/proposals/$W/actions/supervise" '{"key_supervision":true}'
check_error "supervise a withdrawn (terminal) proposal" 409 invalid_transition

# ---------------------------------------------------------------------------
pt_step "lead_co: no reply before every co unit's opinion"
api POST /v1/proposals '{"title":"关于黄河流域生态保护的建议"}'
L="$(jv 'j["id"]')"
api_act "$L" assign '{"mode":"lead_co","units":[{"name":"省水利厅","role":"lead"},{"name":"省财政厅","role":"co"},{"name":"省生态环境厅","role":"co"}]}' assigned
api_act "$L" sign '{"unit":"省水利厅"}' handling
REPLY='{"unit":"省水利厅","doc_no":"晋水函〔2026〕15号","category":"A","text":"答复"}'
lead_co_refused() { # WHAT MISSING_UNIT
    api POST "/v1/proposals/$L/actions/reply" "$REPLY"
    check_true "$1: refused with 409 or 422 ($ST)" test "$ST" = 409 -o "$ST" = 422
    check_contains "$1: the refusal names $2" "$2" "$BODY"
    check_eq "$1: still handling" handling "$(status_of "$L")"
}
lead_co_refused "reply with no co opinion" 省财政厅
api_act "$L" opinion '{"unit":"省财政厅","opinion":"同意主办单位意见，资金予以支持"}' handling
lead_co_refused "reply with one of two co opinions" 省生态环境厅
api POST "/v1/proposals/$L/actions/opinion" '{"unit":"省教育厅","opinion":"无关单位"}'
check_true "opinion by a unit that is not assigned is refused ($ST)" test "$ST" = 409 -o "$ST" = 422
api_act "$L" opinion '{"unit":"省生态环境厅","opinion":"同意"}' handling
api GET "/v1/proposals/$L"
check_eq "each co unit has its opinion and opinion_at" true \
    "$(jv 'all(u.get("opinion") and u.get("opinion_at") for u in j["units"] if u["role"] == "co")')"
api_act "$L" reply "$REPLY" replied

pt_step "CLI lead_co assign with --unit NAME[:ROLE]"
cli --json add --title "关于协办的建议"
X="$(jv 'j["id"]' "$OUT")"
cli_act assigned "$X" assign --unit 省水利厅 --unit 省财政厅:co
api GET "/v1/proposals/$X"
check_eq "ptrack assign with two units is lead_co" 'lead_co [["省水利厅", "lead"], ["省财政厅", "co"]]' \
    "$(jv 'j["handling_mode"] + " " + json.dumps([[u["name"], u["role"]] for u in j["units"]], ensure_ascii=False)')"

# ---------------------------------------------------------------------------
pt_step "extend: at most assigned_at + 180 days"
api POST /v1/proposals '{"title":"关于延期的建议"}'
E="$(jv 'j["id"]')"
api_act "$E" assign '{"mode":"single","units":[{"name":"省商务厅","role":"lead"}]}' assigned
api_act "$E" sign '{"unit":"省商务厅"}' handling
api GET "/v1/proposals/$E"
ok_due="$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ"))')"
bad_due="$(python3 -c 'import datetime; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%SZ"))')"
api_act "$E" extend '{"due_at":"'"$ok_due"'"}' handling
check_eq "extend moved due_at" "${ok_due%Z}" "$(jv 'j["due_at"][:19]')"
api POST "/v1/proposals/$E/actions/extend" '{"due_at":"'"$bad_due"'"}'
check_true "extend past assigned_at + 180 days is refused ($ST)" test "$ST" = 409 -o "$ST" = 422
api GET "/v1/proposals/$E"
check_eq "the refused extend kept due_at" "${ok_due%Z}" "$(jv 'j["due_at"][:19]')"

# ---------------------------------------------------------------------------
pt_step "return: within the window, and not after it"
api POST /v1/proposals '{"title":"关于及时退回的建议"}'
R="$(jv 'j["id"]')"
# The window runs 3 s from the assignment, which ptrackd makes after the
# request was sent: a return answered within 3 s of that is in time. One
# answered later, on a slow machine, may be refused, and is not judged.
R_SENT=$(now_ms)
api_act "$R" assign '{"mode":"single","units":[{"name":"市教育局","role":"lead"}]}' assigned
api POST "/v1/proposals/$R/actions/return" '{"unit":"市教育局"}'
check_error "return without its reason" 422 validation_failed
api POST "/v1/proposals/$R/actions/return" '{"unit":"市教育局","reason":"不属于本单位职责"}'
if [ "$ST" = 200 ] || [ "$(now_ms)" -lt $((R_SENT + 3000)) ]; then
    check_status "curl: return on #$R" 200
    check_eq "curl: after return, #$R is" returned "$(jv 'j["status"]')"
    api_act "$R" reassign '{"mode":"single","units":[{"name":"市人社局","role":"lead"}]}' assigned
    api GET "/v1/proposals/$R"
    check_eq "reassign replaced the units" '["市人社局"]' "$(jv '[u["name"] for u in j["units"]]')"
else
    pt_log "not judged: the return within the window (answered more than 3 s after the assign was sent: $ST)"
fi
left=$((LATE_AT + 4 - $(now_s)))
[ "$left" -le 0 ] || sleep "$left"
api GET "/v1/proposals/$LATE"
V_LATE="$(jv 'j["version"]')"
api POST "/v1/proposals/$LATE/actions/return" '{"unit":"市交通局","reason":"太晚了"}'
check_true "return after the 3 s window is refused with 409 or 422 ($ST)" test "$ST" = 409 -o "$ST" = 422
check_eq "the late return changed nothing" "assigned $V_LATE" \
    "$(api GET "/v1/proposals/$LATE" && jv '"%s %d" % (j["status"], j["version"])')"
cli do "$LATE" return --unit 市交通局 --set reason=太晚了
check_eq "ptrack do return after the window: exit 1" 1 "$RC"

pt_stop
pt_finish

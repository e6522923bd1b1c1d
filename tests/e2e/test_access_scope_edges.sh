#!/usr/bin/env bash
# test_access_scope_edges.sh - the edges of a unit's and a delegate's
# scope that test_access.sh does not walk, as one holding such a token
# would try them:
#   - paging: every sort, and cursors made up or taken from an office's
#     list, give the unit its own proposals only; a search (q=) or a
#     number= of another unit's proposal finds nothing;
#   - exports in every format (xlsx, md, html and ics too, and with todo=)
#     hold none of another unit's proposals;
#   - the change feed: the deadline engine's due_soon and overdue events
#     of another unit's proposal, the events of a proposal reassigned away
#     from the unit, and those of a delegate's draft once deleted, are not
#     theirs; their own reminders are;
#   - a revoked token is refused on the keep-alive connection it used;
#   - an Idempotency-Key is the identity's own: another unit's request
#     under the same key is no replay, and the key does not reach a
#     proposal the unit may not read;
#   - a delegate who co-signed a proposal rates it (workflow.md: the lead
#     author or a co-signer), also naming themselves as a list spells a
#     name ("李 四", which is 李四 wherever a person's name is kept; this
#     was refused as another person's).
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve '{"reply": "8s", "rehandle": "60s", "remind_before": "4s", "max": "120s", "digest_at": null}'

FIN="$(pt_unit_token 财政部联络员 财政部)"
EDU="$(pt_unit_token 教育部联络员 教育部)"
LS="$(pt_delegate_token 李四本人 李四)"

# new_assigned TITLE LEAD UNIT [NUMBER]: a proposal led by LEAD with 李四
# co-signing when LEAD is 张三, assigned to UNIT alone; prints its id.
new_assigned() {
    local co='[]' num=''
    [ "$2" = 张三 ] && co='["李四"]'
    [ -n "${4:-}" ] && num=", \"number\": \"$4\""
    local id body="{\"title\": \"$1\", \"lead_author\": \"$2\", \"co_signers\": $co$num}"
    id="$(pt_create "$body")" || exit 1 # pt_die said why
    pt_act "$id" assign "{\"mode\": \"single\", \"units\": [{\"name\": \"$3\", \"role\": \"lead\"}]}"
    printf %s "$id"
}

# Interleaved: 财政部's proposals among 教育部's, so that every page of a
# list of 财政部's would meet 教育部's rows between them.
MINE=()
SECRET="$(new_assigned 关于绝密教育经费的建议 赵六 教育部 9001)"
for i in 1 2 3; do
    MINE+=("$(new_assigned "关于财政第${i}号事项的建议" 张三 财政部)")
    new_assigned "关于教育绝密第${i}号事项的建议" 赵六 教育部 >/dev/null
done
api PATCH "/v1/proposals/$SECRET" '{"background": "机密背景材料"}'
OWN_IDS="$(python3 -c 'import sys; print(sorted(int(a) for a in sys.argv[1:]))' "${MINE[@]}")"

pt_step "paging and searching as a unit"
# pages_of QUERY: the ids of every page of the unit's list with QUERY,
# following next from page to page; "cursor ..." when a page fails.
pages_of() {
    local q="$1" ids=() cursor="" n=0
    while :; do
        req "tcp:$FIN" GET "/v1/proposals?limit=1&$q${cursor:+&cursor=$cursor}"
        [ "$ST" = 200 ] || { echo "HTTP $ST $BODY"; return; }
        ids+=($(jv '" ".join(str(i["id"]) for i in j["items"])'))
        cursor="$(jv 'j["next"] or ""')"
        n=$((n + 1))
        [ -n "$cursor" ] && [ "$n" -lt 50 ] || break
    done
    python3 -c 'import sys; print(sorted(int(a) for a in sys.argv[1:]))' "${ids[@]}"
}
for sort in id -id due_at -due_at updated_at -created_at; do
    check_eq "sort=$sort, one a page: the unit's own proposals, each once" "$OWN_IDS" \
        "$(pages_of "sort=$sort")"
done
api GET "/v1/proposals?limit=1"
check_true "an office's cursor is at a proposal the unit may not read" \
    test "$(jv 'j["items"][0]["id"]')" = "$SECRET"
OFFICE_CURSOR="$(jv 'j["next"]')"
for cursor in "$OFFICE_CURSOR" i0.0 i-1.-0 e0.0 E9223372036854775807.9223372036854775807; do
    case "$cursor" in e* | E*) sort="&sort=${cursor:0:1}" ;; *) sort="" ;; esac
    [ "$sort" = "&sort=e" ] && sort="&sort=due_at"
    [ "$sort" = "&sort=E" ] && sort="&sort=-due_at"
    req "tcp:$FIN" GET "/v1/proposals?limit=500&cursor=$cursor$sort"
    if [ "$ST" = 200 ]; then
        check_eq "a cursor $cursor: only the unit's own proposals" true \
            "$(jv 'all(i["id"] in '"$OWN_IDS"' for i in j["items"])')"
    else
        check_error "a cursor $cursor is refused, showing nothing" 400 bad_request
    fi
done
for q in 绝密 机密背景 "教育 绝密"; do
    req "tcp:$FIN" GET "/v1/proposals?q=$(urlenc "$q")"
    check_eq "q=$q (the title or background of another unit's) finds nothing" "[]" "$(jv '[i["id"] for i in j["items"]]')"
    req "tcp:$FIN" GET "/v1/stats?q=$(urlenc "$q")"
    check_eq "nor counts it" 0 "$(jv 'j["total"]')"
done
req "tcp:$FIN" GET "/v1/proposals?number=9001"
check_eq "number= of another unit's proposal finds nothing" "[]" "$(jv '[i["id"] for i in j["items"]]')"
api GET "/v1/proposals?q=$(urlenc 绝密)"
check_true "(an office's search finds them)" test "$(jv 'len(j["items"])')" -ge 4

pt_step "exports in every format"
for f in csv json jsonl xlsx md html ics; do
    code="$(curl -s -o "$PT_TMP/unit.$f" -w '%{http_code}' -H "Authorization: Bearer $FIN" \
        "$PT_URL/v1/exports?format=$f")"
    check_eq "the unit exports $f" 200 "$code"
    text="$PT_TMP/unit.$f"
    if [ "$f" = xlsx ]; then
        mkdir -p "$PT_TMP/xlsx"
        python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print("\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()))' \
            "$text" >"$PT_TMP/xlsx/all.txt" 2>&1
        text="$PT_TMP/xlsx/all.txt"
    fi
    check_eq "$f: none of another unit's proposals" 0 "$(grep -c '绝密\|机密' "$text")"
    check_true "$f: the unit's own are there" grep -q '关于财政第2号事项的建议' "$text"
done
curl -s -o "$PT_TMP/todo.jsonl" -H "Authorization: Bearer $FIN" "$PT_URL/v1/exports?format=jsonl&todo=sign"
check_eq "todo=sign: the unit's own that it has to sign" "$OWN_IDS" \
    "$(python3 -c 'import json, sys; print(sorted(json.loads(l)["id"] for l in open(sys.argv[1]) if l.strip()))' "$PT_TMP/todo.jsonl")"
code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $FIN" \
    "$PT_URL/v1/exports?format=ics&unit=$(urlenc 教育部)")"
check_eq "an ics export of another unit is refused" 403 "$code"

pt_step "the change feed"
# A proposal reassigned away: returned by 财政部, reassigned to 教育部.
AWAY="$(new_assigned 关于退回之后改办的建议 赵六 财政部)"
req "tcp:$FIN" POST "/v1/proposals/$AWAY/actions/return" '{"reason": "不属于本部门职责"}' -- \
    -H 'Idempotency-Key: return-away'
check_status "the unit returns a proposal" 200
pt_act "$AWAY" reassign '{"mode": "single", "units": [{"name": "教育部", "role": "lead"}]}'
req "tcp:$FIN" GET "/v1/proposals/$AWAY"
check_error "reassigned away, the unit no longer reads it" 404 not_found
req "tcp:$FIN" POST "/v1/proposals/$AWAY/actions/sign" '{}'
check_error "nor signs it" 404 not_found
req "tcp:$FIN" POST "/v1/proposals/$AWAY/actions/return" '{"reason": "不属于本部门职责"}' -- \
    -H 'Idempotency-Key: return-away'
check_error "nor is its return replayed, with the proposal as it now is" 404 not_found
# A delegate's draft, deleted.
api POST /v1/proposals '{"title": "关于删除之前的草稿建议", "lead_author": "李四", "status": "draft"}'
DRAFT="$(jv 'j["id"]')"
req "tcp:$LS" GET "/v1/proposals/$DRAFT"
check_status "the delegate reads their draft" 200
api DELETE "/v1/proposals/$DRAFT"
check_status "the draft is deleted" 204
# The reminders: every deadline (8 s) is due soon after 4 s, overdue after 8.
has_overdue() {
    api GET "/v1/events?after=0&limit=1000"
    [ "$(jv '[e["proposal"]["id"] for e in j["items"] if e["type"] == "proposal.overdue"].count('"$SECRET"')')" = 1 ] &&
        [ "$(jv '[e["proposal"]["id"] for e in j["items"] if e["type"] == "proposal.overdue"].count('"${MINE[0]}"')')" = 1 ]
}
wait_for 40 has_overdue || pt_die "no overdue events came"
api GET "/v1/events?after=0&limit=1000"
ALL="$BODY"
check_true "(the feed holds due_soon and overdue of another unit's proposal)" test \
    "$(jv '[e["type"] for e in j["items"] if e["proposal"] and e["proposal"]["id"] == '"$SECRET"' and e["type"] in ("proposal.due_soon", "proposal.overdue")]')" \
    = '["proposal.due_soon", "proposal.overdue"]'
# feed_of TOKEN: "<id> <type>" of each event of TOKEN's feed, one a line.
feed_of() {
    req "tcp:$1" GET "/v1/events?after=0&limit=1000"
    jv '"\n".join("%s %s" % (e["proposal"]["id"] if e["proposal"] else "-", e["type"]) for e in j["items"])'
}
FEED="$(feed_of "$FIN")"
check_eq "the unit's feed: only its own proposals" "" \
    "$(printf '%s\n' "$FEED" | awk -v own=" ${MINE[*]} " 'index(own, " " $1 " ") == 0')"
check_contains "its own reminders are there" "${MINE[0]} proposal.overdue" "$FEED"
check_contains "its own due_soon too" "${MINE[1]} proposal.due_soon" "$FEED"
FEED="$(feed_of "$LS")"
check_eq "the delegate's feed: only the proposals they co-signed" "" \
    "$(printf '%s\n' "$FEED" | awk -v own=" ${MINE[*]} " 'index(own, " " $1 " ") == 0')"
check_true "(the office's feed has the draft's deletion)" test \
    "$(jv '[e["type"] for e in j["items"] if e["proposal"] and e["proposal"]["id"] == '"$DRAFT"']' "$ALL")" \
    = '["proposal.created", "proposal.deleted"]'
# (Reminders of later deadlines may come between the two reads.)
req "tcp:$FIN" GET "/v1/events?after=0&limit=1000"
check_eq "the unit's feed goes on after the newest event" true \
    "$(jv 'j["last_seq"] >= '"$(jv 'j["last_seq"]' "$ALL")")"

pt_step "Idempotency-Key per identity"
api POST /v1/proposals '{"title": "关于两个单位共同办理的建议", "lead_author": "赵六"}'
SHARED="$(jv 'j["id"]')"
pt_act "$SHARED" assign '{"mode": "lead_co", "units": [{"name": "教育部", "role": "lead"}, {"name": "财政部", "role": "co"}]}'
req "tcp:$FIN" POST "/v1/proposals/$SHARED/actions/sign" '{}' -- -H 'Idempotency-Key: same-key-1'
check_status "财政部 signs under a key" 200
req "tcp:$EDU" POST "/v1/proposals/$SHARED/actions/sign" '{}' -- -H 'Idempotency-Key: same-key-1'
check_status "教育部 signs under the same key" 200
check_eq "which is no replay of 财政部's" "" "$(hdr Idempotent-Replayed)"
check_eq "教育部's signature is there" true \
    "$(jv '[u["signed_at"] is not None for u in j["units"] if u["name"] == "教育部"][0]')"
req "tcp:$FIN" POST "/v1/proposals/$SHARED/actions/sign" '{}' -- -H 'Idempotency-Key: same-key-1'
check_eq "财政部's own request again is replayed" "200 true" "$ST $(hdr Idempotent-Replayed)"
req "tcp:$FIN" POST "/v1/proposals/$SECRET/actions/sign" '{}' -- -H 'Idempotency-Key: same-key-1'
check_error "its key on a proposal it may not read is not found, as any action there" 404 not_found

pt_step "a co-signer rates"
P="${MINE[2]}"
req "tcp:$FIN" POST "/v1/proposals/$P/actions/sign" '{}'
req "tcp:$FIN" POST "/v1/proposals/$P/actions/reply" '{"doc_no": "财函〔2026〕9号", "category": "A", "text": "已办理"}'
check_status "the unit replies" 200
req "tcp:$LS" POST "/v1/proposals/$P/actions/feedback" '{"person": "李四 ", "satisfaction": "unsatisfied"}'
check_status "李四, who co-signed it, rates it" 200
check_eq "as 李四" 李四 "$(jv 'j["feedback"][-1]["person"]')"
# Named as a list pads a name of two characters ("李 四", "李　四"), which
# is 李四 wherever a person's name is kept: it is the delegate's own, not
# another's to refuse.
req "tcp:$FIN" POST "/v1/proposals/$P/actions/reply" '{"doc_no": "财函〔2026〕10号", "category": "A", "text": "再次办理"}'
check_status "the unit replies again" 200
req "tcp:$LS" POST "/v1/proposals/$P/actions/feedback" '{"person": "李　四", "satisfaction": "satisfied"}'
check_status "李四 rates, naming themselves 李　四" 200
check_eq "as 李四" 李四 "$(jv 'j["feedback"][-1]["person"]')"
req "tcp:$LS" POST "/v1/proposals/${MINE[0]}/actions/feedback" '{"person": "李 五", "satisfaction": "satisfied"}'
check_error "a name that is another's is still refused" 403 forbidden

pt_step "a revoked token on its keep-alive connection"
# One connection of the unit's: a request, the admin's revoke on another
# connection, and the unit's next request on the first.
check_eq "the request after the revoke, on the same connection, is refused" "200 204 401 same" \
    "$(python3 - "$PT_PORT" "$FIN" "$ADMIN_TOKEN" "$(urlenc 财政部联络员)" <<'PY'
import http.client, sys
port, tok, admin, name = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
def get():
    c.request("GET", "/v1/proposals", headers={"Authorization": "Bearer " + tok})
    r = c.getresponse()
    r.read()
    return r.status
first = get()
sock = c.sock
a = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
a.request("DELETE", "/v1/tokens/" + name, headers={"Authorization": "Bearer " + admin})
r = a.getresponse()
r.read()
second = get()
print(first, r.status, second, "same" if c.sock is sock else "another connection")
PY
)"

pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"
pt_finish

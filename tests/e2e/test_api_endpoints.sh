#!/usr/bin/env bash
# Every endpoint of the API and every error code a client can provoke, over
# the Unix socket and over TCP with tokens of each role: access, ETag and
# If-Match, Idempotency-Key, DELETE of drafts, the list filters (Chinese full
# text included) and cursors, history, the change feed (page, long poll,
# event stream) and the statistics after a known set of actions.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# A 3 s reply window, so that assigned proposals become overdue during the test.
pt_config '{"reply": "3s", "return": "10d"}' \
    ',"socket_users": {"65533": {"name": "赵干事", "role": "viewer"}}'
pt_start

# new_proposal TRANSPORT BODY: creates one; sets NEW_ID (empty on failure).
new_proposal() {
    req "$1" POST /v1/proposals "$2"
    NEW_ID=""
    if [ "$ST" = 201 ]; then
        NEW_ID="$(jv 'j["id"]')"
    else
        pt_check_fail "create a proposal ($2)" "HTTP 201" "HTTP $ST $BODY"
    fi
}
# act ID ACTION BODY: runs an action over the socket, expecting 200.
act() {
    local b="${3:-}"
    [ -n "$b" ] || b='{}'
    api POST "/v1/proposals/$1/actions/$2" "$b"
    [ "$ST" = 200 ] || pt_check_fail "action $2 on $1 ($b)" "HTTP 200" "HTTP $ST $BODY"
}

# ---------------------------------------------------------------------------
pt_step "health and workflow"
api GET /v1/health
check_status "GET /v1/health on the socket" 200
check_eq "health.status" ok "$(jv 'j["status"]')"
check_eq "health.proposals on an empty store" 0 "$(jv 'j["proposals"]')"
check_eq "health.writable" true "$(jv 'j["writable"]')"
check_true "health.version is a non-empty string" test -n "$(jv 'j["version"]')"
check_contains "health Content-Type is JSON" "application/json" "$(hdr Content-Type)"
as_viewer GET /v1/health
check_status "GET /v1/health over TCP with the viewer token" 200

api GET /v1/workflow
check_status "GET /v1/workflow" 200
check_eq "workflow states" \
    '["assigned", "closed", "converted", "draft", "filed", "handling", "merged", "not_filed", "rehandling", "replied", "returned", "reviewing", "submitted", "withdrawn"]' \
    "$(jv 'sorted(s["name"] for s in j["states"])')"
check_eq "workflow: every state has zh and en labels" true \
    "$(jv 'all(s["label"]["zh"] and s["label"]["en"] for s in j["states"])')"
check_eq "workflow: the default actions are there" true \
    "$(jv 'set(["submit","review","file","reject","merge","convert","assign","sign","return","reassign","opinion","extend","reply","feedback","close","follow_up","reopen","withdraw","supervise"]) <= set(a["name"] for a in j["actions"])')"
check_eq "workflow: the label of assign" 交办 "$(jv '[a for a in j["actions"] if a["name"]=="assign"][0]["label"]["zh"]')"

# ---------------------------------------------------------------------------
pt_step "access: tokens and roles over TCP, uids on the socket"
req tcp: GET /v1/proposals
check_error "GET /v1/proposals over TCP without a token" 401 unauthorized
req tcp:not-a-token GET /v1/proposals
check_error "GET /v1/proposals over TCP with a bad token" 401 unauthorized
req tcp: GET /v1/proposals -- -H "Authorization: Basic dXNlcjpwYXNz"
check_error "Authorization that is not Bearer" 401 unauthorized
req tcp: POST /v1/proposals '{"title":"无令牌"}'
check_error "POST without a token" 401 unauthorized
as_viewer GET /v1/proposals
check_status "viewer lists" 200
as_viewer POST /v1/proposals '{"title":"报表机不能写"}'
check_error "viewer POST /v1/proposals" 403 forbidden
as_clerk POST /v1/proposals '{"title":"关于加强城市排水防涝设施建设的建议","delegation":"山西代表团"}'
check_status "clerk POST /v1/proposals" 201
CLERK_ID="$(jv 'j["id"]')"
check_eq "Location of the created proposal" "/v1/proposals/$CLERK_ID" "$(hdr Location)"
check_eq "ETag of the created proposal" '"1"' "$(hdr ETag)"
check_eq "a created proposal is submitted" submitted "$(jv 'j["status"]')"
check_eq "a created proposal has version 1" 1 "$(jv 'j["version"]')"
as_clerk POST /v1/proposals '{"title":"关于加强城市排水防涝设施建设的建议","status":"closed"}'
check_error "a create in a state it cannot start in" 422 validation_failed
check_eq "its message names the field, as every refusal of a field does" \
    'status: "closed" is not a state a proposal can be created in' "$(jv 'j["error"]["message"]')"
as_viewer POST "/v1/proposals/$CLERK_ID/actions/supervise" '{"key_supervision":true}'
check_error "viewer runs an action" 403 forbidden
as_viewer PATCH "/v1/proposals/$CLERK_ID" '{"title":"改"}'
check_error "viewer PATCHes" 403 forbidden
as_admin GET "/v1/proposals/$CLERK_ID"
check_status "admin reads" 200
as_viewer GET "/v1/proposals/$CLERK_ID/history"
check_eq "the actor of a TCP create is the token's name" 建议办张科长 "$(jv 'j["items"][0]["actor"]')"

check_eq "the socket file is 0600 (docs/config.md)" 600 "$(stat -c %a "$PT_SOCK")"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    # The socket is 0600 for ptrackd's user; open it (and the way to it) so
    # that other uids reach ptrackd and it is ptrackd that decides.
    chmod 711 "$PT_TMP"
    chmod 666 "$PT_SOCK"
    other_curl() { # UID ARGS...: curl on the socket as another uid
        local uid="$1"
        shift
        ST="$(setpriv --reuid="$uid" --regid="$uid" --clear-groups \
            curl -sS --max-time 10 -w '\n%{http_code}' --unix-socket "$PT_SOCK" "$@" 2>&1)" || true
        BODY="$(printf %s "$ST" | sed '$d')"
        ST="$(printf %s "$ST" | tail -n 1)"
    }
    other_curl 65534 http://localhost/v1/proposals
    check_error "an unknown uid on the socket" 403 forbidden
    other_curl 65533 http://localhost/v1/proposals
    check_status "uid 65533 (socket_users viewer) lists" 200
    other_curl 65533 -X POST -H 'Content-Type: application/json' -d '{"title":"赵干事"}' \
        http://localhost/v1/proposals
    check_error "uid 65533 (viewer) POSTs" 403 forbidden
else
    pt_log "skip: socket uids need root and setpriv"
fi
api POST /v1/proposals '{"title":"关于套接字上的管理员的建议"}'
check_status "the daemon's own uid (admin) creates on the socket" 201
SOCK_ID="$(jv 'j["id"]')"
api GET "/v1/proposals/$SOCK_ID/history"
check_eq "the actor of a socket create is the uid's user name" "$(id -un)" "$(jv 'j["items"][0]["actor"]')"
api POST /v1/proposals '{"title":"客户端自报的身份","actor":"冒名者"}'
check_error "a client-sent actor is not a field" 422 validation_failed

# ---------------------------------------------------------------------------
pt_step "GET, PATCH, ETag and If-Match"
api GET "/v1/proposals/$CLERK_ID"
check_status "GET one" 200
check_eq "ETag of GET" '"1"' "$(hdr ETag)"
check_eq "kept by a cache for its own client only (what it shows depends on who asks)" \
    "private Authorization" "$(hdr Cache-Control) $(hdr Vary)"
api PATCH "/v1/proposals/$CLERK_ID" '{"background":"城市内涝频发","tags":["防涝"]}' -- -H 'If-Match: "1"'
check_status "PATCH with the current If-Match" 200
check_eq "PATCH applied" 城市内涝频发 "$(jv 'j["background"]')"
check_eq "PATCH bumps the version" 2 "$(jv 'j["version"]')"
check_eq "ETag after PATCH" '"2"' "$(hdr ETag)"
api PATCH "/v1/proposals/$CLERK_ID" '{"background":"过时的修改"}' -- -H 'If-Match: "1"'
check_error "PATCH with a stale If-Match" 412 version_conflict
check_eq "412 names the current version" 2 "$(jv 'j["error"]["current_version"]')"
check_eq "and the version sent" 1 "$(jv 'j["error"]["if_match"]')"
check_contains "a stale version: the proposal has moved on" "has moved on to version 2" "$(jv 'j["error"]["message"]')"
api PATCH "/v1/proposals/$CLERK_ID" '{"background":"未来的版本"}' -- -H 'If-Match: "7"'
check_error "PATCH with an If-Match the proposal has not reached" 412 version_conflict
check_contains "it says the version is not reached, not that it moved on" \
    "proposal $CLERK_ID is at version 2; If-Match 7 names a version it has not reached" "$(jv 'j["error"]["message"]')"
api POST "/v1/proposals/$CLERK_ID/actions/supervise" '{"key_supervision":true}' -- -H 'If-Match: "1"'
check_error "action with a stale If-Match" 412 version_conflict
api PATCH "/v1/proposals/$CLERK_ID" '{"background":"引号不全"}' -- -H 'If-Match: "2'
check_error "an If-Match whose quote is not closed" 400 bad_request
api PATCH "/v1/proposals/$CLERK_ID" '{"background":"太大的版本"}' -- -H 'If-Match: "99999999999999999999"'
check_error "an If-Match too large for a version" 400 bad_request
api PATCH "/v1/proposals/$CLERK_ID" '{"background":"带符号的版本"}' -- -H 'If-Match: "+2"'
check_error "an If-Match with a sign" 400 bad_request
api GET "/v1/proposals/$CLERK_ID"
check_eq "nothing changed after the 412s" "2 城市内涝频发 false" "$(jv '"%d %s %s" % (j["version"], j["background"], str(j["key_supervision"]).lower())')"
api PATCH "/v1/proposals/$CLERK_ID" '{"background":null}'
check_status "PATCH without If-Match" 200
check_eq "merge patch null clears the field" null "$(jv 'j["background"]')"
api GET "/v1/proposals/$CLERK_ID/history"
check_eq "each PATCH is an edit entry in the history" '["create", "edit", "edit"]' "$(jv '[i["action"] for i in j["items"]]')"
check_eq "the edit entry's changes name the fields" '["background", "tags"]' "$(jv 'sorted(j["items"][1]["changes"])')"
api PATCH "/v1/proposals/$CLERK_ID" '{"status":"closed"}'
check_error "PATCH of status" 422 validation_failed
check_eq "validation_failed names the field" status "$(jv 'j["error"]["fields"][0]["field"]')"
api PATCH "/v1/proposals/$CLERK_ID" '{"version":9}'
check_error "PATCH of version" 422 validation_failed
api PATCH "/v1/proposals/$CLERK_ID" '{"title":""}'
check_error "PATCH with an empty title" 422 validation_failed
api PATCH "/v1/proposals/$CLERK_ID" '{"title":"x"}' -- -H 'Content-Type: text/plain'
check_error "PATCH with Content-Type text/plain" 415 unsupported_media_type
api POST /v1/proposals '{"title":"x"}' -- -H 'Content-Type: application/x-www-form-urlencoded'
check_error "POST with a form Content-Type" 415 unsupported_media_type
api PATCH /v1/proposals/999999 '{"title":"不存在"}'
check_error "PATCH of a missing proposal" 404 not_found

# ---------------------------------------------------------------------------
pt_step "Idempotency-Key"
before="$(pt_count)"
KEY="idem-$RANDOM-$RANDOM"
api POST /v1/proposals '{"title":"关于幂等键的建议"}' -- -H "Idempotency-Key: $KEY"
check_status "first POST with an Idempotency-Key" 201
IDEM_ID="$(jv 'j["id"]')"
check_eq "first POST is not a replay" "" "$(hdr Idempotent-Replayed)"
api POST /v1/proposals '{"title":"关于幂等键的建议"}' -- -H "Idempotency-Key: $KEY"
check_true "the repeat answers 2xx ($ST)" test "${ST:0:1}" = 2
check_eq "the repeat returns the same proposal" "$IDEM_ID" "$(jv 'j["id"]')"
check_eq "the repeat says Idempotent-Replayed" true "$(hdr Idempotent-Replayed)"
api POST /v1/proposals '{"title":"关于幂等键的另一个建议"}' -- -H "Idempotency-Key: $KEY"
check_error "same key, different body" 422 idempotency_conflict
check_eq "one proposal stored for the key" $((before + 1)) "$(pt_count)"

# The key's length is counted in characters, as api.md says: 255 Chinese
# characters (765 bytes of UTF-8) are a key, 256 are not.
CKEY="$(python3 -c 'print("幂" * 254 + "键")')"
api POST /v1/proposals '{"title":"关于中文幂等键的建议"}' -- -H "Idempotency-Key: $CKEY"
check_status "a key of 255 Chinese characters" 201
CKEY_ID="$(jv 'j["id"]')"
api POST /v1/proposals '{"title":"关于中文幂等键的建议"}' -- -H "Idempotency-Key: $CKEY"
check_eq "it is replayed as any key" "$CKEY_ID true" "$(jv 'j["id"]') $(hdr Idempotent-Replayed)"
api POST /v1/proposals '{"title":"关于中文幂等键的建议"}' -- -H "Idempotency-Key: ${CKEY}键"
check_error "a key of 256 characters" 400 bad_request
# A byte that is no UTF-8 (obs-text, which a header may hold) counts one,
# and the characters beside it still as characters (the whole key was
# counted in bytes then: 254 Chinese characters and the byte were 763).
OKEY="$(python3 -c 'print("幂" * 254)')"$'\xff'
api POST /v1/proposals '{"title":"关于中文幂等键的建议"}' -- -H "Idempotency-Key: $OKEY"
check_status "a key of 254 Chinese characters and a byte that is no UTF-8" 201
api POST /v1/proposals '{"title":"关于中文幂等键的建议"}' -- -H "Idempotency-Key: 幂$OKEY"
check_error "a key of 255 and the byte" 400 bad_request

# An action resent under its key is done once: a lost answer of a
# supplementary reply or a supervision is safe to send again.
AKEY="idem-action-$RANDOM-$RANDOM"
api POST "/v1/proposals/$IDEM_ID/actions/supervise" '{"key_supervision":true,"supervisor":"督办处"}' -- \
    -H "Idempotency-Key: $AKEY" -H 'If-Match: "1"'
check_status "an action with an Idempotency-Key" 200
check_eq "it is no replay" "" "$(hdr Idempotent-Replayed)"
AVERSION="$(jv 'j["version"]')"
api POST "/v1/proposals/$IDEM_ID/actions/supervise" '{"key_supervision":true,"supervisor":"督办处"}' -- \
    -H "Idempotency-Key: $AKEY" -H 'If-Match: "1"'
check_status "resent with the same key and If-Match" 200
check_eq "it is a replay, of the proposal as it is" "true $AVERSION" \
    "$(hdr Idempotent-Replayed) $(jv 'j["version"]')"
api POST "/v1/proposals/0$IDEM_ID/actions/supervise/" '{"key_supervision":true,"supervisor":"督办处"}' -- \
    -H "Idempotency-Key: $AKEY"
check_eq "resent to the same action spelt another way: a replay" "200 true" "$ST $(hdr Idempotent-Replayed)"
api GET "/v1/proposals/$IDEM_ID/history"
check_eq "the action is in the history once" 1 \
    "$(jv 'len([h for h in j["items"] if h["action"] == "supervise"])')"
api POST "/v1/proposals/$IDEM_ID/actions/supervise" '{"key_supervision":false}' -- \
    -H "Idempotency-Key: $AKEY"
check_error "the key with another body" 422 idempotency_conflict
api POST "/v1/proposals/$CLERK_ID/actions/supervise" '{"key_supervision":true,"supervisor":"督办处"}' -- \
    -H "Idempotency-Key: $AKEY"
check_error "the key for the same action on another proposal" 422 idempotency_conflict
api POST "/v1/proposals/$IDEM_ID/actions/supervise" '{"key_supervision":true}' -- \
    -H "Idempotency-Key: $KEY"
check_error "a create's key for an action" 422 idempotency_conflict

# A write takes no query parameter: a misplaced one is refused, not ignored.
api POST "/v1/proposals?status=draft" '{"title":"关于查询参数的建议"}'
check_error "a create with a query parameter" 400 bad_request
api POST "/v1/proposals/$IDEM_ID/actions/supervise?bogus=1" '{"key_supervision":false}'
check_error "an action with a query parameter" 400 bad_request
api PATCH "/v1/proposals/$IDEM_ID?version=1" '{"title":"改"}'
check_error "a PATCH with a query parameter" 400 bad_request

# ---------------------------------------------------------------------------
pt_step "DELETE"
api POST /v1/proposals '{"title":"草稿","status":"draft"}'
check_status "create a draft" 201
DRAFT_ID="$(jv 'j["id"]')"
check_eq "status of the draft" draft "$(jv 'j["status"]')"
api DELETE "/v1/proposals/$DRAFT_ID"
check_true "DELETE a draft answers 2xx ($ST)" test "${ST:0:1}" = 2
api GET "/v1/proposals/$DRAFT_ID"
check_error "GET of the deleted draft" 404 not_found
api DELETE "/v1/proposals/$DRAFT_ID"
check_error "DELETE it again" 404 not_found
api DELETE "/v1/proposals/$CLERK_ID"
check_error "DELETE of a submitted proposal" 409 invalid_transition
api GET "/v1/proposals/$CLERK_ID"
check_status "the submitted proposal is still there" 200
api POST /v1/proposals '{"title":"新草稿","status":"draft"}'
ID_NEXT="$(jv 'j["id"]')"
check_true "ids are not reused after a delete ($ID_NEXT > $DRAFT_ID)" test "$ID_NEXT" -gt "$DRAFT_ID"
as_viewer DELETE "/v1/proposals/$ID_NEXT"
check_error "viewer DELETE" 403 forbidden

# ---------------------------------------------------------------------------
pt_step "routing and request errors"
api GET /v1/nothing
check_error "GET /v1/nothing" 404 not_found
api GET /v1/proposals/999999
check_error "GET of a missing proposal" 404 not_found
api GET /v1/proposals/999999/history
check_error "history of a missing proposal" 404 not_found
api POST /v1/proposals/999999/actions/assign '{"mode":"single","units":[{"name":"甲","role":"lead"}]}'
check_error "action on a missing proposal" 404 not_found
api GET /v1/proposals/abc
check_error "non-numeric id" 400 bad_request
api GET /v1/proposals/-1
check_error "negative id" 400 bad_request
api PUT "/v1/proposals/$CLERK_ID" '{"title":"x"}'
check_error "PUT on a proposal" 405 method_not_allowed
check_eq "405 has an Allow header naming what a proposal takes" "GET, HEAD, PATCH, DELETE" "$(hdr Allow)"
api POST /v1/health '{}'
check_error "POST /v1/health" 405 method_not_allowed
check_eq "Allow of /v1/health" "GET, HEAD" "$(hdr Allow)"
api DELETE /v1/proposals
check_error "DELETE /v1/proposals" 405 method_not_allowed
check_eq "Allow of /v1/proposals" "GET, HEAD, POST" "$(hdr Allow)"
api GET /v1/imports
check_error "GET /v1/imports" 405 method_not_allowed
check_eq "Allow of /v1/imports" "POST" "$(hdr Allow)"
# (curl -I writes the headers where the body would go: no JSON there.)
api HEAD /v1/health -- -I
check_eq "HEAD /v1/health: 200 with the headers of GET and no body" "200 application/json; charset=utf-8 0" \
    "$ST $(hdr Content-Type) $(printf %s "$BODY" | grep -c '"status"')"
api HEAD "/v1/proposals/$CLERK_ID" -- -I
check_eq "HEAD of a proposal: its ETag, no body" "200 True 0" \
    "$ST $([ -n "$(hdr ETag)" ] && echo True) $(printf %s "$BODY" | grep -c '"title"')"
api HEAD /v1/events -- -I
check_eq "HEAD on the change feed: 405, GET only" "405 GET" "$ST $(hdr Allow)"
api GET "/v1/proposals/$CLERK_ID/actions/assign"
check_error "GET on an action" 405 method_not_allowed
check_eq "Allow of an action" "POST" "$(hdr Allow)"
api POST "/v1/proposals/$CLERK_ID/actions/fly" '{}'
check_error "an unknown action" 404 not_found
api POST "/v1/proposals/$CLERK_ID/actions/$(printf 'x%.0s' $(seq 1 70))" '{}'
check_error "an unknown action of 70 letters" 404 not_found
# 督 is 3 bytes: a cut at 40 bytes falls inside the 14th.
api POST "/v1/proposals/$CLERK_ID/actions/$(printf '%%E7%%9D%%A3%.0s' $(seq 1 30))" '{}'
check_error "an unknown action of 30 Chinese characters" 404 not_found
check_contains "named by its first whole characters" 'unknown action \"督督督督督督督督督督督督督...\"' \
    "$BODY"
api GET '/v1/proposals?stauts=closed'
check_error "an unknown query parameter" 400 bad_request
api GET '/v1/proposals?limit=5&limit=600'
check_error "a query parameter given twice" 400 bad_request
check_contains "saying which" 'query parameter \"limit\" is given twice' "$BODY"
api GET '/v1/events?after=1&after=2'
check_error "the feed's after given twice" 400 bad_request
api GET '/v1/proposals?status=nonsense'
check_error "an unknown status filter" 400 bad_request
api GET '/v1/proposals?limit=0'
check_error "limit=0" 400 bad_request
api GET '/v1/proposals?limit=501'
check_error "limit=501" 400 bad_request
api GET '/v1/proposals?limit=abc'
check_error "limit=abc" 400 bad_request
api GET '/v1/proposals?limit=500'
check_status "limit=500" 200
api GET '/v1/proposals?limit=1'
check_eq "limit=1 gives one item and a next cursor" "1 True" "$(jv '"%d %s" % (len(j["items"]), j["next"] is not None)')"
api GET '/v1/proposals?sort=title'
check_error "sort=title" 400 bad_request
api GET '/v1/proposals?cursor=garbage'
check_error "a cursor the server did not give" 400 bad_request
for c in 'i5.%2B3' 'i%205.%205' 'i99999999999999999999.1' 'i1.-2' 'i1.' 'i.1' 'i1.2.3' 'i0x1.2' '5.3' '%C3%A95.3'; do
    api GET "/v1/proposals?cursor=$c"
    check_error "cursor=$c: not as the server writes one" 400 bad_request
done
# Well formed, but never given out: no proposal has the id 0 or less, and
# the id sort's value is the id.
for c in 'id i0.0' '-id I0.0' 'id i-1.-1' 'created_at c1772323200000.0' 'id i7.5' '-id I3.4'; do
    api GET "/v1/proposals?sort=${c% *}&cursor=${c#* }"
    check_error "cursor=${c#* } (sort=${c% *}): never given out" 400 bad_request
done
api GET '/v1/proposals?cursor=i4.4'
check_status "cursor=i4.4: as the server writes one" 200
api GET '/v1/proposals?cursor=c-3.4&sort=created_at'
check_status "cursor=c-3.4: as the server may write one (a time before 1970)" 200
api GET '/v1/proposals?cursor=1772323200000.5'
check_contains "a cursor of an earlier version (no sort letter) says so" "a cursor of an earlier version" "$BODY"
api GET '/v1/proposals?cursor=x5.5'
check_contains "a letter that names no sort: not a cursor this server gave out" "not a cursor this server gave out" "$BODY"
# A cursor pages the order it came from: in another, its value would be
# taken for another field's, and pages would skip or repeat proposals.
api GET '/v1/proposals?sort=created_at&limit=1'
C_CREATED="$(jv 'j["next"]')"
api GET "/v1/proposals?sort=created_at&limit=1&cursor=$C_CREATED"
check_status "a created_at cursor with sort=created_at" 200
for other in due_at -created_at id updated_at; do
    api GET "/v1/proposals?sort=$other&limit=1&cursor=$C_CREATED"
    check_error "the created_at cursor with sort=$other" 400 bad_request
done
check_contains "which says why" "pages a list in another order" "$BODY"
for f in status unit tag delegation session person; do
    api GET "/v1/proposals?$f="
    check_error "$f= (empty): refused, not every proposal" 400 bad_request
done
api GET '/v1/proposals?q='
check_status "q= (an empty search box): every proposal" 200
api GET '/v1/proposals?overdue=maybe'
check_error "overdue=maybe" 400 bad_request
api GET '/v1/proposals?due_before=tomorrow'
check_error "due_before=tomorrow" 400 bad_request
api GET "/v1/proposals/$CLERK_ID?x=1"
check_error "an unknown parameter on one proposal" 400 bad_request
api GET '/v1/events?after=-1'
check_error "events after=-1" 400 bad_request
api POST /v1/proposals '{"title":"编号一","session":"十四届全国人大四次会议","number":"8001"}'
check_status "a proposal with number 8001" 201
ID_8001="$(jv 'j["id"]')"
api POST /v1/proposals '{"title":"编号重复","session":"十四届全国人大四次会议","number":"8001"}'
check_error "the same number in the same session" 409 conflict
api POST /v1/proposals '{"title":"另一届同编号","session":"十四届全国人大三次会议","number":"8001"}'
check_status "the same number in another session" 201
check_eq "the refused one left no gap in the ids" "$((ID_8001 + 1))" "$(jv 'j["id"]')"

# ---------------------------------------------------------------------------
pt_step "list filters"
# A known set, tagged with a session of its own so that the filters can be
# checked exactly.
S=测试届次甲
declare -A P
new_proposal sock '{"title":"关于加大革命老区振兴发展支持力度的建议","session":"'$S'","kind":"suggestion","delegation":"山西代表团","category":"乡村振兴","tags":["革命老区","转移支付"],"background":"太行、吕梁等老区发展仍相对滞后","recommendations":["提高中央财政转移支付比重"]}'
P[laoqu]=$NEW_ID
new_proposal sock '{"title":"关于提高乡村教师待遇的建议","session":"'$S'","kind":"suggestion","delegation":"山西代表团","category":"教育","tags":["乡村教师"],"background":"青年教师招不来、留不住","recommendations":["支持革命老区学校建设周转宿舍"]}'
P[teacher]=$NEW_ID
new_proposal sock '{"title":"关于修改食品安全法的议案","session":"'$S'","kind":"motion","delegation":"广东代表团","category":"法制","tags":["食品安全"],"background":"新业态监管空白","recommendations":["明确平台责任"]}'
P[food]=$NEW_ID
new_proposal sock '{"title":"关于推进紧密型县域医共体建设的提案","session":"'$S'","kind":"proposal","delegation":"广东代表团","category":"医疗卫生","tags":["医共体","转移支付"],"background":"医共体仍停留在形合阶段","recommendations":["推进医保打包付费"]}'
P[health]=$NEW_ID

ids_of() { jv '",".join(str(i["id"]) for i in j["items"])'; }
lst() { # QUERY EXPECTED_IDS
    local q="session=$S&$1"
    [[ "$1" == *sort=* ]] || q="$q&sort=id"
    api GET "/v1/proposals?$q"
    if [ "$ST" != 200 ]; then
        pt_check_fail "list ?$1" "HTTP 200" "HTTP $ST $BODY"
        return
    fi
    check_eq "list ?$1" "$2" "$(ids_of)"
}
act "${P[laoqu]}" assign '{"mode":"single","units":[{"name":"国家发展改革委","role":"lead"}]}'
act "${P[teacher]}" assign '{"mode":"lead_co","units":[{"name":"教育部","role":"lead"},{"name":"财政部","role":"co"}]}'
act "${P[health]}" supervise '{"key_supervision":true,"supervisor":"常委会办公厅"}'
ASSIGNED_AT=$(date +%s)
lst "overdue=true" ""
lst "" "${P[laoqu]},${P[teacher]},${P[food]},${P[health]}"
lst "sort=-id" "${P[health]},${P[food]},${P[teacher]},${P[laoqu]}"
lst "status=assigned" "${P[laoqu]},${P[teacher]}"
lst "status=submitted" "${P[food]},${P[health]}"
# Several states, comma-separated; each must be the workflow's.
lst "status=submitted,assigned" "${P[laoqu]},${P[teacher]},${P[food]},${P[health]}"
lst "status=handling,submitted,closed" "${P[food]},${P[health]}"
lst "status=$(printf 'closed,%.0s' $(seq 1 100))assigned" "${P[laoqu]},${P[teacher]}"
api GET "/v1/proposals?status=submitted,nosuch"
check_error "a list of states with one not the workflow's" 400 bad_request
check_contains "the refusal names it" '"nosuch" is not a state of the workflow' "$(jv 'j["error"]["message"]')"
api GET "/v1/proposals?status=submitted,,assigned"
check_error "a list of states with an empty one" 400 bad_request
api GET "/v1/stats?session=$S&status=submitted,assigned"
check_eq "stats of two states" 4 "$(jv 'j["total"]')"
lst "kind=motion" "${P[food]}"
lst "kind=proposal" "${P[health]}"
lst "delegation=广东代表团" "${P[food]},${P[health]}"
lst "unit=财政部" "${P[teacher]}"
lst "unit=教育部" "${P[teacher]}"
lst "category=教育" "${P[teacher]}"
lst "tag=转移支付" "${P[laoqu]},${P[health]}"
lst "key_supervision=true" "${P[health]}"
lst "key_supervision=false" "${P[laoqu]},${P[teacher]},${P[food]}"
lst "due_before=2099-01-01" "${P[laoqu]},${P[teacher]}"
lst "due_before=2000-01-01" ""
lst "q=革命老区" "${P[laoqu]},${P[teacher]}"
lst "q=县域医共体" "${P[health]}"
lst "q=留不住" "${P[teacher]}"
lst "q=老区" "${P[laoqu]},${P[teacher]}"
lst "q=宿舍" "${P[teacher]}"
lst "q=医" "${P[health]}"
lst "q=不存在的词语" ""
lst "q=100%25" ""
# Every word must occur: 20 words are taken, 21 refused (not cut short).
lst "q=$(printf '%s' "$(printf '老区+%.0s' $(seq 1 19))革命")" "${P[laoqu]},${P[teacher]}"
api GET "/v1/proposals?q=$(printf '老区+%.0s' $(seq 1 20))革命"
check_error "a search of 21 words" 400 bad_request
check_contains "the refusal says how many it takes" "at most 20" "$(jv 'j["error"]["message"]')"
lst "delegation=山西代表团&kind=suggestion&tag=乡村教师" "${P[teacher]}"
api GET "/v1/proposals?session=$S&sort=created_at"
check_eq "sort=created_at" "${P[laoqu]},${P[teacher]},${P[food]},${P[health]}" "$(ids_of)"
api GET "/v1/proposals?session=$S&sort=-updated_at&limit=1"
check_eq "sort=-updated_at: the last changed first" "${P[health]}" "$(ids_of)"
# The reply window is 3 s: wait until both assigned ones are past due.
left=$((ASSIGNED_AT + 4 - $(date +%s)))
[ "$left" -le 0 ] || sleep "$left"
lst "overdue=true" "${P[laoqu]},${P[teacher]}"
lst "overdue=false" "${P[food]},${P[health]}"
api GET "/v1/proposals?overdue=true&limit=500"
n_overdue="$(jv 'len(j["items"])')"
api GET /v1/stats
check_eq "stats.overdue matches the overdue list" "$n_overdue" "$(jv 'j["overdue"]')"
# The figures of the proposals a list's filters choose: this session's.
api GET "/v1/stats?session=$S"
check_status "stats?session=" 200
check_eq "stats?session=: its 4 proposals, 2 of them overdue, by status" \
    '4 2 {"assigned": 2, "submitted": 2}' \
    "$(jv '"%d %d %s" % (j["total"], j["overdue"], json.dumps(j["by_status"], ensure_ascii=False))')"
api GET "/v1/proposals?session=$S&overdue=false&delegation=%E5%B9%BF%E4%B8%9C%E4%BB%A3%E8%A1%A8%E5%9B%A2"
LISTED="$BODY"
api GET "/v1/stats?session=$S&overdue=false&delegation=%E5%B9%BF%E4%B8%9C%E4%BB%A3%E8%A1%A8%E5%9B%A2"
check_eq "stats?session=&overdue=false&delegation=: as the list (2)" "2 2" \
    "$(jv 'len(j["items"])' "$LISTED") $(jv 'j["total"]')"
api GET "/v1/proposals?session=$(urlenc "$S　")&delegation=$(urlenc " 山西代表团")"
check_eq "filters are spelt as proposals keep them: an ideographic space after the session, a space before the delegation" \
    "${P[laoqu]},${P[teacher]}" "$(jv '",".join(str(p["id"]) for p in j["items"])')"
api GET "/v1/proposals?delegation=%E3%80%80"
check_error "a blank filter (an ideographic space)" 400 bad_request
api GET "/v1/stats?sesion=$S"
check_status "stats: a misspelt filter is refused, not ignored" 400
check_contains "and named, with what stats takes" 'unknown query parameter \"sesion\"; GET /v1/stats takes status' "$BODY"
api GET "/v1/stats?limit=5"
check_status "stats: limit (a list's page) is refused" 400
api GET "/v1/stats?status=nonesuch"
check_status "stats: a state the workflow lacks is refused" 400
# 分办 (separate): each unit answers for its part, and the proposal counts
# as answered (办复率) once all have.
SEP="分办统计"
new_proposal sock '{"title":"关于分办统计口径的建议","session":"'$SEP'"}'
act "$NEW_ID" assign '{"mode":"separate","units":[{"name":"分办甲局","role":"separate"},{"name":"分办乙局","role":"separate"}]}'
act "$NEW_ID" sign '{"unit":"分办甲局"}'
act "$NEW_ID" reply '{"unit":"分办甲局","doc_no":"甲函〔2026〕1号","category":"A","text":"甲局部分已办理"}'
api GET "/v1/stats?session=$(urlenc "$SEP")"
check_eq "separate: one of two units answered: not yet 办复" "handling 0" \
    "$(jv '"%s %s" % (list(j["by_status"])[0], j["reply_rate"])')"
act "$NEW_ID" reply '{"unit":"分办乙局","doc_no":"乙函〔2026〕1号","category":"B","text":"乙局部分已办理"}'
api GET "/v1/stats?session=$(urlenc "$SEP")"
check_eq "separate: both answered: 办复" "replied 1" \
    "$(jv '"%s %s" % (list(j["by_status"])[0], j["reply_rate"])')"
api GET "/v1/proposals/${P[laoqu]}"
check_eq "a proposal past due_at shows overdue" true "$(jv 'j["overdue"]')"

# ---------------------------------------------------------------------------
pt_step "cursor pagination with inserts between pages"
for sort in id -id created_at -created_at due_at -due_at; do
    # A set of its own for each order: 12 proposals, 3 of them with a due
    # date (for sort=due_at, where the others have none).
    S2="分页测试$sort"
    for i in $(seq 1 12); do
        new_proposal sock '{"title":"分页测试'$i'","session":"'$S2'"}'
        case $i in 3 | 6 | 10) act "$NEW_ID" assign '{"mode":"single","units":[{"name":"分页单位","role":"lead"}]}' ;; esac
    done
    api GET "/v1/proposals?session=$S2&sort=id"
    ORIGINAL="$(ids_of)"
    seen=""
    cursor=""
    pages=0
    while :; do
        q="session=$S2&sort=$sort&limit=5"
        [ -n "$cursor" ] && q="$q&cursor=$cursor"
        api GET "/v1/proposals?$q"
        [ "$ST" = 200 ] || { pt_check_fail "page ?$q" 200 "$ST $BODY"; break; }
        page="$(ids_of)"
        seen="$seen${seen:+${page:+,}}$page"
        pages=$((pages + 1))
        cursor="$(jv 'j["next"]')"
        # Two new proposals between pages.
        new_proposal sock '{"title":"分页中插入","session":"'$S2'"}'
        new_proposal sock '{"title":"分页中插入","session":"'$S2'"}'
        [ "$cursor" = null ] && break
        [ "$pages" -lt 30 ] || { pt_check_fail "paging with sort=$sort ends" "< 30 pages" "more"; break; }
    done
    check_eq "sort=$sort: no item twice and every original item seen" "ok" "$(python3 -c '
import sys
seen = [int(x) for x in sys.argv[1].split(",") if x]
orig = [int(x) for x in sys.argv[2].split(",") if x]
dup = sorted(set(x for x in seen if seen.count(x) > 1))
missing = sorted(set(orig) - set(seen))
desc = sys.argv[3].startswith("-")
order = seen == sorted(seen, reverse=desc) or "due_at" in sys.argv[3]
print("ok" if not dup and not missing and order else "dup=%s missing=%s in order=%s seen=%s" % (dup, missing, order, seen))
' "$seen" "$ORIGINAL" "$sort")"
done

# ---------------------------------------------------------------------------
pt_step "sort=due_at: the deadlines that run first, then the others by id"
# A replied and a withdrawn proposal keep the due_at they had, the
# soonest of all; they come after every deadline that runs, by id, with
# one that never had a deadline.
DS="期限排序"
new_proposal sock '{"title":"已答复的","session":"'$DS'"}'
D_REPLIED="$NEW_ID"
act "$D_REPLIED" assign '{"mode":"single","units":[{"name":"期限单位","role":"lead"}]}'
act "$D_REPLIED" sign '{"unit":"期限单位"}'
act "$D_REPLIED" reply '{"unit":"期限单位","doc_no":"期函〔2026〕1号","category":"A","text":"已办理"}'
new_proposal sock '{"title":"已撤回的","session":"'$DS'"}'
D_WITHDRAWN="$NEW_ID"
act "$D_WITHDRAWN" assign '{"mode":"single","units":[{"name":"期限单位","role":"lead"}]}'
act "$D_WITHDRAWN" withdraw '{"reason":"代表撤回"}'
new_proposal sock '{"title":"未交办的","session":"'$DS'"}'
D_NONE="$NEW_ID"
new_proposal sock '{"title":"延期的","session":"'$DS'"}'
D_LATE="$NEW_ID"
act "$D_LATE" assign '{"mode":"single","units":[{"name":"期限单位","role":"lead"}]}'
act "$D_LATE" sign '{"unit":"期限单位"}'
act "$D_LATE" extend '{"due_at":"'"$(date -u -d '+100 days' +%Y-%m-%dT%H:%M:%SZ)"'"}'
new_proposal sock '{"title":"刚交办的","session":"'$DS'"}'
D_SOON="$NEW_ID"
act "$D_SOON" assign '{"mode":"single","units":[{"name":"期限单位","role":"lead"}]}'
api GET "/v1/proposals/$D_REPLIED"
check_eq "the replied one keeps its due_at" true "$(jv 'j["due_at"] is not None')"
for sort in due_at -due_at; do
    want="$D_SOON,$D_LATE,$D_REPLIED,$D_WITHDRAWN,$D_NONE"
    [ "$sort" = -due_at ] && want="$D_NONE,$D_WITHDRAWN,$D_REPLIED,$D_LATE,$D_SOON"
    api GET "/v1/proposals?session=$(urlenc "$DS")&sort=$sort"
    check_eq "sort=$sort in a session: the running deadlines soonest first, then by id" \
        "$want" "$(ids_of)"
    # Without any filter, read state by state; pages of three, by their
    # cursors.
    seen=""
    cursor=""
    for page in $(seq 1 300); do
        q="sort=$sort&limit=3"
        [ -n "$cursor" ] && q="$q&cursor=$cursor"
        api GET "/v1/proposals?$q"
        [ "$ST" = 200 ] || { pt_check_fail "page ?$q" 200 "$ST $BODY"; break; }
        seen="$seen${seen:+,}$(jv '",".join(str(p["id"]) for p in j["items"] if p.get("session") == "'"$DS"'")')"
        seen="${seen%,}"
        cursor="$(jv 'j["next"]')"
        [ "$cursor" = null ] && break
    done
    check_eq "sort=$sort, every proposal in pages of three: in that order, each once" "$want" "$seen"
done
api GET "/v1/proposals?sort=due_at&limit=1"
check_eq "a due_at cursor begins with e" e "$(jv 'j["next"][0]')"
for c in d1772323200000.5 D9223372036854775807.5; do
    api GET "/v1/proposals?sort=due_at&cursor=$c"
    check_error "cursor=$c, a due_at cursor of an earlier version" 400 bad_request
    check_contains "which says so" "a cursor of an earlier version" "$BODY"
done

# ---------------------------------------------------------------------------
pt_step "races: concurrent writes that only one may win"
api POST /v1/proposals '{"title":"关于并发修改的建议"}'
RACE="$(jv 'j["id"]')"
race() { # NAME: runs 10 copies of the curl arguments after it at once; sets CODES
    local name="$1" i pids=()
    shift
    for i in $(seq 1 10); do
        curl -s -o "$PT_TMP/race.$i.body" -w '%{http_code}' --max-time 20 --unix-socket "$PT_SOCK" \
            "$@" >"$PT_TMP/race.$i.code" 2>/dev/null &
        pids+=($!)
    done
    # Not a bare wait: ptrackd is a background job of this shell too.
    for i in "${pids[@]}"; do wait "$i" || true; done
    CODES="$(for i in $(seq 1 10); do cat "$PT_TMP/race.$i.code"; echo; done | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ' | sed 's/ $//')"
}
race "If-Match" -X PATCH -H 'Content-Type: application/json' -H 'If-Match: "1"' \
    --data-binary '{"background":"并发"}' "http://localhost/v1/proposals/$RACE"
check_eq "10 concurrent PATCHes with If-Match \"1\": one wins, nine get 412" "200x1 412x9" "$CODES"
api GET "/v1/proposals/$RACE"
check_eq "the proposal moved one version" 2 "$(jv 'j["version"]')"
before="$(pt_count)"
race "Idempotency-Key" -X POST -H 'Content-Type: application/json' -H "Idempotency-Key: race-$RANDOM" \
    --data-binary '{"title":"关于并发幂等的建议"}' http://localhost/v1/proposals
check_eq "10 concurrent POSTs with one Idempotency-Key all succeed" "201x10" "$CODES"
check_eq "and make one proposal" $((before + 1)) "$(pt_count)"
check_eq "all answer with the same id" 1 "$(cat "$PT_TMP"/race.*.body | grep -o '"id":[0-9]*' | sort -u | wc -l)"
race "number" -X POST -H 'Content-Type: application/json' \
    --data-binary '{"title":"关于并发编号的建议","session":"并发届","number":"0001"}' http://localhost/v1/proposals
check_eq "10 concurrent POSTs of one number in one session: one 201, nine 409" "201x1 409x9" "$CODES"
race "actions" -X POST -H 'Content-Type: application/json' \
    --data-binary '{"mode":"single","units":[{"name":"并发单位","role":"lead"}]}' \
    "http://localhost/v1/proposals/$RACE/actions/assign"
check_eq "10 concurrent assigns of one proposal: one 200, nine 409" "200x1 409x9" "$CODES"
api GET "/v1/proposals/$RACE/history"
check_eq "one assign in the history" '["create", "edit", "assign"]' "$(jv '[i["action"] for i in j["items"]]')"

# ---------------------------------------------------------------------------
pt_step "history"
H="${P[teacher]}"
act "$H" sign '{"unit":"教育部","note":"已签收"}'
as_clerk POST "/v1/proposals/$H/actions/supervise" '{"key_supervision":true,"supervisor":"督查室"}'
check_status "clerk supervises" 200
api GET "/v1/proposals/$H/history"
check_status "GET history" 200
check_eq "history actions in order" '["create", "assign", "sign", "supervise"]' "$(jv '[i["action"] for i in j["items"]]')"
check_eq "history from/to" '[[null, "submitted"], ["submitted", "assigned"], ["assigned", "handling"], ["handling", "handling"]]' \
    "$(jv '[[i["from"], i["to"]] for i in j["items"]]')"
check_eq "history actors" "[\"$(id -un)\", \"$(id -un)\", \"$(id -un)\", \"建议办张科长\"]" "$(jv '[i["actor"] for i in j["items"]]')"
check_eq "history note" 已签收 "$(jv 'j["items"][2]["note"]')"
check_eq "history entries have seq, at, changes" true "$(jv 'all(set(["seq","at","actor","action","from","to","note","changes"]) <= set(i) for i in j["items"])')"
check_eq "history seq is the version after each change (docs/api.md)" "[1, 2, 3, 4]" "$(jv '[i["seq"] for i in j["items"]]')"
api GET "/v1/proposals/$H"
check_eq "version = number of history entries" 4 "$(jv 'j["version"]')"
api POST "/v1/proposals/$H/actions/reply" '{"unit":"教育部","doc_no":"教建议〔2026〕1号","category":"A","text":"答复"}'
check_true "reply before the co unit's opinion (lead_co) is refused with 409 or 422 ($ST)" \
    test "$ST" = 409 -o "$ST" = 422
check_contains "the refusal names the missing co unit" 财政部 "$BODY"
api GET "/v1/proposals/$H/history"
check_eq "a refused action adds no history" 4 "$(jv 'len(j["items"])')"

# ---------------------------------------------------------------------------
pt_step "the change feed"
api GET /v1/events?after=0\&limit=2
check_status "GET /v1/events?after=0&limit=2" 200
check_eq "limit=2 gives 2 events" 2 "$(jv 'len(j["items"])')"
check_eq "events have the fields of docs/plugins.md" true \
    "$(jv 'all(set(["seq","type","at","actor","action","from","to","proposal"]) <= set(e) for e in j["items"])')"
check_eq "the first event is the first create" "1 proposal.created" "$(jv '"%d %s" % (j["items"][0]["seq"], j["items"][0]["type"])')"
SEQ2="$(jv 'j["items"][1]["seq"]')"
api GET "/v1/events?after=$SEQ2&limit=3"
check_eq "after=$SEQ2 continues at $((SEQ2 + 1))" "$((SEQ2 + 1))" "$(jv 'j["items"][0]["seq"]')"
api GET /v1/health
LAST="$(jv 'j["last_seq"]')"
api GET "/v1/events?after=0&limit=1000"
check_eq "the whole feed has no gap" true "$(jv '[e["seq"] for e in j["items"]] == list(range(1, len(j["items"]) + 1))')"
FEED_LAST="$(jv 'j["last_seq"]')"
# (The deadline engine may raise a reminder between the two reads.)
check_true "the feed's last_seq ($FEED_LAST) is health's ($LAST) or later" [ "$FEED_LAST" -ge "$LAST" ]
check_eq "status_changed event of the sign" true \
    "$(jv "any(e['type']=='proposal.status_changed' and e['action']=='sign' and e['proposal']['id']==$H and e['to']=='handling' for e in j['items'])")"
api GET "/v1/events?after=$FEED_LAST"
# (The deadline engine may have raised a reminder or the digest meanwhile.)
check_eq "nothing after the last seq but reminders" "" \
    "$(jv '" ".join("%s#%s" % (e["type"], e["seq"]) for e in j["items"] if e["type"] not in ("proposal.due_soon", "proposal.overdue", "digest.daily"))')"

# Long poll: a write 1 s into a wait=60 ends it at once, long before the
# wait would have (30 s leaves a busy machine room). The deadline
# engine's reminders (this daemon's reply window is 3 s) may end a poll
# too, so the client follows the feed as any consumer would, polling again
# after the last seq it saw, until the write has come.
t0=$(date +%s%N)
(
    after="$FEED_LAST"
    for _ in 1 2 3 4 5; do
        curl -sS --max-time 90 --unix-socket "$PT_SOCK" \
            "http://localhost/v1/events?after=$after&wait=60" >"$PT_TMP/poll.page"
        cat "$PT_TMP/poll.page" >>"$PT_TMP/poll.out"
        echo >>"$PT_TMP/poll.out"
        grep -q '"type":"proposal.created"' "$PT_TMP/poll.page" && break
        after="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["last_seq"])' \
            "$PT_TMP/poll.page")"
    done
) &
poll=$!
sleep 1
new_proposal sock '{"title":"长轮询唤醒"}'
WOKE_ID="$NEW_ID"
wait "$poll" || true
ms=$((($(date +%s%N) - t0) / 1000000))
check_true "wait=60 returns early after a write (${ms} ms < 30000)" test "$ms" -lt 30000
check_eq "the long poll brings the create" "proposal.created $WOKE_ID" \
    "$(grep '"type":"proposal.created"' "$PT_TMP/poll.out" | tail -n 1 | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(" ".join("%s %s" % (e["type"], e["proposal"]["id"]) for e in j["items"] if e["type"] == "proposal.created"))')"
api GET /v1/health
LAST="$(jv 'j["last_seq"]')"
# The deadline engine may raise a reminder meanwhile, which ends a wait
# early as any event does: then wait again after it.
for _ in 1 2 3; do
    t0=$(date +%s%N)
    api GET "/v1/events?after=$LAST&wait=1"
    ms=$((($(date +%s%N) - t0) / 1000000))
    check_eq "wait=1 with no write: no change in the page" 0 \
        "$(jv 'len([e for e in j["items"] if e["type"] not in ("proposal.due_soon", "proposal.overdue", "digest.daily")])')"
    [ "$(jv 'len(j["items"])')" = 0 ] && break
    LAST="$(jv 'j["last_seq"]')"
done
# The upper bound only tells a wait of about a second from a much longer
# one: a loaded machine may add seconds of its own.
check_true "wait=1 waits about 1 s (${ms} ms in 800..15000)" test "$ms" -ge 800 -a "$ms" -lt 15000

# Event stream, read until the create has come whole (60 s at most on a
# loaded machine), not for a fixed 4 s.
# sse_has TYPE FILE: FILE holds a whole event of TYPE.
sse_has() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
for block in open(sys.argv[2], encoding="utf-8", errors="replace").read().split("\n\n")[:-1]:
    for line in block.split("\n"):
        if line.startswith("data: "):
            try:
                if json.loads(line[6:]).get("type") == sys.argv[1]:
                    sys.exit(0)
            except ValueError:
                pass
sys.exit(1)
EOF
}
curl -sSN --max-time 90 --unix-socket "$PT_SOCK" -H 'Accept: text/event-stream' \
    "http://localhost/v1/events?after=$LAST" >"$PT_TMP/sse.out" 2>/dev/null &
sse=$!
sleep 1
new_proposal sock '{"title":"事件流"}'
SSE_ID="$NEW_ID"
wait_for 60 sse_has proposal.created "$PT_TMP/sse.out" || true
kill "$sse" 2>/dev/null || true
wait "$sse" || true
sse_out="$(cat "$PT_TMP/sse.out")"
check_contains "the stream has an event: line" "event: proposal.created" "$sse_out"
check_contains "the stream has an id: line" "id: " "$sse_out"
check_eq "the stream's data: line is the event" "$SSE_ID" \
    "$(jv 'j["proposal"]["id"]' "$(grep '^data: ' "$PT_TMP/sse.out" | grep '"type":"proposal.created"' | head -n 1 | sed 's/^data: //')")"
# A stream picked up again with a Last-Event-ID that is no seq is refused,
# not replayed from the first event.
sse_code="$(curl -s --max-time 4 --unix-socket "$PT_SOCK" -H 'Accept: text/event-stream' \
    -H 'Last-Event-ID: abc' -o "$PT_TMP/sse-bad.out" -w '%{http_code}' http://localhost/v1/events || true)"
check_eq "Last-Event-ID: abc is 400" 400 "$sse_code"
check_eq "bad_request" bad_request "$(jv 'j["error"]["code"]' "$(cat "$PT_TMP/sse-bad.out")")"
# Picked up at LAST, a stream brings the same events as the first did
# (and any raised since): read until it has as many.
curl -sSN --max-time 90 --unix-socket "$PT_SOCK" -H 'Accept: text/event-stream' \
    -H "Last-Event-ID: $LAST" http://localhost/v1/events >"$PT_TMP/sse-again.out" 2>/dev/null &
sse=$!
SSE_IDS="$(grep '^id: ' "$PT_TMP/sse.out" | tr '\n' ' ' || true)"
caught_up() { [ "$(grep -c '^id: ' "$PT_TMP/sse-again.out")" -ge "$(grep -c '^id: ' "$PT_TMP/sse.out")" ]; }
wait_for 60 caught_up || true
kill "$sse" 2>/dev/null || true
wait "$sse" || true
check_eq "a stream picked up at a seq goes on after it" "$SSE_IDS" \
    "$(grep '^id: ' "$PT_TMP/sse-again.out" | head -n "$(grep -c '^id: ' "$PT_TMP/sse.out")" | tr '\n' ' ')"
as_viewer GET "/v1/events?after=0&limit=1"
check_status "viewer reads the feed" 200
req tcp: GET "/v1/events?after=0"
check_error "the feed without a token" 401 unauthorized

# ---------------------------------------------------------------------------
pt_step "statistics after a known set of actions (a fresh store)"
pt_stop
PT_DATA="$PT_TMP/data-stats"
PT_SOCK="$PT_TMP/stats.sock"
pt_config '{"reply": "3d", "max": "180d"}'
pt_start
declare -A Q
for k in p1 p2 p3 p4 p5; do
    cat_="教育"
    [ "$k" = p2 ] && cat_="医疗卫生"
    del="山西代表团"
    if [ "$k" = p4 ] || [ "$k" = p5 ]; then del="广东代表团"; fi
    new_proposal sock '{"title":"统计用'$k'","category":"'$cat_'","delegation":"'$del'"}'
    Q[$k]=$NEW_ID
done
reply() { act "$1" reply '{"unit":"'"$2"'","doc_no":"文号'"$1"'","category":"'"$3"'","text":"答复内容"}'; }
act "${Q[p1]}" assign '{"mode":"single","units":[{"name":"市教育局","role":"lead"}]}'
act "${Q[p1]}" sign '{"unit":"市教育局"}'
reply "${Q[p1]}" 市教育局 A
act "${Q[p1]}" feedback '{"person":"李国华","satisfaction":"satisfied"}'
act "${Q[p2]}" assign '{"mode":"single","units":[{"name":"市卫健委","role":"lead"}]}'
act "${Q[p2]}" sign '{"unit":"市卫健委"}'
reply "${Q[p2]}" 市卫健委 B
act "${Q[p2]}" feedback '{"person":"王秀英","satisfaction":"unsatisfied","comment":"没有解决"}'
reply "${Q[p2]}" 市卫健委 B
act "${Q[p2]}" feedback '{"person":"王秀英","satisfaction":"basically_satisfied"}'
act "${Q[p3]}" assign '{"mode":"single","units":[{"name":"市教育局","role":"lead"}]}'
act "${Q[p3]}" sign '{"unit":"市教育局"}'
reply "${Q[p3]}" 市教育局 C
act "${Q[p3]}" feedback '{"person":"张建军","satisfaction":"unsatisfied"}'
reply "${Q[p3]}" 市教育局 C
act "${Q[p4]}" assign '{"mode":"single","units":[{"name":"市住建局","role":"lead"}]}'
act "${Q[p4]}" sign '{"unit":"市住建局"}'
as_viewer GET /v1/stats
check_status "viewer GET /v1/stats" 200
check_eq "stats.total" 5 "$(jv 'j["total"]')"
check_eq "stats.by_status" '{"closed": 2, "handling": 1, "replied": 1, "submitted": 1}' "$(jv 'dict(sorted(j["by_status"].items()))')"
check_eq "stats.by_unit" '{"市住建局": 1, "市卫健委": 1, "市教育局": 2}' "$(jv 'dict(sorted(j["by_unit"].items()))')"
check_eq "stats.by_category" '{"医疗卫生": 1, "教育": 4}' "$(jv 'dict(sorted(j["by_category"].items()))')"
check_eq "stats.by_delegation" '{"山西代表团": 3, "广东代表团": 2}' "$(jv 'dict(sorted(j["by_delegation"].items()))')"
check_eq "stats.overdue" 0 "$(jv 'j["overdue"]')"
check_eq "stats.due_within_7d (p4, due in 3 days)" 1 "$(jv 'j["due_within_7d"]')"
# 办复率: 3 of the 4 assigned have a reply; 满意率: by the latest rating,
# 2 of the 3 rated are satisfied or basically so. A fraction or a percentage.
check_eq "stats.reply_rate = 3/4" true "$(jv 'abs(j["reply_rate"] - 0.75) < 0.001 or abs(j["reply_rate"] - 75) < 0.1')"
check_eq "stats.satisfaction_rate = 2/3" true "$(jv 'abs(j["satisfaction_rate"] - 2/3) < 0.001 or abs(j["satisfaction_rate"] - 200/3) < 0.1')"
check_eq "stats.reply_categories" '{"A": 1, "B": 1, "C": 1, "D": 0}' "$(jv 'j["reply_categories"]')"
pt_stop

pt_finish

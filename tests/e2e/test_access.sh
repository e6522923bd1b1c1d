#!/usr/bin/env bash
# Access: each role can do exactly its part and is refused the rest, over
# TCP with tokens of the config file, over TCP with tokens made at run time
# (POST /v1/tokens, `ptrack token`), and over the Unix socket with
# socket_users (as other uids, through setpriv, when run as root).
#
#   viewer   reads everything, writes nothing
#   clerk    creates, edits, runs every action; no plugins, no tokens
#   unit     reads only the proposals assigned to its unit (404 for others,
#            as for one that does not exist, in the same words, which say
#            what a unit sees), runs sign, return, opinion,
#            reply, follow_up on them, acting as its own unit only, and not
#            extend
#   delegate reads only the proposals they lead or co-signed, gives
#            feedback on them as themselves
#   A unit's and a delegate's statistics and exports hold exactly the
#   proposals of their list, through the API and the CLI; the change feed
#   and imports stay refused to them.
#   admin    everything, plugins and tokens
#
# Tokens made at run time work at once, stop at once when revoked, survive
# a restart, and are never stored, logged or listed in plain text.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

UNIT_TOKEN="unit-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DELEG_TOKEN="deleg-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
UNIT=财政部
OTHER_UNIT=教育部
PERSON=张三

pt_config '{}' ',"socket_users": {
    "65530": {"name": "钱科员", "role": "clerk"},
    "65531": {"name": "财政部干事", "role": "unit", "unit": "财政部"},
    "65532": {"name": "张三本人", "role": "delegate", "person": "张三"},
    "65533": {"name": "赵干事", "role": "viewer"}}'
# Two bound tokens besides the three of lib.sh.
python3 - "$PT_CONF" "$(pt_sha256 "$UNIT_TOKEN")" "$(pt_sha256 "$DELEG_TOKEN")" <<'EOF'
import json, sys
path, unit_sha, deleg_sha = sys.argv[1:]
c = json.load(open(path, encoding="utf-8"))
c["tokens"] += [
    {"name": "财政部联络员", "role": "unit", "unit": "财政部", "sha256": unit_sha},
    {"name": "张代表", "role": "delegate", "person": "张三", "sha256": deleg_sha},
]
json.dump(c, open(path, "w", encoding="utf-8"), ensure_ascii=False)
EOF

# ---------------------------------------------------------------------------
pt_step "config: bindings are required for unit and delegate, refused otherwise"
bad_config() { # JSON_OF_ONE_TOKEN EXPECTED_TEXT WHAT
    python3 - "$PT_CONF" "$PT_TMP/bad.json" "$1" <<'EOF'
import json, sys
src, dst, tok = sys.argv[1:]
c = json.load(open(src, encoding="utf-8"))
c["tokens"] = [json.loads(tok)]
c["socket"] = c["socket"] + ".bad"
c["listen"] = None
json.dump(c, open(dst, "w", encoding="utf-8"), ensure_ascii=False)
EOF
    local out rc=0
    out="$(timeout 10 "$PTRACKD" --config "$PT_TMP/bad.json" 2>&1)" || rc=$?
    check_true "$3: ptrackd refuses to start" test "$rc" -ne 0
    check_contains "$3: the message names the key" "$2" "$out"
}
H="$(printf %064d 0)"
bad_config '{"name":"a","role":"unit","sha256":"'"$H"'"}' 'tokens[0]: "unit" is missing' \
    "a unit token without unit"
bad_config '{"name":"a","role":"unit","unit":"'"$(python3 -c 'print("单" * 167)')"'","sha256":"'"$H"'"}' \
    'tokens[0].unit: longer than 500 bytes' "a unit of 501 bytes (kept whole, never cut)"
bad_config '{"name":"a","role":"delegate","sha256":"'"$H"'"}' 'tokens[0]: "person" is missing' \
    "a delegate token without person"
bad_config '{"name":"a","role":"viewer","unit":"财政部","sha256":"'"$H"'"}' 'tokens[0].unit' \
    "a viewer token with a unit"
bad_config '{"name":"a","role":"unit","unit":"财政部","person":"张三","sha256":"'"$H"'"}' \
    'tokens[0].person' "a unit token with a person"
bad_config '{"name":"a","role":"boss","sha256":"'"$H"'"}' 'is not a role (viewer, clerk, unit, delegate, admin)' \
    "an unknown role"

pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

# ---- Requests as anyone ----------------------------------------------------
# call VIA METHOD PATH [BODY]: VIA is tcp:TOKEN, sock (the daemon's uid:
# admin) or uid:N (the socket as uid N, through setpriv). Sets ST and BODY.
SOCK_UIDS=0
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    SOCK_UIDS=1
    # The socket is 0600 for ptrackd's user; open it (and the way to it) so
    # that other uids reach ptrackd, and it is ptrackd that decides.
    chmod 711 "$PT_TMP"
    chmod 666 "$PT_SOCK"
fi
call() {
    local via="$1" method="$2" path="$3" body="${4-}"
    case "$via" in
    uid:*)
        local uid="${via#uid:}" args=(-sS --max-time 30 -X "$method" -w '\n%{http_code}'
            --unix-socket "$PT_SOCK")
        if [ -n "$body" ]; then
            args+=(-H 'Content-Type: application/json' --data-binary "$body")
        fi
        local out
        out="$(setpriv --reuid="$uid" --regid="$uid" --clear-groups \
            curl "${args[@]}" "http://localhost$path" 2>&1)" || true
        BODY="$(printf %s "$out" | sed '$d')"
        ST="$(printf %s "$out" | tail -n 1)"
        ;;
    *)
        if [ -n "$body" ]; then
            req "$via" "$method" "$path" "$body"
        else
            req "$via" "$method" "$path"
        fi
        ;;
    esac
}

# due DAYS: an RFC 3339 time DAYS days from now.
due() { python3 -c 'import datetime,sys; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(days=int(sys.argv[1]))).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$1"; }

# fixtures: three new proposals, made and assigned by the admin on the socket.
#   P_MINE   led by 张三, assigned to 财政部
#   P_COSIGN led by 王五 with 张三 co-signing, assigned to 教育部
#   P_NONE   led by 赵六, assigned to 教育部: neither the unit's nor 张三's
fixtures() {
    local t
    api POST /v1/proposals '{"title":"关于完善地方财政转移支付制度的建议","lead_author":"张三","co_signers":["李四"]}'
    P_MINE="$(jv 'j["id"]')"
    api POST /v1/proposals '{"title":"关于加强乡村教师队伍建设的建议","lead_author":"王五","co_signers":["张三"]}'
    P_COSIGN="$(jv 'j["id"]')"
    api POST /v1/proposals '{"title":"关于推进职业教育产教融合的建议","lead_author":"赵六"}'
    P_NONE="$(jv 'j["id"]')"
    api POST "/v1/proposals/$P_MINE/actions/assign" '{"mode":"single","units":[{"name":"财政部","role":"lead"}]}'
    [ "$ST" = 200 ] || pt_die "assign $P_MINE: $ST $BODY"
    for t in "$P_COSIGN" "$P_NONE"; do
        api POST "/v1/proposals/$t/actions/assign" '{"mode":"single","units":[{"name":"教育部","role":"lead"}]}'
        [ "$ST" = 200 ] || pt_die "assign $t: $ST $BODY"
    done
}

# refused_everywhere VIA WHO: what neither a unit nor a delegate may do.
refused_everywhere() {
    local via="$1" who="$2"
    call "$via" POST /v1/proposals '{"title":"越权新建"}'
    check_error "$who creates a proposal" 403 forbidden
    call "$via" PATCH "/v1/proposals/$P_MINE" '{"title":"越权修改"}'
    check_error "$who edits" 403 forbidden
    call "$via" DELETE "/v1/proposals/$P_MINE"
    check_error "$who deletes" 403 forbidden
    call "$via" POST "/v1/proposals/$P_MINE/actions/supervise" '{"key_supervision":true}'
    check_error "$who runs supervise" 403 forbidden
    check_contains "$who: the refusal says why" "may not supervise" "$(jv 'j["error"]["message"]')"
    call "$via" POST "/v1/imports?format=json" '[]'
    check_error "$who imports" 403 forbidden
    check_contains "$who: the refusal says what it may read instead" \
        "their statistics, an export or their events in the change feed" \
        "$(jv 'j["error"]["message"]')"
    call "$via" GET /metrics
    check_error "$who reads /metrics (every proposal's figures)" 403 forbidden
    call "$via" GET /v1/plugins
    check_error "$who lists plugins" 403 forbidden
    call "$via" GET /v1/tokens
    check_error "$who lists tokens" 403 forbidden
    call "$via" POST /v1/tokens '{"name":"自封","role":"admin"}'
    check_error "$who makes a token" 403 forbidden
    call "$via" GET /v1/workflow
    check_status "$who reads the workflow" 200
}

# jsonl_ids TEXT: the sorted ids of a JSON Lines export.
jsonl_ids() {
    printf %s "$1" | python3 -c 'import json, sys; print(sorted(json.loads(l)["id"] for l in sys.stdin if l.strip()))'
}

# csv_rows TEXT: the number of records of a CSV export (its header aside).
csv_rows() {
    printf %s "$1" | python3 -c 'import csv, io, sys; print(len(list(csv.reader(io.StringIO(sys.stdin.read())))) - 1)'
}

# scoped_reads VIA WHO PARAM OWN OTHER: a bound role's statistics and
# exports count exactly the proposals a clerk lists with ?PARAM=OWN, which
# are fewer than all; asking for PARAM=OTHER is refused.
scoped_reads() {
    local via="$1" who="$2" param="$3" own="$4" other="$5" mine all n
    as_clerk GET "/v1/proposals?$param=$(urlenc "$own")&limit=500"
    mine="$BODY"
    n="$(jv 'len(j["items"])' "$mine")"
    as_clerk GET /v1/stats
    all="$(jv 'j["total"]')"
    call "$via" GET /v1/health
    check_eq "$who: health counts the proposals they may read ($n of $all), not the store's" \
        "$n" "$(jv 'j["proposals"]')"
    check_true "$who: there are proposals that are not theirs ($n of $all)" \
        test "$n" -gt 0 -a "$n" -lt "$all"
    call "$via" GET /v1/stats
    check_status "$who reads the statistics" 200
    local stats="$BODY"
    check_eq "$who: the total counts only their proposals" "$n" "$(jv 'j["total"]' "$stats")"
    check_eq "$who: by status, only their proposals" \
        "$(jv 'dict(sorted({s: [i["status"] for i in j["items"]].count(s) for s in set(i["status"] for i in j["items"])}.items()))' "$mine")" \
        "$(jv 'dict(sorted(j["by_status"].items()))' "$stats")"
    check_eq "$who: by unit, the units of their proposals" \
        "$(jv 'dict(sorted({u: [x["name"] for i in j["items"] for x in i.get("units") or []].count(u) for u in set(x["name"] for i in j["items"] for x in i.get("units") or [])}.items()))' "$mine")" \
        "$(jv 'dict(sorted(j["by_unit"].items()))' "$stats")"
    check_eq "$who: overdue, of their proposals" \
        "$(jv 'sum(1 for i in j["items"] if i.get("overdue"))' "$mine")" "$(jv 'j["overdue"]' "$stats")"
    # 办复率 and 满意率 as the server rounds them (%.10g, read back as a
    # number: 1 is 1.0), and the category of the latest reply that is not
    # a supplementary one, from the list. A unit's own figures count its
    # own answers: not the proposals it is a co unit of (it owes no reply),
    # and in separate mode (分办) its own latest reply.
    local answers
    answers="$(printf %s "$mine" | UNIT="$([ "$param" = unit ] && printf %s "$own")" python3 -c '
import json, os, sys
unit = os.environ["UNIT"]
out = []
for i in json.load(sys.stdin)["items"]:
    role = next((u.get("role") for u in i.get("units") or [] if u["name"] == unit), None)
    if not i.get("assigned_at") or role == "co":
        continue
    out.append([r.get("category") for r in i.get("replies") or []
                if r.get("kind") != "supplementary" and (role != "separate" or r.get("unit") == unit)])
print(json.dumps(out))')"
    check_eq "$who: 办复率, of their proposals" \
        "$(jv '(lambda a: float("%.10g" % (len([r for r in a if r]) / len(a))) if a else None)(j)' "$answers")" \
        "$(jv 'None if j["reply_rate"] is None else float(j["reply_rate"])' "$stats")"
    check_eq "$who: 满意率, of their proposals" \
        "$(jv '(lambda r: float("%.10g" % (len([s for s in r if s in ("satisfied", "basically_satisfied")]) / len(r))) if r else None)([i["feedback"][-1]["satisfaction"] for i in j["items"] if i.get("feedback")])' "$mine")" \
        "$(jv 'None if j["satisfaction_rate"] is None else float(j["satisfaction_rate"])' "$stats")"
    check_eq "$who: reply categories, of their proposals" \
        "$(jv '{c: [r[-1] for r in j if r].count(c) for c in "ABCD"}' "$answers")" \
        "$(jv 'j["reply_categories"]' "$stats")"
    as_clerk GET "/v1/stats?$param=$(urlenc "$own")"
    check_eq "$who: the figures are a clerk's for ?$param=$own" "$BODY" "$stats"
    call "$via" GET "/v1/stats?$param=$(urlenc "$own")"
    check_eq "$who: asking for their own $param changes nothing" "$stats" "$BODY"
    call "$via" GET "/v1/stats?$param=$(urlenc "$other")"
    check_error "$who reads the statistics of another $param" 403 forbidden
    call "$via" GET "/v1/exports?format=jsonl"
    check_status "$who exports JSON Lines" 200
    check_eq "$who: the export holds exactly their proposals" \
        "$(jv 'sorted(i["id"] for i in j["items"])' "$mine")" "$(jsonl_ids "$BODY")"
    call "$via" GET "/v1/exports?format=csv"
    check_status "$who exports CSV" 200
    check_eq "$who: the CSV has a row for each of their proposals" "$n" "$(csv_rows "$BODY")"
    call "$via" GET "/v1/exports?format=jsonl&$param=$(urlenc "$other")"
    check_error "$who exports another $param's proposals" 403 forbidden
    check_contains "$who: the refusal names whose proposals they may read" "$own" \
        "$(jv 'j["error"]["message"]')"

    # The change feed: the events of their proposals only, and a place that
    # goes on after the newest event all the same.
    local ids feed_last
    ids="$(jv '[i["id"] for i in j["items"]]' "$mine")"
    api GET /v1/health
    feed_last="$(jv 'j["last_seq"]')"
    call "$via" GET "/v1/events?after=0&limit=1000"
    check_status "$who reads the change feed" 200
    check_eq "$who: the feed holds events, each of one of their proposals" "True True" \
        "$(jv 'str(len(j["items"]) > 0) + " " + str(all(e.get("proposal") and e["proposal"]["id"] in '"$ids"' for e in j["items"]))')"
    check_eq "$who: the feed's place is after the newest event" "$feed_last" "$(jv 'j["last_seq"]')"
    call "$via" GET "/v1/events?after=0&$param=$(urlenc "$other")"
    check_error "$who: the feed takes no $param" 400 bad_request
    # A long poll is not woken by another's proposal, and is by theirs. Its
    # wait (20 s) outlasts both patches however slow the machine; it ends
    # with the second.
    (
        # Files of its own: the writes below run meanwhile.
        out="$PT_TMP/poll.out"
        PT_TMP="$PT_TMP/poll"
        mkdir -p "$PT_TMP"
        call "$via" GET "/v1/events?after=$feed_last&wait=20"
        printf '%s\n%s' "$ST" "$BODY" >"$out"
    ) &
    local poll=$!
    sleep 0.5
    api PATCH "/v1/proposals/$P_NONE" '{"background":"长轮询测试 '"$(date +%s%N)"'"}'
    [ "$ST" = 200 ] || pt_die "patch $P_NONE: $ST $BODY"
    sleep 0.5
    api PATCH "/v1/proposals/$P_MINE" '{"background":"长轮询测试 '"$(date +%s%N)"'"}'
    [ "$ST" = 200 ] || pt_die "patch $P_MINE: $ST $BODY"
    wait "$poll" || true
    check_eq "$who: the long poll brings the event of their proposal, not the other" \
        "200 [$P_MINE]" \
        "$(head -n 1 "$PT_TMP/poll.out") $(jv '[e["proposal"]["id"] for e in j["items"]]' "$(tail -n +2 "$PT_TMP/poll.out")")"
}

# unit_case VIA ACTOR: the unit 财政部's part, on fresh fixtures.
unit_case() {
    local via="$1" actor="$2" who="unit 财政部 as $2"
    fixtures
    call "$via" GET /v1/proposals
    check_status "$who lists" 200
    check_eq "$who lists only the proposals assigned to it" "[$P_MINE]" \
        "$(jv 'sorted(i["id"] for i in j["items"] if i["id"] in ('"$P_MINE,$P_COSIGN,$P_NONE"'))')"
    check_eq "$who: every listed proposal is assigned to it" true \
        "$(jv 'all(any(u["name"]=="财政部" for u in i["units"]) for i in j["items"])')"
    call "$via" GET "/v1/proposals?unit=$(python3 -c 'import urllib.parse;print(urllib.parse.quote("教育部"))')"
    check_error "$who lists another unit's proposals" 403 forbidden
    call "$via" GET "/v1/proposals/$P_MINE"
    check_status "$who reads its proposal" 200
    call "$via" GET "/v1/proposals/$P_MINE/history"
    check_status "$who reads its proposal's history" 200
    call "$via" PATCH "/v1/proposals/$P_MINE" '{"title":"越权修改"}'
    check_contains "$who: an edit's refusal names what the unit may run on the proposal now" \
        "you may: sign, return" "$(jv 'j["error"]["message"]')"
    call "$via" PATCH "/v1/proposals/$P_NONE" '{"title":"越权修改"}'
    check_contains "$who: an edit's refusal of a proposal not assigned to it names every action a unit may run" \
        "sign, return, give an opinion on, reply to or give a supplementary reply on them" \
        "$(jv 'j["error"]["message"]')"
    call "$via" GET "/v1/proposals/$P_NONE"
    check_error "$who reads a proposal not assigned to it" 404 not_found
    local msg_hidden
    msg_hidden="$(jv 'j["error"]["message"]')"
    call "$via" GET "/v1/proposals/99999999"
    check_eq "$who: a hidden proposal reads as one that does not exist" \
        "$(jv 'j["error"]["message"]' | sed 's/99999999/N/')" "$(printf %s "$msg_hidden" | sed "s/$P_NONE/N/")"
    check_eq "$who: the message says what a unit sees" \
        "proposal $P_NONE does not exist or is not assigned to 财政部 (a unit sees only the proposals assigned to it)" \
        "$msg_hidden"
    call "$via" GET "/v1/proposals/$P_NONE/history"
    check_error "$who reads the history of a proposal not assigned to it" 404 not_found
    check_eq "$who: so does the history's" "$msg_hidden" "$(jv 'j["error"]["message"]')"
    refused_everywhere "$via" "$who"
    call "$via" POST "/v1/proposals/$P_MINE/actions/sign" '{"unit":"教育部"}'
    check_error "$who signs as another unit" 403 forbidden
    call "$via" POST "/v1/proposals/$P_NONE/actions/sign" '{}'
    check_error "$who signs a proposal not assigned to it" 404 not_found
    call "$via" POST "/v1/proposals/$P_MINE/actions/assign" '{"mode":"single","units":[{"name":"财政部","role":"lead"}]}'
    check_error "$who (re)assigns" 403 forbidden
    call "$via" POST "/v1/proposals/$P_MINE/actions/reply" \
        '{"doc_no":"财函〔2026〕1号","category":"A","text":"答复"}'
    check_error "$who replies before signing" 409 invalid_transition
    check_eq "$who is told only the actions it may run there" '["sign", "return"]' \
        "$(jv 'json.dumps(j["error"]["allowed"])')"
    check_eq "$who is told so in the message" "you may: sign, return" \
        "$(jv 'j["error"]["message"].split("; ")[-1]')"
    call "$via" POST "/v1/proposals/$P_MINE/actions/sign" '{}'
    check_status "$who signs its proposal (unit filled in)" 200
    check_eq "$who: the proposal is handling" handling "$(jv 'j["status"]')"
    call "$via" POST "/v1/proposals/$P_MINE/actions/extend" "{\"due_at\":\"$(due 120)\"}"
    check_error "$who extends its proposal's deadline (the office's to grant)" 403 forbidden
    call "$via" POST "/v1/proposals/$P_MINE/actions/feedback" '{"person":"张三","satisfaction":"satisfied"}'
    check_error "$who gives feedback" 403 forbidden
    call "$via" POST "/v1/proposals/$P_MINE/actions/reply" \
        '{"unit":"财政部","doc_no":"财办函〔2026〕12号","category":"A","text":"已采纳，正在推进。"}'
    check_status "$who replies to its proposal" 200
    check_eq "$who: the proposal is replied" replied "$(jv 'j["status"]')"
    api GET "/v1/proposals/$P_MINE/history"
    check_eq "$who: history records its actions under its name" \
        "[\"$actor\", \"$actor\"]" "$(jv '[h["actor"] for h in j["items"][-2:]]')"
    check_eq "$who: history records sign, reply" '["sign", "reply"]' \
        "$(jv '[h["action"] for h in j["items"][-2:]]')"
    # return and opinion are the unit's too: a second proposal is returned,
    # and a lead_co one gets a co unit's opinion.
    api POST /v1/proposals '{"title":"关于减轻小微企业税费负担的建议","lead_author":"孙七"}'
    local p_ret p_co
    p_ret="$(jv 'j["id"]')"
    api POST "/v1/proposals/$p_ret/actions/assign" '{"mode":"single","units":[{"name":"财政部","role":"lead"}]}'
    call "$via" POST "/v1/proposals/$p_ret/actions/return" '{"reason":"不属于本部门职责"}'
    check_status "$who returns a proposal assigned to it" 200
    api POST /v1/proposals '{"title":"关于统筹教育经费投入的建议","lead_author":"孙七"}'
    p_co="$(jv 'j["id"]')"
    api POST "/v1/proposals/$p_co/actions/assign" \
        '{"mode":"lead_co","units":[{"name":"教育部","role":"lead"},{"name":"财政部","role":"co"}]}'
    api POST "/v1/proposals/$p_co/actions/sign" '{"unit":"教育部"}'
    call "$via" POST "/v1/proposals/$p_co/actions/opinion" '{"opinion":"同意主办单位意见，经费按规定保障。"}'
    check_status "$who gives its opinion as a co unit" 200
    call "$via" POST "/v1/proposals/$p_co/actions/reply" \
        '{"doc_no":"财办函〔2026〕13号","category":"B","text":"协办单位不应答复"}'
    check_error "$who replies where the workflow allows only the lead unit" 422 validation_failed
    # A supplementary reply (补充答复) is the unit's too, given as itself.
    local p_fu
    api POST /v1/proposals '{"title":"关于完善政府采购支持中小企业政策的建议","lead_author":"孙七"}'
    p_fu="$(jv 'j["id"]')"
    api POST "/v1/proposals/$p_fu/actions/assign" '{"mode":"single","units":[{"name":"财政部","role":"lead"}]}'
    call "$via" POST "/v1/proposals/$p_fu/actions/sign" '{}'
    call "$via" POST "/v1/proposals/$p_fu/actions/reply" \
        '{"doc_no":"财办函〔2026〕14号","category":"B","text":"正在研究。"}'
    api POST "/v1/proposals/$p_fu/actions/feedback" '{"person":"孙七","satisfaction":"basically_satisfied"}'
    check_eq "$who: the proposal to follow up is closed" closed "$(jv 'j["status"]')"
    call "$via" POST "/v1/proposals/$p_fu/actions/follow_up" \
        '{"unit":"教育部","doc_no":"教函〔2026〕1号","category":"A","text":"补充"}'
    check_error "$who gives a supplementary reply as another unit" 403 forbidden
    call "$via" POST "/v1/proposals/$p_fu/actions/follow_up" \
        '{"doc_no":"财办函〔2026〕20号","category":"A","text":"政策已出台，补充答复如下。"}'
    check_status "$who gives a supplementary reply (unit filled in)" 200
    check_eq "$who: the supplementary reply is its own" '["财政部", "supplementary"]' \
        "$(jv 'json.dumps([j["replies"][-1]["unit"], j["replies"][-1]["kind"]], ensure_ascii=False)')"
    api GET "/v1/proposals/$p_fu/history"
    check_eq "$who: history names it for the supplementary reply" "[\"$actor\", \"follow_up\"]" \
        "$(jv 'json.dumps([j["items"][-1]["actor"], j["items"][-1]["action"]], ensure_ascii=False)')"
    scoped_reads "$via" "$who" unit 财政部 教育部
}

# delegate_case VIA ACTOR: 张三's part, on the fixtures the unit case left
# (P_MINE is replied).
delegate_case() {
    local via="$1" actor="$2" who="delegate 张三 as $2"
    call "$via" GET /v1/proposals
    check_status "$who lists" 200
    check_eq "$who lists only the proposals they lead or co-signed" "[$P_MINE, $P_COSIGN]" \
        "$(jv 'sorted(i["id"] for i in j["items"] if i["id"] in ('"$P_MINE,$P_COSIGN,$P_NONE"'))')"
    check_eq "$who: every listed proposal is theirs" true \
        "$(jv 'all(i.get("lead_author")=="张三" or "张三" in i.get("co_signers",[]) for i in j["items"])')"
    call "$via" GET "/v1/proposals?person=$(python3 -c 'import urllib.parse;print(urllib.parse.quote("李四"))')"
    check_error "$who lists another person's proposals" 403 forbidden
    call "$via" GET "/v1/proposals/$P_MINE"
    check_status "$who reads the proposal they lead" 200
    call "$via" GET "/v1/proposals/$P_COSIGN"
    check_status "$who reads the proposal they co-signed" 200
    call "$via" GET "/v1/proposals/$P_NONE"
    check_error "$who reads someone else's proposal" 404 not_found
    call "$via" GET "/v1/proposals/$P_NONE/history"
    check_error "$who reads someone else's history" 404 not_found
    refused_everywhere "$via" "$who"
    call "$via" POST "/v1/proposals/$P_MINE/actions/sign" '{"unit":"财政部"}'
    check_error "$who signs" 403 forbidden
    call "$via" POST "/v1/proposals/$P_MINE/actions/feedback" '{"person":"李四","satisfaction":"satisfied"}'
    check_error "$who rates as someone else" 403 forbidden
    call "$via" POST "/v1/proposals/$P_NONE/actions/feedback" '{"satisfaction":"satisfied"}'
    check_error "$who rates someone else's proposal" 404 not_found
    check_eq "$who: the message says what a delegate sees" \
        "proposal $P_NONE does not exist or is not one that 张三 leads or co-signed (a delegate sees only those)" \
        "$(jv 'j["error"]["message"]')"
    call "$via" POST "/v1/proposals/99999999/actions/feedback" '{"satisfaction":"satisfied"}'
    check_eq "$who: in the same words as of an id never given out" \
        "proposal 99999999 does not exist or is not one that 张三 leads or co-signed (a delegate sees only those)" \
        "$(jv 'j["error"]["message"]')"
    call "$via" POST "/v1/proposals/$P_COSIGN/actions/feedback" '{"satisfaction":"satisfied"}'
    check_error "$who rates a proposal not yet replied" 409 invalid_transition
    call "$via" POST "/v1/proposals/$P_MINE/actions/feedback" '{"satisfaction":"satisfied","comment":"答复认真，满意。"}'
    check_status "$who rates their replied proposal" 200
    check_eq "$who: the proposal is closed" closed "$(jv 'j["status"]')"
    check_eq "$who: the feedback's person is the delegate" 张三 "$(jv 'j["feedback"][-1]["person"]')"
    api GET "/v1/proposals/$P_MINE/history"
    check_eq "$who: history names the holder" "$actor" "$(jv 'j["items"][-1]["actor"]')"
    scoped_reads "$via" "$who" person 张三 李四
}

# ranked_cases VIA ROLE HOW: viewer, clerk and admin (HOW labels the checks;
# tokens are kept out of the test's output).
ranked_cases() {
    local via="$1" role="$2" who="$2 ($3)"
    fixtures
    call "$via" GET /v1/proposals
    check_status "$who lists" 200
    check_eq "$who lists every proposal" true \
        "$(jv 'set(['"$P_MINE,$P_COSIGN,$P_NONE"']) <= set(i["id"] for i in j["items"])')"
    call "$via" GET "/v1/proposals/$P_NONE"
    check_status "$who reads any proposal" 200
    call "$via" GET /v1/events
    check_status "$who reads the change feed" 200
    call "$via" GET /v1/stats
    check_status "$who reads the statistics" 200
    call "$via" POST "/v1/proposals/$P_NONE/actions/sign" '{"unit":"教育部"}'
    if [ "$role" = viewer ]; then
        check_error "$who signs" 403 forbidden
        call "$via" POST /v1/proposals '{"title":"报表机不写"}'
        check_error "$who creates" 403 forbidden
        call "$via" PATCH "/v1/proposals/$P_NONE" '{"title":"改"}'
        check_error "$who edits" 403 forbidden
    else
        check_status "$who signs for any unit" 200
        call "$via" POST /v1/proposals '{"title":"关于规范政务新媒体的建议"}'
        check_status "$who creates" 201
        call "$via" PATCH "/v1/proposals/$P_NONE" '{"background":"补充背景"}'
        check_status "$who edits" 200
        call "$via" POST "/v1/proposals/$P_NONE/actions/supervise" '{"key_supervision":true,"supervisor":"常委会办公厅"}'
        check_status "$who runs supervise" 200
    fi
    call "$via" GET /v1/plugins
    if [ "$role" = admin ]; then check_status "$who lists plugins" 200; else check_error "$who lists plugins" 403 forbidden; fi
    call "$via" GET /v1/tokens
    if [ "$role" = admin ]; then check_status "$who lists tokens" 200; else check_error "$who lists tokens" 403 forbidden; fi
}

# ---------------------------------------------------------------------------
pt_step "TCP, tokens of the config file"
ranked_cases "tcp:$VIEWER_TOKEN" viewer "config token"
ranked_cases "tcp:$CLERK_TOKEN" clerk "config token"
ranked_cases "tcp:$ADMIN_TOKEN" admin "config token"
unit_case "tcp:$UNIT_TOKEN" 财政部联络员
delegate_case "tcp:$DELEG_TOKEN" 张代表

pt_step "a delegate's proposals follow edits of lead_author and co_signers"
as_clerk PATCH "/v1/proposals/$P_NONE" '{"co_signers":["张三","周八"]}'
check_status "clerk adds 张三 as a co-signer" 200
req "tcp:$DELEG_TOKEN" GET "/v1/proposals/$P_NONE"
check_status "the delegate reads it at once" 200
req "tcp:$DELEG_TOKEN" GET /v1/proposals
check_eq "and lists it" true "$(jv '[i["id"] for i in j["items"]].count('"$P_NONE"') == 1')"
as_clerk PATCH "/v1/proposals/$P_NONE" '{"co_signers":["周八"]}'
req "tcp:$DELEG_TOKEN" GET "/v1/proposals/$P_NONE"
check_error "after 张三 is taken off, the delegate cannot read it" 404 not_found
as_clerk PATCH "/v1/proposals/$P_NONE" '{"lead_author":"张三"}'
req "tcp:$DELEG_TOKEN" GET "/v1/proposals/$P_NONE"
check_status "made lead author, the delegate reads it again" 200
as_clerk PATCH "/v1/proposals/$P_NONE" '{"lead_author":"赵六"}'

# ---------------------------------------------------------------------------
pt_step "ptrack stats and ptrack export with a unit's token"
if [ -x "$PTRACK" ]; then
    # as_unit_cli ARGS...: ptrack over TCP with the unit's token; sets OUT, RC.
    as_unit_cli() {
        RC=0
        OUT="$(PTRACK_URL="$PT_URL" PTRACK_TOKEN="$UNIT_TOKEN" "$PTRACK" "$@" 2>"$PT_TMP/cli.err")" || RC=$?
    }
    as_clerk GET "/v1/proposals?unit=$(urlenc 财政部)&limit=500"
    UNIT_IDS="$(jv 'sorted(i["id"] for i in j["items"])')"
    as_clerk GET "/v1/stats?unit=$(urlenc 财政部)"
    UNIT_STATS="$BODY"
    as_unit_cli --json stats
    check_eq "ptrack --json stats as the unit exits 0" 0 "$RC"
    check_eq "ptrack stats as the unit: the unit's figures" \
        "$(jv '[j["total"], j["by_status"], j["reply_rate"]]' "$UNIT_STATS")" \
        "$(jv '[j["total"], j["by_status"], j["reply_rate"]]' "$OUT")"
    as_unit_cli stats
    check_eq "ptrack stats (table) as the unit exits 0" 0 "$RC"
    check_eq "ptrack stats shows the unit's total" \
        "$(jv 'j["total"]' "$UNIT_STATS")" "$(awk '/^总数/ {print $NF}' <<<"$OUT")"
    as_unit_cli export --format jsonl --out "$PT_TMP/unit.jsonl" --quiet
    check_eq "ptrack export as the unit exits 0" 0 "$RC"
    check_eq "ptrack export as the unit: exactly its proposals" "$UNIT_IDS" \
        "$(jsonl_ids "$(cat "$PT_TMP/unit.jsonl" 2>/dev/null)")"
    as_unit_cli export --format jsonl --unit 教育部 --out "$PT_TMP/other.jsonl" --quiet
    check_eq "ptrack export --unit of another unit exits 1" 1 "$RC"
    check_contains "and says why" "may read only the proposals of 财政部" "$(cat "$PT_TMP/cli.err")"
    check_true "and writes no file" test ! -e "$PT_TMP/other.jsonl"
else
    pt_log "skip: ptrack not built"
fi

# ---------------------------------------------------------------------------
pt_step "the Unix socket, socket_users"
if [ "$SOCK_UIDS" = 1 ]; then
    call uid:65534 GET /v1/proposals
    check_error "an unknown uid" 403 forbidden
    ranked_cases uid:65533 viewer "socket uid 65533"
    ranked_cases uid:65530 clerk "socket uid 65530"
    ranked_cases sock admin "socket, the daemon's uid"
    unit_case uid:65531 财政部干事
    delegate_case uid:65532 张三本人
else
    pt_log "skip: socket uids need root and setpriv"
fi

# ---------------------------------------------------------------------------
pt_step "tokens made at run time"
# mk_token NAME ROLE [EXTRA_JSON]: POST /v1/tokens as admin; sets TOK.
mk_token() {
    as_admin POST /v1/tokens "{\"name\":\"$1\",\"role\":\"$2\"${3-}}"
    TOK="$(jv 'j.get("token","")')"
}
mk_token 运行时报表 viewer
check_status "admin makes a viewer token" 201
check_eq "the answer names the token" 运行时报表 "$(jv 'j["name"]')"
check_eq "the answer says the role" viewer "$(jv 'j["role"]')"
check_true "the token is ptk_ and 43 base64url characters" \
    bash -c '[[ "$1" =~ ^ptk_[A-Za-z0-9_-]{43}$ ]]' _ "$TOK"
check_eq "the answer is not to be cached" no-store "$(hdr Cache-Control)"
check_eq "its Location is the name percent-encoded" \
    "/v1/tokens/%E8%BF%90%E8%A1%8C%E6%97%B6%E6%8A%A5%E8%A1%A8" "$(hdr Location)"
RT_VIEWER="$TOK"
mk_token 运行时单位 unit ',"unit":"财政部"'
check_status "admin makes a unit token" 201
RT_UNIT="$TOK"
mk_token 运行时代表 delegate ',"person":"张三"'
check_status "admin makes a delegate token" 201
check_eq "the delegate token's person" 张三 "$(jv 'j["person"]')"
RT_DELEG="$TOK"
mk_token 运行时科员 clerk
RT_CLERK="$TOK"
mk_token 运行时管理员 admin
RT_ADMIN="$TOK"
check_true "two tokens differ" test "$RT_VIEWER" != "$RT_UNIT"

as_admin POST /v1/tokens '{"name":"无单位","role":"unit"}'
check_error "a unit token without a unit" 422 validation_failed
check_eq "the refusal names the field" unit "$(jv 'j["error"]["fields"][0]["field"]')"
as_admin POST /v1/tokens '{"name":"多余","role":"viewer","person":"张三"}'
check_error "a viewer token with a person" 422 validation_failed
as_admin POST /v1/tokens '{"name":"怪角色","role":"boss"}'
check_error "an unknown role" 422 validation_failed
as_admin POST /v1/tokens '{"name":"","role":"viewer"}'
check_error "an empty name" 422 validation_failed
check_eq "said once, not also as missing" '["name"]' "$(jv '[f["field"] for f in j["error"]["fields"]]')"
as_admin POST /v1/tokens '{"name":"运行时报表","role":"viewer"}'
check_error "a name in use" 409 conflict
as_admin POST /v1/tokens '{"name":"报表机","role":"viewer"}'
check_error "the name of a config token" 409 conflict
as_admin POST /v1/tokens '{"name":"a/b","role":"viewer"}'
check_error "a name with a slash" 422 validation_failed
as_admin POST /v1/tokens '{"name":"x","role":"viewer","extra":1}'
check_error "an unknown field" 422 validation_failed
as_admin POST /v1/tokens '{"name":"  　","role":"viewer"}'
check_error "a blank name (spaces, an ideographic space)" 422 validation_failed
req "tcp:$ADMIN_TOKEN" POST /v1/tokens '{"name":"类型","role":"viewer"}' -- -H 'Content-Type: application/jsonx'
check_error "a Content-Type that only begins with application/json" 415 unsupported_media_type

# Identities are kept whole: a unit whose name is 128 bytes and one that
# shares its first 127 are two units, and each token sees its own.
LONG127="$(python3 -c 'print("单" * 42 + "U")')"
LONG128="$(python3 -c 'print("单" * 42 + "UX")')"
as_clerk POST /v1/proposals '{"title":"关于长名单位自己的建议"}'
P_OWN="$(jv 'j["id"]')"
as_clerk POST "/v1/proposals/$P_OWN/actions/assign" "{\"mode\":\"single\",\"units\":[{\"name\":\"$LONG128\",\"role\":\"lead\"}]}"
as_clerk POST /v1/proposals '{"title":"关于长名单位别人的建议"}'
P_OTHER="$(jv 'j["id"]')"
as_clerk POST "/v1/proposals/$P_OTHER/actions/assign" "{\"mode\":\"single\",\"units\":[{\"name\":\"$LONG127\",\"role\":\"lead\"}]}"
mk_token 长名单位 unit ",\"unit\":\"$LONG128\""
check_status "a unit token for a unit of 128 bytes" 201
call "tcp:$TOK" GET /v1/proposals
check_eq "it lists its own proposal only" "$P_OWN" "$(jv '",".join(str(p["id"]) for p in j["items"])')"
call "tcp:$TOK" POST "/v1/proposals/$P_OTHER/actions/sign" '{}'
check_error "and may not sign the other unit's" 404 not_found
call "tcp:$TOK" POST "/v1/proposals/$P_OWN/actions/sign" "{\"unit\":\" $LONG128　\"}"
check_status "but signs its own, naming it with spaces around it as assign would take it" 200
mk_token 空格单位 unit ',"unit":"\u3000财政部 "'
check_eq "a token's unit is kept without the spaces around it, as assign keeps unit names" 财政部 \
    "$(jv 'j["unit"]')"
as_admin POST /v1/tokens "{\"name\":\"太长单位\",\"role\":\"unit\",\"unit\":\"$(python3 -c 'print("单" * 167)')\"}"
check_error "a unit of 501 bytes" 422 validation_failed
# A name of 64 four-byte characters (256 bytes) is a name, and can be revoked.
FOURBYTE="$(python3 -c 'print("\U00020000" * 64)')"
mk_token "$FOURBYTE" viewer
check_status "a token named with 64 four-byte characters" 201
FB_TOKEN="$TOK"
as_admin DELETE "/v1/tokens/$(urlenc "$FOURBYTE")"
check_status "is revoked" 204
call "tcp:$FB_TOKEN" GET /v1/proposals
check_error "and no longer works" 401 unauthorized

pt_step "run-time tokens: every role's part, at once"
ranked_cases "tcp:$RT_VIEWER" viewer "run-time token"
ranked_cases "tcp:$RT_CLERK" clerk "run-time token"
ranked_cases "tcp:$RT_ADMIN" admin "run-time token"
unit_case "tcp:$RT_UNIT" 运行时单位
delegate_case "tcp:$RT_DELEG" 运行时代表

pt_step "run-time tokens: listed without secrets, never stored or logged in plain text"
as_admin GET /v1/tokens
check_status "GET /v1/tokens" 200
LIST="$BODY"
check_eq "the list has config and run-time tokens" true \
    "$(jv '{"报表机","张代表","运行时报表","运行时单位"} <= set(i["name"] for i in j["items"])')"
check_eq "the list shows bindings" '["财政部", "张三"]' \
    "$(jv '[[i.get("unit") for i in j["items"] if i["name"]=="运行时单位"][0], [i.get("person") for i in j["items"] if i["name"]=="运行时代表"][0]]')"
check_eq "a used run-time token has a last use" true \
    "$(jv '[i["last_used_at"] is not None for i in j["items"] if i["name"]=="运行时报表"][0]')"
check_eq "so has a used token of the config file" true \
    "$(jv '[i["last_used_at"] is not None for i in j["items"] if i["name"]=="报表机"][0]')"
check_eq "no item carries a token or a hash" true \
    "$(jv 'all(not ({"token","sha256","hash"} & set(i)) for i in j["items"])')"
leaked=0
for t in "$RT_VIEWER" "$RT_UNIT" "$RT_DELEG" "$RT_CLERK" "$RT_ADMIN"; do
    case "$LIST" in *"$t"*) leaked=1 ;; esac
    grep -rqaF "$t" "$PT_DATA" && leaked=2
    grep -qaF "$t" "$PT_TMP/ptrackd.log" && leaked=3
done
check_eq "no token is in the list, the data directory or the log" 0 "$leaked"
check_eq "the store keeps the sha256" 1 \
    "$(python3 -c 'import sqlite3,sys,hashlib; db=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True); print(db.execute("select count(*) from tokens where name=? and sha256=?",("运行时报表",hashlib.sha256(sys.argv[2].encode()).digest())).fetchone()[0])' "$PT_DATA/ptrack.db" "$RT_VIEWER")"

pt_step "run-time tokens: revoked at once, kept over a restart"
as_admin DELETE "/v1/tokens/$(python3 -c 'import urllib.parse;print(urllib.parse.quote("运行时单位"))')"
check_status "admin revokes a token" 204
req "tcp:$RT_UNIT" GET /v1/proposals
check_error "the revoked token, right after" 401 unauthorized
as_admin DELETE "/v1/tokens/$(python3 -c 'import urllib.parse;print(urllib.parse.quote("运行时单位"))')"
check_error "revoking it again" 404 not_found
as_admin DELETE "/v1/tokens/$(python3 -c 'import urllib.parse;print(urllib.parse.quote("报表机"))')"
check_error "revoking a config token" 409 conflict
req "tcp:$RT_VIEWER" DELETE /v1/tokens/运行时管理员
check_error "a viewer revokes" 403 forbidden
as_admin GET /v1/tokens
CFG_USED="$(jv '[i["last_used_at"] for i in j["items"] if i["name"]=="报表机"][0]')"
pt_stop
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
as_admin GET /v1/tokens
check_eq "a config token's last use is kept over a restart" "$CFG_USED" \
    "$(jv '[i["last_used_at"] for i in j["items"] if i["name"]=="报表机"][0]')"
req "tcp:$RT_VIEWER" GET /v1/proposals
check_status "a run-time token works after a restart" 200
req "tcp:$RT_UNIT" GET /v1/proposals
check_error "a revoked token stays revoked after a restart" 401 unauthorized
as_admin POST /v1/tokens '{"name":"运行时单位","role":"unit","unit":"教育部"}'
check_status "a revoked token's name can be given to a new token" 201
NEW_UNIT="$(jv 'j["token"]')"
req "tcp:$NEW_UNIT" GET /v1/proposals
check_eq "the new token is bound to its own unit" true \
    "$(jv 'len(j["items"])>0 and all(any(u["name"]=="教育部" for u in i["units"]) for i in j["items"])')"

pt_step "ptrack token"
if [ -x "$PTRACK" ]; then
    out="$("$PTRACK" --socket "$PT_SOCK" token create --name 命令行令牌 --role delegate --person 张三 2>"$PT_TMP/cli.err")"
    rc=$?
    check_eq "token create exits 0" 0 "$rc"
    CLI_TOKEN="$(printf %s "$out" | grep -oE 'ptk_[A-Za-z0-9_-]{43}' || true)"
    check_true "token create prints the token" test -n "$CLI_TOKEN"
    check_eq "stdout holds the token alone, for T=\$(ptrack token create ...)" "$CLI_TOKEN" "$out"
    check_contains "what was made is said on stderr" "已创建 made token 命令行令牌 (delegate, 张三)" \
        "$(cat "$PT_TMP/cli.err")"
    check_contains "token create warns that it is shown once" "shown only now" "$(cat "$PT_TMP/cli.err")"
    req "tcp:$CLI_TOKEN" GET "/v1/proposals/$P_MINE"
    check_status "the token from the CLI works at once" 200
    out="$("$PTRACK" --socket "$PT_SOCK" token list)"
    check_contains "token list shows the name" 命令行令牌 "$out"
    check_contains "token list shows the binding" 张三 "$out"
    check_true "token list never shows a token" bash -c '! grep -q ptk_ <<<"$1"' _ "$out"
    out="$("$PTRACK" --socket "$PT_SOCK" --json token list)"
    check_eq "token list --json" true \
        "$(jv 'any(i["name"]=="命令行令牌" and i["person"]=="张三" for i in j["items"])' "$out")"
    out="$("$PTRACK" --socket "$PT_SOCK" --json token create --name 脚本令牌 --role viewer 2>/dev/null)"
    check_true "token create --json has the token" bash -c '[[ "$1" =~ ^ptk_ ]]' _ "$(jv 'j["token"]' "$out")"
    "$PTRACK" --socket "$PT_SOCK" token revoke 命令行令牌 >/dev/null
    check_eq "token revoke exits 0" 0 "$?"
    req "tcp:$CLI_TOKEN" GET /v1/proposals
    check_error "the revoked CLI token" 401 unauthorized
    rc=0
    "$PTRACK" --socket "$PT_SOCK" token revoke 命令行令牌 2>/dev/null || rc=$?
    check_eq "revoking an unknown token exits 1" 1 "$rc"
    rc=0
    "$PTRACK" --socket "$PT_SOCK" token create --name x 2>/dev/null || rc=$?
    check_eq "token create without --role is a usage error" 2 "$rc"
    out="$("$PTRACK" token --help)"
    check_contains "token --help documents create" "--person" "$out"
    rc=0
    PTRACK_URL="$PT_URL" PTRACK_TOKEN="$VIEWER_TOKEN" "$PTRACK" token list 2>/dev/null || rc=$?
    check_eq "token list as a viewer is refused (exit 1)" 1 "$rc"
    leaked=0
    grep -rqaF "$CLI_TOKEN" "$PT_DATA" && leaked=1
    grep -qaF "$CLI_TOKEN" "$PT_TMP/ptrackd.log" && leaked=2
    check_eq "the CLI's token is not stored or logged" 0 "$leaked"
else
    pt_log "skip: ptrack not built"
fi

pt_finish

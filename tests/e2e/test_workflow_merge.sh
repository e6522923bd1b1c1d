#!/usr/bin/env bash
# test_workflow_merge.sh - merge (并案) goes only into a live proposal.
# Checks: two proposals under review cannot be merged into each other (the
# second merge names one already merged); a merge into a withdrawn, merged
# (a chain) or draft proposal is refused with 422 validation_failed on
# merged_into, saying why, and writes nothing (version and history stay);
# a merge into a proposal under review or in handling is accepted; a draft
# is deleted as before when nothing is merged into it.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_config '{}'
pt_start

# new TITLE [STATUS]: creates a proposal; prints its id.
new() {
    if [ -n "${2:-}" ]; then
        api POST /v1/proposals "{\"title\": \"$1\", \"session\": \"并案规则\", \"status\": \"$2\"}"
    else
        api POST /v1/proposals "{\"title\": \"$1\", \"session\": \"并案规则\"}"
    fi
    [ "$ST" = 201 ] || pt_die "create $1: HTTP $ST $BODY"
    jv 'j["id"]'
}
# act ID ACTION BODY: an action that must succeed.
act() {
    api POST "/v1/proposals/$1/actions/$2" "$3"
    [ "$ST" = 200 ] || pt_check_fail "action $2 on #$1 ($3)" "HTTP 200" "HTTP $ST $BODY"
}
# refused_merge WHAT ID INTO MESSAGE_PART: merge ID into INTO is refused with
# 422 on merged_into, and ID is left as it was.
refused_merge() {
    local what="$1" id="$2" into="$3" want="$4" before
    api GET "/v1/proposals/$id"
    before="$(jv '"%s v%s" % (j["status"], j["version"])')"
    api POST "/v1/proposals/$id/actions/merge" "{\"merged_into\": $into}"
    check_error "$what" 422 validation_failed
    check_eq "$what: the problem is on merged_into" merged_into \
        "$(jv 'j["error"]["fields"][0]["field"]')"
    check_contains "$what: the message says why" "$want" "$(jv 'j["error"]["fields"][0]["message"]')"
    api GET "/v1/proposals/$id"
    check_eq "$what: #$id is as it was" "$before None" \
        "$(jv '"%s v%s %s" % (j["status"], j["version"], j["merged_into"])')"
    api GET "/v1/proposals/$id/history"
    check_eq "$what: no merge in #$id's history" 0 \
        "$(jv 'len([e for e in j["items"] if e["action"] == "merge"])')"
}

pt_step "two proposals under review are not merged into each other"
A="$(new 关于甲的建议)"
B="$(new 关于乙的建议)"
act "$A" review '{}'
act "$B" review '{}'
act "$A" merge "{\"merged_into\": $B}"
check_eq "#$A merged into #$B" "merged $B" "$(jv '"%s %s" % (j["status"], j["merged_into"])')"
refused_merge "merge #$B back into #$A" "$B" "$A" \
    "proposal $A is in state \"merged\" (并案), a final state where it is no longer handled; merge into a proposal that is still being handled"

pt_step "no merge into a withdrawn, merged or draft proposal"
C="$(new 关于丙的建议)"
act "$C" review '{}'
W="$(new 关于撤回的建议)"
act "$W" withdraw '{"reason": "代表撤回"}'
refused_merge "merge into a withdrawn proposal" "$C" "$W" "proposal $W is in state \"withdrawn\" (撤回), a final state"
refused_merge "merge into a merged proposal (a chain)" "$C" "$A" "proposal $A is in state \"merged\""
D="$(new 关于草稿的建议 draft)"
refused_merge "merge into a draft" "$C" "$D" "proposal $D is a draft (草稿), not yet submitted"
api DELETE "/v1/proposals/$D"
check_status "a draft nothing is merged into is deleted" 204

pt_step "a merge into a live proposal is accepted"
act "$C" merge "{\"merged_into\": $B}"
check_eq "#$C merged into #$B (under review)" "merged $B" \
    "$(jv '"%s %s" % (j["status"], j["merged_into"])')"
H="$(new 关于办理中的建议)"
act "$H" assign '{"mode": "single", "units": [{"name": "水利厅"}]}'
act "$H" sign '{"unit": "水利厅"}'
E="$(new 关于丁的建议)"
act "$E" review '{}'
act "$E" merge "{\"merged_into\": $H}"
check_eq "#$E merged into #$H (in handling)" "merged $H" \
    "$(jv '"%s %s" % (j["status"], j["merged_into"])')"

pt_finish

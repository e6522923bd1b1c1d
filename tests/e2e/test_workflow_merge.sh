#!/usr/bin/env bash
# test_workflow_merge.sh - merge (并案) goes only into a live proposal, and a
# draft that a proposal is merged into is not deleted.
# Checks: two proposals under review cannot be merged into each other (the
# second merge names one already merged); a merge into a withdrawn, merged
# (a chain) or draft proposal is refused with 422 validation_failed on
# merged_into, saying why, and writes nothing (version and history stay);
# a merge into a proposal under review or in handling is accepted; a draft
# is deleted as before when nothing is merged into it; a draft that an
# imported proposal is merged into is refused with 409 conflict and stays,
# and so does the merge that names it.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

PLUGINS="$PT_BUILD_DIR/plugins"
[ -f "$PLUGINS/import_json.so" ] && [ -f "$PLUGINS/export_json.so" ] ||
    pt_die "built-in plugins missing in $PLUGINS (build import_json and export_json)"
pt_config '{}'
pt_start --plugin-dir "$PLUGINS"

# new TITLE [STATUS]: creates a proposal; prints its id.
new() { pt_create "{\"title\": \"$1\", \"session\": \"并案规则\"${2:+, \"status\": \"$2\"}}"; }
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
pt_act "$A" review '{}'
pt_act "$B" review '{}'
pt_act "$A" merge "{\"merged_into\": $B}"
check_eq "#$A merged into #$B" "merged $B" "$(jv '"%s %s" % (j["status"], j["merged_into"])')"
refused_merge "merge #$B back into #$A" "$B" "$A" \
    "proposal $A is in state \"merged\" (并案), a final state where it is no longer handled; merge into a proposal that is still being handled"

pt_step "no merge into a withdrawn, merged or draft proposal"
C="$(new 关于丙的建议)"
pt_act "$C" review '{}'
W="$(new 关于撤回的建议)"
pt_act "$W" withdraw '{"reason": "代表撤回"}'
refused_merge "merge into a withdrawn proposal" "$C" "$W" "proposal $W is in state \"withdrawn\" (撤回), a final state"
refused_merge "merge into a merged proposal (a chain)" "$C" "$A" "proposal $A is in state \"merged\""
D="$(new 关于草稿的建议 draft)"
refused_merge "merge into a draft" "$C" "$D" "proposal $D is a draft (草稿), not yet submitted"
api DELETE "/v1/proposals/$D"
check_status "a draft nothing is merged into is deleted" 204

pt_step "a merge into a live proposal is accepted"
pt_act "$C" merge "{\"merged_into\": $B}"
check_eq "#$C merged into #$B (under review)" "merged $B" \
    "$(jv '"%s %s" % (j["status"], j["merged_into"])')"
H="$(new 关于办理中的建议)"
pt_act "$H" assign '{"mode": "single", "units": [{"name": "水利厅"}]}'
pt_act "$H" sign '{"unit": "水利厅"}'
E="$(new 关于丁的建议)"
pt_act "$E" review '{}'
pt_act "$E" merge "{\"merged_into\": $H}"
check_eq "#$E merged into #$H (in handling)" "merged $H" \
    "$(jv '"%s %s" % (j["status"], j["merged_into"])')"

pt_step "a draft that a proposal is merged into is not deleted"
# Such a pair can still come in through an import: the file is an export
# whose merge named a proposal that is a draft there.
api GET "/v1/exports?format=json&session=$(urlenc 并案规则)"
check_status "export the session" 200
python3 - "$PT_TMP/resp.body" "$PT_TMP/pair.json" "$B" "$C" <<'EOF'
import json, sys
items = {p["id"]: p for p in json.load(open(sys.argv[1], encoding="utf-8"))}
b, c = items[int(sys.argv[3])], items[int(sys.argv[4])]
for p in (b, c):
    p["session"] = "并案导入"
b["status"] = "draft"
json.dump([b, c], open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
EOF
pt_import json "$PT_TMP/pair.json"
check_status "import a draft and a proposal merged into it" 201
api GET "/v1/proposals?session=$(urlenc 并案导入)&sort=id"
DRAFT="$(jv '[p["id"] for p in j["items"] if p["status"] == "draft"][0]')"
MERGED="$(jv '[p["id"] for p in j["items"] if p["status"] == "merged"][0]')"
api GET "/v1/proposals/$MERGED"
check_eq "the imported merge names the imported draft" "$DRAFT" "$(jv 'j["merged_into"]')"
api DELETE "/v1/proposals/$DRAFT"
check_error "DELETE of the draft #$MERGED is merged into" 409 conflict
check_contains "the message names the merged proposal and what to do" \
    "proposal $MERGED is merged into draft $DRAFT, so the draft cannot be deleted" \
    "$(jv 'j["error"]["message"]')"
check_contains "and what to do" "withdraw the draft instead" "$(jv 'j["error"]["message"]')"
api GET "/v1/proposals/$DRAFT"
check_status "the draft is still there" 200
api GET "/v1/proposals/$DRAFT/history"
check_eq "and its history has no delete" 0 "$(jv 'len([e for e in j["items"] if e["action"] == "delete"])')"

pt_finish

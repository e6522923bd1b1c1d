#!/usr/bin/env bash
# test_import_stored_states.sh - an imported record of a stored proposal
# (one with an id, a version or a created_at) is taken in its own state only
# when it has what the workflow gives every proposal in that state. Checks
# that a record in handling without units, one replied
# or closed without a reply and one merged that names no target are
# rejected with their place and the missing field, all or nothing and
# partial; that complete ones are taken (a merged one whose target is not
# there becomes merged_into null, as before); and that an office's own
# workflow, with other names, is held to what its own actions give. One in
# handling with units and no due_at is taken: it can run every action.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

PLUGINS="$PT_BUILD_DIR/plugins"
pt_plugin_so import_json >/dev/null
W="$PT_TMP/work"
mkdir -p "$W"
pt_config '{}'
pt_start --plugin-dir "$PLUGINS"

UNITS='"handling_mode":"single","units":[{"name":"省民政厅","role":"lead"}],"assigned_at":"2026-01-10T08:00:00Z"'
REPLY='"replies":[{"unit":"省民政厅","doc_no":"民函〔2026〕1号","category":"A","text":"已办理。","replied_at":"2026-02-01T08:00:00Z","kind":"first"}]'

pt_step "records whose state lacks what the workflow gives it"
cat >"$W/bad.jsonl" <<EOF
{"id":1,"title":"在办无单位","status":"handling"}
{"id":2,"title":"已答复无答复","status":"replied",$UNITS}
{"id":3,"title":"并案无去向","status":"merged"}
{"id":4,"title":"办结无答复","status":"closed",$UNITS}
{"id":5,"title":"在办无期限","status":"handling",$UNITS}
{"id":6,"title":"撤回","status":"withdrawn"}
EOF
pt_import jsonl "$W/bad.jsonl"
check_error "all or nothing: refused" 422 validation_failed
check_eq "four records named, each with its missing field" \
    'line 1 units|line 2 replies|line 3 merged_into|line 4 replies' \
    "$(jv '"|".join("%s %s" % (r["where"], r["reason"].split(":")[0]) for r in j["error"]["rejected"])')"
check_contains "the reason says why" 'a proposal in state "handling" has units' \
    "$(jv 'j["error"]["rejected"][0]["reason"]')"
api GET "/v1/proposals"
check_eq "nothing stored" "0" "$(jv 'len(j["items"])')"

pt_import jsonl "$W/bad.jsonl" "partial=true"
check_status "partial" 200
check_eq "partial: the one without a deadline and the withdrawn one stored, four rejected" "2 4" \
    "$(jv '"%d %d" % (j["imported"], j["rejected_count"])')"

pt_step "complete records are taken in their state"
cat >"$W/good.jsonl" <<EOF
{"id":11,"title":"在办","status":"handling",$UNITS,"due_at":"2027-04-10T08:00:00Z"}
{"id":12,"title":"已答复","status":"replied",$UNITS,$REPLY}
{"id":13,"title":"并案","status":"merged","merged_into":999}
{"id":14,"title":"并入本文件","status":"merged","merged_into":11}
EOF
pt_import jsonl "$W/good.jsonl"
check_status "the import" 201
first=$(jv 'j["first_id"]')
api GET "/v1/proposals/$first"
check_eq "handling, with its units and due_at" "handling 1 2027-04-10T08:00:00Z" \
    "$(jv '"%s %d %s" % (j["status"], len(j["units"]), j["due_at"])')"
api GET "/v1/proposals/$((first + 2))"
check_eq "a merge into a proposal that is not here becomes null" "merged null" \
    "$(jv '"%s %s" % (j["status"], json.dumps(j["merged_into"]))')"
api GET "/v1/proposals/$((first + 3))"
check_eq "a merge into one of the import is pointed at it" "merged $first" \
    "$(jv '"%s %s" % (j["status"], j["merged_into"])')"

pt_step "an office's own workflow: its names, its actions"
pt_stop
cat >"$W/office.json" <<'EOF'
{"name": "office",
 "states": [
  {"name": "in", "label": {"zh": "收到", "en": "In"}, "initial": true},
  {"name": "doing", "label": {"zh": "承办中", "en": "Doing"}, "clock": true},
  {"name": "answered", "label": {"zh": "已回复", "en": "Answered"}},
  {"name": "parked", "label": {"zh": "搁置", "en": "Parked"}}],
 "actions": [
  {"name": "hand", "label": {"zh": "交办", "en": "Hand"}, "effect": "assign",
   "from": ["in"], "to": "doing",
   "fields": [{"name": "mode", "type": "enum", "required": true, "values": ["single"]},
              {"name": "units", "type": "units", "required": true}]},
  {"name": "answer", "label": {"zh": "回复", "en": "Answer"}, "effect": "reply",
   "from": ["doing"], "to": "answered",
   "fields": [{"name": "unit", "type": "string", "required": true},
              {"name": "doc_no", "type": "string", "required": true},
              {"name": "category", "type": "enum", "required": true, "values": ["A", "B", "C", "D"]},
              {"name": "text", "type": "text", "required": true}]},
  {"name": "park", "label": {"zh": "搁置", "en": "Park"}, "effect": "none",
   "from": ["in", "doing"], "to": "parked"}]}
EOF
pt_config '{}' ",\"workflow\": \"$W/office.json\""
pt_start --plugin-dir "$PLUGINS"
cat >"$W/office.jsonl" <<EOF
{"id":1,"title":"搁置无单位","status":"parked"}
{"id":2,"title":"已回复无答复","status":"answered",$UNITS}
{"id":3,"title":"承办无单位","status":"doing","due_at":"2027-04-10T08:00:00Z"}
EOF
pt_import jsonl "$W/office.jsonl" "partial=true"
check_status "partial" 200
check_eq "parked (reached before an assignment too) is taken; the others are named" \
    "1 line 2 replies|line 3 units" \
    "$(jv '"%d %s" % (j["imported"], "|".join("%s %s" % (r["where"], r["reason"].split(":")[0]) for r in j["rejected"]))')"

pt_finish

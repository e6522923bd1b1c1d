#!/usr/bin/env bash
# test_import_events.sh - the proposal.created events of imported
# proposals. An import does not copy each proposal into its event: the
# event refers to the proposal's version 1, and the writer keeps that
# version aside before the proposal first changes or is deleted. Checks
# that the feed shows each imported proposal exactly as GET showed it right
# after the import ("overdue" included, true for one whose deadline had
# passed), and still does after an edit, an action, a delete and a restart;
# that a proposal created through the API keeps its own copy; and that the
# notifiers' path reads the same (an exec notifier's file).
set -u
. "$(dirname "$0")/lib.sh"
pt_init

PLUGINS="$PT_BUILD_DIR/plugins"
pt_plugin_so import_json >/dev/null
EXEC_SO="$(pt_plugin_so notify_exec)" || exit 1 # pt_die said why
W="$PT_TMP/work"
mkdir -p "$W"
# The exec notifier appends every event it is given to a file, one per line.
cat >"$W/record.sh" <<EOF
#!/bin/sh
cat >>"$W/delivered.jsonl"
echo >>"$W/delivered.jsonl"
EOF
chmod +x "$W/record.sh"
EXTRA=',"plugins": [
    {"instance": "recorder", "path": "'"$EXEC_SO"'", "start": "oldest",
     "config": {"command": ["'"$W"'/record.sh"]}}
  ]'
pt_config '{}' "$EXTRA"
pt_start --plugin-dir "$PLUGINS"

upload() {
    api POST "/v1/imports?$1" -- --data-binary "@$2" -H "Content-Type: application/octet-stream"
}

pt_step "an import of three: a draft, a new one, and a stored one whose deadline has passed"
cat >"$W/three.jsonl" <<'EOF'
{"title":"关于设立乡村医生培训基金的建议","status":"draft","delegation":"山西代表团","lead_author":"王建国"}
{"number":"2001","session":"十四届全国人大四次会议","title":"关于加快农村公路提档升级的建议","background":"山区道路“窄、差、断”问题突出。","recommendations":["一是加大投入","二是完善养护"],"tags":["交通"],"co_signers":["李秀英"]}
{"id":77,"created_at":"2026-01-05T08:00:00Z","title":"关于完善养老服务体系的建议","status":"handling","handling_mode":"single","units":[{"name":"省民政厅","role":"lead","signed_at":"2026-01-12T08:00:00Z"}],"assigned_at":"2026-01-10T08:00:00Z","due_at":"2026-04-10T08:00:00Z","source":{"format":"oa","ref":"OA-2026-77"},"custom":{"联系人":"刘秘书"}}
EOF
upload "format=jsonl" "$W/three.jsonl"
check_status "the import is stored" 201
check_eq "three imported, ids 1..3" "3 1 3" "$(jv '"%d %d %d" % (j["imported"], j["first_id"], j["last_id"])')"
for id in 1 2 3; do
    api GET "/v1/proposals/$id"
    printf %s "$BODY" >"$W/after-import-$id.json"
done
check_eq "the stored one is overdue now" "true handling" \
    "$(jv '"%s %s" % (json.dumps(j["overdue"]), j["status"])' "$(cat "$W/after-import-3.json")")"

# created_events FILE: the proposals of the three proposal.created events of
# the feed in FILE, as {id: proposal}.
created_events() {
    python3 - "$1" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
out = {str(e["proposal"]["id"]): e["proposal"] for e in j["items"] if e["type"] == "proposal.created"}
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
EOF
}
# same_as_import FEED_FILE WHAT: checks that every created event shows the
# proposal as GET showed it after the import.
same_as_import() {
    local got
    got=$(python3 - "$1" "$W" <<'EOF'
import json, sys
feed = json.load(open(sys.argv[1], encoding="utf-8"))
w = sys.argv[2]
created = {e["proposal"]["id"]: e for e in feed["items"] if e["type"] == "proposal.created"}
bad = []
for i in (1, 2, 3):
    want = json.load(open("%s/after-import-%d.json" % (w, i), encoding="utf-8"))
    e = created.get(i)
    if e is None:
        bad.append("%d: no created event" % i)
    elif e["proposal"] != want:
        diff = sorted(k for k in set(want) | set(e["proposal"]) if want.get(k) != e["proposal"].get(k))
        bad.append("%d: differs in %s" % (i, ",".join(diff)))
    elif e["action"] != "import" or e["from"] is not None or e["to"] != want["status"]:
        bad.append("%d: %s %s -> %s" % (i, e["action"], e["from"], e["to"]))
print("; ".join(bad) or "same")
EOF
)
    check_eq "$2" "same" "$got"
}

api GET "/v1/events?after=0"
printf %s "$BODY" >"$W/feed1.json"
check_eq "three events, each created by the import" '["import", "import", "import"]' \
    "$(jv '[e["action"] for e in j["items"] if e["type"] == "proposal.created"]')"
same_as_import "$W/feed1.json" "each event shows its proposal as GET does, overdue included"
check_eq "the overdue one is overdue in its event" "true" \
    "$(jv '[e["proposal"]["overdue"] for e in j["items"] if e["proposal"]["id"] == 3][0]')"

pt_step "the proposals change, one is deleted; the events do not change"
api PATCH /v1/proposals/2 '{"title":"关于加快农村公路建设的建议（修改）","tags":["交通","民生"]}'
check_status "the imported proposal is edited" 200
api POST /v1/proposals/3/actions/supervise '{"key_supervision":true,"supervisor":"督办员"}'
check_status "an action on the stored one" 200
api POST /v1/proposals/3/actions/supervise '{"key_supervision":false}'
check_status "a second action on it" 200
api DELETE /v1/proposals/1
check_status "the imported draft is deleted" 204
api POST /v1/proposals '{"title":"关于加强基层医疗卫生的建议","delegation":"四川代表团"}'
check_status "a proposal created through the API" 201
api PATCH /v1/proposals/4 '{"title":"关于加强基层医疗卫生服务的建议"}'
api GET "/v1/events?after=0"
printf %s "$BODY" >"$W/feed2.json"
same_as_import "$W/feed2.json" "after an edit, actions and a delete, the created events are as they were"
check_eq "the API's proposal keeps its own first version in its event" "关于加强基层医疗卫生的建议 1" \
    "$(jv '" ".join(str(x) for x in [(e["proposal"]["title"], e["proposal"]["version"]) for e in j["items"] if e["type"] == "proposal.created" and e["proposal"]["id"] == 4][0])')"
check_eq "the later events show the later versions" '[[2, 2], [3, 2], [3, 3], [1, 1], [4, 2]]' \
    "$(jv '[[e["proposal"]["id"], e["proposal"]["version"]] for e in j["items"] if e["type"] in ("proposal.updated", "proposal.status_changed", "proposal.deleted")]')"
check_eq "the edit is in the proposal" "关于加快农村公路建设的建议（修改）" \
    "$(api GET /v1/proposals/2 && jv 'j["title"]')"

pt_step "after a restart, the same"
pt_stop
# The import wrote each proposal once: its events refer to version 1, which
# was kept aside when the proposal changed or went.
DB="$PT_DATA/ptrack.db"
check_eq "the import's events hold no copy of their proposal" "3" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE type = 'proposal.created' AND proposal IS NULL AND ref_version = 1")"
check_eq "the versions kept aside: the edited, the acted on and the deleted one" "1,2,3" \
    "$(sqlite3 "$DB" "SELECT group_concat(proposal_id) FROM (SELECT proposal_id FROM proposal_versions ORDER BY 1)")"
pt_start --plugin-dir "$PLUGINS"
api GET "/v1/events?after=0"
printf %s "$BODY" >"$W/feed3.json"
same_as_import "$W/feed3.json" "the created events after a restart"
check_eq "the whole feed is what it was before the restart" \
    "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["items"], sort_keys=True))' "$W/feed2.json")" \
    "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["items"], sort_keys=True))' "$W/feed3.json")"

pt_step "the notifier was given the same events"
nine_delivered() { [ "$(grep -c '"seq"' "$W/delivered.jsonl" 2>/dev/null)" -ge 9 ]; }
wait_for 10 nine_delivered
python3 - "$W/delivered.jsonl" >"$W/feed-notifier.json" <<'EOF'
import json, sys
items = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
seen, out = set(), []
for e in items:
    if e["seq"] not in seen:
        seen.add(e["seq"])
        out.append(e)
print(json.dumps({"items": out}, ensure_ascii=False))
EOF
same_as_import "$W/feed-notifier.json" "the notifier's created events show the imported proposals as GET did"

pt_finish

#!/usr/bin/env bash
# test_import_partial_merge_later.sh - a partial import (partial=true) of
# an export whose merged proposal comes in an earlier batch than the one
# it is merged into: the merged one is stored with merged_into null, and
# pointed at the other's new id once that one's batch is stored
# (api.md, imports). When the merged one was changed between the two
# batches (an edit of a clerk while the file still came), the pointer was
# written into its row in place: no version, no history entry, no event,
# and the writer still held the proposal as it was edited, so that the
# next edit stored merged_into null again, without a word in the history.
# It is now a change of its own: a new version, a history entry (import,
# merged_into from null to the id) and a proposal.updated event; the next
# edit keeps it, and so does a restart. One that was not changed between
# the batches is pointed in place, as an import that is all or nothing
# does, its history the import's one entry.
set -u
source "$(dirname "$0")/lib.sh"
pt_init
PAUSED="$PT_E2E_DIR/pausedpost.py"
pt_plugin_so import_json >/dev/null

pt_serve

# 2,700 records of an export, old ids 1..2700: 1 merged into 2600 (which
# an edit will change between the batches), 2 merged into 2650 (left
# alone). The first 2,500 lines go at once: the batch of 2,000 that holds
# 1 and 2 is stored while the rest waits (15 s: time enough for a busy
# machine to store 2,000 small proposals).
python3 - "$PT_TMP/export.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(1, 2701):
        r = {"id": i, "title": "关于合并导入的第%d号建议" % i, "created_at": "2026-03-05T08:00:00Z"}
        if i in (1, 2):
            r["status"] = "merged"
            r["merged_into"] = 2600 if i == 1 else 2650
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY

pt_step "the first batch is stored while the rest of the file waits"
python3 "$PAUSED" "$PT_SOCK" '/v1/imports?format=jsonl&partial=true' "$PT_TMP/export.jsonl" \
    2500 15 >"$PT_TMP/post.out" 2>"$PT_TMP/post.err" &
post=$!
stored() { api GET /v1/proposals/1 && [ "$ST" = 200 ]; }
wait_for 30 stored || pt_die "the first batch was not stored"
check_eq "the merged proposal, stored before the one it names" "merged None 1" \
    "$(jv '"%s %s %s" % (j["status"], j["merged_into"], j["version"])')"

pt_step "a clerk edits it between the batches"
api PATCH /v1/proposals/1 '{"category":"交通运输"}' -- -H 'Content-Type: application/merge-patch+json'
check_status "the edit" 200
check_eq "at version 2" 2 "$(jv 'j["version"]')"

pt_step "the rest of the file comes"
wait "$post" || true
check_contains "the import is answered 200" "HTTP/1.1 200" "$(head -n 1 "$PT_TMP/post.out")"
check_contains "every record imported" '"imported":2700' "$(cat "$PT_TMP/post.out")"

api GET /v1/proposals/1
check_eq "the edited one points at the new id, as a version of its own" "2600 3 交通运输" \
    "$(jv '"%s %s %s" % (j["merged_into"], j["version"], j["category"])')"
api GET /v1/proposals/1/history
check_eq "its history has the pointer, after the edit" \
    "import edit import {'merged_into': {'from': None, 'to': 2600}}" \
    "$(jv '" ".join(e["action"] for e in j["items"]) + " " + str(j["items"][-1]["changes"])')"
check_eq "one history entry a version" "1 2 3" "$(jv '" ".join(str(e["seq"]) for e in j["items"])')"
api GET "/v1/events?after=1900&limit=1000"
check_eq "the change feed's last event of it shows the pointer" "proposal.updated import 3 2600" \
    "$(jv '(lambda e: "%s %s %s %s" % (e["type"], e["action"], e["proposal"]["version"], e["proposal"]["merged_into"]))([e for e in j["items"] if e["proposal"] and e["proposal"]["id"] == 1][-1])')"

check_eq "after the proposal.created event of the one it names" "True" \
    "$(jv 'str(min(e["seq"] for e in j["items"] if e["type"] == "proposal.created" and e["proposal"]["id"] == 2600) < max(e["seq"] for e in j["items"] if e["proposal"] and e["proposal"]["id"] == 1))')"

api GET /v1/proposals/2
check_eq "the one left alone is pointed in place" "2650 1" \
    "$(jv '"%s %s" % (j["merged_into"], j["version"])')"
api GET /v1/proposals/2/history
check_eq "its history is the import's one entry" "import" \
    "$(jv '" ".join(e["action"] for e in j["items"])')"

pt_step "the next edit keeps the pointer"
api PATCH /v1/proposals/1 '{"tags":["交通"]}' -- -H 'Content-Type: application/merge-patch+json'
check_status "an edit of its tags" 200
check_eq "merged_into is kept" "2600 4" "$(jv '"%s %s" % (j["merged_into"], j["version"])')"
api GET /v1/proposals/1/history
check_eq "the edit changed only the tags" "{'tags': {'from': [], 'to': ['交通']}}" \
    "$(jv 'str(j["items"][-1]["changes"])')"
api PATCH /v1/proposals/2 '{"tags":["交通"]}' -- -H 'Content-Type: application/merge-patch+json'
check_eq "the other's too" "2650 2" "$(jv '"%s %s" % (j["merged_into"], j["version"])')"

pt_step "after a restart"
pt_stop
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
api GET /v1/proposals/1
check_eq "the pointer is stored" "2600 4" "$(jv '"%s %s" % (j["merged_into"], j["version"])')"
pt_stop

pt_finish

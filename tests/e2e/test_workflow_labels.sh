#!/usr/bin/env bash
# The exporters and notifiers speak the office's own workflow: here
# `handling` is called 承办中, and a state of the office's own, coordinating
# 协调中, runs the deadline. The csv, md, xlsx figures and a WeCom robot
# show those labels, and the csv imports back; ics lists the proposal being
# coordinated among the open ones with a deadline. A restart with the workflow's clock changed
# applies it to the proposals stored.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init

python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
states = wf["states"]
for s in states:
    if s["name"] == "handling":
        s["label"]["zh"] = "承办中"
i = next(i for i, s in enumerate(states) if s["name"] == "replied")
states.insert(i, {"name": "coordinating", "label": {"zh": "协调中", "en": "Coordinating"},
                  "terminal": False, "initial": False, "default": False, "clock": True})
for a in wf["actions"]:
    if a["name"] in ("reply", "withdraw", "supervise", "extend", "opinion") and "handling" in a["from"]:
        a["from"].append("coordinating")
wf["actions"].append({"name": "coordinate", "label": {"zh": "协调", "en": "Coordinate"},
                      "from": ["handling"], "to": "coordinating", "guards": [], "fields": [],
                      "effect": "none"})
wf["name"] = "office"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY

pt_receiver robot
SO="$PT_BUILD_DIR/plugins/notify_webhook.so"
chmod go-w "$SO"
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'", "plugins": [{"instance": "robot", "path": "'"$SO"'",
  "events": ["proposal.status_changed"],
  "config": {"url": "http://127.0.0.1:'"$PORT_robot"'/send?key=k", "format": "wecom"}}]'
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

pt_step "two proposals: one handling, one coordinating"
for t in 关于完善社区医疗服务的建议 关于协调跨区域交通建设的建议; do
    api POST /v1/proposals '{"title": "'"$t"'", "session": "自定义流程"}'
    check_status "create 「$t」" 201
    id="$(jv 'j["id"]')"
    api POST "/v1/proposals/$id/actions/assign" '{"mode": "single", "units": [{"name": "市卫健委", "role": "lead"}]}'
    check_status "assign #$id" 200
    api POST "/v1/proposals/$id/actions/sign" '{"unit": "市卫健委"}'
    check_status "sign #$id" 200
    LAST="$id"
done
api POST "/v1/proposals/$LAST/actions/coordinate" '{}'
check_status "coordinate #$LAST" 200
check_eq "it is coordinating" coordinating "$(jv 'j["status"]')"

export_to() { # QUERY OUT
    curl -sS --max-time 30 --unix-socket "$PT_SOCK" -o "$2" "http://localhost/v1/exports?$1&session=%E8%87%AA%E5%AE%9A%E4%B9%89%E6%B5%81%E7%A8%8B"
}

pt_step "the exports show the office's labels"
export_to "format=csv" "$PT_TMP/p.csv"
check_true "csv: 承办中 in the status column" grep -q ',承办中,' "$PT_TMP/p.csv"
check_true "csv: 协调中 for the state of the office's own" grep -q ',协调中,' "$PT_TMP/p.csv"
export_to "format=md" "$PT_TMP/p.md"
check_contains "md: the group of 承办中" "### 承办中（1件）" "$(cat "$PT_TMP/p.md")"
check_contains "md: the group of 协调中" "### 协调中（1件）" "$(cat "$PT_TMP/p.md")"
check_true "md: 承办中 comes before 协调中, as in the workflow" \
    test "$(grep -n '### 承办中' "$PT_TMP/p.md" | cut -d: -f1)" -lt "$(grep -n '### 协调中' "$PT_TMP/p.md" | cut -d: -f1)"
export_to "format=ics" "$PT_TMP/p.ics"
check_eq "ics: both open proposals with a deadline are to-dos" 2 "$(grep -c '^BEGIN:VTODO' "$PT_TMP/p.ics")"
check_contains "ics: described with the office's label" "协调中" "$(tr -d '\r\n ' <"$PT_TMP/p.ics")"

pt_step "a robot's message names the office's action and states"
for _ in $(seq 1 50); do
    [ "$(grep -c . "$PT_TMP/robot.jsonl" || true)" -ge 5 ] && break
    sleep 0.1
done
LAST_MSG="$(pt_robot_text robot -1)"
check_contains "动作：协调（承办中 → 协调中）" "动作：协调（承办中 → 协调中）" "$LAST_MSG"

pt_step "the csv exported with the office's labels imports back"
data_dir() { # data_dir DIR: the config's data_dir
    python3 - "$PT_CONF" "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["data_dir"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
}
pt_stop
data_dir "$PT_TMP/data-csv"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
api POST "/v1/imports?format=csv" -- --data-binary "@$PT_TMP/p.csv" -H "Content-Type: text/csv"
check_status "import the csv into an empty ptrackd" 201
api GET "/v1/proposals?sort=id"
check_eq "承办中 and 协调中 read back as handling and coordinating" '["handling", "coordinating"]' \
    "$(jv 'json.dumps([p["status"] for p in sorted(j["items"], key=lambda p: p["id"])], ensure_ascii=False)')"
pt_stop
data_dir "$PT_DATA"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

pt_step "a changed workflow's clock applies to the proposals stored"
running() { # the ids whose deadline runs
    api GET "/v1/proposals?due_before=2100-01-01T00:00:00Z&sort=id"
    jv '[p["id"] for p in j["items"]]'
}
check_eq "both deadlines run" "[1, 2]" "$(running)"
pt_stop
python3 - "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
for s in wf["states"]:
    if s["name"] == "coordinating":
        s["clock"] = False
json.dump(wf, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
check_eq "after a restart with coordinating's clock off, only #1's runs" "[1]" "$(running)"
check_contains "the log says so" "the workflow says the deadline does not run in state coordinating: 1 proposal changed" \
    "$(cat "$PT_TMP/ptrackd.log")"

pt_finish

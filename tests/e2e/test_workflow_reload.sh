#!/usr/bin/env bash
# SIGHUP with the workflow file changed in place: the change waits for the
# next start (docs/workflow.md), and the log says so rather than only
# "configuration reloaded", naming a state the new file drops while it
# may hold proposals (a county office's 暂缓办理, suspended), and so does a
# configuration that names another file without it. An unchanged
# file says nothing; a change of an action's effect alone is a change. The
# next start names the proposals stranded in the dropped state, and so
# does --check-config run before it.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

WF="$PT_TMP/wf.json"
python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$WF" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
i = next(i for i, s in enumerate(wf["states"]) if s["name"] == "replied")
wf["states"].insert(i, {"name": "suspended", "label": {"zh": "暂缓办理", "en": "Suspended"}})
wf["actions"] += [
    {"name": "suspend", "label": {"zh": "暂缓办理", "en": "Suspend"}, "effect": "none",
     "from": ["handling"], "to": "suspended"},
    {"name": "resume", "label": {"zh": "恢复办理", "en": "Resume"}, "effect": "none",
     "from": ["suspended"], "to": "handling"},
    # A second way to urge, sharing supervise's label: said at start only.
    {"name": "urge", "label": {"zh": "督办", "en": "Urge"}, "effect": "none",
     "from": ["handling"], "to": "handling"},
    # Two labels that differ only by a fullwidth space, which ptrack takes
    # as one: said at start too.
    {"name": "remind", "label": {"zh": "电话\u3000催办", "en": "Remind"}, "effect": "none",
     "from": ["handling"], "to": None},
    {"name": "call", "label": {"zh": "电话 催办", "en": "Call"}, "effect": "none",
     "from": ["handling"], "to": None}]
wf["name"] = "county"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
edit_wf() { # edit_wf PYTHON: changes the workflow file in place
    python3 - "$WF" "$1" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[2])
json.dump(wf, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
}
HUP_FROM=1
hup_done() {
    tail -n +"$HUP_FROM" "$PT_TMP/ptrackd.log" |
        grep -q "SIGHUP: configuration reloaded\|SIGHUP: the configuration was refused"
}
hup() { # sends SIGHUP and waits for its answer in the log; prints the lines it logged
    HUP_FROM=$(($(wc -l <"$PT_TMP/ptrackd.log") + 1))
    kill -HUP "$PT_PID"
    wait_for 10 hup_done || true
    tail -n +"$HUP_FROM" "$PT_TMP/ptrackd.log"
}
pt_config '{}' ', "workflow": "'"$WF"'"'
pt_start

pt_step "a proposal in 暂缓办理"
api POST /v1/proposals '{"title": "关于乡村道路养护的建议"}'
ID="$(jv 'j["id"]')"
api POST "/v1/proposals/$ID/actions/assign" '{"mode": "single", "units": [{"name": "县交通局", "role": "lead"}]}'
api POST "/v1/proposals/$ID/actions/sign" '{"unit": "县交通局"}'
api POST "/v1/proposals/$ID/actions/suspend" '{}'
check_status "suspended" 200

check_contains "the start names the shared label" "actions supervise and urge share the label 督办" \
    "$(cat "$PT_TMP/ptrackd.log")"
check_contains "and a label shared once folded as ptrack folds what is typed" \
    "actions remind and call share the label 电话　催办; where a person types it, remind is taken" \
    "$(cat "$PT_TMP/ptrackd.log")"

pt_step "SIGHUP with the file as it was: nothing about the workflow"
LOG="$(hup)"
check_contains "reloaded" "SIGHUP: configuration reloaded" "$LOG"
check_eq "no word of the workflow" "" "$(printf %s "$LOG" | grep 'workflow' || true)"

pt_step "a label changed: it waits for the next start, and the log says so"
edit_wf 'next(s for s in wf["states"] if s["name"] == "suspended")["label"]["zh"] = "暂缓"'
LOG="$(hup)"
check_contains "the log says the workflow changed and when it applies" \
    "SIGHUP: the workflow $WF changed; it takes effect at the next start" "$LOG"
api GET /v1/workflow
check_eq "the running workflow keeps its label" 暂缓办理 \
    "$(jv 'next(s for s in j["states"] if s["name"] == "suspended")["label"]["zh"]')"

pt_step "an action's effect alone changed"
edit_wf 'next(a for a in wf["actions"] if a["name"] == "resume")["effect"] = "reopen"'
LOG="$(hup)"
check_contains "is a change too" "SIGHUP: the workflow $WF changed" "$LOG"

pt_step "the state dropped: the log names it"
edit_wf '
wf["states"] = [s for s in wf["states"] if s["name"] != "suspended"]
wf["actions"] = [a for a in wf["actions"] if a["name"] not in ("suspend", "resume")]'
LOG="$(hup)"
check_contains "the log names the state the new file lacks" \
    "It has no state suspended: a proposal stored in one will run no action then" "$LOG"
api POST "/v1/proposals/$ID/actions/resume" '{}'
check_status "until the next start, the running workflow still resumes it" 200

pt_step "the configuration names another file, without the state: the log names it too"
cp "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/other.json"
python3 - "$PT_CONF" "$PT_TMP/other.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["workflow"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
LOG="$(hup)"
check_contains "the change of file waits for the next start" \
    "SIGHUP: workflow changed to \"$PT_TMP/other.json\"; it takes effect at the next start" "$LOG"
check_contains "and the state the other file lacks is named" \
    "the workflow $PT_TMP/other.json, which takes effect at the next start, has no state suspended: a proposal stored in one will run no action then" \
    "$LOG"
python3 - "$PT_CONF" "$WF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["workflow"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
LOG="$(hup)"
check_contains "back to the running file: reloaded" "SIGHUP: configuration reloaded" "$LOG"

pt_step "a start with the state dropped while a proposal is in it: the log says so"
api POST "/v1/proposals/$ID/actions/suspend" '{}'
check_status "suspended again" 200
pt_stop
OUT="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)"
check_contains "--check-config, run before the restart, says it as the start will" \
    "1 proposal is in state \"suspended\", which workflow county does not have: no action runs on it" \
    "$OUT"
check_contains "and passes the file" "is a good configuration" "$OUT"
START_FROM=$(($(wc -l <"$PT_TMP/ptrackd.log") + 1))
pt_start
check_contains "the start names the state, how many are in it and what that means" \
    "1 proposal is in state \"suspended\", which workflow county does not have: no action runs on it" \
    "$(tail -n +"$START_FROM" "$PT_TMP/ptrackd.log")"

pt_stop
pt_finish

#!/usr/bin/env bash
# An office's workflow may hold a state that is not terminal and that no
# action leads out of (a county's 冻结, for which the action back was
# forgotten): a proposal that comes there stays there for good. It loads,
# as an office may mean it, but --check-config, the start and a SIGHUP
# that finds the file changed say so, naming the state; the default
# workflow has none.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
wf["states"].append({"name": "frozen", "label": {"zh": "冻结", "en": "Frozen"}})
wf["actions"].append({"name": "freeze", "label": {"zh": "冻结", "en": "Freeze"}, "effect": "none",
                      "from": ["handling"], "to": "frozen"})
wf["name"] = "county"
json.dump(wf, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
WARNING="workflow $PT_TMP/wf.json: state frozen is not terminal, and no action leads out of it: a proposal there stays there; add an action from it, or make it terminal"

pt_step "the default workflow: nothing to say"
pt_config
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)"
check_eq "--check-config says the configuration is good, and nothing else" \
    "ptrackd: $PT_CONF is a good configuration" "$out"

pt_step "a state with no way out: said by --check-config and the start"
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config takes it" 0 "$rc"
check_contains "and names the state" "$WARNING" "$out"
pt_start
check_contains "the start names it too" "$WARNING" "$(cat "$PT_TMP/ptrackd.log")"
check_eq "once" 1 "$(grep -c "no action leads out" "$PT_TMP/ptrackd.log")"

pt_step "a SIGHUP with the file changed says it of the new file, before the start that takes it"
python3 - "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
wf["states"].append({"name": "sealed", "label": {"zh": "封存", "en": "Sealed"}})
wf["actions"].append({"name": "seal", "label": {"zh": "封存", "en": "Seal"}, "effect": "none",
                      "from": ["handling"], "to": "sealed"})
json.dump(wf, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
pt_reload
check_contains "the reload names the new state with no way out" \
    "workflow $PT_TMP/wf.json: state sealed is not terminal, and no action leads out of it" \
    "$(cat "$PT_TMP/ptrackd.log")"
pt_reload
check_eq "each reload says it while the change waits for the start, as it says the change" \
    "2 2" "$(grep -c "state sealed is not terminal" "$PT_TMP/ptrackd.log") $(grep -c "SIGHUP: the workflow .* changed" "$PT_TMP/ptrackd.log")"
pt_stop
pt_finish

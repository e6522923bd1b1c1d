#!/usr/bin/env bash
# ptrack plugins list never cuts an instance's name, which is what
# plugins unload takes: on a line too narrow for the table with every name
# whole (a terminal of 40 or 60 columns, a name of 64 letters in a pipe),
# each instance is a card, its name on a line of its own and the other
# columns labelled below it, every line within the terminal's width but
# for a name wider than it by itself, which stands whole on its line. The
# name's column wrapped as narrow as its header instead, office_wecom_ on
# one line and robot_of_the_ on the next. A pipe gets the table, as
# before, where the names fit it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
HOOK_SO="$(pt_plugin_so notify_webhook)"
DEAD="$(pt_free_port)"
LONG=office_wecom_robot_of_the_proposal_office_for_the_delegates_2026
pt_serve_cli '{}' ",
  \"plugins\": [{\"instance\": \"wecom\", \"path\": \"$HOOK_SO\",
                 \"config\": {\"url\": \"http://127.0.0.1:$DEAD/hook\"}}]"

# on COLS SOCK: plugins list on a terminal COLS columns wide; TTY gets what
# it showed, W its widest line.
on() {
    set +e
    python3 "$PT_E2E_DIR/ptyrun.py" --cols "$1" -- "$PTRACK" --socket "$2" plugins list \
        >"$PT_TMP/cli.tty"
    RC=$?
    set -e
    TTY="$(tr -d '\r' <"$PT_TMP/cli.tty")"
    W="$(printf '%s\n' "$TTY" | widest)"
}

# fits TEXT COLS: every line of TEXT is within COLS columns, or is a name
# alone that is wider.
fits() {
    local narrow
    narrow="$(printf '%s\n' "$1" | grep -vx "$LONG" | widest)"
    check_true "every other line fits $2 columns (widest $narrow)" test "$narrow" -le "$2"
}

pt_cli --json plugins list
check_rc "plugins list --json" 0
mapfile -t NAMES < <(jv '"\n".join(i["instance"] for i in j["items"])' "$OUT")
check_true "the built-in instances and wecom (${NAMES[*]})" test "${#NAMES[@]}" -gt 5

pt_step "a pipe: the table, as before"
pt_cli plugins list
check_rc "plugins list" 0
check_true "its header" grep -q '^实例 instance  *插件 plugin  *版本 version  *类型 kinds  *格式 formats$' \
    <<<"$OUT"
check_true "it fits 100 columns" test "$(printf '%s\n' "$OUT" | widest)" -le 100
pt_whole_names "$OUT" "${NAMES[@]}"

for cols in 40 60; do
    pt_step "a terminal of $cols columns: a card for each instance"
    on "$cols" "$PT_SOCK"
    check_eq "exit 0" 0 "$RC"
    check_true "every line fits $cols columns (widest $W)" test "$W" -le "$cols"
    pt_whole_names "$TTY" "${NAMES[@]}"
    check_contains "wecom's card" "wecom
  插件 plugin   notify_webhook
  版本 version  1.0.0
  类型 kinds    notifier
  格式 formats  -
  running, queue 0, delivered 0, failed" "$TTY"
    check_contains "a built-in one's formats" "格式 formats  import json,jsonl" "$TTY"
done

pt_step "an instance's name of 64 letters"
pt_cli plugins load --instance "$LONG" --path "$HOOK_SO" --set "url=http://127.0.0.1:$DEAD/hook"
check_rc "loaded" 0
NAMES+=("$LONG")
pt_cli plugins list
check_rc "a pipe" 0
fits "$OUT" 100
pt_whole_names "$OUT" "${NAMES[@]}"
for cols in 40 60; do
    on "$cols" "$PT_SOCK"
    check_eq "a terminal of $cols columns: exit 0" 0 "$RC"
    fits "$TTY" "$cols"
    pt_whole_names "$TTY" "${NAMES[@]}"
done

pt_step "a name of Chinese characters, from another ptrackd"
# ptrackd keeps names to ASCII; ptrack shows whatever name it is given.
CN=省人大常委会办公厅钉钉群通知
cat >"$PT_TMP/plugins.py" <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["PT_E2E_DIR"])
from fakeserver import answer_json, requests
items = [{"instance": name, "plugin": "notify_webhook", "version": "1.0.0",
          "kinds": ["notifier"], "runtime": True,
          "notifier": {"queue": 0, "delivered": 12, "failed": 0, "cursor": 12, "behind": 0}}
         for name in ("省人大常委会办公厅钉钉群通知", "省人大常委会办公厅钉钉群通知二号机器人")]
body = json.dumps({"items": items, "formats": {}, "failed": []}).encode()
for c, _, _, _ in requests(sys.argv[1]):
    answer_json(c, body)
PY
pt_stand_in "$PT_TMP/plugins.py" "$PT_TMP/fake.sock"
for cols in 40 60; do
    on "$cols" "$PT_TMP/fake.sock"
    check_eq "a terminal of $cols columns: exit 0" 0 "$RC"
    check_true "every line fits $cols columns (widest $W)" test "$W" -le "$cols"
    pt_whole_names "$TTY" "$CN" "${CN}二号机器人"
done

pt_finish

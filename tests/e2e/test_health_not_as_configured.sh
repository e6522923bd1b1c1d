#!/usr/bin/env bash
# ptrack health says what its answer's plugins_failed and config_refused
# mean, for each way they come, as the exit code stays 0:
#   - an instance whose create() refused at the start is said to be one
#     that the start or the last reload could not load or change, where it
#     was said to be the last reload's (ptrackd had not been reloaded at
#     all); so is one whose new entry a reload refused;
#   - a refused reload seen with a viewer's token, whose answer leaves the
#     reason out (it is an admin's to read), says where to read it, where
#     it said "?".
# On a terminal, the note wraps at its width (40, 60 columns): it was one
# line of 180 columns that the terminal broke wherever its edge fell.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures bad_create
chmod go-w "$FIX/fixture_bad_create.so"
plugin='"plugins": [{"instance": "oa", "path": "'"$FIX"'/fixture_bad_create.so", "config": {"fail": FAIL}}]'
pt_config '{}' ",${plugin/FAIL/true}"
pt_start
pt_need_cli

pt_step "an instance that the start could not load"
pt_cli health
check_rc "health" 0
check_contains "the instance is named in the table" "oa" "$OUT"
check_contains "stderr says the start or the last reload could not load it" \
    "ptrack: plugin instance oa does not run as configured: ptrackd's start or its last reload could not load or change it" "$ERR"
check_true "and not that the last reload did (stderr: $ERR)" test "${ERR#*the last reload could}" = "$ERR"

for cols in 40 60; do
    pt_step "on a terminal of $cols columns, the note wraps at its width"
    set +e
    python3 "$PT_E2E_DIR/ptyrun.py" --cols "$cols" -- "$PTRACK" --socket "$PT_SOCK" health \
        >"$PT_TMP/health.tty"
    RC=$?
    set -e
    NOTE="$(tr -d '\r' <"$PT_TMP/health.tty" | sed -n '/^ptrack: plugin instance oa/,$p')"
    check_eq "health: exit 0" 0 "$RC"
    check_contains "the note, its start" "ptrack: plugin instance oa does not" "$NOTE"
    check_true "on more than one line" test "$(grep -c . <<<"$NOTE")" -gt 1
    check_true "every line of it fits $cols columns (widest $(widest <<<"$NOTE"))" \
        test "$(widest <<<"$NOTE")" -le "$cols"
    check_eq "every word of it" "$(printf '%s\n' "$ERR" | tr -s ' \n' '  ')" \
        "$(printf '%s\n' "$NOTE" | tr -s ' \n' '  ')"
done

pt_step "a reload that loads it, then one that refuses its new entry"
# The config again with fail set so, on the port ptrackd listens on.
config_with() {
    local port="$PT_PORT"
    pt_config '{}' ",${plugin/FAIL/$1}"
    sed -i "s/127.0.0.1:$PT_PORT/127.0.0.1:$port/" "$PT_CONF"
    PT_PORT="$port"
    PT_URL="http://127.0.0.1:$PT_PORT"
}
config_with false
pt_reload
pt_cli health
check_rc "health after a reload that loaded it" 0
check_eq "nothing on stderr" "" "$ERR"
config_with true
pt_reload
pt_cli health
check_rc "health after a reload that could not change it" 0
check_contains "stderr says so again" \
    "ptrack: plugin instance oa does not run as configured: ptrackd's start or its last reload could not load or change it" "$ERR"

pt_step "a refused reload, seen with a viewer's token"
printf '{"limits": {"body": "1.5MiB"}}' >"$PT_CONF.bad"
cp "$PT_CONF" "$PT_CONF.good"
cp "$PT_CONF.bad" "$PT_CONF"
pt_reload
cp "$PT_CONF.good" "$PT_CONF"
pt_run "$PTRACK" --url "$PT_URL" --token "$VIEWER_TOKEN" health
check_rc "health as a viewer" 0
check_contains "stderr says the configuration was refused" \
    "ptrack: the last reload's configuration was refused, and the one before runs" "$ERR"
no_question_mark() { [[ "$ERR" != *'runs: ?'* ]]; }
check_true "without a ? for its reason (stderr: $ERR)" no_question_mark
check_contains "and where its reason is" "(an admin's ptrack health and ptrackd's log say why)" "$ERR"
pt_cli health
check_contains "an admin reads the reason" "limits.body" "$ERR"
pt_finish

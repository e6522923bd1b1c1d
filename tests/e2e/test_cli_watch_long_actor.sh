#!/usr/bin/env bash
# ptrack watch prints two lines per event, each within 100 columns (cli.md,
# watch), also when who did it has a long name: a token's name may have 64
# characters, and a unit's liaison named after the unit in full
# (中国人民政治协商会议山西省委员会提案委员会联络员) ran the second line to
# 115 columns. The actor is never cut (it is what token revoke takes): one
# wider than what is left of the line goes whole on a line of its own,
# under the state; it was cut with … to what was left.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli
LONG=中国人民政治协商会议山西省委员会提案委员会联络员
SHORT=水利厅收文

pt_cli --json add --title 关于加强农村饮水安全保障的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" assign --unit 山西省政协提案委员会 --unit 省水利厅
check_rc "assign" 0
T_LONG="$(pt_unit_token "$LONG" 山西省政协提案委员会)"
T_SHORT="$(pt_unit_token "$SHORT" 省水利厅)"
"$PTRACK" --url "$PT_URL" --token "$T_LONG" do "$ID" sign --unit 山西省政协提案委员会 >/dev/null
check_rc "the long-named token signs" 0
"$PTRACK" --url "$PT_URL" --token "$T_SHORT" do "$ID" opinion --unit 省水利厅 \
    --set opinion=同意 >/dev/null
check_rc "the short-named token gives its opinion" 0

"$PTRACK" --socket "$PT_SOCK" watch --after 0 </dev/null >"$PT_TMP/watch.out" 2>&1 &
watch_pid=$!
PT_PIDS+=("$watch_pid")
wait_for 60 grep -q "$SHORT" "$PT_TMP/watch.out" || true
pt_stop_bg "$watch_pid" TERM 10 "watch"
W="$(cat "$PT_TMP/watch.out")"

w="$(printf '%s\n' "$W" | widest)"
check_true "every line fits 100 columns (widest: $w)" test "$w" -le 100
check_true "the sign's second line ends with the action" grep -q '  签收 sign$' <<<"$W"
check_true "the long name whole on a line of its own, under the state" \
    grep -qx " \{29\}$LONG" <<<"$W"
check_contains "a short one whole" "协办意见 opinion    $SHORT" "$W"

pt_stop
pt_finish

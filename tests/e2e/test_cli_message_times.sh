#!/usr/bin/env bash
# ptrackd's messages give times in UTC, as the API does; ptrack shows them
# in local time, as its tables do: the end of the return window that a
# unit missed, the latest deadline an extension may set. --json prints
# the daemon's answer as it came.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config '{"return": "1s", "reply": "1d", "rehandle": "1d", "max": "1d"}'
pt_start
pt_need_cli
export TZ=CST-8 # Beijing, without a zone database

# local RFC3339: the time as ptrack should show it in Beijing, to the second.
beijing() {
    python3 -c 'import sys, datetime as d
t = d.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")) + d.timedelta(seconds=int(sys.argv[2]))
print((t + d.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S"))' "$1" "$2"
}

pt_cli --json add --title 关于时间显示的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli --json do "$ID" 交办 --unit 省交通运输厅
ASSIGNED="$(jv 'j["assigned_at"]' "$OUT")"

pt_step "the return window's end"
sleep 1.2
pt_cli do "$ID" 退回 --unit 省交通运输厅 --set reason=不属于我厅
check_rc "a return after the window" 1
check_contains "its end in local time" "which ended $(beijing "$ASSIGNED" 1)" "$ERR"
check_true "and not in UTC (stderr: $ERR)" test "${ERR#*Z}" = "$ERR"
pt_cli --json do "$ID" 退回 --unit 省交通运输厅 --set reason=不属于我厅
check_true "--json keeps the API's time (stdout: $OUT)" \
    grep -Eq 'which ended [0-9-]{10}T[0-9:.]+Z' "$PT_TMP/cli.out"

pt_step "the latest deadline an extension may set"
pt_cli do "$ID" 签收 --unit 省交通运输厅
pt_cli do "$ID" 延期 --set due_at=2099-01-01
check_rc "an extension past the limit" 1
check_contains "the latest allowed, in local time" \
    "the latest allowed is $(beijing "$ASSIGNED" 86400)" "$ERR"

pt_stop
pt_finish

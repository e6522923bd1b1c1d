#!/usr/bin/env bash
# ptrack health shows when the last reload refused the configuration
# (配置未生效 config refused) in local time to the second, as it shows every
# time (cli.md, Output), where it printed the API's UTC as it came
# (2026-12-01T05:20:00.123Z): in Beijing, eight hours off what the clock
# on the wall said. --json keeps the API's time.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start
pt_need_cli

pt_step "a reload that is refused"
cp "$PT_CONF" "$PT_CONF.good"
printf '{"limits": {"body": "1.5MiB"}}' >"$PT_CONF"
pt_reload
cp "$PT_CONF.good" "$PT_CONF"
api GET /v1/health
at="$(jv 'j["config_refused"]["at"]')"
check_true "the API says when ($at)" test -n "$at"
local_at="$(TZ=Asia/Shanghai python3 -c '
import sys, datetime
t = datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00"))
print(t.astimezone().strftime("%Y-%m-%d %H:%M:%S"))' "$at")"

pt_step "ptrack health in Beijing"
export TZ=Asia/Shanghai
pt_cli health
check_rc "health" 0
row="$(printf '%s\n' "$OUT" | grep '^配置未生效 config refused' || true)"
check_contains "the time in local time, to the second" "$local_at" "$row"
check_true "not the API's UTC ($row)" test "${row#*"$at"}" = "$row"
pt_cli --json health
check_contains "--json keeps the API's time" "\"at\": \"$at\"" "$OUT"
pt_finish

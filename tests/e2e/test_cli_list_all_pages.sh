#!/usr/bin/env bash
# `ptrack list --all` asks for pages of 500, the most ptrackd gives, when
# --limit does not say otherwise: the table is the same, and each page
# costs ptrackd a search or a seek of its own (15,000 proposals of a tag
# took 11 s in pages of the default 50). --limit still sets the pages.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli


pt_step "120 proposals, more than two pages of the default 50"
for i in $(seq 1 120); do
    api POST /v1/proposals "{\"title\": \"关于整页测试第${i}件的建议\", \"tags\": [\"整页\"]}"
done

pt_step "--all: one request of 500"
BEFORE="$(pt_list_requests)"
pt_cli list --tag 整页 --all
check_rc "list --all" 0
check_contains "it shows them all" "共 120 条 (120 in all)" "$OUT"
check_eq "in one request" 1 "$(($(pt_list_requests) - BEFORE))"
BEFORE="$(pt_list_requests)"
pt_cli --json list --tag 整页 --all
check_eq "--json --all: every item" 120 "$(jv 'len(j["items"])' "$OUT")"
check_eq "in one request too" 1 "$(($(pt_list_requests) - BEFORE))"

pt_step "--all --limit 50: pages of 50, as asked"
BEFORE="$(pt_list_requests)"
pt_cli list --tag 整页 --all --limit 50
check_contains "it shows them all" "共 120 条 (120 in all)" "$OUT"
check_eq "in three requests" 3 "$(($(pt_list_requests) - BEFORE))"

pt_step "without --all, a page of the default 50"
pt_cli list --tag 整页
check_eq "50 rows" 50 "$(printf '%s\n' "$OUT" | grep -cE '^ *[0-9]+ ')"

pt_finish

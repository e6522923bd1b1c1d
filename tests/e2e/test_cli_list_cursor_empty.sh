#!/usr/bin/env bash
# `ptrack list --cursor` whose page comes back empty (the proposals that
# were after the cursor have left the filter since: assigned, withdrawn)
# says that none match after the cursor; it said that no proposal matches
# at all, of a list whose first page had shown some.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

pt_step "three proposals, listed two to a page"
ids=()
for i in 1 2 3; do
    id="$(pt_create "{\"title\": \"关于翻页测试第${i}件的建议\", \"session\": \"翻页会\"}")" || exit 1
    ids+=("$id")
done
pt_cli list --session 翻页会 --status 已提出 --limit 2
check_rc "the first page" 0
CURSOR="$(printf '%s\n' "$OUT" | grep -o -- '--cursor [^，]*' | cut -d' ' -f2)"
[ -n "$CURSOR" ] || pt_die "no cursor in the first page's last line: $OUT"

pt_step "the third is withdrawn before the next page is asked for"
pt_act "${ids[2]}" withdraw '{"reason": "代表撤回"}'
pt_cli list --session 翻页会 --status 已提出 --limit 2 --cursor "$CURSOR"
check_rc "the page after the cursor" 0
check_eq "it says none match after the cursor" \
    "自 --cursor 起没有符合条件的建议 (no proposals match after the cursor)" "$OUT"
pt_cli list --session 翻页会 --status 已提出 --limit 2 --cursor "$CURSOR" --all
check_eq "and so with --all" \
    "自 --cursor 起没有符合条件的建议 (no proposals match after the cursor)" "$OUT"

pt_step "a list that matches nothing says so as before"
pt_cli list --session 翻页会 --status 办结
check_eq "no proposals match" "没有符合条件的建议 (no proposals match)" "$OUT"

pt_finish

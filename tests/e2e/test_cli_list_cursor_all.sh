#!/usr/bin/env bash
# `ptrack list`'s last line counts what its table shows. Given --cursor and
# --all, the table holds every page from that cursor to the end: the line
# says so, and does not call them the rows of one last page, nor all that
# match. One page named by --cursor, and a whole list, keep their lines.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

pt_step "seven proposals, listed three to a page"
for i in 1 2 3 4 5 6 7; do
    api POST /v1/proposals "{\"title\": \"关于分页测试第${i}件的建议\", \"session\": \"分页会\"}"
done
pt_cli list --session 分页会 --limit 3
check_rc "the first page" 0
CURSOR="$(printf '%s\n' "$OUT" | grep -o -- '--cursor [^，]*' | cut -d' ' -f2)"
[ -n "$CURSOR" ] || pt_die "no cursor in the first page's last line: $OUT"

pt_step "--cursor --all: the two pages after the first, four rows"
pt_cli list --session 分页会 --limit 3 --cursor "$CURSOR" --all
check_rc "list --cursor --all" 0
check_eq "it shows the four after the first page" 4 "$(printf '%s\n' "$OUT" | grep -cE '^ *[0-9]+ ')"
check_contains "its last line counts them from the cursor to the end" \
    "自 --cursor 起共 4 条，到最后一页 (4 from the cursor to the last page)" "$OUT"
if grep -q "on this last page" <<<"$OUT"; then
    pt_check_fail "it does not call them one last page" "no \"on this last page\"" "$OUT"
else
    pt_ok "it does not call them one last page"
fi

pt_step "one page named by --cursor, and a whole list, keep their lines"
api GET "/v1/proposals?session=$(urlenc 分页会)&limit=5"
pt_cli list --session 分页会 --limit 5 --cursor "$(jv 'j["next"]')"
check_contains "the last page named by --cursor" "本页 2 条，已是最后一页 (2 on this last page)" "$OUT"
pt_cli list --session 分页会 --limit 3 --cursor "$(jv 'j["next"]')" --all
check_contains "--all from a cursor whose page is the last: one page" \
    "本页 2 条，已是最后一页 (2 on this last page)" "$OUT"
pt_cli list --session 分页会 --limit 3 --all
check_contains "--all from the start counts every one" "共 7 条 (7 in all)" "$OUT"

pt_finish

#!/usr/bin/env bash
# test_tag_spelling.sh - a tag is kept in one spelling however it was
# pasted, as a unit's name is: the zero-width characters a copy from a web
# page or an OA system brings along (两会<U+200B>, <U+FEFF>两会) go from
# beside an ideograph, and a Kangxi radical that text copied from a PDF
# holds (⽣ U+2F63) is the ideograph it stands for (生), on create, on
# PATCH and the CLI's edit, in an import's tags (a JSON import's array and
# a CSV's 标签 cell, which the host keeps so, not the plugin) and in the tag
# filter of lists, stats and exports. A tag that is then given twice on
# one proposal is kept once, where it first came. A dot and the spaces
# inside a tag stay, and so does a zero-width joiner between characters
# that are not Chinese (an emoji's).
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli
DB="$PT_DATA/ptrack.db"

ZW="$(printf '\u200b')"
ids() { # QUERY: the ids a list finds, in id order
    api GET "/v1/proposals?limit=100&$1"
    [ "$ST" = 200 ] || pt_check_fail "GET /v1/proposals?$1" "HTTP 200" "HTTP $ST $BODY"
    jv '",".join(str(i) for i in sorted(i["id"] for i in j["items"]))'
}
tags() { jv 'json.dumps(j["tags"], ensure_ascii=False)'; }

pt_step "create: tags pasted with a zero-width space, a BOM or a radical"
api POST /v1/proposals "$(printf '{"title": "关于开好两会的建议", "tags": ["两会\\u200b", "\\u2f63态", "\\ufeff两会", "Wi-Fi 6", "两会", "工业4.0", "家庭\\ud83d\\udc68\\u200d\\ud83d\\udc69"]}')"
check_status "created" 201
P1="$(jv 'j["id"]')"
check_eq "两会 once, where it first came; ⽣态 is 生态; a dot, a space and an emoji's joiner stay" \
    '["两会", "生态", "Wi-Fi 6", "工业4.0", "家庭👨‍👩"]' "$(tags)"
api GET "/v1/proposals/$P1"
check_eq "and so it is stored" '["两会", "生态", "Wi-Fi 6", "工业4.0", "家庭👨‍👩"]' "$(tags)"
check_eq "in the tags' rows too" "两会|生态" \
    "$(sqlite3 "$DB" "SELECT group_concat(tag, '|') FROM (SELECT tag FROM proposal_tags WHERE proposal_id = $P1 AND tag IN ('两会', '生态') ORDER BY tag)")"
check_eq "no row holds a pasted spelling" "0" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM proposal_tags WHERE tag LIKE '%' || char(8203) || '%' OR tag LIKE '%' || char(65279) || '%' OR tag LIKE '%⽣%'")"

pt_step "edit: PATCH and the CLI"
api POST /v1/proposals '{"title": "关于生态保护补偿的建议", "tags": ["水利"]}'
P2="$(jv 'j["id"]')"
api PATCH "/v1/proposals/$P2" "$(printf '{"tags": ["\\u2f63态\\u200b", "生态", "两会\\u200d", "水利"]}')"
check_status "PATCH" 200
check_eq "生态 once, 两会 without its joiner" '["生态", "两会", "水利"]' "$(tags)"
pt_cli --json add --title 关于乡村振兴的建议 --tag "$(printf '乡村振兴\u200b，\u2f63态')"
check_rc "add --tag with two tags, pasted" 0
P3="$(jv 'j["id"]' "$OUT")"
check_eq "the CLI's add: 乡村振兴 and 生态" '["乡村振兴", "生态"]' "$(jv 'json.dumps(j["tags"], ensure_ascii=False)' "$OUT")"
pt_cli --json edit "$P3" --tag "$(printf '\ufeff乡村振兴、乡村振兴、两会\u200b')"
check_rc "edit --tag" 0
check_eq "the CLI's edit: 乡村振兴 once, and 两会" '["乡村振兴", "两会"]' "$(jv 'json.dumps(j["tags"], ensure_ascii=False)' "$OUT")"

pt_step "an import: a JSON array of tags, a CSV's 标签 cell"
W="$PT_TMP/w"
mkdir -p "$W"
printf '[{"title": "关于两会建议办理的建议", "tags": ["\\u2f63态", "两会\\u200b", "生态"]}]' >"$W/tags.json"
api POST "/v1/imports?format=json" -- --data-binary "@$W/tags.json" -H "Content-Type: application/json"
check_status "the JSON imported" 201
I1="$(ids "q=$(urlenc 两会建议办理)")"
api GET "/v1/proposals/$I1"
check_eq "its tags: 生态 once, 两会" '["生态", "两会"]' "$(tags)"
printf '标题,标签\n关于生态补偿机制的建议,两会\xe2\x80\x8b、\xe2\xbd\xa3态、两会\n关于农村公路的建议,\xef\xbb\xbf交通；Wi-Fi 6\n' >"$W/tags.csv"
api POST "/v1/imports?format=csv" -- --data-binary "@$W/tags.csv" -H "Content-Type: text/csv"
check_status "the CSV imported" 201
I2="$(ids "q=$(urlenc 生态补偿机制)")"
I3="$(ids "q=$(urlenc 农村公路)")"
api GET "/v1/proposals/$I2"
check_eq "标签 两会<U+200B>、⽣态、两会: 两会 once, 生态" '["两会", "生态"]' "$(tags)"
api GET "/v1/proposals/$I3"
check_eq "a space inside stays" '["交通", "Wi-Fi 6"]' "$(tags)"

pt_step "the tag filter of lists, stats and exports: one tag each"
WANT="$(printf '%s\n' "$P1" "$P2" "$P3" "$I1" "$I2" | sort -n | paste -sd,)"
check_eq "tag=两会" "$WANT" "$(ids "tag=$(urlenc 两会)")"
check_eq "tag=两会<U+200B>" "$WANT" "$(ids "tag=$(urlenc "两会$ZW")")"
check_eq "tag=<U+FEFF>两会" "$WANT" "$(ids "tag=$(urlenc "$(printf '\ufeff两会')")")"
GREEN="$(printf '%s\n' "$P1" "$P2" "$I1" "$I2" | sort -n | paste -sd,)"
check_eq "tag=⽣态 (a radical)" "$GREEN" "$(ids "tag=$(urlenc "$(printf '\u2f63态')")")"
check_eq "tag=生态" "$GREEN" "$(ids "tag=$(urlenc 生态)")"
check_eq "tag=Wi-Fi 6 (a space inside)" "$(printf '%s\n' "$P1" "$I3" | sort -n | paste -sd,)" \
    "$(ids "tag=$(urlenc "Wi-Fi 6")")"
pt_cli --json list --tag "两会$ZW"
check_eq "list --tag 两会<U+200B>" "$WANT" \
    "$(jv '",".join(str(i) for i in sorted(p["id"] for p in j["items"]))' "$OUT")"
api GET "/v1/stats?tag=$(urlenc "两会$ZW")"
check_status "stats?tag=两会<U+200B>" 200
check_eq "counts every proposal tagged 两会" "5" "$(jv 'j["total"]')"
api GET "/v1/stats?tag=$(urlenc "$(printf '\u2f63态')")"
check_eq "stats?tag=⽣态 counts every one tagged 生态" "4" "$(jv 'j["total"]')"
api GET "/v1/exports?format=json&tag=$(urlenc "两会$ZW")"
check_status "an export of 两会<U+200B>" 200
check_eq "holds every proposal tagged 两会" "$WANT" "$(printf '%s' "$BODY" | python3 -c 'import json, sys; d = json.load(sys.stdin); d = d if isinstance(d, list) else d.get("proposals", d.get("items", [])); print(",".join(str(i) for i in sorted(p["id"] for p in d)))')"

pt_finish

#!/usr/bin/env bash
# test_delegation_category_spelling.sh - a proposal's delegation (代表团)
# and category (类别) are kept in one spelling however they were pasted, as
# a tag and a unit's name are: the zero-width characters a copy from a web
# page or an OA system brings along (山西代表团<U+200B>, <U+FEFF>交通运输)
# go from beside an ideograph, and a Kangxi radical that text copied from a
# PDF holds (⽣ U+2F63) is the ideograph it stands for (生), on create, on
# PATCH and the CLI's add and edit, in an import (a JSON import's fields
# and a CSV's 代表团 and 类别 cells, which the host keeps so, not the
# plugin) and in the delegation and category filters of lists, stats and
# exports, so that the figures by delegation and by category count each
# once. A configured list of categories is kept so too: a category pasted
# so is one of the list, and a list entry pasted so is the category it
# names.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli
DB="$PT_DATA/ptrack.db"

ZW="$(printf '\u200b')"
RAD="$(printf '\u2f63')" # ⽣, the Kangxi radical that looks like 生
ids() { # QUERY: the ids a list finds, in id order
    api GET "/v1/proposals?limit=100&$1"
    [ "$ST" = 200 ] || pt_check_fail "GET /v1/proposals?$1" "HTTP 200" "HTTP $ST $BODY"
    jv '",".join(str(i) for i in sorted(i["id"] for i in j["items"]))'
}
sorted() { printf '%s\n' "$@" | sort -n | paste -sd,; }
dc() { jv 'j.get("delegation", "-") + "|" + j.get("category", "-")' "${1-$BODY}"; }

pt_step "create: a delegation and a category pasted with a zero-width space, a BOM or a radical"
api POST /v1/proposals "$(printf '{"title": "关于加强黄河流域生态保护的建议", "delegation": "山西代表团\\u200b", "category": "\\u2f63态环境"}')"
check_status "created" 201
P1="$(jv 'j["id"]')"
check_eq "山西代表团 and 生态环境" "山西代表团|生态环境" "$(dc)"
api GET "/v1/proposals/$P1"
check_eq "and so it is stored" "山西代表团|生态环境" "$(dc)"
check_eq "in the columns too" "山西代表团|生态环境" \
    "$(sqlite3 "$DB" "SELECT delegation || '|' || category FROM proposals WHERE id = $P1")"
api POST /v1/proposals "$(printf '{"title": "关于农村公路养护的建议", "delegation": "\\ufeff山西代表团", "category": "交通运输\\u2060"}')"
P2="$(jv 'j["id"]')"
check_eq "a BOM and a word joiner go" "山西代表团|交通运输" "$(dc)"
api POST /v1/proposals '{"title": "关于香港青年创业的建议", "delegation": "Hong Kong 代表团", "category": "工业4.0"}'
P3="$(jv 'j["id"]')"
check_eq "a space inside and a dot stay" "Hong Kong 代表团|工业4.0" "$(dc)"

pt_step "edit: PATCH and the CLI"
api POST /v1/proposals '{"title": "关于湿地保护的建议", "delegation": "吉林代表团", "category": "农业农村"}'
P4="$(jv 'j["id"]')"
api PATCH "/v1/proposals/$P4" "$(printf '{"delegation": "山西\\u200b代表团", "category": "\\u2f63态\\u200d环境"}')"
check_status "PATCH" 200
check_eq "山西代表团 and 生态环境" "山西代表团|生态环境" "$(dc)"
api PATCH "/v1/proposals/$P4" "$(printf '{"delegation": "山西代表团\\u200b", "category": "生态环境\\ufeff"}')"
check_status "PATCH with the same, pasted" 200
check_eq "changes nothing: no new version" "2" "$(jv 'j["version"]')"
pt_cli --json add --title 关于汾河治理的建议 --delegation "山西代表团$ZW" --category "${RAD}态环境"
check_rc "add --delegation --category, pasted" 0
P5="$(jv 'j["id"]' "$OUT")"
check_eq "the CLI's add" "山西代表团|生态环境" "$(dc "$OUT")"
pt_cli --json edit "$P5" --delegation "$(printf '\ufeff')山西代表团" --category "交通运输$ZW"
check_rc "edit --delegation --category, pasted" 0
check_eq "the CLI's edit" "山西代表团|交通运输" "$(dc "$OUT")"

pt_step "an import: a JSON document's fields, a CSV's 代表团 and 类别 cells"
W="$PT_TMP/w"
mkdir -p "$W"
printf '[{"title": "关于两会建议办理的建议", "delegation": "山西代表团\\u200b", "category": "\\u2f63态环境"}]' >"$W/p.json"
api POST "/v1/imports?format=json" -- --data-binary "@$W/p.json" -H "Content-Type: application/json"
check_status "the JSON imported" 201
I1="$(ids "q=$(urlenc 两会建议办理)")"
api GET "/v1/proposals/$I1"
check_eq "its delegation and category" "山西代表团|生态环境" "$(dc)"
printf '标题,代表团,类别\n关于生态补偿机制的建议,山西代表团\xe2\x80\x8b,\xe2\xbd\xa3态环境\n关于高速公路收费的建议,\xef\xbb\xbf山西代表团,交通运输\xe2\x80\x8b\n' >"$W/p.csv"
api POST "/v1/imports?format=csv" -- --data-binary "@$W/p.csv" -H "Content-Type: text/csv"
check_status "the CSV imported" 201
I2="$(ids "q=$(urlenc 生态补偿机制)")"
I3="$(ids "q=$(urlenc 高速公路收费)")"
api GET "/v1/proposals/$I2"
check_eq "代表团 山西代表团<U+200B>, 类别 ⽣态环境" "山西代表团|生态环境" "$(dc)"
api GET "/v1/proposals/$I3"
check_eq "代表团 <U+FEFF>山西代表团, 类别 交通运输<U+200B>" "山西代表团|交通运输" "$(dc)"
check_eq "no column holds a pasted spelling" "0" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM proposals WHERE delegation LIKE '%' || char(8203) || '%' OR delegation LIKE '%' || char(65279) || '%' OR category LIKE '%' || char(8203) || '%' OR category LIKE '%' || char(65279) || '%' OR category LIKE '%⽣%'")"

pt_step "the filters of lists, stats and exports: one delegation, one category"
SHANXI="$(sorted "$P1" "$P2" "$P4" "$P5" "$I1" "$I2" "$I3")"
GREEN="$(sorted "$P1" "$P4" "$I1" "$I2")"
ROADS="$(sorted "$P2" "$P5" "$I3")"
check_eq "delegation=山西代表团" "$SHANXI" "$(ids "delegation=$(urlenc 山西代表团)")"
check_eq "delegation=山西代表团<U+200B>" "$SHANXI" "$(ids "delegation=$(urlenc "山西代表团$ZW")")"
check_eq "delegation=<U+FEFF>山西代表团" "$SHANXI" \
    "$(ids "delegation=$(urlenc "$(printf '\ufeff山西代表团')")")"
check_eq "category=⽣态环境 (a radical)" "$GREEN" "$(ids "category=$(urlenc "${RAD}态环境")")"
check_eq "category=生态环境" "$GREEN" "$(ids "category=$(urlenc 生态环境)")"
check_eq "category=交通运输<U+200B>" "$ROADS" "$(ids "category=$(urlenc "交通运输$ZW")")"
check_eq "delegation=Hong Kong 代表团 (a space inside)" "$P3" \
    "$(ids "delegation=$(urlenc "Hong Kong 代表团")")"
pt_cli --json list --delegation "山西代表团$ZW" --category "${RAD}态环境"
check_eq "list --delegation 山西代表团<U+200B> --category ⽣态环境" "$GREEN" \
    "$(jv '",".join(str(i) for i in sorted(p["id"] for p in j["items"]))' "$OUT")"
api GET "/v1/stats"
check_eq "the stats count 山西代表团 once, with all seven" '{"Hong Kong 代表团": 1, "山西代表团": 7}' \
    "$(jv 'json.dumps(j["by_delegation"], ensure_ascii=False, sort_keys=True)')"
check_eq "and each category once" '{"交通运输": 3, "工业4.0": 1, "生态环境": 4}' \
    "$(jv 'json.dumps(j["by_category"], ensure_ascii=False, sort_keys=True)')"
api GET "/v1/stats?delegation=$(urlenc "山西代表团$ZW")"
check_status "stats?delegation=山西代表团<U+200B>" 200
check_eq "counts every proposal of 山西代表团" "7" "$(jv 'j["total"]')"
api GET "/v1/stats?category=$(urlenc "${RAD}态环境")"
check_eq "stats?category=⽣态环境 counts every one of 生态环境" "4" "$(jv 'j["total"]')"
pt_cli --json stats --delegation "$(printf '\ufeff')山西代表团" --category "交通运输$ZW"
check_eq "stats --delegation <U+FEFF>山西代表团 --category 交通运输<U+200B>" "3" "$(jv 'j["total"]' "$OUT")"
api GET "/v1/exports?format=json&delegation=$(urlenc "山西代表团$ZW")&category=$(urlenc "${RAD}态环境")"
check_status "an export of 山西代表团<U+200B>, ⽣态环境" 200
check_eq "holds every proposal so labelled" "$GREEN" "$(printf '%s' "$BODY" | python3 -c 'import json, sys; d = json.load(sys.stdin); d = d if isinstance(d, list) else d.get("proposals", d.get("items", [])); print(",".join(str(i) for i in sorted(p["id"] for p in d)))')"
api GET "/v1/exports?format=md&delegation=$(urlenc "山西代表团$ZW")&category=$(urlenc "${RAD}态环境")&tag=$(urlenc "两会$ZW")"
check_status "a report of 山西代表团<U+200B>, ⽣态环境, 两会<U+200B>" 200
check_contains "its 筛选条件 names them as applied, as its rows have them" \
    "筛选条件：代表团：山西代表团；类别：生态环境；标签：两会" "$BODY"
api GET "/v1/exports?format=md&session=$(urlenc 第１４届)"
check_status "a report of 届次 第１４届 (full-width digits)" 200
check_contains "its 筛选条件 names the session as applied: 第14届" "筛选条件：届次：第14届" "$BODY"
api GET "/v1/proposals?delegation=$(urlenc "$ZW")"
check_error "a zero-width space alone shows nothing: a blank filter" 400 bad_request
check_contains "which is said" "delegation: blank" "$(jv 'j["error"]["message"]')"

pt_step "a configured list of categories, pasted too"
pt_stop
pt_config '{}' ",
  \"categories\": [\"$(printf '\ufeff')交通运输\", \"${RAD}态环境$ZW\", \"教育\"]"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
api POST /v1/proposals "$(printf '{"title": "关于城市公交的建议", "category": "交通运输\\u200b"}')"
check_status "a category of the list, pasted: accepted" 201
check_eq "as the list names it" "交通运输" "$(jv 'j["category"]')"
api POST /v1/proposals '{"title": "关于湿地公园的建议", "category": "生态环境"}'
check_status "the entry configured with a radical and a zero-width space is 生态环境" 201
api POST /v1/proposals "$(printf '{"title": "关于学前教育的建议", "category": "\\ufeff教育"}')"
check_status "and 教育 pasted is 教育" 201
check_eq "kept as 教育" "教育" "$(jv 'j["category"]')"
api POST /v1/proposals "$(printf '{"title": "关于体育场馆的建议", "category": "体育\\u200b"}')"
check_error "a category outside the list is still refused" 422 validation_failed
check_contains "named by the list as kept" "must be one of 交通运输, 生态环境, 教育" "$BODY"
api PATCH "/v1/proposals/$P1" "$(printf '{"category": "\\u2f63态环境\\u200b"}')"
check_status "a PATCH of the category, pasted as the list was" 200
check_eq "生态环境" "生态环境" "$(jv 'j["category"]')"
pt_cli --json add --title 关于公路桥梁的建议 --category "$(printf '\ufeff')交通运输"
check_rc "the CLI's add of a category of the list, pasted" 0
check_eq "交通运输" "交通运输" "$(jv 'j["category"]' "$OUT")"

pt_finish

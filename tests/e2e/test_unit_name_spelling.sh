#!/usr/bin/env bash
# test_unit_name_spelling.sh - a unit's name is kept in one spelling however
# it was pasted, as a person's is: the zero-width characters a copy from a
# web page or an OA system brings along (财政厅<U+200B>, <U+FEFF>财政厅)
# go from beside an ideograph, and a Kangxi radical that text copied from a
# PDF holds (⼯ U+2F2F) is the ideograph it stands for (工), in an
# assignment, the unit an action names, an import's 主办单位, a unit's
# token (made at run time, and in the config) and the unit filter of lists
# and stats. So the unit bound to 财政厅 reads and acts on the proposal
# assigned to 财政厅<U+200B>, the unit bound to ⼯信厅 is 工信厅 and reads
# the proposal imported with 主办单位 ⼯信厅, the unit filter and the
# stats count each as one unit, and an assignment that names 财政厅 twice,
# once pasted, is refused as naming it twice. A dot and a space inside a
# unit's name stay as they came.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
# A config token of 财政厅 whose unit was pasted with a byte order mark
# and a zero-width space.
CONF_TOKEN="conf-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
python3 - "$PT_CONF" "$(pt_sha256 "$CONF_TOKEN")" <<'PY'
import json, sys
path, sha = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["tokens"].append({"name": "财政厅联络员（配置）", "role": "unit",
                    "unit": "\ufeff财政厅\u200b", "sha256": sha})
json.dump(c, open(path, "w"), ensure_ascii=False, indent=2)
PY
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

ZW="$(printf '\u200b')"
ids() { # TRANSPORT QUERY: the ids a list finds, in id order
    req "$1" GET "/v1/proposals?limit=100&$2"
    [ "$ST" = 200 ] || pt_check_fail "GET /v1/proposals?$2" "HTTP 200" "HTTP $ST $BODY"
    jv '",".join(str(i) for i in sorted(i["id"] for i in j["items"]))'
}
MONEY="$(pt_unit_token 财政厅联络员 财政厅)"
api POST /v1/tokens "$(printf '{"name": "工信厅联络员", "role": "unit", "unit": "\u2f2f信厅"}')"
check_status "a token for ⼯信厅" 201
INDUSTRY="$(jv 'j["token"]')"
check_eq "is bound to 工信厅" "工信厅" "$(jv 'j["unit"]')"

pt_step "an assignment to 财政厅<U+200B>"
api POST /v1/proposals '{"title": "关于加大农村公路养护投入的建议", "lead_author": "张代表"}'
P1="$(jv 'j["id"]')"
pt_act "$P1" assign "{\"mode\": \"single\", \"units\": [{\"name\": \"财政厅$ZW\", \"role\": \"lead\"}]}"
check_eq "kept as 财政厅" '["财政厅"]' "$(jv 'json.dumps([u["name"] for u in j["units"]], ensure_ascii=False)')"
req "tcp:$MONEY" GET "/v1/proposals/$P1"
check_status "the unit bound to 财政厅 reads it" 200
req "tcp:$CONF_TOKEN" GET "/v1/proposals/$P1"
check_status "and so does the config's token bound to <U+FEFF>财政厅<U+200B>" 200
check_eq "whose todo list has it to sign" "$P1" "$(ids "tcp:$CONF_TOKEN" "todo=sign")"
req "tcp:$MONEY" POST "/v1/proposals/$P1/actions/sign" "{\"unit\": \"财$ZW政厅\"}"
check_status "财政厅 signs, naming itself with a zero-width space" 200
req "tcp:$MONEY" POST "/v1/proposals/$P1/actions/reply" "$(pt_reply_body "财政厅$ZW" 财函〔2026〕1号)"
check_status "and replies so" 200
check_eq "the reply is 财政厅's" "财政厅" "$(jv 'j["replies"][0]["unit"]')"

pt_step "an assignment naming 财政厅 twice, once pasted"
api POST /v1/proposals '{"title": "关于支持中小企业融资的建议", "lead_author": "张代表"}'
P2="$(jv 'j["id"]')"
api POST "/v1/proposals/$P2/actions/assign" \
    "{\"mode\": \"lead_co\", \"units\": [{\"name\": \"财政厅\", \"role\": \"lead\"}, {\"name\": \"财政厅$ZW\", \"role\": \"co\"}]}"
check_error "refused" 422 validation_failed
check_contains "as naming it twice" "is listed twice" "$BODY"
pt_act "$P2" assign \
    "{\"mode\": \"lead_co\", \"units\": [{\"name\": \"$(printf '\u2f2f')信厅\", \"role\": \"lead\"}, {\"name\": \"财政厅$ZW\", \"role\": \"co\"}]}"
check_eq "a radical and a zero-width space: 工信厅 and 财政厅" '["工信厅", "财政厅"]' \
    "$(jv 'json.dumps([u["name"] for u in j["units"]], ensure_ascii=False)')"

pt_step "an import whose 主办单位 was pasted"
W="$PT_TMP/w"
mkdir -p "$W"
printf '标题,主办单位,状态\n关于农业保险保费补贴的建议,财政厅\xe2\x80\x8b,办理中\n关于工业互联网平台建设的建议,\xe2\xbc\xaf信厅,办理中\n关于政务公开的建议,省政府 办公厅.,办理中\n' >"$W/units.csv"
api POST "/v1/imports?format=csv" -- --data-binary "@$W/units.csv" -H "Content-Type: text/csv"
check_status "imported" 201
I1="$(ids sock "q=$(urlenc 农业保险保费补贴)")"
I2="$(ids sock "q=$(urlenc 工业互联网平台)")"
I3="$(ids sock "q=$(urlenc 政务公开)")"
api GET "/v1/proposals/$I1"
check_eq "主办单位 财政厅<U+200B> is 财政厅" "财政厅" "$(jv 'j["units"][0]["name"]')"
api GET "/v1/proposals/$I2"
check_eq "主办单位 ⼯信厅 is 工信厅" "工信厅" "$(jv 'j["units"][0]["name"]')"
api GET "/v1/proposals/$I3"
check_eq "a dot and a space inside stay" "省政府 办公厅." "$(jv 'j["units"][0]["name"]')"
req "tcp:$MONEY" GET "/v1/proposals/$I1"
check_status "the unit bound to 财政厅 reads the imported one" 200
check_eq "and has it to reply" "$I1" "$(ids "tcp:$MONEY" "todo=reply")"
req "tcp:$MONEY" POST "/v1/proposals/$I1/actions/reply" "$(pt_reply_body 财政厅 财函〔2026〕2号)"
check_status "and replies" 200
req "tcp:$INDUSTRY" GET "/v1/proposals/$I2"
check_status "the unit bound to ⼯信厅 reads the one imported with ⼯信厅" 200
req "tcp:$INDUSTRY" POST "/v1/proposals/$I2/actions/reply" "$(pt_reply_body "$(printf '\u2f2f')信厅" 工信函〔2026〕1号)"
check_status "and replies naming itself with the radical" 200
check_eq "its own list: both of 工信厅's" "$(printf '%s\n' "$P2" "$I2" | sort -n | paste -sd,)" "$(ids "tcp:$INDUSTRY" "")"

pt_step "the unit filter and the stats: one unit each"
WANT="$(printf '%s\n' "$P1" "$P2" "$I1" | sort -n | paste -sd,)"
check_eq "unit=财政厅" "$WANT" "$(ids sock "unit=$(urlenc 财政厅)")"
check_eq "unit=财政厅<U+200B>" "$WANT" "$(ids sock "unit=$(urlenc "财政厅$ZW")")"
check_eq "unit=⼯信厅" "$(printf '%s\n' "$P2" "$I2" | sort -n | paste -sd,)" \
    "$(ids sock "unit=$(urlenc "$(printf '\u2f2f信厅')")")"
check_eq "the unit's own list" "$WANT" "$(ids "tcp:$MONEY" "")"
api GET /v1/stats
check_eq "by_unit: 财政厅 3, 工信厅 2, 省政府 办公厅. 1" '{"工信厅": 2, "省政府 办公厅.": 1, "财政厅": 3}' \
    "$(jv 'json.dumps(j["by_unit"], ensure_ascii=False, sort_keys=True)')"
api GET "/v1/stats?unit=$(urlenc "财政厅$ZW")"
check_eq "stats?unit=财政厅<U+200B> counts 财政厅's (and the units beside it)" \
    '3 {"工信厅": 1, "财政厅": 3}' \
    "$(jv '"%d %s" % (j["total"], json.dumps(j["by_unit"], ensure_ascii=False, sort_keys=True))')"
api GET "/v1/exports?format=json&unit=$(urlenc "财政厅$ZW")"
check_status "an export of 财政厅<U+200B>" 200
check_eq "holds 财政厅's" "$WANT" "$(printf '%s' "$BODY" | python3 -c 'import json, sys; d = json.load(sys.stdin); d = d if isinstance(d, list) else d.get("proposals", d.get("items", [])); print(",".join(str(i) for i in sorted(p["id"] for p in d)))')"

pt_finish

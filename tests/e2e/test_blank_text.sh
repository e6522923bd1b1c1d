#!/usr/bin/env bash
# Text of spaces alone is blank, whatever Unicode space it is made of: a
# title, a required field of an action (a reason) and a custom key of an
# em space (U+2003), a narrow no-break space (U+202F), a thin space
# (U+2009) or the ideographic space (U+3000) are refused with 422
# validation_failed on the field, and nothing is stored; a name, a tag or a
# number of them is none, as a blank one is. So is text of the characters
# that show nothing (a zero-width space U+200B, the byte order mark U+FEFF,
# the soft hyphen U+00AD, a variation selector U+FE0F, a bidirectional mark
# U+200F, the Hangul filler U+3164...) with or without spaces: it was a
# title, a background, an ask, a name of nothing to see. Beside a character
# that shows they are kept as written.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

# check_blank_titles T...: a create with each title T (JSON escapes) is
# refused as a blank title.
check_blank_titles() {
    local t
    for t in "$@"; do
        api POST /v1/proposals "{\"title\": \"$t\"}"
        check_error "create with the title \"$t\"" 422 validation_failed
        check_eq "the refusal says the title is blank ($t)" "title: must not be blank" \
            "$(jv 'j["error"]["fields"][0]["field"] + ": " + j["error"]["fields"][0]["message"]')"
    done
}

pt_step "a title of spaces alone"
check_blank_titles '\u2003' '\u202f\u3000' '\u2009' '\u205f\u00a0' ' \u2003\u2002\u3000 '
api GET /v1/health
check_eq "no proposal was stored" 0 "$(jv 'j["proposals"]')"

api POST /v1/proposals '{"title": "\u2003关于加强农村公路养护的建议"}'
check_status "a title with a character beside the em space is a title" 201
ID="$(jv 'j["id"]')"

api PATCH "/v1/proposals/$ID" '{"title": "\u2003\u202f"}'
check_error "a PATCH to a title of spaces alone" 422 validation_failed
api GET "/v1/proposals/$ID"
check_eq "the PATCH changed nothing" 1 "$(jv 'j["version"]')"

pt_step "a required field of an action of spaces alone"
api POST "/v1/proposals/$ID/actions/withdraw" '{"reason": "\u2003\u2009"}'
check_error "withdraw with a reason of spaces alone" 422 validation_failed
check_eq "the refusal names the reason" "reason" "$(jv 'j["error"]["fields"][0]["field"]')"
api GET "/v1/proposals/$ID"
check_eq "the proposal was not withdrawn" submitted "$(jv 'j["status"]')"

pt_step "a custom key of spaces alone"
for k in '\u3000' ' \u2003 '; do
    api PATCH "/v1/proposals/$ID" "{\"custom\": {\"$k\": \"值\"}}"
    check_error "custom key \"$k\"" 422 validation_failed
    check_eq "the refusal names custom ($k)" custom "$(jv 'j["error"]["fields"][0]["field"]')"
done
api POST /v1/proposals '{"title": "关于加强农村公路养护的建议", "custom": {"\u3000": "值"}}'
check_error "create with a blank custom key" 422 validation_failed
api PATCH "/v1/proposals/$ID" '{"custom": {"联系人": "\u3000"}}'
check_status "a blank custom value is still a value" 200

pt_step "a name of spaces alone is none"
api POST /v1/proposals '{"title": "关于加强农村公路养护的建议", "lead_author": "\u2003", "delegation": "\u202f",
    "co_signers": ["\u2003", "王秀英"], "tags": ["\u2009", "民生"], "number": "\u2003"}'
check_status "create with names of spaces alone" 201
check_eq "they are none" '[null, null, ["王秀英"], ["民生"], null]' \
    "$(jv '[j["lead_author"], j["delegation"], j["co_signers"], j["tags"], j["number"]]')"
api GET '/v1/proposals?tag=%E2%80%83'
check_error "a tag filter of an em space is blank" 400 bad_request

pt_step "a note or a comment of spaces alone is none"
api POST /v1/proposals '{"title": "关于完善农村养老服务的建议", "lead_author": "李国华"}'
NOTE="$(jv 'j["id"]')"
api POST "/v1/proposals/$NOTE/actions/assign" \
    '{"mode": "single", "units": [{"name": "省民政厅", "role": "lead"}], "note": "\u3000\u2003 "}'
check_status "assign with a note of spaces alone" 200
api POST "/v1/proposals/$NOTE/actions/sign" '{"unit": "省民政厅"}'
check_status "signed" 200
api POST "/v1/proposals/$NOTE/actions/reply" \
    '{"unit": "省民政厅", "doc_no": "民函〔2026〕3号", "category": "B", "text": "正在研究", "note": "请阅"}'
check_status "a reply with a note" 200
api GET "/v1/proposals/$NOTE/history"
check_eq "the blank note is none, the other kept" '[null, "请阅"]' \
    "$(jv 'json.dumps([e["note"] for e in j["items"] if e["action"] in ("assign", "reply")], ensure_ascii=False)')"
api POST "/v1/proposals/$NOTE/actions/feedback" \
    '{"person": "李国华", "satisfaction": "satisfied", "comment": "\u2009\u3000"}'
check_status "feedback with a comment of spaces alone" 200
check_eq "the comment is none" null "$(jv 'json.dumps(j["feedback"][0]["comment"])')"

pt_step "text of characters that show nothing"
check_blank_titles '\u200b' '\ufeff\u3000' '\u00ad' ' \u200c\u200d\u2060 '
api POST /v1/proposals '{"title": "关于加强农村饮水安全的建议", "background": "\u200b\n\u3000",
    "recommendations": ["\u200b", "一是加强水源保护", "\ufeff "], "lead_author": "\u200b",
    "co_signers": ["\u00ad", "王秀英"], "tags": ["\u2060", "民生"], "number": "\ufeff"}'
check_status "create with text of nothing to see" 201
check_eq "the background is none" None "$(jv 'repr(j["background"])')"
check_eq "asks of nothing to see are left out" '["一是加强水源保护"]' \
    "$(jv 'json.dumps(j["recommendations"], ensure_ascii=False)')"
check_eq "names of nothing to see are none" '[null, ["王秀英"], ["民生"], null]' \
    "$(jv 'json.dumps([j["lead_author"], j["co_signers"], j["tags"], j["number"]], ensure_ascii=False)')"
api POST "/v1/proposals/$ID/actions/withdraw" '{"reason": "\u200b\u2003"}'
check_error "withdraw with a reason of nothing to see" 422 validation_failed
api POST /v1/proposals '{"title": "\u200b关于加强农村公路养护的建议"}'
check_status "a title with a character beside a zero-width space is a title" 201

pt_step "text of the other characters that show nothing alone"
# A variation selector left from an emoji (U+FE0F, U+FE0E), a left-to-right
# or right-to-left mark and the other bidirectional controls a web page or
# a chat puts in (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, U+061C),
# the Hangul fillers (U+3164, U+115F, U+1160, U+FFA0), the combining
# grapheme joiner U+034F, the invisible operators U+2061..U+2064 and the
# Mongolian vowel separator U+180E show nothing either.
check_blank_titles '\ufe0f' '\ufe0e\u3000' '\u200e' ' \u200f\u202e\u2066\u2069 ' '\u061c\u202a\u202c' \
    '\u3164' '\u115f\u1160\uffa0' '\u034f' '\u2061\u2062\u2063\u2064' '\u180e' '\u200f\ufe0f\u3164\u200b'
api POST /v1/proposals '{"title": "关于推进城乡供水一体化的建议", "background": "\u200f\n\u3164",
    "recommendations": ["\ufe0f", "一是统筹城乡水厂建设", "\u2066\u2069 "], "lead_author": "\u3164",
    "co_signers": ["\u200e", "刘文华"], "tags": ["\u034f", "民生"], "number": "\u202e", "delegation": "\ufe0f"}'
check_status "create with text of nothing to see" 201
check_eq "the background is none" None "$(jv 'repr(j["background"])')"
check_eq "asks of nothing to see are left out" '["一是统筹城乡水厂建设"]' \
    "$(jv 'json.dumps(j["recommendations"], ensure_ascii=False)')"
check_eq "names of nothing to see are none" '[null, ["刘文华"], ["民生"], null, null]' \
    "$(jv 'json.dumps([j["lead_author"], j["co_signers"], j["tags"], j["number"], j["delegation"]], ensure_ascii=False)')"
api POST "/v1/proposals/$ID/actions/withdraw" '{"reason": "\u200f\u3164"}'
check_error "withdraw with a reason of nothing to see" 422 validation_failed
api PATCH "/v1/proposals/$ID" '{"title": "\u200e\ufe0f"}'
check_error "a PATCH to a title of nothing to see" 422 validation_failed
api PATCH "/v1/proposals/$ID" '{"custom": {"\u3164\u200f": "值"}}'
check_error "a custom key of nothing to see" 422 validation_failed
check_eq "the refusal names custom" custom "$(jv 'j["error"]["fields"][0]["field"]')"
api POST /v1/proposals '{"title": "关于\u200e加强农村公路养护的建议\ufe0f"}'
check_status "a title with them beside characters that show is a title" 201
check_eq "which keeps them as written" '"\u5173\u4e8e\u200e\u52a0\u5f3a\u519c\u6751\u516c\u8def\u517b\u62a4\u7684\u5efa\u8bae\ufe0f"' \
    "$(jv 'json.dumps(j["title"])')"

# One was taken then; its proposal is still read to be edited, given a
# title and acted on (it was "proposal N is unreadable: title: must not be
# blank", 503, for every write, the one mending it too). So is one of a
# zero-width space or of a right-to-left mark, taken before text of nothing
# to see was blank.
for c in 8195 8203 8207; do
    pt_step "a title of U+$(printf %04X $c) stored before such text was blank"
    api POST /v1/proposals '{"title": "关于规范城市道路占用管理的建议"}'
    OLD="$(jv 'j["id"]')"
    pt_stop
    sqlite3 "$PT_DATA/ptrack.db" "UPDATE proposals SET doc = json_set(doc, '\$.title', char($c)) WHERE id = $OLD"
    pt_start
    api GET "/v1/proposals/$OLD"
    check_eq "it is read as it was written" "\"\\u$(printf %04x $c)\"" "$(jv 'json.dumps(j["title"])')"
    api PATCH "/v1/proposals/$OLD" '{"background": "占道经营问题突出"}'
    check_status "an edit of another field is taken" 200
    api PATCH "/v1/proposals/$OLD" '{"title": "\u2003\u202f"}'
    check_error "a title of spaces alone is still refused" 422 validation_failed
    api PATCH "/v1/proposals/$OLD" '{"title": "关于规范城市道路占用管理的建议"}'
    check_status "and it may be given a title" 200
    check_eq "which it now has" "关于规范城市道路占用管理的建议" "$(jv 'j["title"]')"
    api POST "/v1/proposals/$OLD/actions/withdraw" '{"reason": "重复提交"}'
    check_status "an action is taken" 200
done

pt_stop
pt_finish

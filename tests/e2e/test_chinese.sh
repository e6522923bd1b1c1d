#!/usr/bin/env bash
# Chinese everywhere: every text field round-trips exactly (CJK, extension
# B characters of 4 bytes, full-width punctuation, emoji, \u escapes and
# surrogate pairs in the input); full-text search finds Chinese substrings of
# 1, 2 and 3+ characters in title, background and recommendations; answers
# are UTF-8 JSON; and error messages that quote Chinese input, however long,
# stay valid UTF-8 JSON (no character cut in half).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

# The last answer is strict UTF-8 JSON with no lone surrogate anywhere.
utf8_ok() {
    python3 - "$PT_TMP/resp.body" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
try:
    j = json.loads(raw.decode("utf-8", errors="strict"))
except Exception as e:
    print("not UTF-8 JSON: %s: %r" % (e, raw[:200])); sys.exit()
def walk(v):
    if isinstance(v, str):
        for c in v:
            if 0xD800 <= ord(c) <= 0xDFFF:
                raise ValueError("lone surrogate in %r" % v[:80])
    elif isinstance(v, list):
        for x in v: walk(x)
    elif isinstance(v, dict):
        for k, x in v.items(): walk(k); walk(x)
try:
    walk(j)
    print("ok")
except ValueError as e:
    print(e)
PY
}
check_utf8() { check_eq "$1: the answer is UTF-8 JSON" ok "$(utf8_ok)"; }

# ---------------------------------------------------------------------------
pt_step "round trip of every text field"
python3 >"$PT_TMP/p1.json" <<'PY'
import json
p = {
    "title": "关于𠀀𪚥𰻞“扩展字”与全角标点〔2026〕１号，以及😀表情的建议",
    "background": "第一段：革命老区。\n第二段：繁體字與日本語のかな、한국어；組合字符é（e\u0301）。\t制表符",
    "recommendations": ["一是提高转移支付比重；", "（二）加强“红色旅游”与乡村振兴融合", "三是𠮷野家"],
    "lead_author": "李国华",
    "co_signers": ["王秀英", "欧阳𫟼", "阿卜杜热合曼·买买提"],
    "delegation": "新疆维吾尔自治区代表团",
    "session": "十四届全国人大四次会议",
    "number": "建议第〇〇一号",
    "category": "乡村振兴",
    # A zero-width joiner beside a Chinese character goes from a tag, as a
    # copy brings it along (test_tag_spelling.sh); free text keeps it, and
    # a tag keeps an emoji's.
    "tags": ["革命老区", "𠀀", "家庭\U0001F468\u200d\U0001F469\u200d\U0001F467"],
    "custom": {"联系人": "张三", "电话": "０３５１－１２３４５６７", "备注": "零宽\u200d连接"},
    "kind": "suggestion",
    "submitter_type": "joint",
}
print(json.dumps(p, ensure_ascii=False), end="")
PY
api POST /v1/proposals "$(cat "$PT_TMP/p1.json")"
check_status "create with Chinese in every field (raw UTF-8)" 201
check_utf8 "create"
check_contains "Content-Type says UTF-8" "charset=utf-8" "$(hdr Content-Type | tr 'A-Z' 'a-z')"
P1="$(jv 'j["id"]')"
roundtrip() { # WHAT SENT_FILE: every sent field comes back equal
    check_eq "$1" "[]" "$(python3 - "$2" "$PT_TMP/resp.body" <<'PY'
import json, sys
sent = json.load(open(sys.argv[1], encoding="utf-8"))
got = json.loads(open(sys.argv[2], "rb").read().decode("utf-8"))
print(json.dumps([k for k in sent if got.get(k) != sent[k]], ensure_ascii=False))
PY
)"
}
roundtrip "the create answer has every field exactly as sent" "$PT_TMP/p1.json"
api GET "/v1/proposals/$P1"
check_utf8 "GET"
roundtrip "GET returns every field exactly as sent" "$PT_TMP/p1.json"

# The same text sent as \u escapes (surrogate pairs for the 4-byte ones).
python3 -c '
import json
p = json.load(open("'"$PT_TMP/p1.json"'", encoding="utf-8"))
p["number"] = "转义第二号"
print(json.dumps(p, ensure_ascii=True), end="")' >"$PT_TMP/p2.json"
check_true "the escaped body is pure ASCII" python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("ascii")' "$PT_TMP/p2.json"
api POST /v1/proposals "$(cat "$PT_TMP/p2.json")"
check_status "create with \\u escapes and surrogate pairs" 201
check_utf8 "create (escaped)"
roundtrip "escaped input is stored as the characters it names" "$PT_TMP/p2.json"
P2="$(jv 'j["id"]')"

api PATCH "/v1/proposals/$P1" '{"background":"修改后的背景：𠀀字仍在。","custom":{"联系人":"李四"}}'
check_status "PATCH with Chinese" 200
check_eq "PATCH round trip" "修改后的背景：𠀀字仍在。|李四|０３５１－１２３４５６７" \
    "$(jv 'j["background"] + "|" + j["custom"]["联系人"] + "|" + j["custom"]["电话"]')"

# ---------------------------------------------------------------------------
pt_step "actions, history and events in Chinese"
api POST "/v1/proposals/$P2/actions/assign" '{"mode":"lead_co","units":[{"name":"国家发展和改革委员会","role":"lead"},{"name":"财政部（预算司）","role":"co"}],"note":"请于“两会”后办理〔急〕"}'
check_status "assign with Chinese unit names and note" 200
api POST "/v1/proposals/$P2/actions/sign" '{"unit":"国家发展和改革委员会"}'
api POST "/v1/proposals/$P2/actions/opinion" '{"unit":"财政部（预算司）","opinion":"同意，𠀀资金予以保障。"}'
check_status "opinion from a unit whose name has full-width brackets" 200
api POST "/v1/proposals/$P2/actions/reply" '{"unit":"国家发展和改革委员会","doc_no":"发改办〔2026〕第１２号","category":"A","text":"答复：已采纳😀。\n详见附件。"}'
check_status "reply in Chinese" 200
api POST "/v1/proposals/$P2/actions/feedback" '{"person":"欧阳𫟼","satisfaction":"satisfied","comment":"满意！"}'
api GET "/v1/proposals/$P2"
check_utf8 "the replied proposal"
check_eq "units, reply and feedback round trip" '["国家发展和改革委员会", "财政部（预算司）", "同意，𠀀资金予以保障。", "发改办〔2026〕第１２号", "答复：已采纳😀。\n详见附件。", "欧阳𫟼", "满意！"]' \
    "$(jv 'json.dumps([j["units"][0]["name"], j["units"][1]["name"], j["units"][1]["opinion"], j["replies"][0]["doc_no"], j["replies"][0]["text"], j["feedback"][0]["person"], j["feedback"][0]["comment"]], ensure_ascii=False)')"
api GET "/v1/proposals/$P2/history"
check_utf8 "history"
check_eq "the history note round trips" "请于“两会”后办理〔急〕" "$(jv 'j["items"][1]["note"]')"
as_clerk POST "/v1/proposals/$P1/actions/supervise" '{"key_supervision":true,"supervisor":"常委会办公厅督查室"}'
api GET "/v1/proposals/$P1/history"
check_eq "the actor is the token's Chinese name" 建议办张科长 "$(jv 'j["items"][-1]["actor"]')"
api GET "/v1/events?after=0&limit=1000"
check_utf8 "the event feed"
check_eq "the feed carries the Chinese title" true "$(jv 'any(e["proposal"]["title"].startswith("关于𠀀𪚥𰻞") for e in j["items"])')"
# The stream is read until it holds the title (60 s at most on a loaded
# machine), not for a fixed 2 s; only its whole events are judged.
sse_titled() {
    python3 - "$PT_TMP/sse.out" <<'PY'
import json, sys
data = open(sys.argv[1], "rb").read()
data = data[:data.rfind(b"\n\n") + 1].decode("utf-8")
evs = [json.loads(l[6:]) for l in data.splitlines() if l.startswith("data: ")]
print(str(bool(evs) and any(e["proposal"]["title"].startswith("关于𠀀𪚥𰻞") for e in evs)).lower())
PY
}
curl -sSN --max-time 90 --unix-socket "$PT_SOCK" -H 'Accept: text/event-stream' \
    "http://localhost/v1/events?after=0" >"$PT_TMP/sse.out" 2>/dev/null &
sse=$!
wait_for 60 eval '[ "$(sse_titled 2>/dev/null)" = true ]' || true
kill "$sse" 2>/dev/null || true
wait "$sse" 2>/dev/null || true
check_eq "the event stream's data lines are UTF-8 JSON with the title" true "$(sse_titled)"

# ---------------------------------------------------------------------------
pt_step "a name padded to three characters' width is the person it names"
api POST /v1/proposals '{"title":"关于对齐名单的建议","lead_author":"王　芳","co_signers":["李 四","王芳 李四"]}'
check_status "a proposal whose people a list aligned" 201
PAD="$(jv 'j["id"]')"
check_eq "王　芳 is kept as 王芳, 李 四 as 李四; two names a space separates stay as given" \
    '["王芳", ["李四", "王芳 李四"]]' "$(jv 'json.dumps([j["lead_author"], j["co_signers"]], ensure_ascii=False)')"
api POST /v1/tokens '{"name":"王芳代表","role":"delegate","person":"王 芳"}'
check_status "a delegate token for 王 芳" 201
check_eq "bound to 王芳" "王芳" "$(jv 'j["person"]')"
WANG="$(jv 'j["token"]')"
req "tcp:$WANG" GET "/v1/proposals/$PAD"
check_status "王芳 reads the proposal she leads" 200
req "tcp:$WANG" GET "/v1/proposals"
check_eq "and finds it among hers" "$PAD" "$(jv '",".join(str(p["id"]) for p in j["items"])')"
api GET "/v1/proposals?person=$(urlenc "王　芳")"
check_eq "the list by person=王　芳 finds it" "$PAD" "$(jv '",".join(str(p["id"]) for p in j["items"])')"

# ---------------------------------------------------------------------------
pt_step "search finds Chinese substrings"
S=中文检索测试
new() { api POST /v1/proposals "$1"; jv 'j["id"]'; }
A="$(new '{"title":"关于加大革命老区振兴发展支持力度的建议","session":"'$S'","background":"太行、吕梁等地发展滞后","recommendations":["提高中央财政转移支付比重"]}')"
B="$(new '{"title":"关于乡村教师待遇的建议","session":"'$S'","background":"青年教师招不来、留不住，革命老区尤甚","recommendations":["建设周转宿舍"]}')"
C="$(new '{"title":"关于城市更新的建议","session":"'$S'","background":"老旧小区改造","recommendations":["支持吕梁山区𠀀字号企业发展","加快推进“城中村”改造"]}')"
D="$(new '{"title":"About English titles","session":"'$S'","background":"mixed 中英 text","recommendations":["ASCII only"]}')"
search() { # QUERY EXPECTED_IDS
    local enc
    enc="$(urlenc "$1")"
    api GET "/v1/proposals?session=$S&sort=id&q=$enc"
    if [ "$ST" != 200 ]; then
        pt_check_fail "q=$1" "HTTP 200" "HTTP $ST $BODY"
        return
    fi
    check_eq "q=$1" "$2" "$(jv '",".join(str(i["id"]) for i in j["items"])')"
}
search 革命老区 "$A,$B"
search 老区振兴发展 "$A"
search 老区 "$A,$B"
search 吕梁 "$A,$C"
search 滞后 "$A"
search 转移支付 "$A"
search 周转宿舍 "$B"
search 招不来 "$B"
search "𠀀字号" "$C"
search "𠀀" "$C"
search "“城中村”" "$C"
search 城中村 "$C"
search 留不住，革命 "$B"
search 师 "$B"
search 中英 "$D"
search English "$D"
search english "$D"
search 北京 ""
search "老区 北京" ""
search "%" ""
search "_" ""
search '"' ""

# ---------------------------------------------------------------------------
pt_step "error messages that quote Chinese input"
api GET "/v1/proposals?status=%E5%8A%9E%E7%90%86%E4%B8%AD"
check_error "status=办理中 (a label, not a state code)" 400 bad_request
check_utf8 "that error"
api POST /v1/proposals '{"标题":"用中文字段名"}'
check_error "a Chinese field name" 422 validation_failed
check_utf8 "that error"
check_eq "the error names the Chinese field" true "$(jv 'any(f["field"] == "标题" for f in j["error"]["fields"])')"
api POST "/v1/proposals/$A/actions/%E4%BA%A4%E5%8A%9E" '{}'
check_true "action 交办 by its label over the API: 404 or 422 ($ST)" test "$ST" = 404 -o "$ST" = 422
check_utf8 "that error"
api GET "/v1/proposals/%E4%B8%80"
check_error "id 一" 400 bad_request
check_utf8 "that error"
api POST "/v1/proposals/$A/actions/reply" '{"unit":"某单位","doc_no":"一","category":"甲","text":"答"}'
check_true "reply while submitted: refused ($ST)" test "$ST" = 409 -o "$ST" = 422
check_utf8 "that error"
api POST /v1/proposals '{"title":"x","kind":"建议"}'
check_error "kind 建议 (a label, not a code)" 422 validation_failed
check_utf8 "that error"
# Long Chinese input in messages: whatever the server cuts, it must cut
# between characters. Lengths and an ASCII prefix of 0..2 bytes move the
# cut through every byte of a 3-byte and a 4-byte character.
for len in 40 100 300 1000; do
    for pre in "" a ab; do
        name="$pre$(python3 -c 'import sys; print("字" * int(sys.argv[1]), end="")' "$len")"
        api POST /v1/proposals "{\"title\":\"x\",\"$name\":1}"
        check_eq "an unknown field of $len Chinese characters (prefix '$pre'): 422, UTF-8 JSON" "422 ok" "$ST $(utf8_ok)"
        enc="$(urlenc "$name")"
        api GET "/v1/proposals?status=$enc"
        check_eq "status= $len Chinese characters (prefix '$pre'): 400, UTF-8 JSON" "400 ok" "$ST $(utf8_ok)"
        name4="$pre$(python3 -c 'import sys; print("𠀀" * int(sys.argv[1]), end="")' "$len")"
        enc="$(urlenc "$name4")"
        api GET "/v1/proposals?$enc=1"
        check_eq "a query parameter named with $len 4-byte characters (prefix '$pre'): 400, UTF-8 JSON" "400 ok" "$ST $(utf8_ok)"
    done
done

# ---------------------------------------------------------------------------
pt_step "the CLI shows Chinese as it is"
if [ -x "${PTRACK:-}" ]; then
    "$PTRACK" --socket "$PT_SOCK" show "$P1" >"$PT_TMP/show.txt" 2>&1 || true
    check_contains "ptrack show prints the 4-byte characters" "关于𠀀𪚥𰻞" "$(cat "$PT_TMP/show.txt")"
    check_true "ptrack show output is valid UTF-8" python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$PT_TMP/show.txt"
    "$PTRACK" --socket "$PT_SOCK" --json show "$P1" >"$PT_TMP/show.json" 2>&1 || true
    check_eq "ptrack --json show round trips the title" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["title"])' "$PT_TMP/p1.json")" \
        "$(jv 'j["title"]' "$(cat "$PT_TMP/show.json")")"
    "$PTRACK" --socket "$PT_SOCK" list --search 革命老区 >"$PT_TMP/list.txt" 2>&1 || true
    check_contains "ptrack list --search 革命老区" "关于加大革命老区振兴发展支持力度的建议" "$(cat "$PT_TMP/list.txt")"
fi

pt_stop
pt_finish

#!/usr/bin/env bash
# The ptrack client against a real ptrackd: add (Chinese fields, repeatable
# flags, --from-file with examples/proposals.json), list as a table whose
# columns line up with Chinese text (display width, East Asian Wide = 2),
# --json that is valid JSON, show, history, do, edit, delete, stats,
# workflow, health, watch, TCP with tokens, and the exit codes: 0 done,
# 1 refused, 2 usage, 3 cannot connect (naming the socket).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
# The built-in exporters, for the report that stats must agree with.
pt_serve_cli
EXAMPLES="$PT_SOURCE_DIR/examples/proposals.json"

# cli ARGS...: runs ptrack on the socket; sets RC, OUT, ERR.
cli() {
    set +e
    "$PTRACK" --socket "$PT_SOCK" "$@" >"$PT_TMP/cli.out" 2>"$PT_TMP/cli.err"
    RC=$?
    set -e
    OUT="$(cat "$PT_TMP/cli.out")"
    ERR="$(cat "$PT_TMP/cli.err")"
}
# bare ARGS...: ptrack with no --socket added.
bare() {
    set +e
    "$PTRACK" "$@" >"$PT_TMP/cli.out" 2>"$PT_TMP/cli.err"
    RC=$?
    set -e
    OUT="$(cat "$PT_TMP/cli.out")"
    ERR="$(cat "$PT_TMP/cli.err")"
}
check_rc() { # WHAT EXPECTED
    if [ "$RC" = "$2" ]; then
        pt_ok "$1: exit $2"
    else
        pt_check_fail "$1" "exit $2" "exit $RC, stderr: ${ERR:0:300}"
    fi
}
is_json() { printf %s "$1" | python3 -m json.tool >/dev/null 2>&1; }
one_line_err() { [ "$(printf '%s\n' "$ERR" | grep -c .)" = 1 ]; }

# ---------------------------------------------------------------------------
pt_step "add"
cli add --title "关于加强黄河流域生态保护和高质量发展的建议" --delegation 山西代表团 \
    --lead-author 李国华 --co-signer 王秀英 --co-signer 张建军 --co-signer 刘丽萍 \
    --category 生态环境 --kind 建议 --session 十四届全国人大四次会议 --number 3001 \
    --background "黄河流域生态脆弱，水资源短缺。" \
    --recommendation "一是加大生态补偿力度" --recommendation "二是推进水权交易" \
    --tag 黄河 --tag 生态补偿
check_rc "ptrack add with Chinese fields and repeated flags" 0
api GET "/v1/proposals?session=十四届全国人大四次会议&q=黄河流域生态保护"
ADDED="$(jv 'j["items"][0]["id"]')"
api GET "/v1/proposals/$ADDED"
check_eq "the added proposal as stored" \
    '["关于加强黄河流域生态保护和高质量发展的建议", "山西代表团", "李国华", ["王秀英", "张建军", "刘丽萍"], "生态环境", "suggestion", "3001", "黄河流域生态脆弱，水资源短缺。", ["一是加大生态补偿力度", "二是推进水权交易"], ["黄河", "生态补偿"], "submitted"]' \
    "$(jv '[j[k] for k in ["title","delegation","lead_author","co_signers","category","kind","number","background","recommendations","tags","status"]]')"
check_contains "ptrack add names the new id" "$ADDED" "$OUT"

cli --json add --title "关于草稿的建议" --draft
check_rc "ptrack --json add --draft" 0
check_true "add --json prints JSON" is_json "$OUT"
DRAFT="$(jv 'j["id"]' "$OUT")"
check_eq "add --draft makes a draft" draft "$(jv 'j["status"]' "$OUT")"

printf '背景写在文件里：革命老区。\n' >"$PT_TMP/bg.txt"
cli --json add --title "关于从文件读背景的建议" --background "@$PT_TMP/bg.txt"
check_rc "add --background @FILE" 0
check_contains "the background came from the file" "背景写在文件里" "$(jv 'j["background"]' "$OUT")"

before="$(pt_count)"
n_examples="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$EXAMPLES")"
cli add --from-file "$EXAMPLES"
check_rc "ptrack add --from-file examples/proposals.json" 0
check_eq "every sample was added" $((before + n_examples)) "$(pt_count)"
api GET "/v1/proposals?q=革命老区振兴&limit=10"
check_eq "a sample's title is stored" 关于加大革命老区振兴发展支持力度的建议 "$(jv 'j["items"][0]["title"]')"
before="$(pt_count)"
cli add --from-file "$PT_TMP/nothing-here.json"
check_rc "add --from-file of a missing file" 2
printf '[{"title":"好的"},{"title":5}]' >"$PT_TMP/mixed.json"
cli add --from-file "$PT_TMP/mixed.json"
check_true "add --from-file with a bad record fails (exit $RC)" test "$RC" -ne 0
printf '{"title":' >"$PT_TMP/broken.json"
cli add --from-file "$PT_TMP/broken.json"
check_rc "add --from-file of broken JSON" 2
before="$(pt_count)"
printf '{"title":"关于第一行的建议"}\n{"title":"关于第二行的建议"}\n{"title":"关于第三行的建议"}\n' >"$PT_TMP/lines.json"
cli add --from-file "$PT_TMP/lines.json"
check_rc "add --from-file of three objects one a line (JSON Lines)" 2
check_contains "which points to import --format jsonl" "import $PT_TMP/lines.json --format jsonl" "$ERR"
check_eq "and adds none of them" "$before" "$(pt_count)"
set +e
printf '{"title":"x"} trailing' | "$PTRACK" --socket "$PT_SOCK" add --from-file - >/dev/null 2>"$PT_TMP/cli.err"
RC=$?
set -e
ERR="$(cat "$PT_TMP/cli.err")"
check_rc "add --from-file - with text after the object" 2
check_eq "nothing was added from it" "$before" "$(pt_count)"
printf '[{"title":"关于数组后空白的建议"}]\n\n  \n' >"$PT_TMP/ws.json"
cli add --from-file "$PT_TMP/ws.json"
check_rc "add --from-file with blank lines after the array" 0
cli add --title ""
check_true "add with an empty title is refused (exit $RC)" test "$RC" = 1 -o "$RC" = 2
cli add --delegation 山西代表团
check_rc "add without --title" 2

# ---------------------------------------------------------------------------
pt_step "list: a table that lines up with Chinese text"
api POST "/v1/proposals/$ADDED/actions/assign" '{"mode":"lead_co","units":[{"name":"水利部","role":"lead"},{"name":"生态环境部","role":"co"}]}'
cli list --all
check_rc "ptrack list --all" 0
printf '%s\n' "$OUT" >"$PT_TMP/table.txt"
api GET '/v1/proposals?limit=500&sort=id'
printf %s "$BODY" >"$PT_TMP/all.json"
align="$(python3 - "$PT_TMP/table.txt" "$PT_TMP/all.json" <<'PY'
import json, sys, unicodedata

def dw(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)

lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
items = {p["id"]: p for p in json.load(open(sys.argv[2], encoding="utf-8"))["items"]}
header = lines[0]
cols = {}
for name in ["标题", "代表团", "承办单位"]:
    if name not in header:
        print("header lacks %s: %r" % (name, header)); sys.exit()
    cols[name] = dw(header[:header.index(name)])
problems, rows = [], 0
for line in lines[1:]:
    tok = line.split()
    if not tok or not tok[0].isdigit():
        continue
    p = items.get(int(tok[0]))
    if not p:
        problems.append("row for unknown id %s" % tok[0]); continue
    rows += 1
    t = p["title"][:4]
    i = line.find(t)
    if i < 0:
        problems.append("#%d: title %r not found in %r" % (p["id"], t, line)); continue
    if dw(line[:i]) != cols["标题"]:
        problems.append("#%d: title starts at column %d, header at %d: %r" % (p["id"], dw(line[:i]), cols["标题"], line))
    if p.get("delegation"):
        k = line.find(p["delegation"], i + len(t))
        if k < 0 or dw(line[:k]) != cols["代表团"]:
            problems.append("#%d: delegation not at column %d: %r" % (p["id"], cols["代表团"], line))
    if p.get("units"):
        k = line.find(p["units"][0]["name"], i + len(t))
        if k < 0 or dw(line[:k]) != cols["承办单位"]:
            problems.append("#%d: units not at column %d: %r" % (p["id"], cols["承办单位"], line))
if rows != len(items):
    problems.append("%d rows for %d proposals" % (rows, len(items)))
print("ok %d rows" % rows if not problems else "; ".join(problems[:5]))
PY
)"
check_eq "list: title, delegation and unit columns start at the same display column in every row" \
    "ok $(jv 'len(j["items"])' "$(cat "$PT_TMP/all.json")") rows" "$align"
check_contains "list shows the state's Chinese label" "已提出" "$OUT"
check_contains "list shows units joined" "水利部、生态环境部" "$OUT"
cli list --limit 5
check_rc "list --limit 5" 0
check_eq "list --limit 5 shows 5 rows" 5 "$(printf '%s\n' "$OUT" | grep -cE '^ *[0-9]+ ')"
cli list --limit 500
check_contains "one page of all: its footer counts them all" "($(pt_count) in all)" "$OUT"
api GET "/v1/proposals?limit=$(($(pt_count) - 2))"
cli list --cursor "$(jv 'j["next"]')"
check_contains "the last page named by --cursor: its footer says so" "(2 on this last page)" "$OUT"
cli list --search 革命老区
check_rc "list --search 革命老区" 0
check_contains "list --search finds the sample" "革命老区" "$OUT"
cli list --status 已交办
check_rc "list --status with a Chinese label" 0
check_eq "list --status 已交办 shows the assigned one" "$ADDED" "$(printf '%s\n' "$OUT" | grep -E '^ *[0-9]+ ' | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')"
api GET "/v1/proposals?status=assigned,submitted&limit=500"
WANT="$(jv '" ".join(str(i["id"]) for i in j["items"])')"
cli --json list --status "已交办，submitted" --all
check_rc "list --status with a label and a code, full-width comma between" 0
check_eq "list --status 已交办，submitted: the assigned and the submitted ones" "$WANT" \
    "$(jv '" ".join(str(i["id"]) for i in j["items"])' "$OUT")"
check_true "there are some of each" test "$(jv 'len({i["status"] for i in j["items"]})' "$OUT")" = 2
cli --json list --person 张建军 --all
check_rc "list --person" 0
check_eq "list --person finds the proposal they co-signed" "[$ADDED]" \
    "$(jv '[i["id"] for i in j["items"] if i["id"] == '"$ADDED"']' "$OUT")"
check_eq "and only theirs" true \
    "$(jv 'all(i["lead_author"] == "张建军" or "张建军" in i["co_signers"] for i in j["items"])' "$OUT")"
cli list --status nonsense
check_true "list --status nonsense is refused (exit $RC: 1 or 2)" test "$RC" = 1 -o "$RC" = 2
check_true "and says so in one line" one_line_err

cli --json list --all
check_rc "list --json --all" 0
check_true "list --json is valid JSON" is_json "$OUT"
check_eq "list --json --all has every proposal" "$(pt_count)" "$(jv 'len(j["items"])' "$OUT")"
cli list --json --limit 2
check_eq "--json after the command works too" 2 "$(jv 'len(j["items"])' "$OUT")"

# ---------------------------------------------------------------------------
pt_step "show, history, do, edit, delete"
cli show "$ADDED"
check_rc "ptrack show" 0
check_contains "show has the title" "关于加强黄河流域生态保护和高质量发展的建议" "$OUT"
check_contains "show has the co-signers" "刘丽萍" "$OUT"
check_contains "show has the second recommendation" "二是推进水权交易" "$OUT"
# The API refuses control characters; a store written before it did may
# hold them, and one is put there by hand.
api POST /v1/proposals '{"title": "关于红色标题的建议", "status": "draft"}'
ESC_ID="$(jv 'j["id"]')"
sqlite3 -cmd ".timeout 10000" "$PT_DATA/ptrack.db" "UPDATE proposals SET doc = json_set(doc,
    '\$.title', '关于' || char(27) || '[31m红色' || char(27) || '[0m标题的建议') WHERE id = $ESC_ID"
cli show "$ESC_ID"
check_contains "show prints a title's control characters as spaces" "关于 [31m红色 [0m标题的建议" "$OUT"
check_eq "and no escape byte reaches the terminal" 0 "$(printf %s "$OUT" | tr -cd '\033' | wc -c)"
api DELETE "/v1/proposals/$ESC_ID"
# A recommendation may start with a line break, and a store written
# before blank ones were left out may hold an empty one (put there by
# hand): each keeps its number, at the start of its first line of text.
api POST /v1/proposals '{"title": "关于建议内容编号的建议", "status": "draft",
  "recommendations": ["一是加强监测。", "\n二是完善机制，\n明确责任。", "三是加大投入。"]}'
REC_ID="$(jv 'j["id"]')"
sqlite3 -cmd ".timeout 10000" "$PT_DATA/ptrack.db" "UPDATE proposals SET doc = json_set(doc,
    '\$.recommendations', json('[\"一是加强监测。\", \"\", \"\\n二是完善机制，\\n明确责任。\", \"三是加大投入。\"]'))
    WHERE id = $REC_ID"
cli show "$REC_ID"
check_eq "show numbers every recommendation, an empty one and one after a line break too" \
    "$(printf '  1.  一是加强监测。\n  2.\n  3.  二是完善机制，\n      明确责任。\n  4.  三是加大投入。')" \
    "$(printf '%s\n' "$OUT" | sed -n '/^建议内容 Recommendations$/,$p' | sed 1d)"
api DELETE "/v1/proposals/$REC_ID"
cli --json show "$ADDED"
check_true "show --json is valid JSON" is_json "$OUT"
check_eq "show --json is the proposal" "$ADDED" "$(jv 'j["id"]' "$OUT")"
check_contains "an empty object is printed {}, as an empty array is []" '"custom": {},' "$OUT"
cli do "$ADDED" 签收 --unit 水利部 --note 已签收
check_rc "do with the action's Chinese label (签收)" 0
check_contains "do names the deadline while it runs" "期限 due" "$OUT"
check_eq "the sign was applied" handling "$(api GET "/v1/proposals/$ADDED" && jv 'j["status"]')"
cli history "$ADDED"
check_rc "ptrack history" 0
check_contains "history lists the assign" "assign" "$OUT"
check_contains "history shows the note" "已签收" "$OUT"
check_contains "history shows the state change" "已交办→办理中" "$OUT"
cli --json history "$ADDED"
check_true "history --json is valid JSON" is_json "$OUT"
cli edit "$ADDED" --set title=关于黄河流域生态保护的建议（修改） --set 'tags=["黄河","修改"]'
check_rc "ptrack edit --set" 0
check_eq "edit applied" '关于黄河流域生态保护的建议（修改） ["黄河", "修改"]' \
    "$(api GET "/v1/proposals/$ADDED" && jv 'j["title"] + " " + json.dumps(j["tags"], ensure_ascii=False)')"
cli edit "$ADDED" --set status=closed
check_rc "edit of status" 1
cli edit "$ADDED" --set title=过时 --if-match 1
check_rc "edit with a stale --if-match" 1
check_contains "the 412 message names the current version" "$(api GET "/v1/proposals/$ADDED" && jv 'j["version"]')" "$ERR"
cli delete "$ADDED"
check_rc "delete of a handling proposal" 1
cli delete "$DRAFT"
check_rc "delete of a draft" 0
check_eq "the draft is gone" 404 "$(api GET "/v1/proposals/$DRAFT" && echo "$ST")"

pt_step "assign's roles, the list's lead unit, one-line output, messages said once"
cli add --title $'关于换行\n标题\t的建议' --delegation 山西代表团
check_rc "add with a line break and a tab in the title" 0
check_eq "its confirmation is one line" 1 "$(printf '%s\n' "$OUT" | grep -c .)"
NL="$(printf %s "$OUT" | sed -n 's/^#\([0-9]*\).*/\1/p')"
cli do "$NL" assign --unit 交通运输部 --unit 财政部:separate
check_rc "assign with one unit given as separate" 0
check_eq "then every unit is separate" "separate separate separate" \
    "$(api GET "/v1/proposals/$NL" && jv '" ".join([j["handling_mode"]] + [u["role"] for u in j["units"]])')"
cli do "$NL" supervise --set key_supervision=true --set supervisor=王督办 \
    --note "请各承办单位高度重视，抓紧研究办理，按时答复代表，并及时报送办理进展情况"
cli do "$NL" supervise --set key_supervision=false --set supervisor=李督办 --note 请抓紧办理并按时答复
cli history "$NL" --width 40
check_contains "history shows a note that fits whole, before the values it changed" "请抓紧办理并按时答复; 重点督办: 否" "$OUT"
check_contains "history wraps a long note under its column" "请各承办单位高度重视，抓紧研究办理，按时" "$OUT"
check_contains "the rest of the note on the next line" "答复代表，并及时报送办理进展情况" "$OUT"
check_eq "the state is never listed among the changes (it has its own column)" 0 \
    "$(printf '%s\n' "$OUT" | grep -c -e '状态:' -e 'status' || true)"
check_contains "the assign's mode is shown by its value" "办理方式: 分办" "$(printf '%s\n' "$OUT" | grep assign)"
check_contains "the units it assigned, each with its role" "承办单位: 交通运输部(分办)、财政部(分办)" "$OUT"
cli history "$NL" --width 120
check_contains "with room, the note and every value" "并及时报送办理进展情况; 重点督办: 是; 督办人: 王督办" "$OUT"
cli add --title 关于主办单位排序的建议 --delegation 山西代表团
LS="$(printf %s "$OUT" | sed -n 's/^#\([0-9]*\).*/\1/p')"
cli do "$LS" assign --unit 财政部:co --unit 国家发展改革委:lead
check_rc "assign with the lead unit second" 0
cli list --search 主办单位排序 --width 200
check_contains "list shows the lead unit first" "国家发展改革委、" "$OUT"
cli add --title 关于协办在前的建议
CF="$(printf %s "$OUT" | sed -n 's/^#\([0-9]*\).*/\1/p')"
cli do "$CF" assign --unit 省卫健委:co --unit 省医保局
check_rc "assign --unit A:co --unit B" 0
check_eq "B, given without a role, leads" "lead_co 省卫健委:co 省医保局:lead" \
    "$(api GET "/v1/proposals/$CF" && jv '" ".join([j["handling_mode"]] + [u["name"] + ":" + u["role"] for u in j["units"]])')"
cli add --title 关于主办在后的建议
CL="$(printf %s "$OUT" | sed -n 's/^#\([0-9]*\).*/\1/p')"
cli do "$CL" assign --unit 省卫健委 --unit 省医保局:lead
check_rc "assign --unit A --unit B:lead" 0
check_eq "A, given without a role, assists" "lead_co 省卫健委:co 省医保局:lead" \
    "$(api GET "/v1/proposals/$CL" && jv '" ".join([j["handling_mode"]] + [u["name"] + ":" + u["role"] for u in j["units"]])')"
cli do "$LS" withdraw --set reason=重复提交
check_eq "a withdrawn proposal's due_at is no deadline: do does not name it" \
    "withdrawn 0" "$(api GET "/v1/proposals/$LS" && jv 'j["status"]') $(printf %s "$OUT" | grep -c '期限' || true)"
cli do "$LS" withdraw --set reason=重复提交
check_rc "an action the state does not allow" 1
check_eq "its message says what is allowed once" 1 "$(printf %s "$ERR" | grep -o 'allowed: none' | wc -l)"
cli do "$LS" nosuch
check_eq "an unknown action's message is not repeated" 1 "$(printf %s "$ERR" | grep -o 'unknown action "nosuch"' | wc -l)"

# ---------------------------------------------------------------------------
pt_step "--set gives a text field text, even when it looks like a number"
cli --json add --title 关于号码字段的建议 --set custom.电话=13800138000 --set number=0099
check_rc "add --set custom.电话=13800138000" 0
TX="$(jv 'j["id"]' "$OUT")"
check_eq "the phone number is stored as text" '"13800138000"' "$(jv 'json.dumps(j["custom"]["电话"])' "$OUT")"
cli --json edit "$TX" --set custom.备注.1=见附件
check_rc "edit --set custom.备注.1=见附件" 0
check_eq "a custom name with a dot is one name, beside the others" '{"备注.1": "见附件", "电话": "13800138000"}' \
    "$(jv 'json.dumps(j["custom"], ensure_ascii=False, sort_keys=True)' "$OUT")"
cli --json add --title 关于来源编号的建议 --set source.format=oa --set source.ref=2026001
check_rc "add --set source.ref=2026001" 0
check_eq "the source's ref is stored as text" '"2026001"' "$(jv 'json.dumps(j["source"]["ref"])' "$OUT")"
cli edit "$TX" --set number=1002
check_rc "edit --set number=1002" 0
check_eq "编号 1002 is stored as the string" '"1002"' "$(api GET "/v1/proposals/$TX" && jv 'json.dumps(j["number"])')"
cli edit "$TX" --set number=null
check_rc "edit --set number=null still clears" 0
check_eq "the number is gone" None "$(api GET "/v1/proposals/$TX" && jv 'str(j.get("number"))')"
cli do "$TX" assign --unit 水利部
cli do "$TX" sign --unit 水利部
cli do "$TX" reply --unit 水利部 --set doc_no=2026015 --set category=A --set text=1
check_rc "do reply --set doc_no=2026015 --set text=1" 0
check_eq "the reply's doc_no and text are text" '["2026015", "1"]' \
    "$(api GET "/v1/proposals/$TX" && jv '[j["replies"][0]["doc_no"], j["replies"][0]["text"]]')"
cli add --title 关于并案的建议
MG="$(printf %s "$OUT" | sed -n 's/^#\([0-9]*\).*/\1/p')"
cli do "$MG" review
cli do "$MG" merge --set merged_into="$TX"
check_rc "do merge --set merged_into=ID: a number field stays a number" 0
check_eq "merged_into is stored" "$TX" "$(api GET "/v1/proposals/$MG" && jv 'j["merged_into"]')"

# ---------------------------------------------------------------------------
pt_step "text that is not UTF-8 is refused by name; a byte order mark is dropped"
gbk() { python3 -c 'import sys; sys.stdout.buffer.write(sys.argv[1].encode("gbk"))' "$1"; }
GBK_TITLE="$(gbk 关于加强农村饮水安全保障的建议)"
before="$(pt_count)"
cli add --title "$GBK_TITLE"
check_rc "add --title in GBK" 2
check_contains "names --title" "--title is not UTF-8" "$ERR"
check_contains "and says how to convert" "iconv -f GBK -t UTF-8" "$ERR"
check_eq "nothing was added" "$before" "$(pt_count)"
cli list --search "$(gbk 饮水)"
check_rc "list --search in GBK is refused, not an empty result" 2
gbk 背景写在GBK文件里 >"$PT_TMP/gbk.txt"
cli add --title 关于GBK背景的建议 --background "@$PT_TMP/gbk.txt"
check_rc "add --background @FILE in GBK" 2
check_contains "names the file" "$PT_TMP/gbk.txt is not UTF-8" "$ERR"
cli edit "$TX" --set-file "background=$PT_TMP/gbk.txt"
check_rc "edit --set-file of a GBK file" 2
check_contains "names the file" "$PT_TMP/gbk.txt is not UTF-8" "$ERR"
printf '\xef\xbb\xbf背景带BOM\n' >"$PT_TMP/bom.txt"
cli --json add --title 关于BOM背景的建议 --background "@$PT_TMP/bom.txt"
check_rc "add --background @FILE with a byte order mark" 0
check_eq "the mark is not stored" '"背景带BOM"' "$(jv 'json.dumps(j["background"], ensure_ascii=False)' "$OUT")"
cli edit "$TX" --set-file "background=$PT_TMP/bom.txt"
check_eq "edit --set-file drops the mark too" '"背景带BOM"' \
    "$(api GET "/v1/proposals/$TX" && jv 'json.dumps(j["background"], ensure_ascii=False)')"
printf '\xef\xbb\xbf{"title":"关于BOM文件的建议"}\n' >"$PT_TMP/bom.json"
cli add --from-file "$PT_TMP/bom.json"
check_rc "add --from-file of a JSON file with a byte order mark" 0

# ---------------------------------------------------------------------------
pt_step "a date typed without a time is a day of the local calendar"
DAY="$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=100))')"
NEXT="$(python3 -c 'import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=1))' "$DAY")"
# end_of_day ZONE: the UTC epoch of 23:59:59 on $DAY in ZONE.
end_of_day() {
    python3 -c 'import datetime,sys,zoneinfo
d = datetime.date.fromisoformat(sys.argv[1])
print(int(datetime.datetime.combine(d, datetime.time(23, 59, 59), zoneinfo.ZoneInfo(sys.argv[2])).timestamp()))' "$DAY" "$1"
}
stored_due() {
    api GET "/v1/proposals/$1"
    jv 'int(__import__("datetime").datetime.fromisoformat(j["due_at"].replace("Z", "+00:00")).timestamp())'
}
cli add --title 关于按本地日期延期的建议
DT="$(printf %s "$OUT" | sed -n 's/^#\([0-9]*\).*/\1/p')"
cli do "$DT" assign --unit 水利部
cli do "$DT" sign --unit 水利部
# Extending only moves a deadline later: Beijing's end of the day first.
TZ=Asia/Shanghai cli do "$DT" extend --set due_at="$DAY"
check_rc "extend --set due_at=$DAY (Beijing)" 0
check_eq "due_at is the end of that day in Beijing" "$(end_of_day Asia/Shanghai)" "$(stored_due "$DT")"
TZ=Asia/Shanghai cli --json list --due-before "$DAY" --all
check_eq "--due-before that day does not find it in Beijing" false "$(jv "any(i['id'] == $DT for i in j['items'])" "$OUT")"
TZ=America/New_York cli do "$DT" extend --set due_at="$DAY"
check_rc "extend --set due_at=$DAY (New York)" 0
check_eq "due_at is the end of that day in New York" "$(end_of_day America/New_York)" "$(stored_due "$DT")"
TZ=America/New_York cli show "$DT"
check_contains "show in New York gives that day" "$DAY 23:59" "$OUT"
TZ=America/New_York cli --json list --due-before "$NEXT" --all
check_eq "--due-before the next day finds it" true "$(jv "any(i['id'] == $DT for i in j['items'])" "$OUT")"
TZ=America/New_York cli --json list --due-before "$DAY" --all
check_eq "--due-before that day does not" false "$(jv "any(i['id'] == $DT for i in j['items'])" "$OUT")"

# ---------------------------------------------------------------------------
pt_step "the examples of ptrack do --help work as written"
cli add --title 关于示例流程的建议
EX="$(printf %s "$OUT" | sed -n 's/^#\([0-9]*\).*/\1/p')"
mkdir -p "$PT_TMP/ex"
printf '经研究，已列入明年计划。\n' >"$PT_TMP/ex/答复.txt"
"$PTRACK" do --help | python3 -c '
import sys
lines, cmd = [], ""
for line in sys.stdin.read().split("Examples", 1)[1].split("Options:")[0].splitlines():
    s = line.strip()
    if cmd:
        cmd += " " + s
    elif s.startswith("ptrack do 12 "):
        cmd = s
    else:
        continue
    if cmd.endswith("\\"):
        cmd = cmd[:-1].rstrip()
        continue
    lines.append(cmd)
    cmd = ""
print("\n".join(lines))' >"$PT_TMP/ex/steps"
check_eq "the examples are assign, sign, opinion, extend, reply, feedback" \
    "assign sign opinion extend reply feedback" "$(awk '{print $4}' "$PT_TMP/ex/steps" | tr '\n' ' ' | sed 's/ $//')"
while read -r -a step; do
    # The version in --if-match is the example's own; the rest run as written.
    [[ " ${step[*]} " == *" --if-match "* ]] && continue
    step[2]="$EX"
    (cd "$PT_TMP/ex" && "$PTRACK" --socket "$PT_SOCK" "${step[@]:1}" >/dev/null 2>"$PT_TMP/ex/err") && RC=0 || RC=$?
    ERR="$(cat "$PT_TMP/ex/err")"
    check_rc "example: ptrack do ${step[3]}" 0
done <"$PT_TMP/ex/steps"
check_eq "and the proposal is closed" closed "$(api GET "/v1/proposals/$EX" && jv 'j["status"]')"

# ---------------------------------------------------------------------------
pt_step "stats, workflow, health, watch"
cli stats
check_rc "ptrack stats" 0
check_contains "stats shows the total" "$(pt_count)" "$OUT"
cli --json stats
check_true "stats --json is valid JSON" is_json "$OUT"
check_eq "stats --json total" "$(pt_count)" "$(jv 'j["total"]' "$OUT")"
cli --json stats --unit 水利部
UNIT_TOTAL="$(jv 'j["total"]' "$OUT")"
api GET "/v1/stats?unit=%E6%B0%B4%E5%88%A9%E9%83%A8"
check_eq "stats --unit 水利部 is the unit's figures" "$(jv 'j["total"]')" "$UNIT_TOTAL"
check_true "which are not all of them" test "$UNIT_TOTAL" -lt "$(pt_count)"
cli --json stats --status 已交办
api GET "/v1/proposals?status=assigned&limit=500"
check_eq "stats --status 已交办 counts the assigned ones, as the list" \
    "$(jv 'len(j["items"])') {\"assigned\": $(jv 'len(j["items"])')}" \
    "$(jv 'j["total"]' "$OUT") $(jv 'j["by_status"]' "$OUT")"
# Six assigned, four replied: 办复率 4/6 = 66.666...%, shown as the report shows it.
for i in 1 2 3 4 5 6; do
    api POST /v1/proposals '{"title":"关于比率测试的建议'"$i"'","session":"比率测试会议"}'
    RT="$(jv 'j["id"]')"
    api POST "/v1/proposals/$RT/actions/assign" '{"mode":"single","units":[{"name":"统计局","role":"lead"}]}'
    if [ "$i" -le 4 ]; then
        api POST "/v1/proposals/$RT/actions/sign" '{"unit":"统计局"}'
        api POST "/v1/proposals/$RT/actions/reply" \
            '{"unit":"统计局","doc_no":"统函'"$i"'号","category":"'"$(printf '\x'$((40 + i)))"'","text":"答复"}'
    fi
done
cli stats --session 比率测试会议
check_contains "stats: 办复率 of 4 in 6 is rounded, 66.7%" "66.7%" "$OUT"
STATS_OUT="$OUT"
cli export --format md --session 比率测试会议 --out - --quiet
check_contains "the md report says the same 66.7%" "| 办复率 | 66.7%（4/6） |" "$OUT"
meanings="$(python3 - "$OUT" "$STATS_OUT" <<'PY'
import re, sys
md, stats = sys.argv[1], sys.argv[2]
bad = []
for letter in "ABCD":
    m = re.search(r"\| %s类（(.+?)） \|" % letter, md)
    if not m:
        bad.append("%s: not in the report" % letter)
    elif not re.search(r"^\s*%s\s+%s\s" % (letter, re.escape(m.group(1))), stats, re.M):
        bad.append("%s: report says %s, stats does not" % (letter, m.group(1)))
print("; ".join(bad) or "same")
PY
)"
check_eq "stats explains A/B/C/D in the report's words" same "$meanings"
cli workflow
check_rc "ptrack workflow" 0
check_contains "workflow shows 交办" "交办" "$OUT"
check_contains "workflow shows 办结" "办结" "$OUT"
check_eq "workflow fits a terminal of 100 columns" "" "$(printf '%s\n' "$OUT" | python3 -c '
import sys, unicodedata
for line in sys.stdin.read().split("\n"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    if w > 100:
        print(w, line[:40])')"
check_contains "an action that runs in every live state says *" "* (未终结 non-terminal) → (不变 same)" "$OUT"
check_contains "an action's states, where it leads, its fields" \
    "$(printf 'assign       交办          Assign\n  submitted, filed → assigned\n  mode*(lead_co|separate|single) units*')" "$OUT"
cli --json workflow
check_true "workflow --json is valid JSON" is_json "$OUT"
cli health
check_rc "ptrack health" 0
check_true "health shows the room left on the data directory's disk" \
    grep -Eq '磁盘剩余 disk free +[0-9.]+ (B|KB|MB|GB)$' <<<"$OUT"
"$PTRACK" --socket "$PT_SOCK" watch >"$PT_TMP/watch.out" 2>&1 &
watch_pid=$!
# watch shows what happens once it has read the feed's head, which a busy
# machine may delay: until it shows a proposal made after its start,
# another is made each second. Then comes the one checked.
watching() { grep -q "关于实时关注的预备建议" "$PT_TMP/watch.out"; }
FIRST_NEW=""
for _ in $(seq 1 60); do
    api POST /v1/proposals '{"title":"关于实时关注的预备建议"}'
    FIRST_NEW="${FIRST_NEW:-$(jv 'j["id"]')}"
    wait_for 1 watching && break
done
check_true "ptrack watch shows a proposal made after its start" watching
api POST /v1/proposals '{"title":"关于实时关注的建议"}'
W="$(jv 'j["id"]')"
wait_for 30 grep -q "#$W" "$PT_TMP/watch.out" || true
kill "$watch_pid" 2>/dev/null || true
wait "$watch_pid" 2>/dev/null || true
check_contains "ptrack watch prints the new proposal" "#$W" "$(cat "$PT_TMP/watch.out")"
check_contains "ptrack watch prints its title" "关于实时关注的建议" "$(cat "$PT_TMP/watch.out")"
check_eq "and nothing of the proposals made before it started" "" \
    "$(grep -oE '#[0-9]+' "$PT_TMP/watch.out" | tr -d '#' | awk -v f="$FIRST_NEW" '$1 < f' | head -n 3)"
# Events it cannot write (watch >> events.log on a full disk) would be lost
# to their reader if it went on past them: it stops, exit 4, saying where
# to go on from.
for json in "" --json; do
    set +e
    timeout 20 "$PTRACK" --socket "$PT_SOCK" watch $json --after 0 </dev/null >/dev/full \
        2>"$PT_TMP/full.err"
    RC=$?
    set -e
    ERR="$(cat "$PT_TMP/full.err")"
    check_rc "ptrack watch${json:+ $json} to a full disk (/dev/full) stops" 4
    check_contains "and says from where to go on" "ptrack watch --after 0 goes on from there" "$ERR"
done

# ---------------------------------------------------------------------------
pt_step "TCP with tokens"
bare --url "$PT_URL" --token "$VIEWER_TOKEN" list --limit 3
check_rc "list over TCP with the viewer token" 0
bare --url "$PT_URL" --token "$VIEWER_TOKEN" add --title "报表机想写"
check_rc "add over TCP with the viewer token" 1
check_true "the 403 is one line" one_line_err
bare --url "$PT_URL" --token "$CLERK_TOKEN" add --title "关于张科长的建议"
check_rc "add over TCP with the clerk token" 0
bare --url "$PT_URL" list
check_rc "list over TCP without a token" 1
check_contains "the 401 hints at --token" "--token" "$ERR"
PTRACK_URL="$PT_URL" PTRACK_TOKEN="$VIEWER_TOKEN" bare list --limit 1
check_rc "PTRACK_URL and PTRACK_TOKEN from the environment" 0

# ---------------------------------------------------------------------------
pt_step "a 2xx answer that is not ptrackd's JSON is not a success"
mkdir -p "$PT_TMP/www/v1/proposals"
printf 'hello from a web server\n' >"$PT_TMP/www/v1/health"
printf '<html>not a proposal</html>\n' >"$PT_TMP/www/v1/proposals/1"
printf '{"status":"starting"}' >"$PT_TMP/www/v1/stats"
WWW_PORT="$(pt_free_port)"
(cd "$PT_TMP/www" && exec "$PY" -m http.server --bind 127.0.0.1 "$WWW_PORT" >/dev/null 2>&1) &
wait_for 10 curl -sf -o /dev/null "http://127.0.0.1:$WWW_PORT/v1/health" || pt_die "http.server did not start"
WWW="http://127.0.0.1:$WWW_PORT"
bare --url "$WWW" health
check_rc "health against a web server that answers 200 with text" 4
check_contains "which says the answer is not ptrackd's" "is it ptrackd?" "$ERR"
check_true "in one line" one_line_err
bare --url "$WWW" show 1
check_rc "show against a web server's page" 4
check_eq "prints no empty card" "" "$OUT"
bare --url "$WWW" --json show 1
check_rc "show --json against a web server's page" 4
check_true "and does not blame memory" test "${ERR#*out of memory}" = "$ERR"
printf '{"total":20000,"reply_rate":0.99995,"satisfaction_rate":0.00005}' >"$PT_TMP/www/v1/stats"
bare --url "$WWW" stats
check_contains "stats: 19,999 of 20,000 replied is 99.9%, not 100.0%" "99.9%" "$OUT"
check_contains "stats: 1 of 20,000 satisfied is 0.1%, not 0.0%" "0.1%" "$OUT"
printf '{"status":"starting"}' >"$PT_TMP/www/v1/stats"
cp "$PT_TMP/www/v1/stats" "$PT_TMP/www/v1/health"
bare --url "$WWW" health
check_rc "health whose JSON status is not ok" 4
check_contains "names the status" '"starting"' "$ERR"
# Another program's 404 page (--url names the wrong port) is no refusal of
# ptrackd's, which answers every refusal with its error object: a service
# check must not read it as a missing token.
rm "$PT_TMP/www/v1/health"
bare --url "$WWW" health
check_rc "health against a web server that answers 404 with its page" 4
check_contains "which asks whether it is ptrackd" "is it ptrackd?" "$ERR"
bare --url "$WWW" history 7
check_rc "history against a web server's 404 page" 4
check_contains "history: which asks whether it is ptrackd" "is it ptrackd?" "$ERR"
bare --url "$WWW" list
check_rc "list against a web server's redirect (its directory /v1/proposals/)" 4
check_contains "list: which asks whether it is ptrackd" "is it ptrackd?" "$ERR"

# ---------------------------------------------------------------------------
pt_step "an export stopped by a signal leaves no temporary file behind"
STALL_PORT="$(pt_free_port)"
# A server that starts an export and then stalls, as a slow one would.
"$PY" "$PT_E2E_DIR/receivers/stall_http.py" "$STALL_PORT" &
stall_pid=$!
wait_for 10 pt_listening "$STALL_PORT" ||
    pt_die "the stalling server did not start"
mkdir -p "$PT_TMP/exp"
has_tmp() { compgen -G "$PT_TMP/exp/out.csv.ptrack-*" >/dev/null; }
for sig in INT TERM HUP; do
    "${PT_SIGINT_DFL[@]}" "$PTRACK" --url "http://127.0.0.1:$STALL_PORT" export --format csv \
        --out "$PT_TMP/exp/out.csv" >/dev/null 2>"$PT_TMP/exp.err" &
    exp_pid=$!
    wait_for 10 has_tmp || pt_check_fail "export writes a temporary file" "out.csv.ptrack-*" "$(ls "$PT_TMP/exp")"
    pt_stop_bg "$exp_pid" "$sig" 5 "export"
    ERR="$(cat "$PT_TMP/exp.err")"
    check_rc "export stopped by SIG$sig" "$((128 + $(kill -l "$sig")))"
    check_eq "SIG$sig: nothing is left in the directory" "" "$(ls -A "$PT_TMP/exp")"
done
check_contains "and it says the file was not written" "out.csv was not written" "$ERR"
kill "$stall_pid" 2>/dev/null || true
wait "$stall_pid" 2>/dev/null || true

# ---------------------------------------------------------------------------
pt_step "small things: --arg names, bad URLs, --format case, --draft, large ids, many co-signers, the cursor hint"
# A server that answers every request with what it was asked (path and query).
cat >"$PT_TMP/echo.py" <<'PY'
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = json.dumps({"error": {"code": "echo", "message": "asked " + self.path}}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
ECHO_PORT="$(pt_free_port)"
"$PY" "$PT_TMP/echo.py" "$ECHO_PORT" &
echo_pid=$!
wait_for 10 pt_listening "$ECHO_PORT" ||
    pt_die "the echo server did not start"
bare --url "http://127.0.0.1:$ECHO_PORT" export --format csv --arg 'a&b=c d' --out "$PT_TMP/echo.csv"
check_contains "an --arg name is percent-encoded like its value" "&a%26b=c%20d" "$ERR"
bare --url "http://127.0.0.1:$ECHO_PORT" export --format CSV --out "$PT_TMP/echo.csv"
check_contains "--format CSV is sent as csv" "format=csv" "$ERR"
kill "$echo_pid" 2>/dev/null || true
wait "$echo_pid" 2>/dev/null || true
cli export --format CSV --out "$PT_TMP/upper.csv" --quiet
check_rc "export --format CSV" 0
check_eq "a format the file's name agrees with is not remarked on" "" "$ERR"
cli export --format json --out "$PT_TMP/名单.csv" --quiet
check_rc "export --format json --out 名单.csv writes as asked" 0
check_eq "JSON, as --format says" "[" "$(head -c 1 "$PT_TMP/名单.csv")"
check_contains "and says the name says otherwise" \
    "注意：文件名是 csv 格式，内容将是 json 格式 ($PT_TMP/名单.csv is named as csv, but --format json writes json" \
    "$ERR"
cli export --format jsonl --out "$PT_TMP/all.json" --quiet
check_contains "jsonl into a .json too" "is named as json, but --format jsonl writes jsonl" "$ERR"
cli export --format json --out "$PT_TMP/all.txt" --quiet
check_eq "a name that says no format is not remarked on" "" "$ERR"
bare --url 'http://[x' --token x list
check_rc "a --url that is not a URL is a usage error" 2
check_true "not blamed on a daemon that is away" test "${ERR#*is ptrackd running}" = "$ERR"
for u in "$PT_URL/v1" "$PT_URL/v1/"; do
    bare --url "$u" --token "$VIEWER_TOKEN" list
    check_rc "--url $u, the API's base copied whole, is a usage error" 2
    check_contains "it gives the address to use instead" "ptrack adds itself: $PT_URL, not" "$ERR"
done
PTRACK_URL="$PT_URL/v1" PTRACK_TOKEN="$VIEWER_TOKEN" bare list
check_rc "so is PTRACK_URL with /v1" 2
bare --url "$PT_URL/" --token "$VIEWER_TOKEN" list --limit 1
check_rc "an address with a final slash is taken" 0
bare --url "http://v1" --token "$VIEWER_TOKEN" list --limit 1
check_true "a host named v1 is no path of the API: not a usage error" test "$RC" != 2
check_true "nor told to drop /v1" test "${ERR#*without the API}" = "$ERR"
before="$(pt_count)"
cli add --title 关于状态冲突的建议 --set status=submitted --draft
check_rc "add --set status=submitted --draft says two things" 2
check_contains "and says so" "--draft and --set status" "$ERR"
check_eq "nothing was added" "$before" "$(pt_count)"
cli --json add --title 关于草稿状态的建议 --set status=draft --draft
check_rc "add --set status=draft --draft agrees with itself" 0
check_eq "and makes a draft" draft "$(jv 'j["status"]' "$OUT")"
cli show 9223372036854775807
RC1="$RC" ERR1="$ERR"
cli show 99999999999999999999
check_eq "show of an id past 2^53 and of one past 2^64: the same exit code" "2 2" "$RC1 $RC"
check_eq "and the same message" "${ERR1//9223372036854775807/N}" "${ERR//99999999999999999999/N}"
co_json="$(python3 -c 'import json; print(json.dumps({"title": "关于联名很多的建议", "co_signers": ["代表%02d号欧阳" % i for i in range(35)]}, ensure_ascii=False))')"
api POST /v1/proposals "$co_json"
MANY="$(jv 'j["id"]')"
cli show "$MANY"
widest="$(printf '%s\n' "$OUT" | python3 -c '
import sys, unicodedata
print(max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n")) for l in sys.stdin))')"
check_true "show with 35 co-signers keeps every line within 80 columns (widest: $widest)" test "$widest" -le 80
check_contains "and lists every one of them" "代表34号欧阳" "$OUT"
check_contains "whole, not cut inside a name" "代表17号欧阳" "$OUT"
cli list --limit 2 --sort -id --delegation 山西代表团
check_contains "the cursor hint says to repeat the filters and the sort" "same filters and --sort) 加 --cursor" "$OUT"

# ---------------------------------------------------------------------------
pt_step "exit codes"
cli show 999999
check_rc "show of an unknown proposal" 1
check_true "one line on stderr" one_line_err
check_contains "the message starts with ptrack:" "ptrack" "$ERR"
check_eq "without --json, nothing on stdout" "" "$OUT"
cli --json show 999999
check_rc "show --json of an unknown proposal" 1
check_eq "--json prints the daemon's error answer on stdout" "not_found" "$(jv 'j["error"]["code"]' "$OUT")"
check_contains "... and the message on stderr" "999999" "$ERR"
cli do 999999 sign --unit 某单位
check_rc "do on an unknown proposal" 1
cli frobnicate
check_rc "an unknown command" 2
cli list --no-such-option
check_rc "an unknown option" 2
cli show
check_rc "show without an ID" 2
cli show abc
check_rc "show with a non-numeric ID" 2
cli list --limit abc
check_rc "list --limit abc" 2
bare --socket "$PT_SOCK" --url "$PT_URL" list
check_rc "--socket and --url together" 2
bare --url "ftp://x" list
check_rc "--url that is not http" 2
bare --socket "$PT_TMP/no-daemon.sock" list
check_rc "no daemon on the socket" 3
check_contains "the message names the socket" "$PT_TMP/no-daemon.sock" "$ERR"
check_true "and is one line" one_line_err
bare --url "http://127.0.0.1:$(pt_free_port)" --token x list
check_rc "no daemon on the TCP port" 3
(cd "$PT_TMP" && "$PTRACK" list >/dev/null 2>"$PT_TMP/default.err") && RC=0 || RC=$?
check_eq "no --socket: the default var/ptrack.sock, not there: exit" 3 "$RC"
check_contains "and names var/ptrack.sock" "var/ptrack.sock" "$(cat "$PT_TMP/default.err")"
bare --help
check_rc "ptrack --help" 0
# A large answer is written straight through, past the buffer: a failure
# there is an exit 4 too, though nothing is left to flush at the end.
for args in "--help" "help list" "--version" "list --help" "list --json" "workflow --json"; do
    set +e
    # shellcheck disable=SC2086
    "$PTRACK" --socket "$PT_SOCK" $args >/dev/full 2>"$PT_TMP/full.err"
    RC=$?
    set -e
    ERR="$(cat "$PT_TMP/full.err")"
    check_rc "ptrack $args to a full disk (/dev/full)" 4
done
# A change ptrackd has made stays made when its answer cannot be written:
# the line says so, or the person would run `add` again and add it twice.
set +e
"$PTRACK" --socket "$PT_SOCK" add --title "输出写不下的建议" >/dev/full 2>"$PT_TMP/full.err"
RC=$?
set -e
ERR="$(cat "$PT_TMP/full.err")"
check_rc "ptrack add to a full disk (/dev/full)" 4
check_contains "says ptrackd made the change all the same" "ptrackd has made the change all the same" "$ERR"
cli list --search "输出写不下的建议" --json
check_contains "and the proposal was added" "输出写不下的建议" "$OUT"
set +e
"$PTRACK" --socket "$PT_SOCK" list >/dev/full 2>"$PT_TMP/full.err"
set -e
ERR="$(cat "$PT_TMP/full.err")"
check_true "a read that cannot be written says nothing of a change" \
    test "${ERR/made the change/}" = "$ERR"
# ptrack import sends the file on a handle of its own: the same holds.
printf '[{"title": "导入后输出写不下的建议"}]' >"$PT_TMP/full-import.json"
set +e
"$PTRACK" --socket "$PT_SOCK" import "$PT_TMP/full-import.json" >/dev/full 2>"$PT_TMP/full.err"
RC=$?
set -e
ERR="$(cat "$PT_TMP/full.err")"
check_rc "ptrack import to a full disk (/dev/full)" 4
check_contains "says ptrackd made the import all the same" \
    "ptrackd has made the change all the same" "$ERR"
cli list --search "导入后输出写不下的建议" --json
check_contains "and the proposal was imported" "导入后输出写不下的建议" "$OUT"
# A partial import whose list of the records left out cannot be written
# keeps its exit 5, and says that the output was lost.
printf '[{"title": "部分导入的建议"}, {"title": ""}]' >"$PT_TMP/full-partial.json"
set +e
"$PTRACK" --socket "$PT_SOCK" import --partial "$PT_TMP/full-partial.json" >/dev/full \
    2>"$PT_TMP/full.err"
RC=$?
set -e
ERR="$(cat "$PT_TMP/full.err")"
check_rc "ptrack import --partial to a full disk (/dev/full)" 5
check_contains "says its output was lost" "ptrack: writing the output" "$ERR"
bare health --help
check_contains "health --help names exit 1" "1 when it refuses" "$OUT"
bare list --help
check_rc "ptrack list --help" 0
check_contains "list --help documents --search" "--search" "$OUT"
pt_stop
bare --socket "$PT_SOCK" list
check_rc "after ptrackd stopped" 3

pt_finish

#!/usr/bin/env bash
# The example importer and exporter of examples/, built from their sources
# against include/ only (as a plugin's author builds them, -O2) and loaded at run
# time:
#   - import_oa (from the config) reads an OA system's 办文单 export (a BOM,
#     CRLF, a heading, wrapped lines, Chinese throughout): an all-or-nothing
#     import refuses the file for its one broken record, naming the record's
#     line, its 来文编号, the line at fault and why; a partial one stores the
#     others with their fields, units and deadlines; sending the file again
#     stores nothing twice; the session argument fills in a missing 届次,
#     and one the API would refuse (empty, blank, not UTF-8, over 1000
#     bytes) is a 400 before the file is read; a GBK file is refused as a
#     whole;
#   - export_duban (POST /v1/plugins) writes the 督办清单 of the proposals a
#     filter selects: per unit, the most overdue first, each proposal with
#     its deadline and how late it is; a co unit that gave its opinion is
#     left out; ?unit= lists that unit only; ?title= names the list; the
#     heading names the filters, a list's values once each and states by
#     the workflow's labels (status=assigned,assigned is 已交办), a kind by
#     its label and a yes-or-no filter in words (kind=motion is 议案,
#     overdue=true is 是); too
#     many entries is a 400 before any byte; with tz UTC its dates are
#     UTC's (the host's time_format); a number or lead author too long for
#     its entry is cut between characters, and the list stays UTF-8.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# ---- Build the examples -------------------------------------------------
# Optimised, as their CMakeLists.txt builds them for Release: -O2 finds
# warnings (a buffer a number may not fit) that an unoptimised build does
# not, and -Werror makes them errors.
for ex in import-oa export-duban; do
    name="${ex//-/_}"
    "${CC:-cc}" -std=c11 -O2 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden \
        -Wl,--no-undefined -I"$PT_SOURCE_DIR/include" -o "$PT_TMP/$name.so" \
        "$PT_SOURCE_DIR/examples/$ex/$name.c" || pt_die "cannot build $name.so"
    chmod 0644 "$PT_TMP/$name.so"
done

pt_config '{}' ',"plugins": [
  {"instance": "oa", "path": "'"$PT_TMP"'/import_oa.so", "config": {"tz": "+08:00"}}]'
pt_start
pt_need_cli

# Dates: today in Beijing time, and a deadline three days from now.
TODAY="$(python3 -c 'import datetime as d; print((d.datetime.utcnow() + d.timedelta(hours=8)).date())')"
SOON="$(python3 -c 'import datetime as d; print((d.datetime.utcnow() + d.timedelta(hours=8, days=3)).date())')"
LATE_DAYS="$(python3 -c 'import datetime as d, sys; print((d.date.fromisoformat(sys.argv[1]) - d.date(2020, 6, 30)).days)' "$TODAY")"

# ---- The OA's export ------------------------------------------------------
# Line numbers matter: record 3 starts on line 33 and its 办理期限 is on
# line 35.
OA="$PT_TMP/办文单导出.txt"
{
    printf '\xEF\xBB\xBF'
    cat <<EOF
办文单导出（省人大常委会选工委） 共 5 件
导出时间：2025-07-01 09:30

【来文编号】OA-2025-0107
【标题】关于加强农村饮水安全保障的建议
【类型】建议
【届次】省十四届人大三次会议
【建议编号】1001
【领衔代表】张建国
【联名代表】李红梅、王志强，赵敏
【代表团】太原代表团
【分类】农业农村
【主办单位】省水利厅
【协办单位】省财政厅、省卫生健康委
【交办日期】2020-04-01
【办理期限】2020年6月30日
【内容】部分农村地区供水管网老化，
水质检测覆盖不全。
【联系电话】0351-1234567
【备注.1】见附件
【2024】续报

【来文编号】OA-2025-0108
【标题】关于完善城市公交线网的建议
【届次】省十四届人大三次会议
【建议编号】1002
【领衔代表】刘晓燕
【代表团】大同代表团
【主办单位】省交通运输厅
【办理期限】2099-09-30
【办理状态】办理中

【来文编号】OA-2025-0109
【标题】关于加快中小学校舍改造的建议
【办理期限】2025-13-45

【来文编号】OA-2025-0110
【标题】关于支持非遗传承人培养的建议
【类型】建议
【领衔代表】陈静
【代表团】太原代表团
【主题词】非遗；文化传承

【来文编号】OA-2025-0111
【标题】关于加强城区停车设施建设的建议
【届次】省十四届人大三次会议
【建议编号】1004
【领衔代表】郭强
【代表团】太原代表团
【主办单位】省住建厅、省交通运输厅
【办理期限】$SOON
【重点督办】是
【督办领导】王副主任
EOF
} | sed 's/$/\r/' >"$OA"

# by_ref REF EXPR: EXPR with p bound to the stored proposal whose
# source.ref is REF.
by_ref() {
    api GET "/v1/proposals?limit=500"
    jv "(lambda p: $2)([p for p in j['items'] if (p['source'] or {}).get('ref') == '$1'][0])"
}

# ---------------------------------------------------------------------------
pt_step "import_oa is loaded from the config and declares its argument"
api GET /v1/plugins/oa
check_status "GET /v1/plugins/oa" 200
check_eq "it serves the oa import" '["oa"]' "$(jv 'j["formats"]["import"]')"
check_eq "and takes session" '["session"]' "$(jv 'j["args"]["import"]')"

# ---------------------------------------------------------------------------
pt_step "all or nothing: the broken record refuses the file, naming the line"
pt_import oa "$OA"
check_error "the import of a file with a broken record" 422 validation_failed
check_eq "one record is rejected" 1 "$(jv 'j["error"]["rejected_count"]')"
check_eq "at the line its record starts, with its 来文编号" "line 33 (OA-2025-0109)" \
    "$(jv 'j["error"]["rejected"][0]["where"]')"
check_eq "naming the line at fault and why" \
    'line 35: 【办理期限】"2025-13-45" is not a date: write 2025-06-30, 2025/6/30 or 2025年6月30日' \
    "$(jv 'j["error"]["rejected"][0]["reason"]')"
check_eq "the heading is passed over, not rejected" \
    '[{"where": "lines 1-2", "reason": "no 【field】 line: not a 办文单 record"}]' \
    "$(jv 'j["error"]["ignored"]')"
check_eq "nothing is stored" 0 "$(pt_count)"
pt_cli import "$OA" --format oa
check_rc "ptrack import refuses it too" 1
check_contains "and prints the line and the reason" \
    'line 33 (OA-2025-0109): line 35: 【办理期限】"2025-13-45" is not a date' "$ERR"

# ---------------------------------------------------------------------------
pt_step "partial: the other records are stored, with their fields"
pt_import oa "$OA" "partial=true&session=$(urlenc 省十四届人大三次会议)"
check_status "the partial import" 200
check_eq "four imported, one rejected" "4 1" "$(jv '"%d %d" % (j["imported"], j["rejected_count"])')"
check_eq "4 proposals" 4 "$(pt_count)"
check_eq "0107: the fields of the 办文单" \
    'assigned|1001|suggestion|省十四届人大三次会议|张建国|李红梅,王志强,赵敏|太原代表团|农业农村' \
    "$(by_ref OA-2025-0107 '"|".join([p["status"], p["number"], p["kind"], p["session"], p["lead_author"], ",".join(p["co_signers"]), p["delegation"], p["category"]])')"
check_eq "0107: its units, lead and co" \
    'lead_co 省水利厅/lead 省财政厅/co 省卫生健康委/co' \
    "$(by_ref OA-2025-0107 'p["handling_mode"] + " " + " ".join(u["name"] + "/" + u["role"] for u in p["units"])')"
check_eq "0107: its dates, Beijing time, the deadline at the end of its day" \
    '2020-03-31T16:00:00Z 2020-06-30T15:59:59Z' \
    "$(by_ref OA-2025-0107 'p["assigned_at"] + " " + p["due_at"]')"
check_eq "0107: the wrapped 内容 keeps its lines; an unknown field goes to custom" \
    '部分农村地区供水管网老化，\n水质检测覆盖不全。|0351-1234567|oa' \
    "$(by_ref OA-2025-0107 'p["background"].replace("\n", "\\n") + "|" + p["custom"]["联系电话"] + "|" + p["source"]["format"]')"
check_eq "0107: a name with a dot, and one of digits, are custom keys as written" \
    '{"2024": "续报", "备注.1": "见附件", "联系电话": "0351-1234567"}' \
    "$(by_ref OA-2025-0107 'json.dumps(p["custom"], ensure_ascii=False, sort_keys=True)')"
check_eq "0107: overdue" true "$(by_ref OA-2025-0107 'p["overdue"]')"
check_eq "0108: 办理中 is read back as the workflow's state" 'handling single' \
    "$(by_ref OA-2025-0108 'p["status"] + " " + p["handling_mode"]')"
check_eq "0110: a new proposal, its 届次 from the session argument, its tags split" \
    'submitted|省十四届人大三次会议|非遗,文化传承|0' \
    "$(by_ref OA-2025-0110 '"|".join([p["status"], p["session"], ",".join(p["tags"]), str(len(p["units"]))])')"
check_eq "0111: two 主办单位 are handled separately; 重点督办" \
    'separate 省住建厅/separate 省交通运输厅/separate True 王副主任' \
    "$(by_ref OA-2025-0111 'p["handling_mode"] + " " + " ".join(u["name"] + "/" + u["role"] for u in p["units"]) + " " + str(p["key_supervision"]) + " " + p["supervisor"]')"

# ---------------------------------------------------------------------------
pt_step "sending the file again stores nothing twice"
pt_import oa "$OA" "partial=true"
check_status "the import again" 200
check_eq "none imported, four skipped as stored already" "0 4" \
    "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
pt_cli import "$OA" --format oa --partial
check_rc "ptrack import --partial with a rejected record" 5
check_contains "it says the four are skipped" "跳过重复 4 条" "$OUT"
check_eq "still 4 proposals" 4 "$(pt_count)"

# ---------------------------------------------------------------------------
pt_step "what the file as a whole cannot be"
tail -c +4 "$OA" | iconv -f UTF-8 -t GBK >"$PT_TMP/gbk.txt"
pt_import oa "$PT_TMP/gbk.txt" "partial=true"
check_error "a GBK export" 422 validation_failed
check_contains "is refused as not UTF-8, saying how to convert it" \
    "line 1 is not UTF-8 text: save the export as UTF-8 (iconv -f GBK -t UTF-8" "$(jv 'j["error"]["message"]')"
: >"$PT_TMP/empty.txt"
pt_import oa "$PT_TMP/empty.txt"
check_error "an empty file" 422 validation_failed
check_contains "is refused as empty" "the file is empty" "$(jv 'j["error"]["message"]')"
pt_import oa "$OA" "sesion=x"
check_error "a misspelt argument" 400 bad_request
check_eq "still 4 proposals" 4 "$(pt_count)"

pt_step "a session the API would refuse is the request's fault, before the file is read"
# On the GBK file, which is refused as a whole (422) once it is read: the
# argument is refused first.
LONG="$(python3 -c 'print("届" * 334)')" # 1002 bytes
for bad in "session=|empty" "session=$(urlenc '　 ')|blank" \
    "session=$(urlenc "$LONG")|longer than 1000 bytes"; do
    pt_import oa "$PT_TMP/gbk.txt" "partial=true&${bad%%|*}"
    check_error "a session that is ${bad#*|}" 400 bad_request
    check_contains "... named with what is wrong" \
        "the importer oa refused the request: session: ${bad#*|}" "$(jv 'j["error"]["message"]')"
    check_eq "... with no rejected record" 0 "$(jv 'len(j["error"].get("rejected") or [])')"
done
# Bytes that are not UTF-8 do not reach the importer: ptrackd refuses
# them in any query.
pt_import oa "$PT_TMP/gbk.txt" "partial=true&session=%FF%FE"
check_error "a session that is not UTF-8" 400 bad_request
check_contains "... refused by ptrackd itself" 'query parameter "session" is not UTF-8 text' \
    "$(jv 'j["error"]["message"]')"
check_eq "still 4 proposals" 4 "$(pt_count)"

pt_step "so is the session option, when the instance is loaded"
api DELETE /v1/plugins/oa
check_status "unload oa (one instance serves a format)" 204
for bad in "$(python3 -c 'import json; print(json.dumps("　 "))')|blank" \
    "\"$LONG\"|longer than 1000 bytes"; do
    api POST /v1/plugins '{"instance": "oa", "path": "'"$PT_TMP"'/import_oa.so",
                           "config": {"session": '"${bad%%|*}"'}}'
    check_true "a session option that is ${bad#*|} refuses the load (HTTP $ST)" test "${ST:0:1}" = 4
    check_contains "... saying why" "option \"session\": ${bad#*|}" "$(jv 'j["error"]["message"]')"
done
api POST /v1/plugins '{"instance": "oa", "path": "'"$PT_TMP"'/import_oa.so",
                       "config": {"session": "省十四届人大三次会议", "tz": "+08:00"}}'
check_status "a good one loads" 201
api DELETE /v1/plugins/oa
api POST /v1/plugins '{"instance": "oa", "path": "'"$PT_TMP"'/import_oa.so", "config": {"tz": "+08:00"}}'
check_status "oa is loaded again as the config has it" 201

pt_step "a byte order mark right before the first field, CRLF, no blank line at the end"
printf '\xEF\xBB\xBF【来文编号】OA-2025-0120\r\n【标题】关于推进老旧小区加装电梯的建议\r\n' \
    >"$PT_TMP/bom.txt"
pt_import oa "$PT_TMP/bom.txt"
check_status "the import" 201
check_eq "the record is read" "关于推进老旧小区加装电梯的建议" "$(by_ref OA-2025-0120 'p["title"]')"

# ---------------------------------------------------------------------------
pt_step "export_duban loads at run time"
api POST /v1/plugins '{"instance": "duban", "path": "'"$PT_TMP"'/export_duban.so",
                       "config": {"soon": "7d"}}'
check_status "POST /v1/plugins loads export_duban" 201
check_eq "it serves the duban export and takes title" '["duban"] ["title"]' \
    "$(jv 'json.dumps(j["formats"]["export"]) + " " + json.dumps(j["args"]["export"])')"
api POST /v1/plugins '{"instance": "duban2", "path": "'"$PT_TMP"'/export_duban.so",
                       "config": {"tz": "8"}}'
check_true "an option of the wrong form is refused (HTTP $ST)" test "${ST:0:1}" = 4

# ---------------------------------------------------------------------------
pt_step "the 督办清单 of one delegation"
api GET "/v1/exports?format=duban&delegation=$(urlenc 太原代表团)"
check_status "GET /v1/exports?format=duban&delegation=太原代表团" 200
check_eq "plain text" "text/plain; charset=utf-8" "$(hdr Content-Type)"
check_contains "saved as 督办清单.txt" "filename*=UTF-8''%E7%9D%A3%E5%8A%9E%E6%B8%85%E5%8D%95.txt" \
    "$(hdr Content-Disposition)"
y="${TODAY:0:4}" m="$((10#${TODAY:5:2}))" d="$((10#${TODAY:8:2}))"
soon_mark="【3 天后到期】"
want="建议办理督办清单
截至 ${y}年${m}月${d}日（UTC+08:00），未办结 2 件，涉及 5 个承办单位；其中已逾期 1 件，7 日内到期 1 件。
筛选：代表团 太原代表团

一、省卫生健康委（1 件，逾期 1 件）
  1. 【已逾期 $LATE_DAYS 天】关于加强农村饮水安全保障的建议
     编号 1001｜协办｜已交办｜办理期限 2020-06-30｜领衔代表 张建国（太原代表团）

二、省水利厅（1 件，逾期 1 件）
  1. 【已逾期 $LATE_DAYS 天】关于加强农村饮水安全保障的建议
     编号 1001｜主办｜已交办｜办理期限 2020-06-30｜领衔代表 张建国（太原代表团）

三、省财政厅（1 件，逾期 1 件）
  1. 【已逾期 $LATE_DAYS 天】关于加强农村饮水安全保障的建议
     编号 1001｜协办｜已交办｜办理期限 2020-06-30｜领衔代表 张建国（太原代表团）

四、省交通运输厅（1 件）
  1. ${soon_mark}关于加强城区停车设施建设的建议
     编号 1004｜分办｜已交办｜办理期限 $SOON｜领衔代表 郭强（太原代表团）

五、省住建厅（1 件）
  1. ${soon_mark}关于加强城区停车设施建设的建议
     编号 1004｜分办｜已交办｜办理期限 $SOON｜领衔代表 郭强（太原代表团）"
check_eq "the list: overdue units first, each proposal with its deadline; 大同代表团 and the unassigned one are not in it" \
    "$want" "$BODY"

# ---------------------------------------------------------------------------
pt_step "a co unit that gave its opinion is done; ?unit= lists one unit; ?title="
id="$(by_ref OA-2025-0107 'p["id"]')"
pt_act "$id" sign '{"unit": "省水利厅"}'
pt_act "$id" opinion '{"unit": "省财政厅", "opinion": "同意主办单位意见，资金按程序予以保障。"}'
pt_cli export --format duban --delegation 太原代表团 --out "$PT_TMP/督办清单.txt"
check_rc "ptrack export --format duban" 0
out="$(cat "$PT_TMP/督办清单.txt" 2>/dev/null)"
check_true "省财政厅 gave its opinion and is no longer listed" \
    bash -c '! grep -q 省财政厅 "$1"' _ "$PT_TMP/督办清单.txt"
check_contains "省水利厅 still is, 办理中 now" "编号 1001｜主办｜办理中｜办理期限 2020-06-30" "$out"
api GET "/v1/exports?format=duban&unit=$(urlenc 省交通运输厅)&title=$(urlenc 省交通运输厅建议督办清单)"
check_status "the list of one unit" 200
check_eq "only that unit, its entries by deadline, under the title asked for" \
    "省交通运输厅建议督办清单|一、省交通运输厅（2 件）|  1. ${soon_mark}关于加强城区停车设施建设的建议|  2. 关于完善城市公交线网的建议|" \
    "$(printf '%s\n' "$BODY" | grep -E '^(省交通运输厅建议|[一二]、|  [0-9]\.)' | tr '\n' '|')"
api GET "/v1/exports?format=duban&overdue=true"
check_status "the overdue ones" 200
check_contains "name the filter, its value in words" "筛选：逾期 是" "$BODY"
check_true "and leave the others out" bash -c '! grep -q -e 公交 -e 停车 <<<"$1"' _ "$BODY"

# ---------------------------------------------------------------------------
pt_step "the heading names a list filter's values once each, states by their labels"
api GET "/v1/exports?format=duban&unit=$(urlenc 省水利厅)&status=assigned,handling,assigned&todo=reply,sign,reply"
check_status "the list of states and parts, each given twice" 200
check_eq "each once, in words, as the report names them" \
    "筛选：承办单位 省水利厅；状态 已交办、办理中；待办 答复、签收" \
    "$(printf '%s\n' "$BODY" | grep '^筛选：')"
api GET "/v1/exports?format=duban&kind=motion&key_supervision=1&overdue=false"
check_status "a kind and yes-or-no filters" 200
check_eq "the kind by its label, yes and no in words, as the report names them" \
    "筛选：类型 议案；重点督办 是；逾期 否" "$(printf '%s\n' "$BODY" | grep '^筛选：')"

# ---------------------------------------------------------------------------
pt_step "a number and a lead author too long for the entry are cut between characters"
# "编号 N" and 50 编 fill 158 of the number's 159 bytes, "｜领衔代表 A" and
# 164 张 fill 509 of the lead author's 511: each cut falls inside a
# character, which is left out whole.
long_number="N$(printf '编%.0s' {1..100})"
long_lead="A$(printf '张%.0s' {1..200})"
api POST /v1/proposals '{"title": "关于规范长名称显示的建议", "number": "'"$long_number"'",
                         "lead_author": "'"$long_lead"'", "delegation": "长治代表团"}'
check_status "a proposal with a long number and lead author" 201
pt_act "$(jv 'j["id"]')" assign '{"mode": "single", "units": [{"name": "省长名厅", "role": "lead"}]}'
api GET "/v1/exports?format=duban&unit=$(urlenc 省长名厅)"
check_status "its unit's list" 200
check_true "the list is UTF-8" python3 -c 'open(__import__("sys").argv[1], "rb").read().decode("utf-8")' \
    "$PT_TMP/resp.body"
check_contains "the number keeps its whole characters" "编号 N$(printf '编%.0s' {1..50})｜主办｜" "$BODY"
check_eq "the lead author too, to the end of the line" "领衔代表 A$(printf '张%.0s' {1..164})" \
    "$(printf '%s\n' "$BODY" | grep -o '领衔代表 .*$')"

# ---------------------------------------------------------------------------
pt_step "a list larger than max_items is refused before any byte; dates in UTC"
api DELETE /v1/plugins/duban
check_status "unload duban" 204
api POST /v1/plugins '{"instance": "duban", "path": "'"$PT_TMP"'/export_duban.so",
                       "config": {"max_items": 2, "tz": "UTC"}}'
check_status "load it again with max_items 2, in UTC" 201
api GET "/v1/exports?format=duban"
check_error "an export of more entries" 400 bad_request
check_contains "says why and what to do" \
    "more than 2 entries (max_items): choose fewer proposals with a filter" "$(jv 'j["error"]["message"]')"
api GET "/v1/exports?format=duban&unit=$(urlenc 省水利厅)"
check_status "a filtered one passes" 200
TODAY_UTC="$(python3 -c 'import datetime as d; t = d.datetime.utcnow().date(); print(f"{t.year}年{t.month}月{t.day}日")')"
check_contains "today is UTC's, and the heading says so" "截至 ${TODAY_UTC}（UTC），" "$BODY"

pt_finish

#!/usr/bin/env bash
# The tables and lines of ptrack fit a terminal of 100 columns with the
# data of an ordinary day (Chinese titles of 15 to 30 characters, units and
# delegations by their full names, deadlines passed, a notifier at work),
# a Chinese character counting two: list (an office's and a unit's),
# history, watch, plugins list, token list and token create's lines. Nothing is lost for it:
# titles are cut with … to the room the other columns leave, and what does
# not fit beside the rest goes on a line below.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures notify_record
# A reply window of 3 s: the deadlines pass while the test runs, so that
# rows carry 逾期 and the feed its reminders.
pt_serve_cli '{"reply": "3s"}'
chmod go-w "$FIX/fixture_notify_record.so"

# fits WHAT: the last output ($OUT) is at most 100 columns wide.
fits() {
    local w
    w="$(printf '%s\n' "$OUT" | widest)"
    check_true "$1 fits 100 columns (widest line: $w)" test "$w" -le 100
}

pt_step "a day's data"
pt_cli plugins load --instance office_push --path "$FIX/fixture_notify_record.so" \
    --set "path=$PT_TMP/rec.txt" --start oldest
check_rc "a notifier loaded at run time" 0
add() { # add TITLE NUMBER DELEGATION: sets ID
    pt_cli --json add --title "$1" --number "$2" --delegation "$3" --session 十四届全国人大四次会议 \
        --lead-author 张建国 --category 农业农村
    ID="$(jv 'j["id"]' "$OUT")"
}
add 关于加强农村饮水安全保障的建议 1001 山西代表团
A="$ID"
pt_cli do "$A" 交办 --unit 山西省水利厅 --unit 山西省财政厅 --unit 山西省农业农村厅 \
    --note 请抓紧办理，务必于规定期限内答复代表并抄送代表工作委员会
pt_cli do "$A" 签收 --unit 山西省水利厅
pt_cli do "$A" 协办意见 --unit 山西省财政厅 --set opinion=同意主办单位意见，建议加大省级财政补助力度
pt_cli do "$A" 协办意见 --unit 山西省农业农村厅 --set opinion=同意
pt_cli do "$A" 答复 --unit 山西省水利厅 --set doc_no=晋水函〔2026〕15号 --set category=B \
    --set text=已列入全省农村供水保障规划，逐年推进。
pt_cli do "$A" 评价 --set person=张建国 --set satisfaction=不满意 --set comment=未回应农村供水工程管护经费来源问题
check_rc "the delegate is not satisfied" 0
add 关于支持资源型地区经济转型发展推动煤炭产业高质量发展的建议 1002 内蒙古自治区代表团
pt_cli do "$ID" 交办 --unit 国家发展和改革委员会 --unit 国家能源局 --unit 自然资源部
add 关于加快农村公路提档升级的建议 1003 山西代表团
pt_cli do "$ID" 交办 --unit 山西省交通运输厅
pt_cli do "$ID" 签收 --unit 山西省交通运输厅
add 关于进一步完善城乡居民基本医疗保险制度的建议 1004 广西壮族自治区代表团
pt_cli do "$ID" 交办 --set mode=separate --unit 山西省医疗保障局 --unit 山西省卫生健康委员会
add 关于在县域推进义务教育优质均衡发展的建议 1005 新疆维吾尔自治区代表团
add 关于加强黄河流域生态保护和高质量发展的建议 1006 解放军和武警部队代表团
pt_cli do "$ID" 交办 --unit 山西省水利厅
add 关于完善农村留守儿童关爱服务体系建设工作的建议 1007 西藏代表团
sleep 4 # the deadlines pass

pt_step "list"
pt_cli list
check_rc "list" 0
check_contains "a deadline passed shows 逾期" 逾期 "$OUT"
check_contains "a long title is cut with …" "关于支持资源型地区经济转型发展" "$OUT"
fits "list"
check_true "titles are cut with … rather than dropped" grep -q '关于支持资源型地区.*…' <<<"$OUT"
check_contains "a short title is whole" "关于加快农村公路提档升级的建议" "$OUT"
pt_cli list --width 40
check_contains "--width 40 keeps its 40 columns" "关于支持资源型地区经济转型发展推动煤炭…" "$OUT"
pt_cli list --delegation 西藏代表团
check_contains "beside short columns a title of 23 characters is whole" \
    "关于完善农村留守儿童关爱服务体系建设工作的建议" "$OUT"
fits "a list of one delegation"
UNIT_TOKEN="$(pt_unit_token 水利厅收文 山西省水利厅)"
pt_run "$PTRACK" --url "$PT_URL" --token "$UNIT_TOKEN" list
check_rc "a unit's list" 0
check_contains "a unit's list has its part" 本单位 "$OUT"
fits "a unit's list"

pt_step "history"
pt_cli history "$A"
check_rc "history" 0
fits "history"
check_contains "the co unit's opinion is all there, wrapped" "补助力度" "$OUT"

pt_step "watch"
# watch runs until it shows the reminders (the engine raises them once the
# deadlines have passed, which a loaded machine may delay) and the actions,
# rather than for a fixed 3 s.
"$PTRACK" --socket "$PT_SOCK" watch --after 0 </dev/null >"$PT_TMP/watch.out" 2>&1 &
watch_pid=$!
PT_PIDS+=("$watch_pid")
shows_all() { grep -q "已逾期 overdue" "$PT_TMP/watch.out" && grep -q "协办意见 opinion" "$PT_TMP/watch.out"; }
wait_for 60 shows_all || true
pt_stop_bg "$watch_pid" TERM 10 "watch"
OUT="$(cat "$PT_TMP/watch.out")"
check_contains "watch shows the reminders" "已逾期 overdue" "$OUT"
check_contains "and the actions" "协办意见 opinion" "$OUT"
fits "watch"

pt_step "plugins list, token list"
wait_for 10 test -s "$PT_TMP/rec.txt" || true
pt_cli plugins list
check_rc "plugins list" 0
check_contains "the notifier's figures" "delivered" "$OUT"
check_contains "how it was loaded" "运行时加载 loaded at run time" "$OUT"
fits "plugins list"
pt_cli token list
check_rc "token list" 0
check_contains "the unit's token" 水利厅收文 "$OUT"
fits "token list"

pt_step "token create: what it made, and that the token is shown only now"
pt_cli token create --name 住建厅收文 --role unit \
    --unit 山西省住房和城乡建设厅城市建设处城镇老旧小区改造工作专班联络办公室
check_rc "token create" 0
OUT="$ERR"
check_contains "what it made" "made token 住建厅收文 (unit, 山西省住房和城乡建设厅" "$OUT"
check_contains "that it is shown only now" "this token is shown only now" "$OUT"
fits "token create's lines on stderr"

pt_stop
pt_finish

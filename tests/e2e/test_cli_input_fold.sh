#!/usr/bin/env bash
# Values typed the way people type them in a Chinese input method are taken
# where a code, an id, a number or a date is expected: the Chinese labels of
# enumerated values (satisfaction 不满意, kind 建议 in edit and in a file
# for add --from-file, mode 分办, unit role 协办, token role 单位), another
# case (category a, or b类 as show writes it; kind Proposal), and fullwidth
# ASCII
# (Ａ, ２０, ＃20, ２０２７-03-01, --limit １, watch --after ０, the colon of
# NAME：ROLE, the ＝ of --set KEY＝VALUE and --set-file KEY＝FILE before
# any =). Text fields (a title with （一）) stay as typed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

# A day four months from now, in fullwidth digits, and as typed in ASCII.
DAY="$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=120))')"
WIDE_DAY="$(python3 -c 'import sys; print("".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in sys.argv[1]))' "$DAY")"

pt_step "fullwidth ids"
pt_cli --json add --title "关于全角输入的建议（一）" --kind 建议
check_rc "add" 0
ID="$(jv 'j["id"]' "$OUT")"
check_eq "a title keeps its fullwidth brackets" "关于全角输入的建议（一）" "$(jv 'j["title"]' "$OUT")"
WIDE_ID="$(python3 -c 'import sys; print("".join(chr(ord(c) + 0xFEE0) for c in sys.argv[1]))' "$ID")"
pt_cli show "$WIDE_ID"
check_rc "show with a fullwidth id" 0
pt_cli show "＃$ID"
check_rc "show with a fullwidth ＃" 0
check_contains "it is the proposal" "关于全角输入的建议" "$OUT"

pt_step "edit: kind and submitter_type by their Chinese labels"
pt_cli --json edit "$ID" --set kind=议案 --set submitter_type=联名
check_rc "edit --set kind=议案 --set submitter_type=联名" 0
check_eq "stored as codes" "motion joint" "$(jv 'j["kind"] + " " + j["submitter_type"]' "$OUT")"
pt_cli --json edit "$ID" --kind Proposal --submitter-type ＩＮＤＩＶＩＤＵＡＬ
check_rc "edit --kind Proposal --submitter-type ＩＮＤＩＶＩＤＵＡＬ: codes in another case" 0
check_eq "stored as the codes" "proposal individual" "$(jv 'j["kind"] + " " + j["submitter_type"]' "$OUT")"
pt_cli --json list --kind PROPOSAL
check_eq "list --kind PROPOSAL finds it" true "$(jv "any(i['id'] == $ID for i in j['items'])" "$OUT")"
pt_cli --json edit "$ID" --set kind=议案

pt_step "the labels add --help names for --kind and --submitter-type are taken"
pt_cli add --help
HELP="$OUT"
for opt in kind submitter-type; do
    LABELS="$(printf '%s\n' "$HELP" | sed -n "s/^  --$opt [A-Z]*  *.*, or //p")"
    check_true "add --help names the Chinese labels of --$opt ($LABELS)" test -n "$LABELS"
    for label in ${LABELS//|/ }; do
        pt_cli add --title 关于按帮助里的类型登记的建议 --draft --"$opt" "$label"
        check_rc "add --$opt $label" 0
    done
done

pt_step "do: mode, unit roles, category, satisfaction, dates"
pt_cli --json do "$ID" assign --unit 省水利厅 --unit 省财政厅：协办 --set mode=主办+协办
check_rc "assign with mode=主办+协办 and a role after a fullwidth colon" 0
check_eq "the units and their roles" '["lead_co", [["省水利厅", "lead"], ["省财政厅", "co"]]]' \
    "$(jv '[j["handling_mode"], [[u["name"], u["role"]] for u in j["units"]]]' "$OUT")"
pt_cli do "$ID" sign --unit 省水利厅
pt_cli do "$ID" opinion --unit 省财政厅 --set opinion=同意
TZ=Asia/Shanghai pt_cli --json do "$ID" extend --set "due_at=$WIDE_DAY"
check_rc "extend with a date in fullwidth digits" 0
check_eq "the deadline is the end of that day in Beijing" "${DAY}T15:59:59" \
    "$(jv 'j["due_at"][:19]' "$OUT")"
pt_cli --json do "$ID" reply --unit 省水利厅 --set doc_no=晋水函〔2026〕15号 --set category=ａ --set text=已答复
check_rc "reply with category=ａ (fullwidth, lower case)" 0
check_eq "the category is A" A "$(jv 'j["replies"][0]["category"]' "$OUT")"
check_eq "the doc_no keeps its fullwidth brackets" "晋水函〔2026〕15号" "$(jv 'j["replies"][0]["doc_no"]' "$OUT")"
pt_cli --json do "$ID" feedback --set person＝张三 --set satisfaction＝不满意 --set "comment＝a=b，未回应"
check_rc "feedback with satisfaction=不满意, each --set typed with a fullwidth ＝" 0
check_eq "the ＝ parted key and value, a later = stayed in the text" "张三|a=b，未回应" \
    "$(jv 'j["feedback"][0]["person"] + "|" + j["feedback"][0]["comment"]' "$OUT")"
check_eq "stored as unsatisfied, and it goes back to rehandling" "unsatisfied rehandling" \
    "$(jv 'j["feedback"][0]["satisfaction"] + " " + j["status"]' "$OUT")"
printf '再次答复\n' >"$PT_TMP/答复.txt"
pt_cli --json do "$ID" reply --unit 省水利厅 --set 答复文号＝晋水函〔2026〕30号 --set 办理结果=b类 \
    --set-file "答复内容＝$PT_TMP/答复.txt"
check_rc "a second reply with 办理结果=b类, as show and the reports write it" 0
check_eq "the category is B" B "$(jv 'j["replies"][-1]["category"]' "$OUT")"
check_eq "答复文号＝ and --set-file 答复内容＝ were taken" "晋水函〔2026〕30号|再次答复" \
    "$(jv 'j["replies"][-1]["doc_no"] + "|" + j["replies"][-1]["text"]' "$OUT")"
pt_cli do "$ID" feedback --set person=张三 --set satisfaction=不满意
pt_cli do "$ID" reply --unit 省水利厅 --set doc_no=晋水函〔2026〕31号 --set category=E类 --set text=又答复
check_rc "E类 is no category" 1
check_contains "ptrackd names the categories" "category: must be one of A, B, C, D" "$ERR"
pt_cli --json do "$ID" supervise --set key_supervision=是
check_rc "supervise with key_supervision=是" 0
check_eq "key supervision is on" true "$(jv 'j["key_supervision"]' "$OUT")"

pt_step "add --from-file: kind and submitter_type by their labels, as its refusal's hint says"
printf '[{"title": "关于文件里写中文类型的建议", "kind": "提案", "submitter_type": "集体"}]' >"$PT_TMP/labels.json"
pt_cli --json add --from-file "$PT_TMP/labels.json"
check_rc "add --from-file with kind 提案 and submitter_type 集体" 0
check_eq "stored as codes" "proposal group" "$(jv 'j[0]["kind"] + " " + j[0]["submitter_type"]' "$OUT")"

pt_step "list: dates and kinds"
pt_cli --json list --due-before "２０９９-01-01" --kind 议案
check_rc "list --due-before in fullwidth digits" 0
check_contains "it finds the proposal" "\"id\": $ID," "$OUT"
pt_cli --json list --limit １
check_rc "list --limit in fullwidth digits" 0
check_eq "one per page" 1 "$(jv 'len(j["items"])' "$OUT")"
pt_cli list --width ２０
check_rc "list --width in fullwidth digits" 0
pt_cli history "$ID" --width ２０
check_rc "history --width in fullwidth digits" 0

pt_step "watch --after in fullwidth digits"
set +e
timeout --preserve-status -s TERM 3 "$PTRACK" --socket "$PT_SOCK" --json watch --after ０ \
    </dev/null >"$PT_TMP/watch.out" 2>"$PT_TMP/watch.err"
RC=$?
set -e
check_eq "watch --after ０ replays the feed, then stops at SIGTERM with exit 0" 0 "$RC"
check_contains "it replays the first event" '"seq":1,' "$(head -n 1 "$PT_TMP/watch.out")"

pt_step "token create --role 单位"
pt_cli --json token create --name 水利厅联络员 --role 单位 --unit 省水利厅
check_rc "token create --role 单位" 0
check_eq "the role is unit" unit "$(jv 'j["role"]' "$OUT")"
pt_cli --json token create --name 报表员 --role ＶＩＥＷＥＲ
check_rc "token create --role ＶＩＥＷＥＲ" 0
check_eq "the role is viewer" viewer "$(jv 'j["role"]' "$OUT")"

pt_finish

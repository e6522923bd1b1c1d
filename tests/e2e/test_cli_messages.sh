#!/usr/bin/env bash
# ptrack's messages speak the command line's language and keep the exit
# codes docs/cli.md promises: a refusal of the daemon starts with what its
# code means in Chinese; one pointer to where to look, not two; the
# import's refusal names --partial, --map and --arg sep= rather than the
# API's partial=true, map= and sep=, and
# a partial import that left records out says so in its exit code; a time
# option the client cannot read is a usage error (exit 2), found before
# anything is sent; a state that allows no action says so in Chinese; a
# token that is not taken gets a hint to check it or ask for a new one,
# and a --token given with the socket, where ptrackd knows the caller by
# its user id, is a usage error rather than dropped; a
# --todo without a unit is told to add --unit; a file that cannot be read
# (a directory) says why. A message is one line for a script; on a
# terminal ptrackd's refusal wraps within 100 columns (it took 209), and
# so does a connection that failed (a socket that is not there, a URL
# ptrack cannot use), which was one line there too, a usage error of
# the option parser, and one that quotes a file's name (import FILE,
# --from-file FILE), which was one line there too; a path wider than the
# terminal is not cut but has a line of its own.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_step "one hint"
pt_cli --json add --title 关于提示的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" 分办
check_rc "do with a label that is no action" 2
check_contains "it points to ptrack workflow" "(see ptrack workflow)" "$ERR"
check_eq "and to nothing else" 1 "$(printf '%s\n' "$ERR" | grep -o '(see ' | wc -l)"

pt_step "a refusal says in Chinese what kind it is, then the daemon's words"
pt_cli show 999999
check_rc "show of an id never given out" 1
check_eq "not found" "ptrack: 未找到：proposal 999999 does not exist" "$ERR"
pt_cli do "$ID" feedback
check_rc "an action the state does not allow" 1
check_contains "invalid transition" "ptrack: 当前状态下不能进行此操作：action \"feedback\" is not allowed" "$ERR"
check_contains "and the actions it allows, by their labels too" "（可进行：审查 review、交办 assign、撤回 withdraw、督办 supervise）" "$ERR"
check_eq "on one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
pt_cli_tty do "$ID" feedback
check_rc "the same on a terminal" 1
w="$(printf '%s\n' "$TTY" | widest)"
check_true "there it fits 100 columns (widest line: $w)" test "$w" -le 100
check_eq "and says what the line says" "$(tr -d ' \n' <<<"$ERR")" "$(tr -d ' \n' <<<"$TTY")"
check_true "the labels whole: 督办 is not broken" grep -q 督办 <<<"$TTY"
# So do the option parser's: a value typed in a GBK terminal (its message
# took 184 columns), an option or a command that is none; and those that
# quote a file's name as it was typed, a file that is not there or is no
# UTF-8 text (one line as long as the name on a terminal too).
long_dir="$PT_TMP/$(printf '建议%.0s' {1..30})"
mkdir -p "$long_dir"
printf 'ab\xb0\xa1' >"$long_dir/gbk.json"
parser_errors=("list --search ab$(printf '\xb0\xa1')" "list --$(printf '长%.0s' {1..50})"
    "$(printf '长%.0s' {1..50})" "import $long_dir/不在这里的建议清单.csv"
    "add --from-file $long_dir/gbk.json")
names=("a GBK value" "an unknown option" "an unknown command" "a file that is not there"
    "a file that is no UTF-8 text")
for i in 0 1 2 3 4; do
    # shellcheck disable=SC2086
    pt_cli ${parser_errors[$i]}
    check_rc "${names[$i]}" 2
    check_eq "${names[$i]}: on one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
    # shellcheck disable=SC2086
    pt_cli_tty ${parser_errors[$i]}
    w="$(printf '%s\n' "$TTY" | widest)"
    check_true "${names[$i]} on a terminal fits 100 columns (widest line: $w)" test "$w" -le 100
    check_eq "${names[$i]}: and says what the line says" "$(tr -d ' \n' <<<"$ERR")" \
        "$(tr -d ' \n' <<<"$TTY")"
done
# A path wider than the terminal is not cut where its edge falls: copied,
# it took the line break with it. It has a line of its own, however long.
long_path="$PT_TMP/$(printf 'proposals-of-the-delegates-%.0s' {1..4})/missing-list.csv"
pt_cli_tty import "$long_path"
check_rc "import of a file that is not there, its path wider than the terminal" 2
check_true "the path is whole, on a line of its own" grep -qxF -- "  $long_path:" <<<"$TTY"
check_eq "and the message says what the line says" \
    "ptrack import: cannot read $long_path: No such file or directory" "$(tr '\n' ' ' <<<"$TTY" |
        sed 's/  */ /g; s/ $//')"
pt_cli add --title ""
check_rc "a blank title" 1
check_eq "validation failed" "ptrack: 内容有误：title: must not be blank" "$ERR"
pt_cli edit "$ID" --title 新标题 --if-match 99
check_rc "an edit of a version the proposal has not reached" 1
check_contains "a mistyped version is no one else's change" "ptrack: 版本号有误，请重新读取后再试：" "$ERR"
pt_cli edit "$ID" --title 新标题
pt_cli edit "$ID" --title 又一个标题 --if-match 1
check_rc "an edit of a version that has moved on" 1
check_contains "version conflict" "ptrack: 已被他人修改，请重新读取后再试：" "$ERR"

pt_step "import: --partial, in the message and in the exit code"
printf '[{"title": "关于好记录的建议"}, {"title": ""}]' >"$PT_TMP/mixed.json"
pt_cli import "$PT_TMP/mixed.json"
check_rc "an import with a rejected record" 1
check_contains "the refusal names the option" "give --partial to import the others" "$ERR"
check_true "not the API's parameter" test "${ERR#*partial=true}" = "$ERR"
check_contains "the rejected record is listed" "title: must not be blank" "$ERR"
check_contains "the refusal names the file, as a script importing many logs it" \
    "ptrack: $PT_TMP/mixed.json: 内容有误：1 of 2 records was rejected" "$ERR"
printf '标题,编号\n"关于未闭合引号的建议,1\n' >"$PT_TMP/建议
清单.csv"
pt_cli import "$PT_TMP/建议
清单.csv"
check_rc "a CSV the importer cannot read" 1
check_contains "the refusal names it, its line break shown as \\x0a" \
    "ptrack: $PT_TMP/建议\\x0a清单.csv: 内容有误：the importer import_csv could not read the file: line 2" \
    "$ERR"
pt_run sh -c '"$0" --socket "$1" import - --format json <"$2"' "$PTRACK" "$PT_SOCK" "$PT_TMP/mixed.json"
check_rc "stdin with a rejected record" 1
check_contains "no file to name" "ptrack: 内容有误：1 of 2 records was rejected" "$ERR"
pt_cli --json import "$PT_TMP/mixed.json"
check_rc "the same with --json" 1
check_eq "--json prints the daemon's refusal on stdout, in the API's words" \
    "validation_failed 1 True" \
    "$(jv '"%s %d %s" % (j["error"]["code"], j["error"]["rejected_count"], "partial=true" in j["error"]["message"])' "$OUT")"
pt_cli import "$PT_TMP/mixed.json" --partial
check_rc "import --partial that left a record out" 5
check_contains "it says how many were imported and rejected" "已导入 1 条 (1 imported)" "$OUT"
check_contains "and lists the rejected one" "title: must not be blank" "$OUT"
pt_cli --json import "$PT_TMP/mixed.json" --partial
check_rc "import --partial --json that left a record out" 5
check_eq "--json prints the daemon's answer" 1 "$(jv 'j["rejected_count"]' "$OUT")"
printf '[{"title": "关于全部导入的建议"}]' >"$PT_TMP/good.json"
pt_cli import "$PT_TMP/good.json" --partial
check_rc "import --partial with nothing left out" 0

pt_step "import: --map, --arg sep= in the refusal, not the API's map= and sep="
printf '序号,案由名称,提案人\n1,关于映射的提案,王委员\n' >"$PT_TMP/unmapped.csv"
pt_cli import "$PT_TMP/unmapped.csv"
check_rc "a CSV without a title column" 1
check_contains "the refusal names --map" "(or --map title=<your header>)" "$ERR"
check_true "not the API's map={...} (stderr: $ERR)" test "${ERR#*map=\{}" = "$ERR"
pt_cli import "$PT_TMP/unmapped.csv" --map title=案由名称 --map lead_author=提案人
check_rc "the import with the --map the refusal names" 0
printf '标题,案由\n关于两列的提案,重复\n' >"$PT_TMP/twice.csv"
pt_cli import "$PT_TMP/twice.csv"
check_contains "two columns of one field: say which with --map" "with --map FIELD=HEADER" "$ERR"
printf 'sep=;\n标题;提案人\n关于分隔符的提案;王委员\n' >"$PT_TMP/sep.csv"
pt_cli import "$PT_TMP/sep.csv" --arg sep=,
check_contains "a sep= that the file contradicts names --arg sep=" "the file says sep=; and --arg sep=," "$ERR"

pt_step "time options are checked before anything is sent"
for cmd in list stats "export --format json --out $PT_TMP/x.json"; do
    # shellcheck disable=SC2086
    pt_cli $cmd --due-before 三月一日
    check_rc "$cmd --due-before 三月一日" 2
    check_contains "the message names the option and what it takes" \
        "--due-before takes a day (2027-03-01, 2027/3/1, 2027年3月1日)" "$ERR"
done
for bad in 2027-02-30 2027年2月30日 2027年3月 2027/3-1 2027/3/1/ 27/3/1 2027年3月1; do
    pt_cli list --due-before "$bad"
    check_rc "list --due-before $bad: not a day" 2
done
pt_cli list --due-before 2027-03-01T09:00:00+08:00
check_rc "list --due-before an RFC 3339 time" 0
pt_cli do "$ID" assign --unit 省水利厅
pt_cli do "$ID" sign --unit 省水利厅
pt_cli do "$ID" extend --set due_at=三月一日
check_rc "do extend --set due_at=三月一日" 2
check_contains "the message names the field" "due_at takes a day (2027-03-01" "$ERR"
api GET "/v1/proposals/$ID/history"
check_eq "nothing was sent: no extend in the history" 0 \
    "$(jv 'sum(1 for i in j["items"] if i["action"] == "extend")')"
# A day as people write one is that day: 2027年4月30日 is that local day's
# end, as 2027-04-30 is.
pt_cli do "$ID" extend --set due_at=2027年4月30日
check_rc "do extend --set due_at=2027年4月30日" 0
api GET "/v1/proposals/$ID"
check_eq "due by the end of 2027-04-30 in local time" "$(date -d '2027-04-30 23:59:59' +%s)" \
    "$(python3 -c 'import datetime, sys; print(int(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp()))' "$(jv 'j["due_at"]')")"
for day in 2027年5月1日 2027年5月1号 2027/5/1 2027.05.01 2027-5-1 "２０２７年５月１日"; do
    pt_cli --json list --due-before "$day"
    check_rc "list --due-before $day" 0
    check_eq "list --due-before $day: due on 04-30, it is listed" "[$ID]" "$(jv '[i["id"] for i in j["items"]]' "$OUT")"
done
pt_cli --json list --due-before 2027/4/30
check_eq "list --due-before 2027/4/30: due at its end, it is not" "[]" "$(jv '[i["id"] for i in j["items"]]' "$OUT")"

pt_step "a value refused in a field that takes labels: the labels it takes"
pt_cli add --title 关于类型的建议 --kind 建议书
check_rc "add --kind 建议书" 1
check_contains "the kinds by their labels" "（kind 可填：建议、议案、提案、其他）" "$ERR"
api POST /v1/proposals '{"title":"关于评价用语的建议","lead_author":"张三"}'
FB="$(jv 'j["id"]')"
api POST "/v1/proposals/$FB/actions/assign" '{"mode":"single","units":[{"name":"省交通运输厅","role":"lead"}]}'
api POST "/v1/proposals/$FB/actions/sign" '{"unit":"省交通运输厅"}'
api POST "/v1/proposals/$FB/actions/reply" '{"unit":"省交通运输厅","doc_no":"晋交函〔2026〕1号","category":"A","text":"已办理"}'
pt_cli do "$FB" 评价 --set person=张三 --set satisfaction=很满意
check_rc "feedback 很满意" 1
check_contains "the daemon's codes" "satisfaction: must be one of satisfied, basically_satisfied, unsatisfied" "$ERR"
check_contains "and the labels a delegate types" "（satisfaction 可填：满意、基本满意、不满意）" "$ERR"
pt_cli do "$FB" 评价 --set person=张三 --set satisfaction=基本满意
check_rc "feedback 基本满意" 0
pt_cli do "$FB" follow_up --unit 省交通运输厅 --set doc_no=晋交函〔2026〕2号 --set category=E --set text=补充
check_rc "a follow-up of category E" 1
check_true "a field without labels gets none (stderr: $ERR)" test "${ERR#*可填}" = "$ERR"

pt_step "a state that allows nothing says so in Chinese too"
pt_cli do "$ID" withdraw --set reason=重复提交
pt_cli do "$ID" withdraw --set reason=重复提交
check_rc "an action on a withdrawn proposal" 1
check_contains "the daemon's list is empty" "allowed: none" "$ERR"
check_contains "and ptrack says that nothing can be done" "（当前状态下没有可进行的操作）" "$ERR"

pt_step "a token that is not taken: what to do about it"
pt_run "$PTRACK" --url "$PT_URL" --token wrong-token list
check_rc "list with a token ptrackd does not know" 1
check_contains "it is refused" "ptrack: 身份未认证：the token is not valid" "$ERR"
check_contains "and told to check the token or ask for a new one" \
    "(check the token of --token or PTRACK_TOKEN; one that was revoked is refused too: ask ptrackd's administrator for a new one)" "$ERR"
pt_run "$PTRACK" --url "$PT_URL" list
check_rc "list with no token" 1
check_contains "no token: the hint to send one" "(no token was sent: use --token or PTRACK_TOKEN)" "$ERR"
check_true "and not the hint about a bad one" test "${ERR#*check the token}" = "$ERR"
pt_run "$PTRACK" --url "$PT_URL" --token "$VIEWER_TOKEN" add --title 关于只读的建议
check_rc "a viewer's add" 1
check_true "a refusal of a valid token has no hint about tokens" test "${ERR#*check the token}" = "$ERR"
pt_cli --json add --title 关于令牌的建议
LIVE="$(jv 'j["id"]' "$OUT")"
pt_cli --token "$VIEWER_TOKEN" do "$LIVE" supervise --set key_supervision=true
check_rc "--token with the socket" 2
check_contains "it is said to go over TCP only, with the address to give" \
    "--token is sent only over TCP: give ptrackd's address with --url (or PTRACK_URL)" "$ERR"
pt_cli --json show "$LIVE"
check_eq "nothing was done as the socket's user" false "$(jv 'j["key_supervision"]' "$OUT")"
PTRACK_TOKEN="$VIEWER_TOKEN" pt_cli list --limit 1
check_rc "PTRACK_TOKEN with the socket is left unused" 0

pt_step "--todo without a unit: the option to add, not the API's parameter"
for cmd in list stats "export --format json --out $PT_TMP/todo.json"; do
    # shellcheck disable=SC2086
    pt_cli $cmd --todo 签收
    check_rc "$cmd --todo 签收 by the office" 1
    check_contains "$cmd: the refusal names --unit" "add --unit NAME" "$ERR"
    check_true "$cmd: not the API's unit=NAME" test "${ERR#*unit=NAME}" = "$ERR"
done
pt_cli --json list --todo 签收
check_contains "--json prints the daemon's refusal as it came" "add unit=NAME" "$(jv 'j["error"]["message"]' "$OUT")"

pt_step "a file that cannot be read says why"
mkdir -p "$PT_TMP/信件"
pt_cli add --from-file "$PT_TMP/信件"
check_rc "add --from-file a directory" 2
check_contains "add: it says why" "cannot read $PT_TMP/信件: Is a directory" "$ERR"
pt_cli do "$FB" supervise --set key_supervision=true --set-file supervisor="$PT_TMP/信件"
check_rc "do --set-file a directory" 2
check_contains "do: it says why" "cannot read $PT_TMP/信件: Is a directory" "$ERR"

pt_step "a connection that failed: one line for a script, within 100 columns on a terminal"
sock="$PT_TMP/no-such-directory/the-socket-of-the-office-ptrackd-that-is-not-there.sock"
url="http://127.0.0.1:99999"
for how in "--socket $sock" "--url $url"; do
    # shellcheck disable=SC2086
    pt_run "$PTRACK" $how list
    rc=$RC
    check_eq "$how: one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
    check_true "$how: longer than 100 columns" test "$(printf '%s\n' "$ERR" | widest)" -gt 100
    # shellcheck disable=SC2086
    pt_run_tty "$PTRACK" $how list
    check_rc "$how: the same on a terminal" "$rc"
    w="$(printf '%s\n' "$TTY" | widest)"
    check_true "$how: there it fits 100 columns (widest line: $w)" test "$w" -le 100
    check_eq "$how: and says what the line says" "$(tr -d ' \n' <<<"$ERR")" "$(tr -d ' \n' <<<"$TTY")"
done

pt_finish

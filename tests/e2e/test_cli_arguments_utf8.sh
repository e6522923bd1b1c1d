#!/usr/bin/env bash
# An argument typed in a GBK terminal is refused before anything is sent,
# named, with exit 2 and how to send UTF-8, as an option's value is: it was
# sent or echoed as its raw bytes (ptrack do 1 <GBK 交办> said 'unknown
# action "????"', ptrack token revoke <GBK> asked ptrackd for a token of
# that name). A file name (import FILE) may be in any encoding, as for
# --from-file. One check serves the options and the arguments.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

# 交办 and 山西代表团 in GBK. The first two bytes of the name, c9 bd,
# happen to be UTF-8 (ɽ): its first byte that is not is the third.
GBK_ASSIGN="$(printf '\xbd\xbb\xb0\xec')"
GBK_NAME="$(printf '\xc9\xbd\xce\xf7\xb4\xfa\xb1\xed\xcd\xc5')"
HINT="is not UTF-8 text (byte 1); ptrack sends UTF-8: use a UTF-8 locale (LANG=zh_CN.UTF-8) in the terminal, or convert the text with iconv -f GBK -t UTF-8"

pt_cli --json add --title 关于参数编码的建议
check_rc "a proposal to act on" 0
ID="$(jv 'j["id"]' "$OUT")"

pt_step "the ACTION of do"
pt_cli do "$ID" "$GBK_ASSIGN" --unit 山西省水利厅
check_rc "ptrack do ID <GBK action>" 2
check_eq "names the argument, and says what to do" "ptrack do: ACTION (argument 2) $HINT" "$ERR"
pt_cli do "$ID" 交办 --unit 山西省水利厅
check_rc "the same action in UTF-8" 0

pt_step "an ID, a NAME"
pt_cli show "$(printf '\xa3\xb1')"
check_rc "ptrack show <GBK fullwidth 1>" 2
check_eq "names the ID" "ptrack show: ID (argument 1) $HINT" "$ERR"
pt_cli token revoke "$GBK_NAME"
check_rc "ptrack token revoke <GBK name>" 2
check_eq "names the NAME and the first byte that is not UTF-8" \
    "ptrack token: NAME (argument 2) ${HINT/byte 1/byte 3}" "$ERR"
pt_cli plugins unload "$GBK_NAME"
check_rc "ptrack plugins unload <GBK name>" 2
check_contains "names the NAME" "ptrack plugins: NAME (argument 2) is not UTF-8 text" "$ERR"
pt_cli plugins "$GBK_NAME"
check_rc "ptrack plugins <GBK subcommand>" 2
check_contains "names the subcommand" "ptrack plugins: the subcommand is not UTF-8 text" "$ERR"

pt_step "an option's value: the same check, the same words"
pt_cli add --title "$GBK_NAME"
check_rc "ptrack add --title <GBK>" 2
check_eq "names the option" "ptrack add: the value of --title ${HINT/byte 1/byte 3}" "$ERR"
pt_cli edit "$ID" --set "title=$GBK_NAME"
check_rc "ptrack edit --set title=<GBK>" 2
check_contains "names the option" "ptrack edit: the value of --set is not UTF-8 text" "$ERR"

pt_step "nothing was sent"
pt_cli --json show "$ID"
check_eq "the proposal is as it was: title, state" "关于参数编码的建议 assigned" \
    "$(jv '"%s %s" % (j["title"], j["status"])' "$OUT")"
pt_cli --json list
check_eq "and it is the only one" 1 "$(jv 'len(j["items"])' "$OUT")"

pt_step "a file name may be in any encoding"
GBK_FILE="$PT_TMP/$GBK_NAME.json"
printf '[{"title": "关于从GBK文件名导入的建议"}]' >"$GBK_FILE"
pt_cli import "$GBK_FILE" --format json
check_rc "ptrack import <a file named in GBK>" 0
pt_cli --json list --search 从GBK文件名导入
check_eq "its proposal was imported" 1 "$(jv 'len(j["items"])' "$OUT")"

pt_step "a word that is no command, or one too many, is quoted as \\xNN"
# Checked only once the command and the count of arguments are known:
# these are quoted with their bytes shown, so that the message stays UTF-8.
pt_cli "$GBK_ASSIGN"
check_rc "ptrack <GBK word>" 2
check_eq "unknown command, its bytes shown" \
    'ptrack: unknown command "\xbd\xbb\xb0\xec" (see ptrack --help)' "$ERR"
pt_cli help "$GBK_ASSIGN"
check_rc "ptrack help <GBK word>" 2
check_eq "the same from help" 'ptrack: unknown command "\xbd\xbb\xb0\xec" (see ptrack --help)' "$ERR"
pt_cli health "$GBK_NAME"
check_rc "ptrack health <GBK word>" 2
check_contains "an unexpected argument, its bytes shown" \
    'ptrack health: unexpected argument "ɽ\xce\xf7\xb4\xfa\xb1\xed\xcd\xc5"' "$ERR"
check_true "every message is UTF-8" "$PY" -c 'import sys; sys.argv[1].encode("utf-8", "strict")' "$ERR"

pt_finish

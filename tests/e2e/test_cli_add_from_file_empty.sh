#!/usr/bin/env bash
# ptrack add --from-file says what is wrong with a file it cannot use, by
# the name the person gave: stdin for -, as ptrack import says it, not
# "-"; and an empty file (or stdin with nothing, a pipe whose writer
# failed) is said to be empty, not "not valid JSON (near byte 0)", which
# sends the person looking for a typo. Nothing is added; exit 2.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_step "an empty file"
: >"$PT_TMP/empty.json"
pt_cli add --from-file "$PT_TMP/empty.json"
check_rc "add --from-file of an empty file" 2
check_eq "it says the file is empty" \
    "ptrack add: $PT_TMP/empty.json is empty: it should hold a JSON object or an array of objects" \
    "$ERR"
printf '\n  \r\n' >"$PT_TMP/blank.json"
pt_cli add --from-file "$PT_TMP/blank.json"
check_rc "a file of blank lines" 2
check_contains "is empty too" "blank.json is empty" "$ERR"

pt_step "stdin"
pt_run "$PTRACK" --socket "$PT_SOCK" add --from-file -
check_rc "add --from-file - with nothing on stdin" 2
check_eq "it says stdin is empty" \
    "ptrack add: stdin is empty: it should hold a JSON object or an array of objects" "$ERR"
set +e
printf '{"title": "关于' | "$PTRACK" --socket "$PT_SOCK" add --from-file - >"$PT_TMP/o" 2>"$PT_TMP/e"
RC=$?
set -e
ERR="$(cat "$PT_TMP/e")"
check_rc "JSON cut short on stdin" 2
check_contains "is named stdin, not -" "ptrack add: stdin is not valid JSON" "$ERR"
set +e
printf '"关于字符串的建议"' | "$PTRACK" --socket "$PT_SOCK" add --from-file - >"$PT_TMP/o" 2>"$PT_TMP/e"
RC=$?
set -e
ERR="$(cat "$PT_TMP/e")"
check_rc "a JSON string on stdin" 2
check_eq "stdin must hold an object" \
    "ptrack add: stdin must hold a JSON object or an array of objects" "$ERR"

pt_step "nothing was added"
pt_cli --json list
check_eq "the store holds no proposal" 0 "$(jv 'len(j["items"])' "$OUT")"

pt_finish

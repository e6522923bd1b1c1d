#!/usr/bin/env bash
# ptrack export --out NAME, NAME long but a name the file system takes (80
# Chinese characters and .json are 245 bytes of the 255 a name may have):
# the export goes into a temporary file beside it first, named NAME and
# .ptrack-XXXXXX, which is longer than a name may be, and the export
# failed, "cannot make a file in the current directory (File name too
# long)", exit 4. Such a temporary file now has a short name of its own:
# the export is written, and nothing else is left in the directory. A
# name longer than a name may be (100 Chinese characters, 300 bytes) is
# refused as the first of the export comes, naming it, with nothing left
# behind; it was taken whole into the short temporary file, and then said
# only that the temporary file could not be renamed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli
pt_cli add --title 关于长文件名导出的建议
check_rc "a proposal to export" 0
LONG="$(python3 -c 'print("关于加强农村饮水安全保障的建议汇总" * 4 + "关于加强农村饮水安全保障")')"

pt_step "a new file of a long name, in the current directory"
mkdir "$PT_TMP/here"
cd "$PT_TMP/here"
pt_cli export --out "$LONG.json" --quiet
check_rc "export --out LONG.json" 0
check_contains "says where it went" "已导出 1 条到 $LONG.json" "$OUT"
check_contains "the file holds the proposal" 关于长文件名导出的建议 "$(cat "$LONG.json")"
check_eq "nothing else in the directory" "$LONG.json" "$(ls -A)"

pt_step "an existing file of a long name, in another directory"
mkdir "$PT_TMP/there"
printf 'old\n' >"$PT_TMP/there/$LONG.csv"
chmod 640 "$PT_TMP/there/$LONG.csv"
pt_cli export --out "$PT_TMP/there/$LONG.csv" --quiet
check_rc "export --out DIR/LONG.csv" 0
check_contains "replaced by the export" 关于长文件名导出的建议 "$(cat "$PT_TMP/there/$LONG.csv")"
check_eq "its mode kept" 640 "$(stat -c %a "$PT_TMP/there/$LONG.csv")"
check_eq "nothing else in the directory" "$LONG.csv" "$(ls -A "$PT_TMP/there")"

pt_step "a name longer than a name may be"
TOO="$(python3 -c 'print("关于加强农村饮水安全保障的建议汇总" * 5)')"
mkdir "$PT_TMP/none"
cd "$PT_TMP/none"
pt_cli export --out "$TOO.json" --quiet
check_rc "export --out TOO_LONG.json" 4
check_eq "says the name is too long, and that nothing was written" \
    "ptrack export: cannot write $TOO.json: File name too long (nothing was written)" "$ERR"
check_eq "nothing left in the directory" "" "$(ls -A)"

pt_finish

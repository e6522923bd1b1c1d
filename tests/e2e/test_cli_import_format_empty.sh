#!/usr/bin/env bash
# ptrack import FILE --format "" (a script's empty variable, --format
# "$FMT") sent format= to ptrackd, which refused it in the API's words,
# "say which format the file is in (?format=...)", as a refusal (exit 1),
# where the command line was at fault. An empty --format is now taken as
# none, as export takes it: the format comes from the file's extension,
# and stdin, which has none, is a usage error (exit 2) that asks for
# --format.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli
printf '{"title": "关于空格式参数的建议", "number": "F1", "session": "十四届"}\n' \
    >"$PT_TMP/建议.jsonl"

pt_step "a file: the format from its extension"
pt_cli import "$PT_TMP/建议.jsonl" --format ""
check_rc "import --format ''" 0
check_contains "imported as jsonl" "已导入 1 条" "$OUT"

pt_step "stdin: a usage error that asks for --format"
pt_run sh -c '"$1" --socket "$2" import - --format "" <"$3"' _ "$PTRACK" "$PT_SOCK" \
    "$PT_TMP/建议.jsonl"
check_rc "import - --format ''" 2
check_contains "asks for --format" \
    "ptrack import: cannot tell the format of stdin from its name; say it with --format" "$ERR"
check_true "not the API's words" bash -c '! grep -qF "?format=" <<<"$1"' _ "$ERR"

pt_finish

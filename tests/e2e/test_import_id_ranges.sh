#!/usr/bin/env bash
# test_import_id_ranges.sh - a partial import stores its batches of 2,000
# each in a transaction of its own, and another client's proposal created
# between two of them takes an id between theirs. The answer names the
# runs of ids the import stored (id_ranges), and so does `ptrack import`,
# not first_id to last_id, which holds that proposal too; an import stored
# without a write between its batches is one run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

# 4,500 proposals without a 编号 or a source.ref.
python3 - "$PT_TMP/p.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(4500):
        f.write(json.dumps({"title": "关于第%d号农村饮水工程的建议" % i}, ensure_ascii=False) + "\n")
PY

stored_at_least() { [ "$(pt_count)" -ge "$1" ]; }

# import_between FIRST_BATCH_END [ARGS...]: `ptrack import - --format jsonl
# --partial ARGS` fed through a pipe: the first 2,500 lines, then, once
# the first batch is stored (FIRST_BATCH_END proposals in all), a proposal
# of another client's, then the rest. Sets RC, OUT, ERR.
import_between() {
    local end="$1"
    shift
    rm -f "$PT_TMP/fifo"
    mkfifo "$PT_TMP/fifo"
    "$PTRACK" --socket "$PT_SOCK" import - --format jsonl --partial "$@" <"$PT_TMP/fifo" \
        >"$PT_TMP/cli.out" 2>"$PT_TMP/cli.err" &
    local cli=$!
    exec 3>"$PT_TMP/fifo"
    head -n 2500 "$PT_TMP/p.jsonl" >&3
    wait_for 30 stored_at_least "$end" || pt_die "the first batch was not stored"
    api POST /v1/proposals '{"title": "关于在两批导入之间提出的建议"}'
    OTHER="$ST $(jv 'j["id"]')"
    tail -n +2501 "$PT_TMP/p.jsonl" >&3
    exec 3>&-
    RC=0
    wait "$cli" || RC=$?
    OUT="$(cat "$PT_TMP/cli.out")"
    ERR="$(cat "$PT_TMP/cli.err")"
}

pt_step "another client's proposal between two batches"
import_between 2000
check_eq "the other client's proposal gets the id after the first batch" "201 2001" "$OTHER"
check_rc "the import" 0
check_contains "ptrack names the two runs of ids, not #1–#4501" \
    "已导入 4500 条 (4500 imported), #1–#2000, #2002–#4501" "$OUT"

pt_step "the answer's id_ranges"
import_between 6501 --json
check_eq "the other client's proposal" "201 6502" "$OTHER"
check_rc "the import, --json" 0
check_eq "first_id and last_id, and the runs between them" \
    "4502 9002 [[4502, 6501], [6503, 9002]]" \
    "$(jv '"%s %s %s" % (j["first_id"], j["last_id"], j["id_ranges"])' "$OUT")"
check_eq "4500 imported" 4500 "$(jv 'j["imported"]' "$OUT")"
check_eq "id_ranges_count counts the runs" 2 "$(jv 'j["id_ranges_count"]' "$OUT")"

pt_step "without a write between its batches, one run"
pt_cli --json import "$PT_TMP/p.jsonl" --format jsonl --partial
check_rc "the import" 0
check_eq "one run, first_id to last_id" "9003 13502 [[9003, 13502]]" \
    "$(jv '"%s %s %s" % (j["first_id"], j["last_id"], j["id_ranges"])' "$OUT")"
printf '{"title": "关于一次导入的建议"}\n' >"$PT_TMP/one.jsonl"
pt_cli import "$PT_TMP/one.jsonl"
check_contains "all or nothing: one proposal, one id" "已导入 1 条 (1 imported), #13503" "$OUT"
pt_import jsonl "$PT_TMP/one.jsonl"
check_eq "the API's 201 has one run" "[[13504, 13504]]" "$(jv 'j["id_ranges"]')"

pt_finish

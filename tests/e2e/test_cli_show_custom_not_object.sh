#!/usr/bin/env bash
# `ptrack show` printed "(null) (custom)" when an answer's `custom` was an
# array, and a row with an empty value for a member that is not a string:
# it took whatever `custom` held for an object of strings. custom is an
# object of strings (PRODUCT.md); the card now passes over anything else,
# as it does for other fields of a type they cannot have, and shows the
# strings.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# A stand-in for ptrackd on a Unix socket that answers proposal 1 with
# CUSTOM as its `custom` member, and 404 to everything else.
cat >"$PT_TMP/show.py" <<'PY'
import json, os, sys
path, custom = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.environ["PT_E2E_DIR"])
from fakeserver import answer_json, requests
proposal = {"id": 1, "kind": "suggestion", "title": "关于加强社区养老服务的建议",
            "status": "draft", "version": 1, "lead_author": "王代表",
            "created_at": "2026-03-05T01:00:00Z", "updated_at": "2026-03-05T01:00:00Z",
            "custom": json.loads(custom)}
for c, head, _, _ in requests(path):
    target = head.split(b" ")[1].decode()
    if target == "/v1/proposals/1":
        answer_json(c, json.dumps(proposal, ensure_ascii=False))
    else:
        answer_json(c, '{"error": {"code": "not_found", "message": "no"}}', "404 Not Found")
PY

RUNS=0
# show CUSTOM: runs ptrack show 1 against show.py answering CUSTOM.
show() {
    RUNS=$((RUNS + 1))
    local sock="$PT_TMP/show-$RUNS.sock"
    pt_stand_in "$PT_TMP/show.py" "$sock" "$1"
    pt_run timeout 10 "$PTRACK" --socket "$sock" show 1
    kill "$STAND_IN" 2>/dev/null || true
}

show '["联系人", "刘秘书"]'
check_rc "custom as an array" 0
check_contains "the card is shown" "关于加强社区养老服务的建议" "$OUT"
check_true "no (null) row" test "${OUT/(null)/}" == "$OUT"
check_true "no custom row" test "${OUT/(custom)/}" == "$OUT"

show '{"联系人": "刘秘书", "页数": 3, "附件": null, "其他": {"a": "b"}}'
check_rc "custom with members that are not strings" 0
check_contains "its string is shown" "联系人 (custom)" "$OUT"
check_contains "with its value" "刘秘书" "$OUT"
check_true "the others are passed over" test "$(printf '%s\n' "$OUT" | grep -c '(custom)')" == 1

show '"联系人"'
check_rc "custom as a string" 0
check_true "no custom row" test "${OUT/(custom)/}" == "$OUT"

pt_finish

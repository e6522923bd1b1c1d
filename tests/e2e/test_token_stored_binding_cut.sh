#!/usr/bin/env bash
# test_token_stored_binding_cut.sh - a token made at run time whose person
# (or unit) is longer than an identity holds (500 bytes) would be cut where
# it is read, and the first 500 bytes of one name may be the whole of
# another's. POST /v1/tokens now refuses such a token
# (test_token_person_kept_length.sh), but a store made before kept the ones
# it took, and at start they were taken in force: the token of aa中·中·…中
# (620 bytes) listed the proposal of the person whose name is its first
# 500 bytes. Now:
#   - such a row is not accepted at start, and the log says which and what
#     to do: the token is 401;
#   - it can be revoked (DELETE /v1/tokens/NAME is 204, not 404), and its
#     name given to a new token.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

OTHER="$(python3 -c 'print("aa" + "中·" * 99 + "中")')"
LONG="$(python3 -c 'print("aa" + "中·" * 123 + "中")')"
body() { python3 -c 'import json, sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2])), ensure_ascii=False))' "$@"; }
api POST /v1/proposals "$(body title 另一位代表的建议 lead_author "$OTHER")"
check_status "the other person's proposal" 201
pt_stop

# The row as a store of an earlier ptrackd keeps it.
OLD_TOKEN="ptk_old-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
python3 - "$PT_DATA/ptrack.db" "$OLD_TOKEN" "$LONG" <<'PY'
import hashlib, sqlite3, sys, time
db, token, person = sys.argv[1:]
c = sqlite3.connect(db)
c.execute("INSERT INTO tokens (name, role, person, sha256, created_at) VALUES (?, ?, ?, ?, ?)",
          ("旧长名代表", "delegate", person, hashlib.sha256(token.encode()).digest(),
           int(time.time() * 1000)))
c.commit()
PY
check_eq "the stored person's length" 620 "$(printf %s "$LONG" | wc -c)"
pt_start

pt_step "the token is not taken in force"
check_true "the log names it" grep -q '旧长名代表.*not accepted' "$PT_TMP/ptrackd.log"
req "tcp:$OLD_TOKEN" GET /v1/proposals
check_error "the token" 401 unauthorized
check_eq "BUG: it lists no one else's proposal" "" "$(jv '",".join(str(i["id"]) for i in j.get("items", []))')"
api GET /v1/tokens
check_eq "it is not listed" 0 "$(jv 'len([t for t in j["items"] if t["name"] == "旧长名代表"])')"

pt_step "it can be revoked, and its name given anew"
NAME_PATH="$(python3 -c 'import urllib.parse; print(urllib.parse.quote("旧长名代表"))')"
api DELETE "/v1/tokens/$NAME_PATH"
check_status "the revoke" 204
api DELETE "/v1/tokens/$NAME_PATH"
check_error "a second revoke" 404 not_found
api POST /v1/tokens "$(body name 旧长名代表 role delegate person 张三)"
check_status "a new token of its name" 201

pt_stop
pt_finish

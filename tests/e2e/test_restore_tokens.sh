#!/usr/bin/env bash
# The tokens made at run time live in the database, so a restore from a
# backup (operation.md, "Backups", followed as written) brings them back
# as the backup had them: a token revoked after the backup works again,
# and one made after it is gone. ptrackd said nothing of it, where it
# noticed the restore (by the change feed's mark, ptrack.seq). Now:
#   - the start of the restored database warns at WARN that its tokens
#     made at run time are the backup's, what that means and what to do
#     (ptrack token list, revoke again), naming how many;
#   - a start that is not a restore, and a restore of a database without
#     tokens made at run time, do not warn;
#   - a backup taken after the last event, restored after a token was
#     revoked and nothing else written, is noticed too: the mark counts the
#     tokens' changes (its second line), where it held the newest seq only;
#   - a start that finds such a restore and then fails (a token of its
#     file has the name of one the store holds made at run time, found
#     once the store is open) leaves it to the next start to find and
#     warn of again; the first start that serves records it as noticed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
command -v sqlite3 >/dev/null || pt_die "sqlite3 is needed (the package sqlite3)"
pt_config
pt_start
pt_need_cli

pt_step "two tokens made at run time, a backup, then one revoked"
pt_cli token create --name 外包商 --role viewer
check_rc "token create 外包商" 0
LEAKED="$OUT"
pt_cli token create --name 报表二号 --role viewer
check_rc "token create 报表二号" 0
api POST /v1/proposals '{"title":"关于备份之前的建议"}'
install -d -m 0700 "$PT_TMP/backups"
backup="$PT_TMP/backups/ptrack-$(date +%F).db"
sqlite3 "$PT_DATA/ptrack.db" "VACUUM INTO '$backup'"
api POST /v1/proposals '{"title":"关于备份之后的建议"}'
pt_cli token revoke 外包商
check_rc "token revoke 外包商" 0
req "tcp:$LEAKED" GET /v1/health
check_status "the revoked token is refused" 401

pt_step "a plain restart does not warn"
pt_stop
pt_start
check_true "no warning of restored tokens" test "$(grep -c 'tokens made at run time are' "$PT_TMP/ptrackd.log")" = 0

pt_step "the restore, as operation.md has it"
pt_stop
mkdir "$PT_TMP/aside"
mv "$PT_DATA"/ptrack.db* "$PT_TMP/aside/"
install -m 600 "$backup" "$PT_DATA/ptrack.db"
: >"$PT_TMP/ptrackd.log"
pt_start
req "tcp:$LEAKED" GET /v1/health
check_status "the token revoked after the backup works again" 200
check_contains "the start warns of it" \
    "WARN  the database was restored from a backup: its 2 tokens made at run time are in force as the backup had them" \
    "$(cat "$PT_TMP/ptrackd.log")"
check_contains "and says what to do" "check them (ptrack token list) and revoke again" \
    "$(cat "$PT_TMP/ptrackd.log")"
pt_cli token revoke 外包商
check_rc "revoked again" 0
req "tcp:$LEAKED" GET /v1/health
check_status "and refused again" 401
pt_stop

pt_step "a backup after the last event, then only a token revoked"
pt_start
api POST /v1/proposals '{"title":"关于只撤销令牌之前的建议"}'
pt_cli token create --name 临时借调 --role viewer
check_rc "token create 临时借调" 0
BORROWED="$OUT"
# 5: two made, one revoked, the restore's count raised to the mark's 3
# once its start served, and the token revoked again; then this one made.
check_eq "the mark counts the tokens' changes" 5 "$(sed -n 2p "$PT_DATA/ptrack.seq")"
rm -f "$PT_TMP/backups/quiet.db"
sqlite3 "$PT_DATA/ptrack.db" "VACUUM INTO '$PT_TMP/backups/quiet.db'"
pt_cli token revoke 临时借调
check_rc "token revoke 临时借调" 0
check_eq "and the revocation" 6 "$(sed -n 2p "$PT_DATA/ptrack.seq")"
pt_stop
rm -f "$PT_DATA"/ptrack.db*
install -m 600 "$PT_TMP/backups/quiet.db" "$PT_DATA/ptrack.db"
: >"$PT_TMP/ptrackd.log"
# A start that fails after it has opened the store (a token of its file
# named as one the restored store holds made at run time, found only once
# the store is open) has found the restore, and leaves it to be found
# again.
sed "s|\"tokens\": \[|\"tokens\": [{\"name\": \"临时借调\", \"role\": \"viewer\", \"sha256\": \"$(pt_sha256 clash)\"},|" \
    "$PT_CONF" >"$PT_TMP/clash.json"
if "$PTRACKD" --config "$PT_TMP/clash.json" >>"$PT_TMP/ptrackd.log" 2>&1; then RC=0; else RC=$?; fi
check_true "a start whose file names a token made at run time fails" test "$RC" -ne 0
check_contains "once the store is open" \
    'tokens[0]: "临时借调" is the name of a token made at run time' "$(cat "$PT_TMP/ptrackd.log")"
check_contains "after it found the tokens behind the mark" \
    "the store's tokens made at run time have had 5 changes, but ptrackd had made 6" \
    "$(cat "$PT_TMP/ptrackd.log")"
check_eq "the mark keeps its count" 6 "$(sed -n 2p "$PT_DATA/ptrack.seq")"
: >"$PT_TMP/ptrackd.log"
pt_start
req "tcp:$BORROWED" GET /v1/health
check_status "the revoked token works again" 200
check_contains "the start after it says the tokens are behind the mark" \
    "the store's tokens made at run time have had 5 changes, but ptrackd had made 6" \
    "$(cat "$PT_TMP/ptrackd.log")"
check_contains "and warns of the tokens" \
    "WARN  the database was restored from a backup: its 2 tokens made at run time are in force as the backup had them" \
    "$(cat "$PT_TMP/ptrackd.log")"
check_true "no event was lost, so no store.restored" \
    test "$(grep -c 'the database was restored from a backup, or lost writes; events' "$PT_TMP/ptrackd.log")" = 0
check_true "the start that served records the restore as noticed" wait_for 30 eval \
    '[ "$(sqlite3 "$PT_DATA/ptrack.db" "SELECT value FROM store_meta WHERE key = '"'"'token_changes'"'"'")" = 6 ]'
pt_stop
pt_start
check_true "so the next start does not warn of it" \
    test "$(grep -c 'tokens made at run time have had' "$PT_TMP/ptrackd.log")" = 1
pt_cli token revoke 临时借调
check_rc "revoked again" 0
pt_stop
pt_start
check_true "the next start does not warn again" \
    test "$(grep -c 'tokens made at run time have had' "$PT_TMP/ptrackd.log")" = 1
pt_stop

pt_step "a restore of a database without tokens made at run time"
rm -rf "$PT_DATA"
pt_start
api POST /v1/proposals '{"title":"关于恢复的建议"}'
sqlite3 "$PT_DATA/ptrack.db" "VACUUM INTO '$PT_TMP/backups/empty.db'"
api POST /v1/proposals '{"title":"关于恢复之后的建议"}'
pt_stop
rm -f "$PT_DATA"/ptrack.db*
install -m 600 "$PT_TMP/backups/empty.db" "$PT_DATA/ptrack.db"
: >"$PT_TMP/ptrackd.log"
pt_start
check_contains "the restore is noticed" "the database was restored from a backup, or lost writes" \
    "$(cat "$PT_TMP/ptrackd.log")"
check_true "but no tokens are warned of" test "$(grep -c 'tokens made at run time are' "$PT_TMP/ptrackd.log")" = 0
pt_stop
pt_finish

#!/usr/bin/env bash
# test_store_not_ptrack.sh - a start on a ptrack.db that is another
# program's SQLite database (tables of its own, no ptrack schema) is
# refused, naming the file and saying it is not a ptrack store, exit 1,
# and it writes nothing to it: not its bytes, nor a WAL or a change feed's
# mark beside it. The start gave it ptrack's tables beside its own. A
# ptrack store of a newer schema than this ptrackd knows is refused too,
# as it was; an empty file and a database with nothing in it are new
# stores.
set -u
source "$(dirname "$0")/lib.sh"
pt_init
command -v sqlite3 >/dev/null || pt_die "sqlite3 is needed (the package sqlite3)"

pt_config
mkdir -p "$PT_DATA"
DB="$PT_DATA/ptrack.db"

# clear_dir: the data directory without a database, a WAL or a mark.
clear_dir() { rm -f "$DB" "$DB-wal" "$DB-shm" "$PT_DATA/ptrack.seq"; }

# refused NAME MESSAGE...: starts ptrackd on the data directory as it is
# and checks that the start is refused, saying each MESSAGE, and writes
# nothing.
refused() {
    local name="$1" rc before m
    shift
    before="$(sha256sum "$DB" | cut -d' ' -f1)"
    timeout 60 "$PTRACKD" --config "$PT_CONF" >"$PT_TMP/$name.out" 2>&1
    rc=$?
    check_eq "$name: the start is refused, not a crash" "exit 1" "exit $rc"
    for m in "$@"; do
        check_contains "$name: the message says why" "$m" \
            "$(grep -m 1 '^ptrackd:' "$PT_TMP/$name.out")"
    done
    check_eq "$name: the database's bytes are as they were" "$before" \
        "$(sha256sum "$DB" | cut -d' ' -f1)"
    check_eq "$name: no WAL and no change feed's mark is made beside it" "" \
        "$(cd "$PT_DATA" && ls -A ptrack.db-wal ptrack.seq 2>/dev/null)"
    check_true "$name: nothing listens on the socket" \
        bash -c '! curl -s -o /dev/null --max-time 2 --unix-socket "$1" http://localhost/v1/health' \
        _ "$PT_SOCK"
}

pt_step "another program's database, in its own journal mode"
clear_dir
sqlite3 "$DB" "create table t(x); insert into t values (42)"
refused foreign "the database $DB is not a ptrack store" "tables of its own (t)"
check_eq "its table is all it holds" "t" \
    "$(sqlite3 "$DB" "select group_concat(name) from sqlite_master")"
check_eq "in its own journal mode" "delete" "$(sqlite3 "$DB" "pragma journal_mode")"

pt_step "another program's database in WAL mode, with a user_version"
clear_dir
sqlite3 "$DB" "pragma journal_mode=wal; pragma user_version=3;
    create table accounts(id integer primary key, name text); create table ledger(x)" >/dev/null
refused foreign_wal "the database $DB is not a ptrack store" "tables of its own (accounts, ledger)"

pt_step "another program's database with a schema version past ptrack's"
clear_dir
sqlite3 "$DB" "pragma user_version=9999; create table t(x)"
refused foreign_newer "the database $DB is not a ptrack store"

pt_step "an empty file is a new store"
clear_dir
: >"$DB"
chmod 600 "$DB"
pt_start
api POST /v1/proposals '{"title":"关于空文件上新建存储的建议"}'
check_status "a write" 201
check_eq "the first id" 1 "$(jv 'j["id"]')"
pt_stop
check_eq "it stops cleanly" 0 "$PT_STOP_RC"
cp "$DB" "$PT_TMP/good.db"

pt_step "a database with nothing in it is a new store"
clear_dir
sqlite3 "$DB" "create table t(x); drop table t; vacuum"
chmod 600 "$DB"
check_eq "it holds nothing" 0 "$(sqlite3 "$DB" "select count(*) from sqlite_master")"
pt_start
api POST /v1/proposals '{"title":"关于空数据库上新建存储的建议"}'
check_status "a write" 201
pt_stop

pt_step "a ptrack store of a newer schema is refused, as it was"
clear_dir
cp "$PT_TMP/good.db" "$DB"
newer="$(($(sqlite3 "$DB" "pragma user_version") + 1))"
sqlite3 "$DB" "pragma user_version=$newer"
refused newer "the database has schema version $newer, newer than this ptrackd knows" \
    "use a newer ptrackd"

pt_step "ptrack's own store starts, with what it holds"
clear_dir
cp "$PT_TMP/good.db" "$DB"
pt_start
api GET /v1/health
check_eq "its proposal is there" 1 "$(jv 'j["proposals"]')"
pt_stop

pt_finish

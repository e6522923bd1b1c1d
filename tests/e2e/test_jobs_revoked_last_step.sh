#!/usr/bin/env bash
# A reload that takes an import's client away while the import is being
# moved into the store: the import had read its whole file and begun its
# last step, which it ends; it is answered 201 and stored, as api.md
# says, and the log says that it goes on, where it said "nothing of it is
# stored" of an import that was then stored whole.
#
# The move is held where it begins, deterministically: another connection
# to the database holds its write lock (BEGIN IMMEDIATE), so the writer's
# transaction for the move waits (busy_timeout, 5 s) until the test lets
# go of it, after the reload.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_config
pt_start --plugin-dir "$PT_BUILD_DIR/plugins" --log-level debug
DB="$(ls "$PT_DATA"/*.db 2>/dev/null | head -n 1)"
[ -n "$DB" ] || pt_die "no database file in $PT_DATA"

printf '编号,届次,标题,领衔代表\n丙-1,十四届,关于加强农村饮水安全保障的建议,王建国\n丙-2,十四届,关于推进县域医共体建设的建议,李秀英\n丙-3,十四届,关于完善农村公路养护机制的建议,张志强\n' \
    >"$PT_TMP/three.csv"
N0="$(pt_count)"

pt_step "the database's write lock is taken, and the import sent"
python3 - "$DB" "$PT_TMP" <<'PY' &
import os, sqlite3, sys, time
db, tmp = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db, isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
open(tmp + "/locked", "w").close()
for _ in range(600):
    if os.path.exists(tmp + "/release"):
        break
    time.sleep(0.05)
c.execute("ROLLBACK")
c.close()
PY
LOCKER=$!
wait_for 20 test -e "$PT_TMP/locked" || pt_die "the database's write lock was not taken"
(
    curl -sS --max-time 60 -H "Authorization: Bearer $CLERK_TOKEN" -H 'Content-Type: text/csv' \
        --data-binary "@$PT_TMP/three.csv" "$PT_URL/v1/imports?format=csv" \
        -o "$PT_TMP/import.out" -w '%{http_code}' >"$PT_TMP/import.code" 2>"$PT_TMP/import.err"
    echo $? >"$PT_TMP/import.rc"
) &
# Three rows are read and staged; the move then waits for the lock (up to
# five seconds), once the log (at debug) says that it begins.
last_step() { grep -q "import [0-9-]* of 建议办张科长 (format csv): its last step begins (an all-or-nothing import's move into the store)" "$PT_TMP/ptrackd.log"; }
check_true "the import begins its last step" wait_for 30 last_step
check_true "the import is waiting for its move" test ! -e "$PT_TMP/import.rc"

pt_step "a reload takes its token out"
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tokens"] = [t for t in c["tokens"] if t["name"] != "建议办张科长"]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
pt_reload
touch "$PT_TMP/release"
wait "$LOCKER" 2>/dev/null || true
wait_for 30 test -s "$PT_TMP/import.rc"

check_eq "the import is answered as usual: 201" 201 "$(cat "$PT_TMP/import.code" 2>/dev/null)"
BODY="$(cat "$PT_TMP/import.out" 2>/dev/null)"
check_eq "... with its 3 proposals" 3 "$(jv 'j["imported"]')"
check_eq "... which are stored" "$((N0 + 3))" "$(pt_count)"
check_true "the log says it goes on, its last step begun" \
    grep -q "import [0-9-]* of 建议办张科长 (format csv) goes on: its client may no longer use the API as it did .*, but the import had begun its last step, which it takes (an all-or-nothing import's move into the store)" \
    "$PT_TMP/ptrackd.log"
check_eq "... and nowhere that nothing of it is stored" 0 \
    "$(grep -c "of 建议办张科长 (format csv) ended: .*nothing of it is stored" "$PT_TMP/ptrackd.log")"
check_true "... and its end, with what it stored" \
    grep -q "建议办张科长 imported 3 proposals (format csv" "$PT_TMP/ptrackd.log"
req "tcp:$CLERK_TOKEN" GET /v1/health
check_error "coming back, the token taken out" 401 unauthorized

pt_stop
pt_finish

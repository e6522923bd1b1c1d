#!/usr/bin/env bash
# Backups as docs/operation.md has them: the online copy with the sqlite3
# program is made while ptrackd runs and writes without a pause, within
# seconds, and passes PRAGMA integrity_check; restored as the document says
# (ptrackd stopped, ptrack.db and its -wal and -shm moved aside, the copy
# put in as ptrack.db, mode 600), it is served: its proposals, a change
# feed that goes on after every seq given before the restore (with a
# store.restored event; ptrack.seq, which stays in place, tells), and new
# writes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
command -v sqlite3 >/dev/null || pt_die "sqlite3 is needed (the package sqlite3)"
PLUGINS="$PT_BUILD_DIR/plugins"
[ -f "$PLUGINS/import_json.so" ] || pt_die "the plugin import_json is missing in $PLUGINS"
pt_config
pt_start --plugin-dir "$PLUGINS"

pt_step "a database of some thousand proposals"
python3 - "$PT_TMP/many.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(4000):
        f.write(json.dumps({"title": "关于备份的第%d号建议" % i, "delegation": "山西代表团",
                            "background": "备份之前的背景。" * 400}, ensure_ascii=False) + "\n")
PY
pt_import jsonl "$PT_TMP/many.jsonl"
check_status "imported" 201
check_eq "4000 proposals" 4000 "$(pt_count)"

pt_step "the online backup while writes go on without a pause"
# Four clients that write back to back until told to stop, as a busy
# office (or an import) does. SQLite's backup API, which the sqlite3
# program's .backup uses, starts its copy again after each write of
# another process, and did not end under such a load; VACUUM INTO copies
# one snapshot.
python3 - "$PT_SOCK" "$PT_TMP/stop" <<'PY' &
import http.client, json, os, socket, sys, threading
sock, stop = sys.argv[1], sys.argv[2]
class Conn(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(sock)
def work():
    c = Conn("localhost", timeout=30)
    while not os.path.exists(stop):
        c.request("POST", "/v1/proposals", json.dumps({"title": "备份期间写入的建议"}).encode(),
                  {"Content-Type": "application/json"})
        r = c.getresponse(); r.read()
threads = [threading.Thread(target=work) for n in range(4)]
for t in threads: t.start()
for t in threads: t.join()
PY
load=$!
writing() { [ "$(pt_count)" -gt 4050 ]; }
wait_for 10 writing || pt_die "the writers did not start"
backup="$PT_TMP/backups/ptrack-$(date +%F).db"
install -d -m 0700 "$PT_TMP/backups"
before="$(pt_count)"
start=$(date +%s)
# The command of operation.md, "Backups".
set +e
timeout 40 sqlite3 "$PT_DATA/ptrack.db" "VACUUM INTO '$backup'" 2>"$PT_TMP/backup.err"
rc=$?
set -e
took=$(($(date +%s) - start))
during="$(pt_count)"
touch "$PT_TMP/stop"
wait "$load" || true
check_eq "the backup ends while the writes go on (took ${took} s; $(cat "$PT_TMP/backup.err"))" 0 "$rc"
check_true "within 20 s" test "$took" -lt 20
check_true "the writers wrote meanwhile ($before proposals before, $during after)" \
    test "$during" -gt "$before"
check_eq "PRAGMA integrity_check" ok "$(sqlite3 "$backup" "PRAGMA integrity_check" 2>&1)"
in_backup="$(sqlite3 "$backup" "SELECT count(*) FROM proposals" 2>&1)"
seq_backup="$(sqlite3 "$backup" "SELECT max(seq) FROM events" 2>&1)"
id_backup="$(sqlite3 "$backup" "SELECT max(id) FROM proposals" 2>&1)"
check_true "the copy holds the proposals of a moment of the backup ($in_backup)" \
    test "$in_backup" -ge "$before" -a "$in_backup" -le "$during"

pt_step "a restore as documented"
api GET /v1/health
seq_given="$(jv 'j["last_seq"]')"
pt_stop
mkdir "$PT_TMP/aside"
mv "$PT_DATA"/ptrack.db* "$PT_TMP/aside/"
install -m 600 "$backup" "$PT_DATA/ptrack.db"
pt_start --plugin-dir "$PLUGINS"
api GET /v1/health
check_status "the restored database is served" 200
check_eq "with the proposals of the backup" "$in_backup" "$(jv 'j["proposals"]')"
check_true "the writes after the copy had events ($seq_backup, $seq_given)" \
    test "$seq_given" -gt "$seq_backup"
check_eq "the change feed goes on after every seq given before the restore" \
    "$((seq_given + 1))" "$(jv 'j["last_seq"]')"
check_eq "writable" true "$(jv 'j["writable"]')"
api GET "/v1/events?after=$seq_given"
check_eq "with a store.restored event naming the lost numbers" \
    "store.restored $seq_backup $seq_given" \
    "$(jv '" ".join(str(x) for x in (j["items"][0]["type"], j["items"][0]["data"]["last_kept"], j["items"][0]["data"]["last_given"]))')"
api POST /v1/proposals '{"title":"恢复之后的建议"}'
check_status "a write after the restore" 201
check_true "with an id after the backup's last ($id_backup)" test "$(jv 'j["id"]')" -gt "$id_backup"
pt_stop

pt_finish

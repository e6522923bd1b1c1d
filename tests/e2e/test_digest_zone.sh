#!/usr/bin/env bash
# test_digest_zone.sh - one digest a date, whatever zone ptrackd runs in.
# A service is given TZ=Asia/Shanghai, or moved to a container without it:
# the date of a day's digest stays the date it was raised for. Checks,
# with two zones an hour apart in which it is the same date: the digest
# raised in the first is not raised again by a start in the second after
# its digest_at; a store whose digest marks were made by an earlier
# version (schema 19, the day's local midnight) is moved to schema 20 and
# raises no second digest for a date it has one for, while a store with
# an earlier day's and none today's still raises today's at the start.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
command -v sqlite3 >/dev/null || pt_die "sqlite3 is needed"

# Two POSIX time zones: in the first it is 12:00:00 now, the second is an
# hour west of it (11:00:00, the same date, a later midnight); neither is
# UTC itself (then 13:00 and 12:00; east is written with a minus sign).
# The second is the first's offset less an hour, not a zone of its own
# where it is 11:00: near midnight UTC that one would fall on the next date.
zones() {
    python3 -c '
import time
now = int(time.time())
def tz(off):
    sign = "-" if off >= 0 else "+"
    a = abs(off)
    return "PTZ%s%d:%02d:%02d" % (sign, a // 3600, a % 3600 // 60, a % 60)
for h in (12, 13):
    off = (h * 3600 - now % 86400) % 86400
    if off > 43200:
        off -= 86400
    if off != 0 and off - 3600 != 0:
        break
print(tz(off), tz(off - 3600))'
}
read -r ZONE_A ZONE_B <<<"$(zones)"
TODAY="$(TZ="$ZONE_A" date +%F)"
pt_log "zones $ZONE_A ($(TZ="$ZONE_A" date '+%F %T')) and $ZONE_B ($(TZ="$ZONE_B" date '+%F %T'))"
[ "$TODAY" = "$(TZ="$ZONE_B" date +%F)" ] || pt_die "the two zones are not on one date"

digests() { # the digest.daily events as "date" lines
    api GET "/v1/events?after=0&limit=1000"
    jv '"\n".join(e["data"]["date"] for e in j["items"] if e["type"] == "digest.daily")'
}
has_digest() { [ -n "$(digests)" ]; }
stored_digests() { # the digest.daily events in the store, counted
    sqlite3 "$PT_DATA/ptrack.db" "SELECT count(*) FROM events WHERE type = 'digest.daily'"
}
more_digests() { [ "$(stored_digests)" -gt "$1" ]; }
set_digest_at() { # set_digest_at HH:MM:SS
    sed -i "s/\"digest_at\": [^,}]*/\"digest_at\": \"$1\"/" "$PT_CONF"
}

pt_step "a digest raised in one zone is not raised again in another"
pt_config '{"digest_at": null}'
for try in 1 2 3; do
    DIGEST_S=$(($(date +%s) + 3))
    set_digest_at "$(TZ="$ZONE_A" date -d "@$DIGEST_S" +%H:%M:%S)"
    TZ="$ZONE_A" pt_start
    if [ "$(date +%s%3N)" -lt $((DIGEST_S * 1000)) ]; then break; fi
    pt_stop
done
check_true "the day's digest comes in the first zone" wait_for 20 has_digest
check_eq "dated today" "$TODAY" "$(digests)"
pt_stop
set_digest_at 00:00:00
TZ="$ZONE_B" pt_start
sleep 1
check_eq "a start in the second zone, after its digest_at, raises no second one" "$TODAY" \
    "$(digests)"
pt_stop

pt_step "marks of schema 19, the day's local midnight, are moved to its date"
# midnight_ms ZONE DAYS: the local midnight in ZONE of today + DAYS, in ms.
midnight_ms() { echo $(($(TZ="$1" date -d "$(TZ="$1" date -d "$2 days" +%F) 00:00:00" +%s) * 1000)); }
DB="$PT_DATA/ptrack.db"
# A store set back to an earlier schema version loses what migrations 28
# and 29 added, which the migrations add again.
BEFORE_28="ALTER TABLE proposal_units DROP COLUMN replied;
  ALTER TABLE proposal_units DROP COLUMN reply_category;
  DROP INDEX proposals_reminders; ALTER TABLE proposals DROP COLUMN due_soon_mark;
  ALTER TABLE proposals DROP COLUMN overdue_mark;"
sqlite3 "$DB" "DELETE FROM deadline_marks WHERE proposal_id = 0;
    INSERT INTO deadline_marks VALUES (0, 'digest', $(midnight_ms "$ZONE_A" -1));
    INSERT INTO deadline_marks VALUES (0, 'digest', $(midnight_ms "$ZONE_A" 0));
    $BEFORE_28 PRAGMA user_version = 19;"
BEFORE="$(stored_digests)"
TZ="$ZONE_A" pt_start
check_eq "the schema is 20 or later" true \
    "$(sqlite3 "$DB" "PRAGMA user_version" | awk '{print ($1 >= 20) ? "true" : "false"}')"
sleep 1
check_eq "a start after digest_at raises no second digest for today" "$BEFORE" "$(stored_digests)"
check_eq "today's mark is its date's midnight UTC" \
    "$(($(date -u -d "$TODAY 00:00:00" +%s) * 1000))" \
    "$(sqlite3 "$DB" "SELECT max(due_at) FROM deadline_marks WHERE proposal_id = 0")"
pt_stop

pt_step "a date marked twice in schema 19 (two zones' midnights) is moved to one mark"
# What the bug left in a store that moved zone: today's digest raised and
# marked once at each zone's midnight.
sqlite3 "$DB" "DELETE FROM deadline_marks WHERE proposal_id = 0;
    INSERT INTO deadline_marks VALUES (0, 'digest', $(midnight_ms "$ZONE_A" -1));
    INSERT INTO deadline_marks VALUES (0, 'digest', $(midnight_ms "$ZONE_A" 0));
    INSERT INTO deadline_marks VALUES (0, 'digest', $(midnight_ms "$ZONE_B" 0));
    $BEFORE_28 PRAGMA user_version = 19;"
BEFORE="$(stored_digests)"
TZ="$ZONE_A" pt_start
check_eq "the schema is 20 or later" true \
    "$(sqlite3 "$DB" "PRAGMA user_version" | awk '{print ($1 >= 20) ? "true" : "false"}')"
check_eq "one mark a date" \
    "$(($(date -u -d "$TODAY 00:00:00" +%s) * 1000 - 86400000)) $(($(date -u -d "$TODAY 00:00:00" +%s) * 1000))" \
    "$(sqlite3 "$DB" "SELECT group_concat(due_at, ' ') FROM (SELECT due_at FROM deadline_marks
        WHERE proposal_id = 0 ORDER BY due_at)")"
sleep 1
check_eq "no second digest for today" "$BEFORE" "$(stored_digests)"
pt_stop

pt_step "a day without a digest still gets its own at the start"
sqlite3 "$DB" "DELETE FROM deadline_marks WHERE proposal_id = 0;
    INSERT INTO deadline_marks VALUES (0, 'digest', $(midnight_ms "$ZONE_A" -1));
    $BEFORE_28 PRAGMA user_version = 19;"
TZ="$ZONE_A" pt_start
check_true "today's digest is raised" wait_for 20 more_digests "$BEFORE"
check_eq "dated today" "$TODAY" "$(digests | tail -n 1)"

pt_stop
pt_finish

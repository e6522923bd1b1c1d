#!/usr/bin/env bash
# test_digest_reload.sh - one digest a day, also across a SIGHUP that moves
# deadlines.digest_at. ptrackd runs in a time zone where it is noon, with a
# store that has raised digests on earlier days. Checks: a start before
# digest_at (23:00) raises none; a SIGHUP that moves digest_at to a time
# already passed today (06:00) raises today's at once, dated today, as a
# start after that time would, where it used to leave the day without one;
# another SIGHUP of the same file, and one that moves digest_at again,
# raise no second digest for the day.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
command -v sqlite3 >/dev/null || pt_die "sqlite3 is needed"

# A POSIX time zone whose local time is 12:00:00 now (east of UTC is
# written with a minus sign).
TZ_NOON="$(python3 -c '
import time
now = int(time.time())
off = (43200 - now % 86400) % 86400
if off > 43200:
    off -= 86400
sign = "-" if off >= 0 else "+"
a = abs(off)
print("PTN%s%d:%02d:%02d" % (sign, a // 3600, a % 3600 // 60, a % 60))
')"
pt_log "TZ=$TZ_NOON, local time $(TZ="$TZ_NOON" date '+%F %T')"
TODAY="$(TZ="$TZ_NOON" date +%F)"

digests() { # the digest.daily events as "date" lines
    api GET "/v1/events?after=0&limit=1000"
    jv '"\n".join(e["data"]["date"] for e in j["items"] if e["type"] == "digest.daily")'
}
set_digest_at() { # set_digest_at HH:MM:SS
    sed -i "s/\"digest_at\": \"[^\"]*\"/\"digest_at\": \"$1\"/" "$PT_CONF"
}

pt_config '{"digest_at": "23:00:00"}'
# A store that raised a digest on an earlier day.
TZ="$TZ_NOON" pt_start
pt_stop
sqlite3 "$PT_DATA/ptrack.db" "INSERT INTO deadline_marks VALUES (0, 'digest', 0);"
TZ="$TZ_NOON" pt_start

pt_step "a start before digest_at raises no digest"
sleep 1
check_eq "no digest" "" "$(digests)"

pt_step "a SIGHUP that moves digest_at before now raises today's"
set_digest_at 06:00:00
check_true "the SIGHUP is dealt with" pt_reload
has_digest() { [ -n "$(digests)" ]; }
wait_for 30 has_digest || true
check_eq "one digest, for $TODAY" "$TODAY" "$(digests)"
check_contains "the log says it was raised" "the daily digest for $TODAY was raised" \
    "$(cat "$PT_TMP/ptrackd.log")"

pt_step "no second digest for the day"
check_true "a SIGHUP of the same file is dealt with" pt_reload
set_digest_at 07:00:00
check_true "a SIGHUP that moves it again is dealt with" pt_reload
set_digest_at 11:59:58
check_true "and one that moves it to a moment ago" pt_reload
sleep 1
check_eq "still one" "$TODAY" "$(digests)"

pt_stop
pt_finish

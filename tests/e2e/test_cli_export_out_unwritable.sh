#!/usr/bin/env bash
# ptrack export --out PATH that it cannot write says, naming PATH, the
# real reason: not the bare "No such file or directory" it said for
# --out /proc/version, a file that is plainly there (the export is written
# into a new file beside it first, and /proc makes none). A directory, a
# directory that will not let this user make files (the current one
# named so), a missing directory and a file where a directory should be
# are each said so. Exit 4, nothing written, nothing left behind; an empty
# name is a usage error (exit 2), where it was "cannot rename ... to :". Stdout
# that fills midway is said to hold the start of the export: it said
# "nothing was written".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_cli add --title 关于导出位置的建议
check_rc "a proposal to export" 0

pt_step "a file of /proc"
pt_cli export --out /proc/version --format json --quiet
check_rc "export --out /proc/version" 4
check_eq "names the file, its directory and that this takes no new file" \
    "ptrack export: cannot write /proc/version: its directory /proc takes no new files (making one there failed: No such file or directory); the export is written into a new file beside it first, renamed over it when whole (nothing was written)" \
    "$ERR"
pt_cli export --out /proc/建议.json --quiet
check_rc "export --out /proc/建议.json" 4
check_contains "the same for a new name there" \
    "cannot write /proc/建议.json: its directory /proc takes no new files" "$ERR"

pt_step "an empty name"
pt_cli export --out "" --format json --quiet
check_rc "export --out ''" 2
check_contains "is a usage error that says what to give" \
    "ptrack export: --out needs the name of a file (or - for stdout), not an empty one" "$ERR"
check_eq "nor a temporary file left" "" "$(ls -A . | grep -F .ptrack- || true)"

pt_step "a directory"
mkdir "$PT_TMP/导出"
pt_cli export --out "$PT_TMP/导出" --format csv --quiet
check_rc "export --out DIR" 4
check_eq "says it is a directory, and what to give" \
    "ptrack export: cannot write $PT_TMP/导出: it is a directory: give the name of a file, such as $PT_TMP/导出/proposals.csv (nothing was written)" \
    "$ERR"
pt_cli export --out "$PT_TMP/导出/" --format csv --quiet
check_contains "DIR/ too, its name without a second /" \
    "give the name of a file, such as $PT_TMP/导出/proposals.csv" "$ERR"
check_eq "nothing was left in it" "" "$(ls -A "$PT_TMP/导出")"

pt_step "a missing directory, a file for a directory"
pt_cli export --out "$PT_TMP/没有/这里/建议.json" --quiet
check_rc "export into a missing directory" 4
check_contains "names the missing directory" \
    "cannot write $PT_TMP/没有/这里/建议.json: its directory $PT_TMP/没有/这里 does not exist" "$ERR"
printf 'x\n' >"$PT_TMP/名单.txt"
pt_cli export --out "$PT_TMP/名单.txt/建议.json" --quiet
check_rc "export under a file" 4
check_eq "names the file that stands where a directory should" \
    "ptrack export: cannot write $PT_TMP/名单.txt/建议.json: $PT_TMP/名单.txt is a file, not a directory (nothing was written)" \
    "$ERR"
pt_cli export --out "$PT_TMP/名单.txt/下面/建议.json" --quiet
check_contains "however deep below it" "$PT_TMP/名单.txt is a file, not a directory" "$ERR"

pt_step "a directory this user may not write in"
# Root passes any mode unless it drops its right to (as
# test_cli_socket_denied does); the socket is root's own, so it still
# connects.
as_user() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --bounding-set=-dac_override,-dac_read_search "$@"
    else
        "$@"
    fi
}
if [ "$(id -u)" != 0 ] || command -v setpriv >/dev/null; then
    mkdir "$PT_TMP/只读"
    chmod 555 "$PT_TMP/只读"
    pt_run as_user "$PTRACK" --socket "$PT_SOCK" export --out "$PT_TMP/只读/建议.json" --quiet
    check_rc "export into a directory of mode 555" 4
    check_eq "says this user may not make files there" \
        "ptrack export: cannot write $PT_TMP/只读/建议.json: you may not make files in its directory $PT_TMP/只读 (Permission denied); the export is written into a new file beside it first, renamed over it when whole (nothing was written)" \
        "$ERR"
    # A file there that this user may write is still not written through:
    # the export replaces it whole or not at all.
    chmod 755 "$PT_TMP/只读"
    printf 'old\n' >"$PT_TMP/只读/旧.json"
    chmod 666 "$PT_TMP/只读/旧.json"
    chmod 555 "$PT_TMP/只读"
    pt_run as_user "$PTRACK" --socket "$PT_SOCK" export --out "$PT_TMP/只读/旧.json" --quiet
    check_rc "export over a writable file in such a directory" 4
    check_contains "says why: the directory" "you may not make files in its directory $PT_TMP/只读" "$ERR"
    check_eq "the file is left as it was" old "$(cat "$PT_TMP/只读/旧.json")"
    # Without --out the file goes in the current directory, which is
    # named so, not "its directory .".
    pt_run as_user bash -c 'cd "$1" && shift && exec "$@"' _ "$PT_TMP/只读" \
        "$PTRACK" --socket "$PT_SOCK" export --format json --quiet
    check_rc "export without --out in such a directory" 4
    check_contains "names the current directory" \
        "you may not make files in the current directory ($PT_TMP/只读) (Permission denied)" "$ERR"
    chmod 755 "$PT_TMP/只读"
else
    pt_log "skip: a user without write rights needs setpriv when run as root"
fi

pt_step "stdout that fills midway"
# A file size limit of 8 KiB (SIGXFSZ ignored, so that the write fails
# with EFBIG, as on a full disk) stops stdout after its start: what went
# there stays, and the message says so, not "nothing was written".
python3 -c '
import json, sys
json.dump([{"title": "关于第%d项导出写满的建议" % i, "background": "背景" * 50} for i in range(1, 101)],
          open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)' "$PT_TMP/many.json"
pt_cli add --from-file "$PT_TMP/many.json"
check_rc "100 proposals, some 30 KiB of export" 0
pt_run bash -c 'trap "" XFSZ; ulimit -f 8; exec "$@" >"$0"' "$PT_TMP/cut.json" \
    "$PTRACK" --socket "$PT_SOCK" export --format json --out - --quiet
check_rc "export --out - past the limit" 4
check_eq "says that stdout holds the start of it" \
    "ptrack export: cannot write stdout: File too large (what went to stdout is only the start of the export)" \
    "$ERR"
check_true "which it does" test -s "$PT_TMP/cut.json"
pt_run bash -c 'trap "" XFSZ; ulimit -f 8; exec "$@"' _ \
    "$PTRACK" --socket "$PT_SOCK" export --format json --out "$PT_TMP/limited.json" --quiet
check_rc "export --out FILE past the limit" 4
check_eq "a file is whole or not there: nothing was written" \
    "ptrack export: cannot write $PT_TMP/limited.json: File too large (nothing was written)" "$ERR"
check_true "and it is not there" test ! -e "$PT_TMP/limited.json"
check_eq "nor a temporary file beside it" "" "$(ls "$PT_TMP" | grep -F .ptrack- || true)"
pt_run "$PTRACK" --socket "$PT_SOCK" export --format json --out /dev/full --quiet
check_rc "export --out /dev/full" 4
check_eq "nothing was written there" \
    "ptrack export: cannot write /dev/full: No space left on device (nothing was written)" "$ERR"

pt_finish

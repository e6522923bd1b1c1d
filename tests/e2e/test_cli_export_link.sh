#!/usr/bin/env bash
# `ptrack export --out LINK`, where LINK is a symbolic link into a directory
# that does not exist, names where the link points and that its directory
# is missing, rather than only "No such file or directory" about a file
# that is plainly there; so does --out into a missing directory. A link
# that leads nowhere yet, in a directory that exists, is still written
# through.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_cli add --title 关于加强农村饮水安全保障的建议
check_rc "add" 0
W="$PT_TMP/out"
mkdir -p "$W/links"

pt_step "a link to a file in a missing directory"
ln -s "$PT_TMP/gone/dir/建议.json" "$W/建议.json"
pt_cli export --out "$W/建议.json" --quiet
check_rc "the export fails" 4
check_contains "the message names the link's target" \
    "cannot write $W/建议.json (a symbolic link to $PT_TMP/gone/dir/建议.json)" "$ERR"
check_contains "... and that its directory is missing" \
    "its directory $PT_TMP/gone/dir does not exist (nothing was written)" "$ERR"
check_true "the link is left as it was" test -L "$W/建议.json"
check_true "nothing was made there" test ! -e "$PT_TMP/gone"

pt_step "a relative link"
ln -s ../gone/x.json "$W/links/rel.json"
pt_cli export --out "$W/links/rel.json" --quiet
check_rc "the export fails" 4
check_contains "the target as the link holds it, the directory from the link's" \
    "cannot write $W/links/rel.json (a symbolic link to ../gone/x.json): its directory $W/links/../gone does not exist" \
    "$ERR"

pt_step "a missing directory, without a link"
pt_cli export --out "$PT_TMP/nowhere/建议.json" --quiet
check_rc "the export fails" 4
check_contains "the message names the missing directory" \
    "cannot write $PT_TMP/nowhere/建议.json: its directory $PT_TMP/nowhere does not exist" "$ERR"

pt_step "a link that leads nowhere yet, in a directory that exists"
ln -s "$W/new.json" "$W/to-new.json"
pt_cli export --out "$W/to-new.json" --quiet
check_rc "the export" 0
check_true "is still a link" test -L "$W/to-new.json"
check_contains "and the file it names holds the export" 关于加强农村饮水安全保障的建议 "$(cat "$W/new.json")"

pt_stop
pt_finish

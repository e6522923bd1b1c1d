#!/usr/bin/env bash
# An xlsx or an md export whose temporary file cannot be made (TMPDIR names
# a directory that is not there) is 503 storage_error, the server's
# setting and not the plugin's fault (it was 500 plugin_error), and says
# so naming the whole directory, as
# the operator must find it: a long name, Chinese here, is neither cut to
# 60 bytes nor cut inside a character, which named a directory that is
# not the one and ended in "??", the bytes of half a character.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

MISSING="$PT_TMP/导出报表的临时文件目录/按年度归档/二〇二六年/第一季度"
pt_config
TMPDIR="$MISSING" pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
api POST /v1/proposals '{"title": "关于加强河道治理的建议"}'
check_status "a proposal to export" 201

for f in md xlsx; do
    pt_step "format $f"
    api GET "/v1/exports?format=$f"
    check_error "refused as the server's setting, not the plugin's fault" 503 storage_error
    msg="$(jv 'j["error"]["message"]')"
    check_contains "the message names the whole directory, and what to do" \
        "cannot make a temporary file in $MISSING: No such file or directory: give ptrackd a TMPDIR that exists and that it may write, and export again" \
        "$msg"
    check_eq "and no half character (??)" 0 "$(grep -c '??' <<<"$msg")"
done

pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"
pt_finish

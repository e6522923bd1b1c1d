#!/usr/bin/env bash
# A token's name, unit and person are shown in the history, in tables and
# in the log, so none may hold a control character: C0 (U+0000-U+001F),
# DEL or C1 (U+0080-U+009F). POST /v1/tokens refused the C0 ones in a
# name, but took a C1 one (U+0085, which some readers take as a line
# break, and U+009B, a terminal's CSI) with 201, and took any control in
# a unit or a person; the log line "root made token ..." then carried the
# raw bytes. Now:
#   - each is refused with 422 validation_failed naming the field, and no
#     token is made;
#   - the config's tokens[i].name and socket_users.UID.name, unit and
#     person are refused likewise by --check-config;
#   - a log line never carries a C1 control: a plugin path with one (which
#     the log then quotes) is blanked there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

pt_step "POST /v1/tokens refuses control characters"
for body in '{"name":"a\u0085b","role":"viewer"}' \
    '{"name":"a\u009b2Jb","role":"viewer"}' \
    '{"name":"a\u007fb","role":"viewer"}' \
    '{"name":"a\u001bb","role":"viewer"}'; do
    api POST /v1/tokens "$body"
    check_error "token $body" 422 validation_failed
    check_eq "token $body: the field is name" name "$(jv 'j["error"]["fields"][0]["field"]')"
    check_contains "token $body: the message says control characters" "control characters" \
        "$(jv 'j["error"]["fields"][0]["message"]')"
done
api POST /v1/tokens '{"name":"财政部联络员","role":"unit","unit":"财政\u0085部"}'
check_error "a unit with U+0085" 422 validation_failed
check_eq "the field is unit" unit "$(jv 'j["error"]["fields"][0]["field"]')"
api POST /v1/tokens '{"name":"张三本人","role":"delegate","person":"张\u0001三"}'
check_error "a person with U+0001" 422 validation_failed
check_eq "the field is person" person "$(jv 'j["error"]["fields"][0]["field"]')"
api GET /v1/tokens
check_eq "no token was made" 0 "$(jv 'len([t for t in j["items"] if t["source"] == "store"])')"
api POST /v1/tokens '{"name":"a\u00a0b","role":"viewer"}'
check_status "U+00A0, no control, is taken" 201
check_true "the log has no C1 control" \
    eval '! LC_ALL=C grep -q -P "\xc2[\x80-\x9f]" "$PT_TMP/ptrackd.log"'

pt_step "the config refuses them too"
bad="$PT_TMP/bad.json"
for member in \
    '"tokens": [{"name": "a\u0085b", "role": "viewer", "sha256": "'"$(pt_sha256 x)"'"}]' \
    '"tokens": [{"name": "u", "role": "unit", "unit": "财政\u009b部", "sha256": "'"$(pt_sha256 x)"'"}]' \
    '"socket_users": {"1000": {"name": "王\u0085秘书", "role": "clerk"}}' \
    '"socket_users": {"1000": {"name": "王", "role": "delegate", "person": "张\u0085三"}}'; do
    printf '{"data_dir": "%s", %s}\n' "$PT_TMP/d2" "$member" >"$bad"
    pt_run "$PTRACKD" --check-config "$bad"
    check_rc "--check-config $member" 1
    check_contains "--check-config $member: says so" "must not contain control characters" "$ERR"
done

pt_step "a C1 control in a logged request value is blanked in the log"
api POST /v1/plugins '{"instance":"x","path":"/nonexistent/a\u0085b.so"}'
check_true "the request was refused" test "$ST" -ge 400
check_true "the log has no C1 control" \
    eval '! LC_ALL=C grep -q -P "\xc2[\x80-\x9f]" "$PT_TMP/ptrackd.log"'

pt_stop
pt_finish

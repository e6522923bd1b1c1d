#!/usr/bin/env bash
# format, partial and the list filters are ptrackd's own parameters of an
# import or an export, and one of them given twice is refused (400
# bad_request, naming it) whatever plugin serves the format: also when
# the plugin declares no arguments of its own (ABI 1.0, args NULL: the
# fixtures import_slow and export_slow), where every other parameter is
# let through to it. Before, such a plugin took the first of the two
# values: ?format=slow&format=json imported with slow, where
# ?format=json&format=slow was refused, and an export with
# status=submitted&status=closed exported the submitted ones.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures import_slow export_slow

pt_config '{}' ',"plugins": [
    {"instance": "slow_in", "path": "'"$FIX"'/fixture_import_slow.so", "config": {"count": 1}},
    {"instance": "slow_out", "path": "'"$FIX"'/fixture_export_slow.so", "config": {"pause": 0}}
  ]'
pt_start

printf 'anything\n' >"$PT_TMP/in.txt"
upload() {
    req "tcp:$CLERK_TOKEN" POST "/v1/imports?$1" -- --data-binary "@$PT_TMP/in.txt" \
        -H "Content-Type: text/plain"
}

pt_step "an importer that declares no arguments still gets those it reads"
upload "format=slow&count=1&other=x"
check_status "an import with the importer's own parameters" 201
check_eq "it stored its one proposal" "1" "$(jv 'j["imported"]')"

pt_step "format or partial given twice to such an importer"
upload "format=slow&format=json"
check_error "format given twice" 400 bad_request
check_contains "naming it" 'query parameter "format" is given twice' "$(jv 'j["error"]["message"]')"
upload "format=slow&partial=true&partial=false"
check_error "partial given twice" 400 bad_request
check_contains "naming it" 'query parameter "partial" is given twice' "$(jv 'j["error"]["message"]')"
check_eq "nothing more was stored" "1" "$(pt_count)"

pt_step "an exporter that declares no arguments"
stored="$(pt_count)"
as_viewer GET "/v1/exports?format=slow&other=x"
check_status "an export with a parameter of the exporter's" 200
check_eq "it holds every proposal stored" "$stored" "$(printf '%s\n' "$BODY" | grep -c '"id"')"
as_viewer GET "/v1/exports?format=slow&status=submitted&status=closed"
check_error "a filter given twice" 400 bad_request
check_contains "naming it" 'query parameter "status" is given twice' "$(jv 'j["error"]["message"]')"
as_viewer GET "/v1/exports?format=slow&format=json"
check_error "format given twice" 400 bad_request
check_contains "naming it" 'query parameter "format" is given twice' "$(jv 'j["error"]["message"]')"

pt_stop
pt_finish

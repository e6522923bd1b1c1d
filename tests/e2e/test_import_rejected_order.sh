#!/usr/bin/env bash
# test_import_rejected_order.sh - an import's `rejected` lists the records
# in the file's order, by the line each one's `where` names ("line 3",
# "lines 5-6", "record 7 (line 12)"), whatever order the importer gave
# them in; those that name no line ("第 2 篇", a `where` left empty) come
# after, in the order they came. A fixture importer gives its records out
# of order: one that fails validation, one that repeats another's number
# (found when its batch is stored, or, all or nothing, when the refused
# file is looked through), and some it rejects itself. The same order,
# all or nothing or partial.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures import_unordered
pt_config '{}' ',"plugins": [{"instance": "unordered_in", "path": "'"$FIX"'/fixture_import_unordered.so"}]'
pt_start

printf 'whatever\n' >"$PT_TMP/in.txt"
ORDER="line 3 | line 4 | lines 5-6 | line 9 | record 7 (line 12) | 第 2 篇 | record 9"
wheres() { jv '" | ".join(r["where"] for r in '"$1"')'; }

pt_step "all or nothing"
pt_import unordered "$PT_TMP/in.txt"
check_error "the import" 422 validation_failed
check_eq "rejected in the order of the lines" "$ORDER" "$(wheres 'j["error"]["rejected"]')"
check_eq "nothing stored" 0 "$(pt_count)"

pt_step "partial"
pt_import unordered "$PT_TMP/in.txt" "partial=true"
check_status "the partial import" 200
check_eq "two stored, seven rejected" "2 7" "$(jv '"%d %d" % (j["imported"], j["rejected_count"])')"
check_eq "rejected in the order of the lines" "$ORDER" "$(wheres 'j["rejected"]')"
check_contains "line 4 is the repeat" "编号 D1 of session S repeats a record before it" \
    "$(jv '[r["reason"] for r in j["rejected"] if r["where"] == "line 4"][0]')"

pt_finish

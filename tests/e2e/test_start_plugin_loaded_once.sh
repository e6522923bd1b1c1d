#!/usr/bin/env bash
# A start loads each configured plugin file once. It checked every
# instance before it made anything (in a registry of its own, which
# dlopened the file), closed the file, and loaded it again once the store
# was made: the file's constructors, and those of its libraries, ran
# twice, and one that is slow to load (here tests/plugins/slow_create.c,
# with PT_FIXTURE_LOADS counting its loads) held the start up twice as
# long. A reload that adds an instance of a new file checked it and loaded
# it again too. Now the file the check opened is kept for the load that
# follows it. Two instances of one file share one load, as before, and a
# start refused by the check of a later instance still makes nothing.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_fixtures slow_create notify_record
export PT_FIXTURE_LOADS="$PT_TMP/loads"
loads() { if [ -f "$PT_FIXTURE_LOADS" ]; then wc -l <"$PT_FIXTURE_LOADS"; else echo 0; fi; }
# A second file of the same plugin, for the reload: a copy, which the
# loader takes for another file (it is not the one it has open).
mkdir -p "$PT_TMP/plugins"
cp "$FIX/fixture_slow_create.so" "$PT_TMP/plugins/slow_copy.so"
chmod 644 "$PT_TMP/plugins/slow_copy.so"
chmod 755 "$PT_TMP/plugins"

slow_entry='{"instance": "slow", "path": "'"$FIX"'/fixture_slow_create.so"}'
slow2_entry='{"instance": "slow2", "path": "'"$FIX"'/fixture_slow_create.so"}'
copy_entry='{"instance": "copy", "path": "'"$PT_TMP"'/plugins/slow_copy.so"}'

pt_step "a start"
pt_config '{}' ',"plugins": ['"$slow_entry"', '"$slow2_entry"']'
pt_start
check_eq "the file of two instances is loaded once" 1 "$(loads)"
api GET /v1/plugins
check_eq "both instances run" "slow slow2" "$(jv '" ".join(sorted(p["instance"] for p in j["items"]))')"

pt_step "a reload that adds an instance of another file"
python3 - "$PT_CONF" "$copy_entry" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["plugins"].append(json.loads(sys.argv[2]))
json.dump(c, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
before="$(loads)"
pt_reload || pt_die "the reload did not end"
api GET /v1/plugins
check_eq "the reload loads it" "copy slow slow2" "$(jv '" ".join(sorted(p["instance"] for p in j["items"]))')"
check_eq "its file once, the running one not again" $((before + 1)) "$(loads)"
pt_stop

pt_step "a start refused by a later instance"
rm -f "$PT_FIXTURE_LOADS"
rm -rf "$PT_DATA"
pt_config '{}' ',"plugins": ['"$slow_entry"', {"instance": "gone", "path": "'"$PT_TMP"'/no-such.so"}]'
out="$(timeout 20 "$PTRACKD" --config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "the start exits 1 ($out)" 1 "$rc"
check_contains "naming the instance" "config $PT_CONF: plugin instance gone:" "$out"
check_true "and makes no data directory" test ! -e "$PT_DATA"
check_eq "the file checked is loaded once" 1 "$(loads)"

pt_finish

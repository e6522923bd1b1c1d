#!/usr/bin/env bash
# A plugin directory that others may write to: whoever may write there may
# put code of their own into ptrackd, so no plugin is loaded from it. The
# built-in format plugins in it are skipped with one warning that names the
# directory and what to do, at the start and at each SIGHUP, where there
# was one warning for each of them. Once the directory is made safe, a
# SIGHUP loads them.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

PDIR="$PT_TMP/plugins"
mkdir -p "$PDIR"
for p in import_json export_json export_csv; do
    cp "$(pt_plugin_so "$p")" "$PDIR/$p.so"
    chmod 0755 "$PDIR/$p.so"
done
chmod 0777 "$PDIR"

pt_config '' ",
  \"plugin_dir\": \"$PDIR\""
pt_start

pt_step "one warning for the directory"
log="$(cat "$PT_TMP/ptrackd.log")"
check_contains "it names the directory, why and what to do" \
    "WARN  plugin directory $PDIR is writable by others (mode 0777); chmod go-w it: the built-in import and export formats in it are not loaded" \
    "$log"
check_eq "once, for the three plugins" 1 "$(grep -c "$PDIR" "$PT_TMP/ptrackd.log")"
api POST "/v1/imports?format=json" '[{"title": "关于加强农村饮水安全的建议"}]'
check_status "the json format is not there" 404

pt_step "a SIGHUP says it once more"
pt_reload
check_eq "one more line" 2 "$(grep -c "$PDIR" "$PT_TMP/ptrackd.log")"

pt_step "made safe, a SIGHUP loads them"
chmod 0755 "$PDIR"
pt_reload
api POST "/v1/imports?format=json" '[{"title": "关于加强农村饮水安全的建议"}]'
check_status "the json format imports" 201
check_eq "no more warnings about the directory" 2 \
    "$(grep -c "WARN .*$PDIR" "$PT_TMP/ptrackd.log")"

pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"
pt_finish

#!/usr/bin/env bash
# --check-config warns, as the start does, when the plugin directory leaves
# the built-in import and export formats out: one that is not there (a tree
# installed with `cmake --install --prefix` elsewhere, whose compiled-in
# directory is not where the files went), or one that others may write to.
# The check said the file was good and nothing more, and the start that
# followed served no import or export format.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

echo "{\"plugin_dir\": \"$PT_TMP/nowhere\"}" >"$PT_TMP/gone.json"

pt_step "a plugin directory that is not there"
out="$("$PTRACKD" --check-config "$PT_TMP/gone.json" 2>&1)" && rc=0 || rc=$?
check_eq "the file is still good" 0 "$rc"
check_contains "it warns as the start does, naming the directory" \
    "WARN  plugin directory $PT_TMP/nowhere: No such file or directory; the built-in import and export formats are not loaded (set plugin_dir or --plugin-dir, or builtin_plugins to false)" \
    "$out"
check_contains "and says the file is good" "ptrackd: $PT_TMP/gone.json is a good configuration" "$out"
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/gone.json" --data-dir "$PT_TMP/d1" --log-level warn \
    --pidfile "$PT_TMP/d1.pid" 2>&1 &
    for _ in $(seq 1 100); do [ -e "$PT_TMP/d1.pid" ] && break; sleep 0.1; done
    kill -TERM "$(cat "$PT_TMP/d1.pid")")"
check_contains "the start says the same" \
    "WARN  plugin directory $PT_TMP/nowhere: No such file or directory; the built-in import and export formats are not loaded" \
    "$out"

pt_step "given by --plugin-dir"
echo '{}' >"$PT_TMP/empty.json"
out="$("$PTRACKD" --check-config "$PT_TMP/empty.json" --plugin-dir "$PT_TMP/elsewhere" 2>&1)" && rc=0 || rc=$?
check_eq "the file is good" 0 "$rc"
check_contains "the flag's directory is named" \
    "WARN  plugin directory $PT_TMP/elsewhere: No such file or directory; the built-in import and export formats are not loaded" \
    "$out"

pt_step "a plugin directory others may write to"
PDIR="$PT_TMP/plugins"
mkdir -p "$PDIR"
cp "$(pt_plugin_so import_json)" "$PDIR/import_json.so"
chmod 0755 "$PDIR/import_json.so"
chmod 0777 "$PDIR"
echo "{\"plugin_dir\": \"$PDIR\"}" >"$PT_TMP/loose.json"
out="$("$PTRACKD" --check-config "$PT_TMP/loose.json" 2>&1)" && rc=0 || rc=$?
check_eq "the file is good" 0 "$rc"
check_contains "it warns, naming the directory and what to do" \
    "WARN  plugin directory $PDIR is writable by others (mode 0777); chmod go-w it: the built-in import and export formats in it are not loaded" \
    "$out"

pt_step "no warning where the start has none"
chmod 0755 "$PDIR"
out="$("$PTRACKD" --check-config "$PT_TMP/loose.json" 2>&1)" && rc=0 || rc=$?
check_eq "a safe directory: only the verdict" "0 ptrackd: $PT_TMP/loose.json is a good configuration" "$rc $out"
echo "{\"plugin_dir\": \"$PT_TMP/nowhere\", \"builtin_plugins\": false}" >"$PT_TMP/off.json"
out="$("$PTRACKD" --check-config "$PT_TMP/off.json" 2>&1)" && rc=0 || rc=$?
check_eq "builtin_plugins false: only the verdict" "0 ptrackd: $PT_TMP/off.json is a good configuration" "$rc $out"

pt_finish

#!/usr/bin/env bash
# A plugin directory that cannot be read is warned about at the start and
# at each SIGHUP, with what to do: set plugin_dir or --plugin-dir. Once
# the file sets plugin_dir to another directory, which takes effect only
# at the next start, each SIGHUP still warned about the running directory
# with that advice, though the key was set. It now says that the new value
# takes effect at the next start; the start says the old advice.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

OLD="$PT_TMP/nowhere"
NEW="$PT_TMP/plugins"
mkdir -p "$NEW"
pt_config '' ",
  \"plugin_dir\": \"$OLD\""
pt_start

pt_step "the start says to set plugin_dir"
check_contains "the warning at the start" \
    "plugin directory $OLD: No such file or directory; the built-in import and export formats are not loaded (set plugin_dir or --plugin-dir, or builtin_plugins to false)" \
    "$(cat "$PT_TMP/ptrackd.log")"

pt_step "plugin_dir changed in the file: each SIGHUP says it waits for a restart"
sed -i "s|\"plugin_dir\": \"$OLD\"|\"plugin_dir\": \"$NEW\"|" "$PT_CONF"
grep -q "$NEW" "$PT_CONF" || pt_die "the config was not changed"
before="$(wc -l <"$PT_TMP/ptrackd.log")"
pt_reload || pt_die "the reload did not end"
pt_reload || pt_die "the second reload did not end"
since="$(tail -n +"$((before + 1))" "$PT_TMP/ptrackd.log")"
check_eq "both SIGHUPs warn about the running directory" 2 \
    "$(printf '%s\n' "$since" | grep -c "plugin directory $OLD:")"
check_contains "saying the new value takes effect at the next start" \
    "plugin directory $OLD: No such file or directory; the built-in import and export formats are not loaded (plugin_dir is now $NEW, which takes effect at the next start; or set builtin_plugins to false)" \
    "$since"
check_true "not to set plugin_dir, which is set" \
    eval '! printf "%s\n" "$since" | grep -q "set plugin_dir or --plugin-dir"'

pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"
pt_finish

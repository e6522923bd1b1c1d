#!/usr/bin/env bash
# Loading and unloading plugins at run time and at start: every bad plugin
# file and bad option is refused with a 4xx that names the reason, over the
# API and with the CLI, and the daemon stays healthy; two instances of one
# plugin with different options; unload and load again; admin only; a
# create() or destroy() that blocks the loop is logged; config
# `plugins` loaded at start, and a bad entry stops the start naming it; an
# office's own import_*.so in the plugin directory runs only as configured; a
# plugin directory that is not there is logged as a warning at start; a
# plugin that crashes ptrackd is named in the log, an importer or a
# notifier.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
FIX="${PT_FIXTURE_PLUGINS:?run through ctest}"
[ -f "$FIX/fixture_good_options.so" ] || pt_die "fixture plugins not built in $FIX"

PDIR="$PT_TMP/plugins"
mkdir -p "$PDIR"
for f in good_options good_lines bad_major bad_minor bad_small bad_noentry bad_create bad_format notify_record slow_create; do
    cp "$FIX/fixture_$f.so" "$PDIR/$f.so"
    chmod 0755 "$PDIR/$f.so"
done
# Not import_*.so: that would be loaded as a built-in format plugin.
cp "$FIX/fixture_import_crash.so" "$PDIR/crasher.so"
chmod 0755 "$PDIR/crasher.so"
cp "$FIX/fixture_notify_crash.so" "$PDIR/notify_crasher.so"
chmod 0755 "$PDIR/notify_crasher.so"
printf 'this is a text file, not a shared object\n' >"$PDIR/x.so"
chmod 0644 "$PDIR/x.so"
cp "$PDIR/good_options.so" "$PDIR/open.so"
chmod 0666 "$PDIR/open.so"
ln -s good_options.so "$PDIR/link.so"
if [ "$(id -u)" = 0 ]; then
    cp "$PDIR/good_options.so" "$PDIR/theirs.so"
    chown 65534:65534 "$PDIR/theirs.so"
fi

pt_config '' ",
  \"plugin_dir\": \"$PDIR\""
pt_start

healthy() {
    api GET /v1/health
    check_status "$1: the daemon is still healthy" 200
}

# refused WHAT STATUS CODE NEEDLE BODY
refused() {
    local what="$1" status="$2" code="$3" needle="$4" body="$5"
    api POST /v1/plugins "$body"
    REFUSAL="$BODY"
    check_error "$what" "$status" "$code"
    check_contains "$what: the message names the reason" "$needle" "$(jv 'j["error"]["message"]')"
    healthy "$what"
}

pt_step "bad plugin files are refused over the API, naming the reason"
refused "another ABI major" 422 validation_failed "is built for ABI 2.x; this ptrackd speaks 1.x" \
    '{"instance": "m", "path": "bad_major.so"}'
check_eq "the refusal points at path" "path" "$(jv 'j["error"]["fields"][0]["field"]' "$REFUSAL")"
refused "a newer ABI minor" 422 validation_failed "needs ABI 1.7, newer than this ptrackd's 1.6" \
    '{"instance": "m", "path": "bad_minor.so"}'
refused "a too-small descriptor" 422 validation_failed "smaller than ABI 1.0's" \
    '{"instance": "m", "path": "bad_small.so"}'
refused "no entry symbol" 422 validation_failed \
    "does not export ptrack_plugin_entry (is it a ptrack plugin?)" \
    '{"instance": "m", "path": "bad_noentry.so"}'
refused "a format name that is not lower case" 422 validation_failed \
    'declares the import format "Upper"; a format name is 1 to 64 lower-case ASCII letters, digits, _ and -' \
    '{"instance": "m", "path": "bad_format.so"}'
refused "not a shared object" 422 validation_failed "x.so is not a shared object" \
    '{"instance": "m", "path": "x.so"}'
refused "a notifier with events: [] (no event at all)" 422 validation_failed \
    "events: [] would choose no event at all" \
    '{"instance": "m", "path": "notify_record.so", "events": [], "config": {"path": "'"$PT_TMP"'/none.txt"}}'
refused "writable by others" 422 validation_failed \
    "open.so is writable by others (mode 0666); chmod go-w it" \
    '{"instance": "m", "path": "open.so", "config": {"url": "u"}}'
refused "a symbolic link" 422 validation_failed "is a symbolic link" \
    '{"instance": "m", "path": "link.so", "config": {"url": "u"}}'
refused "a missing file" 422 validation_failed "nothing.so does not exist" \
    '{"instance": "m", "path": "nothing.so"}'
refused "a missing file by a relative path" 422 validation_failed \
    "plugin file ./nowhere/x.so does not exist in $PWD: a relative path is resolved against ptrackd's working directory, not the client's; give an absolute path" \
    '{"instance": "m", "path": "./nowhere/x.so"}'
if [ "$(id -u)" = 0 ]; then
    refused "owned by another user" 422 validation_failed \
        "is owned by uid 65534; it must be owned by root or by ptrackd's user" \
        "{\"instance\": \"m\", \"path\": \"$PDIR/theirs.so\", \"config\": {\"url\": \"u\"}}"
else
    pt_log "skipped: the file owned by another uid needs root to chown it"
fi
refused "a failing create()" 422 validation_failed \
    "create failed: cannot reach the fixture's server (as designed)" \
    '{"instance": "c", "path": "bad_create.so"}'
check_eq "its 422 has fields, pointing at config" "config" "$(jv 'j["error"]["fields"][0]["field"]' "$REFUSAL")"
check_contains "with create()'s reason" "cannot reach the fixture's server" "$(jv 'j["error"]["fields"][0]["message"]' "$REFUSAL")"

pt_step "bad options and entries are refused, naming the option"
refused "an unknown option" 422 validation_failed \
    'option "urll" is not an option of good_options (its options: url, retries, verbose, timeout, tags)' \
    '{"instance": "o", "path": "good_options.so", "config": {"urll": "http://x"}}'
check_eq "the field is config.urll" "config.urll" "$(jv 'j["error"]["fields"][0]["field"]' "$REFUSAL")"
# A key sent with an escape sequence (ESC [2J clears a terminal) and a line
# break: quoted with them as \xNN and its Chinese as it is, so that a
# client that prints the message (jq -r) shows it and no more.
refused "an unknown option with control characters" 422 validation_failed \
    'option "网\x1b[2J\x0a址" is not an option of good_options (its options: url,' \
    '{"instance": "o", "path": "good_options.so", "config": {"网\u001b[2J\n址": "x"}}'
check_true "the message holds no control character" \
    python3 -c 'import sys; sys.exit(any(ord(c) < 32 for c in sys.argv[1]))' \
    "$(jv 'j["error"]["message"]' "$REFUSAL")"
refused "a missing required option" 422 validation_failed 'option "url" of good_options is required' \
    '{"instance": "o", "path": "good_options.so", "config": {}}'
refused "an option of the wrong type" 422 validation_failed \
    'option "retries" of good_options must be an integer, not a string' \
    '{"instance": "o", "path": "good_options.so", "config": {"url": "u", "retries": "three"}}'
refused "a number where text is wanted" 422 validation_failed \
    "option \"url\" of good_options must be a string, not a number (write text that looks like a number in quotes: \"13800000001\"; with ptrack plugins load, --set 'url=\"13800000001\"')" \
    '{"instance": "o", "path": "good_options.so", "config": {"url": 13800000001}}'
refused "a number where a list of text is wanted" 422 validation_failed \
    "must be an array of strings, not a number (write text that looks like a number in quotes: [\"18\"]; with ptrack plugins load, --set 'tags=[\"18\"]')" \
    '{"instance": "o", "path": "good_options.so", "config": {"url": "u", "tags": 18}}'
refused "one string where a list of text is wanted" 422 validation_failed \
    "must be an array of strings, not a string (a list of one: [\"办公室\"]; with ptrack plugins load, --set 'tags=[\"办公室\"]')" \
    '{"instance": "o", "path": "good_options.so", "config": {"url": "u", "tags": "办公室"}}'
check_true "a refused load is logged too, with who tried and why" \
    grep -q "WARN .* could not load plugin instance o: option \"tags\" of good_options must be an array of strings, not a string" \
    "$PT_TMP/ptrackd.log"
refused "a bad duration" 422 validation_failed 'must be a duration such as "10s"' \
    '{"instance": "o", "path": "good_options.so", "config": {"url": "u", "timeout": "soon"}}'
refused "an unknown entry key" 422 validation_failed "paht: unknown key" \
    '{"instance": "o", "paht": "good_options.so"}'
refused "a bad instance name" 422 validation_failed "a name has 1 to 64 ASCII letters" \
    '{"instance": "../etc", "path": "good_options.so"}'
api POST /v1/plugins '{"instance": "o", "path": "good_options.so"'
check_error "a body that is not JSON" 400 invalid_json
api GET /v1/plugins
check_eq "nothing was left loaded by the refusals" "[]" "$(jv 'j["items"]')"

pt_step "admin only"
as_viewer GET /v1/plugins
check_error "a viewer lists plugins" 403 forbidden
as_clerk POST /v1/plugins '{"instance": "o", "path": "good_options.so", "config": {"url": "u"}}'
check_error "a clerk loads a plugin" 403 forbidden
as_admin GET /v1/plugins
check_status "an admin token lists plugins" 200

pt_step "two instances of one plugin, each with its own options"
api POST /v1/plugins '{"instance": "oa", "path": "good_options.so", "config": {"url": "http://a"}}'
check_status "load oa" 201
check_eq "201 answers the instance as listed" "oa good_options http://a 3" \
    "$(jv 'j["instance"]+" "+j["plugin"]+" "+j["config"]["url"]+" "+str(j["config"]["retries"])')"
check_eq "Location names it" "/v1/plugins/oa" "$(hdr Location)"
as_admin POST /v1/plugins "{\"instance\": \"ra\", \"path\": \"$PDIR/notify_record.so\", \"config\": {\"path\": \"$PT_TMP/ra.txt\"}}"
check_status "load the notifier ra (absolute path, admin token)" 201
api POST /v1/plugins "{\"instance\": \"rb\", \"path\": \"notify_record.so\", \"config\": {\"path\": \"$PT_TMP/rb.txt\"}, \"events\": [\"proposal.created\"]}"
check_status "load a second instance of it, rb" 201
api POST /v1/plugins '{"instance": "oa", "path": "good_lines.so"}'
check_error "a taken instance name" 409 conflict
check_contains "the message names the instance" '"oa" already' "$(jv 'j["error"]["message"]')"
healthy "duplicate name"
api GET /v1/plugins
check_eq "both notifiers are listed with their own options" "ra=ra.txt/None rb=rb.txt/['proposal.created']" \
    "$(jv '" ".join(i["instance"]+"="+i["config"]["path"].split("/")[-1]+"/"+str(i["events"]) for i in j["items"] if i["instance"] in ("ra","rb"))')"
api GET /v1/plugins/oa
check_status "one instance" 200
check_eq "its option table is listed for help" "url,retries,verbose,timeout,tags" \
    "$(jv '",".join(o["key"] for o in j["options"])')"

pt_step "one format, one instance"
api POST /v1/plugins '{"instance": "ob", "path": "good_options.so", "config": {"url": "http://b"}}'
check_error "a second instance of an importer's format" 409 conflict
check_contains "the message names both instances and the format" \
    'plugin instance ob would import the format "fixture-options", which instance oa (good_options) imports already' \
    "$(jv 'j["error"]["message"]')"
cp "$PDIR/good_options.so" "$PDIR/other_options.so"
api POST /v1/plugins '{"instance": "ob", "path": "other_options.so", "config": {"url": "http://b"}}'
check_error "another file serving the same format" 409 conflict
api POST /v1/imports?format=nosuch '' -- -H 'Content-Type: text/plain'
check_error "an unknown format" 404 not_found
check_eq "the formats served are named once each" "fixture-options" \
    "$(jv 'j["error"]["message"].split("formats served: ")[1]')"
api GET /v1/plugins
check_eq "GET /v1/plugins says which instance serves each format" '{"export": {}, "import": {"fixture-options": "oa"}}' \
    "$(jv 'json.dumps(j["formats"], sort_keys=True)')"
check_eq "and each instance what it serves" '{"import": ["fixture-options"]}' \
    "$(jv 'json.dumps([i["serves"] for i in j["items"] if i["instance"]=="oa"][0])')"
healthy "format clashes"
api DELETE /v1/plugins/ra
api DELETE /v1/plugins/rb

pt_step "unload, and load again"
api DELETE /v1/plugins/oa
check_status "unload oa" 204
api DELETE /v1/plugins/oa
check_error "unload oa again" 404 not_found
api GET /v1/plugins
check_eq "nothing else is left" '[]' "$(jv '[i["instance"] for i in j["items"]]')"
api POST /v1/plugins '{"instance": "ob", "path": "other_options.so", "config": {"url": "http://b"}}'
check_status "the format is free again for another instance" 201
api DELETE /v1/plugins/ob
api POST /v1/plugins '{"instance": "oa", "path": "good_options.so", "config": {"url": "http://a2"}}'
check_status "load oa again" 201
api POST /v1/plugins '{"instance": "lines", "path": "good_lines.so"}'
check_status "load an importer and exporter" 201
check_eq "its kinds and formats" 'importer,exporter fixture-lines fixture-lines' \
    "$(jv '",".join(j["kinds"])+" "+",".join(j["formats"]["import"])+" "+",".join(j["formats"]["export"])')"
api PUT /v1/plugins
check_error "PUT on the collection" 405 method_not_allowed

pt_step "a create() or destroy() that blocks the loop is said in the log"
api POST /v1/plugins '{"instance": "slow", "path": "slow_create.so", "config": {"delay": "700ms"}}'
check_status "a plugin whose create() sleeps loads" 201
check_true "the log names the instance, the call and that it must not block" \
    grep -q "WARN  plugin instance slow: create() of plugin slow_create took [0-9]* ms on ptrackd's loop thread, and every request waited for it; create() must not block" "$PT_TMP/ptrackd.log"
api DELETE /v1/plugins/slow
check_status "and unloads" 204
check_true "so is a destroy() that sleeps" \
    grep -q "WARN  plugin instance slow: destroy() of plugin slow_create took [0-9]* ms" "$PT_TMP/ptrackd.log"
api POST /v1/plugins '{"instance": "quick", "path": "slow_create.so", "config": {"delay": "0ms"}}'
api DELETE /v1/plugins/quick
check_true "one that returns at once is not" test "$(grep -c 'plugin instance quick: .* took' "$PT_TMP/ptrackd.log")" -eq 0

pt_step "the CLI"
if [ -x "${PTRACK:-}" ]; then
    cli() { "$PTRACK" --socket "$PT_SOCK" "$@"; }
    out="$(cli plugins list 2>&1)"
    rc=$?
    check_eq "plugins list exits 0" 0 "$rc"
    check_contains "the table has a header" "实例 instance" "$out"
    check_contains "the table lists oa" "oa" "$out"
    # A formats cell wider than the line leaves goes on in its column, on
    # lines below: joined again, it is whole.
    check_contains "the table shows formats" "import fixture-lines; export fixture-lines" \
        "$(printf '%s\n' "$out" | tr -s ' \n' '  ')"
    check_true "and fits 100 columns" test "$(printf '%s\n' "$out" | widest)" -le 100
    out="$(cli plugins list --json)"
    check_eq "plugins list --json is the API's JSON" "oa" "$(jv '[i["instance"] for i in j["items"]][0]' "$out")"
    out="$(cli plugins load --instance m --path bad_major.so 2>&1)"
    rc=$?
    check_eq "a refused load exits 1" 1 "$rc"
    check_contains "and says why" "is built for ABI 2.x; this ptrackd speaks 1.x" "$out"
    out="$(cli plugins load --instance o2 --path good_options.so --set urll=x 2>&1)"
    check_contains "an unknown option by CLI" 'option "urll" is not an option of good_options' "$out"
    out="$(cli plugins load --instance o2 --path good_options.so --set url=http://c --set retries=9 2>&1)"
    rc=$?
    check_eq "a load of a format served already exits 1" 1 "$rc"
    check_contains "and names the instance that serves it" "which instance oa (good_options) imports already" "$out"
    cli plugins unload oa >/dev/null 2>&1
    out="$(cli plugins load --instance o2 --path good_options.so --set url=http://c --set retries=9 2>&1)"
    rc=$?
    check_eq "a load by CLI exits 0" 0 "$rc"
    check_contains "and says what was loaded" "loaded o2 (good_options 1.0, importer)" "$out"
    cli plugins unload o2 >/dev/null 2>&1
    printf '{"url": "http://d", "verbose": true}' >"$PT_TMP/o3.json"
    out="$(cli plugins load --instance o3 --path good_options.so --config-file "$PT_TMP/o3.json" --set timeout=2s --json 2>&1)"
    check_eq "--config-file and --set together" "http://d True 2s" \
        "$(jv 'j["config"]["url"]+" "+str(j["config"]["verbose"]==True)+" "+j["config"]["timeout"]' "$out")"
    out="$(cli plugins load --instance arch --path notify_record.so --set path="$PT_TMP/arch.txt" --start oldest --json 2>&1)"
    check_eq "--start oldest by CLI" oldest "$(jv 'j["start"]' "$out")"
    out="$(cli plugins load --instance arch2 --path notify_record.so --set path="$PT_TMP/arch2.txt" --start soon 2>&1)"
    check_contains "--start with another value is refused" 'expected "latest"' "$out"
    cli plugins unload arch >/dev/null 2>&1
    out="$(cli plugins unload o3 2>&1)"
    rc=$?
    check_eq "unload by CLI exits 0" 0 "$rc"
    # A config file saved by Notepad starts with a byte order mark; one
    # that holds more than the object, or is not UTF-8, is refused by name
    # before anything is sent.
    printf '\357\273\277{"url": "http://bom"}\r\n' >"$PT_TMP/o4.json"
    out="$(cli plugins load --instance o4 --path good_options.so --config-file "$PT_TMP/o4.json" --json 2>&1)"
    check_eq "--config-file with a byte order mark is read" "http://bom" "$(jv 'j["config"]["url"]' "$out")"
    cli plugins unload o4 >/dev/null 2>&1
    printf '{"url": "http://d"}\n{"retries": 9}\n' >"$PT_TMP/o5.json"
    out="$(cli plugins load --instance o5 --path good_options.so --config-file "$PT_TMP/o5.json" 2>&1)"
    rc=$?
    check_eq "--config-file with a second object is a usage error" 2 "$rc"
    check_contains "which says that something follows the object" "and nothing after it" "$out"
    printf '{"url": "http://\326\320"}' >"$PT_TMP/o6.json"
    out="$(cli plugins load --instance o6 --path good_options.so --config-file "$PT_TMP/o6.json" 2>&1)"
    rc=$?
    check_eq "--config-file in GBK is a usage error" 2 "$rc"
    check_contains "which names the file and the encoding" "o6.json is not UTF-8 text" "$out"
    # ptrackd runs in another directory than the one the CLI is run in.
    out="$(cd "$PT_TMP" && cli plugins load --instance rel --path ./plugins/good_options.so --set url=u --json 2>&1)"
    rc=$?
    check_eq "a relative --path is taken from the CLI's directory" 0 "$rc"
    check_eq "and sent as an absolute path" "$PDIR/good_options.so" "$(jv 'j["path"]' "$out")"
    cli plugins unload rel >/dev/null 2>&1
    out="$(cd "$PT_TMP" && cli plugins load --instance rel --path ./plugins/link.so --set url=u 2>&1)"
    check_contains "a symbolic link given so is still refused" "is a symbolic link" "$out"
    out="$(cli plugins unload o2 2>&1)"
    rc=$?
    check_eq "unloading an unknown instance exits 1" 1 "$rc"
    check_contains "and says so" 'there is no plugin instance "o2"' "$out"
    out="$(cli plugins frobnicate 2>&1)"
    rc=$?
    check_eq "an unknown subcommand is a usage error" 2 "$rc"
    check_contains "ptrack --help lists plugins" "plugins" "$("$PTRACK" --help)"
    check_contains "ptrack plugins --help: an unload waits for a delivery as long as its timeout" \
        "a delivery is waited for as long as its timeout option" "$("$PTRACK" plugins --help)"
    healthy "the CLI's refusals"
else
    pt_log "skipped: PTRACK is not set"
fi
pt_stop

pt_step "plugins from the config at start"
pt_config '' ",
  \"plugin_dir\": \"$PDIR\",
  \"plugins\": [
    {\"instance\": \"s1\", \"path\": \"good_options.so\", \"config\": {\"url\": \"http://s1\"}},
    {\"instance\": \"s2\", \"path\": \"$PDIR/good_lines.so\"}
  ]"
pt_start
api GET /v1/plugins
check_eq "both configured instances are loaded" '["s1", "s2"]' "$(jv '[i["instance"] for i in j["items"]]')"
api DELETE /v1/plugins/s1
check_status "a configured instance unloads" 204
pt_stop

cp "$PT_CONF" "$PT_TMP/good.json"
python3 - "$PT_TMP/good.json" "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"].append({"instance": "broken", "path": "bad_major.so"})
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
out="$(timeout 20 "$PTRACKD" --config "$PT_CONF" 2>&1)"
rc=$?
check_true "a bad plugin entry stops the start" test "$rc" -ne 0 -a "$rc" -ne 124
check_contains "the message names the instance" "instance broken" "$out"
check_contains "and the reason" "is built for ABI 2.x" "$out"

python3 - "$PT_TMP/good.json" "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"].append({"instance": "typo", "path": "good_options.so", "config": {"url": "u", "retrys": 1}})
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
out="$(timeout 20 "$PTRACKD" --config "$PT_CONF" 2>&1)"
rc=$?
check_true "a bad option in the config stops the start" test "$rc" -ne 0 -a "$rc" -ne 124
check_contains "the message names the instance and the option" "config $PT_CONF: plugin instance typo: option \"retrys\" is not an option of good_options" "$out"

# Several bad entries: one check names every one of them.
python3 - "$PT_TMP/good.json" "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"].append({"instance": "typo", "path": "good_options.so", "config": {"url": "u", "retrys": 1}})
c["plugins"].append({"instance": "broken", "path": "bad_major.so"})
c["plugins"].append({"instance": "nofile", "path": "nothing.so"})
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
out="$(timeout 20 "$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses it" 1 "$rc"
check_contains "naming the first" 'plugin instance typo: option "retrys"' "$out"
check_contains "and the second" "plugin instance broken: " "$out"
check_contains "and the third" "plugin instance nofile: plugin file" "$out"

out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/good.json" --plugin-dir "$PT_TMP/nowhere" 2>&1)"
rc=$?
check_true "--plugin-dir overrides the config" test "$rc" -ne 0 -a "$rc" -ne 124
check_contains "and the plugin is looked up there" "$PT_TMP/nowhere/good_options.so does not exist" "$out"
out="$(timeout 20 "$PTRACKD" --config "$PT_TMP/good.json" --check-config 2>&1)" && rc=0 || rc=$?
check_eq "--check-config without its file is a usage error" 1 "$rc"
check_contains "saying it takes the file" "--check-config takes the configuration file to check: ptrackd --check-config FILE" "$out"

pt_step "one format, one instance: in the config, at start, --check-config and SIGHUP"
python3 - "$PT_TMP/good.json" "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"].append({"instance": "s3", "path": "other_options.so", "config": {"url": "u"}})
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
out="$(timeout 20 "$PTRACKD" --check-config "$PT_CONF" 2>&1)"
rc=$?
check_eq "--check-config refuses two instances of one format" 1 "$rc"
check_contains "naming both and the format" \
    'plugin instances s1 and s3 would both import the format "fixture-options"' "$out"
out="$(timeout 20 "$PTRACKD" --config "$PT_CONF" 2>&1)"
rc=$?
check_true "and so does a start" test "$rc" -ne 0 -a "$rc" -ne 124
check_contains "naming both and the format" \
    "config $PT_CONF: plugin instances s1 and s3 would both import the format \"fixture-options\"" "$out"

# A built-in format plugin (builtin_plugins) and the office's own
# instance of the same formats: the office's serves them, whatever the
# order of loading and across reloads that make it again.
BDIR="$PT_TMP/builtin"
mkdir -p "$BDIR"
cp "$PDIR/good_lines.so" "$BDIR/import_lines.so"
python3 - "$PT_TMP/good.json" "$PT_CONF" "$BDIR" "$PDIR" '{}' <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugin_dir"] = sys.argv[3]
c["plugins"] = [{"instance": "office", "path": sys.argv[4] + "/good_lines.so", "config": json.loads(sys.argv[5])}]
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
pt_start
served() {
    api GET /v1/plugins
    jv 'j["formats"]["import"].get("fixture-lines","-")+","+j["formats"]["export"].get("fixture-lines","-")'
}
check_eq "the office's instance serves the built-in plugin's formats" "office,office" "$(served)"
api GET /v1/plugins/import_lines
check_eq "the built-in one says it is built in and serves nothing" 'True {"export": [], "import": []}' \
    "$(jv 'str(j["builtin"])+" "+json.dumps(j["serves"], sort_keys=True)')"
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"][0]["config"] = {}
c["log_level"] = "debug"
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
check_true "ptrackd deals with the SIGHUP" pt_reload
check_eq "a SIGHUP that makes it again (at the end of the list) leaves it serving" "office,office" "$(served)"
if [ -x "${PTRACK:-}" ]; then
    out="$("$PTRACK" --socket "$PT_SOCK" plugins list 2>&1)"
    check_contains "plugins list names who serves the built-in one's formats" \
        "import fixture-lines (fixture-lines: served by office)" \
        "$(printf '%s\n' "$out" | tr -s ' \n' '  ')"
    check_true "within 100 columns" test "$(printf '%s\n' "$out" | widest)" -le 100
fi
python3 - "$PT_CONF" "$PDIR" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"].append({"instance": "office2", "path": sys.argv[2] + "/good_lines.so"})
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
check_true "ptrackd deals with the SIGHUP" pt_reload
check_true "a SIGHUP with two instances of one format is refused, naming both" \
    grep -q 'SIGHUP: the configuration was refused.*plugin instances office and office2 would both import the format "fixture-lines"' "$PT_TMP/ptrackd.log"
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = []
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
check_true "ptrackd deals with the SIGHUP" pt_reload
check_eq "without the office's instance, the built-in one serves again" "import_lines,import_lines" "$(served)"
pt_stop

pt_step "an office's own importer installed in the plugin directory is not also a built-in one"
# docs/plugins.md has an office install its plugin into the plugin
# directory, and the project names plugins after their kind (import_oa.so).
# The configuration's instance runs it, with its options; the file is not
# also loaded as a built-in format plugin, which would be refused for its
# required option at every start and SIGHUP, or run a second time.
ODIR="$PT_TMP/office-plugins"
mkdir -p "$ODIR"
cp "$PDIR/good_options.so" "$ODIR/import_office.so"
cp "$PDIR/good_lines.so" "$ODIR/import_lines.so"
chmod 0755 "$ODIR"/*.so
: >"$PT_TMP/ptrackd.log"
python3 - "$PT_CONF" "$ODIR" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugin_dir"] = sys.argv[2]
c["log_level"] = "info"
c["plugins"] = [{"instance": "oa", "path": "import_office.so", "config": {"url": "http://oa"}},
                {"instance": "lines", "path": sys.argv[2] + "/import_lines.so"}]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
pt_start
api GET /v1/plugins
check_eq "only the configured instances run the office's files" '["lines", "oa"]' \
    "$(jv 'sorted(i["instance"] for i in j["items"])')"
check_true "ptrackd deals with the SIGHUP" pt_reload
check_true "neither the start nor a SIGHUP warns of them as built-in plugins" \
    test "$(grep -c 'built-in plugin' "$PT_TMP/ptrackd.log")" -eq 0
api GET /v1/plugins
check_eq "and after the SIGHUP still only those run" '["lines", "oa"]' \
    "$(jv 'sorted(i["instance"] for i in j["items"])')"
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [c["plugins"][0]]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
check_true "ptrackd deals with the SIGHUP" pt_reload
api GET /v1/plugins
check_eq "a file the configuration no longer loads is a built-in one again" '["import_lines", "oa"]' \
    "$(jv 'sorted(i["instance"] for i in j["items"])')"
pt_stop
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = []
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY

pt_step "a plugin directory that is not there is said at start"
# A tree installed under another prefix than the one it was built for has
# its plugins elsewhere: no format works, and the start says so.
: >"$PT_TMP/ptrackd.log"
python3 - "$PT_CONF" "$PT_TMP/no-such-plugins" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugin_dir"] = sys.argv[2]
c["log_level"] = "info"
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
pt_start
check_true "a warning names the directory and that the built-in formats are not loaded" \
    grep -q "WARN  plugin directory $PT_TMP/no-such-plugins: No such file or directory; the built-in import and export formats are not loaded" "$PT_TMP/ptrackd.log"
pt_stop

pt_step "a plugin that stays mapped after its unload does not stand in for another"
# A plugin linked -z nodelete (C++ unique symbols make one so) keeps its
# code and its names in the process after dlclose. Loaded again, the
# dynamic linker finds it by its file, and the names that the loader's
# probes gave it must not make a later, other plugin file come back with
# its code.
cp "$FIX/fixture_good_nodelete.so" "$PDIR/nodelete.so"
chmod 0755 "$PDIR/nodelete.so"
pt_start
for round in 1 2 3; do
    api POST /v1/plugins "{\"instance\": \"nd\", \"path\": \"$PDIR/nodelete.so\"}"
    check_status "nodelete.so loaded (round $round)" 201
    check_eq "with its own format" '["fixture-nodelete"]' "$(jv 'j["formats"]["export"]')"
    api DELETE /v1/plugins/nd
    check_status "and unloaded" 204
done
api POST /v1/plugins "{\"instance\": \"gl\", \"path\": \"$PDIR/good_lines.so\"}"
check_status "then good_lines.so loads" 201
check_eq "as itself, with its own format" '["good_lines", ["fixture-lines"]]' \
    "$(jv '[j["plugin"], j["formats"]["export"]]')"
pt_stop

pt_step "a plugin file rewritten in place while it runs: the instance goes on, a SIGHUP runs the new build"
# cp, cmake --install and editors write over a file and keep its inode. The
# dynamic linker maps a file rather than reading it: without a copy of its
# own, ptrackd would find other code and data under a running instance.
cp "$FIX/fixture_good_lines.so" "$PDIR/office.so"
chmod 0644 "$PDIR/office.so"
python3 - "$PT_CONF" "$PDIR" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugin_dir"] = sys.argv[2]
c["plugins"] = [{"instance": "office", "path": "office.so"}]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
pt_start
api GET "/v1/exports?format=fixture-lines"
check_status "office.so exports" 200
# A change of the file's status alone (chmod, touch) is not a new build.
chmod 0644 "$PDIR/office.so"
touch "$PDIR/office.so"
mark="$(wc -l <"$PT_TMP/ptrackd.log")"
kill -HUP "$PT_PID"
for _ in $(seq 1 50); do
    tail -n +"$((mark + 1))" "$PT_TMP/ptrackd.log" | grep -q "SIGHUP: configuration reloaded" && break
    sleep 0.1
done
check_eq "a SIGHUP after a chmod and a touch leaves the instance as it is" 0 \
    "$(tail -n +"$((mark + 1))" "$PT_TMP/ptrackd.log" | grep -c "plugin instance office" || true)"
# Made writable by others, the file would be refused at the next start: a
# SIGHUP says so, and the running instance (ptrackd's own copy) goes on.
chmod 0666 "$PDIR/office.so"
check_true "ptrackd deals with the SIGHUP" pt_reload
check_true "a SIGHUP after chmod o+w names the file as a load would refuse it" \
    grep -q "plugin instance office was not changed: plugin file .*office.so is writable by others (mode 0666); chmod go-w it; it goes on with its running configuration" "$PT_TMP/ptrackd.log"
api GET /v1/health
check_eq "health names it among the plugins that failed" office \
    "$(jv '",".join(x["instance"] if isinstance(x, dict) else x for x in j.get("plugins_failed", []))')"
api GET "/v1/exports?format=fixture-lines"
check_status "and the instance still exports" 200
chmod 0644 "$PDIR/office.so"
check_true "ptrackd deals with the SIGHUP" pt_reload
api GET /v1/health
check_eq "a SIGHUP once it is mended fails nothing" '[]' "$(jv 'j.get("plugins_failed", [])')"
inode="$(stat -c %i "$PDIR/office.so")"
cat "$FIX/fixture_good_nodelete.so" >"$PDIR/office.so"
check_eq "the file was rewritten in place (same inode)" "$inode" "$(stat -c %i "$PDIR/office.so")"
for round in 1 2 3; do
    api GET "/v1/exports?format=fixture-lines"
    check_status "the running instance still exports (round $round)" 200
done
api GET /v1/plugins/office
check_eq "and is still the plugin it was loaded as" '["good_lines", ["fixture-lines"]]' \
    "$(jv '[j["plugin"], j["formats"]["export"]]')"
kill -HUP "$PT_PID"
for _ in $(seq 1 50); do
    api GET /v1/plugins/office
    [ "$(jv 'j.get("plugin")')" = good_nodelete ] && break
    sleep 0.1
done
check_eq "a SIGHUP makes the instance again from the file's new build" \
    '["good_nodelete", ["fixture-nodelete"]]' "$(jv '[j["plugin"], j["formats"]["export"]]')"
api GET "/v1/exports?format=fixture-nodelete"
check_status "which exports its own format" 200
api GET /v1/health
check_eq "no plugin failed" '[]' "$(jv 'j.get("plugins_failed", [])')"
pt_stop

pt_step "a plugin that crashes is named in ptrackd's last words"
# Plugins run inside ptrackd: a NULL dereference in an importer ends the
# daemon. What is left in the log must name the plugin, its instance and
# the call, and the signal must still end the process as it would (a core
# dump), not an exit of ptrackd's own.
python3 - "$PT_CONF" "$PDIR" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugin_dir"] = sys.argv[2]
c["plugins"] = [{"instance": "oa-crash", "path": "crasher.so"}]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
ulimit -c 0
# crash_run BODY: starts ptrackd, sends BODY to the crashing importer and
# waits for the end; sets rc to ptrackd's exit status.
crash_run() {
    : >"$PT_TMP/ptrackd.log"
    pt_start
    api POST "/v1/imports?format=fixture-crash" "$1" -- -H 'Content-Type: text/plain'
    for i in $(seq 1 100); do
        kill -0 "$PT_PID" 2>/dev/null || break
        sleep 0.1
    done
    wait "$PT_PID" 2>/dev/null
    rc=$?
    PT_PID=""
}
crash_run x
if grep -qE "Sanitizer|runtime error:" "$PT_TMP/ptrackd.log"; then
    # A sanitizer's build: the sanitizer finds the bad store first, or its
    # own handler keeps the signal, and reports it itself.
    check_true "the sanitizer reports the crash in the plugin's code" \
        grep -q "import_crash" "$PT_TMP/ptrackd.log"
else
    check_eq "ptrackd ends by the signal, as without the handler (128 + SIGSEGV)" 139 "$rc"
    check_true "the log names the signal, the plugin, the instance and the call" \
        grep -q "ptrackd: SIGSEGV in the code of plugin import_crash (instance oa-crash), in its import(); ptrackd ends" "$PT_TMP/ptrackd.log"
fi

pt_step "a plugin that recurses without end is named, as a stack overflow"
# The handler cannot run on a stack that is full: the thread has a stack
# of its own for it.
crash_run recurse
if grep -qE "Sanitizer|runtime error:" "$PT_TMP/ptrackd.log"; then
    check_true "the sanitizer reports the overflow in the plugin's code" \
        grep -q "import_crash" "$PT_TMP/ptrackd.log"
else
    check_eq "ptrackd ends by the signal (128 + SIGSEGV)" 139 "$rc"
    check_true "the log names a stack overflow, the plugin, the instance and the call" \
        grep -q "ptrackd: SIGSEGV (stack overflow: .*) in the code of plugin import_crash (instance oa-crash), in its import(); ptrackd ends" "$PT_TMP/ptrackd.log"
fi

pt_step "a notifier that crashes in deliver() is named too"
# Its thread blocked every signal, so the fault ended ptrackd at once,
# without the handler that names the plugin.
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [{"instance": "im-crash", "path": "notify_crasher.so"}]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
: >"$PT_TMP/ptrackd.log"
pt_start
api POST /v1/proposals '{"title": "关于通知崩溃的建议"}'
for i in $(seq 1 100); do
    kill -0 "$PT_PID" 2>/dev/null || break
    sleep 0.1
done
wait "$PT_PID" 2>/dev/null
rc=$?
PT_PID=""
if grep -qE "Sanitizer|runtime error:" "$PT_TMP/ptrackd.log"; then
    check_true "the sanitizer reports the crash in the plugin's code" \
        grep -q "notify_crash" "$PT_TMP/ptrackd.log"
else
    check_eq "ptrackd ends by the signal (128 + SIGSEGV)" 139 "$rc"
    check_true "the log names the signal, the plugin, the instance and the call" \
        grep -q "ptrackd: SIGSEGV in the code of plugin notify_crash (instance im-crash), in its deliver() of event [0-9]*; ptrackd ends" "$PT_TMP/ptrackd.log"
fi
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [{"instance": "oa-crash", "path": "crasher.so"}]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY

pt_step "a plugin that calls exit() is named"
crash_run exit
check_eq "ptrackd ends with the plugin's exit status" 3 "$rc"
check_true "the log names the plugin, the instance, the call and exit()" \
    grep -q "ptrackd: plugin import_crash (instance oa-crash), in its import(), called exit(); ptrackd ends without stopping cleanly" "$PT_TMP/ptrackd.log"

python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = []
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
: >"$PT_TMP/ptrackd.log"
pt_start
api GET /v1/health
check_status "it starts again" 200
pt_stop
check_true "its own stop names no plugin" sh -c "! grep -q 'called exit()' '$PT_TMP/ptrackd.log'"

pt_finish

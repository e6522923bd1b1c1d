#!/usr/bin/env bash
# A configuration or workflow file saved by Windows Notepad (and other
# editors) starts with UTF-8's byte order mark, which is no part of the
# JSON: ptrackd reads the file after it, at a start and by --check-config,
# where it refused the file ("a byte order mark is not allowed"). One
# anywhere else is still refused, as a request's body that starts with
# one is (RFC 8259).
set -u
. "$(dirname "$0")/lib.sh"
pt_init

BOM=$'\xef\xbb\xbf'
python3 - "$PT_SOURCE_DIR/proposals/workflow-default.json" "$PT_TMP/wf.json" <<'PY'
import json, sys
wf = json.load(open(sys.argv[1], encoding="utf-8"))
wf["name"] = "县人大"
open(sys.argv[2], "w", encoding="utf-8-sig").write(json.dumps(wf, ensure_ascii=False))
PY
pt_config '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'
{ printf %s "$BOM"; cat "$PT_CONF"; } >"$PT_TMP/c" && mv "$PT_TMP/c" "$PT_CONF"
check_eq "the files start with a byte order mark" "efbbbf efbbbf" \
    "$(head -c 3 "$PT_CONF" | od -An -tx1 | tr -d ' \n') $(head -c 3 "$PT_TMP/wf.json" | od -An -tx1 | tr -d ' \n')"

pt_step "--check-config and the start read them"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config takes them" "0 ptrackd: $PT_CONF is a good configuration" "$rc $out"
pt_start
api GET /v1/workflow
check_eq "the workflow of the file runs" "县人大" "$(jv 'j["name"]')"
pt_stop

pt_step "a reload reads them too"
pt_start
sed -i 's/"log_level": "info"/"log_level": "debug"/' "$PT_CONF"
pt_reload
check_contains "the reload takes them" "SIGHUP: configuration reloaded" "$(cat "$PT_TMP/ptrackd.log")"
pt_stop

pt_step "a fault after it is said at the file's byte"
{ printf '%s{"name": "县人大",\n x}' "$BOM"; } >"$PT_TMP/wf3.json"
sed -i "s#$PT_TMP/wf.json#$PT_TMP/wf3.json#" "$PT_CONF"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses the workflow" 1 "$rc"
check_contains "where an editor shows it, and the byte of the file" \
    "line 2, column 2 (byte 26): unexpected character 'x'" "$out"
sed -i "s#$PT_TMP/wf3.json#$PT_TMP/wf.json#" "$PT_CONF"
printf ',}' >>"$PT_CONF"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses the configuration" 1 "$rc"
check_contains "at the file's byte" "(byte $(($(stat -c %s "$PT_CONF") - 2)))" "$out"
sed -i '$ s/,}$//' "$PT_CONF"

pt_step "a byte order mark anywhere else is refused"
{ printf '\n%s' "$BOM"; tail -c +4 "$PT_TMP/wf.json"; } >"$PT_TMP/wf2.json"
sed -i "s#$PT_TMP/wf.json#$PT_TMP/wf2.json#" "$PT_CONF"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses it" 1 "$rc"
check_contains "naming where" "line 2, column 1 (byte 1): unexpected byte 0xEF" "$out"
pt_finish

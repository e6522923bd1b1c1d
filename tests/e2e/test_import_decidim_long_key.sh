#!/usr/bin/env bash
# test_import_decidim_long_key.sh - a Decidim JSON export whose objects
# hold a key longer than 200 bytes (a member of its own, not one the
# importer maps: 67 Chinese characters are 201 bytes) was refused as a
# whole, "a key longer than 200 bytes", though it is JSON and its
# proposals are whole. Such a key is read now, as long as it and the keys
# it is nested in fit in 1023 bytes; a path of keys longer than that is
# still refused, saying so, also when that path is full (1023 bytes) and
# the key under it is empty: that key's NUL was written past the path, and
# a key under it anywhere after.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# export_with FILE KEY_CHARS: a Decidim JSON export of two proposals (their
# references after FILE's name), the first
# with a member whose key is KEY_CHARS Chinese characters (3 bytes each),
# nested in "extra", the second with one at the top.
export_with() {
    python3 - "$@" <<'PY'
import json, os, sys
ref = "DD-" + os.path.basename(sys.argv[1]).split(".")[0]
key = ("关于加强农村公路养护的建议" * 100)[: int(sys.argv[2])]
items = [
    {"id": 801, "title": {"en": "Night buses"}, "extra": {key: "x"}, "reference": ref + "-1"},
    {"id": 802, key: {"en": "y"}, "title": {"en": "Shade trees"}, "reference": ref + "-2"},
]
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(items, ensure_ascii=False))
PY
}

pt_step "a key of 67 Chinese characters (201 bytes), and one of 300 (900 bytes)"
export_with "$W/key201.json" 67
pt_import decidim "$W/key201.json"
check_status "import key201.json" 201
check_eq "both proposals" 2 "$(jv 'j["imported"]')"
export_with "$W/key300.json" 300
pt_import decidim "$W/key300.json"
check_status "import key300.json" 201
check_eq "both proposals" 2 "$(jv 'j["imported"]')"
api GET "/v1/proposals?limit=100"
check_eq "their titles" '["Night buses", "Shade trees", "Night buses", "Shade trees"]' \
    "$(jv 'json.dumps([p["title"] for p in sorted(j["items"], key=lambda p: p["id"])])')"

pt_step "a path of keys longer than 1023 bytes (extra/ and 1020 bytes) is refused, saying so"
export_with "$W/key1026.json" 340
pt_import decidim "$W/key1026.json"
check_status "import key1026.json" 422
check_contains "the key is too long with the keys it is in" \
    "a key too long: with the keys it is nested in, more than 1023 bytes" \
    "$(jv 'j["error"]["message"]')"

pt_step "a path of exactly 1023 bytes is read; a key under it, even an empty one, is refused"
# full FILE NESTED: one proposal with a key of 1023 bytes at the top, whose
# value is "x" or, NESTED given, an object with an empty key: "K...": {"": "x"}.
full() {
    python3 - "$@" <<'PY'
import json, sys
value = {"": "x"} if sys.argv[2] == "nested" else "x"
items = [{"id": 811, "title": {"en": "Bike lanes"}, "K" * 1023: value, "reference": "DD-full"}]
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(items))
PY
}
full "$W/full.json" plain
pt_import decidim "$W/full.json"
check_status "import full.json" 201
check_eq "its proposal" 1 "$(jv 'j["imported"]')"
full "$W/over.json" nested
pt_import decidim "$W/over.json"
check_status "import over.json" 422
check_contains "the path is too long with the empty key" \
    "a key too long: with the keys it is nested in, more than 1023 bytes" \
    "$(jv 'j["error"]["message"]')"
api GET /v1/health
check_status "ptrackd still answers" 200

pt_finish

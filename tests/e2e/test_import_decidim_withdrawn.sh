#!/usr/bin/env bash
# test_import_decidim_withdrawn.sh - Decidim 0.28 and later export a
# withdrawn proposal with withdrawn true and withdrawn_at, its state no
# longer "withdrawn" (empty when it was never answered). The decidim
# importer kept no trace of it, and the proposal came in as one still
# open; it is now kept as custom.decidim_state "withdrawn", as the older
# exports' state said, with custom.decidim_withdrawn_at. A proposal that
# is not withdrawn keeps its state.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# custom_of REF: the stored custom members of the proposal whose
# source.ref is REF, as "state|withdrawn_at" ("-" for one not there).
custom_of() {
    api GET "/v1/proposals?limit=100"
    jv "next(('%s|%s' % (p.get('custom', {}).get('decidim_state', '-'), p.get('custom', {}).get('decidim_withdrawn_at', '-')) for p in j['items'] if (p.get('source') or {}).get('ref') == '$1'), 'none')"
}

pt_step "the open-data CSV export"
cat >"$W/opendata.csv" <<'CSV'
id;title/en;body/en;state;state_published_at;reference;votes;likes/total_count;published_at;url;withdrawn;withdrawn_at
301;Night buses;More buses at night;;;DD-W-301;3;1;2025-02-01T08:00:00Z;https://decidim.example.org/p/301;true;2025-02-10T09:00:00Z
302;Shade trees;Plant them;accepted;2025-02-05T08:00:00Z;DD-W-302;9;2;2025-02-01T08:00:00Z;https://decidim.example.org/p/302;false;
303;Bike lanes;Protected ones;evaluating;2025-02-05T08:00:00Z;DD-W-303;1;0;2025-02-01T08:00:00Z;https://decidim.example.org/p/303;true;2025-02-11T09:00:00Z
CSV
pt_import decidim "$W/opendata.csv"
check_status "import opendata.csv" 201
check_eq "three proposals" 3 "$(jv 'j["imported"]')"
check_eq "withdrawn, never answered: the state withdrawn and when" "withdrawn|2025-02-10T09:00:00Z" "$(custom_of DD-W-301)"
check_eq "not withdrawn: its own state" "accepted|-" "$(custom_of DD-W-302)"
check_eq "withdrawn while evaluated: withdrawn" "withdrawn|2025-02-11T09:00:00Z" "$(custom_of DD-W-303)"

pt_step "the JSON export"
cat >"$W/opendata.json" <<'JSON'
[{"id": 401, "title": {"en": "Free museums"}, "body": {"en": "On Sundays"}, "state": "", "reference": "DD-W-401", "withdrawn": true, "withdrawn_at": "2025-03-01T10:00:00Z"},
 {"id": 402, "title": {"en": "More benches"}, "body": {"en": "In parks"}, "state": "rejected", "reference": "DD-W-402", "withdrawn": false, "withdrawn_at": null}]
JSON
pt_import decidim "$W/opendata.json"
check_status "import opendata.json" 201
check_eq "withdrawn: true" "withdrawn|2025-03-01T10:00:00Z" "$(custom_of DD-W-401)"
check_eq "withdrawn: false" "rejected|-" "$(custom_of DD-W-402)"

pt_finish

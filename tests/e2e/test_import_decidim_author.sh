#!/usr/bin/env bash
# The decidim importer takes the author Decidim's proposals export names
# (author/name in its CSV, author: {name: ...} in its JSON) as the
# proposal's lead_author, where it left it out: the first of several
# coauthors (a JSON array of names; in the CSV a cell that joins them with
# ", ", as author/id joins their ids), an official proposal's organization
# or meeting as it is given, a name that holds a comma whole. The other
# coauthors are its co_signers, in their order, each once and not the
# lead again, where they were dropped; so are those of a JSON "author"
# that is an array of authors.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# lead REF: the lead_author of the stored proposal whose source.ref is REF.
lead() {
    api GET "/v1/proposals?limit=100"
    jv "next((p.get('lead_author') for p in j['items'] if (p.get('source') or {}).get('ref') == '$1'), 'no such proposal')"
}

# cosigners REF: the co_signers of that proposal, as JSON.
cosigners() {
    api GET "/v1/proposals?limit=100"
    jv "json.dumps(next((p.get('co_signers') for p in j['items'] if (p.get('source') or {}).get('ref') == '$1'), 'no such proposal'), ensure_ascii=False)"
}

pt_step "CSV: author/id;author/name;author/url"
cat >"$W/authors.csv" <<'CSV'
id;author/id;author/name;author/url;title/en;reference
601;11;Ana García;https://decidim.example.org/profiles/ana;Night buses;DD-AU-601
602;11, 12;Ana García, Joan Puig;https://decidim.example.org/profiles/ana, https://decidim.example.org/profiles/joan;Shade trees;DD-AU-602
603;1;Ajuntament de Barcelona, Districte de Gràcia;;A library in every district;DD-AU-603
604;5;Trobada veïnal: places i jardins;https://decidim.example.org/meetings/5;More benches;DD-AU-604
605;;;;No author given;DD-AU-605
CSV
pt_import decidim "$W/authors.csv"
check_status "import authors.csv" 201
check_eq "five proposals" 5 "$(jv 'j["imported"]')"
check_eq "one author" "Ana García" "$(lead DD-AU-601)"
check_eq "two coauthors: the first" "Ana García" "$(lead DD-AU-602)"
check_eq "two coauthors: the other a co-signer" '["Joan Puig"]' "$(cosigners DD-AU-602)"
check_eq "one author: no co-signers" '[]' "$(cosigners DD-AU-601)"
check_eq "an organization whose name holds a comma: no co-signers" '[]' "$(cosigners DD-AU-603)"
check_eq "the organization (official), its comma and all" \
    "Ajuntament de Barcelona, Districte de Gràcia" "$(lead DD-AU-603)"
check_eq "the meeting, as given" "Trobada veïnal: places i jardins" "$(lead DD-AU-604)"
check_eq "no author: none" null "$(lead DD-AU-605)"

pt_step "CSV: four coauthors, one named twice and one the lead again"
cat >"$W/coauthors.csv" <<'CSV'
id;author/id;author/name;title/en;reference
606;11, 12, 13, 14, 15;Ana García, Joan Puig, Ana García, Núria Roca, Joan Puig;Cycle lanes;DD-AU-606
CSV
pt_import decidim "$W/coauthors.csv"
check_status "import coauthors.csv" 201
check_eq "the lead" "Ana García" "$(lead DD-AU-606)"
check_eq "the others in their order, each once, not the lead" '["Joan Puig", "Núria Roca"]' \
    "$(cosigners DD-AU-606)"

pt_step "JSON: author: {id, name, url}, the names an array or one string"
cat >"$W/authors.json" <<'JSON'
[
  {"id": 701, "author": {"id": [21, 22], "name": ["Marta Vidal", "Pere Soler"], "url": []},
   "title": {"en": "Free wifi in parks"}, "reference": "DD-AU-701"},
  {"id": 702, "author": {"id": 1, "name": "Ajuntament de Barcelona", "url": ""},
   "title": {"en": "Longer opening hours"}, "reference": "DD-AU-702"},
  {"id": 703, "author": {"id": [], "name": [], "url": []},
   "title": {"en": "Nobody's"}, "reference": "DD-AU-703"}
]
JSON
pt_import decidim "$W/authors.json"
check_status "import authors.json" 201
check_eq "three proposals" 3 "$(jv 'j["imported"]')"
check_eq "an array of names: the first" "Marta Vidal" "$(lead DD-AU-701)"
check_eq "an array of names: the others co-signers" '["Pere Soler"]' "$(cosigners DD-AU-701)"
check_eq "one name" "Ajuntament de Barcelona" "$(lead DD-AU-702)"
check_eq "no name: none" null "$(lead DD-AU-703)"

pt_step "JSON: author an array of authors, a name twice, the lead again"
cat >"$W/author-array.json" <<'JSON'
[
  {"id": 704, "author": [{"id": 31, "name": "Laia Serra"}, {"id": 32, "name": "Pau Mas, fill"},
                         {"id": 31, "name": "Laia Serra"}, {"id": 33, "name": "Rosa Vila"},
                         {"id": 32, "name": "Pau Mas, fill"}],
   "title": {"en": "A market on Sundays"}, "reference": "DD-AU-704"},
  {"id": 705, "author": {"id": [41, 42, 43], "name": ["Ona Puig", "", "Ona Puig"]},
   "title": {"en": "Water fountains"}, "reference": "DD-AU-705"}
]
JSON
pt_import decidim "$W/author-array.json"
check_status "import author-array.json" 201
check_eq "the first author leads" "Laia Serra" "$(lead DD-AU-704)"
check_eq "the others each once, a comma in a name kept" '["Pau Mas, fill", "Rosa Vila"]' \
    "$(cosigners DD-AU-704)"
check_eq "the lead named again and an empty name: no co-signers" '[]' "$(cosigners DD-AU-705)"

pt_step "JSON: proposals naming tens of thousands of authors, each a few times over"
# Each name was looked for among every name before it, not the few kept:
# half of 40,000 names the same, then the other half another, took
# 20,000 x 20,000 comparisons, seconds for each proposal, a whole core of
# ptrackd for minutes for a file of a few megabytes (these twelve, 2 MB,
# took half a minute; now well under a second).
python3 - "$W/many.json" <<'PY'
import json, sys
items = [{"id": 710 + i, "author": {"name": ["Ana"] * 20000 + ["Joan"] * 20000},
          "title": {"en": "Proposal %d" % i}, "reference": "DD-AU-MANY-%d" % i} for i in range(12)]
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(items, separators=(",", ":")))
PY
began=$SECONDS
pt_import decidim "$W/many.json"
took=$((SECONDS - began))
check_status "import many.json" 201
check_eq "twelve proposals" 12 "$(jv 'j["imported"]')"
check_true "answered within 10 s (it took ${took} s)" [ "$took" -le 10 ]
check_eq "the lead" "Ana" "$(lead DD-AU-MANY-11)"
check_eq "the other, once" '["Joan"]' "$(cosigners DD-AU-MANY-11)"

pt_finish

#!/usr/bin/env bash
# test_formats_decidim.sh - the "decidim" importer (plugins/import_decidim)
# through POST /v1/imports?format=decidim on a real ptrackd with the
# built-in plugins: a CSV export in the old columns (BOM, CRLF, quoted
# fields with ';', doubled quotes and line breaks, HTML bodies) and one in
# the open-data columns (taxonomies, votes, likes), the locale chosen with
# locale= or the first present, the JSON export, a second import of the same
# files skipped by source.ref, broken rows named by their lines (and kept
# out, or left behind with partial=true), rows of blank cells skipped, a
# missing title column refused;
# kind= for the kind Decidim does not have; sep= a separator or refused;
# a locale= that is not a locale tag refused;
# a < that starts no tag kept as text.
set -u
source "$(dirname "$0")/lib.sh"
pt_init
DATA="$PT_SOURCE_DIR/tests/e2e/data/decidim"
pt_serve

# import FILE [QUERY]: POSTs the file as the body of an import.
import() { pt_import decidim "$@"; }

# The stored proposal whose source.ref is REF, as JSON ({} when none).
by_ref() {
    api GET "/v1/proposals?limit=100"
    jv "next((p for p in j['items'] if (p.get('source') or {}).get('ref') == '$1'), {})"
}

pt_step "the old CSV columns: category/..., supports, endorsements/total_count"
import "$DATA/proposals-old.csv"
check_status "import proposals-old.csv" 201
check_eq "two proposals" 2 "$(jv 'j["imported"]')"
P="$(by_ref DD-PROP-2024-03-101)"
check_eq "title: the first locale present (en)" "More bike lanes on the ring road" "$(jv 'j.get("title")' "$P")"
check_eq "body → background: tags stripped, paragraphs on lines, entities decoded" \
    "Cycling to work is dangerous today; we need protected lanes.
Tom & Jerry's street has none <yet>." "$(jv 'j.get("background")' "$P")"
check_eq "category name" Mobility "$(jv 'j.get("category")' "$P")"
check_eq "source" '{"format": "decidim", "ref": "DD-PROP-2024-03-101"}' "$(jv 'j.get("source")' "$P")"
check_eq "the workflow status stays submitted" submitted "$(jv 'j.get("status")' "$P")"
check_eq "Decidim's state, answer, counts, dates, url, scope in custom" \
    '{"decidim_answer": "We will build 5 km in 2025.", "decidim_category_id": "7", "decidim_comments": "3", "decidim_id": "101", "decidim_likes": "5", "decidim_published_at": "2024-03-01T10:00:00Z", "decidim_scope": "3", "decidim_state": "accepted", "decidim_url": "https://decidim.example.org/processes/budget/f/5/proposals/101", "decidim_votes": "42"}' \
    "$(jv 'dict(sorted(j.get("custom", {}).items()))' "$P")"
P="$(by_ref DD-PROP-2024-03-102)"
check_eq "a quoted title with ';' and doubled quotes" 'Plant trees; many "shade" trees' "$(jv 'j.get("title")' "$P")"
check_eq "a quoted body over two lines (CRLF inside), Chinese intact" "Line one
第二行：多种遮阴树" "$(jv 'j.get("background")' "$P")"
check_eq "state evaluating" evaluating "$(jv 'j["custom"]["decidim_state"]' "$P")"

pt_step "the open-data columns: taxonomies/..., votes, likes/total_count; locale=ca"
import "$DATA/proposals-opendata.csv" "locale=ca"
check_status "import proposals-opendata.csv?locale=ca" 201
check_eq "two proposals" 2 "$(jv 'j["imported"]')"
P="$(by_ref DD-PROP-2025-01-201)"
check_eq "title in Catalan" "Una biblioteca a cada districte" "$(jv 'j.get("title")' "$P")"
check_eq "body in Catalan" "Les biblioteques són llocs de trobada." "$(jv 'j.get("background")' "$P")"
check_eq "category from taxonomies/name/ca" Cultura "$(jv 'j.get("category")' "$P")"
check_eq "votes, likes, state, taxonomy id" "130 17 rejected 12" \
    "$(jv '" ".join(j["custom"][k] for k in ("decidim_votes", "decidim_likes", "decidim_state", "decidim_category_id"))' "$P")"
P="$(by_ref DD-PROP-2025-01-202)"
check_eq "a body with no Catalan text falls back to the first present" "Public land
Co-ops" "$(jv 'j.get("background")' "$P")"

pt_step "the JSON export"
import "$DATA/proposals.json"
check_status "import proposals.json" 201
check_eq "two proposals" 2 "$(jv 'j["imported"]')"
P="$(by_ref DD-PROP-2024-05-301)"
check_eq "JSON: title (first locale present), nested category name" \
    "A health centre open at night / Health" "$(jv 'j.get("title") + " / " + j.get("category")' "$P")"
check_eq "JSON: HTML body, &nbsp; and escaped quotes" 'Night care is 30 km away.
We need one "here".' "$(jv 'j.get("background")' "$P")"
check_eq "JSON: supports, endorsements/total_count, state, null answer left out" "9 2 withdrawn False" \
    "$(jv '" ".join([j["custom"]["decidim_votes"], j["custom"]["decidim_likes"], j["custom"]["decidim_state"], str("decidim_answer" in j["custom"])])' "$P")"
P="$(by_ref DD-PROP-2024-05-302)"
check_eq "JSON: the first locale in the object's order, \\u escapes decoded" \
    "Pisos per a joves / Rent is too high — 中文 too." "$(jv 'j.get("title") + " / " + j.get("background")' "$P")"
check_eq "JSON: the first of several taxonomies, votes, likes" "Housing 21 55 8" \
    "$(jv '" ".join([j["category"], j["custom"]["decidim_category_id"], j["custom"]["decidim_votes"], j["custom"]["decidim_likes"]])' "$P")"
check_eq "six proposals" 6 "$(pt_count)"

pt_step "importing the same files again duplicates nothing"
import "$DATA/proposals-old.csv"
check_eq "old CSV again: skipped by source.ref" "201 0 2" "$ST $(jv '"%d %d" % (j["imported"], j["skipped"])')"
import "$DATA/proposals-opendata.csv"
check_eq "open-data CSV again (default locale): skipped" "201 0 2" "$ST $(jv '"%d %d" % (j["imported"], j["skipped"])')"
import "$DATA/proposals.json"
check_eq "JSON again: skipped" "201 0 2" "$ST $(jv '"%d %d" % (j["imported"], j["skipped"])')"
check_eq "still six proposals" 6 "$(pt_count)"

pt_step "broken rows are named by their lines; all or nothing"
import "$DATA/broken.csv"
check_error "broken.csv" 422 validation_failed
check_eq "the rejected rows, by line" '["line 3", "line 4", "line 5", "line 7"]' \
    "$(jv '[r["where"] for r in j["error"]["rejected"]]')"
check_contains "line 3: the field count" "6 fields where the header has 5" "$(jv 'j["error"]["rejected"][0]["reason"]')"
check_contains "line 4: no title" "no title" "$(jv 'j["error"]["rejected"][1]["reason"]')"
check_contains "line 5: text after a closing quote" "text after the closing quote of field 2" \
    "$(jv 'j["error"]["rejected"][2]["reason"]')"
check_contains "line 7: the unterminated quote" "unterminated quote" "$(jv 'j["error"]["rejected"][3]["reason"]')"
check_eq "nothing imported" 6 "$(pt_count)"
import "$DATA/broken.csv" "partial=true"
check_status "broken.csv with partial=true" 200
check_eq "partial: the two good rows imported, four rejected" "2 4" \
    "$(jv '"%d %d" % (j["imported"], len(j["rejected"]))')"
check_eq "eight proposals" 8 "$(pt_count)"
printf 'id;title/en;body/en\n901;Proposal with a \000NUL;body\n' >"$PT_TMP/nul.csv"
import "$PT_TMP/nul.csv"
check_error "a field with a NUL byte" 422 validation_failed
check_eq "named, not cut short" "line 2: field 2 holds a NUL byte, which is not text" \
    "$(jv 'j["error"]["rejected"][0]["reason"]')"

pt_step "files that are not a Decidim export"
import "$DATA/no-title.csv"
check_error "a CSV without a title column" 422 validation_failed
check_contains "the message says the title column is missing and lists the columns" \
    "the header has no title column (title, or title/<locale> such as title/en); its columns are: id, name/en" \
    "$(jv 'j["error"]["message"]')"
printf '[{"title": {"en": "cut"}, "body": ' >"$PT_TMP/cut.json"
import "$PT_TMP/cut.json"
check_error "JSON cut in the middle" 422 validation_failed
check_contains "the message says where" "line 1:" "$(jv 'j["error"]["message"]')"
printf '[{"title": {"en": "one"}, "reference": "X-1"}, "not an object", {"title": {"en": ""}, "reference": "X-3"}]' >"$PT_TMP/mixed.json"
import "$PT_TMP/mixed.json"
check_error "JSON with a non-object and an empty title" 422 validation_failed
check_eq "the two bad records, by position" '["record 2 (line 1)", "record 3 (line 1)"]' \
    "$(jv '[r["where"] for r in j["error"]["rejected"]]')"
check_eq "still eight proposals" 8 "$(pt_count)"

pt_step "rows of blank cells are skipped"
printf 'id;title/en;body/en\r\n951;Blank rows around;body\r\n;;\r\n ; ;\r\n952;Blank rows below;body\r\n;;\r\n;;\r\n' >"$PT_TMP/blank.csv"
import "$PT_TMP/blank.csv"
check_eq "the two rows imported, the blank ones skipped" "201 2 0" \
    "$ST $(jv '"%d %d" % (j["imported"], len(j["rejected"]))')"

pt_step "locale= that is not a locale tag is refused"
import "$DATA/proposals-opendata.csv" "locale=$(urlenc 'title/ca')"
check_error "locale=title/ca: the request is at fault" 400 bad_request
check_contains "refused, naming it and what a locale looks like" \
    'locale: "title/ca" is not a locale; say locale=en' "$(jv 'j["error"]["message"]')"
import "$DATA/proposals-opendata.csv" "locale=pt-BR"
check_status "locale=pt-BR, in no column: the first locale present, as before" 201

pt_step "sep= names a separator, or is refused"
printf 'id,title/en,body/en,reference\n961,Comma separated,body c,SEP-961\n' >"$PT_TMP/comma.csv"
import "$PT_TMP/comma.csv" "sep=comma"
check_status "import with sep=comma" 201
P="$(by_ref SEP-961)"
check_eq "sep=comma splits on commas" "Comma separated" "$(jv 'j.get("title")' "$P")"
import "$PT_TMP/comma.csv" "sep=colon"
check_error "sep=colon: the request is at fault" 400 bad_request
check_contains "refused, naming it and the separators read" \
    'sep: "colon" is not a separator the Decidim importer reads' "$(jv 'j["error"]["message"]')"
printf '[{"title": {"en": "A JSON export"}, "reference": "SEP-962"}]' >"$PT_TMP/sep.json"
import "$PT_TMP/sep.json" "sep=colon"
check_error "sep=colon with a JSON export: refused all the same" 400 bad_request
check_eq "and nothing of it stored" '{}' "$(by_ref SEP-962)"
: >"$PT_TMP/empty.csv"
import "$PT_TMP/empty.csv" "sep=colon"
check_error "sep=colon is refused before the file is read (an empty one here)" 400 bad_request

pt_step "a < that starts no tag is text"
printf '%s\n' '[{"title": {"en": "Cheaper bus fares"}, "reference": "LT-1", "body": {"en": "Compare prices a<b and more"}},' \
    ' {"title": {"en": "Tagged"}, "reference": "LT-2", "body": {"en": "<p>Keep a<b and <b>bold</b> text</p>"}}]' >"$PT_TMP/lt.json"
import "$PT_TMP/lt.json"
check_status "import lt.json" 201
P="$(by_ref LT-1)"
check_eq "a < without a > after it" "Compare prices a<b and more" "$(jv 'j.get("background")' "$P")"
P="$(by_ref LT-2)"
check_eq "a < before another tag's <" "Keep a<b and bold text" "$(jv 'j.get("background")' "$P")"

pt_step "kind= gives the proposals a kind (Decidim has none)"
printf '[{"title": {"zh": "关于增设社区食堂的建议"}, "reference": "K-1"}]' >"$PT_TMP/kind.json"
import "$PT_TMP/kind.json" "kind=$(urlenc 建议)"
check_status "import with kind=建议" 201
check_eq "the kind is suggestion" suggestion "$(jv 'j.get("kind")' "$(by_ref K-1)")"
printf '[{"title": {"zh": "关于延长公园开放时间的建议"}, "reference": "K-2"}]' >"$PT_TMP/kind2.json"
import "$PT_TMP/kind2.json" "kind=petition"
check_error "an unknown kind: the request is at fault" 400 bad_request
check_contains "the message lists the kinds" "use suggestion, motion, proposal or other" \
    "$(jv 'j["error"]["message"]')"
check_eq "nothing of it stored" '{}' "$(by_ref K-2)"
import "$PT_TMP/kind2.json"
check_eq "without kind= the kind is unset" null "$(jv 'j.get("kind")' "$(by_ref K-2)")"

pt_finish

#!/usr/bin/env bash
# An empty file, or one of blanks alone (spaces, line breaks, a UTF-8
# byte order mark), is refused by every built-in importer with 422
# validation_failed saying that the file is empty, with partial=true as
# well: the jsonl and text importers answered 201 with nothing imported,
# where the csv, json and decidim importers refused it, and an office that
# sent the wrong file (one not yet saved, an export that failed) was told
# that all went well.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

: >"$W/nothing"
printf ' \n\r\n\t\r\n' >"$W/blanks"
printf '\xef\xbb\xbf\n\n' >"$W/bom"
printf '\xe3\x80\x80\n  \n' >"$W/ideographic-space"
for format in csv json jsonl text decidim; do
    for file in nothing blanks bom; do
        for partial in false true; do
            pt_import "$format" "$W/$file" "partial=$partial"
            check_error "$format, $file, partial=$partial" 422 validation_failed
            check_contains "$format, $file, partial=$partial: it says the file is empty" \
                "the file is empty" "$(jv 'j["error"]["message"]')"
        done
    done
done
pt_import text "$W/ideographic-space"
check_error "text of ideographic spaces (U+3000) alone" 422 validation_failed
# Nor do no-break, em and zero-width spaces show anything: blank, as a
# field of them is (the text importer took such a file for a document).
printf '\xc2\xa0\n\xe2\x80\x8b\n\xe2\x80\x83\xe2\x80\x8b\n' >"$W/unseen"
pt_import text "$W/unseen"
check_error "text of no-break, em and zero-width spaces alone" 422 validation_failed
check_contains "it says the file is empty" "the file is empty" "$(jv 'j["error"]["message"]')"
# Nor do a right-to-left mark, a variation selector or the Hangul filler.
printf '\xe2\x80\x8f\n\xef\xb8\x8f\xe3\x80\x80\n\xe3\x85\xa4\xe2\x81\xa6\n' >"$W/marks"
for format in text csv; do
    pt_import "$format" "$W/marks"
    check_error "$format: marks, a variation selector and the Hangul filler alone" 422 validation_failed
    check_contains "$format: it says the file is empty" "the file is empty" "$(jv 'j["error"]["message"]')"
done
check_eq "nothing was stored" 0 "$(pt_count)"

pt_step "a file with something in it is read as before"
printf '\n{"title":"关于甲的建议"}\n\n' >"$W/one.jsonl"
pt_import jsonl "$W/one.jsonl"
check_status "one proposal between blank lines" 201
check_eq "it is imported" 1 "$(jv 'j["imported"]')"
printf '山西日报\n\n今日天气晴。\n' >"$W/no-proposal.txt"
pt_import text "$W/no-proposal.txt"
check_status "a document without a proposal is no empty file" 201
check_eq "nothing imported from it" 0 "$(jv 'j["imported"]')"

pt_finish

#!/usr/bin/env bash
# test_import_decidim_locale_tags.sh - decidim's locale= names the
# translation as a locale tag does: without regard to case, with - or _
# (locale=zh-cn and locale=zh_CN take title/zh-CN, as Decidim writes
# it), where it matched only the column's exact spelling and took the
# first locale present (English) without a word; and a tag of the same
# language comes before the first present (locale=zh takes zh-CN). An
# exact match still wins over one of the same language.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# export FILE REF: a Decidim CSV export of one proposal in en, zh-CN and
# zh (title and body), whose reference is REF.
export_csv() {
    printf 'id;title/en;title/zh-CN;title/zh;body/en;body/zh-CN;body/zh;reference\n' >"$1"
    printf '7;Rural roads;关于加强农村公路养护的建议;农村公路;<p>Fix them</p>;<p>加大养护资金投入</p>;<p>养护</p>;%s\n' "$2" >>"$1"
}

# title_of REF: the stored title and background of the proposal whose
# source.ref is REF.
title_of() {
    api GET "/v1/proposals?limit=100"
    jv "next((p['title'] + ' / ' + p.get('background', '') for p in j['items'] if (p.get('source') or {}).get('ref') == '$1'), '-')"
}

n=0
for locale in zh-CN zh-cn zh_CN ZH-CN; do
    n=$((n + 1))
    pt_step "locale=$locale"
    export_csv "$W/e$n.csv" "DD-LOC-$n"
    pt_import decidim "$W/e$n.csv" "locale=$locale"
    check_status "import with locale=$locale" 201
    check_eq "locale=$locale takes title/zh-CN and body/zh-CN" "关于加强农村公路养护的建议 / 加大养护资金投入" "$(title_of "DD-LOC-$n")"
done

pt_step "locale=zh: the exact tag wins over one of its language"
export_csv "$W/zh.csv" DD-LOC-ZH
pt_import decidim "$W/zh.csv" "locale=zh"
check_status "import with locale=zh" 201
check_eq "locale=zh takes title/zh" "农村公路 / 养护" "$(title_of DD-LOC-ZH)"

pt_step "locale=zh-TW, which the export lacks: a tag of its language, not English"
printf 'id;title/en;title/zh-CN;body/en;body/zh-CN;reference\n8;Rural roads;关于加强农村公路养护的建议;<p>Fix them</p>;<p>加大养护资金投入</p>;DD-LOC-TW\n' >"$W/tw.csv"
pt_import decidim "$W/tw.csv" "locale=zh-TW"
check_status "import with locale=zh-TW" 201
check_eq "locale=zh-TW takes zh-CN" "关于加强农村公路养护的建议 / 加大养护资金投入" "$(title_of DD-LOC-TW)"

pt_step "locale=fr, which no column is of: the first present, as before"
printf 'id;title/en;title/zh-CN;body/en;body/zh-CN;reference\n9;Rural roads;关于加强农村公路养护的建议;<p>Fix them</p>;<p>加大养护资金投入</p>;DD-LOC-FR\n' >"$W/fr.csv"
pt_import decidim "$W/fr.csv" "locale=fr"
check_status "import with locale=fr" 201
check_eq "locale=fr takes the first present (en)" "Rural roads / Fix them" "$(title_of DD-LOC-FR)"

pt_finish

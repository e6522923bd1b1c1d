/*
 * text_norm.c - line normalisation and page furniture (see text_norm.h).
 */
#include "text_norm.h"

#include <string.h>

#include "utf8.h"

static uint32_t narrow(uint32_t c)
{
    if (c >= 0xFF10 && c <= 0xFF19) /* ０-９ */
        return c - 0xFF10 + '0';
    if ((c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)) /* Ａ-Ｚ ａ-ｚ, same order */
        return c - 0xFF21 + 'A';
    switch (c) {
    case 0xFF0E:
        return '.';
    case 0xFF05:
        return '%';
    case 0xFF0D:
        return '-';
    case 0xFF0F:
        return '/';
    case 0xFF0B:
        return '+';
    case 0xFF1D:
        return '=';
    case 0x2010:
    case 0x2011:
        return '-';
    case 0x3000:
    case 0xA0:
    case '\t':
    case '\v':
        return ' ';
    default:
        return c;
    }
}

/* The Chinese mark for a half-width one, or 0. */
static uint32_t widen(uint32_t c)
{
    switch (c) {
    case ',':
        return 0xFF0C; /* ， */
    case ';':
        return 0xFF1B; /* ； */
    case ':':
        return 0xFF1A; /* ： */
    case '(':
        return 0xFF08; /* （ */
    case ')':
        return 0xFF09; /* ） */
    case '!':
        return 0xFF01; /* ！ */
    case '?':
        return 0xFF1F; /* ？ */
    default:
        return 0;
    }
}

void tn_normalise(ustr_t *u, int *page_break)
{
    /* Pass 1: one form per character, control characters out. */
    size_t o = 0;
    for (size_t i = 0; i < u->len; i++) {
        uint32_t c = u->p[i];
        if (c == '\f') {
            *page_break = 1;
            continue;
        }
        if (c < 0x20 && c != '\t' && c != '\v')
            continue;
        if (c == 0xFEFF || c == 0x200B) /* a stray BOM, zero-width space */
            continue;
        /* A Kangxi radical is the ideograph the document shows: text
         * copied from a PDF holds ⼀是 (U+2F00) for 一是, ⼯作 for 工作. */
        c = narrow(pt_utf8_radical_unified(c));
        u->p[o++] = c;
    }
    u->len = o;
    /* Pass 2: half-width marks in Chinese text, judged by the nearest
     * characters that are not spaces. */
    for (size_t i = 0; i < u->len; i++) {
        uint32_t w = widen(u->p[i]);
        if (!w)
            continue;
        uint32_t prev = 0, next = 0;
        for (size_t k = i; k > 0; k--)
            if (u->p[k - 1] != ' ') {
                prev = u->p[k - 1];
                break;
            }
        for (size_t k = i + 1; k < u->len; k++)
            if (u->p[k] != ' ') {
                next = u->p[k];
                break;
            }
        if ((u->p[i] == ':' || u->p[i] == ',') && u_is_digit(prev) && u_is_digit(next))
            continue;
        if (u_is_wide(prev) || u_is_wide(next))
            u->p[i] = w;
    }
    /* Pass 3: spaces. A space survives only between two characters that
     * are both not Chinese ("Decidim export", "10 km"). */
    o = 0;
    for (size_t i = 0; i < u->len; i++) {
        uint32_t c = u->p[i];
        if (c == ' ') {
            if (o == 0 || u->p[o - 1] == ' ' || u_is_wide(u->p[o - 1]))
                continue;
            size_t k = i + 1;
            while (k < u->len && u->p[k] == ' ')
                k++;
            if (k == u->len || u_is_wide(u->p[k]))
                continue;
        }
        u->p[o++] = c;
    }
    u->len = o;
}

/* The number of digits at s[at..]. */
static size_t digits_at(const uint32_t *s, size_t n, size_t at)
{
    size_t d = 0;
    while (at + d < n && u_is_digit(s[at + d]))
        d++;
    return d;
}

/* The length of the separator an ad prints between the groups of a
 * telephone number at s[at..]: a hyphen, a dash (0351—7654321, ——), a
 * space; 0 when there is none. */
static size_t phone_sep(const uint32_t *s, size_t n, size_t at)
{
    size_t k = 0;
    while (at + k < n && k < 2 && u_in(s[at + k], "-—–－ "))
        k++;
    return k;
}

/* Whether s[at..] starts a telephone number: 0351-1234567 (an area code of
 * 3 or 4 digits and 7 or 8 digits, also with a dash or a space between
 * them), 400-123-4567, or a mobile number of 11 digits starting 13..19,
 * also printed 138 0013 8000; not inside a longer run of digits. */
static int phone_at(const uint32_t *s, size_t n, size_t at)
{
    if (at > 0 && u_is_digit(s[at - 1]))
        return 0;
    size_t d = digits_at(s, n, at);
    if (d == 11 && s[at] == '1' && s[at + 1] >= '3')
        return 1;
    size_t k = phone_sep(s, n, at + d);
    if (k == 0)
        return 0;
    size_t e = digits_at(s, n, at + d + k);
    if (at + d + k + e < n && u_is_digit(s[at + d + k + e]))
        return 0;
    if ((d == 3 || d == 4) && s[at] == '0' && (e == 7 || e == 8))
        return 1;
    if (d == 3 && s[at] == '1' && s[at + 1] >= '3' && e == 4) {
        size_t at2 = at + d + k + e, k2 = phone_sep(s, n, at2);
        return k2 > 0 && digits_at(s, n, at2 + k2) == 4;
    }
    if (d == 3 && u_match(s, n, at, "400") && s[at + 3] == '-')
        return 1;
    return 0;
}

static int has_phone(const uint32_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (u_is_digit(s[i]) && phone_at(s, n, i))
            return 1;
    return 0;
}

/* Whether a sentence goes on after the line's first telephone number:
 * words and then a mark of a sentence (…0351-12345678等号码常常占线，…),
 * where an ad's line ends with its number or holds only more numbers. */
static int sentence_after_phone(const uint32_t *s, size_t n)
{
    size_t i = 0;
    while (i < n && !(u_is_digit(s[i]) && phone_at(s, n, i)))
        i++;
    int words = 0;
    for (; i < n; i++) {
        if (u_is_han(s[i]))
            words = 1;
        else if (words && u_in(s[i], "，。；！？"))
            return 1;
    }
    return 0;
}

static int starts_any(const uint32_t *s, size_t n, const char *const *lits)
{
    for (; *lits; lits++)
        if (u_match(s, n, 0, *lits))
            return 1;
    return 0;
}

static int contains_any(const uint32_t *s, size_t n, const char *const *lits)
{
    for (; *lits; lits++)
        if (u_find(s, n, 0, *lits) >= 0)
            return 1;
    return 0;
}

/* Whether the line names a page: 第3版, 第三版, 第 12 版. */
static int names_page(const uint32_t *s, size_t n)
{
    for (long at = u_find(s, n, 0, "第"); at >= 0; at = u_find(s, n, (size_t)at + 1, "第")) {
        size_t k = (size_t)at + 1, digits = 0;
        while (k < n && (u_is_digit(s[k]) || u_in(s[k], "一二三四五六七八九十"))) {
            k++;
            digits++;
        }
        if (digits > 0 && k < n && (s[k] == 0x7248 /* 版 */ || s[k] == 0x9762 /* 面 */))
            return 1;
    }
    return 0;
}

/* Whether the parenthesis content s[a..b) is a caption, a photo credit, a
 * continuation note, an editor's credit (（责任编辑：张某）) or the mark
 * that ends a report (（完）, （待续）), which are not part of the text
 * around them. */
static int is_aside(const uint32_t *s, size_t a, size_t b)
{
    static const char *const starts[] = {"图为",   "图：", "上接",     "下转",     "转第",
                                         "接第",   "紧接", "见第",     "责任编辑", "责编",
                                         "编辑：", "校对", "本版编辑", NULL};
    static const char *const ends[] = {"完", "全文完", "待续", "未完待续", NULL};
    if (b <= a)
        return 0;
    if (starts_any(s + a, b - a, starts))
        return 1;
    for (size_t i = 0; ends[i]; i++)
        if (u_match(s, b, a, ends[i]) == b - a)
            return 1;
    return s[b - 1] == 0x6444 /* 摄 */;
}

/* Whether the line is a photo's caption: it ends with the photographer's
 * credit, 本报记者 李某某 摄 or （记者 张某某 摄）. Text never ends so. */
static int caption(const uint32_t *s, size_t n)
{
    if (n > 0 && s[n - 1] == 0xFF09 /* ） */)
        n--;
    if (n == 0 || s[n - 1] != 0x6444 /* 摄 */ || n > 100)
        return 0;
    size_t a = n > 16 ? n - 16 : 0;
    return u_find(s, n, a, "记者") >= 0 || u_find(s, n, a, "摄影") >= 0 ||
           u_find(s, n, a, "通讯员") >= 0;
}

/* Whether the line is a reporter's byline: 本报记者 王某某, 记者 王某某 李某某,
 * 新华社记者 张某某 通讯员 刘某某 — only names after the titles, no verb
 * (记者从省人大获悉 is the text). */
static int byline(const uint32_t *s, size_t n)
{
    static const char *const titles[] = {"本报记者", "新华社记者", "本报通讯员", "记者",
                                         "通讯员",   "见习记者",   NULL};
    size_t at = 0, names = 0;
    int titled = 0;
    while (at < n) {
        size_t k = 0;
        for (size_t i = 0; titles[i] && !k; i++)
            k = u_match(s, n, at, titles[i]);
        if (k) {
            titled = 1;
            at += k;
            continue;
        }
        if (!titled || u_in(s[at], "从在了到获悉日月年说表示对向就为是的和与及称这近据"))
            return 0;
        if (!u_is_han(s[at]) && !u_in(s[at], "、 "))
            return 0;
        names += u_is_han(s[at]);
        at++;
    }
    return titled && names >= 2 && names <= 12;
}

/* Whether the aside s[a..b) says that the text after it continues one
 * from another page: 上接第1版, 接第1版, 紧接第1版. */
static int continues(const uint32_t *s, size_t a, size_t b)
{
    static const char *const from[] = {"上接", "接第", "紧接", NULL};
    return b > a && starts_any(s + a, b - a, from);
}

tn_kind_t tn_furniture(ustr_t *u, int *continued)
{
    *continued = 0;
    if (caption(u->p, u->len) || byline(u->p, u->len))
        return TN_FURNITURE;
    /* Asides in full-width parentheses (tn_normalise made them so). */
    int cut = 0;
    size_t o = 0;
    for (size_t i = 0; i < u->len; i++) {
        if (u->p[i] == 0xFF08) {
            size_t k = i + 1;
            while (k < u->len && u->p[k] != 0xFF09 && u->p[k] != 0xFF08)
                k++;
            if (k < u->len && u->p[k] == 0xFF09 && is_aside(u->p, i + 1, k)) {
                *continued |= continues(u->p, i + 1, k);
                i = k;
                cut = 1;
                continue;
            }
        }
        u->p[o++] = u->p[i];
    }
    u->len = o;
    size_t a = 0, b = u->len;
    u_trim(u->p, &a, &b);
    if (a > 0 || b < u->len) {
        memmove(u->p, u->p + a, (b - a) * sizeof(uint32_t));
        u->len = b - a;
    }
    const uint32_t *s = u->p;
    size_t n = u->len;
    if (n == 0)
        return cut ? TN_FURNITURE : TN_BLANK;

    static const char *const credits[] = {"责任编辑", "责编", "编辑：", "校对", "美编",   "版式",
                                          "本版编辑", "组版", "图为",   "图：", "图片：", NULL};
    if (starts_any(s, n, credits))
        return TN_FURNITURE;
    if (n <= 40 && names_page(s, n))
        return TN_FURNITURE;
    if (n <= 40 && u_find(s, n, 0, "星期") >= 0 && u_find(s, n, 0, "年") >= 0 &&
        u_find(s, n, 0, "月") >= 0)
        return TN_FURNITURE; /* a page header: 2024年3月6日 星期三 */
    /* A page number: "- 3 -", "—3—", "3". */
    int digit = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        if (u_is_digit(s[i]))
            digit = 1;
        else if (!u_in(s[i], " -—–·第页"))
            other = 1;
    }
    if (digit && !other)
        return TN_FURNITURE;

    static const char *const ad_heads[] = {"广告", "【广告】", "分类广告", "[广告]", NULL};
    if (n <= 12 && starts_any(s, n, ad_heads))
        return TN_AD_HEADER;
    static const char *const ad_lines[] = {"广告热线", "广告电话", "广告部", "刊登广告", NULL};
    if (contains_any(s, n, ad_lines))
        return TN_FURNITURE;
    /* A line short enough to be an ad's, with a telephone number. A
     * paragraph of a proposal that happens to quote a hotline is long. */
    if (n <= 80 && has_phone(s, n))
        return sentence_after_phone(s, n) ? TN_AD_LINE : TN_FURNITURE;
    static const char *const ad_words[] = {"招聘", "诚聘", "转让",     "出租", "出售",     "急售",
                                           "求租", "求购", "遗失声明", "作废", "招商加盟", NULL};
    /* An ad's words alone would also catch a headline (省城举办春季招聘会):
     * an ad line also has a figure or asks to be contacted. */
    static const char *const ad_terms[] = {"面议", "联系", "有意者", "详询", "优厚", NULL};
    int figure = 0;
    for (size_t i = 0; i < n; i++)
        figure |= u_is_digit(s[i]);
    if (n <= 40 && !u_match(s, n, 0, "关于") && !u_ends(s, n, "建议") && !u_ends(s, n, "议案") &&
        !u_ends(s, n, "提案") && u_find(s, n, 0, "。") < 0 && contains_any(s, n, ad_words) &&
        (figure || contains_any(s, n, ad_terms)))
        return TN_FURNITURE;
    return TN_TEXT;
}

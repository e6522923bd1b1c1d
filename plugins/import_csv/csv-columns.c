/*
 * csv-columns.c - the column table and the list cells shared by the CSV
 * importer and exporter (see csv-columns.h).
 */
#include "csv-columns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "person-name.h"
#include "utf8.h"

/* ---- Columns ---------------------------------------------------------- */

const csv_column_t csv_columns[] = {
    {"id", CC_ID, "id", NULL},
    {"number", CC_NAME, "number", NULL},
    {"session", CC_NAME, "session", NULL},
    {"kind", CC_ENUM, "kind", pt_kind_labels},
    {"title", CC_TEXT, "title", NULL},
    {"lead_author", CC_NAME, "lead_author", NULL},
    {"co_signers", CC_PEOPLE, "co_signers", NULL},
    {"submitter_type", CC_ENUM, "submitter_type", pt_submitter_labels},
    {"delegation", CC_NAME, "delegation", NULL},
    {"category", CC_NAME, "category", NULL},
    {"tags", CC_LIST, "tags", NULL},
    {"background", CC_TEXT, "background", NULL},
    {"recommendations", CC_RECS, "recommendations", NULL},
    {"status", CC_ENUM, "status", pt_status_labels},
    {"merged_into", CC_MERGED_INTO, "merged_into", NULL},
    {"handling_mode", CC_ENUM, "handling_mode", pt_mode_labels},
    {"lead_units", CC_LEAD_UNITS, NULL, NULL},
    {"co_units", CC_CO_UNITS, NULL, NULL},
    {"assigned_at", CC_TIME, "assigned_at", NULL},
    {"due_at", CC_TIME, "due_at", NULL},
    {"rehandling_at", CC_TIME, "rehandling_at", NULL},
    {"replies_from", CC_TIME, "replies_from", NULL},
    {"overdue", CC_IGNORE, NULL, NULL},
    {"key_supervision", CC_BOOL, "key_supervision", NULL},
    {"supervisor", CC_NAME, "supervisor", NULL},
    {"doc_no", CC_DOC_NO, NULL, NULL},
    {"reply_category", CC_REPLY_CAT, NULL, NULL},
    {"replied_at", CC_REPLIED_AT, NULL, NULL},
    {"satisfaction", CC_SATISFACTION, NULL, NULL},
    {"source.format", CC_SOURCE_FORMAT, NULL, NULL},
    {"source.ref", CC_SOURCE_REF, NULL, NULL},
    {"created_at", CC_TIME, "created_at", NULL},
    {"updated_at", CC_TIME, "updated_at", NULL},
    {"units", CC_JSON_UNITS, NULL, NULL},
    {"replies", CC_JSON_REPLIES, NULL, NULL},
    {"feedback", CC_JSON_FEEDBACK, NULL, NULL},
    {"custom", CC_JSON_CUSTOM, NULL, NULL},
    {NULL, 0, NULL, NULL},
};

static bool same(const char *a, size_t na, const char *b)
{
    return strlen(b) == na && memcmp(a, b, na) == 0;
}

void csv_json_str(pt_str_t *b, const char *s, size_t n)
{
    pt_str_append(b, "\"", 1);
    pt_str_json(b, s, n);
    pt_str_append(b, "\"", 1);
}

const char *csv_column_zh(const csv_column_t *col)
{
    return pt_field_label(col->key);
}

/* Whether the header is one of a '|'-separated list. */
static bool in_list(const char *list, const char *header, size_t n)
{
    for (const char *a = list; a && *a;) {
        const char *bar = strchr(a, '|');
        size_t an = bar ? (size_t)(bar - a) : strlen(a);
        if (an == n && memcmp(a, header, n) == 0)
            return true;
        a += an + (bar ? 1 : 0);
    }
    return false;
}

static const csv_column_t *column_named(const char *header, size_t n)
{
    csv_trim(&header, &n);
    for (const csv_column_t *c = csv_columns; c->key; c++) {
        const pt_field_label_t *f = pt_field_find(c->key);
        if (same(header, n, c->key) || (f && same(header, n, f->zh)) ||
            (f && in_list(f->aliases, header, n)))
            return c;
    }
    return NULL;
}

/* The length of what joins two names in one header at s: / ／ 、 a line
 * break, or a bracket ( （ ) ）; 0 when there is none. */
static size_t joint_at(const char *s, size_t n)
{
    static const char *const joints[] = {
        "/", "\xEF\xBC\x8F" /* ／ */, "\xE3\x80\x81" /* 、 */, "\n", "\r", "(",
        ")", "\xEF\xBC\x88" /* （ */, "\xEF\xBC\x89" /* ） */};
    for (size_t i = 0; i < sizeof(joints) / sizeof(joints[0]); i++) {
        size_t jn = strlen(joints[i]);
        if (jn <= n && memcmp(s, joints[i], jn) == 0)
            return jn;
    }
    return 0;
}

/* A header that joins two names of one field, as a sheet shared by the
 * people's congress and the CPPCC writes it (领衔代表/第一提案人, 标题（案
 * 由）, 领衔代表\n（第一提案人）): the column every name names, or NULL
 * when the header has one name only, or a name of no field, or names of
 * two fields (主办单位/协办单位 gives neither). */
static const csv_column_t *column_joined(const char *header, size_t n)
{
    const csv_column_t *col = NULL;
    size_t names = 0, start = 0, i = 0, k;
    while (i <= n) {
        k = i < n ? joint_at(header + i, n - i) : 1;
        if (!k) {
            i++;
            continue;
        }
        if (!csv_blank(header + start, i - start)) {
            const csv_column_t *c = column_named(header + start, i - start);
            if (!c || (col && c != col))
                return NULL;
            col = c;
            names++;
        }
        i += k;
        start = i;
    }
    return names >= 2 ? col : NULL;
}

const csv_column_t *csv_column_by_header(const char *header, size_t n)
{
    const csv_column_t *c = column_named(header, n);
    return c ? c : column_joined(header, n);
}

const csv_column_t *csv_column_by_key(const char *key)
{
    for (const csv_column_t *c = csv_columns; c->key; c++)
        if (strcmp(c->key, key) == 0)
            return c;
    return NULL;
}

/* ---- Text ------------------------------------------------------------- */

/* The length of the white space character at s (ASCII or U+3000), or 0. */
static size_t space_at(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
        return 3;
    return 0;
}

/* The length of the white space ending at s + n, or 0. */
static size_t space_before(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = (unsigned char)s[n - 1];
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
        return 3;
    return 0;
}

void csv_trim(const char **s, size_t *n)
{
    size_t k;
    while (*n > 0 && (k = space_at(*s, *n)) > 0) {
        *s += k;
        *n -= k;
    }
    while ((k = space_before(*s, *n)) > 0)
        *n -= k;
}

bool csv_blank(const char *s, size_t n)
{
    return pt_utf8_blank(s, n);
}

/* Separators of name lists: 、 ， , ; ； and line breaks. */
static size_t name_sep_at(const char *s, size_t n)
{
    if (*s == ',' || *s == ';' || *s == '\n' || *s == '\r')
        return 1;
    if (n >= 3 && (memcmp(s, "\xE3\x80\x81", 3) == 0 || memcmp(s, "\xEF\xBC\x8C", 3) == 0 ||
                   memcmp(s, "\xEF\xBC\x9B", 3) == 0))
        return 3;
    return 0;
}

/* Calls fn for each piece of s[0..n) between runs of white space (s is
 * trimmed), or, with `check`, returns 1 when every piece looks like a
 * person's name and 0 at the first that does not, calling nothing. */
static int each_spaced(const char *s, size_t n, bool check, csv_item_fn fn, void *ctx)
{
    size_t i = 0, k;
    while (i < n) {
        size_t start = i;
        while (i < n && space_at(s + i, n - i) == 0)
            i++;
        if (check && !pt_person_name_zh(s + start, i - start))
            return 0;
        int rc = check ? 0 : fn(ctx, s + start, i - start);
        if (rc != 0)
            return rc;
        while (i < n && (k = space_at(s + i, n - i)) > 0)
            i += k;
    }
    return check ? 1 : 0;
}

static int emit_trimmed(const char *s, size_t n, bool people, csv_item_fn fn, void *ctx)
{
    csv_trim(&s, &n);
    if (n == 0)
        return 0;
    /* Names of people separated by blanks only: 张三 李四　王五. Split only
     * when every piece is a name, so that John Smith, 张　三 and a piece
     * with a title or a number stay as they are. */
    if (people && each_spaced(s, n, true, NULL, NULL) == 1)
        return each_spaced(s, n, false, fn, ctx);
    return fn(ctx, s, n);
}

static int split_names(const char *s, size_t n, bool people, csv_item_fn fn, void *ctx)
{
    size_t start = 0, i = 0, k;
    int rc;
    while (i < n) {
        if ((k = name_sep_at(s + i, n - i)) > 0) {
            if ((rc = emit_trimmed(s + start, i - start, people, fn, ctx)) != 0)
                return rc;
            i += k;
            start = i;
        } else {
            i++;
        }
    }
    return emit_trimmed(s + start, n - start, people, fn, ctx);
}

int csv_split_names(const char *s, size_t n, csv_item_fn fn, void *ctx)
{
    return split_names(s, n, false, fn, ctx);
}

int csv_split_people(const char *s, size_t n, csv_item_fn fn, void *ctx)
{
    return split_names(s, n, true, fn, ctx);
}

/* Recommendations -------------------------------------------------------- */

static const char *const zh_digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

/* k (1..99) in Chinese numerals: 一, 十, 十一, 二十, 二十一. */
static bool zh_number(int k, char *buf, size_t len)
{
    if (k < 1 || k > 99)
        return false;
    int tens = k / 10, ones = k % 10;
    snprintf(buf, len, "%s%s%s", tens > 1 ? zh_digits[tens] : "", tens ? "十" : "",
             zh_digits[ones]);
    return true;
}

bool csv_recs_marker(int k, char *buf, size_t len)
{
    char num[16];
    if (!zh_number(k, num, sizeof(num)))
        return false;
    snprintf(buf, len, "（%s）", num);
    return true;
}

/* The numbering styles, tried in this order: the levels of a Chinese
 * document from the top (一、 then （一） then 1.), then the inline 一是,
 * then the numbers of one character (①, ⑴, ⒈) and 第一，. */
typedef enum {
    STYLE_ZH_DUN = 0, /* 一、 二、 */
    STYLE_PARA,       /* （一） (二) */
    STYLE_LINES,      /* 1. 2、 ３． (1) */
    STYLE_INLINE,     /* 一是 二是 */
    STYLE_CIRCLED,    /* ① ② or ⑴ ⑵ or ⒈ ⒉: a number in one character */
    STYLE_DI,         /* 第一， 第二、 */
    STYLE_END,
} recs_style_t;

/* The text being split, and whether its quotes pair up (“” 「」 『』 and
 * "), in which case no marker is looked for inside them: "一是一、二是二"
 * quoted in an ask is a saying, not a list. */
typedef struct {
    const char *s;
    size_t n;
    bool quotes;
} recs_t;

/* +1 for an opening quote at s, -1 for a closing one, 2 for ", else 0;
 * *len is set to its length. */
static int quote_at(const char *s, size_t n, size_t *len)
{
    static const char *const opens[] = {"“", "「", "『"};
    static const char *const closes[] = {"”", "」", "』"};
    *len = 1;
    if (*s == '"')
        return 2;
    *len = 3;
    for (size_t i = 0; n >= 3 && i < 3; i++) {
        if (memcmp(s, opens[i], 3) == 0)
            return 1;
        if (memcmp(s, closes[i], 3) == 0)
            return -1;
    }
    return 0;
}

static bool quotes_pair(const char *s, size_t n)
{
    long depth = 0;
    bool ascii = false;
    for (size_t i = 0, len; i < n; i += len) {
        int q = quote_at(s + i, n - i, &len);
        if (q == 2)
            ascii = !ascii;
        else if (q)
            depth += q;
        else
            len = 1;
        if (depth < 0)
            return false;
    }
    return depth == 0 && !ascii;
}

/* Whether a numbered marker (1. 一、) may start at pos: at the start of a
 * line, or after the end of a clause (。；：), white space between. "第1、2
 * 项" and "统一、协调" hold markers' text, but not where one starts. */
static bool clause_start(const char *s, size_t pos)
{
    while (pos > 0 && (s[pos - 1] == ' ' || s[pos - 1] == '\t'))
        pos--;
    while (pos >= 3 && memcmp(s + pos - 3, "\xE3\x80\x80", 3) == 0)
        pos -= 3;
    if (pos == 0)
        return true;
    if (strchr("\r\n;:", s[pos - 1]))
        return true;
    return pos >= 3 && (memcmp(s + pos - 3, "。", 3) == 0 || memcmp(s + pos - 3, "；", 3) == 0 ||
                        memcmp(s + pos - 3, "：", 3) == 0);
}

/* Whether a marker may start at pos: at the start, after white space, or
 * after punctuation that ends a clause. "统一是关键" holds "一是" but not
 * as a marker, because 统 is none of these. */
static bool boundary(const char *s, size_t pos, recs_style_t style)
{
    if (pos == 0)
        return true;
    if (style == STYLE_LINES || style == STYLE_ZH_DUN)
        return clause_start(s, pos);
    unsigned char c = (unsigned char)s[pos - 1];
    if (strchr(" \t\r\n.;:,!?", c))
        return true;
    static const char *const puncts[] = {"。", "；", "：", "，", "、", "！", "？", "\xE3\x80\x80"};
    for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++)
        if (pos >= 3 && memcmp(s + pos - 3, puncts[i], 3) == 0)
            return true;
    return false;
}

/* The length of the text at s that equals one of alts, or 0. */
static size_t one_of(const char *s, size_t n, const char *const *alts, size_t n_alts)
{
    for (size_t i = 0; i < n_alts; i++) {
        size_t an = strlen(alts[i]);
        if (an <= n && memcmp(s, alts[i], an) == 0)
            return an;
    }
    return 0;
}

/* The value of the digit at s, ASCII or full width (１), or -1; *len is
 * set to its length. */
static int digit_at(const char *s, size_t n, size_t *len)
{
    *len = 1;
    if (n >= 1 && s[0] >= '0' && s[0] <= '9')
        return s[0] - '0';
    *len = 3;
    if (n >= 3 && memcmp(s, "\xEF\xBC", 2) == 0 && (unsigned char)s[2] >= 0x90 &&
        (unsigned char)s[2] <= 0x99)
        return (unsigned char)s[2] - 0x90;
    return -1;
}

/* The length of marker k of the style at s, or 0. */
static size_t marker_at(const char *s, size_t n, int k, recs_style_t style)
{
    static const char *const opens[] = {"（", "("};
    static const char *const closes[] = {"）", ")"};
    static const char *const dots[] = {"．", ".", "、", "）", ")"};
    char num[16];
    size_t i = 0, m, dl;
    if (style == STYLE_LINES) {
        size_t open = one_of(s, n, opens, 2);
        int value = 0, d;
        i = open;
        while (i < n && value <= 99 && (d = digit_at(s + i, n - i, &dl)) >= 0) {
            value = value * 10 + d;
            i += dl;
        }
        if (i == open || value != k)
            return 0;
        m = open ? one_of(s + i, n - i, closes, 2) : one_of(s + i, n - i, dots, 5);
        /* "1.5亿" is a number, not a marker ("2、3号线" may be one: see
         * find_marker). */
        if (!m || (!open && (s[i] == '.' || (n - i >= 3 && memcmp(s + i, "．", 3) == 0)) &&
                   digit_at(s + i + m, n - i - m, &dl) >= 0))
            return 0;
        return i + m;
    }
    if (style == STYLE_CIRCLED) {
        /* ① U+2460, ⑴ U+2474, ⒈ U+2488: 20 of each, three bytes in
         * UTF-8 (E2 91 A0 .. E2 92 9B). */
        if (k < 1 || k > 20 || n < 3)
            return 0;
        for (unsigned first = 0x2460; first <= 0x2488; first += 0x14) {
            unsigned c = first + (unsigned)(k - 1);
            char u[3] = {(char)(0xE0 | (c >> 12)), (char)(0x80 | ((c >> 6) & 0x3F)),
                         (char)(0x80 | (c & 0x3F))};
            if (memcmp(s, u, 3) == 0)
                return 3;
        }
        return 0;
    }
    if (!zh_number(k, num, sizeof(num)))
        return 0;
    size_t nn = strlen(num);
    if (style == STYLE_DI) {
        /* 第一， 第一、 第一： (not 第一次, 第一批) */
        static const char *const after[] = {"，", "、", "：", ",", ":"};
        if (n < 3 + nn || memcmp(s, "第", 3) != 0 || memcmp(s + 3, num, nn) != 0)
            return 0;
        m = one_of(s + 3 + nn, n - 3 - nn, after, 5);
        return m ? 3 + nn + m : 0;
    }
    if (style == STYLE_PARA) {
        size_t open = one_of(s, n, opens, 2);
        if (!open || open + nn > n || memcmp(s + open, num, nn) != 0)
            return 0;
        m = one_of(s + open + nn, n - open - nn, closes, 2);
        return m ? open + nn + m : 0;
    }
    if (nn > n || memcmp(s, num, nn) != 0)
        return 0;
    if (style == STYLE_ZH_DUN) {
        /* 一、, and 一． or 一. typed for it (not 一.5) */
        static const char *const dun[] = {"、", "．", "."};
        m = one_of(s + nn, n - nn, dun, 3);
        bool dun_mark = m == 3 && memcmp(s + nn, "、", 3) == 0;
        if (m && !dun_mark && digit_at(s + nn + m, n - nn - m, &dl) >= 0)
            return 0;
        return m ? nn + m : 0;
    }
    if (nn + 3 > n || memcmp(s + nn, "是", 3) != 0)
        return 0;
    return nn + 3;
}

/* Whether the marker s[pos..pos+len) of the style is a list of numbers
 * that goes on a sentence: 2、 before a digit (2、3号线延伸段…) at the
 * start of a line whose line before left its sentence open, as a narrow
 * column wraps 1、加快推进地铁 / 2、3号线延伸段建设. After a line that
 * ended its sentence, 2、3年内建成… is ask 2 as any other. */
static bool number_list(const char *s, size_t n, size_t pos, size_t len, recs_style_t style)
{
    static const char *const ends[] = {"。", "；", "：", "！", "？", "…", "）", "”", "」"};
    size_t dl;
    if (style != STYLE_LINES || len < 3 || memcmp(s + pos + len - 3, "、", 3) != 0 ||
        digit_at(s + pos + len, n - pos - len, &dl) < 0)
        return false;
    size_t p = pos;
    while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == '\t'))
        p--;
    if (p == 0 || s[p - 1] != '\n')
        return false;
    p--;
    /* The end of the line before, past its CR and white space. */
    while (p > 0 && (s[p - 1] == '\r' || s[p - 1] == ' ' || s[p - 1] == '\t'))
        p--;
    while (p >= 3 && memcmp(s + p - 3, "\xE3\x80\x80", 3) == 0)
        p -= 3;
    if (p == 0 || strchr("\n.;:!?)", s[p - 1]))
        return false;
    for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
        if (p >= 3 && memcmp(s + p - 3, ends[i], 3) == 0)
            return false;
    return true;
}

/* Finds marker k at or after from, outside quotes; sets *len. Returns its
 * position or n. */
static size_t find_marker(const recs_t *r, size_t from, int k, recs_style_t style, size_t *len)
{
    long depth = 0;
    bool ascii = false;
    for (size_t pos = 0, ql; pos < r->n; pos++) {
        int q = r->quotes ? quote_at(r->s + pos, r->n - pos, &ql) : 0;
        if (q) {
            if (q == 2)
                ascii = !ascii;
            else
                depth += q;
            pos += ql - 1;
            continue;
        }
        if (pos < from || depth > 0 || ascii || !boundary(r->s, pos, style))
            continue;
        size_t m = marker_at(r->s + pos, r->n - pos, k, style);
        if (m && !number_list(r->s, r->n, pos, m, style)) {
            *len = m;
            return pos;
        }
    }
    return r->n;
}

/* Trims an item: white space, then a trailing clause separator ；; ，, ;
 * *seps stays true while every item so far ended with one. The last item
 * (last) of a list whose others all did loses its closing 。 too, which
 * ends the whole list there: 一是加大投入；二是完善机制。 gives 完善机制 as
 * it gives 加大投入. A list whose asks each end with 。 keeps them, as
 * one whose asks end with nothing does: the csv exporter writes asks on
 * lines as they are, and they read back so. */
static int emit_item(const char *s, size_t n, bool last, bool *seps, csv_item_fn fn, void *ctx)
{
    static const char *const tails[] = {"；", "，", ";", ","};
    bool cut_any = false;
    for (;;) {
        csv_trim(&s, &n);
        size_t cut = 0;
        for (size_t i = 0; i < 4 && !cut; i++) {
            size_t tn = strlen(tails[i]);
            if (n >= tn && memcmp(s + n - tn, tails[i], tn) == 0)
                cut = tn;
        }
        if (!cut)
            break;
        n -= cut;
        cut_any = true;
    }
    if (last && *seps && n >= strlen("。") &&
        memcmp(s + n - strlen("。"), "。", strlen("。")) == 0) {
        n -= strlen("。");
        csv_trim(&s, &n);
    } else if (!last && !cut_any) {
        *seps = false;
    }
    return n ? fn(ctx, s, n) : 0;
}

int csv_split_recommendations(const char *s, size_t n, csv_item_fn fn, void *ctx)
{
    csv_trim(&s, &n);
    recs_t r = {s, n, quotes_pair(s, n)};
    for (recs_style_t style = STYLE_ZH_DUN; style < STYLE_END; style++) {
        size_t len1, len2;
        size_t p1 = find_marker(&r, 0, 1, style, &len1);
        if (p1 == n)
            continue;
        /* One marker is no list: "1. 看似编号" is an ask that begins so. */
        size_t p2 = find_marker(&r, p1 + len1, 2, style, &len2);
        if (p2 == n)
            continue;
        const char *pre = s;
        size_t pre_n = p1;
        csv_trim(&pre, &pre_n);
        int rc;
        bool intro = pre_n > 0 && ((pre[pre_n - 1] == ':') ||
                                   (pre_n >= 3 && memcmp(pre + pre_n - 3, "：", 3) == 0));
        bool seps = true;
        if (pre_n > 0 && !intro && (rc = emit_item(pre, pre_n, false, &seps, fn, ctx)) != 0)
            return rc;
        size_t pos = p1, len = len1;
        for (int k = 2;; k++) {
            size_t next_len = 0;
            size_t next = find_marker(&r, pos + len, k, style, &next_len);
            if ((rc = emit_item(s + pos + len, next - pos - len, next == n, &seps, fn, ctx)) != 0)
                return rc;
            if (next == n)
                return 0;
            pos = next;
            len = next_len;
        }
    }
    /* No numbering: one ask per non-empty line. */
    size_t start = 0;
    int rc;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\n') {
            if ((rc = emit_trimmed(s + start, i - start, false, fn, ctx)) != 0)
                return rc;
            start = i + 1;
        }
    }
    return 0;
}

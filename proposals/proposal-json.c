/*
 * proposal-json.c - a proposal to JSON and back, with validation.
 *
 * Everything is driven by the field table below (see proposal-fields.h):
 * pt_proposal_to_json() writes the rows in order, pt_proposal_from_json()
 * decodes each member through its row, and the merge patch reuses the same
 * per-field decoder. Because the store keeps exactly what the encoder wrote
 * and reads it back through the decoder, the two must agree on every field;
 * sharing one table is how that stays true.
 *
 * Validation never stops at the first problem: a client fixing a form wants
 * to hear about every field at once, so each problem is added to the error's
 * details.fields and the decoding goes on.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-strict.h"
#include "proposal-fields.h"
#include "timefmt.h"
#include "utf8.h"

static const char *const kinds[] = {"suggestion", "motion", "proposal", "other", NULL};
static const char *const submitter_types[] = {"individual", "joint", "delegation", "group", NULL};
static const char *const handling_modes[] = {"lead_co", "separate", "single", NULL};
static const char *const unit_roles[] = {"lead", "co", "separate", NULL};
static const char *const reply_categories[] = {"A", "B", "C", "D", NULL};
static const char *const reply_kinds[] = {"first", "again", "supplementary", NULL};
static const char *const satisfactions[] = {"satisfied", "basically_satisfied", "unsatisfied",
                                            NULL};

#define OFF(m) offsetof(pt_proposal_t, m)

/* The order of docs/api.md, The proposal, which is the order clients see. */
const pt_pfield_t pt_pfields[] = {
    {"id", PF_ID, OFF(id), NULL, 0},
    {"number", PF_IDENT, OFF(number), NULL, PF_CREATE | PF_EDIT},
    {"kind", PF_ENUM, OFF(kind), kinds, PF_CREATE | PF_EDIT},
    {"session", PF_IDENT, OFF(session), NULL, PF_CREATE | PF_EDIT},
    {"title", PF_TITLE, OFF(title), NULL, PF_CREATE | PF_EDIT},
    {"background", PF_STRING, OFF(background), NULL, PF_CREATE | PF_EDIT | PF_PROSE},
    {"recommendations", PF_STRV, OFF(recommendations), NULL, PF_CREATE | PF_EDIT | PF_PROSE},
    {"submitter_type", PF_ENUM, OFF(submitter_type), submitter_types, PF_CREATE | PF_EDIT},
    {"lead_author", PF_STRING, OFF(lead_author), NULL, PF_CREATE | PF_EDIT | PF_TRIM | PF_PERSON},
    {"co_signers", PF_STRV, OFF(co_signers), NULL, PF_CREATE | PF_EDIT | PF_TRIM | PF_PERSON},
    {"delegation", PF_STRING, OFF(delegation), NULL, PF_CREATE | PF_EDIT | PF_TRIM | PF_LABEL},
    {"category", PF_CATEGORY, OFF(category), NULL, PF_CREATE | PF_EDIT | PF_TRIM | PF_LABEL},
    {"tags", PF_STRV, OFF(tags), NULL, PF_CREATE | PF_EDIT | PF_TRIM | PF_LABEL},
    {"status", PF_STRING, OFF(status), NULL, PF_CREATE},
    {"handling_mode", PF_ENUM, OFF(handling_mode), handling_modes, 0},
    {"units", PF_UNITS, OFF(units), NULL, 0},
    {"assigned_at", PF_TIME, OFF(assigned_at), NULL, 0},
    {"due_at", PF_TIME, OFF(due_at), NULL, 0},
    {"rehandling_at", PF_TIME, OFF(rehandling_at), NULL, 0},
    {"replies_from", PF_TIME, OFF(replies_from), NULL, 0},
    {"overdue", PF_OVERDUE, 0, NULL, 0},
    {"key_supervision", PF_BOOL, OFF(key_supervision), NULL, PF_CREATE},
    {"supervisor", PF_STRING, OFF(supervisor), NULL, PF_CREATE | PF_TRIM | PF_PERSON},
    {"replies", PF_REPLIES, OFF(replies), NULL, 0},
    {"feedback", PF_FEEDBACK, OFF(feedback), NULL, 0},
    {"merged_into", PF_REF, OFF(merged_into), NULL, 0},
    {"source", PF_SOURCE, 0, NULL, PF_CREATE},
    {"custom", PF_CUSTOM, 0, NULL, PF_CREATE | PF_EDIT},
    {"version", PF_COUNT, OFF(version), NULL, 0},
    {"created_at", PF_TIME, OFF(created_at), NULL, 0},
    {"updated_at", PF_TIME, OFF(updated_at), NULL, 0},
};

const size_t pt_n_pfields = sizeof(pt_pfields) / sizeof(pt_pfields[0]);

const pt_pfield_t *pt_pfield_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < pt_n_pfields; i++)
        if (strcmp(pt_pfields[i].name, name) == 0)
            return &pt_pfields[i];
    return NULL;
}

#define MEMBER(p, f, type) ((type *)((char *)(p) + (f)->off))
#define CMEMBER(p, f, type) ((const type *)((const char *)(p) + (f)->off))

/* The length of the Unicode space at u (White_Space: U+00A0, U+1680,
 * U+2000..U+200A, the line and paragraph separators U+2028 and U+2029,
 * U+202F, U+205F, the ideographic space U+3000), or 0. ASCII white space
 * is the caller's. The zero-width characters (U+200B, U+FEFF, ...) are no
 * spaces: a name keeps one that stands beside no Chinese character (but
 * text of nothing else is blank: pt_str_blank). */
static size_t unicode_space_at(const unsigned char *u)
{
    uint32_t cp;
    size_t n;

    if (u[0] >= 0xC2 && u[0] < 0xE0 && (u[1] & 0xC0) == 0x80) {
        cp = (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3Fu);
        n = 2;
    } else if (u[0] >= 0xE0 && u[0] < 0xF0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3Fu);
        n = 3;
    } else {
        return 0;
    }
    if (cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
        cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000)
        return n;
    return 0;
}

/* The code point of the UTF-8 character at u and its length in *len;
 * 0 for a byte that starts none (*len 1). */
static uint32_t cp_at(const unsigned char *u, size_t *len)
{
    *len = 1;
    if (u[0] < 0x80)
        return u[0];
    size_t n = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 0;
    if (n == 0)
        return 0;
    uint32_t cp = u[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (u[i] & 0x3F);
    }
    *len = n;
    return cp;
}

/* The characters that show nothing and that copying a name from a web
 * page or a document brings along (pt_utf8_zero_width). Text of them and
 * spaces alone shows nothing, and is blank (pt_str_blank). */
static bool name_invisible(uint32_t cp)
{
    return cp <= INT32_MAX && pt_utf8_zero_width((int32_t)cp);
}

/* The importers' rule (pt_utf8_blank), so that a cell they pass over as
 * blank is a field ptrackd takes as blank, and the other way round. */
bool pt_str_blank(const char *s)
{
    return pt_utf8_blank(s, strlen(s));
}

/* Whether the UTF-8 character at u is Chinese, Japanese or full-width
 * (CJK radicals and punctuation, kana, the unified ideographs, the
 * compatibility ideographs, the full-width forms, the supplementary
 * ideographs): script written without spaces between words. Anything else,
 * a broken sequence too, is not. */
static bool cjk_at(const unsigned char *u)
{
    uint32_t cp;
    if (u[0] >= 0xE0 && u[0] < 0xF0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80)
        cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3Fu);
    else if (u[0] >= 0xF0 && u[0] < 0xF5 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80 &&
             (u[3] & 0xC0) == 0x80)
        cp = (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
             (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3Fu);
    else
        return false;
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* A copy of a client's text without the spaces around it (ASCII, and
 * every Unicode space: U+00A0, U+3000, an em space U+2003...), on one line: a line break or a tab
 * inside, with the spaces around it, is where a line of a document or a cell of a sheet was broken,
 * and goes (between two Chinese characters, where a break adds nothing: see cjk_at) or is one space
 * (beside anything else: "Wi-Fi\n6" is "Wi-Fi 6", "Café\nétoile" is "Café étoile"); U+2028 and
 * U+2029 are line breaks too. Spaces alone stay as they are. With fold, also full-width ASCII
 * (U+FF01..U+FF5E) and the Unicode spaces inside as ASCII: how a number or a session is kept, so
 * that "１２ " and "12", typed in different offices' sheets, are one number. Text that is then only
 * other Unicode spaces (pt_str_blank: an em space U+2003) is "", as blank text is none. NULL when
 * out of memory. */
char *pt_text_clean(const char *s, bool fold)
{
    char *out = malloc(strlen(s) + 1);
    if (out == NULL)
        return NULL;
    size_t n = 0, keep = 0; /* keep: the length up to the last non-space */
    size_t run = 0;         /* where the spaces since the last non-space begin */
    bool broken = false;    /* and whether they hold a line break or a tab */
    bool wide = false;      /* whether the last non-space character is CJK (cjk_at) */
    for (const unsigned char *u = (const unsigned char *)s; *u;) {
        unsigned c = *u; /* what u stands for, when it is folded to ASCII */
        size_t len = 1;  /* its bytes */
        size_t other;    /* the bytes of a Unicode space not named below */
        if (u[0] == 0xC2 && u[1] == 0xA0) {
            c = ' ';
            len = 2;
        } else if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) {
            c = ' ';
            len = 3;
        } else if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9)) {
            /* U+2028 and U+2029, the line and paragraph separators, which
             * text converted from Word or a PDF holds: a line break. */
            c = '\n';
            len = 3;
        } else if ((other = unicode_space_at(u)) > 0) {
            /* Another Unicode space (an em space, a narrow no-break
             * space), pasted from a document as U+00A0 and U+3000 are:
             * none around the text either. */
            c = ' ';
            len = other;
        } else if (fold && u[0] == 0xEF && (u[1] == 0xBC || u[1] == 0xBD) && u[2] >= 0x80 &&
                   u[2] <= 0xBF) {
            /* U+FF00..U+FF7F is EF BC 80..EF BD BF. */
            unsigned cp = 0xFF00u + ((u[1] - 0xBCu) << 6) + (u[2] - 0x80u);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                c = cp - 0xFF01u + 0x21u;
                len = 3;
            }
        }
        bool space = c == ' ' || (c >= '\t' && c <= '\r');
        /* A full-width letter or digit written as ASCII is ASCII here. */
        bool cjk = !(fold && len > 1 && c < 0x80) && cjk_at(u);
        if (space && n == 0) {
            u += len;
            continue;
        }
        if (space) {
            if (keep == n) {
                run = n;
                broken = false;
            }
            broken = broken || c != ' ';
        } else if (keep < n && broken) {
            /* The spaces since the last non-space held a break: none
             * between two wide characters, else one. */
            n = run;
            if (!(wide && cjk))
                out[n++] = ' ';
        }
        if (len > 1 && c < 0x80 && fold) {
            out[n++] = (char)c;
        } else {
            for (size_t i = 0; i < len; i++)
                out[n++] = (char)u[i];
        }
        if (!space) {
            keep = n;
            /* A continuation byte belongs to the character its lead began. */
            if ((*u & 0xC0) != 0x80)
                wide = cjk;
        }
        u += len;
    }
    out[keep] = '\0';
    /* Text of other Unicode spaces alone (an em space, a narrow no-break
     * space: pt_str_blank) is as blank as ASCII spaces are, and so none. */
    if (pt_str_blank(out))
        out[0] = '\0';
    return out;
}

/* The length of the space at u (ASCII space, U+00A0, U+3000), or 0. */
static size_t space_at(const unsigned char *u)
{
    if (u[0] == ' ')
        return 1;
    if (u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

/* The length of the UTF-8 character at u (1 for a stray byte). */
static size_t char_len(const unsigned char *u)
{
    size_t n = 1;
    while ((u[n] & 0xC0) == 0x80)
        n++;
    return n;
}

/* An ideograph a name is written with: the unified ones and every
 * extension, the compatibility ones, 〇, and an office's 造字 in the
 * private use area. */
static bool name_han(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x323AF) || (cp >= 0xE000 && cp <= 0xF8FF) || cp == 0x3007;
}

/* The dots that stand between the parts of a transliterated name
 * (阿卜杜拉·买买提) in what people type and paste: · U+00B7 as GB 2312 and
 * GB18030 have it (A1A4), and ・ U+30FB, ･ U+FF65, • U+2022, ‧ U+2027,
 * ∙ U+2219, ⋅ U+22C5, · U+0387, ． U+FF0E and the full stop. */
static bool name_dot(uint32_t cp)
{
    return cp == 0xB7 || cp == 0x30FB || cp == 0xFF65 || cp == 0x2022 || cp == 0x2027 ||
           cp == 0x2219 || cp == 0x22C5 || cp == 0x387 || cp == 0xFF0E || cp == '.';
}

/* The code point of the first character at u that is not invisible; 0 at
 * the end. */
static uint32_t next_visible(const unsigned char *u)
{
    size_t len;
    uint32_t cp;
    while (*u && name_invisible(cp = cp_at(u, &len)))
        u += len;
    return *u ? pt_utf8_radical_unified(cp_at(u, &len)) : 0;
}

/* s without the invisible characters beside an ideograph, with each
 * Kangxi radical as the ideograph it stands for (text copied from a PDF
 * writes 田 U+7530 as ⽥ U+2F65, which looks the same) and, with dots
 * (a person's name), each dot of name_dot that stands between two
 * ideographs as U+00B7. Only a full stop (one byte) becomes longer (two),
 * and each follows an ideograph of three bytes or more, so n + n / 2
 * bytes hold the result. Ownership: s is freed, the result returned (NULL
 * when out of memory). */
static char *name_marks(char *s, bool dots)
{
    size_t n = strlen(s), len;
    char *out = malloc(n + n / 2 + 1);
    if (out == NULL) {
        free(s);
        return NULL;
    }
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0;
    uint32_t prev = 0; /* the last character kept */
    for (size_t i = 0; i < n; i += len) {
        uint32_t cp = cp_at(u + i, &len);
        if (name_invisible(cp) && (name_han(prev) || name_han(next_visible(u + i + len))))
            continue;
        uint32_t unified = pt_utf8_radical_unified(cp);
        if (unified != cp) {
            /* Three bytes for three: a radical and its ideograph are both
             * in the BMP above U+0800. */
            out[o++] = (char)(0xE0 | unified >> 12);
            out[o++] = (char)(0x80 | (unified >> 6 & 0x3F));
            out[o++] = (char)(0x80 | (unified & 0x3F));
            prev = unified;
            continue;
        }
        if (dots && name_dot(cp) && name_han(prev) && name_han(next_visible(u + i + len))) {
            out[o++] = (char)0xC2;
            out[o++] = (char)0xB7;
        } else {
            memcpy(out + o, s + i, len);
            o += len;
        }
        prev = cp;
    }
    out[o] = '\0';
    free(s);
    return out;
}

char *pt_name_clean(const char *s)
{
    char *out = pt_text_clean(s, false);
    if (out == NULL)
        return NULL;
    /* One person however the dot of a transliterated name was typed, and
     * whatever invisible characters or radicals a copy brought along:
     * 艾力・买买提, 艾力.买买提 and 艾力·买<U+200B>买提 are 艾力·买买提,
     * ⽥⼒ (U+2F65 U+2F12) is 田力, so that a delegate bound to one and a
     * filter by it find the others. */
    if ((out = name_marks(out, true)) == NULL)
        return NULL;
    /* pt_text_clean left it on one line, with no space at either end. The
     * spaces go only when they stand between single Chinese characters
     * and nothing else: "王　芳" is one person, but "王芳 李四" is two
     * names that a list separated with a space, and is left for the
     * reader to see. */
    const unsigned char *u = (const unsigned char *)out;
    size_t chars = 0;
    while (*u) {
        if (!cjk_at(u) || space_at(u))
            return out;
        u += char_len(u);
        chars++;
        size_t run = 0, len;
        while ((len = space_at(u + run)) > 0)
            run += len;
        if (run == 0 && *u)
            return out; /* two characters side by side: a word of its own */
        u += run;
    }
    if (chars < 2)
        return out;
    char *w = out;
    for (u = (const unsigned char *)out; *u;) {
        size_t len = space_at(u);
        if (len > 0) {
            u += len;
            continue;
        }
        len = char_len(u);
        memmove(w, u, len);
        w += len;
        u += len;
    }
    *w = '\0';
    return out;
}

char *pt_unit_name_clean(const char *s)
{
    char *out = pt_text_clean(s, false);
    /* One unit whatever invisible characters or radicals a copy from a
     * web page, an OA system or a PDF brought along: 财政厅<U+200B> is
     * 财政厅, ⼯信厅 (U+2F2F) is 工信厅. A dot stays as typed (a unit's
     * name is not transliterated), and so do the spaces inside. */
    return out ? name_marks(out, false) : NULL;
}

char *pt_label_clean(const char *s)
{
    /* One tag, delegation or category however it was pasted, as one unit
     * (两会<U+200B> is 两会, ⽣态 is 生态, 山西代表团<U+200B> is 山西代表团),
     * so that the filters and the figures by each find every proposal so
     * labelled, and a configured category is chosen however it was
     * pasted: the same rules, none of a person's. */
    return pt_unit_name_clean(s);
}

/* A client's text of field f as it is kept: a person's name by
 * pt_name_clean, a label (a tag, a delegation, a category) by
 * pt_label_clean, other text by pt_text_clean. */
static char *clean(const pt_pfield_t *f, const char *s)
{
    return (f->flags & PF_PERSON)  ? pt_name_clean(s)
           : (f->flags & PF_LABEL) ? pt_label_clean(s)
                                   : pt_text_clean(s, false);
}

/* "one, two, three" of a NULL-terminated list, for messages. */
static const char *join_values(const char *const *values, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; values[i] && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", values[i]);
    return buf;
}

static bool in_list(const char *s, const char *const *values)
{
    for (size_t i = 0; values[i]; i++)
        if (strcmp(s, values[i]) == 0)
            return true;
    return false;
}

/* A JSON number that is an integer cJSON holds exactly: doubles are exact up
 * to 2^53, which covers every id and every millisecond time. */
static bool json_int64(const cJSON *v, int64_t *out)
{
    double d;

    if (!cJSON_IsNumber(v))
        return false;
    d = v->valuedouble;
    /* The range test is written so that NaN fails it too; only then is the
     * conversion to int64_t defined. No libm: the domain links cJSON only. */
    if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) || d != (double)(int64_t)d)
        return false;
    *out = (int64_t)d;
    return true;
}

/* Checks that v is a string of valid UTF-8. cJSON built by other code (or
 * parsed without pt_json_parse) may hold any bytes, and such bytes must not
 * reach the store or, worse, the JSON the API writes. A client's text
 * (strict) may hold no control character but tabs and line breaks
 * (pt_text_control); the store's own documents are read as written. */
static bool json_text(const cJSON *v, const char *path, bool strict, pt_error_t *err)
{
    if (!cJSON_IsString(v) || v->valuestring == NULL) {
        pt_error_add_field(err, path, "must be a string");
        return false;
    }
    if (!pt_utf8_valid(v->valuestring, strlen(v->valuestring))) {
        pt_error_add_field(err, path, "must be valid UTF-8");
        return false;
    }
    char why[200];
    if (strict && pt_text_refusal(v->valuestring, why, sizeof(why))) {
        pt_error_add_field(err, path, "%s", why);
        return false;
    }
    return true;
}

static bool json_time(const cJSON *v, const char *path, int64_t *out, pt_error_t *err)
{
    if (!cJSON_IsString(v) || v->valuestring == NULL || pt_time_parse(v->valuestring, out) != 0) {
        pt_error_add_field(err, path, "must be an RFC 3339 time such as 2026-03-05T09:00:00Z");
        return false;
    }
    return true;
}

static void replace_str(char **slot, char *s)
{
    free(*slot);
    *slot = s;
}

/* Sub-objects (units, replies, feedback, source) are decoded and encoded by
 * a table of their members too. */
typedef enum { SF_STRING, SF_ENUM, SF_TIME } sf_type_t;

typedef struct {
    const char *name;
    sf_type_t type;
    size_t off;
    const char *const *values;
    bool required;
    /* A name a client's is kept as names are: 'u' a unit's
     * (pt_unit_name_clean), 'p' a person's (pt_name_clean), 0 none. */
    char keep;
} subfield_t;

static const subfield_t unit_fields[] = {
    {"name", SF_STRING, offsetof(pt_unit_t, name), NULL, true, 'u'},
    {"role", SF_ENUM, offsetof(pt_unit_t, role), unit_roles, true, false},
    {"signed_at", SF_TIME, offsetof(pt_unit_t, signed_at), NULL, false, false},
    {"opinion_at", SF_TIME, offsetof(pt_unit_t, opinion_at), NULL, false, false},
    {"opinion", SF_STRING, offsetof(pt_unit_t, opinion), NULL, false, false},
    {NULL, SF_STRING, 0, NULL, false, false},
};

static const subfield_t reply_fields[] = {
    {"unit", SF_STRING, offsetof(pt_reply_t, unit), NULL, false, 'u'},
    {"doc_no", SF_STRING, offsetof(pt_reply_t, doc_no), NULL, false, false},
    {"category", SF_ENUM, offsetof(pt_reply_t, category), reply_categories, false, false},
    {"text", SF_STRING, offsetof(pt_reply_t, text), NULL, false, false},
    {"replied_at", SF_TIME, offsetof(pt_reply_t, replied_at), NULL, false, false},
    {"kind", SF_ENUM, offsetof(pt_reply_t, kind), reply_kinds, false, false},
    {NULL, SF_STRING, 0, NULL, false, false},
};

static const subfield_t feedback_fields[] = {
    {"person", SF_STRING, offsetof(pt_feedback_t, person), NULL, false, 'p'},
    {"satisfaction", SF_ENUM, offsetof(pt_feedback_t, satisfaction), satisfactions, false, false},
    {"comment", SF_STRING, offsetof(pt_feedback_t, comment), NULL, false, false},
    {"at", SF_TIME, offsetof(pt_feedback_t, at), NULL, false, false},
    {NULL, SF_STRING, 0, NULL, false, false},
};

typedef struct {
    char *format;
    char *ref;
} source_t;

static const subfield_t source_fields[] = {
    {"format", SF_STRING, offsetof(source_t, format), NULL, true, false},
    {"ref", SF_STRING, offsetof(source_t, ref), NULL, false, false},
    {NULL, SF_STRING, 0, NULL, false, false},
};

static void sub_free(const subfield_t *sf, void *obj)
{
    for (; sf->name; sf++)
        if (sf->type != SF_TIME)
            replace_str((char **)((char *)obj + sf->off), NULL);
}

/* Decodes one sub-object into obj (zeroed by the caller). Returns the number
 * of problems found, or -1 when memory ran out. */
static int sub_decode(const subfield_t *fields, const cJSON *v, const char *path, void *obj,
                      bool strict, pt_error_t *err)
{
    char sub[256], buf[128];
    const cJSON *m;
    int problems = 0;

    if (!cJSON_IsObject(v)) {
        pt_error_add_field(err, path, "must be an object");
        return 1;
    }
    cJSON_ArrayForEach(m, v)
    {
        const subfield_t *sf;

        for (sf = fields; sf->name; sf++)
            if (strcmp(sf->name, m->string) == 0)
                break;
        if (sf->name == NULL) {
            snprintf(sub, sizeof(sub), "%s.%s", path, m->string);
            pt_error_add_field(err, sub, "unknown field");
            problems++;
        }
    }
    for (const subfield_t *sf = fields; sf->name; sf++) {
        m = cJSON_GetObjectItemCaseSensitive(v, sf->name);
        snprintf(sub, sizeof(sub), "%s.%s", path, sf->name);
        if (m == NULL || cJSON_IsNull(m)) {
            if (sf->required) {
                pt_error_add_field(err, sub, "required");
                problems++;
            }
            continue;
        }
        if (sf->type == SF_TIME) {
            if (!json_time(m, sub, (int64_t *)((char *)obj + sf->off), err))
                problems++;
            continue;
        }
        if (!json_text(m, sub, strict, err)) {
            problems++;
            continue;
        }
        if (sf->type == SF_ENUM && !in_list(m->valuestring, sf->values)) {
            pt_error_add_field(err, sub, "must be one of %s",
                               join_values(sf->values, buf, sizeof(buf)));
            problems++;
            continue;
        }
        if (sf->required && pt_str_blank(m->valuestring)) {
            pt_error_add_field(err, sub, "must not be blank");
            problems++;
            continue;
        }
        /* An import's unit is the unit an assignment names however it
         * was pasted (财政厅<U+200B>), in its units and its replies, and
         * its rating's person the person a feedback action names (李 四 is
         * 李四); the store's own documents are read as written. */
        char *s = !strict           ? strdup(m->valuestring)
                  : sf->keep == 'u' ? pt_unit_name_clean(m->valuestring)
                  : sf->keep == 'p' ? pt_name_clean(m->valuestring)
                                    : strdup(m->valuestring);
        if (s == NULL)
            return -1;
        *(char **)((char *)obj + sf->off) = s;
    }
    return problems;
}

static cJSON *sub_encode(const subfield_t *fields, const void *obj)
{
    cJSON *o = cJSON_CreateObject();
    char tbuf[40];

    if (o == NULL)
        return NULL;
    for (const subfield_t *sf = fields; sf->name; sf++) {
        cJSON *v;

        if (sf->type == SF_TIME) {
            int64_t t = *(const int64_t *)((const char *)obj + sf->off);

            v = t ? cJSON_CreateString(pt_time_format(t, tbuf, sizeof(tbuf))) : cJSON_CreateNull();
        } else {
            const char *s = *(char *const *)((const char *)obj + sf->off);

            v = s ? cJSON_CreateString(s) : cJSON_CreateNull();
        }
        if (v == NULL) {
            cJSON_Delete(o);
            return NULL;
        }
        cJSON_AddItemToObject(o, sf->name, v);
    }
    return o;
}

/* Decodes an array of sub-objects into a fresh array; on any problem the
 * array is freed and the field keeps its old value. max, when not 0, is
 * the most entries taken (the units an import may bring, as many as an
 * assignment takes; the store's own documents are read whatever their
 * size). Replies and ratings have no such bound: actions add them one by
 * one, and a proposal exported with many must import again. */
static int sub_array_decode(const pt_pfield_t *f, const subfield_t *fields, size_t size, size_t max,
                            bool strict, const cJSON *v, void **out, size_t *n_out, pt_error_t *err)
{
    char path[128];
    size_t n, i = 0;
    char *arr;
    const cJSON *e;
    int problems = 0, rc;

    if (!cJSON_IsArray(v)) {
        pt_error_add_field(err, f->name, "must be an array of objects");
        return -1;
    }
    n = (size_t)cJSON_GetArraySize(v);
    if (max && n > max) {
        pt_error_add_field(err, f->name, "at most %zu entries, not %zu", max, n);
        return -1;
    }
    arr = n ? calloc(n, size) : NULL;
    if (n && arr == NULL)
        return PT_ENOMEM;
    cJSON_ArrayForEach(e, v)
    {
        snprintf(path, sizeof(path), "%s[%zu]", f->name, i);
        rc = sub_decode(fields, e, path, arr + i * size, strict, err);
        i++;
        if (rc < 0) {
            problems = -1;
            break;
        }
        problems += rc;
    }
    if (problems != 0) {
        for (i = 0; i < n; i++)
            sub_free(fields, arr + i * size);
        free(arr);
        return problems < 0 ? PT_ENOMEM : -1;
    }
    *out = arr;
    *n_out = n;
    return PT_OK;
}

static cJSON *sub_array_encode(const subfield_t *fields, size_t size, const void *arr, size_t n)
{
    cJSON *a = cJSON_CreateArray();

    if (a == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        cJSON *o = sub_encode(fields, (const char *)arr + i * size);

        if (o == NULL) {
            cJSON_Delete(a);
            return NULL;
        }
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static void kv_free(pt_kv_t *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
    }
    free(kv);
}

int pt_custom_merge(const cJSON *obj, bool merge, bool bounded, pt_kv_t **kv, size_t *n,
                    pt_error_t *err)
{
    char path[256];
    const cJSON *m;
    pt_kv_t *out = NULL;
    size_t n_out = 0, cap;
    int problems = 0;

    if (!cJSON_IsObject(obj)) {
        pt_error_add_field(err, "custom", "must be an object of strings");
        return -1;
    }
    /* A merge may remove as many keys as it adds: the result is checked
     * below; the input is bounded here, before any key is looked at. */
    if (bounded && cJSON_GetArraySize(obj) > (merge ? 2 : 1) * PT_CUSTOM_MAX) {
        pt_error_add_field(err, "custom", "at most %d keys, not %d", PT_CUSTOM_MAX,
                           cJSON_GetArraySize(obj));
        return -1;
    }
    /* Build the result in a new array so that *kv is untouched on error.
     * Its size is bounded by the old keys plus the new ones. */
    cap = (merge ? *n : 0) + (size_t)cJSON_GetArraySize(obj);
    if (cap) {
        out = calloc(cap, sizeof(*out));
        if (out == NULL)
            return PT_ENOMEM;
    }
    if (merge) {
        for (size_t i = 0; i < *n; i++) {
            out[i].key = strdup((*kv)[i].key);
            out[i].value = strdup((*kv)[i].value);
            n_out++;
            if (out[i].key == NULL || out[i].value == NULL)
                goto oom;
        }
    }
    cJSON_ArrayForEach(m, obj)
    {
        size_t k;

        snprintf(path, sizeof(path), "custom.%s", m->string);
        /* A key stored before the rule may still be removed. */
        if (m->string[0] == '\0' || !pt_utf8_valid(m->string, strlen(m->string)) ||
            (bounded && !(merge && cJSON_IsNull(m)) && pt_text_control(m->string, NULL))) {
            pt_error_add_field(err, "custom",
                               "keys must be non-empty UTF-8 text without control characters or "
                               "noncharacters");
            problems++;
            continue;
        }
        /* A key of blanks alone (spaces, U+3000, a zero-width space) names
         * nothing, as an empty one does; one stored before may be removed. */
        if (bounded && !(merge && cJSON_IsNull(m)) && pt_str_blank(m->string)) {
            pt_error_add_field(err, "custom",
                               "keys must not be blank (spaces or characters that show nothing, "
                               "alone, name nothing)");
            problems++;
            continue;
        }
        /* A key stored before the bound may still be removed. */
        if (bounded && !(merge && cJSON_IsNull(m)) &&
            pt_utf8_length(m->string) > PT_CUSTOM_KEY_MAX) {
            pt_error_add_field(err, "custom", "keys are at most %d characters", PT_CUSTOM_KEY_MAX);
            problems++;
            continue;
        }
        for (k = 0; k < n_out; k++)
            if (strcmp(out[k].key, m->string) == 0)
                break;
        if (merge && cJSON_IsNull(m)) {
            if (k < n_out) {
                free(out[k].key);
                free(out[k].value);
                memmove(&out[k], &out[k + 1], (n_out - k - 1) * sizeof(*out));
                n_out--;
            }
            continue;
        }
        if (!json_text(m, path, bounded, err)) {
            problems++;
            continue;
        }
        char *value = strdup(m->valuestring);
        if (value == NULL)
            goto oom;
        if (k < n_out) {
            replace_str(&out[k].value, value);
        } else {
            out[n_out].key = strdup(m->string);
            out[n_out].value = value;
            n_out++;
            if (out[n_out - 1].key == NULL)
                goto oom;
        }
    }
    /* Past the bound, and grown: a proposal stored with more keys before
     * the bound may be patched as long as it does not gain any. */
    if (bounded && !problems && n_out > PT_CUSTOM_MAX && n_out > (merge ? *n : 0)) {
        pt_error_add_field(err, "custom", "at most %d keys, not %zu", PT_CUSTOM_MAX, n_out);
        problems++;
    }
    if (problems) {
        kv_free(out, n_out);
        return -1;
    }
    kv_free(*kv, *n);
    if (n_out == 0) {
        free(out);
        out = NULL;
    }
    *kv = out;
    *n = n_out;
    return PT_OK;
oom:
    kv_free(out, n_out);
    return PT_ENOMEM;
}

static bool strv_has(const pt_strv_t *v, const char *s)
{
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->v[i], s) == 0)
            return true;
    return false;
}

static int strv_decode(const pt_pfield_t *f, const cJSON *v, bool bounded, pt_strv_t *out,
                       pt_error_t *err)
{
    char path[128];
    pt_strv_t nv = {0};
    const cJSON *e;
    size_t i = 0;
    int problems = 0;

    if (!cJSON_IsArray(v)) {
        pt_error_add_field(err, f->name, "must be an array of strings");
        return -1;
    }
    if (bounded && cJSON_GetArraySize(v) > PT_LIST_MAX) {
        pt_error_add_field(err, f->name, "at most %d entries, not %d", PT_LIST_MAX,
                           cJSON_GetArraySize(v));
        return -1;
    }
    cJSON_ArrayForEach(e, v)
    {
        snprintf(path, sizeof(path), "%s[%zu]", f->name, i++);
        if (!json_text(e, path, bounded, err)) {
            problems++;
            continue;
        }
        if (problems)
            continue;
        /* A name in a list (a co-signer, a tag) is kept without the spaces
         * around it, a blank one names nobody, and a name given again is
         * the same person or tag: kept once, where it first came. */
        char *t = bounded && (f->flags & PF_TRIM) ? clean(f, e->valuestring) : NULL;
        if (bounded && (f->flags & PF_TRIM) && !t) {
            pt_strv_free(&nv);
            return PT_ENOMEM;
        }
        /* An ask of blanks alone asks nothing, and is left out. */
        bool none = t ? !*t || strv_has(&nv, t)
                      : bounded && (f->flags & PF_PROSE) && pt_str_blank(e->valuestring);
        int pushed = none ? PT_OK : pt_strv_push(&nv, t ? t : e->valuestring);
        free(t);
        if (pushed != PT_OK) {
            pt_strv_free(&nv);
            return PT_ENOMEM;
        }
    }
    if (problems) {
        pt_strv_free(&nv);
        return -1;
    }
    pt_strv_free(out);
    *out = nv;
    return PT_OK;
}

/* The checks of a text field's value s: a title's bounds, an enum's and a
 * category's values. PT_OK, or -1 with the problem added to err. */
static int text_check(const pt_pfield_t *f, const char *s, const pt_validate_opts_t *opts,
                      pt_error_t *err)
{
    char buf[256];

    if (f->type == PF_TITLE) {
        /* The store's own documents (opts NULL) are read as they were
         * written: a title of other Unicode spaces alone (an em space) was
         * taken before they were blank, and such a proposal must still be
         * read to be edited, its title too. */
        if (opts ? pt_str_blank(s) : *s == '\0') {
            pt_error_add_field(err, f->name, "must not be blank");
            return -1;
        }
        if (pt_utf8_length(s) > PT_TITLE_MAX) {
            pt_error_add_field(err, f->name, "longer than %d characters", PT_TITLE_MAX);
            return -1;
        }
    }
    if (f->type == PF_ENUM && !in_list(s, f->values)) {
        pt_error_add_field(err, f->name, "must be one of %s",
                           join_values(f->values, buf, sizeof(buf)));
        return -1;
    }
    if (f->type == PF_CATEGORY && opts && opts->categories) {
        size_t i, used = 0;

        for (i = 0; i < opts->n_categories; i++)
            if (strcmp(opts->categories[i], s) == 0)
                break;
        if (i == opts->n_categories) {
            buf[0] = '\0';
            for (i = 0; i < opts->n_categories && used < sizeof(buf); i++)
                used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? ", " : "",
                                         opts->categories[i]);
            pt_error_add_field(err, f->name, "must be one of %s", buf);
            return -1;
        }
    }
    return PT_OK;
}

int pt_pfield_decode(const pt_pfield_t *f, const cJSON *v, pt_proposal_t *p,
                     const pt_validate_opts_t *opts, pt_error_t *err)
{
    int64_t n;
    char *s;

    switch (f->type) {
    case PF_ID:
    case PF_REF:
        if (!json_int64(v, &n) || n <= 0) {
            pt_error_add_field(err, f->name, "must be a positive integer");
            return -1;
        }
        *MEMBER(p, f, int64_t) = n;
        return PT_OK;
    case PF_COUNT:
        if (!json_int64(v, &n) || n < 0) {
            pt_error_add_field(err, f->name, "must be an integer of 0 or more");
            return -1;
        }
        *MEMBER(p, f, int64_t) = n;
        return PT_OK;
    case PF_TIME:
        if (!json_time(v, f->name, &n, err))
            return -1;
        *MEMBER(p, f, int64_t) = n;
        return PT_OK;
    case PF_BOOL:
        if (!cJSON_IsBool(v)) {
            pt_error_add_field(err, f->name, "must be true or false");
            return -1;
        }
        *MEMBER(p, f, bool) = cJSON_IsTrue(v);
        return PT_OK;
    case PF_OVERDUE:
        /* Computed on the way out; a stored copy's value is stale by nature
         * and is ignored, but it must at least be what the encoder wrote. */
        if (!cJSON_IsBool(v)) {
            pt_error_add_field(err, f->name, "must be true or false");
            return -1;
        }
        return PT_OK;
    case PF_STRING:
    case PF_TITLE:
    case PF_ENUM:
    case PF_CATEGORY:
        if (!json_text(v, f->name, opts != NULL, err))
            return -1;
        /* A client's name is kept without the spaces around it, so that
         * "山西代表团 " is not a delegation of its own, and a label
         * without what a copy brought along (山西代表团<U+200B>: clean);
         * blank is none. A title is kept so too, and both on one line. A
         * category is checked against the list as it is then kept. */
        s = opts && (f->flags & PF_TRIM || f->type == PF_TITLE) ? clean(f, v->valuestring)
                                                                : strdup(v->valuestring);
        if (s == NULL)
            return PT_ENOMEM;
        /* A background of blanks alone (an empty file given with edit
         * --set-file, spaces typed into a form) says nothing: none, as a
         * note or a comment of blanks is. */
        if ((f->type != PF_TITLE && (f->flags & PF_TRIM) && !*s) ||
            (opts && (f->flags & PF_PROSE) && pt_str_blank(s))) {
            free(s);
            replace_str(MEMBER(p, f, char *), NULL);
            return PT_OK;
        }
        if (text_check(f, s, opts, err) != PT_OK) {
            free(s);
            return -1;
        }
        replace_str(MEMBER(p, f, char *), s);
        return PT_OK;
    case PF_IDENT:
        if (!json_text(v, f->name, opts != NULL, err))
            return -1;
        /* The store's own documents are read as they were written. */
        s = opts ? pt_text_clean(v->valuestring, true) : strdup(v->valuestring);
        if (s == NULL)
            return PT_ENOMEM;
        if (!*s) {
            free(s);
            s = NULL;
        }
        replace_str(MEMBER(p, f, char *), s);
        return PT_OK;
    case PF_STRV:
        return strv_decode(f, v, opts != NULL, MEMBER(p, f, pt_strv_t), err);
    case PF_UNITS: {
        void *arr;
        size_t cnt;
        int rc = sub_array_decode(f, unit_fields, sizeof(pt_unit_t), opts ? PT_UNITS_MAX : 0,
                                  opts != NULL, v, &arr, &cnt, err);

        if (rc != PT_OK)
            return rc;
        pt_pfield_clear(f, p);
        p->units = arr;
        p->n_units = cnt;
        return PT_OK;
    }
    case PF_REPLIES: {
        void *arr;
        size_t cnt;
        int rc = sub_array_decode(f, reply_fields, sizeof(pt_reply_t), 0, opts != NULL, v, &arr,
                                  &cnt, err);

        if (rc != PT_OK)
            return rc;
        pt_pfield_clear(f, p);
        p->replies = arr;
        p->n_replies = cnt;
        return PT_OK;
    }
    case PF_FEEDBACK: {
        void *arr;
        size_t cnt;
        int rc = sub_array_decode(f, feedback_fields, sizeof(pt_feedback_t), 0, opts != NULL, v,
                                  &arr, &cnt, err);

        if (rc != PT_OK)
            return rc;
        pt_pfield_clear(f, p);
        p->feedback = arr;
        p->n_feedback = cnt;
        return PT_OK;
    }
    case PF_SOURCE: {
        source_t src = {NULL, NULL};
        int rc = sub_decode(source_fields, v, f->name, &src, opts != NULL, err);

        if (rc != 0) {
            sub_free(source_fields, &src);
            return rc < 0 ? PT_ENOMEM : -1;
        }
        replace_str(&p->source_format, src.format);
        replace_str(&p->source_ref, src.ref);
        return PT_OK;
    }
    case PF_CUSTOM:
        return pt_custom_merge(v, false, opts != NULL, &p->custom, &p->n_custom, err);
    }
    return -1;
}

void pt_pfield_clear(const pt_pfield_t *f, pt_proposal_t *p)
{
    switch (f->type) {
    case PF_ID:
    case PF_REF:
    case PF_COUNT:
    case PF_TIME:
        *MEMBER(p, f, int64_t) = 0;
        break;
    case PF_BOOL:
        *MEMBER(p, f, bool) = false;
        break;
    case PF_OVERDUE:
        break;
    case PF_STRING:
    case PF_IDENT:
    case PF_TITLE:
    case PF_ENUM:
    case PF_CATEGORY:
        replace_str(MEMBER(p, f, char *), NULL);
        break;
    case PF_STRV:
        pt_strv_free(MEMBER(p, f, pt_strv_t));
        break;
    case PF_UNITS:
        for (size_t i = 0; i < p->n_units; i++)
            sub_free(unit_fields, &p->units[i]);
        free(p->units);
        p->units = NULL;
        p->n_units = 0;
        break;
    case PF_REPLIES:
        for (size_t i = 0; i < p->n_replies; i++)
            sub_free(reply_fields, &p->replies[i]);
        free(p->replies);
        p->replies = NULL;
        p->n_replies = 0;
        break;
    case PF_FEEDBACK:
        for (size_t i = 0; i < p->n_feedback; i++)
            sub_free(feedback_fields, &p->feedback[i]);
        free(p->feedback);
        p->feedback = NULL;
        p->n_feedback = 0;
        break;
    case PF_SOURCE:
        replace_str(&p->source_format, NULL);
        replace_str(&p->source_ref, NULL);
        break;
    case PF_CUSTOM:
        kv_free(p->custom, p->n_custom);
        p->custom = NULL;
        p->n_custom = 0;
        break;
    }
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Compares two sub-objects (a unit, a reply, ...) member by member. */
static bool sub_equal(const subfield_t *sf, const void *a, const void *b)
{
    for (; sf->name; sf++) {
        const char *pa = (const char *)a + sf->off, *pb = (const char *)b + sf->off;
        if (sf->type == SF_TIME) {
            if (*(const int64_t *)pa != *(const int64_t *)pb)
                return false;
        } else if (!str_eq(*(char *const *)pa, *(char *const *)pb)) {
            return false;
        }
    }
    return true;
}

static bool subs_equal(const subfield_t *sf, const void *a, size_t na, const void *b, size_t nb,
                       size_t size)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!sub_equal(sf, (const char *)a + i * size, (const char *)b + i * size))
            return false;
    return true;
}

bool pt_pfield_equal(const pt_pfield_t *f, const pt_proposal_t *a, const pt_proposal_t *b)
{
    switch (f->type) {
    case PF_ID:
    case PF_REF:
    case PF_COUNT:
    case PF_TIME:
        return *MEMBER(a, f, const int64_t) == *MEMBER(b, f, const int64_t);
    case PF_BOOL:
        return *MEMBER(a, f, const bool) == *MEMBER(b, f, const bool);
    case PF_OVERDUE:
        return true;
    case PF_STRING:
    case PF_IDENT:
    case PF_TITLE:
    case PF_ENUM:
    case PF_CATEGORY:
        return str_eq(*MEMBER(a, f, char *const), *MEMBER(b, f, char *const));
    case PF_STRV: {
        const pt_strv_t *va = MEMBER(a, f, const pt_strv_t), *vb = MEMBER(b, f, const pt_strv_t);
        if (va->n != vb->n)
            return false;
        for (size_t i = 0; i < va->n; i++)
            if (!str_eq(va->v[i], vb->v[i]))
                return false;
        return true;
    }
    case PF_UNITS:
        return subs_equal(unit_fields, a->units, a->n_units, b->units, b->n_units,
                          sizeof(pt_unit_t));
    case PF_REPLIES:
        return subs_equal(reply_fields, a->replies, a->n_replies, b->replies, b->n_replies,
                          sizeof(pt_reply_t));
    case PF_FEEDBACK:
        return subs_equal(feedback_fields, a->feedback, a->n_feedback, b->feedback, b->n_feedback,
                          sizeof(pt_feedback_t));
    case PF_SOURCE:
        return str_eq(a->source_format, b->source_format) && str_eq(a->source_ref, b->source_ref);
    case PF_CUSTOM:
        if (a->n_custom != b->n_custom)
            return false;
        for (size_t i = 0; i < a->n_custom; i++)
            if (!str_eq(a->custom[i].key, b->custom[i].key) ||
                !str_eq(a->custom[i].value, b->custom[i].value))
                return false;
        return true;
    }
    return false;
}

/* An id, a reference or a count as a JSON number written whole. cJSON
 * prints a number with 15 significant digits whenever those read back
 * within its relative tolerance, which from 10^15 on drops an integer's
 * last digits (7999899999999999 came out as 7.9999e+15, another id). Such
 * a number goes in as its digits (a raw item), as pt_proposal_to_text and
 * the store write it. */
static cJSON *json_integer(int64_t n)
{
    char digits[24];

    if (n > -1000000000000000LL && n < 1000000000000000LL)
        return cJSON_CreateNumber((double)n);
    snprintf(digits, sizeof(digits), "%lld", (long long)n);
    return cJSON_CreateRaw(digits);
}

cJSON *pt_pfield_encode(const pt_pfield_t *f, const pt_proposal_t *p, bool clock, int64_t now)
{
    char tbuf[40];
    int64_t n;
    const char *s;
    cJSON *v;

    switch (f->type) {
    case PF_ID:
    case PF_REF:
        n = *CMEMBER(p, f, int64_t);
        return n ? json_integer(n) : cJSON_CreateNull();
    case PF_COUNT:
        return json_integer(*CMEMBER(p, f, int64_t));
    case PF_TIME:
        n = *CMEMBER(p, f, int64_t);
        return n ? cJSON_CreateString(pt_time_format(n, tbuf, sizeof(tbuf))) : cJSON_CreateNull();
    case PF_BOOL:
        return cJSON_CreateBool(*CMEMBER(p, f, bool));
    case PF_OVERDUE:
        return cJSON_CreateBool(pt_proposal_is_overdue(p, clock, now));
    case PF_STRING:
    case PF_IDENT:
    case PF_TITLE:
    case PF_ENUM:
    case PF_CATEGORY:
        s = *CMEMBER(p, f, char *);
        return s ? cJSON_CreateString(s) : cJSON_CreateNull();
    case PF_STRV: {
        const pt_strv_t *sv = CMEMBER(p, f, pt_strv_t);

        v = cJSON_CreateArray();
        for (size_t i = 0; v && i < sv->n; i++) {
            cJSON *e = cJSON_CreateString(sv->v[i]);

            if (e == NULL) {
                cJSON_Delete(v);
                return NULL;
            }
            cJSON_AddItemToArray(v, e);
        }
        return v;
    }
    case PF_UNITS:
        return sub_array_encode(unit_fields, sizeof(pt_unit_t), p->units, p->n_units);
    case PF_REPLIES:
        return sub_array_encode(reply_fields, sizeof(pt_reply_t), p->replies, p->n_replies);
    case PF_FEEDBACK:
        return sub_array_encode(feedback_fields, sizeof(pt_feedback_t), p->feedback, p->n_feedback);
    case PF_SOURCE: {
        source_t src = {p->source_format, p->source_ref};

        if (src.format == NULL && src.ref == NULL)
            return cJSON_CreateNull();
        return sub_encode(source_fields, &src);
    }
    case PF_CUSTOM:
        v = cJSON_CreateObject();
        for (size_t i = 0; v && i < p->n_custom; i++) {
            cJSON *e = cJSON_CreateString(p->custom[i].value);

            if (e == NULL) {
                cJSON_Delete(v);
                return NULL;
            }
            cJSON_AddItemToObject(v, p->custom[i].key, e);
        }
        return v;
    }
    return NULL;
}

cJSON *pt_proposal_to_json(const pt_proposal_t *p, bool clock, int64_t now)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL)
        return NULL;
    for (size_t i = 0; i < pt_n_pfields; i++) {
        cJSON *v = pt_pfield_encode(&pt_pfields[i], p, clock, now);

        if (v == NULL) {
            cJSON_Delete(o);
            return NULL;
        }
        cJSON_AddItemToObject(o, pt_pfields[i].name, v);
    }
    return o;
}

void pt_error_summarize(pt_error_t *err)
{
    char buf[2048];
    size_t used = 0;
    const cJSON *fields, *f;
    int n;

    if (err == NULL || err->details == NULL)
        return;
    fields = cJSON_GetObjectItemCaseSensitive(err->details, "fields");
    n = cJSON_GetArraySize(fields);
    if (n <= 0)
        return;
    buf[0] = '\0';
    if (n > 1)
        used = (size_t)snprintf(buf, sizeof(buf), "%d problems: ", n);
    cJSON_ArrayForEach(f, fields)
    {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "field"));
        const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "message"));

        if (used >= sizeof(buf))
            break;
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s: %s",
                                 f == fields->child ? "" : "; ", name ? name : "?",
                                 msg ? msg : "invalid");
    }
    pt_error_set(err, PT_EVALIDATION, "%s", buf);
}

int pt_proposal_from_json(const cJSON *json, pt_decode_mode_t mode, const pt_validate_opts_t *opts,
                          pt_proposal_t *out, pt_error_t *err)
{
    const cJSON *m;
    int problems = 0;
    bool title_reported = false;
    static const pt_validate_opts_t any = {0};

    /* A client's body is checked against the bounds even without the
     * office's options; only the store's own documents (stored, no
     * options) are read as they are. */
    if (!opts && mode == PT_DECODE_CREATE)
        opts = &any;
    pt_proposal_init(out);
    if (!cJSON_IsObject(json)) {
        pt_error_add_field(err, "body", "must be a JSON object");
        pt_error_set(err, PT_EVALIDATION, "a proposal must be a JSON object");
        return PT_EVALIDATION;
    }
    cJSON_ArrayForEach(m, json)
    {
        const pt_pfield_t *f = pt_pfield_find(m->string);
        int rc;

        if (f == NULL) {
            pt_error_add_field(err, m->string, "unknown field");
            problems++;
            continue;
        }
        if (mode == PT_DECODE_CREATE && !(f->flags & PF_CREATE)) {
            pt_error_add_field(err, f->name, "cannot be set by a client");
            problems++;
            if (f->type == PF_TITLE)
                title_reported = true;
            continue;
        }
        if (cJSON_IsNull(m)) {
            pt_pfield_clear(f, out);
            continue;
        }
        rc = pt_pfield_decode(f, m, out, opts, err);
        if (rc == PT_ENOMEM) {
            pt_proposal_free(out);
            return pt_error_set(err, PT_ENOMEM, "out of memory while decoding a proposal");
        }
        if (rc != PT_OK) {
            problems++;
            if (f->type == PF_TITLE)
                title_reported = true;
        }
    }
    if (out->title == NULL && !title_reported) {
        pt_error_add_field(err, "title", "required");
        problems++;
    }
    if (problems) {
        pt_proposal_free(out);
        pt_error_summarize(err);
        return PT_EVALIDATION;
    }
    return PT_OK;
}

/* ---- Text ------------------------------------------------------------ */

/* A growable string for pt_proposal_to_text(); `failed` after an
 * allocation failure, when every later append does nothing. */
typedef struct {
    char *d;
    size_t len, cap;
    bool failed;
} text_t;

static void tx_put(text_t *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *d = realloc(t->d, cap);
        if (d == NULL) {
            t->failed = true;
            return;
        }
        t->d = d;
        t->cap = cap;
    }
    memcpy(t->d + t->len, s, n);
    t->len += n;
    t->d[t->len] = '\0';
}

static void tx_lit(text_t *t, const char *s)
{
    tx_put(t, s, strlen(s));
}

/* A JSON string, escaped as cJSON escapes: quotes, backslashes and control
 * characters; UTF-8 passes through as it is. NULL is null. */
static void tx_str(text_t *t, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (s == NULL) {
        tx_put(t, "null", 4);
        return;
    }
    tx_put(t, "\"", 1);
    const char *run = s;
    for (const char *c = s; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u >= 0x20 && u != '"' && u != '\\')
            continue;
        tx_put(t, run, (size_t)(c - run));
        run = c + 1;
        char esc[6] = {'\\', (char)u, 0, 0, 0, 0};
        switch (u) {
        case '"':
        case '\\':
            tx_put(t, esc, 2);
            break;
        case '\b':
            tx_put(t, "\\b", 2);
            break;
        case '\f':
            tx_put(t, "\\f", 2);
            break;
        case '\n':
            tx_put(t, "\\n", 2);
            break;
        case '\r':
            tx_put(t, "\\r", 2);
            break;
        case '\t':
            tx_put(t, "\\t", 2);
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[u >> 4];
            esc[5] = hex[u & 15];
            tx_put(t, esc, 6);
        }
    }
    tx_put(t, run, strlen(run));
    tx_put(t, "\"", 1);
}

static void tx_int(text_t *t, int64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof(b), "%lld", (long long)v);
    tx_put(t, b, (size_t)n);
}

static void tx_time(text_t *t, int64_t ms)
{
    char b[40];
    if (ms == 0)
        tx_put(t, "null", 4);
    else
        tx_str(t, pt_time_format(ms, b, sizeof(b)));
}

static void tx_sub(text_t *t, const subfield_t *sf, const void *obj)
{
    tx_put(t, "{", 1);
    for (const subfield_t *f = sf; f->name; f++) {
        if (f != sf)
            tx_put(t, ",", 1);
        tx_str(t, f->name);
        tx_put(t, ":", 1);
        const char *m = (const char *)obj + f->off;
        if (f->type == SF_TIME)
            tx_time(t, *(const int64_t *)m);
        else
            tx_str(t, *(char *const *)m);
    }
    tx_put(t, "}", 1);
}

static void tx_subs(text_t *t, const subfield_t *sf, size_t size, const void *arr, size_t n)
{
    tx_put(t, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            tx_put(t, ",", 1);
        tx_sub(t, sf, (const char *)arr + i * size);
    }
    tx_put(t, "]", 1);
}

static void tx_field(text_t *t, const pt_pfield_t *f, const pt_proposal_t *p, bool clock,
                     int64_t now)
{
    int64_t n;
    switch (f->type) {
    case PF_ID:
    case PF_REF:
        n = *CMEMBER(p, f, int64_t);
        if (n)
            tx_int(t, n);
        else
            tx_lit(t, "null");
        return;
    case PF_COUNT:
        tx_int(t, *CMEMBER(p, f, int64_t));
        return;
    case PF_TIME:
        tx_time(t, *CMEMBER(p, f, int64_t));
        return;
    case PF_BOOL:
        tx_lit(t, *CMEMBER(p, f, bool) ? "true" : "false");
        return;
    case PF_OVERDUE:
        tx_lit(t, pt_proposal_is_overdue(p, clock, now) ? "true" : "false");
        return;
    case PF_STRING:
    case PF_IDENT:
    case PF_TITLE:
    case PF_ENUM:
    case PF_CATEGORY:
        tx_str(t, *CMEMBER(p, f, char *));
        return;
    case PF_STRV: {
        const pt_strv_t *sv = CMEMBER(p, f, pt_strv_t);
        tx_put(t, "[", 1);
        for (size_t i = 0; i < sv->n; i++) {
            if (i)
                tx_put(t, ",", 1);
            tx_str(t, sv->v[i]);
        }
        tx_put(t, "]", 1);
        return;
    }
    case PF_UNITS:
        tx_subs(t, unit_fields, sizeof(pt_unit_t), p->units, p->n_units);
        return;
    case PF_REPLIES:
        tx_subs(t, reply_fields, sizeof(pt_reply_t), p->replies, p->n_replies);
        return;
    case PF_FEEDBACK:
        tx_subs(t, feedback_fields, sizeof(pt_feedback_t), p->feedback, p->n_feedback);
        return;
    case PF_SOURCE: {
        source_t src = {p->source_format, p->source_ref};
        if (src.format == NULL && src.ref == NULL)
            tx_lit(t, "null");
        else
            tx_sub(t, source_fields, &src);
        return;
    }
    case PF_CUSTOM:
        tx_put(t, "{", 1);
        for (size_t i = 0; i < p->n_custom; i++) {
            if (i)
                tx_put(t, ",", 1);
            tx_str(t, p->custom[i].key);
            tx_put(t, ":", 1);
            tx_str(t, p->custom[i].value);
        }
        tx_put(t, "}", 1);
        return;
    }
}

char *pt_proposal_to_text(const pt_proposal_t *p, bool with_overdue, bool clock, int64_t now,
                          size_t *len)
{
    text_t t = {0};
    tx_put(&t, "{", 1);
    bool first = true;
    for (size_t i = 0; i < pt_n_pfields; i++) {
        const pt_pfield_t *f = &pt_pfields[i];
        if (f->type == PF_OVERDUE && !with_overdue)
            continue;
        if (!first)
            tx_put(&t, ",", 1);
        first = false;
        tx_str(&t, f->name);
        tx_put(&t, ":", 1);
        tx_field(&t, f, p, clock, now);
    }
    tx_put(&t, "}", 1);
    if (t.failed) {
        free(t.d);
        return NULL;
    }
    if (len)
        *len = t.len;
    return t.d;
}

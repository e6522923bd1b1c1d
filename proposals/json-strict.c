/*
 * json-strict.c - an RFC 8259 validator in front of cJSON.
 *
 * The validator is a recursive-descent recogniser of the RFC 8259 grammar
 * that builds nothing: it only walks the bytes once and stops at the first
 * fault with its byte offset. When it passes, cJSON parses the same bytes; by
 * then everything cJSON would have been lenient about has been refused.
 *
 * Besides the grammar it refuses two things the RFC allows but ptrack cannot
 * keep faithfully: "\u0000" inside a string (cJSON strings end at the first
 * NUL, so the rest of the text would be lost without a word) and a member
 * name that appears twice in one object (cJSON keeps both and every lookup
 * sees only the first, so a client could smuggle a value past validation).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-strict.h"

typedef struct {
    const unsigned char *s;
    size_t len;
    size_t pos;
    size_t fail_at;
    /* The bytes of the file before s (a byte order mark passed over):
     * added to the byte offsets that an error gives. */
    size_t base;
    char why[160];
    /* Member names counted in the order they appear (member_at): the one
     * of number name_wanted has its byte offset put in name_at. */
    size_t names, name_wanted, name_at;
} parser_t;

static bool fail(parser_t *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(parser_t *p, size_t at, const char *fmt, ...)
{
    va_list ap;

    p->fail_at = at;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof(p->why), fmt, ap);
    va_end(ap);
    return false;
}

/* Why a UTF-8 sequence is invalid, or UTF8_OK. */
enum { UTF8_OK, UTF8_BAD_LEAD, UTF8_TRUNCATED, UTF8_OVERLONG, UTF8_SURROGATE, UTF8_TOO_BIG };

/* Decodes one UTF-8 sequence at s[0..len), len >= 1. Sets *n to its length
 * (1 on error, so that a caller may report the offending byte). The checks
 * follow RFC 3629 §4 (table 3-7 of Unicode): no overlong forms, no encoded
 * surrogates U+D800..DFFF, nothing above U+10FFFF. */
static int utf8_decode(const unsigned char *s, size_t len, size_t *n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t v, min;

    *n = 1;
    if (c < 0x80) {
        *cp = c;
        return UTF8_OK;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        v = c & 0x07;
        min = 0x10000;
    } else if (c == 0xC0 || c == 0xC1) {
        return UTF8_OVERLONG; /* can only start an overlong two-byte form */
    } else {
        return UTF8_BAD_LEAD; /* a continuation byte or 0xF5..0xFF */
    }
    if (len < need)
        return UTF8_TRUNCATED;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return UTF8_TRUNCATED;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min)
        return UTF8_OVERLONG;
    if (v >= 0xD800 && v <= 0xDFFF)
        return UTF8_SURROGATE;
    if (v > 0x10FFFF)
        return UTF8_TOO_BIG;
    *n = need;
    *cp = v;
    return UTF8_OK;
}

static const char *utf8_why(int e)
{
    switch (e) {
    case UTF8_BAD_LEAD:
        return "invalid UTF-8 byte";
    case UTF8_TRUNCATED:
        return "truncated UTF-8 sequence";
    case UTF8_OVERLONG:
        return "overlong UTF-8 sequence";
    case UTF8_SURROGATE:
        return "UTF-8 encoded surrogate (U+D800..U+DFFF)";
    case UTF8_TOO_BIG:
        return "UTF-8 sequence beyond U+10FFFF";
    default:
        return "invalid UTF-8";
    }
}

bool pt_utf8_valid(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0, n;
    uint32_t cp;

    if (buf == NULL)
        return len == 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (utf8_decode(s + i, len - i, &n, &cp) != UTF8_OK)
            return false;
        i += n;
    }
    return true;
}

size_t pt_utf8_scrub(char *s)
{
    unsigned char *u = (unsigned char *)s;
    size_t i = 0, len = s ? strlen(s) : 0, n, bad = 0;
    uint32_t cp;

    while (i < len) {
        if (u[i] < 0x80) {
            i++;
        } else if (utf8_decode(u + i, len - i, &n, &cp) == UTF8_OK) {
            i += n;
        } else {
            u[i++] = '?';
            bad++;
        }
    }
    return bad;
}

void pt_json_scrub(cJSON *item)
{
    for (; item; item = item->next) {
        if (item->string)
            pt_utf8_scrub(item->string);
        if (cJSON_IsString(item) && item->valuestring)
            pt_utf8_scrub(item->valuestring);
        if (item->child)
            pt_json_scrub(item->child);
    }
}

/* Counting the bytes that do not continue a sequence counts code points; the
 * string is assumed valid, as the header says. */
size_t pt_utf8_length(const char *s)
{
    size_t n = 0;

    if (s == NULL)
        return 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

size_t pt_utf8_bom(const char *buf, size_t len)
{
    return len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* A sequence has at most three bytes after its first: the bytes that
 * continue one at s[len] go back to its first byte three at the most, and
 * len moves there only when that byte starts a sequence long enough to
 * reach s[len]. Continuation bytes that no such byte starts (stray ones)
 * are no character to split: the cut stays, and text made of them is not
 * cut to nothing. */
size_t pt_utf8_floor(const char *s, size_t len)
{
    size_t start = len;
    while (start > 0 && len - start < 3 && ((unsigned char)s[start] & 0xC0) == 0x80)
        start--;
    unsigned char first = (unsigned char)s[start];
    size_t need = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
    return start < len && (first & 0xC0) == 0xC0 && start + need > len ? start : len;
}

/* Whether cp is a noncharacter: U+FDD0..U+FDEF, and the last two code
 * points of every plane (U+FFFE, U+FFFF, U+1FFFE, ..., U+10FFFF). */
static bool noncharacter(uint32_t cp)
{
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

uint32_t pt_text_control(const char *s, size_t *at)
{
    size_t n = 0;
    for (const unsigned char *u = (const unsigned char *)s; u && *u; u++) {
        if ((*u & 0xC0) != 0x80)
            n++;
        uint32_t cp = 0;
        if ((*u < 0x20 && !(*u == '\t' || (*u >= '\n' && *u <= '\r'))) || *u == 0x7F)
            cp = *u;
        else if (u[0] == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9F)
            cp = u[1];
        else if (u[0] == 0xEF && (u[1] == 0xB7 || u[1] == 0xBF) && (u[2] & 0xC0) == 0x80 &&
                 noncharacter(0xF000u | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3Fu)))
            cp = 0xF000u | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3Fu);
        else if (u[0] >= 0xF0 && u[0] <= 0xF4 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80 &&
                 (u[3] & 0xC0) == 0x80) {
            uint32_t c4 = (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
                          (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3Fu);
            if (noncharacter(c4))
                cp = c4;
        }
        if (cp) {
            if (at)
                *at = n;
            return cp;
        }
    }
    return 0;
}

const char *pt_text_refusal(const char *s, char *buf, size_t size)
{
    size_t at;
    uint32_t cp = pt_text_control(s, &at);
    if (!cp)
        return NULL;
    if (noncharacter(cp))
        snprintf(buf, size,
                 "holds the noncharacter U+%04X (character %zu), which is no character to show "
                 "and which XML and HTML do not take; remove it",
                 (unsigned)cp, at);
    else
        snprintf(buf, size,
                 "holds the control character U+%04X (character %zu); text may hold line breaks "
                 "and tabs, no other control characters",
                 (unsigned)cp, at);
    return buf;
}

static void skip_ws(parser_t *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];

        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

/* Describes the byte at pos for a message: a printable character is shown
 * as itself, anything else by its hex value. */
static bool unexpected(parser_t *p, const char *expected)
{
    unsigned char c;

    if (p->pos >= p->len)
        return fail(p, p->pos, "unexpected end of input, expected %s", expected);
    c = p->s[p->pos];
    if (c > 0x20 && c < 0x7F)
        return fail(p, p->pos, "unexpected character '%c', expected %s", c, expected);
    return fail(p, p->pos, "unexpected byte 0x%02X, expected %s", c, expected);
}

static int hex4(const unsigned char *s)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        int c = s[i], d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Reads a \uXXXX escape whose backslash is at pos; sets *cu to the code unit. */
static bool u_escape(parser_t *p, size_t at, int *cu)
{
    if (p->len - at < 6 || (*cu = hex4(p->s + at + 2)) < 0)
        return fail(p, at, "invalid \\u escape: expected four hex digits");
    return true;
}

static bool string(parser_t *p)
{
    size_t start = p->pos;

    p->pos++; /* the opening quote */
    for (;;) {
        unsigned char c;

        if (p->pos >= p->len)
            return fail(p, start, "unterminated string");
        c = p->s[p->pos];
        if (c == '"') {
            p->pos++;
            return true;
        }
        if (c < 0x20)
            return fail(p, p->pos, "raw control character 0x%02X in string (write it as an escape)",
                        c);
        if (c >= 0x80) {
            size_t n;
            uint32_t cp;
            int e = utf8_decode(p->s + p->pos, p->len - p->pos, &n, &cp);

            if (e != UTF8_OK)
                return fail(p, p->pos, "%s (0x%02X)", utf8_why(e), c);
            p->pos += n;
            continue;
        }
        if (c != '\\') {
            p->pos++;
            continue;
        }
        if (p->pos + 1 >= p->len)
            return fail(p, start, "unterminated string");
        switch (p->s[p->pos + 1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            p->pos += 2;
            break;
        case 'u': {
            size_t at = p->pos;
            int cu, lo;

            if (!u_escape(p, at, &cu))
                return false;
            if (cu == 0)
                return fail(p, at, "\\u0000 (NUL) is not allowed in strings");
            if (cu >= 0xDC00 && cu <= 0xDFFF)
                return fail(p, at, "lone low surrogate \\u%04X", (unsigned)cu);
            p->pos += 6;
            if (cu >= 0xD800 && cu <= 0xDBFF) {
                if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
                    return fail(p, at, "high surrogate \\u%04X not followed by a low surrogate",
                                (unsigned)cu);
                if (!u_escape(p, p->pos, &lo))
                    return false;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return fail(p, at, "high surrogate \\u%04X not followed by a low surrogate",
                                (unsigned)cu);
                p->pos += 6;
            }
            break;
        }
        default: {
            unsigned char e = p->s[p->pos + 1];

            if (e > 0x20 && e < 0x7F)
                return fail(p, p->pos, "invalid escape \\%c in string", e);
            return fail(p, p->pos, "invalid escape in string (byte 0x%02X after backslash)", e);
        }
        }
    }
}

static bool is_digit(parser_t *p)
{
    return p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9';
}

/* Whether the number text s[0..n) is within what a double holds: 1e999
 * (or a thousand digits) would be read as infinity, which cJSON prints
 * as null, so a number given would be stored as null. One that is too
 * small to hold is read as 0, as JSON's readers do. */
static bool number_in_range(const unsigned char *s, size_t n)
{
    char small[64], *text = n < sizeof(small) ? small : malloc(n + 1);
    if (!text)
        return true; /* cJSON's own reading decides */
    memcpy(text, s, n);
    text[n] = '\0';
    bool ok = isfinite(strtod(text, NULL));
    if (text != small)
        free(text);
    return ok;
}

static bool number(parser_t *p)
{
    size_t start = p->pos;
    if (p->s[p->pos] == '-')
        p->pos++;
    if (!is_digit(p))
        return unexpected(p, "a digit");
    if (p->s[p->pos] == '0') {
        p->pos++;
        if (is_digit(p))
            return fail(p, p->pos - 1, "leading zero in number");
    } else {
        while (is_digit(p))
            p->pos++;
    }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        if (!is_digit(p))
            return unexpected(p, "a digit after the decimal point");
        while (is_digit(p))
            p->pos++;
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        if (!is_digit(p))
            return unexpected(p, "a digit in the exponent");
        while (is_digit(p))
            p->pos++;
    }
    /* Only an exponent or 309 digits or more may pass DBL_MAX: the
     * others need no second reading. */
    bool exponent =
        memchr(p->s + start, 'e', p->pos - start) || memchr(p->s + start, 'E', p->pos - start);
    if ((exponent || p->pos - start > 308) && !number_in_range(p->s + start, p->pos - start))
        return fail(p, start, "number too large (a double holds up to about 1.8e308)");
    return true;
}

static bool literal(parser_t *p, const char *word)
{
    size_t n = strlen(word);

    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return unexpected(p, "a JSON value");
    p->pos += n;
    return true;
}

static bool value(parser_t *p, int depth);

static bool container(parser_t *p, int depth, bool is_object)
{
    char close = is_object ? '}' : ']';
    const char *what = is_object ? "object" : "array";

    if (depth > PT_JSON_MAX_DEPTH)
        return fail(p, p->pos, "nesting deeper than %d levels", PT_JSON_MAX_DEPTH);
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return true;
    }
    for (;;) {
        if (is_object) {
            if (p->pos >= p->len || p->s[p->pos] != '"')
                return unexpected(p, "a string (member name)");
            if (p->names++ == p->name_wanted)
                p->name_at = p->pos;
            if (!string(p))
                return false;
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':')
                return unexpected(p, "':' after the member name");
            p->pos++;
            skip_ws(p);
        }
        if (!value(p, depth))
            return false;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return true;
        }
        if (p->pos >= p->len || p->s[p->pos] != ',')
            return unexpected(p, is_object ? "',' or '}' in object" : "',' or ']' in array");
        p->pos++;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == close)
            return fail(p, p->pos, "trailing comma in %s", what);
    }
}

static bool value(parser_t *p, int depth)
{
    if (p->pos >= p->len)
        return unexpected(p, "a JSON value");
    switch (p->s[p->pos]) {
    case '{':
        return container(p, depth + 1, true);
    case '[':
        return container(p, depth + 1, false);
    case '"':
        return string(p);
    case 't':
        return literal(p, "true");
    case 'f':
        return literal(p, "false");
    case 'n':
        return literal(p, "null");
    default:
        if (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
            return number(p);
        return unexpected(p, "a JSON value");
    }
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Finds a member name used twice in one object, anywhere in the tree.
 * Sorting the names makes this O(n log n) per object, so that a large object
 * sent on purpose cannot make it quadratic. Returns the second member of
 * that name or NULL; sets *oom when memory ran out. path (of size cap,
 * holding the item's path) then holds the path of the object it is in
 * ("limits", "tokens[2]"; "" for the top). */
static const cJSON *find_duplicate(const cJSON *item, char *path, size_t cap, bool *oom)
{
    const cJSON *c;
    const char *dup = NULL;

    if (cJSON_IsObject(item) && item->child && item->child->next) {
        size_t n = 0, i = 0;
        const char **names;

        for (c = item->child; c; c = c->next)
            n++;
        names = malloc(n * sizeof(*names));
        if (names == NULL) {
            *oom = true;
            return NULL;
        }
        for (c = item->child; c; c = c->next)
            names[i++] = c->string;
        qsort(names, n, sizeof(*names), cmp_names);
        for (i = 1; i < n && dup == NULL; i++)
            if (strcmp(names[i - 1], names[i]) == 0)
                dup = names[i];
        free(names);
        if (dup) {
            /* The names compared equal as strings: dup is one of them,
             * and the member wanted is the second in the text. */
            bool seen = false;
            for (c = item->child; c; c = c->next) {
                if (strcmp(c->string, dup) != 0)
                    continue;
                if (seen)
                    return c;
                seen = true;
            }
        }
    }
    size_t len = strlen(path), i = 0;
    for (c = item->child; c && !*oom; c = c->next, i++) {
        if (cJSON_IsObject(item))
            snprintf(path + len, cap - len, "%s%s", len ? "." : "", c->string ? c->string : "");
        else
            snprintf(path + len, cap - len, "[%zu]", i);
        const cJSON *found = find_duplicate(c, path, cap, oom);
        if (found != NULL)
            return found;
        path[len] = '\0';
    }
    return NULL;
}

/* Counts the members of objects in item's tree, in the order of the text,
 * up to the member `member`: returns true when it was found, with *n the
 * members before it. */
static bool member_number(const cJSON *item, const cJSON *member, size_t *n)
{
    for (const cJSON *c = item->child; c; c = c->next) {
        if (cJSON_IsObject(item)) {
            if (c == member)
                return true;
            (*n)++;
        }
        if (member_number(c, member, n))
            return true;
    }
    return false;
}

/* The byte offset of a member's name in the text that was parsed into
 * root: the validator goes over the text again, counting member names as
 * member_number counted the tree's (cJSON keeps the text's order). */
static size_t member_at(const unsigned char *s, size_t len, const cJSON *root, const cJSON *member)
{
    parser_t p = {.s = s, .len = len, .name_at = 0};
    if (!member_number(root, member, &p.name_wanted))
        return 0;
    skip_ws(&p);
    value(&p, 0);
    return p.name_at;
}

/* Writes where byte pos is, "invalid JSON at byte N", to out (of size
 * cap), and in a text of several lines (a configuration or workflow file)
 * also the line and column of byte N, counted in characters, where a
 * person editing it looks. */
static void invalid_where(const parser_t *p, size_t pos, char *out, size_t cap)
{
    size_t line = 1, column = 1;
    bool lines = p->len && memchr(p->s, '\n', p->len) != NULL;
    for (size_t i = 0; lines && i < pos && i < p->len; i++) {
        if (p->s[i] == '\n') {
            line++;
            column = 1;
        } else if ((p->s[i] & 0xC0) != 0x80) {
            column++;
        }
    }
    if (lines)
        snprintf(out, cap, "invalid JSON at line %zu, column %zu (byte %zu)", line, column,
                 p->base + pos);
    else
        snprintf(out, cap, "invalid JSON at byte %zu", p->base + pos);
}

/* Sets err to "invalid JSON at byte N: why" (invalid_where). */
static void invalid_at(pt_error_t *err, const parser_t *p, size_t pos, const char *why)
{
    char at[96];
    invalid_where(p, pos, at, sizeof at);
    pt_error_set(err, PT_EINVALID_JSON, "%s: %s", at, why);
}

/* pt_json_parse of buf, which comes base bytes into its file. */
static cJSON *parse_at(const char *buf, size_t len, size_t base, pt_error_t *err)
{
    parser_t p = {.s = (const unsigned char *)buf, .len = buf ? len : 0, .base = base};
    cJSON *json;
    const cJSON *dup;
    bool oom = false;

    if (pt_utf8_bom(buf, p.len)) {
        invalid_at(err, &p, 0, "a byte order mark is not allowed");
        return NULL;
    }
    skip_ws(&p);
    if (p.pos >= p.len) {
        invalid_at(err, &p, p.pos, "empty document");
        return NULL;
    }
    if (!value(&p, 0)) {
        invalid_at(err, &p, p.fail_at, p.why);
        return NULL;
    }
    skip_ws(&p);
    if (p.pos < p.len) {
        invalid_at(err, &p, p.pos, "unexpected data after the JSON value");
        return NULL;
    }
    json = cJSON_ParseWithLength(buf, len);
    if (json == NULL) {
        /* The text is valid, so cJSON can only have failed for memory. */
        pt_error_set(err, PT_ENOMEM, "out of memory while parsing JSON");
        return NULL;
    }
    char where[256] = "";
    dup = find_duplicate(json, where, sizeof(where), &oom);
    if (oom) {
        cJSON_Delete(json);
        pt_error_set(err, PT_ENOMEM, "out of memory while parsing JSON");
        return NULL;
    }
    if (dup) {
        /* Said where the second one is, as any other fault is: in a file
         * of many lines, the line is what lets a person find it.
         * A name too long for the message is cut in its middle
         * (pt_error_set), its quote and the rest kept. */
        char at[96];
        invalid_where(&p, member_at(p.s, p.len, json, dup), at, sizeof at);
        pt_error_set(err, PT_EINVALID_JSON, "%s: member \"%s\" appears twice in %s%s", at,
                     dup->string, where[0] ? "the object at " : "an object", where);
        cJSON_Delete(json);
        return NULL;
    }
    return json;
}

cJSON *pt_json_parse(const char *buf, size_t len, pt_error_t *err)
{
    return parse_at(buf, len, 0, err);
}

cJSON *pt_json_parse_file(const char *buf, size_t len, pt_error_t *err)
{
    size_t bom = buf ? pt_utf8_bom(buf, len) : 0;
    return parse_at(bom ? buf + bom : buf, len - bom, bom, err);
}

/*
 * import_json.c - the built-in importer of JSON files: "json" (an array of
 * proposals, or an object whose "items" member is that array, which is what
 * GET /v1/proposals answers and what the json exporter's array holds) and
 * "jsonl" (one proposal per line, blank lines skipped; a line ends with an
 * LF, a CRLF or a CR alone).
 *
 * Files may be far larger than memory should hold (the issue asks for a
 * 100 MB file in flat memory), so neither format is parsed whole. The
 * upload is read in chunks with job_read and scanned by a small streaming
 * tokenizer that knows only what it needs to find the proposals: where
 * strings start and end (and their escapes), how deep the brackets go, and
 * where a top-level element or a line ends. The text of one proposal at a
 * time is collected and handed to the host with rec_set_json(rec, "", text),
 * which replaces the whole record with that object (core/plugin-record.c:
 * path "" accepts a JSON object and nothing else), so the fields are
 * exactly the API's and the host's strict JSON parser does the real
 * parsing. Memory is one proposal's text plus one read buffer.
 *
 * What is whose fault:
 *   - an element that is not a JSON object, or not valid JSON, is one bad
 *     record: it is reported with import_reject, naming its position and
 *     what is wrong with it, and the scan goes on with the next one;
 *   - a file that is not a JSON array at all, or that ends inside a string
 *     or before its array is closed, is broken as a whole: import() sets
 *     the error, naming the line, and returns PTRACK_ERROR.
 *
 * Positions: jsonl records are "line N"; json records are "item N (line
 * L)", N counting from 1 and L being the line on which the item starts.
 * In both an LF, a CRLF and a CR alone each end a line (ends_line).
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ptrack/plugin.h>

#include "file-kind.h"
#include "plugin-state.h"
#include "utf8.h"

/* How much is read from the upload at a time. */
#define READ_CHUNK (64 * 1024)
/* The largest proposal accepted, as JSON text. A bigger one is rejected and
 * skipped without being held, so a runaway element cannot eat memory. */
#define ITEM_MAX (16 * 1024 * 1024)
/* The longest key of the top-level object that is remembered; only "items"
 * matters, so longer keys need not be kept whole. */
#define KEY_MAX 16

/* ---- Explaining a bad element --------------------------------------------
 * The host says only that a text is not a JSON object. People fixing a file
 * need to know where and why, so a rejected text is checked again here by a
 * small validator of RFC 8259 that reports the first fault. It runs only on
 * texts the host has refused, never on the fast path. */

typedef struct {
    const char *s;
    size_t n, i;
    const char *why;
    int depth;
} check_t;

static void check_ws(check_t *c)
{
    while (c->i < c->n &&
           (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        c->i++;
}

static bool check_fail(check_t *c, const char *why)
{
    if (!c->why)
        c->why = why;
    return false;
}

/* The length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned min;
    unsigned cp;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2, cp = s[0] & 0x1F, min = 0x80;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3, cp = s[0] & 0x0F, min = 0x800;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        len = 4, cp = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static bool check_string(check_t *c)
{
    c->i++; /* the opening quote */
    while (c->i < c->n) {
        unsigned char ch = (unsigned char)c->s[c->i];
        if (ch == '"') {
            c->i++;
            return true;
        }
        if (ch < 0x20)
            return check_fail(c, "a control character (a raw line break or tab) inside a string");
        if (ch == '\\') {
            if (c->i + 1 >= c->n)
                break;
            char e = c->s[c->i + 1];
            if (e == 'u') {
                unsigned cp = 0;
                for (size_t k = 2; k < 6; k++) {
                    if (c->i + k >= c->n || hex_value(c->s[c->i + k]) < 0)
                        return check_fail(c, "\\u must be followed by four hex digits");
                    cp = cp << 4 | (unsigned)hex_value(c->s[c->i + k]);
                }
                /* What the host refuses of a valid JSON text. */
                if (cp == 0)
                    return check_fail(c, "\\u0000 (a NUL character) is not text");
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return check_fail(c, "a \\u escape of a lone low surrogate (\\uDC00-\\uDFFF)");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    const char *lo = c->s + c->i + 6;
                    unsigned low = 0;
                    bool pair = c->i + 12 <= c->n && lo[0] == '\\' && lo[1] == 'u';
                    for (size_t k = 2; pair && k < 6; k++) {
                        pair = hex_value(lo[k]) >= 0;
                        low = pair ? low << 4 | (unsigned)hex_value(lo[k]) : 0;
                    }
                    if (!pair || low < 0xDC00 || low > 0xDFFF)
                        return check_fail(c, "a \\u escape of a high surrogate not followed by "
                                             "a low one (\\uD800-\\uDBFF, then \\uDC00-\\uDFFF)");
                    c->i += 6;
                }
                c->i += 6;
            } else if (strchr("\"\\/bfnrt", e) && e) {
                c->i += 2;
            } else {
                return check_fail(c, "an unknown escape after a backslash");
            }
            continue;
        }
        size_t len = utf8_seq((const unsigned char *)c->s + c->i, c->n - c->i);
        if (len == 0 && pt_utf8_has_surrogate(c->s + c->i, c->n - c->i < 3 ? c->n - c->i : 3))
            return check_fail(c, "a UTF-8-encoded surrogate (ED A0..ED BF) without its pair: "
                                 "half of a character beyond the BMP as CESU-8 writes it, no "
                                 "character alone");
        if (len == 0)
            return check_fail(c, "invalid UTF-8 (is the file in GBK? save it as UTF-8)");
        c->i += len;
    }
    return check_fail(c, "a string is not closed");
}

static bool check_number(check_t *c)
{
    size_t start = c->i;
    bool exponent = false;
    if (c->s[c->i] == '-')
        c->i++;
    if (c->i < c->n && c->s[c->i] == '0') {
        c->i++;
    } else if (c->i < c->n && c->s[c->i] >= '1' && c->s[c->i] <= '9') {
        while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
            c->i++;
    } else {
        c->i = start;
        return check_fail(c, "not a JSON value (strings need double quotes)");
    }
    if (c->i < c->n && c->s[c->i] == '.') {
        c->i++;
        if (c->i >= c->n || c->s[c->i] < '0' || c->s[c->i] > '9')
            return check_fail(c, "a number has no digits after its decimal point");
        while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
            c->i++;
    }
    if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
        c->i++;
        if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
            c->i++;
        if (c->i >= c->n || c->s[c->i] < '0' || c->s[c->i] > '9')
            return check_fail(c, "a number has no digits in its exponent");
        while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
            c->i++;
        exponent = true;
    }
    /* ptrackd refuses a number a double cannot hold (1e999, read as
     * infinity): only an exponent or 309 digits or more may be one. */
    size_t len = c->i - start;
    if (exponent || len > 308) {
        char *text = malloc(len + 1);
        if (!text)
            return true;
        memcpy(text, c->s + start, len);
        text[len] = '\0';
        bool finite = isfinite(strtod(text, NULL));
        free(text);
        if (!finite) {
            c->i = start;
            return check_fail(c, "a number too large for ptrackd (a double holds up to about "
                                 "1.8e308)");
        }
    }
    return true;
}

static bool check_value(check_t *c);

static bool check_container(check_t *c, char close)
{
    if (++c->depth > 64)
        return check_fail(c, "nested deeper than 64 levels");
    c->i++;
    check_ws(c);
    if (c->i < c->n && c->s[c->i] == close) {
        c->i++;
        c->depth--;
        return true;
    }
    for (;;) {
        if (close == '}') {
            check_ws(c);
            if (c->i >= c->n || c->s[c->i] != '"')
                return check_fail(c, c->i < c->n && c->s[c->i] == '}'
                                         ? "a comma before '}' (trailing commas are not JSON)"
                                         : "a member name must be a string in double quotes");
            if (!check_string(c))
                return false;
            check_ws(c);
            if (c->i >= c->n || c->s[c->i] != ':')
                return check_fail(c, "expected ':' after a member name");
            c->i++;
        }
        check_ws(c);
        if (close == ']' && c->i < c->n && c->s[c->i] == ']')
            return check_fail(c, "a comma before ']' (trailing commas are not JSON)");
        if (!check_value(c))
            return false;
        check_ws(c);
        if (c->i >= c->n)
            return check_fail(c, close == '}' ? "the object is not closed with '}'"
                                              : "the array is not closed with ']'");
        if (c->s[c->i] == close) {
            c->i++;
            c->depth--;
            return true;
        }
        if (c->s[c->i] != ',')
            return check_fail(c, close == '}' ? "expected ',' or '}' after a member"
                                              : "expected ',' or ']' after an element");
        c->i++;
    }
}

static bool check_literal(check_t *c, const char *lit)
{
    size_t n = strlen(lit);
    if (c->n - c->i < n || memcmp(c->s + c->i, lit, n) != 0)
        return check_fail(c, "not a JSON value (strings need double quotes)");
    c->i += n;
    return true;
}

static bool check_value(check_t *c)
{
    check_ws(c);
    if (c->i >= c->n)
        return check_fail(c, "a value is missing");
    switch (c->s[c->i]) {
    case '{':
        return check_container(c, '}');
    case '[':
        return check_container(c, ']');
    case '"':
        return check_string(c);
    case 't':
        return check_literal(c, "true");
    case 'f':
        return check_literal(c, "false");
    case 'n':
        return check_literal(c, "null");
    default:
        return check_number(c);
    }
}

/* Whether the byte at p ends a line, cr_before telling whether the byte
 * before it was a CR: an LF, a CR alone (an old Mac's text, a sheet saved
 * as "CSV (Macintosh)" and renamed) and a CRLF each end one, a CRLF at
 * its CR. Both formats count their lines so. */
static bool ends_line(const char *p, bool cr_before)
{
    return *p == '\r' || (*p == '\n' && !cr_before);
}

/* Writes why text[0..n) was refused into why, with the line and column of
 * the fault in the file: the text starts on first_line, at first_col. */
static void explain(const char *text, size_t n, long first_line, long first_col, char *why,
                    size_t cap)
{
    check_t c = {.s = text, .n = n};
    check_ws(&c);
    bool object = c.i < n && text[c.i] == '{';
    bool valid = check_value(&c);
    if (valid) {
        check_ws(&c);
        if (c.i < n) {
            valid = false;
            c.why = "more text after the end of the value (a missing comma between two items?)";
        }
    }
    if (valid) {
        snprintf(why, cap, "%s",
                 object ? "not accepted as a JSON object (a duplicate member name?)"
                        : "not a JSON object: each proposal must be an object {...}");
        return;
    }
    long line = first_line, col = first_col;
    for (size_t k = 0; k < c.i && k < n; k++) {
        if (ends_line(text + k, k > 0 && text[k - 1] == '\r')) {
            line++;
            col = 1;
        } else if (text[k] != '\n' && ((unsigned char)text[k] & 0xC0) != 0x80) {
            col++;
        }
    }
    snprintf(why, cap, "not valid JSON: %s (line %ld, column %ld)", c.why, line, col);
}

/* ---- Shared by both formats ------------------------------------------- */

/* The text of one proposal being collected, NUL-terminated. */
typedef struct {
    char *s;
    size_t len, cap;
    bool too_big; /* went over ITEM_MAX: the rest is skipped, not kept */
} text_t;

static int text_add(text_t *t, const char *p, size_t n)
{
    if (t->too_big)
        return PTRACK_OK;
    if (t->len + n > ITEM_MAX) {
        t->too_big = true;
        return PTRACK_OK;
    }
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *grown = realloc(t->s, cap);
        if (!grown)
            return PTRACK_ENOMEM;
        t->s = grown;
        t->cap = cap;
    }
    memcpy(t->s + t->len, p, n);
    t->len += n;
    t->s[t->len] = '\0';
    return PTRACK_OK;
}

static void text_reset(text_t *t)
{
    t->len = 0;
    t->too_big = false;
    if (t->s)
        t->s[0] = '\0';
}

/* Hands one proposal's text to the host, or rejects it with the reason.
 * Returns the host's answer (PTRACK_OK, PTRACK_ECANCELED, ...). */
static int emit_text(const ptrack_host_t *h, ptrack_job_t *job, text_t *t, const char *where,
                     long first_line, long first_col)
{
    if (t->too_big) {
        char why[96];
        snprintf(why, sizeof(why), "larger than %d MB; a proposal should be far smaller",
                 ITEM_MAX / (1024 * 1024));
        return h->import_reject(job, where, why);
    }
    /* Trailing blanks are not part of the value; leading ones never get in. */
    while (t->len > 0 && (t->s[t->len - 1] == ' ' || t->s[t->len - 1] == '\t' ||
                          t->s[t->len - 1] == '\r' || t->s[t->len - 1] == '\n'))
        t->s[--t->len] = '\0';
    if (t->len == 0)
        return h->import_reject(job, where,
                                "an empty item (two commas in a row, or one before ']')");
    /* A character beyond the BMP written as CESU-8, as Oracle's "UTF8"
     * character set writes 𠮷, is made UTF-8 (utf8.h). */
    t->len = pt_utf8_join_surrogates(t->s, t->len);
    ptrack_record_t *rec = h->rec_new();
    if (!rec)
        return PTRACK_ENOMEM;
    if (h->rec_set_json(rec, "", t->s) != PTRACK_OK) {
        h->rec_free(rec);
        char why[256];
        explain(t->s, t->len, first_line, first_col, why, sizeof(why));
        return h->import_reject(job, where, why);
    }
    return h->import_emit(job, rec, where);
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* What the JSON importer says of a file that is no text (file-kind.h). */
static const pt_file_advice_t not_json = {
    .reads = "JSON",
    .sheet = "import a sheet with format=csv, saved as CSV (另存为 → CSV UTF-8)",
    .document = "import a document's text with format=text, saved as plain text (另存为 → 纯文本 "
                ".txt)",
    .pdf = "import a PDF's text with format=text, copied into a plain text file (.txt, UTF-8)",
};

/* Reads the next chunk of the file into buf (READ_CHUNK bytes at most) and
 * sets *start where its data begins. The first chunk (*first) is read on
 * until it is full or the file ends, so that a UTF-8 byte order mark
 * (Windows editors write one; it is not data) is found even when the upload
 * splits it, and is skipped, and a workbook or a document sent for JSON is
 * named as what it is (PTRACK_ERROR, with set_error). Returns the bytes
 * read, 0 at the end of the file, or a negative PTRACK_ error. */
static ptrdiff_t read_chunk(const ptrack_host_t *h, ptrack_job_t *job, char *buf, bool *first,
                            const char **start)
{
    ptrdiff_t n = h->job_read(job, buf, READ_CHUNK);
    *start = buf;
    if (!*first || n <= 0)
        return n;
    while (n < READ_CHUNK) {
        ptrdiff_t m = h->job_read(job, buf + n, (size_t)(READ_CHUNK - n));
        if (m < 0)
            return m;
        if (m == 0)
            break;
        n += m;
    }
    *first = false;
    char why[512];
    if (pt_file_not_text(buf, (size_t)n, &not_json, why, sizeof(why))) {
        h->set_error(job, "%s", why);
        return PTRACK_ERROR;
    }
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        *start = buf + 3;
    return n;
}

/* ---- jsonl --------------------------------------------------------------- */

/* Where the line that starts at p ends: at its first CR or LF, or NULL
 * when end comes first. A line of JSON holds neither raw (a string
 * escapes them), so a CR alone ends a line as an LF does: an old Mac's
 * text, or a sheet saved as "CSV (Macintosh)" and renamed, ends its lines
 * so. */
static const char *line_end(const char *p, const char *end)
{
    const char *lf = memchr(p, '\n', (size_t)(end - p));
    const char *cr = memchr(p, '\r', (size_t)((lf ? lf : end) - p));
    return cr ? cr : lf;
}

static int import_lines(const ptrack_host_t *h, ptrack_job_t *job, char *buf)
{
    text_t t = {0};
    static const char BOM[] = "\xEF\xBB\xBF";
    long line = 1, lead = 0;
    size_t bom_part = 0;   /* the bytes of a BOM at a line's start so far */
    bool after_cr = false; /* the last line ended with a CR: an LF next is its CRLF */
    bool first_chunk = true;
    bool empty = true; /* no line so far holds more than blanks */
    int rc = PTRACK_OK;
    for (;;) {
        const char *p;
        ptrdiff_t n = read_chunk(h, job, buf, &first_chunk, &p);
        if (n < 0) {
            rc = (int)n;
            break;
        }
        if (n == 0)
            break;
        const char *end = buf + n;
        while (p < end && rc == PTRACK_OK) {
            if (after_cr) {
                after_cr = false;
                if (*p == '\n') {
                    p++;
                    continue;
                }
            }
            const char *nl = line_end(p, end);
            const char *stop = nl ? nl : end;
            /* Leading blanks are skipped so that a blank line stays empty;
             * they are counted for the column of a fault. So is a UTF-8
             * byte order mark: files of lines that each began with one
             * joined into one (copy /b 一.jsonl+二.jsonl, cat) hold it at
             * the start of a line, where it was refused as "not a JSON
             * value" though nothing shows there. The upload may cut it
             * (bom_part of its bytes seen at the end of the last chunk). */
            while (t.len == 0 && !t.too_big) {
                if (bom_part > 0 && p < stop && *p == BOM[bom_part]) {
                    p++;
                    if (++bom_part == 3) {
                        bom_part = 0;
                        lead++;
                    }
                } else if (bom_part > 0 && p == stop && !nl) {
                    break; /* the rest of it in the next chunk */
                } else if (bom_part > 0) {
                    /* No mark after all: its bytes are the line's. */
                    rc = text_add(&t, BOM, bom_part);
                    bom_part = 0;
                } else if (p < stop && is_blank(*p)) {
                    p++;
                    lead++;
                } else if (p < stop && *p == BOM[0]) {
                    p++;
                    bom_part = 1;
                } else {
                    break;
                }
            }
            if (rc == PTRACK_OK)
                rc = text_add(&t, p, (size_t)(stop - p));
            if (rc != PTRACK_OK || !nl)
                break;
            if (t.len > 0 || t.too_big) {
                char where[32];
                snprintf(where, sizeof(where), "line %ld", line);
                empty = false;
                rc = emit_text(h, job, &t, where, line, 1 + lead);
            }
            text_reset(&t);
            lead = 0;
            line++;
            after_cr = *nl == '\r';
            p = nl + 1;
        }
        if (rc != PTRACK_OK)
            break;
    }
    /* A file that ends inside what began as a BOM: bytes that are no
     * JSON, refused as such. */
    if (rc == PTRACK_OK && bom_part > 0)
        rc = text_add(&t, BOM, bom_part);
    if (rc == PTRACK_OK && (t.len > 0 || t.too_big)) {
        /* The last line, without a final line break. */
        char where[32];
        snprintf(where, sizeof(where), "line %ld", line);
        empty = false;
        rc = emit_text(h, job, &t, where, line, 1 + lead);
    }
    /* Nothing but blanks (or nothing at all) is refused as an empty json
     * file is, not taken as an import of nothing. */
    if (rc == PTRACK_OK && empty) {
        h->set_error(job, "the file is empty: expected a proposal on each line, a JSON object "
                          "({\"title\": ...})");
        rc = PTRACK_ERROR;
    }
    free(t.s);
    return rc;
}

/* ---- json ----------------------------------------------------------------
 * The scanner's states. The top level is either the array of proposals or
 * an object that holds it under "items"; other members of that object
 * ("next", a count) are skipped whatever they hold. */
typedef enum {
    S_START,     /* before the top-level value */
    S_OBJ_KEY,   /* top object: before a member name or '}' */
    S_OBJ_NAME,  /* top object: inside a member name */
    S_OBJ_COLON, /* top object: after a name, before ':' */
    S_OBJ_VALUE, /* top object: before a member's value */
    S_OBJ_SKIP,  /* top object: inside a value that is not "items" */
    S_OBJ_NEXT,  /* top object: after a value, before ',' or '}' */
    S_ITEMS,     /* the array of proposals: between items */
    S_ITEM,      /* inside an item */
    S_END,       /* after the top-level value: only blanks may follow */
} state_t;

typedef struct {
    const ptrack_host_t *h;
    ptrack_job_t *job;
    state_t st;
    bool wrapped;      /* the array is the "items" member of an object */
    bool found_items;  /* "items" was there */
    bool in_str, esc;  /* inside a string of a skipped value or an item */
    long depth;        /* brackets open inside the skipped value or item */
    long line;         /* the line being scanned */
    bool cr_before;    /* the last chunk ended with a CR */
    long array_line;   /* where the array of proposals opened */
    long str_line;     /* where the open string started */
    long item_no;      /* items seen, the current one included */
    long item_line;    /* where the current item started */
    long item_col;     /* and in which column (characters, from 1) */
    const char *chunk; /* the chunk being scanned */
    long line_chars;   /* characters of the current line before it */
    bool after_comma;  /* S_ITEMS: a comma came since the last item */
    char key[KEY_MAX + 1];
    size_t key_len;
    bool key_cut; /* the key was longer than KEY_MAX bytes */
    text_t item;
    char error[256]; /* set when the file is broken as a whole */
} scan_t;

/* Keeps the message for a file that is broken as a whole; it names the
 * line, so that the office can find the place. */
static int scan_fail(scan_t *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int scan_fail(scan_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pt_utf8_vformat(s->error, sizeof(s->error), fmt, ap);
    va_end(ap);
    return PTRACK_ERROR;
}

/* The member name being read, for a message: as it is, or, when it was
 * longer than KEY_MAX bytes, cut between characters with "…" (name is
 * KEY_MAX + 1 bytes, too few for the key and "…"). */
static const char *key_shown(const scan_t *s, char name[KEY_MAX + 1])
{
    if (!s->key_cut)
        return s->key;
    pt_utf8_format(name, KEY_MAX + 1, "%s…", s->key);
    return name;
}

/* Ends the current item and hands it over. */
static int item_end(scan_t *s)
{
    char where[64];
    snprintf(where, sizeof(where), "item %ld (line %ld)", s->item_no, s->item_line);
    int rc = emit_text(s->h, s->job, &s->item, where, s->item_line, s->item_col);
    text_reset(&s->item);
    s->after_comma = false;
    return rc;
}

/* Counts the line end at p (in the chunk being scanned), if one is there. */
static void count_line(scan_t *s, const char *p)
{
    if (ends_line(p, p > s->chunk ? p[-1] == '\r' : s->cr_before))
        s->line++;
}

/* Scans the bytes of an item from *pp up to end, adding them to the item's
 * text; stops after the item's text when a ',' or ']' at its own level
 * ends it, leaving *pp on that byte. Returns 1 when the item ended, 0 when
 * the chunk ran out first, or an error. */
static int scan_item(scan_t *s, const char **pp, const char *end)
{
    const char *p = *pp, *from = p;
    int rc;
    while (p < end) {
        char ch = *p;
        if (s->in_str) {
            /* The bulk of a proposal is string content: skip plain bytes
             * without looking at the state machine for each. */
            if (ch == '\n' || ch == '\r') {
                /* A raw line break inside a string is not JSON, but it is
                 * still a line: the count must stay right for the reason
                 * the host's refusal of this item will get, and for the
                 * items after it. So is one after a backslash (a line
                 * continued as in C), which ends the escape. */
                count_line(s, p);
            }
            if (s->esc) {
                s->esc = false;
            } else if (ch == '\\') {
                s->esc = true;
            } else if (ch == '"') {
                s->in_str = false;
            }
            p++;
            continue;
        }
        switch (ch) {
        case '"':
            s->in_str = true;
            s->str_line = s->line;
            break;
        case '{':
        case '[':
            s->depth++;
            break;
        case '}':
        case ']':
            if (s->depth == 0) {
                if ((rc = text_add(&s->item, from, (size_t)(p - from))) != PTRACK_OK)
                    return rc;
                *pp = p;
                return 1;
            }
            s->depth--;
            break;
        case ',':
            if (s->depth == 0) {
                if ((rc = text_add(&s->item, from, (size_t)(p - from))) != PTRACK_OK)
                    return rc;
                *pp = p;
                return 1;
            }
            break;
        case '\n':
        case '\r':
            count_line(s, p);
            break;
        default:
            break;
        }
        p++;
    }
    if ((rc = text_add(&s->item, from, (size_t)(p - from))) != PTRACK_OK)
        return rc;
    *pp = p;
    return 0;
}

static int scan_bytes(scan_t *s, const char *p, const char *end);

/* The characters of UTF-8 text[0..n). */
static long chars(const char *text, size_t n)
{
    long k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)text[i] & 0xC0) != 0x80;
    return k;
}

/* The characters before p on its line (p is in the chunk being scanned):
 * items may start mid-line, several to a line. */
static long column_before(const scan_t *s, const char *p)
{
    for (const char *q = p; q > s->chunk; q--)
        if (q[-1] == '\n' || q[-1] == '\r')
            return chars(q, (size_t)(p - q));
    return s->line_chars + chars(s->chunk, (size_t)(p - s->chunk));
}

/* Scans one chunk. Returns PTRACK_OK to read on, or an error (with
 * s->error set when the file is broken). */
static int scan_chunk(scan_t *s, const char *p, const char *end)
{
    int rc;
    s->chunk = p;
    /* What the next chunk's first line holds already. */
    const char *last = end;
    while (last > p && last[-1] != '\n' && last[-1] != '\r')
        last--;
    long tail = chars(last, (size_t)(end - last));
    rc = scan_bytes(s, p, end);
    s->line_chars = last > p ? tail : s->line_chars + tail;
    if (end > p)
        s->cr_before = end[-1] == '\r';
    return rc;
}

/* Scans the bytes of one chunk (see scan_chunk). */
static int scan_bytes(scan_t *s, const char *p, const char *end)
{
    int rc;
    while (p < end) {
        char ch = *p;
        switch (s->st) {
        case S_ITEM:
            rc = scan_item(s, &p, end);
            if (rc < 0)
                return rc;
            if (rc == 0)
                return PTRACK_OK;
            /* *p is the ',' or ']' (or a stray '}') that ended the item. */
            if ((rc = item_end(s)) != PTRACK_OK)
                return rc;
            s->st = S_ITEMS;
            continue;
        case S_ITEMS:
            if (ch == '\n' || ch == '\r') {
                count_line(s, p);
            } else if (ch == ',') {
                if (s->after_comma || s->item_no == 0) {
                    /* An item that is only a comma away from the last. */
                    s->item_no++;
                    s->item_line = s->line;
                    if ((rc = item_end(s)) != PTRACK_OK)
                        return rc;
                }
                s->after_comma = true;
            } else if (ch == ']') {
                if (s->after_comma) {
                    s->item_no++;
                    s->item_line = s->line;
                    if ((rc = item_end(s)) != PTRACK_OK)
                        return rc;
                }
                s->st = s->wrapped ? S_OBJ_NEXT : S_END;
            } else if (ch == '}') {
                return scan_fail(s, "line %ld: '}' where %s should end with ']'", s->line,
                                 s->wrapped ? "the \"items\" array" : "the array of proposals");
            } else if (!is_blank(ch)) {
                s->item_no++;
                s->item_line = s->line;
                s->item_col = 1 + column_before(s, p);
                s->depth = 0;
                s->in_str = s->esc = false;
                s->st = S_ITEM;
                continue; /* the byte is the item's first */
            }
            break;
        case S_START:
            if (ch == '\n' || ch == '\r') {
                count_line(s, p);
            } else if (ch == '[') {
                s->array_line = s->line;
                s->st = S_ITEMS;
            } else if (ch == '{') {
                s->wrapped = true;
                s->st = S_OBJ_KEY;
            } else if (!is_blank(ch)) {
                char what[8];
                snprintf(what, sizeof(what), "%c", ch >= 0x20 && ch < 0x7f ? ch : '?');
                return scan_fail(s,
                                 "line %ld: not JSON: a JSON file of proposals starts with '[' "
                                 "(an array) or '{' (an object with \"items\"), not '%s'",
                                 s->line, what);
            }
            break;
        case S_OBJ_KEY:
            if (ch == '\n' || ch == '\r') {
                count_line(s, p);
            } else if (ch == '"') {
                s->key_len = 0;
                s->key_cut = false;
                s->esc = false;
                s->st = S_OBJ_NAME;
            } else if (ch == '}') {
                s->st = S_END;
            } else if (ch != ',' && !is_blank(ch)) {
                return scan_fail(s, "line %ld: not JSON: expected a member name in double quotes",
                                 s->line);
            }
            break;
        case S_OBJ_NAME:
            if (s->esc) {
                s->esc = false;
            } else if (ch == '\\') {
                s->esc = true;
            } else if (ch == '"') {
                s->key[s->key_len] = '\0';
                s->st = S_OBJ_COLON;
                break;
            } else if (ch == '\n' || ch == '\r') {
                return scan_fail(
                    s, "line %ld: not JSON: a member name runs past the end of the line", s->line);
            }
            if (s->key_len < KEY_MAX)
                s->key[s->key_len++] = ch;
            else
                s->key_cut = true;
            break;
        case S_OBJ_COLON:
            if (ch == '\n' || ch == '\r') {
                count_line(s, p);
            } else if (ch == ':') {
                s->st = S_OBJ_VALUE;
            } else if (!is_blank(ch)) {
                char name[KEY_MAX + 1];
                return scan_fail(s, "line %ld: not JSON: expected ':' after \"%s\"", s->line,
                                 key_shown(s, name));
            }
            break;
        case S_OBJ_VALUE:
            if (ch == '\n' || ch == '\r') {
                count_line(s, p);
            } else if (!is_blank(ch)) {
                if (strcmp(s->key, "items") == 0) {
                    if (ch != '[')
                        return scan_fail(s, "line %ld: \"items\" must be an array of proposals",
                                         s->line);
                    s->found_items = true;
                    s->array_line = s->line;
                    s->st = S_ITEMS;
                    break;
                }
                s->depth = 0;
                s->in_str = s->esc = false;
                s->st = S_OBJ_SKIP;
                continue;
            }
            break;
        case S_OBJ_SKIP:
            if (ch == '\n' || ch == '\r')
                count_line(s, p);
            if (s->in_str) {
                if (s->esc)
                    s->esc = false;
                else if (ch == '\\')
                    s->esc = true;
                else if (ch == '"')
                    s->in_str = false;
            } else if (ch == '"') {
                s->in_str = true;
                s->str_line = s->line;
            } else if (ch == '{' || ch == '[') {
                s->depth++;
            } else if ((ch == '}' || ch == ']') && s->depth > 0) {
                s->depth--;
            } else if (s->depth == 0 && (ch == ',' || ch == '}')) {
                s->st = S_OBJ_NEXT;
                continue;
            }
            break;
        case S_OBJ_NEXT:
            if (ch == '\n' || ch == '\r') {
                count_line(s, p);
            } else if (ch == ',') {
                s->st = S_OBJ_KEY;
            } else if (ch == '}') {
                s->st = S_END;
            } else if (!is_blank(ch)) {
                char name[KEY_MAX + 1];
                return scan_fail(s, "line %ld: not JSON: expected ',' or '}' after \"%s\"", s->line,
                                 key_shown(s, name));
            }
            break;
        case S_END:
            if (ch == '\n' || ch == '\r') {
                count_line(s, p);
            } else if (!is_blank(ch)) {
                return scan_fail(s, "line %ld: more text after the end of the JSON %s", s->line,
                                 s->wrapped ? "object" : "array");
            }
            break;
        }
        p++;
    }
    return PTRACK_OK;
}

/* What the end of the file means in the state the scan is in. */
static int scan_finish(scan_t *s)
{
    switch (s->st) {
    case S_END:
        if (s->wrapped && !s->found_items)
            return scan_fail(s, "line %ld: the object has no \"items\" array of proposals",
                             s->line);
        return PTRACK_OK;
    case S_START:
        return scan_fail(s, "line %ld: the file is empty: expected a JSON array of proposals",
                         s->line);
    case S_ITEM:
        if (s->in_str)
            return scan_fail(s,
                             "line %ld: the file ends inside a string that starts on line %ld "
                             "(item %ld)",
                             s->line, s->str_line, s->item_no);
        if (s->depth > 0)
            return scan_fail(s,
                             "line %ld: the file ends inside item %ld, which starts on line %ld "
                             "(a '}' or ']' is missing)",
                             s->line, s->item_no, s->item_line);
        /* The item is whole; only the array's ']' is missing. */
        /* fall through */
    case S_ITEMS:
        return scan_fail(s,
                         "line %ld: the file ends before the array of proposals opened on "
                         "line %ld is closed with ']'",
                         s->line, s->array_line);
    case S_OBJ_SKIP:
        if (s->in_str)
            return scan_fail(s, "line %ld: the file ends inside a string that starts on line %ld",
                             s->line, s->str_line);
        /* fall through */
    default:
        return scan_fail(s, "line %ld: the file ends before the JSON object is closed with '}'",
                         s->line);
    }
}

static int import_array(const ptrack_host_t *h, ptrack_job_t *job, char *buf)
{
    scan_t s = {.h = h, .job = job, .st = S_START, .line = 1};
    bool first_chunk = true;
    int rc = PTRACK_OK;
    for (;;) {
        const char *p;
        ptrdiff_t n = read_chunk(h, job, buf, &first_chunk, &p);
        if (n < 0) {
            rc = (int)n;
            break;
        }
        if (n == 0) {
            rc = scan_finish(&s);
            break;
        }
        if ((rc = scan_chunk(&s, p, buf + n)) != PTRACK_OK)
            break;
    }
    if (rc == PTRACK_ERROR && s.error[0])
        h->set_error(job, "%s", s.error);
    free(s.item.s);
    return rc;
}

/* ---- The plugin ------------------------------------------------------- */

static int json_import(void *state, ptrack_job_t *job, const char *format)
{
    const ptrack_host_t *h = ((const pt_plugin_state_t *)state)->host;
    char *buf = malloc(READ_CHUNK);
    if (!buf) {
        h->set_error(job, "out of memory");
        return PTRACK_ENOMEM;
    }
    int rc = strcmp(format, "jsonl") == 0 ? import_lines(h, job, buf) : import_array(h, job, buf);
    free(buf);
    if (rc == PTRACK_ENOMEM)
        h->set_error(job, "out of memory");
    return rc;
}

static const char *const formats[] = {"json", "jsonl", NULL};

/* No query parameter of its own: the format says json or jsonl. */
static const char *const args[] = {NULL};

static const ptrack_importer_ops_t importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = formats,
    .import = json_import,
    .args = args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "import_json",
    .version = "1.0",
    .description = "imports proposals from JSON (an array, or {\"items\": [...]}) and JSON lines",
    .kinds = PTRACK_KIND_IMPORTER,
    .options = NULL,
    .create = pt_plugin_state_create,
    .destroy = pt_plugin_state_destroy,
    .importer = &importer,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

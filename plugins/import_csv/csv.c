/*
 * csv.c - the streaming RFC 4180 reader (see csv.h).
 *
 * A state machine over bytes. Runs of ordinary bytes are copied at once,
 * which keeps the reader near memcpy speed on large files. Only the bytes
 * '"', the separator, CR and LF matter, and none of them can occur inside a
 * multibyte UTF-8 (or GB18030-converted) character, so the reader needs no
 * knowledge of the encoding.
 */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

enum {
    S_FIELD,    /* at the start of a field */
    S_PLAIN,    /* inside an unquoted field */
    S_QUOTED,   /* inside a quoted field */
    S_QUOTE,    /* a quote inside a quoted field: closing, or the first of "" */
    S_AFTER_CR, /* a CR ended a record; an LF right after belongs to it */
};

void csv_reader_init(csv_reader_t *r, char sep, size_t max_record)
{
    memset(r, 0, sizeof(*r));
    r->sep = sep;
    r->max_record = max_record;
    r->line = 1;
    r->state = S_FIELD;
}

void csv_reader_free(csv_reader_t *r)
{
    pt_str_free(&r->data);
    free(r->starts);
    free(r->ptrs);
    free(r->lens);
    r->starts = NULL;
    r->ptrs = NULL;
    r->lens = NULL;
}

long csv_reader_line(const csv_reader_t *r)
{
    return r->line + (r->state == S_AFTER_CR);
}

/* Starts a record at the first byte that belongs to it. */
static int begin_record(csv_reader_t *r)
{
    if (r->in_record)
        return 0;
    if (!r->starts) {
        r->starts = malloc(33 * sizeof(*r->starts));
        if (!r->starts)
            return CSV_ENOMEM;
        r->cap_fields = 32;
    }
    r->in_record = true;
    r->rec_line = r->line;
    r->data.len = 0;
    r->n_fields = 0;
    r->starts[0] = 0;
    return 0;
}

/* Ends the field being read: its bytes are data[starts[n]..), and a NUL
 * after them; the next field starts past the NUL. */
static int end_field(csv_reader_t *r)
{
    if (begin_record(r))
        return CSV_ENOMEM;
    if (r->n_fields + 1 > r->cap_fields) {
        size_t cap = r->cap_fields * 2;
        size_t *s = realloc(r->starts, (cap + 1) * sizeof(*s));
        if (!s)
            return CSV_ENOMEM;
        r->starts = s;
        r->cap_fields = cap;
    }
    pt_str_append(&r->data, "", 1);
    r->n_fields++;
    r->starts[r->n_fields] = r->data.len;
    return r->data.oom ? CSV_ENOMEM : 0;
}

static int put(csv_reader_t *r, const char *s, size_t n)
{
    if (begin_record(r))
        return CSV_ENOMEM;
    if (r->data.len + n > r->max_record) {
        r->err_line = r->rec_line;
        r->err_field = r->n_fields;
        return CSV_ETOOBIG;
    }
    pt_str_append(&r->data, s, n);
    return r->data.oom ? CSV_ENOMEM : 0;
}

/* Whether every field of the record is blank: a blank line, or a row of
 * empty cells such as spreadsheets leave below their data (",,,"). */
static bool blank_record(const csv_reader_t *r)
{
    for (size_t i = 0; i < r->n_fields; i++)
        if (!csv_blank(r->data.p + r->starts[i], r->starts[i + 1] - r->starts[i] - 1))
            return false;
    return true;
}

/* Hands the record to fn, unless it is blank. */
static int end_record(csv_reader_t *r, csv_record_fn fn, void *ctx)
{
    int rc = end_field(r);
    if (rc)
        return rc;
    r->in_record = false;
    if (blank_record(r))
        return 0;
    if (r->n_fields > r->cap_ptrs) {
        const char **p = realloc(r->ptrs, r->n_fields * sizeof(*p));
        if (!p)
            return CSV_ENOMEM;
        r->ptrs = p;
        size_t *l = realloc(r->lens, r->n_fields * sizeof(*l));
        if (!l)
            return CSV_ENOMEM;
        r->lens = l;
        r->cap_ptrs = r->n_fields;
    }
    for (size_t i = 0; i < r->n_fields; i++) {
        r->ptrs[i] = r->data.p + r->starts[i];
        /* A lone CR in a quoted field (a sheet saved with CR-only line
         * ends) is its line break: an LF, as a CRLF's is kept a CRLF. Left
         * a CR, the cell's lines would run together where the text is
         * shown (a terminal, a page). */
        char *f = r->data.p + r->starts[i], *end = r->data.p + r->starts[i + 1] - 1;
        for (char *cr = f; (cr = memchr(cr, '\r', (size_t)(end - cr))) != NULL; cr++)
            if (cr + 1 == end || cr[1] != '\n')
                *cr = '\n';
        /* CESU-8 made UTF-8 (csv.h); a field only gets shorter. */
        r->lens[i] =
            pt_utf8_join_surrogates(r->data.p + r->starts[i], r->starts[i + 1] - r->starts[i] - 1);
    }
    csv_record_t rec = {r->ptrs, r->lens, r->n_fields, r->rec_line};
    return fn(ctx, &rec);
}

int csv_reader_feed(csv_reader_t *r, const char *data, size_t len, csv_record_fn fn, void *ctx)
{
    size_t i = 0;
    int rc = 0;
    while (i < len && rc == 0) {
        char c = data[i];
        switch (r->state) {
        case S_AFTER_CR:
            r->state = S_FIELD;
            r->line++;
            if (c == '\n')
                i++;
            break;
        case S_FIELD:
            if (c == '"') {
                if ((rc = begin_record(r)) != 0)
                    break;
                r->state = S_QUOTED;
                r->err_line = r->line;
                i++;
                break;
            }
            r->state = S_PLAIN;
            /* The byte is read again as the start of a plain field. */
            break;
        case S_PLAIN: {
            size_t j = i;
            while (j < len && data[j] != r->sep && data[j] != '\n' && data[j] != '\r')
                j++;
            if (j > i && (rc = put(r, data + i, j - i)) != 0)
                break;
            i = j;
            if (i == len)
                break;
            c = data[i++];
            if (c == r->sep) {
                rc = end_field(r);
                r->state = S_FIELD;
            } else if (c == '\n') {
                rc = end_record(r, fn, ctx);
                r->line++;
                r->state = S_FIELD;
            } else {
                rc = end_record(r, fn, ctx);
                r->state = S_AFTER_CR;
            }
            break;
        }
        case S_QUOTED: {
            /* A line break inside the field counts as one outside does:
             * LF, CRLF (counted at its CR) or a lone CR, as a file with
             * CR-only line ends (a sheet saved on an old Mac) writes it,
             * so that what comes after is named by its own line. */
            size_t j = i;
            while (j < len && data[j] != '"') {
                if (data[j] == '\r' || (data[j] == '\n' && !r->quoted_cr))
                    r->line++;
                r->quoted_cr = data[j] == '\r';
                j++;
            }
            if (j > i && (rc = put(r, data + i, j - i)) != 0)
                break;
            i = j;
            if (i < len) {
                r->state = S_QUOTE;
                r->quoted_cr = false;
                i++;
            }
            break;
        }
        case S_QUOTE:
            if (c == '"') {
                rc = put(r, "\"", 1);
                r->state = S_QUOTED;
                i++;
            } else {
                /* The field goes on unquoted: a separator or a line break
                 * ends it at once, other text after the closing quote is
                 * kept, as spreadsheets do. */
                r->state = S_PLAIN;
            }
            break;
        }
    }
    return rc;
}

int csv_reader_finish(csv_reader_t *r, csv_record_fn fn, void *ctx)
{
    if (r->state == S_QUOTED) {
        /* err_line was set where the quote opened. */
        r->err_field = r->n_fields;
        return CSV_EUNTERMINATED;
    }
    if (r->state == S_AFTER_CR || (!r->in_record && r->state == S_FIELD))
        return 0;
    int rc = end_record(r, fn, ctx);
    r->state = S_FIELD;
    return rc;
}

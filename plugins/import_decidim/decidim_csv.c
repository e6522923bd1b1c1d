/*
 * decidim_csv.c - the streaming CSV reader (see decidim_csv.h).
 */
#include "decidim_csv.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

void dcsv_init(dcsv_t *c, din_t *in, char sep)
{
    memset(c, 0, sizeof(*c));
    c->in = in;
    c->sep = sep;
}

void dcsv_free(dcsv_t *c)
{
    drow_free(&c->row);
}

enum { F_START, F_PLAIN, F_QUOTED, F_QUOTE };

static void field_end(dcsv_t *c, size_t start)
{
    drow_end(&c->row);
    drow_pair(&c->row, start, start);
}

int dcsv_next(dcsv_t *c)
{
    for (;;) {
        drow_clear(&c->row);
        c->error[0] = '\0';
        c->rec_line = c->in->line;
        int state = F_START, any = 0;
        long quote_line = 0;
        size_t start = drow_begin(&c->row);
        for (;;) {
            int ch = din_get(c->in);
            if (ch < 0) {
                if (c->in->c.status < 0)
                    return c->in->c.status;
                if (!any && state == F_START && c->row.n == 0)
                    return 0;
                if (state == F_QUOTED && !c->error[0])
                    snprintf(c->error, sizeof(c->error),
                             "unterminated quote: the quoted field %zu opened on line %ld never "
                             "closes",
                             c->row.n + 1, quote_line);
                field_end(c, start);
                break;
            }
            any = 1;
            char b = (char)ch;
            if (b == '\0' && !c->error[0])
                /* Stored as a C string, the field would end here and lose
                 * the rest silently. */
                snprintf(c->error, sizeof(c->error),
                         "field %zu holds a NUL byte, which is not text", c->row.n + 1);
            if (state == F_QUOTED) {
                if (b == '"')
                    state = F_QUOTE;
                else
                    drow_put(&c->row, &b, 1);
                continue;
            }
            if (b == '\r') {
                /* CRLF ends a record as LF does, and so does a lone CR (a
                 * file saved with CR-only line ends, which would otherwise
                 * be read as one record: its header, and no row); a CR in
                 * a quoted field stays. */
                if (din_peek(c->in) == '\n')
                    din_get(c->in);
                b = '\n';
            }
            if (state == F_QUOTE && b == '"') {
                drow_put(&c->row, &b, 1); /* a doubled quote */
                state = F_QUOTED;
                continue;
            }
            if (b == c->sep || b == '\n') {
                field_end(c, start);
                if (b == '\n')
                    break;
                start = drow_begin(&c->row);
                state = F_START;
                continue;
            }
            if (state == F_START && b == '"') {
                state = F_QUOTED;
                quote_line = c->in->line;
                continue;
            }
            if (state == F_QUOTE && !c->error[0])
                snprintf(c->error, sizeof(c->error),
                         "text after the closing quote of field %zu (a quote inside a quoted "
                         "field must be doubled)",
                         c->row.n + 1);
            drow_put(&c->row, &b, 1);
            state = F_PLAIN;
        }
        if (c->row.oom)
            return PTRACK_ENOMEM;
        if (c->row.too_big && !c->error[0])
            snprintf(c->error, sizeof(c->error), "the record is longer than %d KB", ROW_MAX / 1024);
        /* A blank line is no record, nor is a row of blank cells (";;;",
         * which spreadsheets leave below the data). */
        bool blank = !c->error[0];
        for (size_t i = 0; blank && i < c->row.n; i++) {
            const char *v = drow_value(&c->row, i);
            blank = pt_utf8_blank(v, strlen(v));
        }
        if (blank)
            continue;
        return 1;
    }
}

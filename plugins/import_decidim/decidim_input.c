/*
 * decidim_input.c - the byte stream and the row of the Decidim importer
 * (see decidim_input.h).
 */
#include "decidim_input.h"

#include <stdlib.h>
#include <string.h>

void din_init(din_t *in, const ptrack_host_t *host, ptrack_job_t *job)
{
    pt_chunk_init(&in->c, host, job);
    in->line = 1;
    in->cr = 0;
}

int din_peek(din_t *in)
{
    return pt_chunk_peek(&in->c);
}

int din_get(din_t *in)
{
    int c = din_peek(in);
    if (c >= 0) {
        in->c.pos++;
        /* A CRLF is one line end, counted at its CR; a lone CR (a file
         * saved with CR-only line ends) is one too. */
        if (c == '\r' || (c == '\n' && !in->cr))
            in->line++;
        in->cr = c == '\r';
    }
    return c;
}

int din_skip_bom(din_t *in, int ws)
{
    pt_chunk_skip_bom(&in->c);
    int c;
    while (ws && (c = din_peek(in)) >= 0 && (c == ' ' || c == '\t' || c == '\r' || c == '\n'))
        din_get(in);
    return din_peek(in);
}

const unsigned char *din_window(din_t *in, size_t *len)
{
    if (in->c.pos == in->c.len)
        pt_chunk_fill(&in->c);
    /* A header line longer than the buffered bytes is sniffed on what is there. */
    const unsigned char *p = in->c.buf + in->c.pos;
    /* The header line ends at LF, or at a CR (CRLF, or CR-only line ends). */
    size_t n = in->c.len - in->c.pos, k = 0;
    while (k < n && p[k] != '\n' && p[k] != '\r')
        k++;
    *len = k;
    return p;
}

static int reserve(drow_t *r, size_t extra)
{
    if (r->oom)
        return -1;
    if (r->len + extra <= r->cap)
        return 0;
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < r->len + extra)
        cap *= 2;
    char *b = realloc(r->buf, cap);
    if (!b) {
        r->oom = 1;
        return -1;
    }
    r->buf = b;
    r->cap = cap;
    return 0;
}

void drow_clear(drow_t *r)
{
    r->len = r->n = 0;
    r->too_big = 0;
}

void drow_free(drow_t *r)
{
    free(r->buf);
    free(r->off);
    memset(r, 0, sizeof(*r));
}

void drow_put(drow_t *r, const char *s, size_t n)
{
    if (r->too_big)
        return;
    if (r->len + n > ROW_MAX) {
        r->too_big = 1;
        return;
    }
    if (reserve(r, n) == 0) {
        memcpy(r->buf + r->len, s, n);
        r->len += n;
    }
}

size_t drow_begin(const drow_t *r)
{
    return r->len;
}

void drow_end(drow_t *r)
{
    /* A too-big row still ends its texts, so that every offset names a
     * NUL-terminated text. */
    if (reserve(r, 1) == 0)
        r->buf[r->len++] = '\0';
}

void drow_pair(drow_t *r, size_t key, size_t value)
{
    if (r->oom)
        return;
    if (r->n * 2 + 2 > r->cap_n) {
        size_t cap = r->cap_n ? r->cap_n * 2 : 64;
        size_t *o = realloc(r->off, cap * sizeof(*o));
        if (!o) {
            r->oom = 1;
            return;
        }
        r->off = o;
        r->cap_n = cap;
    }
    r->off[r->n * 2] = key;
    r->off[r->n * 2 + 1] = value;
    r->n++;
}

const char *drow_key(const drow_t *r, size_t i)
{
    return r->buf + r->off[i * 2];
}

const char *drow_value(const drow_t *r, size_t i)
{
    return r->buf + r->off[i * 2 + 1];
}

/*
 * buf.c - the growable buffer of buf.h.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pt_buf_init(pt_buf_t *b)
{
    memset(b, 0, sizeof(*b));
}

void pt_buf_free(pt_buf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

/* Makes room for n more bytes plus the terminating NUL. */
static bool reserve(pt_buf_t *b, size_t n)
{
    if (b->failed)
        return false;
    if (b->len + n + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) {
        if (cap > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void pt_buf_append(pt_buf_t *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    /* Nothing to append may come as a NULL s (an empty buffer's data),
     * which memcpy must not be given even for no bytes. */
    if (n > 0)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void pt_buf_puts(pt_buf_t *b, const char *s)
{
    pt_buf_append(b, s, strlen(s));
}

void pt_buf_printf(pt_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof(tmp)) {
        pt_buf_append(b, tmp, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void pt_buf_json_str(pt_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (!s) {
        pt_buf_append(b, "null", 4);
        return;
    }
    pt_buf_append(b, "\"", 1);
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        pt_buf_append(b, run, (size_t)(p - run));
        run = p + 1;
        switch (c) {
        case '"':
            pt_buf_append(b, "\\\"", 2);
            break;
        case '\\':
            pt_buf_append(b, "\\\\", 2);
            break;
        case '\n':
            pt_buf_append(b, "\\n", 2);
            break;
        case '\r':
            pt_buf_append(b, "\\r", 2);
            break;
        case '\t':
            pt_buf_append(b, "\\t", 2);
            break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            pt_buf_append(b, esc, 6);
        }
        }
    }
    pt_buf_append(b, run, strlen(run));
    pt_buf_append(b, "\"", 1);
}

void pt_buf_pct(pt_buf_t *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            pt_buf_append(b, (const char *)p, 1);
        else
            pt_buf_printf(b, "%%%02X", *p);
    }
}

void pt_buf_sh_word(pt_buf_t *b, const char *s)
{
    pt_buf_append(b, "'", 1);
    for (const char *q; (q = strchr(s, '\'')) != NULL; s = q + 1) {
        pt_buf_append(b, s, (size_t)(q - s));
        pt_buf_append(b, "'\\''", 4);
    }
    pt_buf_puts(b, s);
    pt_buf_append(b, "'", 1);
}

void pt_buf_json_int(pt_buf_t *b, int64_t v)
{
    pt_buf_printf(b, "%lld", (long long)v);
}

bool pt_buf_failed(const pt_buf_t *b)
{
    return b->failed;
}

char *pt_buf_take(pt_buf_t *b, size_t *len)
{
    if (b->failed) {
        pt_buf_free(b);
        if (len)
            *len = 0;
        return NULL;
    }
    if (!b->data && !reserve(b, 0))
        return NULL;
    if (b->len == 0)
        b->data[0] = '\0';
    char *d = b->data;
    if (len)
        *len = b->len;
    memset(b, 0, sizeof(*b));
    return d;
}

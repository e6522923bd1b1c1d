/*
 * buf.c - growable strings and checked allocation (see buf.h).
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void pt_oom(void)
{
    fputs("ptrack: out of memory\n", stderr);
    exit(PT_EXIT_SERVER);
}

void *pt_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        pt_oom();
    return p;
}

void *pt_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        pt_oom();
    return q;
}

char *pt_xstrdup(const char *s)
{
    return pt_xstrndup(s, strlen(s));
}

char *pt_xstrndup(const char *s, size_t n)
{
    char *d = pt_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void *pt_xcheck(void *p)
{
    if (!p)
        pt_oom();
    return p;
}

/* Makes room for n more bytes plus the terminating NUL. Capacity doubles so
 * that appending byte by byte stays linear overall. */
static void reserve(pt_buf_t *b, size_t n)
{
    if (b->len + n + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) {
        if (cap > ((size_t)-1) / 2)
            pt_oom();
        cap *= 2;
    }
    b->s = pt_xrealloc(b->s, cap);
    b->cap = cap;
}

void pt_buf_add(pt_buf_t *b, const char *s, size_t n)
{
    reserve(b, n);
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void pt_buf_puts(pt_buf_t *b, const char *s)
{
    pt_buf_add(b, s, strlen(s));
}

void pt_buf_putc(pt_buf_t *b, char c)
{
    pt_buf_add(b, &c, 1);
}

void pt_buf_vprintf(pt_buf_t *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return; /* An encoding error in the format; nothing sensible to add. */
    reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void pt_buf_printf(pt_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pt_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *pt_buf_str(const pt_buf_t *b)
{
    return b->s ? b->s : "";
}

char *pt_buf_take(pt_buf_t *b)
{
    char *s = b->s ? b->s : pt_xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void pt_buf_reset(pt_buf_t *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

void pt_buf_replace(pt_buf_t *b, const char *from, const char *to)
{
    pt_buf_t out = {0};
    const char *p = pt_buf_str(b), *hit;
    if (!*from || !strstr(p, from))
        return;
    while ((hit = strstr(p, from))) {
        pt_buf_add(&out, p, (size_t)(hit - p));
        pt_buf_puts(&out, to);
        p = hit + strlen(from);
    }
    pt_buf_puts(&out, p);
    pt_buf_free(b);
    *b = out;
}

void pt_buf_free(pt_buf_t *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

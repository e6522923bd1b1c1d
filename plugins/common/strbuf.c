/*
 * strbuf.c - a growable string (see strbuf.h).
 */
#include "strbuf.h"

#include "utf8.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(pt_str_t *s, size_t more)
{
    if (s->oom)
        return -1;
    if (s->len + more + 1 <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < s->len + more + 1)
        cap *= 2;
    char *p = realloc(s->p, cap);
    if (!p) {
        s->oom = 1;
        return -1;
    }
    s->p = p;
    s->cap = cap;
    return 0;
}

void pt_str_clear(pt_str_t *s)
{
    s->len = 0;
    if (s->p)
        s->p[0] = '\0';
}

void pt_str_free(pt_str_t *s)
{
    free(s->p);
    memset(s, 0, sizeof(*s));
}

void pt_str_append(pt_str_t *s, const char *text, size_t len)
{
    if (reserve(s, len) != 0)
        return;
    if (len)
        memcpy(s->p + s->len, text, len);
    s->len += len;
    s->p[s->len] = '\0';
}

void pt_str_puts(pt_str_t *s, const char *text)
{
    if (text)
        pt_str_append(s, text, strlen(text));
}

void pt_str_printf(pt_str_t *s, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        pt_str_append(s, small, (size_t)n);
        return;
    }
    if (reserve(s, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(s->p + s->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
}

void pt_str_json(pt_str_t *s, const char *text, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        pt_str_append(s, text + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            esc[2] = 0;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            esc[2] = 0;
        }
        pt_str_puts(s, esc);
    }
    pt_str_append(s, text + run, n - run);
}

/* Whether what s holds ends at the start of a markdown line: after a line
 * break, or at the very start, with nothing but blanks and quote marks
 * (">") since, as after the "> " of a robot's quoted line. */
static bool at_line_start(const pt_str_t *s)
{
    for (size_t i = s->len; i > 0; i--) {
        char c = s->p[i - 1];
        if (c == '\n')
            return true;
        if (c != ' ' && c != '>')
            return false;
    }
    return true;
}

/* Appends c as its full-width form (U+FF01..U+FF5E), in UTF-8. */
static void put_full_width(pt_str_t *s, unsigned char c)
{
    unsigned cp = 0xFF01u + (unsigned)(c - 0x21);
    char u[3] = {(char)0xEF, (char)(0x80 | ((cp >> 6) & 0x3F)), (char)(0x80 | (cp & 0x3F))};
    pt_str_append(s, u, sizeof(u));
}

/* pt_str_line(), and with md pt_str_md_line(): the same one pass. */
static void put_line(pt_str_t *s, const char *text, bool md)
{
    if (!text)
        return;
    /* Where markdown reads a heading, a list or a rule: at the start of the
     * line, past blanks and the digits of a number ("1." "2)"). */
    bool start = md && at_line_start(s), digits = false;
    size_t run = 0, i = 0;
    for (; text[i]; i++) {
        unsigned char c = (unsigned char)text[i];
        bool blank = c < 0x20 || c == 0x7f;
        bool mark = false;
        if (md && !blank && c != ' ') {
            if (strchr("[]<>*_~`|\\$&", c))
                mark = true;
            else if (start && !digits && strchr("#-+=", c))
                mark = true;
            else if (start && digits && (c == '.' || c == ')'))
                /* A list's number is followed by a blank, or ends the
                 * line; 1.5亿元 is an amount. */
                mark = text[i + 1] == '\0' || text[i + 1] == ' ' || text[i + 1] == '\t';
            digits = start && c >= '0' && c <= '9';
            start = digits;
        }
        if (!blank && !mark)
            continue;
        pt_str_append(s, text + run, i - run);
        if (blank)
            pt_str_append(s, " ", 1);
        else
            put_full_width(s, c);
        run = i + 1;
    }
    pt_str_append(s, text + run, i - run);
}

void pt_str_line(pt_str_t *s, const char *text)
{
    put_line(s, text, false);
}

void pt_str_md_line(pt_str_t *s, const char *text)
{
    put_line(s, text, true);
}

void pt_str_ascii(pt_str_t *s, const char *text, size_t n)
{
    size_t run = 0, i = 0;
    while (i < n) {
        size_t at = i;
        int32_t cp = pt_utf8_next(text, n, &i);
        char c;
        if (cp >= 0xFF01 && cp <= 0xFF5E)
            c = (char)(cp - 0xFF01 + 0x21);
        else if (cp == 0x3000)
            c = ' ';
        else
            continue;
        pt_str_append(s, text + run, at - run);
        pt_str_append(s, &c, 1);
        run = i;
    }
    pt_str_append(s, text + run, n - run);
}

const char *pt_str_get(const pt_str_t *s)
{
    return s->p ? s->p : "";
}

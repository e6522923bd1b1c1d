/*
 * text_ustr.c - code point strings and the few searches the text importer
 * needs on them (see text_ustr.h).
 */
#include "text_ustr.h"

#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 sequence of s[0..n) into *cp and returns its length;
 * an invalid or cut sequence gives U+FFFD and a length of 1, so a caller
 * always moves forward. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    size_t need;
    uint32_t c;
    if (b < 0x80) {
        *cp = b;
        return 1;
    } else if ((b & 0xE0) == 0xC0) {
        need = 2;
        c = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
        need = 3;
        c = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
        need = 4;
        c = b & 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (n < need) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *cp = c;
    return need;
}

static int grow(ustr_t *u, size_t extra)
{
    if (u->oom)
        return -1;
    if (u->len + extra <= u->cap)
        return 0;
    size_t cap = u->cap ? u->cap : 64;
    while (cap < u->len + extra)
        cap *= 2;
    uint32_t *p = realloc(u->p, cap * sizeof(*p));
    if (!p) {
        u->oom = 1;
        return -1;
    }
    u->p = p;
    u->cap = cap;
    return 0;
}

void ustr_push(ustr_t *u, uint32_t c)
{
    if (grow(u, 1) == 0)
        u->p[u->len++] = c;
}

void ustr_append(ustr_t *u, const uint32_t *s, size_t n)
{
    if (n && grow(u, n) == 0) {
        memcpy(u->p + u->len, s, n * sizeof(*s));
        u->len += n;
    }
}

void ustr_append_utf8(ustr_t *u, const char *s, size_t n)
{
    const unsigned char *b = (const unsigned char *)s;
    if (grow(u, n) != 0) /* never more code points than bytes */
        return;
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        i += utf8_next(b + i, n - i, &c);
        u->p[u->len++] = c;
    }
}

void ustr_set(ustr_t *u, const uint32_t *s, size_t n)
{
    u->len = 0;
    ustr_append(u, s, n);
}

void ustr_free(ustr_t *u)
{
    free(u->p);
    memset(u, 0, sizeof(*u));
}

char *u_utf8(const uint32_t *s, size_t n)
{
    char *out = malloc(n * 4 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = s[i];
        if (c < 0x80) {
            out[o++] = (char)c;
        } else if (c < 0x800) {
            out[o++] = (char)(0xC0 | (c >> 6));
            out[o++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[o++] = (char)(0xE0 | (c >> 12));
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[o++] = (char)(0xF0 | (c >> 18));
            out[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[o] = '\0';
    return out;
}

size_t u_match(const uint32_t *s, size_t n, size_t at, const char *lit)
{
    const unsigned char *b = (const unsigned char *)lit;
    size_t bl = strlen(lit), i = 0, k = 0;
    while (i < bl) {
        uint32_t c;
        i += utf8_next(b + i, bl - i, &c);
        if (at + k >= n || s[at + k] != c)
            return 0;
        k++;
    }
    return k;
}

long u_find(const uint32_t *s, size_t n, size_t from, const char *lit)
{
    for (size_t i = from; i < n; i++)
        if (u_match(s, n, i, lit))
            return (long)i;
    return -1;
}

int u_ends(const uint32_t *s, size_t n, const char *lit)
{
    /* A literal has at most as many code points as bytes; try each start
     * that could fit. */
    size_t bl = strlen(lit);
    for (size_t k = 1; k <= bl && k <= n; k++)
        if (u_match(s, n, n - k, lit) == k)
            return 1;
    return 0;
}

int u_in(uint32_t c, const char *set)
{
    const unsigned char *b = (const unsigned char *)set;
    size_t bl = strlen(set), i = 0;
    while (i < bl) {
        uint32_t x;
        i += utf8_next(b + i, bl - i, &x);
        if (x == c)
            return 1;
    }
    return 0;
}

int u_is_han(uint32_t c)
{
    /* As person-name.c's: Extensions B to I reach U+323AF, and the private
     * use area holds an office's 造字. */
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x323AF) ||
           (c >= 0xE000 && c <= 0xF8FF) || c == 0x3007;
}

int u_is_wide(uint32_t c)
{
    return u_is_han(c) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF) ||
           (c >= 0x2014 && c <= 0x201F) || c == 0x2026 || (c >= 0x2460 && c <= 0x24FF);
}

int u_is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0 || c == '\v';
}

int u_is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

void u_trim(const uint32_t *s, size_t *start, size_t *end)
{
    while (*start < *end && u_is_space(s[*start]))
        (*start)++;
    while (*end > *start && u_is_space(s[*end - 1]))
        (*end)--;
}

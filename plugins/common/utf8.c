/*
 * utf8.c - UTF-8 checks and measures (see utf8.h).
 */
#include "utf8.h"

#include <string.h>

int32_t pt_utf8_next(const char *text, size_t n, size_t *i)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char b = s[*i];
    size_t need;
    uint32_t c, min;
    if (b < 0x80) {
        (*i)++;
        return b;
    } else if ((b & 0xE0) == 0xC0) {
        need = 2, c = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
        need = 3, c = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
        need = 4, c = b & 0x07, min = 0x10000;
    } else {
        (*i)++;
        return -1;
    }
    if (*i + need > n) {
        *i = n;
        return -1;
    }
    for (size_t k = 1; k < need; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return -1;
        }
        c = (c << 6) | (s[*i + k] & 0x3F);
    }
    *i += need;
    return c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ? -1 : (int32_t)c;
}

int pt_utf8_ok(const char *text, size_t n)
{
    size_t i = 0;
    while (i < n)
        if (pt_utf8_next(text, n, &i) < 0)
            return 0;
    return 1;
}

/* The surrogate encoded at u (three bytes, ED A0..BF xx), or 0. */
static uint32_t surrogate_at(const unsigned char *u, size_t left)
{
    if (left < 3 || u[0] != 0xED || u[1] < 0xA0 || u[1] > 0xBF || (u[2] & 0xC0) != 0x80)
        return 0;
    return 0xD000u | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3Fu);
}

size_t pt_utf8_join_surrogates(char *s, size_t n)
{
    unsigned char *u = (unsigned char *)s;
    size_t r = 0, w = 0;
    if (!memchr(s, 0xED, n))
        return n;
    while (r < n) {
        uint32_t hi = surrogate_at(u + r, n - r), lo;
        if (hi >= 0xD800 && hi <= 0xDBFF && (lo = surrogate_at(u + r + 3, n - r - 3)) >= 0xDC00) {
            uint32_t cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            u[w++] = (unsigned char)(0xF0 | cp >> 18);
            u[w++] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
            u[w++] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
            u[w++] = (unsigned char)(0x80 | (cp & 0x3F));
            r += 6;
        } else {
            u[w++] = u[r++];
        }
    }
    if (w < n)
        u[w] = '\0';
    return w;
}

int pt_utf8_has_surrogate(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i + 2 < n; i++)
        if (surrogate_at(u + i, n - i))
            return 1;
    return 0;
}

static int wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

size_t pt_utf8_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        uint32_t c = *p;
        int n = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (n)
            c &= 0x3Fu >> n;
        p++;
        for (; n > 0 && (*p & 0xC0) == 0x80; n--, p++)
            c = (c << 6) | (*p & 0x3F);
        w += wide(c) ? 2 : 1;
    }
    return w;
}

size_t pt_utf8_prefix(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    /* Back up over continuation bytes to the start of the cut sequence. */
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

int pt_utf8_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || (c >= '\t' && c <= '\r'))
            i++;
        else if (n - i >= 3 && memcmp(s + i, "\xE3\x80\x80", 3) == 0)
            i += 3;
        else
            return 0;
    }
    return 1;
}

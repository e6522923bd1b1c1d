/*
 * utf8.c - UTF-8 checks and measures (see utf8.h).
 */
#include "utf8.h"

#include <stdbool.h>
#include <stdio.h>
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

/* The unified ideographs the Kangxi radicals U+2F00..U+2FD5 stand for
 * (their compatibility decompositions in UnicodeData.txt, which Unicode
 * never changes), in order. ptrackd's names and search index read it too. */
static const uint16_t kangxi[0x2FD6 - 0x2F00] = {
    0x4E00, 0x4E28, 0x4E36, 0x4E3F, 0x4E59, 0x4E85, 0x4E8C, 0x4EA0, 0x4EBA, 0x513F, 0x5165, 0x516B,
    0x5182, 0x5196, 0x51AB, 0x51E0, 0x51F5, 0x5200, 0x529B, 0x52F9, 0x5315, 0x531A, 0x5338, 0x5341,
    0x535C, 0x5369, 0x5382, 0x53B6, 0x53C8, 0x53E3, 0x56D7, 0x571F, 0x58EB, 0x5902, 0x590A, 0x5915,
    0x5927, 0x5973, 0x5B50, 0x5B80, 0x5BF8, 0x5C0F, 0x5C22, 0x5C38, 0x5C6E, 0x5C71, 0x5DDB, 0x5DE5,
    0x5DF1, 0x5DFE, 0x5E72, 0x5E7A, 0x5E7F, 0x5EF4, 0x5EFE, 0x5F0B, 0x5F13, 0x5F50, 0x5F61, 0x5F73,
    0x5FC3, 0x6208, 0x6236, 0x624B, 0x652F, 0x6534, 0x6587, 0x6597, 0x65A4, 0x65B9, 0x65E0, 0x65E5,
    0x66F0, 0x6708, 0x6728, 0x6B20, 0x6B62, 0x6B79, 0x6BB3, 0x6BCB, 0x6BD4, 0x6BDB, 0x6C0F, 0x6C14,
    0x6C34, 0x706B, 0x722A, 0x7236, 0x723B, 0x723F, 0x7247, 0x7259, 0x725B, 0x72AC, 0x7384, 0x7389,
    0x74DC, 0x74E6, 0x7518, 0x751F, 0x7528, 0x7530, 0x758B, 0x7592, 0x7676, 0x767D, 0x76AE, 0x76BF,
    0x76EE, 0x77DB, 0x77E2, 0x77F3, 0x793A, 0x79B8, 0x79BE, 0x7A74, 0x7ACB, 0x7AF9, 0x7C73, 0x7CF8,
    0x7F36, 0x7F51, 0x7F8A, 0x7FBD, 0x8001, 0x800C, 0x8012, 0x8033, 0x807F, 0x8089, 0x81E3, 0x81EA,
    0x81F3, 0x81FC, 0x820C, 0x821B, 0x821F, 0x826E, 0x8272, 0x8278, 0x864D, 0x866B, 0x8840, 0x884C,
    0x8863, 0x897E, 0x898B, 0x89D2, 0x8A00, 0x8C37, 0x8C46, 0x8C55, 0x8C78, 0x8C9D, 0x8D64, 0x8D70,
    0x8DB3, 0x8EAB, 0x8ECA, 0x8F9B, 0x8FB0, 0x8FB5, 0x9091, 0x9149, 0x91C6, 0x91CC, 0x91D1, 0x9577,
    0x9580, 0x961C, 0x96B6, 0x96B9, 0x96E8, 0x9751, 0x975E, 0x9762, 0x9769, 0x97CB, 0x97ED, 0x97F3,
    0x9801, 0x98A8, 0x98DB, 0x98DF, 0x9996, 0x9999, 0x99AC, 0x9AA8, 0x9AD8, 0x9ADF, 0x9B25, 0x9B2F,
    0x9B32, 0x9B3C, 0x9B5A, 0x9CE5, 0x9E75, 0x9E7F, 0x9EA5, 0x9EBB, 0x9EC3, 0x9ECD, 0x9ED1, 0x9EF9,
    0x9EFD, 0x9F0E, 0x9F13, 0x9F20, 0x9F3B, 0x9F4A, 0x9F52, 0x9F8D, 0x9F9C, 0x9FA0,
};

uint32_t pt_utf8_radical_unified(uint32_t cp)
{
    if (cp >= 0x2F00 && cp <= 0x2FD5)
        return kangxi[cp - 0x2F00];
    if (cp == 0x2E9F)
        return 0x6BCD; /* ⺟ 母 */
    if (cp == 0x2EF3)
        return 0x9F9F; /* ⻳ 龟 */
    return cp;
}

static int wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xE000 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD) ||
           (c >= 0xF0000 && (c & 0xFFFE) != 0xFFFE);
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
    /* The bytes that continue a sequence at s[max] go back to its first
     * byte, three at the most, and the cut moves there only when that
     * byte starts a sequence long enough to reach s[max]. Continuation
     * bytes that no such byte starts (stray ones, as in an answer of raw
     * bytes) are no character to split: the cut stays, and text made of
     * them is not cut to nothing. The walk of proposals/json-strict.c's
     * pt_utf8_floor, which a plugin cannot reach. */
    size_t start = max;
    while (start > 0 && max - start < 3 && ((unsigned char)s[start] & 0xC0) == 0x80)
        start--;
    unsigned char first = (unsigned char)s[start];
    size_t need = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
    return start < max && (first & 0xC0) == 0xC0 && start + need > max ? start : max;
}

/* The length of the longest prefix of s, at most max bytes, that ends
 * after a whole character, judged by the lead bytes alone: s may have been
 * cut at max already, its next byte lost. */
static size_t whole_chars(const char *s, size_t max)
{
    size_t i = 0;
    while (i < max && s[i]) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (i + len > max)
            break;
        i += len;
    }
    return i;
}

size_t pt_utf8_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    static const char more[] = "…";
    if (size == 0)
        return 0;
    int n = vsnprintf(buf, size, fmt, ap);
    if (n < 0) {
        buf[0] = '\0';
        return 0;
    }
    if ((size_t)n < size)
        return (size_t)n;
    if (size < sizeof(more)) {
        size_t keep = whole_chars(buf, size - 1);
        buf[keep] = '\0';
        return keep;
    }
    size_t keep = whole_chars(buf, size - sizeof(more));
    memcpy(buf + keep, more, sizeof(more));
    return keep + sizeof(more) - 1;
}

size_t pt_utf8_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = pt_utf8_vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Whether c shows nothing alone, as pasted text brings it along: the soft
 * hyphen; the zero-width space, non-joiner and joiner, the word joiner and
 * the byte order mark; the bidirectional marks, embeddings, overrides and
 * isolates (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069: those
 * ptrack's tables drop); the variation selectors (U+FE00..U+FE0F, left
 * from an emoji, the ideographic ones U+E0100..U+E01EF and Mongolian
 * U+180B..U+180D, U+180F) and the Mongolian vowel separator U+180E; the
 * Hangul fillers (U+115F, U+1160, U+3164, U+FFA0), which an input method
 * types for a cell or a name that is to look empty; the combining
 * grapheme joiner U+034F; the invisible operators U+2061..U+2064. */
int pt_utf8_zero_width(int32_t c)
{
    return c == 0xAD || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF;
}

static bool shows_nothing(int32_t c)
{
    return pt_utf8_zero_width(c) || c == 0x34F || c == 0x61C || c == 0x115F || c == 0x1160 ||
           (c >= 0x180B && c <= 0x180F) || (c >= 0x200B && c <= 0x200F) ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
           (c >= 0x2066 && c <= 0x2069) || c == 0x3164 || (c >= 0xFE00 && c <= 0xFE0F) ||
           c == 0xFEFF || c == 0xFFA0 || (c >= 0xE0100 && c <= 0xE01EF);
}

int pt_utf8_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int32_t c = pt_utf8_next(s, n, &i);
        bool space = c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0 || c == 0x1680 ||
                     (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
                     c == 0x205F || c == 0x3000;
        if (!space && !shows_nothing(c))
            return 0;
    }
    return 1;
}

int pt_utf8_judged(const unsigned char *s, size_t n, int at_end)
{
    size_t i = 0, good = 0, stray = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        /* The second byte's range: what makes no overlong form and
         * nothing beyond U+10FFFF, as the importers check it
         * (pt_utf8_ok). A surrogate (ED A0..BF) counts, so that half of a
         * CESU-8 pair is refused by name, as what it is. */
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0)
                lo = 0xA0;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else {
            stray++, i++;
            continue;
        }
        size_t j = 1;
        while (j <= k && i + j < n && (s[i + j] & 0xC0) == 0x80 &&
               (j > 1 || (s[i + 1] >= lo && s[i + 1] <= hi)))
            j++;
        if (j > k) {
            good++;
            i += k + 1;
        } else if (i + j >= n) {
            stray += at_end;
            break;
        } else {
            stray++, i++;
        }
    }
    return stray == 0 || (good >= 16 && good >= 20 * stray);
}

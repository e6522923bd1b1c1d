/*
 * store-fold.c - text folded the way search folds it (see store-sqlite.h).
 *
 * Chinese text mixes full-width and half-width forms (２０２５年 and
 * 2025年, Ｇ２０ and G20, （一） and (一)), and a search must find either
 * with either. The full-text index holds each proposal's text folded here,
 * and a search folds its words here too; its trigram tokenizer then folds
 * the case of every letter, on both sides. Shorter words, and proposals an
 * import has not had indexed yet, are matched with LIKE, which folds the
 * case of ASCII only: their words are folded here, and the documents of
 * the proposals not indexed yet too where the word holds a character that
 * another folds into (store-read.c), so that the same word matches the
 * same way whatever its length and whether or not it is indexed yet.
 *
 * Folded are: the full-width forms of ASCII (U+FF01..U+FF5E) to ASCII and
 * the ideographic space U+3000 to a space; and the letters of the scripts a
 * proposal's text uses besides Chinese: Latin (ASCII, Latin-1, Latin
 * Extended-A), Greek and Cyrillic, to their lower case as Unicode's simple
 * mapping gives it, which is what the index does for them.
 */
#include "store-sqlite.h"

#include <stdlib.h>
#include <string.h>

/* cp folded: a full-width form as ASCII, the ideographic space as a space,
 * one of the letters above in lower case; cp itself otherwise. */
static uint32_t fold_cp(uint32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0; /* full-width ！..～ as ! .. ~ */
    else if (cp == 0x3000)
        return ' ';
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 32; /* À..Þ, not × */
    if (cp >= 0x100 && cp <= 0x17F) {
        if (cp == 0x130 || cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17F)
            return cp; /* İ ı ĸ ŉ ſ: no simple pair here */
        if (cp == 0x178)
            return 0xFF; /* Ÿ */
        bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
        if (odd_upper)
            return cp & 1 ? cp + 1 : cp;
        return cp & 1 ? cp : cp + 1;
    }
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
        return cp + 32; /* Greek capitals */
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 32; /* Cyrillic А..Я */
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 80; /* Ѐ..Џ */
    return cp;
}

/* Decodes one sequence at s (n bytes left) into *cp; returns its length,
 * or 0 for a byte that does not start a valid one. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (!len || len > n)
        return 0;
    uint32_t v = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static size_t encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

char *pt_fold(const char *s, size_t n, size_t *out_len)
{
    /* A folded character is never longer than itself (a letter's pair is
     * in its own UTF-8 length, and ASCII is shorter than its full-width
     * form), so the result fits in n bytes. */
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = decode(u + i, n - i, &cp);
        uint32_t f = len ? fold_cp(cp) : 0;
        if (!len || f == cp) {
            /* As it is: not a letter that folds, or not UTF-8 at all. */
            size_t copy = len ? len : 1;
            memcpy(out + o, s + i, copy);
            o += copy;
            i += copy;
            continue;
        }
        o += encode(f, out + o);
        i += len;
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

bool pt_fold_matters(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = decode(u + i, n - i, &cp);
        if (!len) {
            i++;
            continue;
        }
        /* ASCII but for the space, which full-width forms fold into; the
         * letters that fold, and those they fold into; and the full-width
         * forms themselves. */
        if ((cp > 0x20 && cp < 0x7F) || (cp >= 0xC0 && cp <= 0x17F) ||
            (cp >= 0x391 && cp <= 0x3C9) || (cp >= 0x400 && cp <= 0x45F) ||
            (cp >= 0xFF01 && cp <= 0xFF5E) || cp == 0x3000)
            return true;
        i += len;
    }
    return false;
}

/* pt_fold(X): X folded (SQL NULL for NULL). */
static void sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    size_t len;
    char *f = pt_fold(s, (size_t)sqlite3_value_bytes(argv[0]), &len);
    if (!f) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, f, (int)len, free);
}

int pt_sqlite_add_fold(sqlite3 *db)
{
    return sqlite3_create_function(db, "pt_fold", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                   sql_fold, NULL, NULL);
}

/*
 * store-fold.c - letter case folded the way search folds it (see
 * store-sqlite.h).
 *
 * Search matches a word of three characters or more through the full-text
 * index, whose trigram tokenizer folds the case of every letter; shorter
 * words, and proposals an import has not had indexed yet, are matched with
 * LIKE, which folds ASCII only. Both sides of those LIKEs are folded here
 * first, so that ＡＢ finds ａｂ and É finds é there too. The scripts
 * folded are those a proposal's text uses besides Chinese: Latin (ASCII,
 * Latin-1, Latin Extended-A), full-width Latin, Greek and Cyrillic, to
 * their lower case as Unicode's simple mapping gives it, which is what the
 * index does for them.
 */
#include "store-sqlite.h"

#include <stdlib.h>
#include <string.h>

/* The lower case of cp where it is one of the letters above; cp itself
 * otherwise. */
static uint32_t fold_cp(uint32_t cp)
{
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
    if (cp >= 0xFF21 && cp <= 0xFF3A)
        return cp + 32; /* full-width Ａ..Ｚ */
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
    /* A folded letter is never longer than itself (every pair above is in
     * one UTF-8 length), so the result fits in n bytes. */
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
        if ((cp >= 0xC0 && cp <= 0x17F) || (cp >= 0x391 && cp <= 0x3C9) ||
            (cp >= 0x400 && cp <= 0x45F) || (cp >= 0xFF21 && cp <= 0xFF5A))
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

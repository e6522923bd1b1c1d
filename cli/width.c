/*
 * width.c - display width of UTF-8 text without the locale (see width.h).
 *
 * The ranges below follow Unicode 15's EastAsianWidth.txt (W and F) and the
 * general categories Mn, Me and Cf for zero width, simplified to the blocks
 * that occur in practice: office text is Chinese, ASCII, fullwidth
 * punctuation and the odd emoji or accented Latin name. Keep the tables
 * sorted: they are searched by bisection.
 *
 * Text is measured by clusters, not by code points: what a terminal draws
 * as one character may be several code points (an emoji and its skin
 * tone, a family joined by ZWJ, a flag's two letters), and counting each
 * of them put tables out of line by two columns or more per emoji. The
 * rules are a small part of UAX #29's grapheme clusters and UTS #51's
 * emoji sequences, those that decide a width; see pt_text_cluster().
 */
#include "width.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

typedef struct {
    int32_t first, last;
} range_t;

/* Characters that take no column: combining marks, zero-width spaces and
 * joiners, variation selectors, the BOM, tags. After another character they
 * belong to its cluster. */
static const range_t zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},   {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x061C, 0x061C},   {0x064B, 0x065F},
    {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8},   {0x06EA, 0x06ED},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x0F71, 0x0F7E},   {0x0F80, 0x0F84},
    {0x1160, 0x11FF}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},   {0x202A, 0x202E},
    {0x2060, 0x2064}, {0x2066, 0x2069}, {0x20D0, 0x20FF}, {0x302A, 0x302D},   {0x3099, 0x309A},
    {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0001, 0xE007F}, {0xE0100, 0xE01EF},
};

/* Characters that take two columns: East Asian Wide and Fullwidth. The skin
 * tones U+1F3FB..1F3FF are among them: two columns alone, none after the
 * emoji they colour (see pt_text_cluster). So are the private use
 * characters, which Unicode leaves Ambiguous: in a Chinese office they are
 * its 造字, rare characters of people's and places' names that GBK's and
 * GB18030's user-defined areas map there (AAA1 is U+E000) and the office's
 * own font draws as ideographs, two columns wide. */
static const range_t double_width[] = {
    {0x1100, 0x115F}, /* Hangul Jamo leading consonants */
    {0x231A, 0x231B}, /* watch, hourglass */
    {0x2329, 0x232A}, /* angle brackets */
    {0x23E9, 0x23EC},   {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},
    {0x2614, 0x2615},   {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},
    {0x26A1, 0x26A1},   {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},   {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},
    {0x26F5, 0x26F5},   {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},
    {0x270A, 0x270B},   {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},
    {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},
    {0x27BF, 0x27BF},   {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},
    {0x2E80, 0x303E},                       /* CJK radicals, Kangxi, ideographic description,
                                               CJK symbols and punctuation (、。〈〉《》「」【】) */
    {0x3041, 0x33FF},                       /* Hiragana, Katakana, Bopomofo, Hangul compatibility,
                                               Kanbun, CJK strokes, enclosed CJK, compatibility */
    {0x3400, 0x4DBF},                       /* CJK Unified Ideographs Extension A */
    {0x4E00, 0x9FFF},                       /* CJK Unified Ideographs */
    {0xA000, 0xA4CF},                       /* Yi */
    {0xA960, 0xA97F},                       /* Hangul Jamo Extended-A */
    {0xAC00, 0xD7A3},                       /* Hangul syllables */
    {0xE000, 0xF8FF},                       /* the Private Use Area: an office's 造字 */
    {0xF900, 0xFAFF},                       /* CJK Compatibility Ideographs */
    {0xFE10, 0xFE19},                       /* vertical forms */
    {0xFE30, 0xFE6F},                       /* CJK compatibility forms, small form variants */
    {0xFF00, 0xFF60},                       /* fullwidth ASCII forms: （），：；！？ */
    {0xFFE0, 0xFFE6},                       /* fullwidth signs: ￥ ￡ */
    {0x16FE0, 0x16FE4}, {0x17000, 0x18CFF}, /* Tangut, Khitan */
    {0x1B000, 0x1B2FF},                     /* Kana supplement and extensions, Nushu */
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
    {0x1F200, 0x1F202}, {0x1F210, 0x1F23B}, {0x1F240, 0x1F248}, {0x1F250, 0x1F251},
    {0x1F260, 0x1F265}, {0x1F300, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C},
    {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0},
    {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F3FF}, {0x1F400, 0x1F43E}, {0x1F440, 0x1F440},
    {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567},
    {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F},
    {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7},
    {0x1F6DC, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB},
    {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF},
    {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, /* CJK Extensions B..F, compatibility supplement */
    {0x30000, 0x3FFFD},                     /* CJK Extensions G, H */
};

/* Emoji and other pictographs (an approximation of Unicode's
 * Extended_Pictographic property, by blocks): what a ZWJ joins into one
 * emoji, and what VS16 asks to be drawn as an emoji, two columns wide. */
static const range_t pictographic[] = {
    {0x00A9, 0x00A9},   {0x00AE, 0x00AE},   {0x203C, 0x203C},   {0x2049, 0x2049},
    {0x2122, 0x2122},   {0x2139, 0x2139},   {0x2194, 0x2199},   {0x21A9, 0x21AA},
    {0x231A, 0x231B},   {0x2328, 0x2328},   {0x23CF, 0x23CF},   {0x23E9, 0x23F3},
    {0x23F8, 0x23FA},   {0x24C2, 0x24C2},   {0x25AA, 0x25AB},   {0x25B6, 0x25B6},
    {0x25C0, 0x25C0},   {0x25FB, 0x25FE},   {0x2600, 0x27BF},   {0x2934, 0x2935},
    {0x2B05, 0x2B07},   {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},
    {0x3030, 0x3030},   {0x303D, 0x303D},   {0x3297, 0x3297},   {0x3299, 0x3299},
    {0x1F000, 0x1F0FF}, {0x1F10D, 0x1F10F}, {0x1F12F, 0x1F12F}, {0x1F16C, 0x1F171},
    {0x1F17E, 0x1F17F}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F1AD, 0x1F1E5},
    {0x1F201, 0x1F20F}, {0x1F21A, 0x1F21A}, {0x1F22F, 0x1F22F}, {0x1F232, 0x1F23A},
    {0x1F23C, 0x1F23F}, {0x1F249, 0x1F3FA}, {0x1F400, 0x1F53D}, {0x1F546, 0x1F64F},
    {0x1F680, 0x1F6FF}, {0x1F774, 0x1F77F}, {0x1F7D5, 0x1F7FF}, {0x1F80C, 0x1F80F},
    {0x1F848, 0x1F84F}, {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F}, {0x1F8AE, 0x1F8FF},
    {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1FAFF}, {0x1FC00, 0x1FFFD},
};

#define ZWJ 0x200D  /* ZERO WIDTH JOINER */
#define VS15 0xFE0E /* VARIATION SELECTOR-15: text presentation */
#define VS16 0xFE0F /* VARIATION SELECTOR-16: emoji presentation */

static int in_table(int32_t cp, const range_t *t, size_t n)
{
    size_t lo = 0, hi = n;
    if (n == 0 || cp < t[0].first || cp > t[n - 1].last)
        return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp > t[mid].last)
            lo = mid + 1;
        else if (cp < t[mid].first)
            hi = mid;
        else
            return 1;
    }
    return 0;
}

bool pt_utf8_check(const char *s, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t k = pt_utf8_decode(s + i, n - i, &cp);
        if (cp < 0) {
            if (bad)
                *bad = i;
            return false;
        }
        i += k;
    }
    return true;
}

char *pt_utf8_shown(const char *s)
{
    size_t n = strlen(s);
    pt_buf_t b = {0};
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t k = pt_utf8_decode(s + i, n - i, &cp);
        if (cp < 0 || cp < 0x20 || cp == 0x7F)
            pt_buf_printf(&b, "\\x%02x", (unsigned char)s[i]);
        else if ((cp >= 0x80 && cp < 0xA0) || pt_cp_bidi_control(cp))
            pt_buf_printf(&b, "\\u%04X", (unsigned)cp);
        else
            pt_buf_add(&b, s + i, k);
        i += k;
    }
    char *shown = pt_xstrdup(pt_buf_str(&b));
    pt_buf_free(&b);
    return shown;
}

static bool shown_as_is(const char *s)
{
    char *shown = pt_utf8_shown(s);
    bool same = strcmp(shown, s) == 0;
    free(shown);
    return same;
}

const char *pt_shell_name(pt_buf_t *b, const char *path)
{
    if (!path || !*path || !shown_as_is(path))
        return "FILE";
    bool plain = true;
    for (const unsigned char *p = (const unsigned char *)path; *p && plain; p++)
        plain = *p >= 0x80 || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || strchr("_./+,:@%-", *p);
    /* A leading - would be read as an option, in quotes too: ./ before it
     * keeps it a name. "-" alone is standard input, to ptrack as well. */
    if (plain && (path[0] != '-' || !path[1])) {
        pt_buf_puts(b, path);
        return pt_buf_str(b);
    }
    pt_buf_puts(b, path[0] == '-' ? "'./" : "'");
    for (const char *p = path; *p; p++) {
        if (*p == '\'')
            pt_buf_puts(b, "'\\''");
        else
            pt_buf_putc(b, *p);
    }
    pt_buf_putc(b, '\'');
    return pt_buf_str(b);
}

char *pt_utf8_shown_vformat(const char *fmt, va_list ap)
{
    pt_buf_t b = {0};
    pt_buf_vprintf(&b, fmt, ap);
    char *shown = pt_utf8_shown(pt_buf_str(&b));
    pt_buf_free(&b);
    return shown;
}

void pt_utf8_shown_line(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *shown = pt_utf8_shown_vformat(fmt, ap);
    va_end(ap);
    if (out == stderr)
        pt_text_say(shown);
    else
        fprintf(out, "%s\n", shown);
    free(shown);
}

size_t pt_utf8_decode(const char *s, size_t n, int32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    int32_t c, min;

    if (n == 0) {
        *cp = -1;
        return 1;
    }
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    } else if ((u[0] & 0xE0) == 0xC0) {
        len = 2, c = u[0] & 0x1F, min = 0x80;
    } else if ((u[0] & 0xF0) == 0xE0) {
        len = 3, c = u[0] & 0x0F, min = 0x800;
    } else if ((u[0] & 0xF8) == 0xF0) {
        len = 4, c = u[0] & 0x07, min = 0x10000;
    } else {
        *cp = -1;
        return 1;
    }
    if (len > n) {
        *cp = -1;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = -1;
            return 1;
        }
        c = (c << 6) | (u[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8;
     * treating them as one invalid byte keeps decoding in step. */
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = -1;
        return 1;
    }
    *cp = c;
    return len;
}

int pt_cp_width(int32_t cp)
{
    if (cp < 0)
        return 1; /* an invalid byte, shown as U+FFFD */
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if (cp < 0x300)
        return 1; /* the common case: ASCII and Latin-1 */
    if (in_table(cp, zero_width, sizeof zero_width / sizeof zero_width[0]))
        return 0;
    if (in_table(cp, double_width, sizeof double_width / sizeof double_width[0]))
        return 2;
    /* Planes 15 and 16, the supplementary private use areas, are 造字 as
     * the Private Use Area is (double_width), but for the two
     * noncharacters that end each plane. */
    if (cp >= 0xF0000)
        return (cp & 0xFFFE) == 0xFFFE ? 1 : 2;
    return 1;
}

static bool is_pictographic(int32_t cp)
{
    return in_table(cp, pictographic, sizeof pictographic / sizeof pictographic[0]);
}

static bool is_regional_indicator(int32_t cp)
{
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

static bool is_skin_tone(int32_t cp)
{
    return cp >= 0x1F3FB && cp <= 0x1F3FF;
}

/* A code point that belongs to the cluster before it: a combining mark, a
 * zero-width format character, a selector, a tag (not a control character,
 * which pt_text_clean turns into a space of its own). */
static bool extends(int32_t cp)
{
    return cp >= 0x300 && in_table(cp, zero_width, sizeof zero_width / sizeof zero_width[0]);
}

size_t pt_text_cluster(const char *s, size_t n, size_t *cols)
{
    int32_t cp, next;
    size_t len = pt_utf8_decode(s, n, &cp);
    size_t w = (size_t)pt_cp_width(cp);
    if (cp < 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
        *cols = w; /* an invalid byte or a control character stands alone */
        return len;
    }
    bool emoji = is_pictographic(cp);
    /* Two regional indicators are a flag (🇨🇳 is C and N): one emoji, two
     * columns. A third starts the next flag. */
    if (is_regional_indicator(cp) && len < n) {
        size_t k = pt_utf8_decode(s + len, n - len, &next);
        if (is_regional_indicator(next)) {
            len += k;
            w = 2;
            emoji = true;
        }
    }
    while (len < n) {
        size_t k = pt_utf8_decode(s + len, n - len, &next);
        if (next == ZWJ) {
            /* The joiner belongs to what comes before it; between two
             * emoji it makes them one (👨‍👩‍👧 is three people and two
             * joiners), drawn as wide as the first. Elsewhere (in Indic
             * scripts) it only shapes letters and joins no columns. */
            len += k;
            if (emoji && len < n) {
                size_t k2 = pt_utf8_decode(s + len, n - len, &next);
                if (is_pictographic(next))
                    len += k2;
            }
        } else if (next == VS16) {
            /* ❤️, ☀️, ✔️, 1️⃣: a character that has an emoji form and is
             * asked for it is drawn as an emoji, two columns, as terminals
             * that know emoji sequences draw it (Windows Terminal, iTerm2,
             * kitty, WezTerm); on other characters it changes nothing. */
            if (emoji || (cp >= '0' && cp <= '9') || cp == '#' || cp == '*')
                w = 2;
            len += k;
        } else if (is_skin_tone(next) || next == VS15 || extends(next)) {
            /* A skin tone colours the emoji before it; marks and selectors
             * take no column of their own. VS15 (text presentation) keeps
             * the character's own width: terminals that follow wcwidth()
             * draw a wide emoji two columns wide with or without it. */
            len += k;
        } else {
            break;
        }
    }
    *cols = w;
    return len;
}

size_t pt_text_width(const char *s)
{
    size_t w = 0, n = strlen(s);
    while (n > 0) {
        size_t cw, k = pt_text_cluster(s, n, &cw);
        w += cw;
        s += k, n -= k;
    }
    return w;
}

/* One in a title turns what follows it on the terminal's line around
 * (U+202E RLO: the rest of a table's row reads backwards, a 编号 or a
 * deadline with it), and the columns after it are no longer where the
 * table put them. Chinese text needs none of them. */
bool pt_cp_bidi_control(int32_t cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

void pt_text_clean(pt_buf_t *b, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        int32_t cp;
        size_t k = pt_utf8_decode(s, n, &cp);
        if (cp < 0)
            pt_buf_puts(b, "\xEF\xBF\xBD"); /* U+FFFD REPLACEMENT CHARACTER */
        else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            pt_buf_putc(b, ' ');
        else if (pt_cp_bidi_control(cp))
            ; /* dropped: it takes no column, and shows nothing but the harm */
        else
            pt_buf_add(b, s, k);
        s += k, n -= k;
    }
}

size_t pt_text_truncate(pt_buf_t *b, const char *s, size_t max)
{
    size_t total = pt_text_width(s);
    if (total <= max) {
        pt_buf_puts(b, s);
        return total;
    }
    if (max == 0)
        return 0;
    /* Keep what fits in max - 1 columns and end with the one-column "…". A
     * wide character (or an emoji sequence: never cut inside one) that would
     * straddle the limit is left out whole, so the result may be one column
     * short; the caller's padding fills it. */
    size_t w = 0, n = strlen(s);
    while (n > 0) {
        size_t cw, k = pt_text_cluster(s, n, &cw);
        if (w + cw > max - 1)
            break;
        pt_buf_add(b, s, k);
        w += cw;
        s += k, n -= k;
    }
    pt_buf_puts(b, "\xE2\x80\xA6"); /* U+2026 HORIZONTAL ELLIPSIS */
    return w + 1;
}

/* Line breaking follows the rules of Chinese typesetting (GB/T 15834, W3C's
 * clreq, the kinsoku of JIS X 4051): a line may not start with closing
 * punctuation nor end with opening punctuation. Terminals cannot hang a mark
 * past the edge or squeeze the others, so a break that would break a rule is
 * moved earlier: the character before a closing mark goes down to the next
 * line with it, and an opening mark goes down to the line it opens. */

/* Whether a line may not start with cp: a mark that belongs to what it
 * follows. 、，。；：！？ and their kin, closing brackets and quotes, the
 * ellipsis, the middle dot and the wave dash (GB/T 15834 keeps 间隔号 and
 * 连接号 off a line's start too); in ASCII, what closes an English clause. */
static bool is_closing(int32_t cp)
{
    if (cp > 0 && cp < 0x80)
        return strchr("),.;:!?]}", (int)cp) != NULL;
    switch (cp) {
    case 0x00B7: /* · */
    case 0x2019: /* ’ */
    case 0x201D: /* ” */
    case 0x2025: /* ‥ */
    case 0x2026: /* … */
    case 0x203C: /* ‼ */
    case 0x2047: /* ⁇ */
    case 0x2048: /* ⁈ */
    case 0x2049: /* ⁉ */
    case 0x232A: /* 〉 */
    case 0x3001: /* 、 */
    case 0x3002: /* 。 */
    case 0x3009: /* 〉 */
    case 0x300B: /* 》 */
    case 0x300D: /* 」 */
    case 0x300F: /* 』 */
    case 0x3011: /* 】 */
    case 0x3015: /* 〕 */
    case 0x3017: /* 〗 */
    case 0x3019: /* 〙 */
    case 0x301B: /* 〛 */
    case 0x301C: /* 〜 */
    case 0x301E: /* 〞 */
    case 0x301F: /* 〟 */
    case 0x30FB: /* ・ */
    case 0xFF01: /* ！ */
    case 0xFF09: /* ） */
    case 0xFF0C: /* ， */
    case 0xFF0E: /* ． */
    case 0xFF1A: /* ： */
    case 0xFF1B: /* ； */
    case 0xFF1F: /* ？ */
    case 0xFF3D: /* ］ */
    case 0xFF5D: /* ｝ */
    case 0xFF5E: /* ～ */
    case 0xFF60: /* ｠ */
    case 0xFF61: /* ｡ */
    case 0xFF64: /* ､ */
        return true;
    default:
        return false;
    }
}

/* Whether a line may not end with cp: an opening bracket or quote, which
 * belongs to what it opens. */
static bool is_opening(int32_t cp)
{
    if (cp > 0 && cp < 0x80)
        return strchr("([{", (int)cp) != NULL;
    switch (cp) {
    case 0x2018: /* ‘ */
    case 0x201C: /* “ */
    case 0x2329: /* 〈 */
    case 0x3008: /* 〈 */
    case 0x300A: /* 《 */
    case 0x300C: /* 「 */
    case 0x300E: /* 『 */
    case 0x3010: /* 【 */
    case 0x3014: /* 〔 */
    case 0x3016: /* 〖 */
    case 0x3018: /* 〘 */
    case 0x301A: /* 〚 */
    case 0x301D: /* 〝 */
    case 0xFF08: /* （ */
    case 0xFF3B: /* ［ */
    case 0xFF5B: /* ｛ */
    case 0xFF5F: /* ｟ */
        return true;
    default:
        return false;
    }
}

/* The first code point at s (n bytes), -1 when there is none. */
static int32_t first_cp(const char *s, size_t n)
{
    int32_t cp = -1;
    if (n > 0)
        pt_utf8_decode(s, n, &cp);
    return cp;
}

/* Whether a line may not start with what s holds after its spaces, for a
 * break after a character, or after a space when `spaced`. Right after a
 * character every closing mark holds to it; across a space only a Chinese
 * one does, so that English text still breaks at any space (a space before
 * a comma there is a typing slip that wrapping need not mend). */
static bool closing_follows(const char *s, size_t n, bool spaced)
{
    size_t blanks = 0;
    while (blanks < n && s[blanks] == ' ')
        blanks++;
    int32_t cp = first_cp(s + blanks, n - blanks);
    return is_closing(cp) && (cp >= 0x80 || (!spaced && blanks == 0));
}

/* Whether s starts with a wide cluster. */
static bool wide_follows(const char *s, size_t n)
{
    size_t cw = 0;
    if (n > 0)
        pt_text_cluster(s, n, &cw);
    return cw == 2;
}

/* Whether s starts with a wide opening mark (（「《): a line may break
 * before it whatever comes before, an English word too (API（试点）), so
 * that it can go down to the line it opens on its own. */
static bool wide_opening_follows(const char *s, size_t n)
{
    return is_opening(first_cp(s, n)) && wide_follows(s, n);
}

/* Whether the n bytes at s are digits and the marks of PATTERN, where
 * PATTERN's 9 stands for a digit. */
static bool shaped(const char *s, size_t n, const char *pattern)
{
    size_t len = strlen(pattern);
    if (n < len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (pattern[i] == '9' ? s[i] < '0' || s[i] > '9' : s[i] != pattern[i])
            return false;
    return true;
}

/* Whether the space before s + used joins a date to its time
 * (2026-03-12 10:30, as pt_time_show writes one): one time, read as one,
 * which a break there would make a date at a line's end and an hour at
 * the next one's start. Where the two are wider than the line (a card's
 * narrow column), the line breaks there all the same, the hour under the
 * date, rather than cut inside the hour (08:1, then 4, read as another
 * time). S holds n bytes. */
static bool joins_date_and_time(const char *s, size_t used, size_t n)
{
    return used >= 11 && s[used - 1] == ' ' && shaped(s + used - 11, 10, "9999-99-99") &&
           (used < 12 || s[used - 12] < '0' || s[used - 12] > '9') &&
           shaped(s + used, n - used, "99:99");
}

/* How deep in round brackets (( ) and （ ）) the text is after cp, when it
 * was `depth` before it. */
static int bracket_depth(int32_t cp, int depth)
{
    if (cp == '(' || cp == 0xFF08)
        return depth + 1;
    if ((cp == ')' || cp == 0xFF09) && depth > 0)
        return depth - 1;
    return depth;
}

/* Whether, in brackets, a line may break after cp: at a space, or after a
 * separator of labels (，、), never inside a label. The | between a
 * field's values (电话|函件) is one too, beside a wide character; between
 * two ASCII words (lead|co|separate) it is one only where nothing else
 * fits the line, as a long run of ASCII breaks. */
static bool separates_labels(int32_t cp)
{
    return cp == ' ' || cp == 0xFF0C || cp == 0x3001;
}

/* Whether the round bracket opened just before s (n bytes) lists labels
 * with their codes, pair by pair after 、 (the states are (草稿 draft、已提出
 * submitted、…), （可进行：签收 sign、答复 reply）): a 、 of its own, not of
 * a bracket inside it, before it closes. The blank in such a pair joins a
 * label to its code, and a line breaks there only where nothing else fits,
 * as at an ASCII |. */
static bool lists_pairs(const char *s, size_t n)
{
    int depth = 1;
    for (size_t i = 0; i < n && depth > 0;) {
        int32_t cp;
        size_t k = pt_utf8_decode(s + i, n - i, &cp);
        if (cp == 0x3001 && depth == 1)
            return true;
        depth = bracket_depth(cp, depth);
        i += k;
    }
    return false;
}

/* The deepest round bracket whose pairs (lists_pairs) are told apart:
 * past it, brackets are lists of labels as pt_text_wrap_labels has them. */
#define PAIRS_DEPTH 31

/* Whether a line that ends before s + used would end inside a run of
 * characters with no blank and no break in it, one narrow cluster before
 * and one after (a path, a URL, a command: /var/lib/ptrack/…,
 * http://…/hook), which a copy of the message would take with the line
 * break in it. `blank_before` and `narrow_before` tell the cluster before. */
static bool inside_run(const char *s, size_t used, size_t n, bool blank_before, bool narrow_before)
{
    size_t cw = 0;
    if (used == 0 || used >= n || blank_before || !narrow_before || s[used] == ' ')
        return false;
    pt_text_cluster(s + used, n - used, &cw);
    return cw == 1;
}

/* The end of the run of characters with no blank in it that starts at s
 * (n bytes), and where in it a path starts (*from), if it holds a / (a
 * file's path, a URL, a command's file: /tmp/办公室文件夹/建议.csv,
 * http://…/hook, which one copies whole), else NULL: at the run's start,
 * or after the last wide character before its first / (详见https://…,
 * 文件/home/…: the Chinese words before it are not the path's). */
static const char *run_end(const char *s, size_t n, const char **from)
{
    const char *blank = memchr(s, ' ', n);
    size_t len = blank ? (size_t)(blank - s) : n;
    const char *slash = memchr(s, '/', len);
    *from = slash ? s : NULL;
    for (const char *p = s; slash && p < slash;) {
        size_t cw, k = pt_text_cluster(p, (size_t)(slash - p), &cw);
        p += k;
        if (cw == 2)
            *from = p;
    }
    return s + len;
}

/* Wraps one line of text (no line breaks in it). With `labels`, what is in
 * round brackets is a list of labels (pt_text_wrap_labels). With `whole`,
 * a run of narrow characters with no break in it that is wider than the
 * line (a path, a URL) is not cut but has a line of its own, which runs
 * past `width` as far as it must (pt_text_paragraph); and a run with no
 * blank in it that holds a / (a path, a URL) is not broken between its
 * Chinese characters either: it starts a line of its own where it does
 * not fit the rest of one, and only a run wider than a line is broken,
 * where the line is full, between two characters of which one is wide. */
static void wrap_line(pt_buf_t *b, const char *s, size_t n, size_t indent, size_t width,
                      bool labels, bool whole)
{
    /* The text gets what the indent leaves, however little: a line wider
     * than asked for is cut by whoever asked (history's note column), and
     * what it cuts off is lost. Each line holds at least one cluster, so a
     * wide character gets a line of its own where a column is too narrow
     * for it. */
    size_t avail = width > indent ? width - indent : 1;
    int depth = 0;           /* in round brackets, at s */
    uint32_t pairs = 0;      /* bit d: the bracket at depth d lists pairs (lists_pairs), at s */
    const char *run = s;     /* where the run of no blanks that the text is in ends */
    const char *path = NULL; /* and where a path in it starts (run_end) */
    while (n > 0) {
        /* Find how much of s fits, and the last place it may break. */
        size_t used = 0, w = 0, brk = 0, bar = 0; /* bar: after an ASCII | */
        size_t dt = 0;                            /* after the blank between a date and its time */
        bool opened = false;                      /* the last cluster but spaces opens a bracket */
        bool wide_before = false;                 /* the cluster before is wide */
        bool blank_before = false;                /* the cluster before is a space */
        bool over = false;        /* past the width, in a run that must not be cut (whole) */
        size_t pcut = 0, cut = 0; /* the last place a path may be cut, and the cut taken */
        int d = depth, d_brk = depth, d_bar = depth, d_dt = depth,
            d_pcut = depth; /* the depth at used, brk, bar, dt, pcut */
        uint32_t m = pairs, m_brk = pairs, m_bar = pairs, m_dt = pairs,
                 m_pcut = pairs; /* and the pairs there */
        while (used < n) {
            /* A whole cluster at a time: a line never ends inside an emoji
             * sequence or between a letter and its marks. A control
             * character is shown as a space, one column. */
            size_t cw, k = pt_text_cluster(s + used, n - used, &cw);
            bool space = s[used] == ' ';
            if ((unsigned char)s[used] < 0x20)
                cw = 1;
            if (whole && !space && s + used >= run)
                run = run_end(s + used, n - used, &path);
            bool in_path = whole && path && s + used >= path && s + used < run;
            /* A path past the width breaks where it may be cut: beside
             * a wide character. */
            if (over && in_path && !inside_run(s, used, n, blank_before, !wide_before))
                break;
            bool may_cut =
                in_path && s + used > path && !inside_run(s, used, n, blank_before, !wide_before);
            /* A blank past the width costs nothing: no line ends with
             * one, so the text before it still fits whole, and the line
             * may break after it (ab cd at 5 columns is one line). */
            if (w + (space ? 0 : cw) > avail && used > 0 && !over) {
                /* Where nothing fits but a cut inside a run such as a
                 * path, the run goes on to where it may break; a path
                 * wider than the line is cut where it last could be,
                 * beside a wide character, within the line. */
                if (!whole || brk > 0 || bar > 0 ||
                    !inside_run(s, used, n, blank_before, !wide_before))
                    break;
                if (pcut > 0) {
                    cut = pcut;
                    break;
                }
                over = true;
            }
            if (may_cut) {
                pcut = used;
                d_pcut = d;
                m_pcut = m;
            }
            int32_t cp = first_cp(s + used, k);
            if (!space)
                opened = is_opening(cp);
            int was = d;
            d = bracket_depth(cp, d);
            if (d > was && d <= PAIRS_DEPTH) {
                uint32_t bit = (uint32_t)1 << d;
                m = lists_pairs(s + used + k, n - used - k) ? m | bit : m & ~bit;
            }
            used += k;
            w += cw;
            /* A break after a space, or after a wide character (or a
             * closing mark one column wide, ” … or an English ) or comma,
             * before a wide one), or before a wide opening mark, or in a
             * list of labels after a separator, unless an opening mark
             * would end the line or a closing one start the next. In a
             * list of pairs (草稿 draft、…) the blank in a pair is no
             * separator: a line breaks there, as after an ASCII | (bar),
             * only where nothing else fits. */
            bool in_labels = labels && d > 0;
            bool in_pairs = in_labels && d <= PAIRS_DEPTH && (m >> d & 1);
            bool is_bar = in_labels && cp == '|';
            bool bar_wide = is_bar && (wide_before || wide_follows(s + used, n - used));
            bool sep = in_labels && (separates_labels(cp) || bar_wide) && !(in_pairs && space);
            bool after = space || cw == 2 || (is_closing(cp) && wide_follows(s + used, n - used)) ||
                         wide_opening_follows(s + used, n - used) || sep;
            bool keeps = !opened && !closing_follows(s + used, n - used, space) &&
                         !(in_path && s + used > path && s + used < run);
            bool date_time = space && joins_date_and_time(s, used, n);
            if (after && keeps && !date_time && !(in_labels && !sep)) {
                brk = used;
                d_brk = d;
                m_brk = m;
            } else if (date_time && keeps) {
                dt = used;
                d_dt = d;
                m_dt = m;
            } else if ((is_bar || (in_pairs && space)) && keeps) {
                bar = used;
                d_bar = d;
                m_bar = m;
            }
            wide_before = cw == 2;
            blank_before = space;
            if (over && (brk > 0 || bar > 0))
                break;
        }
        /* Where no break that keeps the rules fits (a long run of ASCII,
         * a column too narrow for a character and its mark), the line
         * breaks after an ASCII | or a pair's blank in a list of labels,
         * or between a date and its time unless the time fits whole
         * (the width falls on the blank after it), else is cut where it
         * must, at the width. */
        size_t take = cut > 0                    ? cut
                      : used == n                ? used
                      : brk > 0                  ? brk
                      : bar > 0                  ? bar
                      : dt > 0 && s[used] != ' ' ? dt
                                                 : used;
        depth = take == cut   ? d_pcut
                : take == brk ? d_brk
                : take == bar ? d_bar
                : take == dt  ? d_dt
                              : d;
        pairs = take == cut   ? m_pcut
                : take == brk ? m_brk
                : take == bar ? m_bar
                : take == dt  ? m_dt
                              : m;
        pt_text_pad(b, indent);
        size_t end = take;
        while (end > 0 && s[end - 1] == ' ')
            end--; /* no blanks at the end of a line */
        pt_buf_t piece = {0};
        pt_buf_add(&piece, s, end);
        pt_text_clean(b, pt_buf_str(&piece));
        pt_buf_free(&piece);
        pt_buf_putc(b, '\n');
        s += take, n -= take;
        while (n > 0 && *s == ' ')
            s++, n--; /* nor at the start of the next */
    }
}

static void wrap(pt_buf_t *b, const char *s, size_t indent, size_t width, bool labels, bool whole)
{
    for (;;) {
        size_t n = strcspn(s, "\n");
        size_t len = n;
        if (len > 0 && s[len - 1] == '\r')
            len--;
        if (len == 0) {
            pt_buf_putc(b, '\n');
        } else {
            wrap_line(b, s, len, indent, width, labels, whole);
        }
        if (s[n] == '\0')
            break;
        s += n + 1;
    }
}

void pt_text_wrap(pt_buf_t *b, const char *s, size_t indent, size_t width)
{
    wrap(b, s, indent, width, false, false);
}

void pt_text_wrap_labels(pt_buf_t *b, const char *s, size_t indent, size_t width)
{
    wrap(b, s, indent, width, true, false);
}

void pt_text_flow(pt_buf_t *b, const char *s, size_t indent, size_t width)
{
    wrap(b, s, indent, width, true, true);
}

static void paragraph(pt_buf_t *b, const char *s, size_t width, bool labels)
{
    pt_buf_t shown = {0}, wrapped = {0};
    pt_text_clean(&shown, s);
    if (pt_text_width(pt_buf_str(&shown)) <= width) {
        pt_buf_puts(b, pt_buf_str(&shown));
        pt_buf_putc(b, '\n');
    } else {
        /* A path or a URL wider than a line is not cut: copied from the
         * terminal, it would take the line break with it. */
        wrap(&wrapped, pt_buf_str(&shown), 2, width, labels, true);
        /* The first line gives up its indent. */
        pt_buf_puts(b, pt_buf_str(&wrapped) + 2);
    }
    pt_buf_free(&wrapped);
    pt_buf_free(&shown);
}

void pt_text_paragraph(pt_buf_t *b, const char *s, size_t width)
{
    paragraph(b, s, width, false);
}

void pt_text_paragraph_labels(pt_buf_t *b, const char *s, size_t width)
{
    paragraph(b, s, width, true);
}

void pt_text_say(const char *text)
{
    if (!isatty(2)) {
        fprintf(stderr, "%s\n", text);
        return;
    }
    pt_buf_t b = {0};
    pt_text_paragraph_labels(&b, text, pt_err_width());
    fputs(pt_buf_str(&b), stderr);
    pt_buf_free(&b);
}

void pt_text_sayf(const char *fmt, ...)
{
    pt_buf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    pt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    pt_text_say(pt_buf_str(&b));
    pt_buf_free(&b);
}

void pt_text_pad(pt_buf_t *b, size_t n)
{
    while (n-- > 0)
        pt_buf_putc(b, ' ');
}

void pt_text_wrap_names(pt_buf_t *b, const char *const *names, size_t n, const char *sep,
                        size_t indent, size_t width)
{
    size_t gap = 0, room = width > indent ? width - indent : 1;
    while (gap < strlen(sep) && sep[strlen(sep) - gap - 1] == ' ')
        gap++;
    size_t mark = strlen(sep) - gap;
    pt_buf_t line = {0}, name = {0}, mk = {0};
    pt_buf_add(&mk, sep, mark);
    size_t mark_w = pt_text_width(pt_buf_str(&mk));
    size_t used = 0;
    bool open = false; /* line holds its indent, and maybe names */
    for (size_t i = 0; i < n; i++) {
        bool more = i + 1 < n;
        pt_buf_reset(&name);
        pt_text_clean(&name, names[i] ? names[i] : "");
        size_t w = pt_text_width(pt_buf_str(&name));
        size_t need = w + (more ? mark_w : 0);
        if (open && used + gap + need > room) {
            pt_buf_puts(b, pt_buf_str(&line));
            pt_buf_putc(b, '\n');
            pt_buf_reset(&line);
            used = 0;
            open = false;
        }
        if (w > room) {
            /* Broken with its mark, which pt_text_wrap keeps from
             * starting a line where it can (、 takes the character before
             * it along); where it cannot (a run of ASCII that fills the
             * line, then ","), the mark is left out. The next name may
             * follow the last line. */
            if (more)
                pt_buf_add(&name, sep, mark);
            pt_text_wrap(&line, pt_buf_str(&name), indent, width);
            line.s[--line.len] = '\0';
            char *last = strrchr(line.s, '\n');
            if (last) {
                pt_buf_add(b, line.s, (size_t)(last + 1 - line.s));
                size_t rest = line.len - (size_t)(last + 1 - line.s);
                memmove(line.s, last + 1, rest + 1);
                line.len = rest;
            }
            used = pt_text_width(pt_buf_str(&line)) - indent;
            open = true;
            if (more && strcmp(line.s + indent, pt_buf_str(&mk)) == 0) {
                pt_buf_reset(&line);
                used = 0;
                open = false;
            }
            continue;
        }
        if (!open) {
            pt_text_pad(&line, indent);
            open = true;
        } else {
            pt_text_pad(&line, gap);
            used += gap;
        }
        pt_buf_puts(&line, pt_buf_str(&name));
        used += w;
        if (more && need > room) {
            /* The name fills the line: no room for its mark, and the next
             * name must not follow it without one. */
            pt_buf_puts(b, pt_buf_str(&line));
            pt_buf_putc(b, '\n');
            pt_buf_reset(&line);
            used = 0;
            open = false;
        } else if (more) {
            pt_buf_add(&line, sep, mark);
            used += mark_w;
        }
    }
    if (open) {
        pt_buf_puts(b, pt_buf_str(&line));
        pt_buf_putc(b, '\n');
    }
    pt_buf_free(&line);
    pt_buf_free(&name);
    pt_buf_free(&mk);
}

size_t pt_line_width(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 || ws.ws_col >= LINE_WIDTH)
        return LINE_WIDTH;
    return ws.ws_col < LINE_WIDTH_MIN ? LINE_WIDTH_MIN : ws.ws_col;
}

size_t pt_out_width(void)
{
    return pt_line_width(STDOUT_FILENO);
}

size_t pt_err_width(void)
{
    return pt_line_width(STDERR_FILENO);
}

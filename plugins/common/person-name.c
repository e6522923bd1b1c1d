/*
 * person-name.c - what looks like the name of a Chinese person (see
 * person-name.h).
 */
#include "person-name.h"

#include <stdint.h>

#include "utf8.h"

/* A Chinese character: the CJK unified ideographs, their extensions (A,
 * and B to I beyond the BMP, up to U+323AF: 𰻞 and 𱍐 of Extensions G and H
 * are in names too) and the compatibility ideographs; 〇 (U+3007), which
 * names hold (王〇〇, as a name is often written where it is withheld) and
 * which the text importer has always read as one; and the private use area
 * (U+E000..U+F8FF), where an office's 造字 lives: a character a name needs
 * and no standard held when it was made, drawn by the office's own font,
 * and what GBK's user-defined codes become in Unicode. */
static bool han(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x323AF) ||
           (c >= 0xE000 && c <= 0xF8FF) || c == 0x3007;
}

/* A variation selector, which picks one glyph of the character before it
 * (an ideographic variation sequence: 𠮷 U+E0100 for the form a register
 * of names uses): part of that character, not one of its own. */
static bool selector(int32_t c)
{
    return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

bool pt_person_name_zh(const char *s, size_t n)
{
    size_t i = 0, chars = 0, dots = 0;
    bool after_han = false;
    while (i < n) {
        int32_t c = pt_utf8_next(s, n, &i); /* -1, not well-formed, is no name's */
        if (han(c)) {
            after_han = true;
        } else if (selector(c) && after_han) {
            continue; /* a selector after a character is part of it */
        } else if ((c == 0x00B7 || c == 0x30FB) && after_han) {
            after_han = false; /* a dot comes between two parts */
            dots++;
        } else {
            return false;
        }
        chars++;
    }
    if (!after_han)
        return false; /* empty, or ends with a dot */
    return dots ? chars <= PT_PERSON_NAME_DOTTED_MAX : chars >= 2 && chars <= 4;
}

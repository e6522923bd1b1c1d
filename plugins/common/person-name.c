/*
 * person-name.c - what looks like the name of a Chinese person (see
 * person-name.h).
 */
#include "person-name.h"

#include <stdint.h>

/* The code point at s[*i], advancing *i past it; 0 for a byte that does
 * not start a well-formed sequence, which no name holds. */
static uint32_t next_code(const unsigned char *s, size_t n, size_t *i)
{
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
        return 0;
    }
    if (*i + need > n) {
        *i = n;
        return 0;
    }
    for (size_t k = 1; k < need; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return 0;
        }
        c = (c << 6) | (s[*i + k] & 0x3F);
    }
    *i += need;
    return c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ? 0 : c;
}

/* A Chinese character: the CJK unified ideographs, their extensions and
 * the compatibility ideographs, and 〇 (U+3007), which names hold (王〇〇,
 * as a name is often written where it is withheld) and which the text
 * importer has always read as one. */
static bool han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F) || c == 0x3007;
}

bool pt_person_name_zh(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, chars = 0, dots = 0;
    bool after_han = false;
    while (i < n) {
        uint32_t c = next_code(u, n, &i);
        if (han(c)) {
            after_han = true;
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

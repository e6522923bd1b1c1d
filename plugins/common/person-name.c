/*
 * person-name.c - what looks like the name of a Chinese person (see
 * person-name.h).
 */
#include "person-name.h"

#include <stdint.h>

#include "utf8.h"

/* A Chinese character: the CJK unified ideographs, their extensions and
 * the compatibility ideographs, and 〇 (U+3007), which names hold (王〇〇,
 * as a name is often written where it is withheld) and which the text
 * importer has always read as one. */
static bool han(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F) || c == 0x3007;
}

bool pt_person_name_zh(const char *s, size_t n)
{
    size_t i = 0, chars = 0, dots = 0;
    bool after_han = false;
    while (i < n) {
        int32_t c = pt_utf8_next(s, n, &i); /* -1, not well-formed, is no name's */
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

/*
 * text_ustr.h - text as arrays of code points, for the text importer.
 *
 * The importer matches Chinese markers (一是, （一）, 代表团) at character
 * positions and looks at the characters on both sides of a punctuation
 * mark; that is simpler and less error-prone on code points than on UTF-8
 * bytes, so lines and paragraphs are held as UTF-32 and turned back into
 * UTF-8 only when a record is built.
 *
 * Memory: a ustr_t owns its array. A failed allocation sets `oom` and makes
 * every later change a no-op, so callers check once, at the end of a step,
 * instead of after every append.
 */
#ifndef IMPORT_TEXT_USTR_H
#define IMPORT_TEXT_USTR_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t *p;
    size_t len, cap;
    int oom;
} ustr_t;

void ustr_push(ustr_t *u, uint32_t c);
void ustr_append(ustr_t *u, const uint32_t *s, size_t n);
/* Appends UTF-8 text; a byte that does not start a valid sequence becomes
 * U+FFFD (the input layer has already refused invalid UTF-8). */
void ustr_append_utf8(ustr_t *u, const char *s, size_t n);
void ustr_set(ustr_t *u, const uint32_t *s, size_t n);
void ustr_free(ustr_t *u);

/* The UTF-8 text of s[0..n), NUL-terminated. Ownership: the caller frees.
 * NULL when memory runs out. */
char *u_utf8(const uint32_t *s, size_t n);

/* The number of code points of the UTF-8 literal lit when s[at..] starts
 * with it, else 0. */
size_t u_match(const uint32_t *s, size_t n, size_t at, const char *lit);
/* The first index >= from where lit starts, or -1. */
long u_find(const uint32_t *s, size_t n, size_t from, const char *lit);
/* Whether s[0..n) ends with lit. */
int u_ends(const uint32_t *s, size_t n, const char *lit);
/* Whether c is one of the code points of the UTF-8 literal set. */
int u_in(uint32_t c, const char *set);

/* A Chinese character (an ideograph). */
int u_is_han(uint32_t c);
/* A character of Chinese text: ideographs, CJK punctuation, full-width
 * forms, the dashes and quotes Chinese typesetting uses. Half-width
 * punctuation next to one of these is Chinese punctuation typed on a
 * Latin keyboard. */
int u_is_wide(uint32_t c);
int u_is_space(uint32_t c);
int u_is_digit(uint32_t c);
/* Narrows [*start, *end) past white space on both sides. */
void u_trim(const uint32_t *s, size_t *start, size_t *end);

#endif

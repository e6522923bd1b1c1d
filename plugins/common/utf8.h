/*
 * utf8.h - UTF-8 checks and measures for the built-in plugins: whether
 * input is valid UTF-8, how wide text is on a screen or in a spreadsheet
 * column, and where text may be cut.
 */
#ifndef PT_UTF8_H
#define PT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The code point at text[*i] (text n bytes long), *i moved past it; -1
 * for a sequence that is not well-formed (*i then moved one byte, or to n
 * when the text ends inside it). */
int32_t pt_utf8_next(const char *text, size_t n, size_t *i);
/* Whether text[0..n) is valid UTF-8 (no overlong forms, no surrogates). */
int pt_utf8_ok(const char *text, size_t n);
/* The width of s on a screen or in a spreadsheet column: wide (CJK) code
 * points count 2, others 1. */
size_t pt_utf8_width(const char *s);
/* The length of s's longest prefix of at most max bytes that does not end
 * inside a UTF-8 sequence. */
size_t pt_utf8_prefix(const char *s, size_t max);
/* Whether s[0..n) is blank: ASCII white space and U+3000 (the
 * ideographic space) only, or nothing. */
int pt_utf8_blank(const char *s, size_t n);

#endif /* PT_UTF8_H */

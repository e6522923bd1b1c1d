/*
 * strbuf.h - a growable string, for the built-in plugins that build their
 * output (reports, calendars, messages) in memory before handing it on.
 *
 * Appends never fail loudly: on out of memory `oom` is set and the string
 * stops growing, so a caller checks once at the end.
 */
#ifndef PT_STRBUF_H
#define PT_STRBUF_H

#include <stddef.h>

typedef struct {
    char *p; /* NUL-terminated after the first append; NULL before */
    size_t len, cap;
    int oom;
} pt_str_t;

/* Empties the string and keeps its memory. */
void pt_str_clear(pt_str_t *s);
/* Frees the memory and leaves an empty string. */
void pt_str_free(pt_str_t *s);
void pt_str_append(pt_str_t *s, const char *text, size_t len);
/* Appends a NUL-terminated text; NULL appends nothing. */
void pt_str_puts(pt_str_t *s, const char *text);
void pt_str_printf(pt_str_t *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends text[0..n) as the inside of a JSON string literal (no quotes):
 * quotes, backslashes and control characters escaped, UTF-8 as it is. */
void pt_str_json(pt_str_t *s, const char *text, size_t n);
/* Appends a NUL-terminated text as one line: each line break, tab or other
 * control character becomes a space, so that a title cannot break (or
 * forge) the lines of a message. NULL appends nothing. */
void pt_str_line(pt_str_t *s, const char *text);
/* Appends a NUL-terminated text as pt_str_line() does, for a WeCom or
 * DingTalk robot's markdown message, so that text from a proposal or an
 * office (a title imported from a public platform, a name, a label) shows
 * as it reads and brings no link, colour or formatting of its own into the
 * group chat: each of [ ] < > * _ ~ ` | \ $ & becomes its full-width form
 * (［ ］ ＜ ＞ ＊ ＿ ～ ｀ ｜ ＼ ＄ ＆), and so does, where the text starts a
 * markdown line (s ends with a line break and blanks or quote marks, or is
 * empty), a leading # - + = (a heading, a list, a rule) and the . or ) after
 * a leading number when a blank or the text's end follows (an ordered
 * list). Elsewhere these stay ASCII: a date 2026-03-05, 第1.2条 or an
 * amount 1.5亿元 reads as typed. NULL appends nothing. */
void pt_str_md_line(pt_str_t *s, const char *text);
/* Appends text[0..n) with the full-width forms of ASCII (２０２６, －, ：,
 * U+FF01..U+FF5E) as ASCII and the ideographic space (U+3000) as a space:
 * a number, a date or a time as typed with a Chinese input method, read as
 * one typed in ASCII. Anything else is copied as it is. */
void pt_str_ascii(pt_str_t *s, const char *text, size_t n);
/* The text, "" when nothing was appended. */
const char *pt_str_get(const pt_str_t *s);

#endif /* PT_STRBUF_H */

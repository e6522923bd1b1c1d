/*
 * width.h - how many terminal columns UTF-8 text takes.
 *
 * Tables must line up with Chinese text whatever the locale says (office
 * machines often run with LANG=C or a Windows-made locale), so ptrack does
 * not call wcwidth(3). Instead it carries its own table, after Unicode's
 * East Asian Width property: Wide and Fullwidth characters (CJK ideographs,
 * kana, hangul, fullwidth punctuation such as ，。（）, most emoji) take two
 * columns, and so do the private use characters (U+E000..U+F8FF, planes 15
 * and 16), which Chinese offices use for their 造字, rare ideographs of
 * names drawn by their own fonts; combining marks, zero-width characters
 * and variation selectors take none; everything else, including the rest
 * of the East Asian "Ambiguous" class (“ ” · … ①), takes one, which is what
 * terminals do by default.
 *
 * Text is measured, cut and wrapped by clusters (pt_text_cluster): an emoji
 * sequence (👨‍👩‍👧, 👍🏽, 🇨🇳, ❤️) is one emoji, two columns, as terminals
 * that know emoji draw it, and is never cut in the middle.
 *
 * Bytes that are not valid UTF-8 count as one column each and are shown as
 * U+FFFD by pt_text_clean(), so a broken string can never shift a table.
 */
#ifndef PT_CLI_WIDTH_H
#define PT_CLI_WIDTH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

/* Decodes one code point at s (at most n bytes). Returns the number of bytes
 * used (1..4) and sets *cp, or returns 1 with *cp = -1 for a byte that does
 * not start a valid sequence (overlongs and surrogates are invalid too). */
size_t pt_utf8_decode(const char *s, size_t n, int32_t *cp);

/* Whether s[0..n) is all valid UTF-8. When it is not, *bad (may be NULL)
 * gets the offset of the first byte that is not. */
bool pt_utf8_check(const char *s, size_t n, size_t *bad);

/* A copy of s to quote in a message: each byte that is not part of valid
 * UTF-8 (a word typed in a GBK terminal) and each control character as
 * \xNN (\u0085 for the C1 ones), the bidirectional formatting characters
 * (U+202E...), which would turn the rest of the line around, as \u202E,
 * the rest as it is, so that the message stays UTF-8 and one line and
 * shows what was typed. Ownership: the caller frees it. */
char *pt_utf8_shown(const char *s);

/* A file name as a command for the user to type (iconv ... NAME) names it:
 * written into b as the shell reads it back, in single quotes when it holds
 * anything but letters, digits, non-ASCII text and _ . / + , : @ % - (a
 * blank, a $, a quote: "my file.csv" is 'my file.csv', and a ' in it is
 * '\'', and one that starts with - is './-…'), and returned. A name that pt_utf8_shown would not
 * show as it is (bytes of another encoding, a control character) cannot be typed from the message:
 * "FILE" stands for it, as for NULL (standard input). */
const char *pt_shell_name(pt_buf_t *b, const char *path);

/* The text that fmt makes with ap, shown as pt_utf8_shown shows it.
 * Ownership: the caller frees it. */
char *pt_utf8_shown_vformat(const char *fmt, va_list ap);

/* Writes the text that fmt makes, and a newline, to out, shown as
 * pt_utf8_shown shows typed text: for a message that quotes a file name
 * as it was typed, bytes in any encoding (a GBK name from a Windows share)
 * that may hold an ESC or a line break, which would reach the terminal as
 * they are. To stderr it is a message of ptrack's, written as pt_text_say
 * writes one: within LINE_WIDTH on a terminal. */
void pt_utf8_shown_line(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether cp is a bidirectional formatting character: a mark (U+061C ALM,
 * U+200E LRM, U+200F RLM), an embedding or override (U+202A LRE..U+202E RLO) or an
 * isolate (U+2066 LRI..U+2069 PDI), which turns what follows it on a
 * terminal's line around. */
bool pt_cp_bidi_control(int32_t cp);

/* Columns of one code point: 0, 1 or 2. Control characters count 0; the
 * table code replaces them before measuring (see pt_text_clean). */
int pt_cp_width(int32_t cp);

/* The cluster at s (at most n bytes): what a terminal draws as one
 * character. Returns its length in bytes (at least 1) and sets *cols to its
 * columns. A cluster is a character with what attaches to it: combining
 * marks, variation selectors, a skin tone (U+1F3FB..1F3FF), tags, and
 * emoji joined to it by ZWJ (U+200D); or a flag, two regional indicators.
 * Its width is its first character's, but two columns for a flag, and for
 * an emoji or a keycap (1️⃣) asked for as emoji with VS16 (U+FE0F). An
 * invalid byte or a control character is a cluster of its own. */
size_t pt_text_cluster(const char *s, size_t n, size_t *cols);

/* Columns of a whole string, cluster by cluster. */
size_t pt_text_width(const char *s);

/* Appends s to b made fit for one table cell: line breaks, tabs and other
 * control characters become one space each, invalid bytes become U+FFFD,
 * and the bidirectional formatting characters (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069), which would turn the rest of the line
 * around on a terminal, are dropped. */
void pt_text_clean(pt_buf_t *b, const char *s);

/* Appends s to b cut to at most max columns; when something had to be cut
 * the last column is "…", never half a wide character. Returns the columns
 * appended. s should be clean (pt_text_clean). */
size_t pt_text_truncate(pt_buf_t *b, const char *s, size_t max);

/* Appends s to b as a paragraph wrapped at `width` columns, every line
 * starting with `indent` spaces and ending with a newline. Lines break after
 * a space or between two wide characters (Chinese needs no spaces), as
 * Chinese typesetting has it: no line starts with closing punctuation
 * (、，。；：？！, a closing bracket or quote, …) nor ends with an opening
 * bracket or quote (（「《“), the character before the one going down with
 * it (a run such as 。” or ）。 stays together); only where no break that
 * keeps the rules fits the width does a line break where it must. A date
 * and its time (2026-03-12 10:30:05, as pt_time_show writes them) go down
 * together: no break at the space between them either. Inside a long run
 * of ASCII a line breaks only when nothing else fits; never inside a
 * character or a cluster, so a line is wider than `width` only
 * when one cluster alone is (a wide character at a width of 1). Line
 * breaks in s are kept; other control characters become spaces, and the
 * bidirectional formatting characters are dropped, as pt_text_clean has it. */
void pt_text_wrap(pt_buf_t *b, const char *s, size_t indent, size_t width);

/* As pt_text_wrap, for text that names labels in round brackets, as an
 * option's help does ("its label (办理中), or several (办理中，重新办理)"):
 * a label is one word, which pt_text_wrap would break between any two of
 * its characters (办理 / 中). Inside brackets (( ) and （ ）) a line breaks
 * only at a space or after a separator (，、, or the | between a field's
 * values beside a wide character: (电话|函件|现场督查)); a list of labels wider than
 * the line breaks there, and only a label wider than the line by itself
 * is broken where it must be, after an ASCII | (lead|co|separate) where
 * it holds one. A list in brackets whose items are separated by 、 lists
 * labels with their codes ((草稿 draft、已提出 submitted)): a line breaks
 * after a 、 there, and at the blank between a label and its code only
 * where a pair is wider than the line. */
void pt_text_wrap_labels(pt_buf_t *b, const char *s, size_t indent, size_t width);

/* As pt_text_wrap_labels, but a run of narrow characters with no break in
 * it that is wider than a line (a path, a URL, an option with its value) is
 * not cut: it starts a line of its own, which runs past width as far as it
 * must (pt_text_paragraph). For prose that is read and copied from, such as
 * a command's help: no word of it is split. */
void pt_text_flow(pt_buf_t *b, const char *s, size_t indent, size_t width);

/* Appends the n names (cleaned as pt_text_clean cleans them) joined with
 * sep (、 or ", ") to b, wrapped at `width` columns as pt_text_wrap wraps
 * text, every line starting with `indent` spaces and ending with a newline
 * and no blank before it. A line breaks only between two names, never
 * inside one (a name may hold a 、 or a blank of its own), but for a name
 * wider than a line by itself: it starts a line and is broken there as
 * pt_text_wrap breaks text. The separator's mark stays with the name
 * before it and no line starts with one: a name that would pass the line
 * with its mark starts the next line, and one that fills a line by itself
 * (the mark leaves too little of it) ends its line without the mark.
 * Nothing is appended for no names. */
void pt_text_wrap_names(pt_buf_t *b, const char *const *names, size_t n, const char *sep,
                        size_t indent, size_t width);

/* Appends s as one paragraph made safe for a terminal (pt_text_clean),
 * within width columns: on one line when it fits, to the last column;
 * else wrapped (pt_text_wrap), the lines after the first indented by 2
 * under it. Ends with a newline. A run of narrow characters with no break
 * in it that is wider than a line (a path, a URL, a command) is not cut,
 * which would put a line break into what is copied from the terminal: it
 * starts a line of its own, which runs past width as far as it must. */
void pt_text_paragraph(pt_buf_t *b, const char *s, size_t width);
/* As pt_text_paragraph, wrapped as pt_text_wrap_labels wraps: a message
 * that lists labels in round brackets (the states are (草稿 draft、已提出
 * submitted、…)) breaks there only after a 、, never between a label and
 * its code. */
void pt_text_paragraph_labels(pt_buf_t *b, const char *s, size_t width);
/* Writes a message of ptrack's (a usage error, ptrackd's refusal, a
 * connection that failed) and a newline to stderr: on one line for a
 * script or a log to read, but on a terminal within LINE_WIDTH
 * (pt_text_paragraph_labels), so that a long list of states is broken
 * between them, not inside a label where the terminal's edge falls, and a
 * path or a URL wider than the line is not broken at all.
 * pt_text_sayf formats it as printf does. */
void pt_text_say(const char *text);
void pt_text_sayf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Every line the CLI prints for people fits a terminal of this many
 * columns (cli.md): tables, cards, wrapped messages, but for a path or a
 * URL in a message that is wider than a line by itself (pt_text_paragraph);
 * or, on a terminal narrower than that, the terminal's width, down to
 * LINE_WIDTH_MIN (pt_out_width, pt_err_width). */
#define LINE_WIDTH 100
#define LINE_WIDTH_MIN 40

/* The width lines written to fd fit (pt_line_width), to stdout
 * (pt_out_width) or to stderr (pt_err_width): LINE_WIDTH, or the width of the terminal that
 * stream is when it is narrower, but at least LINE_WIDTH_MIN. A pipe or a
 * file gets LINE_WIDTH, so that what scripts read does not depend on the
 * window a command was typed in. Asked anew at every call: a window may
 * be resized while `ptrack watch` runs. */
size_t pt_line_width(int fd);
size_t pt_out_width(void);
size_t pt_err_width(void);

/* Appends n spaces. */
void pt_text_pad(pt_buf_t *b, size_t n);

#endif

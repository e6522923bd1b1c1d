/*
 * utf8.h - UTF-8 checks and measures for the built-in plugins: whether
 * input is valid UTF-8, how wide text is on a screen or in a spreadsheet
 * column, and where text may be cut.
 */
#ifndef PT_UTF8_H
#define PT_UTF8_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* The code point at text[*i] (text n bytes long), *i moved past it; -1
 * for a sequence that is not well-formed (*i then moved one byte, or to n
 * when the text ends inside it). */
int32_t pt_utf8_next(const char *text, size_t n, size_t *i);
/* Whether text[0..n) is valid UTF-8 (no overlong forms, no surrogates). */
int pt_utf8_ok(const char *text, size_t n);
/* Rewrites, in place, each character beyond the BMP that s[0..n) holds
 * as two UTF-8-encoded surrogates (CESU-8: ED A0..AF xx, then ED B0..BF
 * xx, six bytes) as the UTF-8 of that character (four); returns the new
 * length, and writes a NUL there when it is shorter. What Oracle's "UTF8"
 * character set, Java's serialisation and some OA systems write for 𠮷 is
 * ED A1 82 ED BE B7, where UTF-8 is F0 A0 AE B7. A surrogate without its
 * pair is left as it is, not UTF-8. Thread: any. */
size_t pt_utf8_join_surrogates(char *s, size_t n);
/* Whether s[0..n) holds a UTF-8-encoded surrogate (ED A0..BF). */
int pt_utf8_has_surrogate(const char *s, size_t n);
/* The unified ideograph that a Kangxi radical (U+2F00..U+2FD5, and
 * U+2E9F, U+2EF3 of the supplement) stands for, as NFKC maps it (⼀ U+2F00
 * is 一 U+4E00): what text copied from a PDF holds where the document
 * shows the ideograph. cp itself for any other code point. Thread: any. */
uint32_t pt_utf8_radical_unified(uint32_t cp);
/* The width of s on a screen or in a spreadsheet column: wide (CJK) code
 * points count 2, and so do an office's 造字 (the private use characters,
 * as ptrack's tables count them), others 1. */
size_t pt_utf8_width(const char *s);
/* The length of s's longest prefix of at most max bytes that does not end
 * inside a UTF-8 sequence: max moved back to the start of the sequence
 * that s[max] continues. Stray continuation bytes (no sequence's start
 * within three bytes before them) leave max as it is, so that a cut of
 * text made of them keeps max bytes, not none. */
size_t pt_utf8_prefix(const char *s, size_t max);
/* snprintf for a message that quotes what a file or a request holds (a
 * header, a key, a cell): when it does not fit in size bytes, it is cut
 * after the last whole character that leaves room for "…", which ends it,
 * where snprintf cuts inside a character and leaves bytes that are no
 * UTF-8 (a Chinese header of 70 characters in a buffer of 200 bytes). A
 * size too small for "…" gets the whole characters that fit. Returns the
 * length written (never more than size - 1). Thread: any. */
size_t pt_utf8_format(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* pt_utf8_format with a va_list. */
size_t pt_utf8_vformat(char *buf, size_t size, const char *fmt, va_list ap);
/* Whether s[0..n) is blank, as ptrackd takes a field to be: nothing, or
 * only spaces (ASCII white space, the ideographic space U+3000 and every
 * other Unicode space: U+00A0, U+2003, U+202F, U+2028, ...) and the
 * characters that show nothing alone, which a copy from a web page, a
 * document or a chat brings along: the zero-width ones (U+200B..U+200D,
 * U+2060, U+FEFF, the soft hyphen U+00AD), the bidirectional marks and
 * controls (U+200E, U+200F, U+061C, U+202A..U+202E, U+2066..U+2069), the
 * variation selectors (U+FE00..U+FE0F, U+E0100..U+E01EF, U+180B..U+180F
 * with the Mongolian vowel separator U+180E), the Hangul fillers (U+3164,
 * U+115F, U+1160, U+FFA0), the combining grapheme joiner U+034F and the
 * invisible operators U+2061..U+2064. Text with anything else in it is
 * not blank, and keeps them all. A byte that is not UTF-8 is not blank. */
int pt_utf8_blank(const char *s, size_t n);

/* Whether c is one of the zero-width characters that a copy from a web
 * page or a document brings along inside words and names: the zero-width
 * space, non-joiner and joiner (U+200B..U+200D), the word joiner U+2060,
 * the byte order mark U+FEFF and the soft hyphen U+00AD. A name drops them
 * beside a Chinese character and a search reads past them; all of them
 * show nothing (pt_utf8_blank). */
int pt_utf8_zero_width(int32_t c);

/* Whether a file whose first n bytes are s (at_end: s is all of it) is
 * UTF-8 text, as an importer that is not told the encoding judges it:
 * every character of s is UTF-8, or nearly every one, as in a UTF-8 file
 * with a few stray bytes (a cell pasted from elsewhere, a byte cut off),
 * whose lines that hold them are better refused by name than the whole
 * file read as GB18030 and garbled. GBK text read as UTF-8 makes about one
 * character for every four stray bytes, so a sample with at least 16
 * characters of UTF-8 and twenty for each stray byte is no GBK. A
 * character cut off by the end of the sample counts as neither, unless
 * the sample is the whole file. An overlong form and a code beyond
 * U+10FFFF, which the importers refuse, are stray bytes, as GBK text
 * makes them (一簪 is D2 BB F4 A2); a surrogate counts as a character, so
 * that half of a CESU-8 pair is refused by name. Thread: any. */
int pt_utf8_judged(const unsigned char *s, size_t n, int at_end);

#endif /* PT_UTF8_H */

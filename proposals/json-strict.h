/*
 * json-strict.h - RFC 8259 JSON, strictly.
 *
 * cJSON accepts things that are not JSON (leading zeros, raw control
 * characters in strings, lone surrogates in \u escapes, trailing garbage, and
 * invalid UTF-8). Every byte that reaches ptrack from outside goes through
 * pt_json_parse() first, which validates the text and only then hands it to
 * cJSON.
 */
#ifndef PT_JSON_STRICT_H
#define PT_JSON_STRICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "error.h"

#define PT_JSON_MAX_DEPTH 64

/* Validates buf[0..len) and parses it. On failure sets err to
 * PT_EINVALID_JSON with the byte offset and what was wrong, and returns NULL.
 * Ownership: the caller frees the result with cJSON_Delete. Thread: any. */
cJSON *pt_json_parse(const char *buf, size_t len, pt_error_t *err);
/* pt_json_parse of a file's text (a configuration, a workflow): after a
 * UTF-8 byte order mark at its start, which is no part of the JSON, with
 * the byte offsets of an error counted from the file's start. */
cJSON *pt_json_parse_file(const char *buf, size_t len, pt_error_t *err);

/* True when buf[0..len) is valid UTF-8 (no overlongs, no surrogates). */
bool pt_utf8_valid(const char *buf, size_t len);
/* The first character in the UTF-8 text s that no text of a proposal may
 * hold: a C0 control but the tab and the line breaks (\n, \v, \f, \r),
 * DEL, or a C1 control (U+0080..U+009F), which nothing types and terminals
 * may act on; or a noncharacter (U+FDD0..U+FDEF, U+FFFE, U+FFFF and the
 * last two of every plane), which no one types either and which the XML
 * of a workbook and HTML do not take. Returns its code point and sets *at
 * (when not NULL) to its place, in characters from 1; 0 when s holds
 * none. */
uint32_t pt_text_control(const char *s, size_t *at);
/* Why s may not be a proposal's text (pt_text_control), written into buf
 * for a field's message: "holds the control character U+0007 (character
 * 3); ..."; NULL when it may. */
const char *pt_text_refusal(const char *s, char *buf, size_t size);
/* Number of code points in a valid UTF-8 string. */
size_t pt_utf8_length(const char *s);
/* Where to cut s, which holds at least len bytes, so that its first
 * len bytes or fewer end on a character's boundary: len moved back to the
 * start of the sequence that s[len] continues. A "%.*s" or a copy of that
 * many bytes never ends in half a character. Stray continuation bytes
 * (no sequence's start within three bytes before them) leave len as it
 * is, so that a cut of text made of them keeps len bytes, not none. */
size_t pt_utf8_floor(const char *s, size_t len);
/* The length of the UTF-8 byte order mark that buf (len bytes) starts
 * with, 3, or 0: what a file saved by Windows Notepad and other editors
 * begins with, and is no part of its text. A configuration or workflow
 * file is read after it (pt_json_parse_file); a request's body may not
 * hold one (RFC 8259). */
size_t pt_utf8_bom(const char *buf, size_t len);
/* Makes the NUL-terminated s valid UTF-8 in place: each byte that is not
 * part of a valid sequence becomes '?'. For text that may hold a client's
 * raw bytes (a path, a query, a file's line) on its way into a JSON answer.
 * Returns how many bytes were replaced. */
size_t pt_utf8_scrub(char *s);
/* pt_utf8_scrub on every string value and member name of a JSON tree. */
void pt_json_scrub(cJSON *item);

#endif

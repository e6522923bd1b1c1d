/*
 * buf.h - a growable byte buffer for building response bodies.
 *
 * Appends never fail silently: after an allocation failure the buffer is
 * marked failed, later appends do nothing, and pt_buf_failed() tells.
 */
#ifndef PT_BUF_H
#define PT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *data; /* NUL-terminated when len > 0 */
    size_t len;
    size_t cap;
    bool failed;
} pt_buf_t;

void pt_buf_init(pt_buf_t *b);
void pt_buf_free(pt_buf_t *b);
void pt_buf_append(pt_buf_t *b, const char *s, size_t n);
void pt_buf_puts(pt_buf_t *b, const char *s);
void pt_buf_printf(pt_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included; NULL appends null. */
void pt_buf_json_str(pt_buf_t *b, const char *s);
/* Appends s percent-encoded (RFC 3986): every byte but the unreserved
 * A-Z a-z 0-9 - . _ ~ as %XX. For a path segment or a header parameter. */
void pt_buf_pct(pt_buf_t *b, const char *s);
/* Appends s as one word of a POSIX shell command: in single quotes, each
 * ' of it written '\'' (out of the quotes, escaped, and back in). Every
 * other byte, UTF-8 included, stays as it is. */
void pt_buf_sh_word(pt_buf_t *b, const char *s);
void pt_buf_json_int(pt_buf_t *b, int64_t v);
bool pt_buf_failed(const pt_buf_t *b);
/* Hands the data over (NUL-terminated, never NULL unless failed) and resets
 * the buffer. Ownership: the caller frees. */
char *pt_buf_take(pt_buf_t *b, size_t *len);

#endif

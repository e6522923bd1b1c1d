/*
 * buf.h - growable strings and checked allocation for the ptrack client.
 *
 * The client is a short-lived command: when memory runs out there is nothing
 * sensible left to do but say so and stop. pt_xmalloc() and friends therefore
 * check every allocation and exit with PT_EXIT_SERVER (see cli.h) after one
 * line on stderr, so that the rest of the code can treat them as infallible
 * without ever dereferencing NULL.
 */
#ifndef PT_CLI_BUF_H
#define PT_CLI_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* A NUL-terminated string that grows as text is appended. A zeroed value is
 * an empty buffer; s is NULL until the first append. */
typedef struct {
    char *s;
    size_t len;
    size_t cap;
} pt_buf_t;

void *pt_xmalloc(size_t n);
void *pt_xrealloc(void *p, size_t n);
char *pt_xstrdup(const char *s);
char *pt_xstrndup(const char *s, size_t n);
/* Exits when p is NULL; returns p. For cJSON constructors and the like. */
void *pt_xcheck(void *p);
/* Prints "ptrack: out of memory" and exits. */
void pt_oom(void) __attribute__((noreturn));

void pt_buf_add(pt_buf_t *b, const char *s, size_t n);
void pt_buf_puts(pt_buf_t *b, const char *s);
void pt_buf_putc(pt_buf_t *b, char c);
void pt_buf_printf(pt_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pt_buf_vprintf(pt_buf_t *b, const char *fmt, va_list ap);
/* The text so far; "" (never NULL) while empty. */
const char *pt_buf_str(const pt_buf_t *b);
/* Hands the string to the caller (who frees it) and empties the buffer. */
char *pt_buf_take(pt_buf_t *b);
void pt_buf_reset(pt_buf_t *b);
/* Replaces every `from` in the text of b by `to`. */
void pt_buf_replace(pt_buf_t *b, const char *from, const char *to);
void pt_buf_free(pt_buf_t *b);

#endif

/*
 * decidim_input.h - what the Decidim importer's readers share: the upload
 * as a byte stream with one byte of look-ahead and a line count (over the
 * plugins' chunk reader, plugins/common/chunk-reader.h), and a row of
 * key/value texts in one growing buffer.
 *
 * Memory is flat: one chunk of input, and one row (capped at ROW_MAX bytes;
 * a longer row is marked too big and its bytes dropped, so that the reader
 * can still find where it ends and go on with the next).
 */
#ifndef IMPORT_DECIDIM_INPUT_H
#define IMPORT_DECIDIM_INPUT_H

#include <stddef.h>
#include <ptrack/plugin.h>

#include "chunk-reader.h"

#define ROW_MAX (1024 * 1024)

typedef struct {
    pt_chunk_reader_t c; /* c.status: a negative job_read result, kept */
    long line;           /* 1 + the line ends consumed so far (LF, CRLF, a lone CR) */
    int cr;              /* the last byte consumed was a CR */
} din_t;

void din_init(din_t *in, const ptrack_host_t *host, ptrack_job_t *job);
/* The next byte without consuming it, or -1 at the end or on failure
 * (in->c.status < 0 then). Thread: the job's. */
int din_peek(din_t *in);
/* The next byte, consumed, or -1. */
int din_get(din_t *in);
/* Skips a UTF-8 byte order mark and, when ws is set, white space; returns
 * the first byte that follows (not consumed) or -1. */
int din_skip_bom(din_t *in, int ws);
/* The bytes buffered from the current position up to the first newline
 * (or all of the chunk), for sniffing. */
const unsigned char *din_window(din_t *in, size_t *len);

/* A row: pairs of NUL-terminated texts (a key, a value) in buf. */
typedef struct {
    char *buf;
    size_t len, cap;
    size_t *off; /* 2 per pair: key offset, value offset */
    size_t n, cap_n;
    int too_big;
    int oom;
} drow_t;

void drow_clear(drow_t *r);
void drow_free(drow_t *r);
/* Starts a text: returns its offset. */
size_t drow_begin(const drow_t *r);
/* Appends bytes to the text being built. */
void drow_put(drow_t *r, const char *s, size_t n);
/* Ends the text being built with a NUL. */
void drow_end(drow_t *r);
/* Adds a pair from two offsets that drow_begin gave. */
void drow_pair(drow_t *r, size_t key, size_t value);
const char *drow_key(const drow_t *r, size_t i);
const char *drow_value(const drow_t *r, size_t i);

#endif

/*
 * csv.h - a streaming RFC 4180 reader: bytes go in as they arrive, in chunks
 * of any size, and whole records come out through a callback.
 *
 * A record may span chunks and lines (a quoted field holds separators,
 * doubled quotes and line breaks). The reader keeps only the record being
 * read, so its memory is bounded by the largest record, and a record larger
 * than max_record is refused rather than read (an unterminated quote would
 * otherwise swallow the rest of a 100 MB file into one field).
 *
 * Leniency, where RFC 4180 says nothing or files in the wild differ: a
 * record ends at LF, CRLF or a lone CR, and a lone CR inside a quoted
 * field is made an LF (a CRLF is kept as it is); a quote inside an unquoted field and
 * text after a closing quote are kept as they are; a blank record is
 * skipped: a blank line, or a row whose every cell is blank (",,,", which
 * Excel and WPS leave below the data and between blocks of rows); a
 * character beyond the BMP written as two UTF-8-encoded surrogates
 * (CESU-8, as Oracle's "UTF8" character set writes 𠮷 for OA systems'
 * exports) is made the UTF-8 of that character (pt_utf8_join_surrogates),
 * which the fields then hold. GB18030 converted by iconv holds none.
 */
#ifndef PT_CSV_H
#define PT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include "csv-columns.h"

/* What the reader itself can find wrong (the callback's own non-zero
 * returns pass through unchanged, so these are positive and large). */
enum {
    CSV_EUNTERMINATED = 1001, /* the input ended inside a quoted field */
    CSV_ETOOBIG = 1002,       /* a record is larger than max_record */
    CSV_ENOMEM = 1003,
};

/* One record. fields[i] is NUL-terminated and lens[i] long (a field may
 * hold NUL bytes of its own; lens is the truth). Borrowed for the call. */
typedef struct {
    const char *const *fields;
    const size_t *lens;
    size_t n;
    long line; /* the physical line the record starts on, from 1 */
} csv_record_t;

typedef int (*csv_record_fn)(void *ctx, const csv_record_t *rec);

typedef struct {
    char sep;
    size_t max_record;
    long line;        /* the physical line of the next byte */
    long rec_line;    /* where the record being read started */
    long err_line;    /* after an error: the line it names */
    size_t err_field; /* after an error: the 0-based field it names */
    int state;
    bool in_record;
    bool quoted_cr; /* a quoted field's last byte read was a CR */
    pt_str_t data;  /* the record's fields, each NUL-terminated */
    size_t *starts; /* where each field starts in data */
    size_t n_fields, cap_fields;
    const char **ptrs; /* handed to the callback */
    size_t *lens;
    size_t cap_ptrs;
} csv_reader_t;

void csv_reader_init(csv_reader_t *r, char sep, size_t max_record);
/* Reads len bytes; calls fn for each record completed. Returns 0, a
 * CSV_E* code, or what fn returned when it was not 0. */
int csv_reader_feed(csv_reader_t *r, const char *data, size_t len, csv_record_fn fn, void *ctx);
/* The input has ended: completes the last record (a file need not end with
 * a line break) or reports CSV_EUNTERMINATED. */
int csv_reader_finish(csv_reader_t *r, csv_record_fn fn, void *ctx);
void csv_reader_free(csv_reader_t *r);
/* The physical line of the next byte, from 1: a CR that ended a line
 * counts at once, though the reader waits for the next byte to see
 * whether an LF follows it. */
long csv_reader_line(const csv_reader_t *r);

#endif

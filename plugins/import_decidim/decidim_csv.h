/*
 * decidim_csv.h - a streaming reader of RFC 4180 CSV, as Decidim writes its
 * exports: ';' between fields, quoted fields that hold separators, doubled
 * quotes and line breaks, CRLF or LF.
 *
 * One record at a time, in a row (decidim_input.h) whose values are the
 * fields in order. A record that breaks the rules (an unterminated quote,
 * text after a closing quote, more than ROW_MAX bytes) is still returned,
 * with `error` saying what is wrong, so that the importer can reject it by
 * its line and go on with the next.
 */
#ifndef IMPORT_DECIDIM_CSV_H
#define IMPORT_DECIDIM_CSV_H

#include "decidim_input.h"

typedef struct {
    din_t *in;
    char sep;
    drow_t row;
    long rec_line;   /* the line the record starts on */
    char error[200]; /* "" for a sound record */
} dcsv_t;

void dcsv_init(dcsv_t *c, din_t *in, char sep);
/* Reads the next record (blank lines and rows of blank cells are passed
 * over). Returns 1 with a
 * record, 0 at the end, or the negative code of a failed read (the job
 * cancelled) or PTRACK_ENOMEM. Thread: the job's. */
int dcsv_next(dcsv_t *c);
void dcsv_free(dcsv_t *c);

#endif

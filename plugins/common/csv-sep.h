/*
 * csv-sep.h - the separators the CSV importers read (csv and decidim): how
 * a request names one (`sep=`) and how a file names its own on its first
 * line (Excel's "sep=;").
 */
#ifndef PT_CSV_SEP_H
#define PT_CSV_SEP_H

#include <stdbool.h>
#include <stddef.h>

/* What `sep=` may say, for messages. */
#define PT_CSV_SEP_NAMES "\",\" (comma), \";\" (semicolon) or tab"

/* The separator text names: "," or "comma", ";" or "semicolon", a TAB,
 * "\t" or "tab"; 0 for anything else. */
char pt_csv_sep_parse(const char *text);

/* Whether s (n bytes, the start of a file) begins with Excel's separator
 * line, "sep=X" and a line break (or the end). Sets *len to the line's
 * length, its line break included, and *sep to X when it is one of the
 * separators read (',', ';', TAB), else to 0. */
bool pt_csv_sep_line(const char *s, size_t n, char *sep, size_t *len);

#endif /* PT_CSV_SEP_H */

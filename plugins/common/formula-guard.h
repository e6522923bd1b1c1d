/*
 * formula-guard.h - the apostrophe that keeps a spreadsheet from running a
 * text cell as a formula, put on by the CSV exporter and taken off by the
 * CSV importer, so that the file is safe to open and still reads back
 * exactly.
 *
 * Excel, WPS and LibreOffice take a cell that begins with = + - @, a tab
 * or a carriage return as a formula (CSV injection: a title such as
 * =HYPERLINK("http://...","点此查看")). A leading ' makes them show the
 * cell as text and hide the '. To stay reversible, a value that already
 * begins with apostrophes followed by one of those characters gets one
 * more: the guarded values are exactly those of the form '...'X (any
 * number of ', then a trigger X), and the guard adds or removes one '.
 * Every other value, '001 included, is written and read as it is.
 */
#ifndef PT_FORMULA_GUARD_H
#define PT_FORMULA_GUARD_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the exporter writes s[0..n) with a ' before it: zero or more '
 * and then = + - @ TAB or CR. */
bool pt_formula_needs_guard(const char *s, size_t n);
/* Whether a cell the importer reads begins with a guard to drop: one or
 * more ' and then = + - @ TAB or CR. The value is the cell without its
 * first byte. */
bool pt_formula_has_guard(const char *s, size_t n);

#endif /* PT_FORMULA_GUARD_H */

/*
 * table.h - plain-text tables that line up with Chinese text.
 *
 * A table is a header row and data rows of UTF-8 cells. Column widths are
 * measured in terminal columns (width.h), never in bytes or characters, so a
 * column of 代表团 names lines up with a column of ASCII numbers. Cells are
 * cleaned of line breaks and control characters; a column may have a maximum
 * width, past which its cells are cut with "…". Columns are separated by two
 * spaces and the last column is not padded, so lines carry no trailing blanks.
 * The output does not depend on whether stdout is a terminal.
 */
#ifndef PT_CLI_TABLE_H
#define PT_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct pt_table_s pt_table_t;

/* A table of ncols columns whose header cells are the given strings (copied;
 * NULL for no header row). */
pt_table_t *pt_table_new(size_t ncols, const char *const *header);
void pt_table_free(pt_table_t *t);

/* Cuts the column's cells (not its header) to at most max columns. */
void pt_table_set_max(pt_table_t *t, size_t col, size_t max);
/* Lets the column take what the other columns leave of a line of `line`
 * columns (the indent and the gaps between columns counted), at least min
 * and at most its maximum (pt_table_set_max; none: no more than it needs);
 * its cells are cut to that when the table is printed. One column of a
 * table may fit so: the title of a list, whose other cells are short. */
void pt_table_set_fit(pt_table_t *t, size_t col, size_t line, size_t min);
/* Lets the column be cut further, down to min columns (never narrower
 * than its header), when the line would be wider than the fitting
 * column's line (pt_table_set_fit) with that column at its least: the
 * widest of such columns gives up a column first. Without a fitting
 * column the line has no bound, and nothing is cut so. */
void pt_table_set_shrink(pt_table_t *t, size_t col, size_t min);
/* Wraps the column's cells (not its header) at `width` columns: a wider
 * cell goes on, broken as pt_text_wrap breaks text, on lines of its own
 * below, in its column, the row's other cells empty there; so nothing of
 * it is lost and the columns stay aligned. 0: no wrapping. */
void pt_table_set_wrap(pt_table_t *t, size_t col, size_t width);
/* Prints the column's cells not in a column but each below its row, on
 * lines of its own (before the row's note, pt_table_note), every line
 * starting with `indent` spaces: a cell of lines of its own
 * (pt_table_cell_lines) as its lines are, another wrapped at `width`
 * columns (the indent counted) as pt_text_wrap wraps text, a list of
 * names between two names; nothing for an empty cell. The column and its
 * header take no room in the row: for a long cell (a comment, a note, a
 * title) where beside the others it would have too few columns to be
 * read. One column of a table may go so. */
void pt_table_set_below(pt_table_t *t, size_t col, size_t indent, size_t width);
/* The widths at which the n columns cols of t are to wrap
 * (pt_table_set_wrap, which the caller does) for a line of the table,
 * `indent` spaces first, to be no wider than `line`: the widest of them
 * gives up a column first (of two as wide, the one named first), each
 * down to `least` and never narrower than its header; one no wider than
 * that is left whole. wrap[i] is 0 where cols[i] need not wrap. Returns
 * the line's width then, wider than `line` when they cannot give up
 * enough. */
size_t pt_table_fit_wraps(const pt_table_t *t, size_t indent, size_t line, const size_t *cols,
                          size_t n, size_t least, size_t *wrap);
/* Wraps column col (pt_table_set_wrap) as pt_table_fit_wraps finds it
 * must, not narrower than its header, for the table to fit a line of
 * `line` columns; returns whether it then fits. */
bool pt_table_fit_wrap(pt_table_t *t, size_t col, size_t line);
/* The columns the column takes as the table stands: its widest cell or
 * its header, before a fit cuts it; in a wrapping column, the widest line
 * its cells wrap into. */
size_t pt_table_width(const pt_table_t *t, size_t col);
/* Aligns the column to the right (for numbers). */
void pt_table_set_right(pt_table_t *t, size_t col);
/* Starts a new row; the cells of it are set with pt_table_cell. Cells never
 * set print as empty. */
void pt_table_row(pt_table_t *t);
/* Sets a cell of the current row (the text is copied; NULL is empty). */
void pt_table_cell(pt_table_t *t, size_t col, const char *text);
void pt_table_cellf(pt_table_t *t, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets a cell of the current row to the n names joined with sep (、 or
 * ", "): in a wrapping column (pt_table_set_wrap) its lines break between
 * two names, never inside one, as pt_text_wrap_names breaks them, where
 * another cell breaks wherever pt_text_wrap may. The names and sep are
 * copied. */
void pt_table_cell_names(pt_table_t *t, size_t col, const char *const *names, size_t n,
                         const char *sep);
/* Sets a cell of the current row to lines of its own, parted by '\n' in
 * text (the caller wraps it: history's note keeps a unit's name whole),
 * each cleaned and cut as a cell is and not wrapped again: the first
 * beside the row's other cells, the rest below it in its column, as a
 * wrapped cell goes on, so that a row whose other cells wrap takes no
 * more lines than its tallest cell. The text is copied. */
void pt_table_cell_lines(pt_table_t *t, size_t col, const char *text);
size_t pt_table_rows(const pt_table_t *t);
/* Adds text printed as it is below the current row (a reply's text under
 * its line), or before the first row below the header row: not measured,
 * not cut and not indented, so the caller wraps and indents it; it ends
 * with a newline. Called again, it appends. */
void pt_table_note(pt_table_t *t, const char *text);

/* Writes the table, each line prefixed with indent spaces. */
void pt_table_print(const pt_table_t *t, FILE *out, size_t indent);
/* Writes the table as cards, for a line of `line` columns too narrow for
 * it with the cells of column `key` whole (a name that a later command
 * takes, typed or copied from here): each row's key cell on a line of its
 * own, whole, past the line's end if it is wider by itself; below it,
 * indented by 2, the other columns as lines labelled with their headers,
 * "-" for an empty cell, a value too long for the line wrapping under
 * itself; then the row's note (pt_table_note). A blank line parts two
 * cards. The column settings (wrap, cut, fit) are the table's, not the
 * cards'. */
void pt_table_print_cards(const pt_table_t *t, FILE *out, size_t key, size_t line);

#endif

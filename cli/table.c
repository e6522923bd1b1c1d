/*
 * table.c - plain-text tables that line up with Chinese text (see table.h).
 *
 * Cells are cleaned and cut when they are set, so that printing only has to
 * measure and pad. A cell remembers its width to spare a second measurement.
 */
#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "width.h"

typedef struct {
    char *text; /* NULL: empty */
    size_t width;
} cell_t;

struct pt_table_s {
    size_t ncols;
    cell_t *header; /* NULL: no header row */
    size_t *max;    /* 0: no limit */
    bool *right;
    cell_t *cells; /* rows * ncols, row-major */
    char **notes;  /* per row: NULL, or the text printed below it */
    size_t rows;
    size_t cap_rows;
};

static void cell_set(cell_t *c, const char *text, size_t max)
{
    pt_buf_t clean = {0}, cut = {0};
    free(c->text);
    c->text = NULL;
    c->width = 0;
    if (!text || !*text)
        return;
    pt_text_clean(&clean, text);
    if (max) {
        c->width = pt_text_truncate(&cut, pt_buf_str(&clean), max);
        c->text = pt_buf_take(&cut);
        pt_buf_free(&clean);
    } else {
        c->width = pt_text_width(pt_buf_str(&clean));
        c->text = pt_buf_take(&clean);
    }
}

pt_table_t *pt_table_new(size_t ncols, const char *const *header)
{
    pt_table_t *t = pt_xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->max = pt_xmalloc(ncols * sizeof *t->max);
    t->right = pt_xmalloc(ncols * sizeof *t->right);
    for (size_t i = 0; i < ncols; i++) {
        t->max[i] = 0;
        t->right[i] = false;
    }
    if (header) {
        t->header = pt_xmalloc(ncols * sizeof *t->header);
        memset(t->header, 0, ncols * sizeof *t->header);
        for (size_t i = 0; i < ncols; i++)
            cell_set(&t->header[i], header[i], 0);
    }
    return t;
}

void pt_table_free(pt_table_t *t)
{
    if (!t)
        return;
    if (t->header)
        for (size_t i = 0; i < t->ncols; i++)
            free(t->header[i].text);
    for (size_t i = 0; i < t->rows * t->ncols; i++)
        free(t->cells[i].text);
    for (size_t r = 0; r < t->rows; r++)
        free(t->notes[r]);
    free(t->notes);
    free(t->header);
    free(t->cells);
    free(t->max);
    free(t->right);
    free(t);
}

void pt_table_set_max(pt_table_t *t, size_t col, size_t max)
{
    if (col < t->ncols)
        t->max[col] = max;
}

void pt_table_set_right(pt_table_t *t, size_t col)
{
    if (col < t->ncols)
        t->right[col] = true;
}

void pt_table_row(pt_table_t *t)
{
    if (t->rows == t->cap_rows) {
        size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
        t->cells = pt_xrealloc(t->cells, cap * t->ncols * sizeof *t->cells);
        t->notes = pt_xrealloc(t->notes, cap * sizeof *t->notes);
        t->cap_rows = cap;
    }
    memset(&t->cells[t->rows * t->ncols], 0, t->ncols * sizeof *t->cells);
    t->notes[t->rows] = NULL;
    t->rows++;
}

void pt_table_cell(pt_table_t *t, size_t col, const char *text)
{
    if (t->rows == 0 || col >= t->ncols)
        return;
    cell_set(&t->cells[(t->rows - 1) * t->ncols + col], text, t->max[col]);
}

void pt_table_cellf(pt_table_t *t, size_t col, const char *fmt, ...)
{
    pt_buf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    pt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    pt_table_cell(t, col, pt_buf_str(&b));
    pt_buf_free(&b);
}

size_t pt_table_rows(const pt_table_t *t)
{
    return t->rows;
}

void pt_table_note(pt_table_t *t, const char *text)
{
    if (t->rows == 0 || !text || !*text)
        return;
    pt_buf_t b = {0};
    char **note = &t->notes[t->rows - 1];
    if (*note)
        pt_buf_puts(&b, *note);
    pt_buf_puts(&b, text);
    free(*note);
    *note = pt_buf_take(&b);
}

static void print_row(const pt_table_t *t, const cell_t *row, const size_t *widths, size_t last,
                      FILE *out, size_t indent)
{
    pt_buf_t line = {0};
    pt_text_pad(&line, indent);
    for (size_t c = 0; c <= last; c++) {
        const cell_t *cell = &row[c];
        size_t gap = widths[c] - cell->width;
        if (c > 0)
            pt_buf_puts(&line, "  ");
        if (t->right[c])
            pt_text_pad(&line, gap);
        if (cell->text)
            pt_buf_puts(&line, cell->text);
        /* The last column is left ragged: padding it would only add
         * trailing blanks. */
        if (!t->right[c] && c < last)
            pt_text_pad(&line, gap);
    }
    /* A row whose last cells are empty could still end in blanks. */
    while (line.len > 0 && line.s[line.len - 1] == ' ')
        line.s[--line.len] = '\0';
    fprintf(out, "%s\n", pt_buf_str(&line));
    pt_buf_free(&line);
}

void pt_table_print(const pt_table_t *t, FILE *out, size_t indent)
{
    size_t *widths = pt_xmalloc(t->ncols * sizeof *widths);
    for (size_t c = 0; c < t->ncols; c++) {
        widths[c] = t->header ? t->header[c].width : 0;
        for (size_t r = 0; r < t->rows; r++) {
            size_t w = t->cells[r * t->ncols + c].width;
            if (w > widths[c])
                widths[c] = w;
        }
    }
    if (t->ncols > 0) {
        size_t last = t->ncols - 1;
        if (t->header)
            print_row(t, t->header, widths, last, out, indent);
        for (size_t r = 0; r < t->rows; r++) {
            print_row(t, &t->cells[r * t->ncols], widths, last, out, indent);
            if (t->notes[r])
                fputs(t->notes[r], out);
        }
    }
    free(widths);
}

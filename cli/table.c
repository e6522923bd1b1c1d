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
    /* A list of names (pt_table_cell_names): each NUL-terminated, one
     * after another, and what joins them; NULL for other cells. */
    char *names;
    size_t nnames;
    char *sep;
    /* Lines of its own (pt_table_cell_lines): text holds them parted by
     * '\n', and width is the widest. */
    bool lines;
} cell_t;

struct pt_table_s {
    size_t ncols;
    cell_t *header; /* NULL: no header row */
    size_t *max;    /* 0: no limit */
    bool *right;
    size_t *wrap;   /* 0: one line per cell */
    size_t *shrink; /* 0: not cut to keep the line; else the least it is cut to */
    size_t fit_col; /* the column that fits (pt_table_set_fit); ncols: none */
    size_t fit_line, fit_min, fit_max;
    size_t below_col; /* the column printed below its row (pt_table_set_below); ncols: none */
    size_t below_indent, below_width;
    cell_t *cells;   /* rows * ncols, row-major */
    char **notes;    /* per row: NULL, or the text printed below it */
    char *head_note; /* NULL, or the text printed below the header row */
    size_t rows;
    size_t cap_rows;
};

static void cell_free(cell_t *c)
{
    free(c->text);
    free(c->names);
    free(c->sep);
    memset(c, 0, sizeof *c);
}

static void cell_set(cell_t *c, const char *text, size_t max)
{
    pt_buf_t clean = {0}, cut = {0};
    cell_free(c);
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
    t->fit_col = ncols;
    t->below_col = ncols;
    t->max = pt_xmalloc(ncols * sizeof *t->max);
    t->right = pt_xmalloc(ncols * sizeof *t->right);
    t->wrap = pt_xmalloc(ncols * sizeof *t->wrap);
    t->shrink = pt_xmalloc(ncols * sizeof *t->shrink);
    for (size_t i = 0; i < ncols; i++) {
        t->max[i] = 0;
        t->right[i] = false;
        t->wrap[i] = 0;
        t->shrink[i] = 0;
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
            cell_free(&t->header[i]);
    for (size_t i = 0; i < t->rows * t->ncols; i++)
        cell_free(&t->cells[i]);
    for (size_t r = 0; r < t->rows; r++)
        free(t->notes[r]);
    free(t->notes);
    free(t->head_note);
    free(t->header);
    free(t->cells);
    free(t->max);
    free(t->right);
    free(t->wrap);
    free(t->shrink);
    free(t);
}

void pt_table_set_max(pt_table_t *t, size_t col, size_t max)
{
    if (col == t->fit_col)
        t->fit_max = max;
    else if (col < t->ncols)
        t->max[col] = max;
}

void pt_table_set_fit(pt_table_t *t, size_t col, size_t line, size_t min)
{
    if (col >= t->ncols)
        return;
    /* Its cells are kept whole and cut at the print, when the widths of
     * the others are known. */
    t->fit_col = col;
    t->fit_line = line;
    t->fit_min = min;
    t->fit_max = t->max[col];
    t->max[col] = 0;
}

void pt_table_set_shrink(pt_table_t *t, size_t col, size_t min)
{
    if (col < t->ncols && col != t->fit_col)
        t->shrink[col] = min;
}

void pt_table_set_wrap(pt_table_t *t, size_t col, size_t width)
{
    if (col < t->ncols)
        t->wrap[col] = width;
}

void pt_table_set_below(pt_table_t *t, size_t col, size_t indent, size_t width)
{
    if (col >= t->ncols)
        return;
    t->below_col = col;
    t->below_indent = indent;
    t->below_width = width;
}

static size_t wrapped_width(const pt_table_t *t, size_t col);

size_t pt_table_width(const pt_table_t *t, size_t col)
{
    size_t w = 0;
    if (col >= t->ncols || col == t->below_col)
        return 0;
    if (t->wrap[col])
        return wrapped_width(t, col);
    if (t->header)
        w = t->header[col].width;
    for (size_t r = 0; r < t->rows; r++)
        if (t->cells[r * t->ncols + col].width > w)
            w = t->cells[r * t->ncols + col].width;
    return w;
}

size_t pt_table_fit_wraps(const pt_table_t *t, size_t indent, size_t line, const size_t *cols,
                          size_t n, size_t least, size_t *wrap)
{
    size_t shown = t->ncols - (t->below_col < t->ncols ? 1 : 0);
    size_t total = indent + (shown > 0 ? 2 * (shown - 1) : 0);
    size_t *width = pt_xmalloc((n ? n : 1) * sizeof *width);
    for (size_t c = 0; c < t->ncols; c++)
        total += pt_table_width(t, c);
    for (size_t i = 0; i < n; i++)
        width[i] = pt_table_width(t, cols[i]);
    while (total > line) {
        size_t widest = n;
        for (size_t i = 0; i < n; i++) {
            size_t floor = least;
            if (t->header && cols[i] < t->ncols && t->header[cols[i]].width > floor)
                floor = t->header[cols[i]].width;
            if (width[i] > floor && (widest == n || width[i] > width[widest]))
                widest = i;
        }
        if (widest == n)
            break;
        width[widest]--;
        total--;
    }
    for (size_t i = 0; i < n; i++)
        wrap[i] = width[i] < pt_table_width(t, cols[i]) ? width[i] : 0;
    free(width);
    return total;
}

bool pt_table_fit_wrap(pt_table_t *t, size_t col, size_t line)
{
    size_t wrap;
    size_t width = pt_table_fit_wraps(t, 0, line, &col, 1, 0, &wrap);
    if (wrap)
        pt_table_set_wrap(t, col, wrap);
    return width <= line;
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

void pt_table_cell_names(pt_table_t *t, size_t col, const char *const *names, size_t n,
                         const char *sep)
{
    if (t->rows == 0 || col >= t->ncols)
        return;
    pt_buf_t joined = {0}, list = {0};
    for (size_t i = 0; i < n; i++) {
        pt_buf_printf(&joined, "%s%s", i ? sep : "", names[i] ? names[i] : "");
        pt_buf_add(&list, names[i] ? names[i] : "", names[i] ? strlen(names[i]) + 1 : 1);
    }
    cell_t *c = &t->cells[(t->rows - 1) * t->ncols + col];
    cell_set(c, pt_buf_str(&joined), t->max[col]);
    if (c->text) {
        c->names = pt_buf_take(&list);
        c->nnames = n;
        c->sep = pt_xstrdup(sep);
    }
    pt_buf_free(&joined);
    pt_buf_free(&list);
}

void pt_table_cell_lines(pt_table_t *t, size_t col, const char *text)
{
    if (t->rows == 0 || col >= t->ncols)
        return;
    cell_t *c = &t->cells[(t->rows - 1) * t->ncols + col], line = {0};
    pt_buf_t all = {0};
    size_t width = 0;
    cell_free(c);
    for (const char *s = text ? text : ""; *s;) {
        size_t len = strcspn(s, "\n");
        char *one = pt_xstrndup(s, len);
        cell_set(&line, one, t->max[col]);
        free(one);
        pt_buf_printf(&all, "%s%s", all.len ? "\n" : "", line.text ? line.text : "");
        if (line.width > width)
            width = line.width;
        s += len + (s[len] ? 1 : 0);
    }
    cell_free(&line);
    if (all.len) {
        c->text = pt_buf_take(&all);
        c->width = width;
        c->lines = true;
    }
    pt_buf_free(&all);
}

size_t pt_table_rows(const pt_table_t *t)
{
    return t->rows;
}

void pt_table_note(pt_table_t *t, const char *text)
{
    if (!text || !*text)
        return;
    pt_buf_t b = {0};
    char **note = t->rows ? &t->notes[t->rows - 1] : &t->head_note;
    if (*note)
        pt_buf_puts(&b, *note);
    pt_buf_puts(&b, text);
    free(*note);
    *note = pt_buf_take(&b);
}

/* The lines of a cell of column c: its text, its lines of its own
 * (pt_table_cell_lines), or in a wrapping column the lines it wraps into
 * (kept in *b), with their count. */
static size_t cell_lines(const pt_table_t *t, size_t c, const cell_t *cell, pt_buf_t *b,
                         const char **first)
{
    *first = cell->text;
    if (cell->lines) {
        pt_buf_printf(b, "%s\n", cell->text);
    } else if (!cell->text || !t->wrap[c] || cell->width <= t->wrap[c] ||
               (t->header && cell == &t->header[c])) {
        /* A header is never wrapped: the column is at least as wide. */
        return 1;
    } else if (cell->names) {
        const char **names = pt_xmalloc(cell->nnames * sizeof *names);
        const char *s = cell->names;
        for (size_t i = 0; i < cell->nnames; i++, s += strlen(s) + 1)
            names[i] = s;
        pt_text_wrap_names(b, names, cell->nnames, cell->sep, 0, t->wrap[c]);
        free(names);
    } else {
        pt_text_wrap(b, cell->text, 0, t->wrap[c]);
    }
    size_t n = 0;
    for (char *nl = b->s; (nl = strchr(nl, '\n')) != NULL; nl++) {
        *nl = '\0';
        n++;
    }
    *first = b->s;
    return n ? n : 1;
}

/* Line `k` of a cell whose lines cell_lines made: NULL past the last. */
static const char *cell_line(const char *first, size_t n, size_t k)
{
    if (k >= n)
        return NULL;
    while (k-- > 0)
        first += strlen(first) + 1;
    return first;
}

/* Writes the cell of the column printed below its row (pt_table_set_below)
 * on lines of its own: its lines as they are, indented, or its text
 * wrapped at the table's width for it, a list of names between names. */
static void print_below(const pt_table_t *t, const cell_t *cell, FILE *out)
{
    pt_buf_t b = {0};
    size_t indent = t->below_indent, width = t->below_width;
    if (!cell->text)
        return;
    if (cell->lines) {
        for (const char *s = cell->text; *s;) {
            size_t len = strcspn(s, "\n");
            pt_text_pad(&b, indent);
            pt_buf_add(&b, s, len);
            pt_buf_puts(&b, "\n");
            s += len + (s[len] ? 1 : 0);
        }
    } else if (cell->names) {
        const char **names = pt_xmalloc(cell->nnames * sizeof *names);
        const char *s = cell->names;
        for (size_t i = 0; i < cell->nnames; i++, s += strlen(s) + 1)
            names[i] = s;
        pt_text_wrap_names(&b, names, cell->nnames, cell->sep, indent, width);
        free(names);
    } else {
        pt_text_wrap(&b, cell->text, indent, width);
    }
    fputs(pt_buf_str(&b), out);
    pt_buf_free(&b);
}

static void print_row(const pt_table_t *t, const cell_t *row, const size_t *widths, size_t last,
                      FILE *out, size_t indent)
{
    pt_buf_t *wrapped = pt_xmalloc((last + 1) * sizeof *wrapped);
    const char **firsts = pt_xmalloc((last + 1) * sizeof *firsts);
    size_t *counts = pt_xmalloc((last + 1) * sizeof *counts);
    size_t nlines = 1;
    memset(wrapped, 0, (last + 1) * sizeof *wrapped);
    for (size_t c = 0; c <= last; c++) {
        counts[c] = 0;
        firsts[c] = NULL;
        if (c == t->below_col)
            continue;
        counts[c] = cell_lines(t, c, &row[c], &wrapped[c], &firsts[c]);
        if (counts[c] > nlines)
            nlines = counts[c];
    }
    for (size_t k = 0; k < nlines; k++) {
        pt_buf_t line = {0};
        bool first = true;
        pt_text_pad(&line, indent);
        for (size_t c = 0; c <= last; c++) {
            if (c == t->below_col)
                continue;
            const char *text = cell_line(firsts[c], counts[c], k);
            size_t w = 0;
            pt_buf_t cut = {0};
            if (text) {
                w = counts[c] > 1 ? pt_text_width(text) : row[c].width;
                /* Only the fitting column and those cut to keep the
                 * line (pt_table_set_shrink) have cells wider than it. */
                if (w > widths[c]) {
                    w = pt_text_truncate(&cut, text, widths[c]);
                    text = pt_buf_str(&cut);
                }
            }
            size_t gap = widths[c] - w;
            if (!first)
                pt_buf_puts(&line, "  ");
            first = false;
            if (t->right[c])
                pt_text_pad(&line, gap);
            if (text)
                pt_buf_puts(&line, text);
            pt_buf_free(&cut);
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
    for (size_t c = 0; c <= last; c++)
        pt_buf_free(&wrapped[c]);
    free(wrapped);
    free(firsts);
    free(counts);
}

/* The columns a wrapping column takes: its header, and the widest line its
 * cells wrap into. */
static size_t wrapped_width(const pt_table_t *t, size_t col)
{
    size_t w = t->header ? t->header[col].width : 0;
    for (size_t r = 0; r < t->rows; r++) {
        const cell_t *cell = &t->cells[r * t->ncols + col];
        pt_buf_t b = {0};
        const char *line;
        size_t n = cell_lines(t, col, cell, &b, &line);
        for (size_t k = 0; k < n; k++) {
            size_t lw = n > 1 ? pt_text_width(cell_line(line, n, k)) : cell->width;
            if (lw > w)
                w = lw;
        }
        pt_buf_free(&b);
    }
    return w;
}

void pt_table_print(const pt_table_t *t, FILE *out, size_t indent)
{
    size_t *widths = pt_xmalloc(t->ncols * sizeof *widths);
    size_t used = indent, shown = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        widths[c] = pt_table_width(t, c);
        if (c != t->fit_col && c != t->below_col)
            used += widths[c] + (shown++ > 0 ? 2 : 0);
    }
    if (t->fit_col < t->ncols) {
        /* What the others leave, within its bounds; never narrower than
         * its header. */
        size_t c = t->fit_col, gap = shown > 0 ? 2 : 0, room = used + gap;
        size_t fit = t->fit_line > room ? t->fit_line - room : 0;
        if (fit < t->fit_min)
            fit = t->fit_min;
        if (t->fit_max && fit > t->fit_max)
            fit = t->fit_max;
        if (t->header && fit < t->header[c].width)
            fit = t->header[c].width;
        if (fit < widths[c])
            widths[c] = fit;
        /* The fitting column at its least, the line may still be wider
         * than its columns (a 编号 of 36 characters beside a long state
         * and full unit names): the columns that may be cut give it up,
         * the widest first, each down to its least and never narrower than
         * its header. */
        size_t total = used + gap + widths[c];
        while (total > t->fit_line) {
            size_t widest = t->ncols;
            for (size_t k = 0; k < t->ncols; k++) {
                size_t least = t->shrink[k];
                if (t->header && t->header[k].width > least)
                    least = t->header[k].width;
                if (t->shrink[k] && k != c && widths[k] > least &&
                    (widest == t->ncols || widths[k] > widths[widest]))
                    widest = k;
            }
            if (widest == t->ncols)
                break;
            widths[widest]--;
            total--;
        }
    }
    if (t->ncols > 0) {
        /* The last column shown: one printed below its row is not. */
        size_t last = t->ncols - 1;
        if (last == t->below_col && last > 0)
            last--;
        if (t->header)
            print_row(t, t->header, widths, last, out, indent);
        if (t->head_note)
            fputs(t->head_note, out);
        for (size_t r = 0; r < t->rows; r++) {
            print_row(t, &t->cells[r * t->ncols], widths, last, out, indent);
            if (t->below_col < t->ncols)
                print_below(t, &t->cells[r * t->ncols + t->below_col], out);
            if (t->notes[r])
                fputs(t->notes[r], out);
        }
    }
    free(widths);
}

/* Copies cell `from` into the current row of t at col, as it was set:
 * names stay names, lines stay lines. */
static void cell_copy(pt_table_t *t, size_t col, const cell_t *from)
{
    if (from->names) {
        const char **names = pt_xmalloc(from->nnames * sizeof *names);
        const char *s = from->names;
        for (size_t i = 0; i < from->nnames; i++, s += strlen(s) + 1)
            names[i] = s;
        pt_table_cell_names(t, col, names, from->nnames, from->sep);
        free(names);
    } else if (from->lines) {
        pt_table_cell_lines(t, col, from->text);
    } else {
        pt_table_cell(t, col, from->text);
    }
}

void pt_table_print_cards(const pt_table_t *t, FILE *out, size_t key, size_t line)
{
    for (size_t r = 0; r < t->rows; r++) {
        const cell_t *row = &t->cells[r * t->ncols];
        pt_table_t *card = pt_table_new(2, NULL);
        for (size_t c = 0; c < t->ncols; c++) {
            if (c == key)
                continue;
            pt_table_row(card);
            pt_table_cell(card, 0, t->header ? t->header[c].text : NULL);
            if (row[c].text)
                cell_copy(card, 1, &row[c]);
            else
                pt_table_cell(card, 1, "-");
        }
        /* A value too long for the line wraps under itself. */
        size_t label = pt_table_width(card, 0);
        if (2 + label + 2 + pt_table_width(card, 1) > line)
            pt_table_set_wrap(card, 1, line > 4 + label ? line - 4 - label : 1);
        fprintf(out, "%s%s\n", r ? "\n" : "",
                key < t->ncols && row[key].text ? row[key].text : "-");
        pt_table_print(card, out, 2);
        if (t->notes[r])
            fputs(t->notes[r], out);
        pt_table_free(card);
    }
}

/*
 * export_xlsx.c - the "xlsx" exporter: an Excel workbook of the matching
 * proposals, written with libxlsxwriter.
 *
 * Sheet 建议 (提案 or 议案 for an export of kind=proposal or kind=motion)
 * holds one row per proposal under a bold, frozen header row with
 * an autofilter; columns are as wide as their text (Chinese characters count
 * double) and times are real Excel dates. A text longer than a cell holds
 * (32,767 characters, as Excel counts them) is cut and ends with a note
 * that it was. Sheet 统计 holds the figures of
 * GET /v1/stats over the same proposals (counts by status and by unit,
 * overdue, 办复率, 满意率, reply categories), counted while the rows stream
 * past.
 *
 * libxlsxwriter writes a file, not a stream, so the workbook goes to a
 * temporary file (mkstemp under $TMPDIR or /tmp), which is then sent with
 * job_write and removed. The workbook is made with constant_memory: each
 * row is flushed to the worksheet's own temporary file as soon as the next
 * one starts, so memory stays flat however many proposals there are. That
 * mode demands rows be written in order within a sheet; each sheet has its
 * own temporary file, so the figures sheet (added second, to be the second
 * tab) is written after the last data row. Column widths, the freeze and the
 * autofilter are kept as settings and only written out at workbook_close,
 * so they may be set once the widths and the row count are known. Printed,
 * sheet 建议 is A4 landscape with its grid, and repeats its header row on
 * every page; sheet 统计 is A4 with its grid, so that its figures print as
 * a table.
 *
 * Query arguments: tz (the zone dates are shown in, "+08:00"; default the
 * daemon's local zone).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ptrack/plugin.h>
#include <xlsxwriter.h>

#include "figures.h"
#include "labels.h"
#include "plugin-state.h"
#include "record-walk.h"
#include "temp-file.h"
#include "times.h"
#include "utf8.h"

/* The columns of sheet 建议, by the field they show (the header is the
 * field's brief label). A date column holds an Excel date; max_width caps
 * the width so that a long title does not make a column a page wide. */
typedef enum {
    C_ID,
    C_NUMBER,
    C_TITLE,
    C_KIND,
    C_SESSION,
    C_DELEGATION,
    C_LEAD_AUTHOR,
    C_CO_SIGNERS,
    C_CATEGORY,
    C_STATUS,
    C_MODE,
    C_LEAD_UNITS,
    C_CO_UNITS,
    C_CREATED,
    C_ASSIGNED,
    C_DUE,
    C_OVERDUE,
    C_KEY,
    C_REPLY_UNIT,
    C_DOC_NO,
    C_REPLIED,
    C_REPLY_CATEGORY,
    C_SATISFACTION,
    N_COLUMNS
} column_t;

static const struct {
    const char *field;
    double max_width;
    int date;
} columns[N_COLUMNS] = {
    [C_ID] = {"id", 10, 0},
    [C_NUMBER] = {"number", 20, 0},
    [C_TITLE] = {"title", 60, 0},
    [C_KIND] = {"kind", 10, 0},
    [C_SESSION] = {"session", 36, 0},
    [C_DELEGATION] = {"delegation", 24, 0},
    [C_LEAD_AUTHOR] = {"lead_author", 16, 0},
    [C_CO_SIGNERS] = {"co_signers", 40, 0},
    [C_CATEGORY] = {"category", 20, 0},
    [C_STATUS] = {"status", 14, 0},
    [C_MODE] = {"handling_mode", 12, 0},
    [C_LEAD_UNITS] = {"lead_units", 40, 0},
    [C_CO_UNITS] = {"co_units", 40, 0},
    [C_CREATED] = {"created_at", 0, 1},
    [C_ASSIGNED] = {"assigned_at", 0, 1},
    [C_DUE] = {"due_at", 0, 1},
    [C_OVERDUE] = {"overdue", 8, 0},
    [C_KEY] = {"key_supervision", 10, 0},
    [C_REPLY_UNIT] = {"reply_unit", 30, 0},
    [C_DOC_NO] = {"doc_no", 24, 0},
    [C_REPLIED] = {"replied_at", 0, 1},
    [C_REPLY_CATEGORY] = {"reply_category", 10, 0},
    [C_SATISFACTION] = {"satisfaction", 10, 0},
};

/* The width of a date column ("2026-03-15" and some air). */
#define DATE_WIDTH 12.0
/* Sheet 统计's columns: B holds the figures; A, its labels, is as wide as
 * the widest of them (a unit's name, a workflow's state), at least
 * FIG_LABEL_MIN_WIDTH and at most FIG_LABEL_MAX_WIDTH, the most that
 * prints beside B on A4 upright between Excel's default margins (about
 * 40 Chinese characters). */
#define FIG_VALUE_WIDTH 12.0
#define FIG_LABEL_MIN_WIDTH 10
#define FIG_LABEL_MAX_WIDTH 80.0
/* Excel refuses a cell of more than 32,767 characters, counted as UTF-16
 * (a character beyond U+FFFF, as in some rare names, counts two), and
 * libxlsxwriter refuses one of more than 32,767 code points. */
#define CELL_MAX 32767
/* What ends a cell cut to that size, so that nobody takes it for whole. */
#define CELL_CUT "……（内容过长，以下从略）"

/* One export in progress. */
typedef struct {
    const ptrack_host_t *h;
    ptrack_job_t *job;
    pt_wf_t wf; /* the running workflow's state labels and order */
    pt_zone_t zone;
    lxw_workbook *wb;
    lxw_worksheet *rows, *figs;
    lxw_format *bold, *date, *percent;
    lxw_row_t row; /* the next row of sheet 建议 */
    size_t width[N_COLUMNS];
    size_t fig_label_width; /* the widest label of sheet 统计 (its column A) */
    pt_view_t view;
    pt_figures_t fig;
    lxw_error lerr;  /* the first libxlsxwriter error */
    int lerrno;      /*   errno right after it */
    const char *dir; /* the temporary directory */
} run_t;

static void note(run_t *r, lxw_error e)
{
    if (e != LXW_NO_ERROR && r->lerr == LXW_NO_ERROR) {
        r->lerr = e;
        r->lerrno = errno;
    }
}

/* Says why the workbook could not be written (temp-file.h). Returns the
 * code to return. */
static int write_failed(const run_t *r, int err, const char *what)
{
    return pt_temp_failed(r->h, r->job, r->dir, "the workbook's temporary files", err, what);
}

/* Whether s starts with an escape as OOXML reads it in cell text: "_x",
 * four hexadecimal digits, "_" (libxlsxwriter writes control characters
 * so). */
static int ooxml_escape_at(const char *s)
{
    if (s[0] != '_' || s[1] != 'x')
        return 0;
    for (int i = 2; i < 6; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return s[6] == '_';
}

/* Whether s starts with U+FFFE or U+FFFF, which are valid UTF-8 but not
 * characters XML 1.0 allows: written as they are, they make the sheet's
 * XML malformed and the whole workbook unreadable. */
static int xml_nonchar_at(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    return u[0] == 0xEF && u[1] == 0xBF && (u[2] == 0xBE || u[2] == 0xBF);
}

/* The size of the UTF-8 sequence that starts with c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* The text as a cell must hold it: a literal "_x0041_" in it is written
 * "_x005F_x0041_" (an escaped "_" and the rest), or Excel and WPS would
 * show "A"; U+FFFE and U+FFFF are written as the escapes "_xFFFE_" and
 * "_xFFFF_", which Excel reads back as them; and a text longer than
 * CELL_MAX characters is cut, at a character and never inside such an
 * added escape, and ends with CELL_CUT. Characters are counted as both
 * Excel and libxlsxwriter would, the larger of the two: a character beyond
 * U+FFFF two, an added escape its code points. NULL when it needs neither
 * (write text as it is) or on no memory (*oom set). */
static char *cell_string(const char *text, int *oom)
{
    size_t len = strlen(text), extra = 0, units = 0;
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (ooxml_escape_at(p)) {
            extra += 6;
            units += 6;
        } else if (xml_nonchar_at(p)) {
            extra += 4; /* 7 bytes for 3 */
            units += 6;
        }
        /* Each character once, at its first byte; four bytes are two. */
        if ((c & 0xC0) != 0x80)
            units += c >= 0xF0 ? 2 : 1;
    }
    if (extra == 0 && units <= CELL_MAX)
        return NULL;
    int cut = units > CELL_MAX;
    /* The room for the text, in units, when it is cut: CELL_CUT is all
     * in the Basic Multilingual Plane, a unit a code point. */
    size_t room = cut ? CELL_MAX - (sizeof(CELL_CUT) - 1) / 3 : CELL_MAX;
    char *out = malloc(len + extra + sizeof(CELL_CUT));
    if (!out) {
        *oom = 1;
        return NULL;
    }
    size_t n = 0, used = 0;
    const char *p = text;
    while (*p) {
        /* What is written before the character's bytes, how many of
         * those, and what it costs in units. */
        const char *pre = "";
        size_t step = seq_len((unsigned char)*p), copy, cost;
        if (ooxml_escape_at(p)) {
            /* Only its "_" is escaped: its last "_" may begin another
             * ("_x0041_x0042_"). */
            pre = "_x005F";
            step = copy = 1;
            cost = 7;
        } else if (xml_nonchar_at(p)) {
            pre = (unsigned char)p[2] == 0xBE ? "_xFFFE_" : "_xFFFF_";
            copy = 0;
            cost = 7;
        } else {
            for (size_t i = 1; i < step; i++)
                if (!p[i])
                    step = i; /* a cut sequence: as many bytes as there are */
            copy = step;
            cost = step == 4 ? 2 : 1;
        }
        if (used + cost > room)
            break;
        size_t add = strlen(pre);
        memcpy(out + n, pre, add);
        memcpy(out + n + add, p, copy);
        n += add + copy;
        used += cost;
        p += step;
    }
    if (cut) {
        memcpy(out + n, CELL_CUT, sizeof(CELL_CUT) - 1);
        n += sizeof(CELL_CUT) - 1;
    }
    out[n] = '\0';
    return out;
}

static void cell_text(run_t *r, lxw_worksheet *ws, lxw_row_t row, column_t col, const char *text,
                      lxw_format *fmt)
{
    if (!text || !*text)
        return;
    size_t *widest = ws == r->rows ? &r->width[col] : col == 0 ? &r->fig_label_width : NULL;
    if (widest) {
        size_t w = pt_utf8_width(text);
        if (w > *widest)
            *widest = w;
    }
    int oom = 0;
    char *s = cell_string(text, &oom);
    if (oom) {
        note(r, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    note(r, worksheet_write_string(ws, row, col, s ? s : text, fmt));
    free(s);
}

/* Writes a time as an Excel date: days since 1899-12-30 in the zone, the
 * time of day as the fraction, shown with the date format. */
static void cell_date(run_t *r, lxw_row_t row, column_t col, const char *time)
{
    int64_t ms, clock;
    if (pt_time_read(r->h, time, &ms) != 0 || pt_zone_clock(r->h, &r->zone, ms, &clock) != 0) {
        cell_text(r, r->rows, row, col, time, NULL);
        return;
    }
    /* In whole seconds, the milliseconds dropped: the date format shows
     * none of them. */
    int64_t secs = clock / 1000 - (clock % 1000 < 0);
    double serial = (double)secs / 86400.0 + 25569.0;
    note(r, worksheet_write_number(r->rows, row, col, serial, r->date));
}

static void write_header(run_t *r)
{
    for (int c = 0; c < N_COLUMNS; c++) {
        cell_text(r, r->rows, 0, (column_t)c, pt_field_brief(columns[c].field), r->bold);
    }
    r->row = 1;
}

static void write_row(run_t *r)
{
    const pt_view_t *v = &r->view;
    lxw_row_t row = r->row++;
    char *end;
    long long id = v->id ? strtoll(v->id, &end, 10) : 0;
    if (v->id && *end == '\0') {
        note(r, worksheet_write_number(r->rows, row, C_ID, (double)id, NULL));
        if (strlen(v->id) > r->width[C_ID])
            r->width[C_ID] = strlen(v->id);
    } else {
        cell_text(r, r->rows, row, C_ID, v->id, NULL);
    }
    cell_text(r, r->rows, row, C_NUMBER, v->number, NULL);
    cell_text(r, r->rows, row, C_TITLE, v->title, NULL);
    cell_text(r, r->rows, row, C_KIND, pt_kind_label(v->kind), NULL);
    cell_text(r, r->rows, row, C_SESSION, v->session, NULL);
    cell_text(r, r->rows, row, C_DELEGATION, v->delegation, NULL);
    cell_text(r, r->rows, row, C_LEAD_AUTHOR, v->lead_author, NULL);
    cell_text(r, r->rows, row, C_CO_SIGNERS, pt_str_get(&v->co_signers), NULL);
    cell_text(r, r->rows, row, C_CATEGORY, v->category, NULL);
    cell_text(r, r->rows, row, C_STATUS, pt_wf_state_label(&r->wf, v->status), NULL);
    cell_text(r, r->rows, row, C_MODE, v->mode ? pt_label_zh(pt_mode_labels, v->mode) : NULL, NULL);
    cell_text(r, r->rows, row, C_LEAD_UNITS, pt_str_get(&v->lead_units), NULL);
    cell_text(r, r->rows, row, C_CO_UNITS, pt_str_get(&v->co_units), NULL);
    cell_date(r, row, C_CREATED, v->created_at);
    cell_date(r, row, C_ASSIGNED, v->assigned_at);
    cell_date(r, row, C_DUE, v->due_at);
    cell_text(r, r->rows, row, C_OVERDUE, v->overdue ? "超期" : NULL, NULL);
    cell_text(r, r->rows, row, C_KEY, v->key_supervision ? "是" : NULL, NULL);
    cell_text(r, r->rows, row, C_REPLY_UNIT, v->reply_unit, NULL);
    cell_text(r, r->rows, row, C_DOC_NO, v->reply_doc_no, NULL);
    cell_date(r, row, C_REPLIED, v->replied_at);
    cell_text(r, r->rows, row, C_REPLY_CATEGORY, v->reply_category, NULL);
    cell_text(r, r->rows, row, C_SATISFACTION, pt_satisfaction_label(v->satisfaction), NULL);
}

/* Column widths in Excel's units (about one narrow character each), the
 * freeze and the autofilter: settings written out at workbook_close. */
static void finish_rows(run_t *r)
{
    for (int c = 0; c < N_COLUMNS; c++) {
        double w = columns[c].date ? DATE_WIDTH : (double)r->width[c] + 2;
        if (columns[c].max_width && w > columns[c].max_width)
            w = columns[c].max_width;
        note(r, worksheet_set_column(r->rows, (lxw_col_t)c, (lxw_col_t)c, w, NULL));
    }
    worksheet_freeze_panes(r->rows, 1, 0);
    note(r, worksheet_autofilter(r->rows, 0, 0, r->row - 1, N_COLUMNS - 1));
    /* Printed, as it is handed on: the header row on every page, the
     * cells' lines (a sheet has no borders of its own), A4 across. */
    note(r, worksheet_repeat_rows(r->rows, 0, 0));
    worksheet_gridlines(r->rows, LXW_SHOW_ALL_GRIDLINES);
    worksheet_set_landscape(r->rows);
    worksheet_set_paper(r->rows, 9);
}

static void fig_row(run_t *r, lxw_row_t *row, const char *label, int64_t n)
{
    cell_text(r, r->figs, *row, 0, label, NULL);
    note(r, worksheet_write_number(r->figs, *row, 1, (double)n, NULL));
    (*row)++;
}

static void fig_rate(run_t *r, lxw_row_t *row, const char *label, int64_t num, int64_t den)
{
    cell_text(r, r->figs, *row, 0, label, NULL);
    if (den > 0)
        /* The value the reports show (99.9% for 3,999 of 4,000), not one
         * a spreadsheet would round to 100.0%. */
        note(r, worksheet_write_number(r->figs, *row, 1, (double)pt_rate_tenths(num, den) / 1000.0,
                                       r->percent));
    else
        cell_text(r, r->figs, *row, 1, "—", NULL);
    (*row)++;
}

static void fig_heading(run_t *r, lxw_row_t *row, const char *a, const char *b)
{
    if (*row > 0)
        (*row)++; /* a blank row between sections */
    cell_text(r, r->figs, *row, 0, a, r->bold);
    cell_text(r, r->figs, *row, 1, b, r->bold);
    (*row)++;
}

/* Sheet 统计: the figures, section by section, in rows in order (constant
 * memory). A rate is a number with a percent format, or "—" when there is
 * nothing to divide by (as GET /v1/stats answers null). */
static int write_figures(run_t *r)
{
    const pt_figures_t *f = &r->fig;
    lxw_row_t row = 0;
    fig_heading(r, &row, "项目", "数值");
    pt_figure_line_t lines[PT_SUMMARY_LINES];
    pt_figures_summary(f, lines);
    for (size_t i = 0; i < PT_SUMMARY_LINES; i++) {
        if (lines[i].den < 0)
            fig_row(r, &row, lines[i].label, lines[i].num);
        else
            fig_rate(r, &row, lines[i].label, lines[i].num, lines[i].den);
    }

    fig_heading(r, &row, "状态", "件数");
    size_t *order = pt_tallies_order(&f->by_status, 0, &r->wf);
    if (f->by_status.n && !order)
        return PTRACK_ENOMEM;
    for (size_t i = 0; i < f->by_status.n; i++) {
        const pt_tally_t *t = &f->by_status.items[order[i]];
        fig_row(r, &row, pt_wf_state_label(&r->wf, t->name), t->count);
    }
    free(order);

    fig_heading(r, &row, "承办单位", "件数");
    order = pt_tallies_order(&f->by_unit, 1, &r->wf);
    if (f->by_unit.n && !order)
        return PTRACK_ENOMEM;
    for (size_t i = 0; i < f->by_unit.n; i++) {
        const pt_tally_t *t = &f->by_unit.items[order[i]];
        fig_row(r, &row, t->name, t->count);
    }
    free(order);

    fig_heading(r, &row, "办理结果", "件数");
    for (int c = 0; c < 4; c++) {
        char label[96];
        pt_category_label((char)('A' + c), label, sizeof(label));
        fig_row(r, &row, label, f->categories[c]);
    }
    size_t widest =
        r->fig_label_width > FIG_LABEL_MIN_WIDTH ? r->fig_label_width : FIG_LABEL_MIN_WIDTH;
    double label_width = (double)widest + 2;
    if (label_width > FIG_LABEL_MAX_WIDTH)
        label_width = FIG_LABEL_MAX_WIDTH;
    note(r, worksheet_set_column(r->figs, 0, 0, label_width, NULL));
    note(r, worksheet_set_column(r->figs, 1, 1, FIG_VALUE_WIDTH, NULL));
    /* Printed, a table with its lines, on A4 as sheet 建议. */
    worksheet_gridlines(r->figs, LXW_SHOW_ALL_GRIDLINES);
    worksheet_set_paper(r->figs, 9);
    return PTRACK_OK;
}

/* Sends the finished file with job_write. */
static int send_file(run_t *r, int fd)
{
    if (lseek(fd, 0, SEEK_SET) < 0) {
        r->h->set_error(r->job, "reading the workbook back: %s", strerror(errno));
        return PTRACK_ERROR;
    }
    char buf[64 * 1024];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r->h->set_error(r->job, "reading the workbook back: %s", strerror(errno));
            return PTRACK_ERROR;
        }
        if (n == 0)
            return PTRACK_OK;
        int rc = r->h->job_write(r->job, buf, (size_t)n);
        if (rc != PTRACK_OK)
            return rc;
    }
}

/* What add_row returns to end the walk after a libxlsxwriter error. */
#define STOP_WRITING 1

/* One proposal of the walk: counted and written as a row. */
static int add_row(void *ctx, const ptrack_record_t *rec)
{
    run_t *r = ctx;
    if (r->row >= LXW_ROW_MAX) {
        r->h->set_error(r->job,
                        "more than %d proposals: a sheet holds no more rows; narrow the "
                        "export with filters (status=, unit=, session=...)",
                        LXW_ROW_MAX - 1);
        return PTRACK_EINVAL;
    }
    if (pt_figures_add(&r->fig, &r->view, r->h, rec) != PTRACK_OK)
        return PTRACK_ENOMEM;
    write_row(r);
    return r->lerr != LXW_NO_ERROR ? STOP_WRITING : PTRACK_OK;
}

/* Streams the proposals into the workbook. Returns PTRACK_OK, or an error
 * with the message set. */
static int fill(run_t *r)
{
    write_header(r);
    int rc = pt_records_walk(r->h, r->job, &r->view, add_row, r);
    if (rc == PTRACK_ENOMEM) {
        r->h->set_error(r->job, "out of memory");
        return rc;
    }
    if (rc < 0)
        return rc;
    if (r->lerr == LXW_NO_ERROR) {
        finish_rows(r);
        if (write_figures(r) != PTRACK_OK) {
            r->h->set_error(r->job, "out of memory");
            return PTRACK_ENOMEM;
        }
    }
    if (r->lerr != LXW_NO_ERROR) {
        char what[160];
        snprintf(what, sizeof(what), "writing the workbook: %s", lxw_strerror(r->lerr));
        return write_failed(r, r->lerrno, what);
    }
    return PTRACK_OK;
}

/* Closes the temporary file a sheet of a constant_memory workbook keeps
 * its rows in until workbook_close copies them out. */
static void abandon_sheet(lxw_worksheet *ws)
{
    if (ws && ws->optimize_tmpfile) {
        /* The sheet writes its rows through file, which is that file
         * until workbook_close: neither may name it once it is closed. */
        if (ws->file == ws->optimize_tmpfile)
            ws->file = NULL;
        fclose(ws->optimize_tmpfile);
        ws->optimize_tmpfile = NULL;
    }
}

static int export(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const pt_plugin_state_t *ps = state;
    const ptrack_host_t *h = ps->host;
    run_t r = {.h = h, .job = job, .wf = {ps->host, ps->inst}};
    int zrc = pt_zone_arg(h, job, &r.zone);
    if (zrc != PTRACK_OK)
        return zrc;

    const char *dir = pt_temp_dir();
    char path[4096], tmpdir[4096];
    snprintf(tmpdir, sizeof(tmpdir), "%s", dir);
    if ((size_t)snprintf(path, sizeof(path), "%s/ptrack-xlsx-XXXXXX", dir) >= sizeof(path)) {
        h->set_error(job, "the temporary directory's name is too long: %s", dir);
        return PTRACK_ERROR;
    }
    r.dir = dir;
    int fd = mkstemp(path);
    if (fd < 0) {
        char what[PT_TEMP_WHAT_MAX];
        int err = errno;
        snprintf(what, sizeof(what), "cannot make a temporary file in %s: %s", dir, strerror(err));
        return write_failed(&r, err, what);
    }

    int rc = PTRACK_OK;
    lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir};
    errno = 0;
    r.wb = workbook_new_opt(path, &opts);
    /* The proposals' word: the figures' from the proposals themselves
     * (提案总数 in a CPPCC office's), the sheet's, named before they are
     * read, from the kind filter. */
    r.fig.kind = h->job_arg(job, "kind");
    r.fig.unit = h->job_arg(job, "unit");
    if (r.wb) {
        r.rows = workbook_add_worksheet(r.wb, pt_kind_noun(r.fig.kind));
        r.figs = workbook_add_worksheet(r.wb, "统计");
        r.bold = workbook_add_format(r.wb);
        r.date = workbook_add_format(r.wb);
        r.percent = workbook_add_format(r.wb);
    }
    if (!r.wb || !r.rows || !r.figs || !r.bold || !r.date || !r.percent) {
        char what[PT_TEMP_WHAT_MAX];
        snprintf(what, sizeof(what), "cannot start the workbook (out of memory or no room in %s)",
                 dir);
        rc = write_failed(&r, errno, what);
    } else {
        format_set_bold(r.bold);
        format_set_num_format(r.date, "yyyy-mm-dd");
        format_set_num_format(r.percent, "0.0%");
        rc = fill(&r);
        char title[64];
        snprintf(title, sizeof(title), "%s办理情况", pt_figures_noun(&r.fig));
        lxw_doc_properties props = {.title = title, .author = "ptrack"};
        workbook_set_properties(r.wb, &props);
    }

    if (rc == PTRACK_OK) {
        /* workbook_close writes the file and frees the workbook, also when
         * it fails. */
        errno = 0;
        lxw_error e = workbook_close(r.wb);
        int err = errno;
        r.wb = NULL;
        if (e != LXW_NO_ERROR) {
            char what[160];
            snprintf(what, sizeof(what), "writing the workbook: %s", lxw_strerror(e));
            rc = write_failed(&r, err, what);
        }
    } else if (r.wb) {
        /* Abandoned: free it without writing a file no one will read.
         * lxw_workbook_free leaves each sheet's temporary file of rows
         * (constant_memory) open, unlinked, with its rows on the disk
         * until ptrackd exits: they are closed first. */
        abandon_sheet(r.rows);
        abandon_sheet(r.figs);
        lxw_workbook_free(r.wb);
        r.wb = NULL;
    }
    if (rc == PTRACK_OK)
        rc = h->export_begin(job,
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             "proposals.xlsx");
    if (rc == PTRACK_OK)
        rc = send_file(&r, fd);
    close(fd);
    unlink(path);
    pt_view_free(&r.view);
    pt_figures_free(&r.fig);
    return rc;
}

static const char *const formats[] = {"xlsx", NULL};

/* The query parameters read with job_arg besides the list filters. */
static const char *const args[] = {"tz", NULL};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = formats,
    .export = export,
    .args = args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "export_xlsx",
    .version = "1.0",
    .description = "exports proposals as an Excel workbook: a sheet of proposals and one of "
                   "figures (args: tz)",
    .kinds = PTRACK_KIND_EXPORTER,
    .create = pt_plugin_state_create,
    .destroy = pt_plugin_state_destroy,
    .exporter = &exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

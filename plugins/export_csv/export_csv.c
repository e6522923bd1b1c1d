/*
 * export_csv.c - the built-in CSV exporter (format "csv").
 *
 * Writes what Excel and WPS open with the Chinese intact: UTF-8 with a BOM,
 * CRLF line ends, RFC 4180 quoting, one row per proposal, Chinese headers
 * (lang=en: the API's field names) and Chinese labels for status, kind,
 * submitter type, handling mode and satisfaction (lang=en: the names).
 * Times are written in the office's zone (tz=, else the daemon's local
 * zone) with their offset, "2026-03-15 09:00:00.250+08:00": local, as
 * people read them, and exact, as the importer reads them back.
 *
 * The columns are csv-columns.c's table, which the importer reads, and the
 * file is built so that importing it into an empty ptrack reproduces every
 * field (issue 4): lists are joined with 、 and recommendations numbered
 * （一）（二）, unless that text would not split back into the same items,
 * in which case the cell holds the list as a JSON array; units, replies,
 * feedback and custom are written readable (主办单位, 答复文号, ...) for
 * people and whole, as JSON, in the last four columns for the round trip.
 * 答复文号, 办理结果 and 答复时间 are those of the formal answer, the
 * latest reply that is not a supplementary one (补充答复), as the xlsx
 * sheet, the reports and GET /v1/stats count it, so that a pivot of
 * 办理结果 in a spreadsheet gives the same figures; a follow_up is in the
 * replies column with the others.
 * The id and merged_into are read back as where the proposal came from:
 * an import gives every proposal a new id and points a merge at the new
 * id of the proposal it names. Fields that an import assigns anew
 * (version) or computes (overdue) are written for people and not read
 * back.
 *
 * A cell that a spreadsheet would run as a formula (=HYPERLINK(...), -2+3)
 * is written with a leading ' (plugins/common/formula-guard.h), which the
 * importer takes off again; formulas=keep writes every cell as stored, for
 * programs that read the file.
 *
 * One row is built at a time in a buffer that is reused, so an export of
 * any size runs in flat memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ptrack/plugin.h>
#include "csv-columns.h"
#include "formula-guard.h"
#include "plugin-state.h"
#include "record-walk.h"
#include "times.h"

typedef struct {
    const ptrack_host_t *h;
    ptrack_job_t *job;
    pt_wf_t wf; /* the running workflow's state labels */
    const ptrack_record_t *rec;
    bool zh;
    bool guard;     /* a ' before cells that would be formulas */
    pt_zone_t zone; /* the zone times are written in */
    char time[64];  /* a time so written */
    pt_str_t cell;  /* the cell being made */
    pt_str_t row;   /* the row being made */
    char path[64];
} exp_t;

/* A time as people in the office read it: in the export's zone (tz=, else
 * the daemon's), with its offset, which the importer reads back exactly. */
static const char *local_time(exp_t *ex, const char *rfc3339)
{
    if (!rfc3339)
        return NULL;
    pt_zone_time(ex->h, &ex->zone, rfc3339, ex->time, sizeof(ex->time));
    return ex->time;
}

static const char *get(exp_t *ex, const char *fmt, const char *field, size_t i)
{
    snprintf(ex->path, sizeof(ex->path), fmt, field, i);
    return ex->h->rec_get(ex->rec, ex->path);
}

/* ---- Lists that split back exactly -------------------------------------- */

typedef struct {
    exp_t *ex;
    const char *field;
    size_t i, n;
    bool same;
} verify_t;

/* Compares each split item with the record's item of the same index. */
static int verify_item(void *ctx, const char *s, size_t n)
{
    verify_t *v = ctx;
    const char *want = v->i < v->n ? get(v->ex, "%s.%zu", v->field, v->i) : NULL;
    if (!want || strlen(want) != n || memcmp(want, s, n) != 0)
        v->same = false;
    v->i++;
    return v->same ? 0 : 1;
}

static bool splits_back(exp_t *ex, const char *field, size_t n, const char *text,
                        csv_col_kind_t kind)
{
    size_t len = strlen(text);
    /* The importer takes a cell that looks like a JSON array as one. */
    if (len >= 2 && text[0] == '[' && text[len - 1] == ']')
        return false;
    verify_t v = {ex, field, 0, n, true};
    if (kind == CC_RECS)
        csv_split_recommendations(text, len, verify_item, &v);
    else if (kind == CC_PEOPLE)
        csv_split_people(text, len, verify_item, &v);
    else
        csv_split_names(text, len, verify_item, &v);
    return v.same && v.i == n;
}

/* A list field: joined with 、 (names) or numbered （一）（二） on lines
 * (recommendations), or its JSON when that would not read back (a
 * co-signer stored as "张三 李四", which the importer reads as two). */
static void list_cell(exp_t *ex, const char *field, csv_col_kind_t kind)
{
    bool recs = kind == CC_RECS;
    pt_str_t *c = &ex->cell;
    size_t n = ex->h->rec_count(ex->rec, field);
    if (n == 0)
        return;
    /* A single ask is written as it is, which reads back when it holds
     * no numbering and no line break. */
    if (recs && n == 1) {
        const char *s = get(ex, "%s.%zu", field, 0);
        pt_str_puts(c, s ? s : "");
        if (s && splits_back(ex, field, n, c->p, kind))
            return;
        c->len = 0;
    }
    for (size_t i = 0; i < n; i++) {
        const char *s = get(ex, "%s.%zu", field, i);
        if (!s)
            break;
        if (recs) {
            char marker[32];
            if (!csv_recs_marker((int)i + 1, marker, sizeof(marker)))
                break;
            pt_str_puts(c, i ? "\n" : "");
            pt_str_puts(c, marker);
        } else if (i) {
            pt_str_puts(c, "、");
        }
        pt_str_puts(c, s);
    }
    if (c->p && !c->oom && splits_back(ex, field, n, c->p, kind))
        return;
    c->len = 0;
    size_t len;
    const char *json = ex->h->rec_json(ex->rec, field, &len);
    if (json)
        pt_str_append(c, json, len);
}

/* The names of the units whose role is one of roles, joined with 、. */
static void units_cell(exp_t *ex, const char *role1, const char *role2)
{
    size_t n = ex->h->rec_count(ex->rec, "units");
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        const char *role = get(ex, "%s.%zu.role", "units", i);
        const char *name = get(ex, "%s.%zu.name", "units", i);
        if (!role || !name || (strcmp(role, role1) != 0 && strcmp(role, role2) != 0))
            continue;
        pt_str_puts(&ex->cell, first ? "" : "、");
        pt_str_puts(&ex->cell, name);
        first = false;
    }
}

/* JSON of an array or object field, left empty when it has nothing. */
static void json_cell(exp_t *ex, const char *field)
{
    if (ex->h->rec_count(ex->rec, field) == 0)
        return;
    size_t len;
    const char *json = ex->h->rec_json(ex->rec, field, &len);
    if (json)
        pt_str_append(&ex->cell, json, len);
}

static void bool_cell(exp_t *ex, const char *v)
{
    if (!v)
        return;
    bool yes = strcmp(v, "true") == 0;
    pt_str_puts(&ex->cell, ex->zh ? (yes ? "是" : "否") : (yes ? "true" : "false"));
}

static void make_cell(exp_t *ex, const csv_column_t *col)
{
    const ptrack_host_t *h = ex->h;
    const char *v = NULL;
    ex->cell.len = 0;
    switch (col->kind) {
    case CC_IGNORE:
        if (strcmp(col->key, "overdue") == 0)
            bool_cell(ex, h->rec_get(ex->rec, "overdue"));
        else
            v = h->rec_get(ex->rec, col->key);
        break;
    case CC_ID:
    case CC_MERGED_INTO:
    case CC_TEXT:
    case CC_NAME:
        v = h->rec_get(ex->rec, col->path);
        break;
    case CC_TIME:
        v = local_time(ex, h->rec_get(ex->rec, col->path));
        break;
    case CC_ENUM:
        v = h->rec_get(ex->rec, col->path);
        if (v && ex->zh)
            v = col->labels == pt_status_labels ? pt_wf_state_label(&ex->wf, v)
                                                : pt_label_zh(col->labels, v);
        break;
    case CC_BOOL:
        bool_cell(ex, h->rec_get(ex->rec, col->path));
        break;
    case CC_LIST:
    case CC_PEOPLE:
    case CC_RECS:
        list_cell(ex, col->path, col->kind);
        break;
    case CC_LEAD_UNITS:
        units_cell(ex, "lead", "separate");
        break;
    case CC_CO_UNITS:
        units_cell(ex, "co", "co");
        break;
    case CC_DOC_NO:
        v = pt_record_answer(ex->h, ex->rec, "doc_no");
        break;
    case CC_REPLY_CAT:
        v = pt_record_answer(ex->h, ex->rec, "category");
        break;
    case CC_REPLIED_AT:
        v = local_time(ex, pt_record_answer(ex->h, ex->rec, "replied_at"));
        break;
    case CC_SATISFACTION:
        v = pt_record_last(ex->h, ex->rec, "feedback", "satisfaction");
        if (v && ex->zh)
            v = pt_label_zh(pt_satisfaction_labels, v);
        break;
    case CC_SOURCE_FORMAT:
        v = h->rec_get(ex->rec, "source.format");
        break;
    case CC_SOURCE_REF:
        v = h->rec_get(ex->rec, "source.ref");
        break;
    case CC_JSON_UNITS:
        json_cell(ex, "units");
        break;
    case CC_JSON_REPLIES:
        json_cell(ex, "replies");
        break;
    case CC_JSON_FEEDBACK:
        json_cell(ex, "feedback");
        break;
    case CC_JSON_CUSTOM:
        json_cell(ex, "custom");
        break;
    }
    if (v)
        pt_str_puts(&ex->cell, v);
}

/* Appends the cell to the row, after a ' when guard is set, quoted when
 * it holds a comma, a quote, a line break, or white space at an end (which
 * spreadsheets would trim). */
static void put_cell(pt_str_t *row, const char *s, size_t n, bool guard)
{
    bool quote = n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r' || s[i] == ';';
    if (quote)
        pt_str_append(row, "\"", 1);
    if (guard)
        pt_str_append(row, "'", 1);
    if (!quote) {
        pt_str_append(row, s, n);
        return;
    }
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            pt_str_append(row, s + run, i + 1 - run);
            pt_str_append(row, "\"", 1);
            run = i + 1;
        }
    }
    pt_str_append(row, s + run, n - run);
    pt_str_append(row, "\"", 1);
}

/* One proposal of the walk: its row, written. */
static int write_row(void *ctx, const ptrack_record_t *rec)
{
    exp_t *ex = ctx;
    ex->rec = rec;
    ex->row.len = 0;
    for (const csv_column_t *c = csv_columns; c->key; c++) {
        if (c != csv_columns)
            pt_str_append(&ex->row, ",", 1);
        make_cell(ex, c);
        const char *s = ex->cell.p ? ex->cell.p : "";
        put_cell(&ex->row, s, ex->cell.len, ex->guard && pt_formula_needs_guard(s, ex->cell.len));
    }
    pt_str_append(&ex->row, "\r\n", 2);
    if (ex->row.oom || ex->cell.oom)
        return PTRACK_ENOMEM;
    return ex->h->job_write(ex->job, ex->row.p, ex->row.len);
}

static int export_csv(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const ptrack_host_t *h = ((const pt_plugin_state_t *)state)->host;
    /* zh, en, and their regional spellings (zh-CN, en_US, EN). */
    const char *lang = h->job_arg(job, "lang");
    bool zh = true;
    if (lang && *lang) {
        bool is_zh =
            strncasecmp(lang, "zh", 2) == 0 && (!lang[2] || lang[2] == '-' || lang[2] == '_');
        bool is_en =
            strncasecmp(lang, "en", 2) == 0 && (!lang[2] || lang[2] == '-' || lang[2] == '_');
        if (!is_zh && !is_en) {
            h->set_error(job,
                         "lang: \"%s\" must be zh (Chinese headers and labels, the default) or "
                         "en (the API's field names)",
                         lang);
            return PTRACK_EBADARG;
        }
        zh = is_zh;
    }
    /* formulas=guard (the default) or keep. */
    const char *formulas = h->job_arg(job, "formulas");
    if (formulas && *formulas && strcmp(formulas, "guard") != 0 && strcmp(formulas, "keep") != 0) {
        h->set_error(job,
                     "formulas: \"%s\" must be guard (a ' before cells that spreadsheets would "
                     "run as formulas, the default) or keep (every cell as stored)",
                     formulas);
        return PTRACK_EBADARG;
    }
    bool guard = !formulas || strcmp(formulas, "keep") != 0;
    pt_zone_t zone;
    int zrc = pt_zone_arg(h, job, &zone);
    if (zrc != PTRACK_OK)
        return zrc;
    exp_t ex = {.h = h,
                .zone = zone,
                .job = job,
                .wf = {h, ((const pt_plugin_state_t *)state)->inst},
                .zh = zh,
                .guard = guard};
    if (h->export_begin(job, "text/csv; charset=utf-8", "proposals.csv") != PTRACK_OK)
        return PTRACK_ERROR;
    /* The BOM is what makes Excel read the file as UTF-8 rather than in
     * the system's code page. */
    pt_str_append(&ex.row, "\xEF\xBB\xBF", 3);
    for (const csv_column_t *c = csv_columns; c->key; c++) {
        if (c != csv_columns)
            pt_str_append(&ex.row, ",", 1);
        const char *hd = ex.zh ? csv_column_zh(c) : c->key;
        put_cell(&ex.row, hd, strlen(hd), false);
    }
    pt_str_append(&ex.row, "\r\n", 2);
    int rc = ex.row.oom ? PTRACK_ENOMEM : h->job_write(job, ex.row.p, ex.row.len);
    if (rc == PTRACK_OK)
        rc = pt_records_walk(h, job, NULL, write_row, &ex);
    if (rc == PTRACK_ENOMEM)
        h->set_error(job, "out of memory writing the CSV file");
    pt_str_free(&ex.cell);
    pt_str_free(&ex.row);
    return rc == 0 ? PTRACK_OK : rc;
}

static const char *const formats[] = {"csv", NULL};

/* The query parameters read with job_arg besides the list filters. */
static const char *const args[] = {"lang", "formulas", "tz", NULL};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = formats,
    .export = export_csv,
    .args = args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "export_csv",
    .version = "1.0",
    .description = "exports proposals as CSV for Excel and WPS (UTF-8 with BOM, CRLF; lang=zh "
                   "or en; cells that would be formulas behind a ', formulas=keep for none; times "
                   "in the local zone or tz=); the CSV importer reads it back",
    .kinds = PTRACK_KIND_EXPORTER,
    .create = pt_plugin_state_create,
    .destroy = pt_plugin_state_destroy,
    .exporter = &exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

/*
 * cmd-stats.c - `ptrack stats`: the figures an office reports.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "filters.h"
#include "json.h"
#include "labels.h"
#include "table.h"
#include "width.h"

static const pt_opt_t opts[] = {
    PT_FILTER_OPTS,
    {0},
};

static void rate_cell(pt_table_t *t, const cJSON *stats, const char *key)
{
    const cJSON *v = pt_json_get(stats, key);
    /* The daemon sends null when there is nothing to divide by (no proposal
     * assigned yet): that is "no figure", not 0%. */
    if (cJSON_IsNumber(v)) {
        /* The rule of the reports (plugins/common/figures.c, pt_rate_text),
         * so that the figures agree: rounded half up to one decimal (4 of 6
         * is 66.7%), except that only all is 100.0% and only none is 0.0%
         * (19,999 of 20,000 is 99.9%, 1 of 20,000 is 0.1%). The daemon sends
         * ten digits; the small term keeps a half that binary cannot hold
         * exactly (0.1445) from rounding down. */
        double r = v->valuedouble;
        double tenths = floor(r * 1000.0 + 0.5 + 1e-6);
        if (tenths >= 1000.0 && r < 1.0)
            tenths = 999.0;
        else if (tenths <= 0.0 && r > 0.0)
            tenths = 1.0;
        pt_table_cellf(t, 1, "%.1f%%", tenths / 10.0);
    } else
        pt_table_cell(t, 1, "-");
}

/* Makes a section's table (printed at an indent of 2) fit LINE_WIDTH: a
 * name too long for what its count leaves of the line (a unit's full
 * name, a delegation's, an office's own category or state) wraps in its
 * column, on lines below its row, the count on the first. It is never
 * cut: it is what --unit or --delegation takes, as it stands. */
static void fit_names(pt_table_t *t)
{
    size_t others = 2 + 2 + pt_table_width(t, 1), line = pt_out_width();
    if (others + pt_table_width(t, 0) > line && others < line)
        pt_table_set_wrap(t, 0, line - others);
}

typedef struct {
    const char *name;
    double count;
} entry_t;

static int by_count(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->name, y->name);
}

/* Prints one "by_*" object as a section: largest first, so the units with
 * the most proposals are at the top of the page. */
static void print_counts(const char *title, const cJSON *obj)
{
    size_t n = (size_t)cJSON_GetArraySize(obj), i = 0;
    const cJSON *it;
    if (!cJSON_IsObject(obj) || n == 0)
        return;
    entry_t *e = pt_xmalloc(n * sizeof *e);
    cJSON_ArrayForEach(it, obj)
    {
        e[i].name = it->string;
        e[i].count = cJSON_IsNumber(it) ? it->valuedouble : 0;
        i++;
    }
    qsort(e, n, sizeof *e, by_count);
    pt_table_t *t = pt_table_new(2, NULL);
    pt_table_set_right(t, 1);
    for (i = 0; i < n; i++) {
        pt_table_row(t);
        pt_table_cell(t, 0, *e[i].name ? e[i].name : "(未填 none)");
        pt_table_cellf(t, 1, "%.0f", e[i].count);
    }
    fit_names(t);
    printf("\n%s\n", title);
    pt_table_print(t, stdout, 2);
    pt_table_free(t);
    free(e);
}

/* by_status goes in the workflow's own order (draft, submitted, ...,
 * closed), which is how people read a pipeline; states the workflow does not
 * know follow at the end. */
static void print_by_status(pt_cli_t *cli, const cJSON *obj)
{
    const cJSON *wf = pt_cli_workflow(cli);
    const cJSON *it;
    if (!cJSON_IsObject(obj) || cJSON_GetArraySize(obj) == 0)
        return;
    pt_table_t *t = pt_table_new(2, NULL);
    pt_table_set_right(t, 1);
    cJSON_ArrayForEach(it, pt_json_get(wf, "states"))
    {
        const char *name = pt_json_str(it, "name");
        const cJSON *v = name ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
        if (!cJSON_IsNumber(v))
            continue;
        pt_table_row(t);
        pt_table_cellf(t, 0, "%s %s", pt_label_state(cli, name), name);
        pt_table_cellf(t, 1, "%.0f", v->valuedouble);
    }
    cJSON_ArrayForEach(it, obj)
    {
        bool known = false;
        const cJSON *s;
        cJSON_ArrayForEach(s, pt_json_get(wf, "states"))
        {
            const char *name = pt_json_str(s, "name");
            if (name && strcmp(name, it->string) == 0)
                known = true;
        }
        if (known)
            continue;
        pt_table_row(t);
        pt_table_cell(t, 0, it->string);
        pt_table_cellf(t, 1, "%.0f", cJSON_IsNumber(it) ? it->valuedouble : 0);
    }
    fit_names(t);
    printf("\n按状态 by status\n");
    pt_table_print(t, stdout, 2);
    pt_table_free(t);
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    pt_response_t resp;
    char *query = NULL;
    if (pt_filters_query(cli, args, &query) != PT_EXIT_OK) {
        free(query);
        return PT_EXIT_USAGE;
    }
    pt_buf_t path = {0};
    pt_buf_printf(&path, "/v1/stats%s", query ? query : "");
    free(query);
    int rc = pt_cli_call(cli, "GET", pt_buf_str(&path), NULL, NULL, &resp, NULL);
    pt_buf_free(&path);
    if (rc != PT_EXIT_OK || cli->json) {
        if (rc == PT_EXIT_OK)
            pt_json_print(resp.json, stdout);
        pt_response_free(&resp);
        return rc;
    }
    const cJSON *s = resp.json;
    pt_table_t *t = pt_table_new(2, NULL);
    pt_table_set_right(t, 1);
    pt_table_row(t);
    pt_table_cell(t, 0, "总数 total");
    pt_table_cellf(t, 1, "%.0f", pt_json_num(s, "total", 0));
    pt_table_row(t);
    pt_table_cell(t, 0, "逾期 overdue");
    pt_table_cellf(t, 1, "%.0f", pt_json_num(s, "overdue", 0));
    pt_table_row(t);
    pt_table_cell(t, 0, "7日内到期 due within 7 days");
    pt_table_cellf(t, 1, "%.0f", pt_json_num(s, "due_within_7d", 0));
    pt_table_row(t);
    pt_table_cell(t, 0, "办复率 reply rate");
    rate_cell(t, s, "reply_rate");
    pt_table_row(t);
    pt_table_cell(t, 0, "满意率 satisfaction rate");
    rate_cell(t, s, "satisfaction_rate");
    pt_table_print(t, stdout, 0);
    pt_table_free(t);

    const cJSON *cats = pt_json_get(s, "reply_categories");
    if (cJSON_IsObject(cats)) {
        static const char *const letters[] = {"A", "B", "C", "D"};
        pt_table_t *c = pt_table_new(3, NULL);
        pt_table_set_right(c, 2);
        for (size_t i = 0; i < 4; i++) {
            pt_table_row(c);
            pt_table_cell(c, 0, letters[i]);
            pt_table_cell(c, 1, pt_label_reply_category(letters[i]));
            pt_table_cellf(c, 2, "%.0f", pt_json_num(cats, letters[i], 0));
        }
        printf("\n答复类别 reply categories\n");
        pt_table_print(c, stdout, 2);
        pt_table_free(c);
    }
    print_by_status(cli, pt_json_get(s, "by_status"));
    print_counts("按承办单位 by unit", pt_json_get(s, "by_unit"));
    print_counts("按类别 by category", pt_json_get(s, "by_category"));
    print_counts("按代表团 by delegation", pt_json_get(s, "by_delegation"));
    print_counts("逾期按承办单位 overdue by unit", pt_json_get(s, "overdue_by_unit"));
    pt_response_free(&resp);
    return PT_EXIT_OK;
}

const pt_command_t pt_cmd_stats = {
    .name = "stats",
    .summary = "show the figures: counts by status, unit, category, delegation; rates",
    .description =
        "Asks GET /v1/stats and prints the totals, the overdue count, the reply rate\n"
        "(办复率) and satisfaction rate (满意率), the A/B/C/D reply categories, and counts\n"
        "by status (in workflow order), by unit, by category and by delegation, and each\n"
        "unit's overdue proposals (largest first; in separate mode, 分办, a unit that has\n"
        "answered is not late on it). A rate shows \"-\" when there is nothing to divide\n"
        "by yet. The filters (the same as list's) give the figures of the proposals that\n"
        "match: --session for one session's, --unit for a unit's, --person for a\n"
        "delegate's. A unit's reply rate and categories count its own replies (in\n"
        "separate mode its own reply and category; none where it is the co unit).\n",
    .opts = opts,
    .run = run,
};

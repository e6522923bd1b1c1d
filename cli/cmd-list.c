/*
 * cmd-list.c - `ptrack list`: proposals as a table, filtered and sorted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "filters.h"
#include "json.h"
#include "labels.h"
#include "table.h"
#include "times.h"
#include "width.h"

/* Without --width, titles take what the other columns leave of a line of
 * LINE_WIDTH columns, and at least MIN_TITLE_WIDTH. */
#define MIN_TITLE_WIDTH 20
/* The 编号 is cut past NUMBER_WIDTH columns; it, the delegation and the
 * units are cut down to MIN_CUT_WIDTH when the line needs it. */
#define NUMBER_WIDTH 16
#define MIN_CUT_WIDTH 8

static const pt_opt_t opts[] = {
    PT_FILTER_OPTS,
    {"sort", PT_OPT_VALUE, "KEY",
     "id, created_at, updated_at or due_at; a leading - reverses (default: id)"},
    {"limit", PT_OPT_VALUE, "N", "at most N per page, 1..500 (default 50)"},
    {"cursor", PT_OPT_VALUE, "C", "continue from where the previous page ended"},
    {"all", PT_OPT_FLAG, NULL, "follow the pages to the end (pages of 500 without --limit)"},
    {"width", PT_OPT_VALUE, "N",
     "cut titles to N columns (default: what fits a line of 100 columns or a narrower terminal, at "
     "least 20)"},
    {0},
};

/* The pages --all asks for when --limit does not say: the most ptrackd
 * gives. The table is the same whatever the pages, and each page costs a
 * search or a seek of its own: 15,000 proposals with a tag took 11 s in
 * pages of the default 50, and 0.9 s in pages of 500. */
#define ALL_PAGE_LIMIT "500"

/* The ids --all has shown, so that a proposal met again on a later page is
 * left out: pages are keyset pages, and one that changes while they are
 * followed (sorted by updated_at, or by due_at as its deadline moves) can
 * come after the cursor again (api.md). An open-addressed set; ids are
 * positive, 0 marks a free slot. */
typedef struct {
    long long *slot;
    size_t cap, n; /* cap: a power of two, or 0 */
} id_set_t;

/* Adds id to s. Returns false when it was there already. */
static bool id_set_add(id_set_t *s, long long id)
{
    if ((s->n + 1) * 2 > s->cap) {
        id_set_t big = {pt_xmalloc((s->cap ? s->cap * 2 : 256) * sizeof *big.slot),
                        s->cap ? s->cap * 2 : 256, 0};
        memset(big.slot, 0, big.cap * sizeof *big.slot);
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i])
                id_set_add(&big, s->slot[i]);
        free(s->slot);
        *s = big;
    }
    size_t i = (size_t)((unsigned long long)id * 0x9E3779B97F4A7C15ULL >> 7) & (s->cap - 1);
    for (; s->slot[i]; i = (i + 1) & (s->cap - 1))
        if (s->slot[i] == id)
            return false;
    s->slot[i] = id;
    s->n++;
    return true;
}

/* Builds the query string from the filter options; the cursor is added per
 * page. Returns 0 or a usage exit code. */
static int build_query(pt_cli_t *cli, const pt_args_t *args, char **q)
{
    const char *v;
    long long n;

    if (pt_filters_query(cli, args, q) != PT_EXIT_OK)
        return PT_EXIT_USAGE;
    if ((v = pt_args_value(args, "sort")))
        pt_client_query_add(q, "sort", v);
    if ((v = pt_args_value(args, "limit"))) {
        /* Folded, as every number a person types (１００ is 100). */
        const char *folded = pt_input_fold(cli, v);
        if (pt_args_int(folded, &n) != 0 || n < 1 || n > 500)
            return pt_cli_usage(cli, "--limit takes a number from 1 to 500, not \"%s\"", v);
        pt_client_query_add(q, "limit", folded);
    } else if (pt_args_flag(args, "all")) {
        pt_client_query_add(q, "limit", ALL_PAGE_LIMIT);
    }
    return PT_EXIT_OK;
}

static void add_row(pt_cli_t *cli, pt_table_t *t, const cJSON *p, bool part)
{
    const cJSON *u;
    pt_buf_t units = {0};
    char due[32];
    size_t due_col = part ? 7 : 6;

    pt_table_row(t);
    pt_table_cellf(t, 0, "%.0f", pt_json_num(p, "id", 0));
    pt_table_cell(t, 1, pt_json_str(p, "number"));
    pt_table_cell(t, 2, pt_label_state(cli, pt_json_str(p, "status")));
    pt_table_cell(t, 3, pt_json_str(p, "title"));
    pt_table_cell(t, 4, pt_json_str(p, "delegation"));
    /* The lead unit first, then the others in the order they were given
     * (the daemon keeps the order of the assign). */
    for (int lead = 1; lead >= 0; lead--) {
        cJSON_ArrayForEach(u, pt_json_get(p, "units"))
        {
            const char *name = pt_json_str(u, "name");
            const char *role = pt_json_str(u, "role");
            bool is_lead = role && strcmp(role, "lead") == 0;
            if (name && is_lead == (lead == 1))
                pt_buf_printf(&units, "%s%s", units.len ? "、" : "", name);
        }
    }
    pt_table_cell(t, 5, pt_buf_str(&units));
    pt_buf_free(&units);
    if (part) {
        pt_buf_t mine = {0};
        pt_label_unit_part(p, &mine);
        pt_table_cell(t, 6, pt_buf_str(&mine));
        pt_buf_free(&mine);
    }
    /* A deadline that does not run (closed, returned) is none to keep:
     * left empty, as ptrack do leaves it. */
    const char *status = pt_json_str(p, "status");
    if (!pt_state_clock_runs(cli, status))
        return;
    pt_time_show(pt_json_str(p, "due_at"), PT_TIME_DATE, due, sizeof due);
    if (pt_json_bool(p, "overdue", false))
        pt_table_cellf(t, due_col, "%s 逾期", due);
    else
        pt_table_cell(t, due_col, due);
}

/* The table: with 本单位 (the unit's own part) when the list is a unit's,
 * which its first item tells (unit_part). Titles are cut to width, or,
 * when it is 0, to what fits a line of LINE_WIDTH columns. */
static pt_table_t *list_table(long long width, bool part)
{
    static const char *const header[] = {"id",     "编号",     "状态", "标题",
                                         "代表团", "承办单位", "期限"};
    static const char *const unit_header[] = {"id",     "编号",     "状态",   "标题",
                                              "代表团", "承办单位", "本单位", "期限"};
    pt_table_t *t = part ? pt_table_new(8, unit_header) : pt_table_new(7, header);
    pt_table_set_right(t, 0);
    pt_table_set_max(t, 3, width ? (size_t)width : 0);
    if (!width)
        pt_table_set_fit(t, 3, pt_out_width(), MIN_TITLE_WIDTH);
    /* A delegation and the units are cut sooner than the title: their
     * start names them (内蒙古自治…, the lead unit; two short names,
     * 水利部、生态环境部, whole), and ptrack show has them whole. A unit's
     * list says its own part beside them, and needs the other units less. */
    pt_table_set_max(t, 4, 12);
    pt_table_set_max(t, 5, part ? 12 : 18);
    /* A 编号 is short (1001, 第0123号), but an office may give one of 36
     * characters: cut too, so that it neither takes the line past its
     * width nor the titles' room. */
    pt_table_set_max(t, 1, NUMBER_WIDTH);
    /* What the title cannot give up (it keeps MIN_TITLE_WIDTH), these
     * give, down to MIN_CUT_WIDTH, so that the line keeps its width:
     * the 编号, the delegation and the units are each named enough by
     * their start, and ptrack show has them whole. */
    if (!width) {
        pt_table_set_shrink(t, 1, MIN_CUT_WIDTH);
        pt_table_set_shrink(t, 4, MIN_CUT_WIDTH);
        pt_table_set_shrink(t, 5, MIN_CUT_WIDTH);
    }
    return t;
}

/* Where the table is wider than the line even with its title at
 * MIN_TITLE_WIDTH and the 编号, the delegation and the units cut to
 * MIN_CUT_WIDTH (a unit's list on an 80-column terminal: its part and
 * the due date take 27 columns), the title goes below its row, whole,
 * wrapped at the line and starting under the 编号; the units take what
 * the others leave of the line then. */
static void fit_title(pt_table_t *t, bool part)
{
    static const size_t cut[] = {1, 4, 5};
    size_t ncols = part ? 8 : 7, line = pt_out_width(), least = 2 * (ncols - 1);
    for (size_t c = 0; c < ncols; c++)
        least += pt_table_width(t, c);
    size_t title = pt_table_width(t, 3);
    if (title > MIN_TITLE_WIDTH)
        least -= title - MIN_TITLE_WIDTH;
    for (size_t i = 0; i < sizeof cut / sizeof *cut; i++) {
        /* Their headers are no wider than MIN_CUT_WIDTH. */
        size_t w = pt_table_width(t, cut[i]);
        if (w > MIN_CUT_WIDTH)
            least -= w - MIN_CUT_WIDTH;
    }
    if (least <= line)
        return;
    pt_table_set_below(t, 3, pt_table_width(t, 0) + 2, line);
    pt_table_set_fit(t, 5, line, MIN_CUT_WIDTH);
}

/* Says that more pages follow, and how to get them: on two lines (on one,
 * with its cursor, it was past the table's 100 columns), the second
 * broken before its cursor where it is wider than the line, so that the
 * cursor stays whole and on the line's edge. */
static void print_more(size_t rows, const char *next)
{
    static const char more[] = "下一页用同样的条件和排序 (same filters and --sort)";
    pt_buf_t cursor = {0};
    pt_buf_printf(&cursor, "加 --cursor %s，或用 --all", next);
    bool fits = pt_text_width(more) + 1 + pt_text_width(pt_buf_str(&cursor)) <= pt_out_width();
    printf("\n显示 %zu 条，还有更多 (more)\n%s%s%s\n", rows, more, fits ? " " : "\n",
           pt_buf_str(&cursor));
    pt_buf_free(&cursor);
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    char *query = NULL;
    char *next = NULL;
    bool all = pt_args_flag(args, "all");
    long long width = 0; /* 0: what fits */
    int rc = pt_cli_width(cli, args, &width);
    int pages = 0; /* how many pages the table holds */

    if (rc != PT_EXIT_OK)
        return rc;
    /* An empty cursor (a script's variable that lost it) is not the first
     * page: ptrackd refuses it, and it is never sent. */
    const char *given = pt_args_value(args, "cursor");
    if (given && !*given)
        return pt_cli_usage(cli, "--cursor needs the cursor that the page before named; it was "
                                 "given empty (leave it out for the first page)");
    if ((rc = build_query(cli, args, &query)) != PT_EXIT_OK) {
        free(query);
        return rc;
    }

    pt_table_t *t = NULL; /* made with the first page, which tells its columns */
    bool part = false;
    cJSON *items = pt_xcheck(cJSON_CreateArray()); /* --json --all gathers pages here */
    cJSON *first_page = NULL;                      /* --json without --all prints it as is */

    id_set_t shown = {0}; /* the ids --all has taken */
    const char *cursor = pt_args_value(args, "cursor");
    char *cursor_copy = cursor ? pt_xstrdup(cursor) : NULL;
    for (;;) {
        pt_buf_t path = {0};
        pt_response_t resp;
        char *q = query ? pt_xstrdup(query) : NULL;
        /* The first page starts at --cursor, if given; a later one has the
         * same filters and the cursor of the answer before it. */
        if (cursor_copy)
            pt_client_query_add(&q, "cursor", cursor_copy);
        free(cursor_copy);
        cursor_copy = NULL;
        pt_buf_printf(&path, "/v1/proposals%s", q ? q : "");
        free(q);
        rc = pt_cli_call(cli, "GET", pt_buf_str(&path), NULL,
                         &(pt_request_opts_t){.retry_after_send = true}, &resp, NULL);
        pt_buf_free(&path);
        if (rc != PT_EXIT_OK) {
            pt_response_free(&resp);
            break;
        }
        const cJSON *page = pt_json_get(resp.json, "items");
        pages++;
        const char *n = pt_json_str(resp.json, "next");
        if (n && *n)
            next = pt_xstrdup(n);
        if (cli->json && !all) {
            first_page = resp.json;
            resp.json = NULL;
        } else {
            const cJSON *p;
            if (!t) {
                part = pt_json_get(cJSON_GetArrayItem(page, 0), "unit_part") != NULL;
                t = list_table(width, part);
            }
            cJSON_ArrayForEach(p, page)
            {
                /* Met on an earlier page of this --all: shown once. */
                if (all && !id_set_add(&shown, (long long)pt_json_num(p, "id", 0)))
                    continue;
                if (cli->json)
                    pt_json_push(items, pt_xcheck(cJSON_Duplicate(p, 1)));
                else
                    add_row(cli, t, p, part);
            }
        }
        pt_response_free(&resp);
        if (!all || !next)
            break;
        cursor_copy = next;
        next = NULL;
    }

    if (rc == PT_EXIT_OK) {
        if (cli->json && first_page) {
            pt_json_print(first_page, stdout);
        } else if (cli->json) {
            cJSON *out = pt_xcheck(cJSON_CreateObject());
            pt_json_add(out, "items", items);
            items = NULL;
            pt_json_add(out, "next", cJSON_CreateNull());
            pt_json_print(out, stdout);
            cJSON_Delete(out);
        } else if ((!t || pt_table_rows(t) == 0) && pt_args_value(args, "cursor")) {
            /* The proposals that were after the cursor have left the
             * filter since its page was shown (assigned, withdrawn): those
             * before it matched. */
            printf("自 --cursor 起没有符合条件的建议 (no proposals match after the cursor)\n");
        } else if (!t || pt_table_rows(t) == 0) {
            printf("没有符合条件的建议 (no proposals match)\n");
        } else {
            if (!width)
                fit_title(t, part);
            pt_table_print(t, stdout, 0);
            if (next)
                print_more(pt_table_rows(t), next);
            else if (pt_args_value(args, "cursor") && pages == 1)
                printf("\n本页 %zu 条，已是最后一页 (%zu on this last page)\n", pt_table_rows(t),
                       pt_table_rows(t));
            else if (pt_args_value(args, "cursor"))
                /* --all from a cursor: the pages from there to the end,
                 * not one page, and not all that match either. */
                printf("\n自 --cursor 起共 %zu 条，到最后一页 (%zu from the cursor to the last "
                       "page)\n",
                       pt_table_rows(t), pt_table_rows(t));
            else
                printf("\n共 %zu 条 (%zu in all)\n", pt_table_rows(t), pt_table_rows(t));
        }
    }
    free(shown.slot);
    cJSON_Delete(first_page);
    cJSON_Delete(items);
    pt_table_free(t);
    free(next);
    free(query);
    return rc;
}

const pt_command_t pt_cmd_list = {
    .name = "list",
    .summary = "list proposals as a table (filters, full-text search, pages)",
    .description =
        "Asks GET /v1/proposals and prints id, 编号, 状态, 标题, 代表团, 承办单位 and 期限\n"
        "(the due date, with 逾期 when it has passed; empty in a state whose deadline does\n"
        "not run, such as 退回 or 办结). A unit's list (your own, or one with --unit) shows\n"
        "its part too, 本单位: its role, then what it still has to do (主办·未签收,\n"
        "协办·待意见, 分办·待答复, 主办·等协办意见: the lead's reply waits for a co unit's\n"
        "opinion) or has done (已答复, 已提意见); --todo keeps the proposals\n"
        "where it still has something to do. Filters combine with AND. A page\n"
        "holds --limit proposals; when there are more, the last line tells the cursor\n"
        "for the next page, and --all follows every page. With --json the page is\n"
        "printed as ptrackd sent it; with --json --all every item in one \"items\" array.\n"
        "\n"
        "Examples:\n"
        "  ptrack list --status 办理中 --unit 省交通运输厅\n"
        "  ptrack list --search 饮水安全 --sort -due_at --all\n"
        "  ptrack list --overdue --delegation 山西代表团\n"
        "  ptrack list --todo 签收 --unit 省财政厅\n"
        "  ptrack list --todo 全部            (a unit: what it still has to do)\n",
    .opts = opts,
    .run = run,
};

/*
 * cmd-history.c - `ptrack history ID`: who did what to a proposal, and when.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "labels.h"
#include "table.h"
#include "width.h"
#include "times.h"

static const pt_opt_t opts[] = {
    {"width", PT_OPT_VALUE, "N", "the note column's width (default 40); the note comes first"},
    {0},
};

/* "[a, b]": the names of the fields an entry changed, but status, within
 * max columns: the first names that fit and "…" for the others ("[title,
 * …]"), "[…]" when no name fits, nothing when not even that does. */
static void fields_fitting(pt_buf_t *out, const cJSON *changes, size_t max)
{
    const cJSON *c;
    size_t n = 0;
    cJSON_ArrayForEach(c, changes)
    {
        if (c->string && strcmp(c->string, "status") != 0)
            n++;
    }
    if (!cJSON_IsObject(changes) || n == 0)
        return;
    /* Try all n names, then n-1 and "…", down to none and "…". */
    for (size_t keep = n + 1; keep-- > 0;) {
        pt_buf_t b = {0};
        size_t i = 0;
        pt_buf_puts(&b, "[");
        cJSON_ArrayForEach(c, changes)
        {
            if (!c->string || strcmp(c->string, "status") == 0)
                continue;
            if (i == keep)
                break;
            pt_buf_printf(&b, "%s%s", i ? ", " : "", c->string);
            i++;
        }
        if (keep < n)
            pt_buf_puts(&b, keep ? ", …" : "…");
        pt_buf_puts(&b, "]");
        if (pt_text_width(pt_buf_str(&b)) <= max) {
            pt_buf_puts(out, pt_buf_str(&b));
            pt_buf_free(&b);
            return;
        }
        pt_buf_free(&b);
    }
}

static void add_row(pt_cli_t *cli, pt_table_t *t, const cJSON *h, size_t width)
{
    const char *action = pt_json_str(h, "action");
    const char *from = pt_json_str(h, "from");
    const char *to = pt_json_str(h, "to");
    const char *note = pt_json_str(h, "note");
    const cJSON *changes = pt_json_get(h, "changes");
    char at[40];
    pt_buf_t b = {0};

    pt_table_row(t);
    pt_table_cellf(t, 0, "%.0f", pt_json_num(h, "seq", 0));
    pt_table_cell(t, 1, pt_time_show(pt_json_str(h, "at"), PT_TIME_MINUTE, at, sizeof at));
    pt_table_cell(t, 2, pt_json_str(h, "actor"));
    if (action) {
        const char *zh = pt_label_action(cli, action);
        if (strcmp(zh, action) != 0)
            pt_table_cellf(t, 3, "%s %s", zh, action);
        else
            pt_table_cell(t, 3, action);
    }
    /* A state change reads 已交办→办理中; an action that keeps the state
     * (opinion, extend, an edit) shows the state once. */
    if (from && to && strcmp(from, to) != 0)
        pt_table_cellf(t, 4, "%s→%s", pt_label_state(cli, from), pt_label_state(cli, to));
    else if (to)
        pt_table_cell(t, 4, pt_label_state(cli, to));
    else if (from)
        pt_table_cell(t, 4, pt_label_state(cli, from));

    /* The note, then which fields changed. The note is what a person wrote
     * and reads first, so it keeps the column's width; the field names get
     * what is left, as many as fit, "…" standing for the rest. The state
     * change has its own column and is not listed again. */
    pt_buf_t clean = {0};
    size_t note_w = 0;
    if (note && *note) {
        pt_text_clean(&clean, note);
        note_w = pt_text_width(pt_buf_str(&clean));
    }
    size_t room = note_w == 0 ? width : width > note_w + 1 ? width - note_w - 1 : 0;
    pt_buf_t fields = {0};
    fields_fitting(&fields, changes, room);
    if (note_w > 0)
        pt_text_truncate(&b, pt_buf_str(&clean), width);
    if (fields.len)
        pt_buf_printf(&b, "%s%s", b.len ? " " : "", pt_buf_str(&fields));
    pt_buf_free(&clean);
    pt_table_cell(t, 5, pt_buf_str(&b));
    pt_buf_free(&fields);
    pt_buf_free(&b);
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    static const char *const header[] = {"seq",         "时间 time",    "操作人 actor",
                                         "操作 action", "状态 from→to", "备注 note"};
    long long id, width = 40;
    const char *w = pt_args_value(args, "width");
    int rc = pt_cli_id(cli, args->pos[0], &id);
    if (rc != PT_EXIT_OK)
        return rc;
    if (w && (pt_args_int(w, &width) != 0 || width < 4 || width > 1000))
        return pt_cli_usage(cli, "--width takes a number of columns from 4 to 1000, not \"%s\"", w);

    char path[80];
    snprintf(path, sizeof path, "/v1/proposals/%lld/history", id);
    pt_response_t resp;
    rc = pt_cli_call(cli, "GET", path, NULL, &(pt_request_opts_t){.retry_after_send = true}, &resp,
                     NULL);
    if (rc == PT_EXIT_OK) {
        if (cli->json) {
            pt_json_print(resp.json, stdout);
        } else {
            const cJSON *h;
            pt_table_t *t = pt_table_new(6, header);
            pt_table_set_right(t, 0);
            pt_table_set_max(t, 5, (size_t)width);
            cJSON_ArrayForEach(h, pt_json_get(resp.json, "items"))
                add_row(cli, t, h, (size_t)width);
            if (pt_table_rows(t) == 0)
                printf("#%lld 没有历史记录 (no history)\n", id);
            else
                pt_table_print(t, stdout, 0);
            pt_table_free(t);
        }
    }
    pt_response_free(&resp);
    return rc;
}

const pt_command_t pt_cmd_history = {
    .name = "history",
    .args = "ID",
    .summary = "show a proposal's history: every action, who did it and when",
    .description = "Asks GET /v1/proposals/ID/history and prints one line per entry, oldest\n"
                   "first: seq, time (local), the actor, the action, the state change and the\n"
                   "note, followed by the names of the fields the entry changed in [brackets]\n"
                   "(as many as fit after the note; the state change is not listed again).\n",
    .opts = opts,
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};

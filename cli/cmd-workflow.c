/*
 * cmd-workflow.c - `ptrack workflow`: the states and actions in force.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "fields.h"
#include "json.h"
#include "table.h"
#include "width.h"

static const pt_opt_t opts[] = {
    {"width", PT_OPT_VALUE, "N",
     "fit the tables and the actions' lines to N columns (default: 100, or a narrower terminal's "
     "width)"},
    {0},
};

/* An office's long labels (a state 承办单位正在办理中（含协办）, an action
 * 人大代表建议政协提案办理情况联合督查) wrap in their columns, the wider first,
 * down to this, so that the tables fit their width. */
#define LABEL_WRAP_MIN 14

/* Wraps the Chinese and English labels of t (a table of states or of
 * actions: the name, then the two labels, then a states table's flags)
 * to fit `width` (LINE_WIDTH unless --width says), and where that is not
 * enough, the flags (words: initial default goes on below), and then its
 * names too (up to 64 letters, which a person types: they wrap last),
 * down to their header's width. */
static void fit_labels(pt_table_t *t, size_t width, bool flags)
{
    const size_t labels[] = {1, 2}, all[] = {0, 1, 2}, flag[] = {3};
    size_t wrap[3];
    size_t line = pt_table_fit_wraps(t, 0, width, labels, 2, LABEL_WRAP_MIN, wrap);
    for (size_t i = 0; i < 2; i++)
        if (wrap[i])
            pt_table_set_wrap(t, labels[i], wrap[i]);
    if (line > width && flags) {
        line = pt_table_fit_wraps(t, 0, width, flag, 1, 0, wrap);
        if (wrap[0])
            pt_table_set_wrap(t, flag[0], wrap[0]);
    }
    if (line <= width)
        return;
    pt_table_fit_wraps(t, 0, width, all, 3, 0, wrap);
    for (size_t i = 0; i < 3; i++)
        if (wrap[i])
            pt_table_set_wrap(t, all[i], wrap[i]);
}

static void states_table(const cJSON *wf, size_t width)
{
    static const char *const header[] = {"状态 state", "中文", "English", "属性 flags"};
    pt_table_t *t = pt_table_new(4, header);
    const cJSON *s;
    cJSON_ArrayForEach(s, pt_json_get(wf, "states"))
    {
        const cJSON *label = pt_json_get(s, "label");
        pt_buf_t flags = {0};
        /* The flags are the workflow file's own words, so an office that
         * edits its workflow recognises them. */
        static const char *const names[] = {"initial", "default", "terminal", "clock"};
        for (size_t i = 0; i < 4; i++)
            if (pt_json_bool(s, names[i], false))
                pt_buf_printf(&flags, "%s%s", flags.len ? " " : "", names[i]);
        pt_table_row(t);
        pt_table_cell(t, 0, pt_json_str(s, "name"));
        pt_table_cell(t, 1, pt_json_str(label, "zh"));
        pt_table_cell(t, 2, pt_json_str(label, "en"));
        pt_table_cell(t, 3, pt_buf_str(&flags));
        pt_buf_free(&flags);
    }
    fit_labels(t, width, true);
    pt_table_print(t, stdout, 0);
    pt_table_free(t);
}

/* The map of a "to" object: {"field", "map"} (by a field's value) or
 * {"status": ...} (by the proposal's state; the others stay). */
static const cJSON *to_map(const cJSON *to, const char **by)
{
    const cJSON *status = pt_json_get(to, "status");
    if (cJSON_IsObject(status)) {
        *by = "status";
        return status;
    }
    *by = pt_json_str(to, "field") ? pt_json_str(to, "field") : "?";
    return pt_json_get(to, "map");
}

/* "to" is a state, null (the state does not change) or a map from a field's
 * value (feedback's satisfaction) or from the proposal's state (sign) to a
 * state. A map is too long for its line: the line names the states it leads
 * to, and print_maps() spells it out under the list. */
static void describe_to(pt_buf_t *b, const cJSON *to)
{
    if (cJSON_IsString(to)) {
        pt_buf_puts(b, to->valuestring);
    } else if (cJSON_IsObject(to)) {
        const cJSON *m;
        const char *by;
        const cJSON *map = to_map(to, &by);
        cJSON_ArrayForEach(m, map)
        {
            const char *state = cJSON_IsString(m) ? m->valuestring : "?";
            /* Name each state once, in the order of first appearance. */
            bool seen = false;
            for (const cJSON *e = map->child; e != m; e = e->next)
                if (cJSON_IsString(e) && strcmp(e->valuestring, state) == 0)
                    seen = true;
            if (!seen)
                pt_buf_printf(b, "%s%s", b->len ? "|" : "", state);
        }
        pt_buf_printf(b, " (by %s)", by);
    } else {
        pt_buf_puts(b, "(不变 same)");
    }
}

static void print_maps(const cJSON *wf, size_t width)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, pt_json_get(wf, "actions"))
    {
        const cJSON *to = pt_json_get(a, "to");
        const cJSON *m;
        if (!cJSON_IsObject(to))
            continue;
        const char *by;
        const cJSON *map = to_map(to, &by);
        pt_buf_t line = {0}, wrapped = {0};
        pt_buf_printf(&line, "%s: %s", pt_json_str(a, "name") ? pt_json_str(a, "name") : "?", by);
        cJSON_ArrayForEach(m, map)
            pt_buf_printf(&line, "%s %s→%s", m == map->child ? "" : ",", m->string,
                          cJSON_IsString(m) ? m->valuestring : "?");
        pt_buf_puts(&line, strcmp(by, "status") == 0 ? "; from the others it stays" : "");
        /* An office's map of many states is longer than a line: it goes
         * on below, indented, within the width. One that fits keeps its
         * line whole, to the last column (wrapped with the indent that
         * the first line gives up, it would break 2 columns short). */
        pt_text_clean(&wrapped, pt_buf_str(&line));
        if (pt_text_width(pt_buf_str(&wrapped)) <= width) {
            printf("\n%s\n", pt_buf_str(&wrapped));
        } else {
            pt_buf_reset(&wrapped);
            pt_text_wrap(&wrapped, pt_buf_str(&line), 2, width);
            printf("\n%s", pt_buf_str(&wrapped) + 2);
        }
        pt_buf_free(&wrapped);
        pt_buf_free(&line);
    }
}

static void describe_fields(pt_buf_t *b, const cJSON *fields)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        const char *name = pt_json_str(f, "name");
        const cJSON *values = pt_json_get(f, "values");
        pt_buf_printf(b, "%s%s%s", b->len ? " " : "", name ? name : "?",
                      pt_json_bool(f, "required", false) ? "*" : "");
        if (cJSON_IsArray(values) && cJSON_GetArraySize(values) > 0) {
            char *v = pt_json_join(values, "|");
            pt_buf_printf(b, "(%s)", v);
            free(v);
        }
    }
}

/* Appends a line of an action's block, indented by 2: whole when it fits
 * `width`, to the last column; else wrapped within it, the lines after
 * the first indented by 4 (an office's action that runs in many states,
 * or a field of many values, is longer than a line). A field's values
 * (电话|函件|现场督查) break only between two of them, never inside one. */
static void block_line(pt_buf_t *b, const char *text, size_t width)
{
    pt_buf_t w = {0};
    pt_text_clean(&w, text);
    if (2 + pt_text_width(pt_buf_str(&w)) <= width) {
        pt_buf_printf(b, "  %s\n", pt_buf_str(&w));
    } else {
        pt_buf_reset(&w);
        pt_text_wrap_labels(&w, text, 4, width);
        pt_buf_printf(b, "  %s", pt_buf_str(&w) + 4);
    }
    pt_buf_free(&w);
}

/* Whether an action's from holds every state that is not terminal: what
 * "from": "*" says in the workflow file, which GET /v1/workflow spells out. */
static bool from_every_live_state(const cJSON *wf, const cJSON *from)
{
    const cJSON *s, *f;
    size_t live = 0;
    cJSON_ArrayForEach(s, pt_json_get(wf, "states"))
    {
        if (pt_json_bool(s, "terminal", false))
            continue;
        live++;
        const char *name = pt_json_str(s, "name");
        bool found = false;
        cJSON_ArrayForEach(f, from)
        {
            if (name && cJSON_IsString(f) && strcmp(f->valuestring, name) == 0)
                found = true;
        }
        if (!found)
            return false;
    }
    return live > 0 && (size_t)cJSON_GetArraySize(from) == live;
}

/* The actions, one block each: the name and labels on a line, where it
 * runs and where it leads on the next, its fields on a third. A table of
 * them all would be as wide as the longest list of states (supervise
 * runs in nine), far past a terminal's width. */
static void actions_list(const cJSON *wf, size_t width)
{
    static const char *const header[] = {"操作 action", "中文", "English"};
    pt_table_t *t = pt_table_new(3, header);
    const cJSON *a;
    pt_table_note(t, "  从 from → 到 to\n  字段 fields (* required)\n");
    cJSON_ArrayForEach(a, pt_json_get(wf, "actions"))
    {
        const cJSON *label = pt_json_get(a, "label");
        const cJSON *from = pt_json_get(a, "from");
        const char *name = pt_json_str(a, "name");
        /* A blank line before each block. */
        pt_table_note(t, "\n");
        pt_table_row(t);
        pt_table_cell(t, 0, name ? name : "?");
        pt_table_cell(t, 1, pt_json_str(label, "zh"));
        pt_table_cell(t, 2, pt_json_str(label, "en"));
        pt_buf_t b = {0}, line = {0}, to = {0}, fields = {0};
        if (cJSON_IsArray(from) && from_every_live_state(wf, from)) {
            pt_buf_puts(&line, "* (未终结 non-terminal)");
        } else if (cJSON_IsArray(from)) {
            char *f = pt_json_join(from, ", ");
            pt_buf_puts(&line, f ? f : "");
            free(f);
        } else if (cJSON_IsString(from)) {
            pt_buf_puts(&line, strcmp(from->valuestring, "*") == 0 ? "* (未终结 non-terminal)"
                                                                   : from->valuestring);
        }
        describe_to(&to, pt_json_get(a, "to"));
        pt_buf_printf(&line, " → %s", pt_buf_str(&to));
        block_line(&b, pt_buf_str(&line), width);
        pt_buf_free(&line);
        pt_buf_free(&to);
        describe_fields(&fields, pt_json_get(a, "fields"));
        if (fields.len)
            block_line(&b, pt_buf_str(&fields), width);
        pt_buf_free(&fields);
        pt_table_note(t, pt_buf_str(&b));
        pt_buf_free(&b);
    }
    fit_labels(t, width, false);
    pt_table_print(t, stdout, 0);
    pt_table_free(t);
    print_maps(wf, width);
    pt_buf_t names = {0};
    pt_action_field_names(wf, width, &names);
    if (names.len) {
        pt_buf_t head = {0};
        pt_text_paragraph(
            &head, "字段的中文名 field names in Chinese (ptrack do --set 答复文号=…):", width);
        printf("\n%s%s", pt_buf_str(&head), pt_buf_str(&names));
        pt_buf_free(&head);
    }
    pt_buf_free(&names);
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    pt_response_t resp;
    long long width = (long long)pt_out_width();
    int rc = pt_cli_width(cli, args, &width);
    if (rc != PT_EXIT_OK)
        return rc;
    rc = pt_cli_call(cli, "GET", "/v1/workflow", NULL, NULL, &resp, NULL);
    if (rc == PT_EXIT_OK) {
        if (cli->json) {
            pt_json_print(resp.json, stdout);
        } else {
            const char *name = pt_json_str(resp.json, "name");
            printf("工作流程 workflow: %s\n\n", name ? name : "?");
            states_table(resp.json, (size_t)width);
            printf("\n");
            actions_list(resp.json, (size_t)width);
        }
    }
    pt_response_free(&resp);
    return rc;
}

const pt_command_t pt_cmd_workflow = {
    .name = "workflow",
    .summary = "show the workflow in force: its states and actions, in Chinese and English",
    .description = "Asks GET /v1/workflow and prints the states as a table (with the flags\n"
                   "initial, default, terminal and clock: the reply deadline runs), the actions\n"
                   "one block each (the states they start from, * for every state that is not\n"
                   "terminal, where they lead, the fields `ptrack do` takes; a field marked * is\n"
                   "required), then the Chinese names `ptrack do --set` takes for the fields\n"
                   "(答复文号 for doc_no). A long label wraps in its column, within 100 columns\n"
                   "or a narrower terminal's width (--width N: within N), and where that is not\n"
                   "enough, a long name too.\n",
    .opts = opts,
    .run = run,
};

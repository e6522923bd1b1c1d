/*
 * cmd-plugins.c - `ptrack plugins [list|load|unload]`: the plugin instances
 * ptrackd runs, loading one at run time and unloading one (admin only).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "table.h"
#include "times.h"
#include "width.h"

static const pt_opt_t opts[] = {
    {"instance", PT_OPT_VALUE, "NAME",
     "load: the instance's name (1 to 64 ASCII letters, digits, _ and -)"},
    {"path", PT_OPT_VALUE, "FILE",
     "load: the plugin file; without a slash it is looked up in ptrackd's plugin directory; "
     "a relative path that exists here is sent as an absolute one"},
    {"set", PT_OPT_LIST, "KEY=VALUE",
     "load: one option of the instance; VALUE is JSON when it parses as JSON"},
    {"config-file", PT_OPT_VALUE, "FILE",
     "load: a JSON object of the instance's options (--set goes over it)"},
    {"event", PT_OPT_LIST, "TYPE",
     "load: a notifier gets only these events; \"proposal.*\" allowed"},
    {"start", PT_OPT_VALUE, "WHERE",
     "load: where a new notifier begins: latest (the default: events from now on) or oldest"},
    {0},
};

/* "import csv,tsv; export csv". A format that another instance serves
 * instead (one taken over from a built-in plugin) is named with it:
 * "import json,jsonl (jsonl: served by office_jsonl)". */
static void formats_text(pt_buf_t *b, const cJSON *item, const cJSON *served)
{
    static const char *const dirs[] = {"import", "export"};
    const cJSON *formats = pt_json_get(item, "formats");
    const char *self = pt_json_str(item, "instance");
    for (size_t i = 0; i < 2; i++) {
        const cJSON *list = pt_json_get(formats, dirs[i]);
        if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
            continue;
        char *s = pt_json_join(list, ",");
        pt_buf_printf(b, "%s%s %s", b->len ? "; " : "", dirs[i], s);
        free(s);
        const cJSON *f;
        cJSON_ArrayForEach(f, list)
        {
            const char *by = cJSON_IsString(f)
                                 ? pt_json_str(pt_json_get(served, dirs[i]), f->valuestring)
                                 : NULL;
            if (by && self && strcmp(by, self) != 0)
                pt_buf_printf(b, " (%s: served by %s)", f->valuestring, by);
        }
    }
}

/* What the instance is doing: a notifier's cursor, queue and failures; an
 * importer's or exporter's running jobs. */
static void state_text(pt_buf_t *b, const cJSON *item)
{
    const cJSON *n = pt_json_get(item, "notifier");
    if (cJSON_IsObject(n)) {
        const char *what = pt_json_bool(n, "stopping", false)   ? "stopping"
                           : pt_json_bool(n, "retrying", false) ? "retrying"
                                                                : "running";
        pt_buf_printf(b, "%s, queue %.0f, delivered %.0f, failed %.0f", what,
                      pt_json_num(n, "queue", 0), pt_json_num(n, "delivered", 0),
                      pt_json_num(n, "failed", 0));
        /* null while it reads where it starts. */
        if (cJSON_IsNumber(pt_json_get(n, "cursor")))
            pt_buf_printf(b, ", at seq %.0f", pt_json_num(n, "cursor", 0));
        else
            pt_buf_puts(b, ", finding its starting place");
        double behind = pt_json_num(n, "behind", 0);
        if (behind > 0)
            pt_buf_printf(b, ", %.0f behind", behind);
        /* Since when it has not taken an event: how long the gateway has
         * been down. */
        const char *since = pt_json_str(n, "failing_since");
        char when[40];
        if (since)
            pt_buf_printf(b, ", failing since %s",
                          pt_time_show(since, PT_TIME_SECOND, when, sizeof when));
        /* A call that has not returned for a while is what an operator
         * looks for when a notifier is stuck (a receiver that hangs). */
        double in_deliver = pt_json_num(n, "in_deliver_ms", 0);
        if (in_deliver >= 5000)
            pt_buf_printf(b, ", in deliver() for %.0f s", in_deliver / 1000);
        return;
    }
    if (cJSON_IsNull(n)) {
        pt_buf_puts(b, "stopped");
        return;
    }
    double jobs = pt_json_num(item, "jobs", 0);
    if (jobs > 0)
        pt_buf_printf(b, "%.0f job%s running", jobs, jobs == 1 ? "" : "s");
    else
        pt_buf_puts(b, "ready");
}

/* Prints text as one paragraph within LINE_WIDTH (pt_text_paragraph). */
static void print_paragraph(const char *text)
{
    pt_buf_t b = {0};
    pt_text_paragraph(&b, text, pt_out_width());
    fputs(pt_buf_str(&b), stdout);
    pt_buf_free(&b);
}

/* One problem: a plugin's reason (a receiver's answer, a URL) is often
 * longer than a line. */
static void problem_line(const char *label, const char *instance, const char *text)
{
    pt_buf_t shown = {0};
    pt_buf_printf(&shown, "%s %s: ", label, instance ? instance : "?");
    pt_text_clean(&shown, text ? text : "");
    print_paragraph(pt_buf_str(&shown));
    pt_buf_free(&shown);
}

/* Below the table, what an operator looks for when something is wrong: a
 * notifier's last failure (its plugin's own reason where it gave one) and
 * the configuration's instances that the last reload could not load or
 * change. */
static void problems_text(const cJSON *items, const cJSON *failed)
{
    const cJSON *it;
    bool first = true;
    cJSON_ArrayForEach(it, items)
    {
        const char *last = pt_json_str(pt_json_get(it, "notifier"), "last_error");
        if (!last)
            continue;
        if (first)
            printf("\n");
        first = false;
        problem_line("最近的错误 last error of", pt_json_str(it, "instance"), last);
    }
    cJSON_ArrayForEach(it, failed)
    {
        if (first)
            printf("\n");
        first = false;
        problem_line("未按配置运行 not as configured:", pt_json_str(it, "instance"),
                     pt_json_str(it, "error"));
    }
}

/* Makes the table fit the line (pt_out_width): the formats (a built-in
 * plugin's taken over by another instance are named with it) wrap in
 * their column when the line is too short for them, not narrower than
 * its header. An instance's name does not: it is what `plugins unload`
 * takes, typed or copied from here, and is never cut. Returns whether
 * the table fits so. */
static bool fit_list(pt_table_t *t)
{
    return pt_table_fit_wrap(t, 4, pt_out_width());
}

/* An instance's cells (the table's columns but its name) and the line
 * below them: what it is doing, and how it was loaded. The caller frees
 * kinds and the two buffers. */
static void instance_texts(const cJSON *it, const cJSON *served, char **kinds, pt_buf_t *formats,
                           pt_buf_t *state)
{
    *kinds = pt_json_join(pt_json_get(it, "kinds"), ",");
    formats_text(formats, it, served);
    state_text(state, it);
    if (pt_json_bool(it, "runtime", false))
        pt_buf_puts(state, "; 运行时加载 loaded at run time");
    else if (pt_json_bool(it, "builtin", false))
        pt_buf_puts(state, "; 内置 built in");
}

/* The line below an instance's row or card: what it is doing, wrapped
 * within the line, its lines indented by 2. */
static void state_lines(pt_buf_t *b, const pt_buf_t *state)
{
    pt_text_wrap(b, pt_buf_str(state), 2, pt_out_width());
}

static int list(pt_cli_t *cli, const pt_args_t *args)
{
    (void)args;
    pt_response_t resp;
    int rc = pt_cli_call(cli, "GET", "/v1/plugins", NULL, NULL, &resp, NULL);
    if (rc != PT_EXIT_OK || cli->json) {
        if (rc == PT_EXIT_OK)
            pt_json_print(resp.json, stdout);
        pt_response_free(&resp);
        return rc;
    }
    const cJSON *items = pt_json_get(resp.json, "items");
    if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) == 0) {
        /* None runs; the configuration's that a reload could not load are
         * still worth saying. */
        printf("没有插件 no plugin instance is loaded\n");
        problems_text(NULL, pt_json_get(resp.json, "failed"));
        pt_response_free(&resp);
        return PT_EXIT_OK;
    }
    /* What the instance is doing goes on a line of its own below its
     * row: a notifier's figures are long, and beside the formats they
     * made lines far wider than a terminal. */
    static const char *const header[] = {"实例 instance", "插件 plugin", "版本 version",
                                         "类型 kinds", "格式 formats"};
    const cJSON *served = pt_json_get(resp.json, "formats");
    pt_table_t *t = pt_table_new(5, header);
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        pt_buf_t formats = {0}, state = {0}, below = {0};
        char *kinds;
        instance_texts(it, served, &kinds, &formats, &state);
        pt_table_row(t);
        pt_table_cell(t, 0, pt_json_str(it, "instance"));
        pt_table_cell(t, 1, pt_json_str(it, "plugin"));
        pt_table_cell(t, 2, pt_json_str(it, "version"));
        pt_table_cell(t, 3, kinds);
        pt_table_cell(t, 4, formats.len ? pt_buf_str(&formats) : "-");
        /* Wrapped too: a notifier that fails, loaded at run time, says
         * more than a line holds. */
        state_lines(&below, &state);
        pt_table_note(t, pt_buf_str(&below));
        pt_buf_free(&below);
        free(kinds);
        pt_buf_free(&formats);
        pt_buf_free(&state);
    }
    /* A line too narrow for the table with every name whole (a terminal
     * of 40 or 60 columns, a name of 64 letters) gets cards. */
    if (fit_list(t))
        pt_table_print(t, stdout, 0);
    else
        pt_table_print_cards(t, stdout, 0, pt_out_width());
    pt_table_free(t);
    problems_text(items, pt_json_get(resp.json, "failed"));
    pt_response_free(&resp);
    return PT_EXIT_OK;
}

/* Reads the JSON object of --config-file. Returns NULL after a message.
 * Read as every file of text is (pt_args_read_text): a byte order mark,
 * as Notepad writes one, is dropped, and what is not UTF-8 is refused by
 * name; and as one JSON value, with nothing after it, since whatever
 * followed would be dropped without a word. */
static cJSON *config_file(pt_cli_t *cli, const char *path)
{
    size_t len;
    char *text = pt_args_read_text(path, cli->cmd, &len);
    if (!text)
        return NULL;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    bool trailing = false;
    for (const char *p = end; j && p && p < text + len; p++)
        trailing |= !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r');
    free(text);
    if (!cJSON_IsObject(j) || trailing) {
        cJSON_Delete(j);
        pt_cli_usage(cli, "--config-file %s must hold one JSON object of the plugin's options%s",
                     path, trailing ? ", and nothing after it" : "");
        return NULL;
    }
    return j;
}

/* The path to send for --path: ptrackd resolves a relative path against
 * its own working directory, not the user's, so a relative path with a
 * slash that names a file here is made absolute: its directory resolved
 * with realpath(3), its own name kept, so that ptrackd still sees (and
 * refuses) a symbolic link given as the file. A name without a slash is
 * ptrackd's plugin directory's, and anything else is sent as given.
 * Ownership: the result is path itself or buf. */
static const char *absolute_path(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    struct stat st;
    if (!slash || path[0] == '/' || lstat(path, &st) != 0)
        return path;
    char dir[PATH_MAX], real[PATH_MAX];
    size_t n = (size_t)(slash - path);
    if (n == 0 || n >= sizeof(dir))
        return path;
    memcpy(dir, path, n);
    dir[n] = '\0';
    if (!realpath(dir, real))
        return path;
    int w = snprintf(buf, size, "%s/%s", strcmp(real, "/") == 0 ? "" : real, slash + 1);
    return w > 0 && (size_t)w < size ? buf : path;
}

static int load(pt_cli_t *cli, const pt_args_t *args)
{
    const char *instance = pt_args_value(args, "instance");
    const char *path = pt_args_value(args, "path");
    if (!instance || !path)
        return pt_cli_usage(cli, "plugins load needs --instance NAME and --path FILE");
    const char *file = pt_args_value(args, "config-file");
    cJSON *config = file ? config_file(cli, file) : cJSON_CreateObject();
    if (!config)
        return PT_EXIT_USAGE;
    size_t n;
    const char **sets = pt_args_list(args, "set", &n);
    for (size_t i = 0; i < n; i++) {
        if (pt_args_set(config, sets[i], cli->cmd) != 0) {
            cJSON_Delete(config);
            return PT_EXIT_USAGE;
        }
    }
    cJSON *entry = cJSON_CreateObject();
    char abs[PATH_MAX + 256];
    pt_json_add_str(entry, "instance", instance);
    pt_json_add_str(entry, "path", absolute_path(path, abs, sizeof(abs)));
    pt_json_add(entry, "config", config);
    const char **events = pt_args_list(args, "event", &n);
    if (n) {
        cJSON *ev = cJSON_CreateArray();
        for (size_t i = 0; i < n; i++)
            pt_json_push(ev, cJSON_CreateString(events[i]));
        pt_json_add(entry, "events", ev);
    }
    const char *start = pt_args_value(args, "start");
    if (start)
        pt_json_add_str(entry, "start", start);
    pt_response_t resp;
    int rc = pt_cli_call(cli, "POST", "/v1/plugins", entry, NULL, &resp, NULL);
    cJSON_Delete(entry);
    if (rc == PT_EXIT_OK) {
        if (cli->json) {
            pt_json_print(resp.json, stdout);
        } else {
            char *kinds = pt_json_join(pt_json_get(resp.json, "kinds"), ",");
            /* Wrapped within LINE_WIDTH: an instance's name may have 64
             * letters. */
            pt_buf_t line = {0};
            pt_buf_printf(&line, "已加载 loaded %s (%s %s, %s)", instance,
                          pt_json_str(resp.json, "plugin") ? pt_json_str(resp.json, "plugin") : "",
                          pt_json_str(resp.json, "version") ? pt_json_str(resp.json, "version")
                                                            : "",
                          kinds ? kinds : "");
            print_paragraph(pt_buf_str(&line));
            pt_buf_free(&line);
            /* Within 100 columns, as the rest of the output. */
            printf("重启后不保留 a reload keeps it, a restart does not: add it to the "
                   "configuration's \"plugins\"\n");
            free(kinds);
        }
    }
    pt_response_free(&resp);
    return rc;
}

static int unload(pt_cli_t *cli, const pt_args_t *args)
{
    return pt_cli_delete_named(cli, "/v1/plugins/", args->pos[1], "unloaded", "已卸载 unloaded %s");
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    static const pt_subcommand_t subs[] = {
        {"list", false, "plugins list takes no argument", list},
        {"load", false, "plugins load takes options only (--instance, --path)", load},
        {"unload", true, "plugins unload needs the instance's name", unload},
        {NULL, false, NULL, NULL},
    };
    return pt_cli_subcommand(cli, args, subs, "plugins");
}

const pt_command_t pt_cmd_plugins = {
    .name = "plugins",
    .args = "[list | load | unload NAME]",
    .summary = "list, load and unload plugin instances (admin)",
    .description =
        "ptrack plugins [list]       \tthe instances ptrackd runs: plugin, version, kinds,\n"
        "                            \tformats, and what each is doing (a notifier's queue)\n"
        "ptrack plugins load \t--instance NAME --path FILE [--set KEY=VALUE ...]\n"
        "                  \t[--config-file F.json] [--event TYPE ...]\n"
        "                  \t[--start latest|oldest]\n"
        "                            \tloads one instance (POST /v1/plugins); ptrackd checks\n"
        "                            \tthe file and the options and says what is wrong\n"
        "ptrack plugins unload NAME  \tunloads one (DELETE /v1/plugins/NAME); a notifier inside\n"
        "                            \ta delivery is waited for as long as its timeout option\n"
        "                            \tand 5 s (5 to 50 s), then refused\n"
        "\n"
        "Example:\n"
        "  ptrack plugins load --instance wecom --path notify_webhook.so \\\n"
        "      --set url=http://127.0.0.1:9000/hook --set format=wecom --event 'proposal.*'\n",
    .opts = opts,
    .min_pos = 0,
    .max_pos = 2,
    .run = run,
};

/*
 * cmd-health.c - `ptrack health`: is ptrackd up, and can it write?
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "table.h"
#include "times.h"
#include "transfer.h"
#include "width.h"

static const pt_opt_t opts[] = {{0}};

static void print_health(pt_cli_t *cli, const cJSON *h)
{
    const char *status = pt_json_str(h, "status");
    const cJSON *writable = pt_json_get(h, "writable");
    const cJSON *proposals = pt_json_get(h, "proposals");
    const cJSON *last_seq = pt_json_get(h, "last_seq");
    pt_table_t *t = pt_table_new(2, NULL);
    pt_table_row(t);
    pt_table_cell(t, 0, "状态 status");
    pt_table_cell(t, 1, status ? status : "?");
    pt_table_row(t);
    pt_table_cell(t, 0, "版本 version");
    pt_table_cell(t, 1, pt_json_str(h, "version"));
    pt_table_row(t);
    pt_table_cell(t, 0, "建议总数 proposals");
    if (cJSON_IsNumber(proposals))
        pt_table_cellf(t, 1, "%.0f", proposals->valuedouble);
    else
        pt_table_cell(t, 1, "-");
    if (writable) {
        pt_table_row(t);
        pt_table_cell(t, 0, "可写 writable");
        pt_table_cell(t, 1, cJSON_IsTrue(writable) ? "是 yes" : "否 no");
    }
    if (cJSON_IsNumber(last_seq)) {
        pt_table_row(t);
        pt_table_cell(t, 0, "最新事件 last event seq");
        pt_table_cellf(t, 1, "%.0f", last_seq->valuedouble);
    }
    const cJSON *room = pt_json_get(h, "disk_free_bytes");
    if (cJSON_IsNumber(room)) {
        char text[32];
        pt_table_row(t);
        pt_table_cell(t, 0, "磁盘剩余 disk free");
        pt_table_cell(t, 1, pt_human_bytes((int64_t)room->valuedouble, text, sizeof text));
    }
    const cJSON *refused = pt_json_get(h, "config_refused");
    if (cJSON_IsObject(refused)) {
        /* In local time, as every time ptrack shows, not the API's UTC. */
        const char *at = pt_json_str(refused, "at");
        char when[40];
        pt_table_row(t);
        pt_table_cell(t, 0, "配置未生效 config refused");
        pt_table_cell(t, 1, at ? pt_time_show(at, PT_TIME_SECOND, when, sizeof when) : "?");
    }
    const cJSON *failed = pt_json_get(h, "plugins_failed");
    if (cJSON_IsArray(failed) && cJSON_GetArraySize(failed) > 0) {
        char *names = pt_json_join(failed, ", ");
        pt_table_row(t);
        pt_table_cell(t, 0, "插件未按配置运行 plugins failed");
        pt_table_cell(t, 1, names ? names : "?");
        free(names);
    }
    const cJSON *failing = pt_json_get(h, "notifiers_failing"), *f;
    if (!cJSON_IsArray(failing))
        failing = NULL;
    cJSON_ArrayForEach(f, failing)
    {
        char when[40];
        pt_table_row(t);
        pt_table_cell(t, 0, "通知发送失败 notifier failing");
        pt_table_cellf(t, 1, "%s：自 %s 起，积压 %.0f 个事件",
                       pt_json_str(f, "instance") ? pt_json_str(f, "instance") : "?",
                       pt_time_show(pt_json_str(f, "since"), PT_TIME_SECOND, when, sizeof when),
                       pt_json_num(f, "behind", 0));
    }
    pt_table_row(t);
    pt_table_cell(t, 0, "地址 endpoint");
    pt_table_cell(t, 1, pt_client_endpoint(pt_cli_client(cli)));
    /* The values wrap in their column within LINE_WIDTH: a notifier's
     * name may have 64 letters, and the instances that failed are many. */
    size_t label = pt_table_width(t, 0), line = pt_out_width();
    if (label + 2 + pt_table_width(t, 1) > line && label + 2 < line)
        pt_table_set_wrap(t, 1, line - label - 2);
    pt_table_print(t, stdout, 0);
    pt_table_free(t);
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    pt_response_t resp;
    int rc;
    if (pt_client_request(pt_cli_client(cli), "GET", "/v1/health", NULL, NULL, &resp) != 0) {
        rc = pt_cli_report(cli, &resp, NULL);
    } else if (resp.status == 503 && pt_json_str(resp.json, "status")) {
        /* A daemon that answers but cannot write says "degraded" with 503:
         * show what it said, and fail the check. */
        if (cli->json)
            pt_json_print(resp.json, stdout);
        else
            print_health(cli, resp.json);
        pt_text_sayf("ptrack: ptrackd answers but is %s: it cannot store changes now "
                     "(see its log)",
                     pt_json_str(resp.json, "status"));
        rc = PT_EXIT_SERVER;
    } else if (!pt_cli_answer_ok(&resp) || !cJSON_IsObject(resp.json)) {
        rc = pt_cli_report(cli, &resp, NULL);
    } else {
        const char *status = pt_json_str(resp.json, "status");
        if (cli->json)
            pt_json_print(resp.json, stdout);
        else
            print_health(cli, resp.json);
        rc = PT_EXIT_OK;
        const cJSON *refused = pt_json_get(resp.json, "config_refused");
        /* Why is an admin's to read (ptrackd sends it to no other role):
         * the others are told where it is, not shown a "?". It quotes
         * the file, and is cleaned as ptrackd's other messages are. */
        if (cJSON_IsObject(refused) && pt_json_str(refused, "message")) {
            pt_buf_t why = {0};
            pt_text_clean(&why, pt_json_str(refused, "message"));
            pt_text_sayf(
                "ptrack: the last reload's configuration was refused, and the one before runs: %s",
                pt_buf_str(&why));
            pt_buf_free(&why);
        } else if (cJSON_IsObject(refused))
            pt_text_say("ptrack: the last reload's configuration was refused, and the one before "
                        "runs (an admin's ptrack health and ptrackd's log say why)");
        const cJSON *failed = pt_json_get(resp.json, "plugins_failed");
        if (cJSON_IsArray(failed) && cJSON_GetArraySize(failed) > 0) {
            char *names = pt_json_join(failed, ", ");
            /* A start leaves out an instance whose create() refuses, as a
             * reload does; the answer does not say which of them did. */
            bool one = cJSON_GetArraySize(failed) == 1;
            pt_text_sayf(
                "ptrack: plugin instance%s %s %s not run as configured: ptrackd's start or "
                "its last reload could not load or change %s (see ptrack plugins list "
                "--json, or ptrackd's log)",
                one ? "" : "s", names ? names : "?", one ? "does" : "do", one ? "it" : "them");
            free(names);
        }
        const cJSON *failing = pt_json_get(resp.json, "notifiers_failing"), *f;
        if (!cJSON_IsArray(failing))
            failing = NULL;
        cJSON_ArrayForEach(f, failing)
        {
            char when[40];
            const char *name = pt_json_str(f, "instance");
            pt_text_sayf(
                "ptrack: notifier %s has not delivered since %s: its receiver refuses the "
                "events for now, and they wait (see ptrack plugins list, or ptrackd's log)",
                name ? name : "?",
                pt_time_show(pt_json_str(f, "since"), PT_TIME_SECOND, when, sizeof when));
        }
        /* Only "ok" passes the check: a JSON answer that says anything
         * else, or nothing, is not a daemon that is known to work. */
        if (!status || strcmp(status, "ok") != 0) {
            pt_text_sayf("ptrack: %s answers, but its status is %s%s%s, not ok",
                         pt_client_endpoint(pt_cli_client(cli)), status ? "\"" : "",
                         status ? status : "missing", status ? "\"" : "");
            rc = PT_EXIT_SERVER;
        }
    }
    pt_response_free(&resp);
    return rc;
}

const pt_command_t pt_cmd_health = {
    .name = "health",
    .summary = "check that ptrackd answers, and show its version",
    .description = "Asks GET /v1/health. Exits 0 when ptrackd answers \"ok\" (it can write),\n"
                   "4 when it answers \"degraded\" (it cannot store changes) or what answers\n"
                   "is not ptrackd, 3 when it cannot be reached, 1 when it refuses the question\n"
                   "(over TCP without a valid token): usable in scripts and service checks.\n",
    .opts = opts,
    .run = run,
};

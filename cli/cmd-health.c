/*
 * cmd-health.c - `ptrack health`: is ptrackd up, and can it write?
 */
#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "table.h"

static const pt_opt_t opts[] = {{0}};

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    pt_response_t resp;
    int rc = pt_cli_call(cli, "GET", "/v1/health", NULL, NULL, &resp, NULL);
    if (rc == PT_EXIT_OK) {
        if (cli->json) {
            pt_json_print(resp.json, stdout);
        } else {
            const cJSON *h = resp.json;
            const char *status = pt_json_str(h, "status");
            const cJSON *writable = pt_json_get(h, "writable");
            pt_table_t *t = pt_table_new(2, NULL);
            pt_table_row(t);
            pt_table_cell(t, 0, "状态 status");
            pt_table_cell(t, 1, status ? status : "?");
            pt_table_row(t);
            pt_table_cell(t, 0, "版本 version");
            pt_table_cell(t, 1, pt_json_str(h, "version"));
            pt_table_row(t);
            pt_table_cell(t, 0, "建议总数 proposals");
            pt_table_cellf(t, 1, "%.0f", pt_json_num(h, "proposals", 0));
            if (writable) {
                pt_table_row(t);
                pt_table_cell(t, 0, "可写 writable");
                pt_table_cell(t, 1, cJSON_IsTrue(writable) ? "是 yes" : "否 no (read only)");
            }
            pt_table_row(t);
            pt_table_cell(t, 0, "地址 endpoint");
            pt_table_cell(t, 1, pt_client_endpoint(pt_cli_client(cli)));
            pt_table_print(t, stdout, 0);
            pt_table_free(t);
        }
    }
    pt_response_free(&resp);
    return rc;
}

const pt_command_t pt_cmd_health = {
    .name = "health",
    .summary = "check that ptrackd answers, and show its version",
    .description = "Asks GET /v1/health. Exits 0 when ptrackd answers, 3 when it cannot be\n"
                   "reached: usable in scripts and service checks.\n",
    .opts = opts,
    .run = run,
};

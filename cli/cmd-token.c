/*
 * cmd-token.c - `ptrack token create|list|revoke`: the tokens that let
 * programs and people in at ptrackd's TCP listener (admin only).
 *
 * A token is shown once, by create, and never again: ptrackd keeps only its
 * sha256. So create prints it alone on stdout (easy to copy, to take with
 * $(...), or with --json), and says on stderr what it made and that it will
 * not be shown again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "labels.h"
#include "table.h"
#include "times.h"
#include "width.h"

static const pt_opt_t opts[] = {
    {"name", PT_OPT_VALUE, "NAME", "create: the holder's name, which history shows as the actor"},
    {"role", PT_OPT_VALUE, "ROLE",
     "create: viewer, clerk, unit, delegate or admin, or 只读, 经办, 承办单位, 代表, 管理员"},
    {"unit", PT_OPT_VALUE, "UNIT", "create: for role unit, the unit (承办单位) it answers for"},
    {"person", PT_OPT_VALUE, "PERSON", "create: for role delegate, the delegate's name"},
    {0},
};

static int create(pt_cli_t *cli, const pt_args_t *args)
{
    const char *name = pt_args_value(args, "name");
    const char *role = pt_args_value(args, "role");
    const char *unit = pt_args_value(args, "unit");
    const char *person = pt_args_value(args, "person");
    if (!name || !role)
        return pt_cli_usage(cli, "token create needs --name NAME and --role ROLE");
    if (unit && person)
        return pt_cli_usage(cli, "give --unit (role unit) or --person (role delegate), not both");
    cJSON *body = cJSON_CreateObject();
    pt_json_add_str(body, "name", name);
    /* 承办单位 or 单位 is unit, ＡＤＭＩＮ admin. */
    pt_json_add_str(body, "role", pt_token_role_from_input(cli, role));
    if (unit)
        pt_json_add_str(body, "unit", unit);
    if (person)
        pt_json_add_str(body, "person", person);
    pt_response_t resp;
    int rc = pt_cli_call(cli, "POST", "/v1/tokens", body, NULL, &resp, NULL);
    cJSON_Delete(body);
    if (rc == PT_EXIT_OK) {
        const char *token = pt_json_str(resp.json, "token");
        if (cli->json) {
            pt_json_print(resp.json, stdout);
        } else {
            const char *bound = pt_json_str(resp.json, "unit");
            if (!bound)
                bound = pt_json_str(resp.json, "person");
            /* stdout holds the token alone, so that T=$(ptrack token
             * create ...) takes it and nothing else. The name is the one
             * typed; the unit's may be long and hold anything. */
            const char *made = pt_json_str(resp.json, "name");
            const char *given = pt_json_str(resp.json, "role");
            pt_buf_t line = {0}, shown = {0};
            pt_buf_printf(&line, "已创建 made token %s (%s%s%s)", made ? made : name,
                          given ? given : "", bound ? ", " : "", bound ? bound : "");
            pt_text_paragraph(&shown, pt_buf_str(&line), pt_err_width());
            fputs(pt_buf_str(&shown), stderr);
            pt_buf_free(&shown);
            pt_buf_free(&line);
            printf("%s\n", token ? token : "");
        }
        /* Within the line, as every line (pt_err_width): the first is
         * wider than a narrow terminal. */
        pt_buf_t once = {0};
        pt_text_paragraph(&once,
                          "ptrack token: 令牌只显示这一次 this token is shown only now: store it "
                          "safely",
                          pt_err_width());
        fprintf(stderr, "%s  (ptrackd keeps its hash, not the token)\n", pt_buf_str(&once));
        pt_buf_free(&once);
    }
    pt_response_free(&resp);
    return rc;
}

/* 承办单位 unit, 配置 config: the label a person reads, then the code that
 * --role and the API take; a code without a label (one a later ptrackd
 * adds) alone. */
static void labelled_cell(pt_table_t *t, size_t col, const char *label, const char *code)
{
    if (code && strcmp(label, code) != 0)
        pt_table_cellf(t, col, "%s %s", label, code);
    else
        pt_table_cell(t, col, code);
}

/* Makes the list fit the line (pt_out_width): the unit or person a token
 * is bound to wraps in its column, not narrower than its header, when the
 * line is too short for it. A token's name does not: revoke takes it,
 * typed or copied from here, and is never cut. Returns whether the table
 * fits so. */
static bool fit_list(pt_table_t *t)
{
    return pt_table_fit_wrap(t, 2, pt_out_width());
}

static int list(pt_cli_t *cli, const pt_args_t *args)
{
    (void)args;
    pt_response_t resp;
    const cJSON *items;
    int rc = pt_cli_get_items(cli, "/v1/tokens", "没有令牌 no token is in force", &resp, &items);
    if (!items)
        return rc;
    static const char *const header[] = {"名称 name",   "角色 role",    "绑定 unit/person",
                                         "来源 source", "创建 created", "最近使用 last used"};
    pt_table_t *t = pt_table_new(6, header);
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        char created[40], used[40];
        const char *bound = pt_json_str(it, "unit");
        if (!bound)
            bound = pt_json_str(it, "person");
        const char *c = pt_json_str(it, "created_at");
        const char *u = pt_json_str(it, "last_used_at");
        const char *role = pt_json_str(it, "role");
        const char *source = pt_json_str(it, "source");
        pt_table_row(t);
        pt_table_cell(t, 0, pt_json_str(it, "name"));
        labelled_cell(t, 1, pt_label_token_role(role), role);
        pt_table_cell(t, 2, bound ? bound : "-");
        labelled_cell(t, 3, pt_label_token_source(source), source);
        pt_table_cell(t, 4, c ? pt_time_show(c, PT_TIME_MINUTE, created, sizeof created) : "-");
        pt_table_cell(t, 5, u ? pt_time_show(u, PT_TIME_MINUTE, used, sizeof used) : "-");
    }
    /* A line too narrow for the table with every name whole (a terminal
     * of 40 or 60 columns, a long name) gets cards. */
    if (fit_list(t))
        pt_table_print(t, stdout, 0);
    else
        pt_table_print_cards(t, stdout, 0, pt_out_width());
    pt_table_free(t);
    pt_response_free(&resp);
    return PT_EXIT_OK;
}

static int revoke_token(pt_cli_t *cli, const pt_args_t *args)
{
    return pt_cli_delete_named(cli, "/v1/tokens/", args->pos[1], "revoked",
                               "已吊销 revoked token %s");
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    static const pt_subcommand_t subs[] = {
        {"list", false, "token list takes no argument", list},
        {"create", false, "token create takes options only (--name, --role)", create},
        {"revoke", true, "token revoke needs the token's name", revoke_token},
        {NULL, false, NULL, NULL},
    };
    return pt_cli_subcommand(cli, args, subs, "token");
}

const pt_command_t pt_cmd_token = {
    .name = "token",
    .args = "[list | create | revoke NAME]",
    .summary = "make, list and revoke access tokens (admin)",
    .description =
        "ptrack token [list]     \tthe tokens in force: name, role, the unit or person a\n"
        "                        \tunit or delegate is bound to, where it comes from (config\n"
        "                        \tor store), when it was made and last used; never a token\n"
        "ptrack token create --name NAME --role ROLE [--unit UNIT | --person PERSON]\t\n"
        "                        \tmakes a token (32 random bytes) and prints it once, alone\n"
        "                        \ton stdout (what was made is said on stderr); ptrackd\n"
        "                        \tkeeps only its sha256, so it cannot be shown again\n"
        "ptrack token revoke NAME\t\n"
        "                        \trevokes a token made at run time; it stops working at once\n"
        "                        \t(a token of the config file is removed there, then SIGHUP)\n"
        "\n"
        "Roles: viewer reads; clerk registers, edits and runs every action; unit reads and\n"
        "signs, returns, gives opinions on and replies to the proposals assigned to its\n"
        "unit (the office extends their deadlines); delegate reads the proposals they lead\n"
        "or co-signed and gives feedback on them; admin does everything, plugins and\n"
        "tokens included.\n"
        "\n"
        "Example:\n"
        "  T=$(ptrack token create --name 财政部联络员 --role unit --unit 财政部)\n"
        "  PTRACK_URL=http://127.0.0.1:8470 PTRACK_TOKEN=$T ptrack list\n",
    .opts = opts,
    .min_pos = 0,
    .max_pos = 2,
    .run = run,
};

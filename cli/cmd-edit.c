/*
 * cmd-edit.c - `ptrack edit ID` and `ptrack delete ID`: change a proposal's
 * fields, or remove a draft.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "fields.h"
#include "json.h"
#include "labels.h"
#include "names.h"
#include "proposal-opts.h"
#include "width.h"

static const pt_opt_t edit_opts[] = {
    {"title", PT_OPT_VALUE, "TEXT", "标题/案由 (cannot be cleared)"},
    PT_PROPOSAL_OPTS,
    {"set", PT_OPT_LIST, "KEY=VALUE",
     "a field to change; text for a text field (number, title), else JSON; null clears"},
    {"set-file", PT_OPT_LIST, "KEY=FILE", "a field whose text is in FILE (a long background)"},
    {"if-match", PT_OPT_VALUE, "VERSION", "refuse (412) if the proposal is no longer at VERSION"},
    {0},
};

/* Prints what an edit did: the proposal with --json, else its new version,
 * or that nothing changed when the version is still `at`, the one the
 * patch was sent to. `read` is the version ptrack read before it, when a
 * change of someone else's came in between (else -1): said, so that the
 * person does not take that change for theirs. */
static void report_edit(pt_cli_t *cli, long long id, const cJSON *proposal, double at, double read)
{
    double after = pt_json_num(proposal, "version", 0);
    if (cli->json) {
        pt_json_print(proposal, stdout);
        return;
    }
    char head[32];
    int indent = snprintf(head, sizeof head, "#%lld  ", id);
    if (after == at)
        printf("%s未修改 unchanged: 字段已是这些值 the fields already held these values  "
               "版本 version %.0f\n",
               head, after);
    else
        printf("%s已修改 updated  版本 version %.0f\n", head, after);
    /* On a line of its own, under the first, so that both fit 100 columns. */
    if (read >= 0)
        printf("%*s其间另有修改 another change came in first, with no clash: version "
               "%.0f→%.0f\n",
               indent, "", read, at);
}

/* With --if-match: the patch applies at that version or not at all, and a
 * refusal says why (context.c). */
static int patch_at(pt_cli_t *cli, long long id, const char *path, const cJSON *patch,
                    const char *if_match, long long version)
{
    pt_response_t resp;
    int rc = pt_cli_call(cli, "PATCH", path, patch, &(pt_request_opts_t){.if_match = if_match},
                         &resp, NULL);
    if (rc == PT_EXIT_OK)
        report_edit(cli, id, resp.json, (double)version, -1);
    pt_response_free(&resp);
    return rc;
}

static bool same_value(const cJSON *a, const cJSON *b)
{
    bool a_none = !a || cJSON_IsNull(a), b_none = !b || cJSON_IsNull(b);
    if (a_none || b_none)
        return a_none && b_none;
    return cJSON_Compare(a, b, true);
}

/* Adds to *names (", " between) the members of a merge patch whose values
 * differ between two states of the proposal, old and now: an object of the
 * patch (custom) member by member, as the patch merges it, so that a change
 * to another member of custom is not one to this one. A member whose value
 * now is already what the patch gives is no clash either. */
static void clashes(const cJSON *patch, const cJSON *old, const cJSON *now, const char *prefix,
                    pt_buf_t *names)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, patch)
    {
        const cJSON *o = pt_json_get(old, m->string), *n = pt_json_get(now, m->string);
        if (cJSON_IsObject(m) && (!o || cJSON_IsObject(o) || cJSON_IsNull(o)) &&
            (!n || cJSON_IsObject(n) || cJSON_IsNull(n))) {
            pt_buf_t sub = {0};
            pt_buf_printf(&sub, "%s%s.", prefix, m->string);
            clashes(m, o, n, pt_buf_str(&sub), names);
            pt_buf_free(&sub);
        } else if (!same_value(o, n) && !same_value(m, n)) {
            /* By its Chinese label too, where a top-level field has one. */
            const char *zh = *prefix ? NULL : pt_label_field(m->string);
            pt_buf_printf(names, "%s%s%s%s%s", names->len ? ", " : "", zh ? zh : "", zh ? " " : "",
                          prefix, m->string);
        }
    }
}

/* How many times a patch is sent again when other changes keep coming in
 * between; past that the proposal is too busy to edit blind. */
#define EDIT_TRIES 3

/* Without --if-match: ptrack reads the proposal first and sends the patch
 * with its version as If-Match, which tells whether the answer's version
 * is this patch's alone. When someone else's change came in between (412),
 * it reads the proposal again: if that change left the fields of the patch
 * as they were, the patch is sent again at the new version (the two
 * changes touch different fields, so nothing is lost and there is nothing
 * to refuse), and the output says another change came first; if it changed
 * one of them, nothing is sent, and the person is told which field and the
 * version to give to --if-match to put their value over it, rather than
 * overwrite the other person's change unseen. A proposal that cannot be
 * read first is patched as it stands, as a write without If-Match is. */
static int patch_current(pt_cli_t *cli, long long id, const char *path, const cJSON *patch)
{
    pt_response_t first, resp;
    if (pt_client_request(pt_cli_client(cli), "GET", path, NULL, NULL, &first) != 0 ||
        !pt_cli_answer_ok(&first) || pt_json_num(first.json, "version", -1) < 1) {
        pt_response_free(&first);
        int rc = pt_cli_call(cli, "PATCH", path, patch, NULL, &resp, NULL);
        if (rc == PT_EXIT_OK) {
            /* Nothing to compare with: whether it changed is not known. */
            if (cli->json)
                pt_json_print(resp.json, stdout);
            else
                printf("#%lld  已修改 updated  版本 version %.0f\n", id,
                       pt_json_num(resp.json, "version", 0));
        }
        pt_response_free(&resp);
        return rc;
    }
    double read = pt_json_num(first.json, "version", 0), at = read;
    int rc = PT_EXIT_OK;
    for (int tries = 1;; tries++) {
        char version[32];
        snprintf(version, sizeof version, "%.0f", at);
        if (pt_client_request(pt_cli_client(cli), "PATCH", path, patch,
                              &(pt_request_opts_t){.if_match = version}, &resp) == 0 &&
            pt_cli_answer_ok(&resp)) {
            report_edit(cli, id, resp.json, at, at != read ? read : -1);
            break;
        }
        const cJSON *err = pt_json_get(resp.json, "error");
        const char *code = pt_json_str(err, "code");
        if (resp.transport != PT_TRANSPORT_OK || resp.status != 412 || !code ||
            strcmp(code, "version_conflict") != 0) {
            rc = pt_cli_report(cli, &resp, NULL);
            break;
        }
        /* Someone else's change came in: what did it change? */
        pt_response_t now;
        if (pt_client_request(pt_cli_client(cli), "GET", path, NULL, NULL, &now) != 0 ||
            !pt_cli_answer_ok(&now)) {
            rc = pt_cli_report(cli, &now, NULL);
            pt_response_free(&now);
            break;
        }
        double current = pt_json_num(now.json, "version", 0);
        pt_buf_t names = {0};
        clashes(patch, first.json, now.json, "", &names);
        if (names.len || tries == EDIT_TRIES) {
            if (cli->json)
                pt_json_print(resp.json, stdout);
            if (names.len)
                fprintf(stderr,
                        "ptrack: 已被他人修改，未修改：another change to proposal %lld came in "
                        "while this one was sent (version %.0f→%.0f), and it changed %s too; "
                        "nothing was changed. Look at it (ptrack show %lld, ptrack history "
                        "%lld) and edit again, or give --if-match %.0f to put these values "
                        "over it\n",
                        id, read, current, pt_buf_str(&names), id, id, current);
            else
                fprintf(stderr,
                        "ptrack: 已被他人修改，未修改：proposal %lld kept changing while this "
                        "edit was sent (version %.0f→%.0f); nothing was changed: try again\n",
                        id, read, current);
            pt_buf_free(&names);
            pt_response_free(&now);
            rc = PT_EXIT_REFUSED;
            break;
        }
        pt_buf_free(&names);
        pt_response_free(&now);
        pt_response_free(&resp);
        at = current;
    }
    pt_response_free(&resp);
    pt_response_free(&first);
    return rc;
}

static int edit(pt_cli_t *cli, const pt_args_t *args)
{
    long long id, version;
    size_t n_set, n_file;
    int rc = pt_cli_id(cli, args->pos[0], &id);
    if (rc != PT_EXIT_OK)
        return rc;
    const char *if_match = pt_args_value(args, "if-match");
    if (if_match)
        if_match = pt_input_fold(cli, if_match);
    if (if_match && pt_args_int(if_match, &version) != 0)
        return pt_cli_usage(cli, "--if-match takes a version number, not \"%s\"", if_match);
    const char **sets = pt_args_list(args, "set", &n_set);
    const char **files = pt_args_list(args, "set-file", &n_file);
    if (!pt_proposal_opts_given(args) && n_set + n_file == 0)
        return pt_cli_usage(cli, "nothing to change: give a field (--title TEXT, --tag TAG, ...) "
                                 "or --set key=value");

    /* The patch is a JSON merge patch (RFC 7396): the members given replace
     * the proposal's, null removes one, and an object (custom) is merged key
     * by key, which is what a dotted key such as custom.联系人 builds. The
     * field options come first and --set after them, as in add: a --set of
     * the same field wins. An option given as "" is null: it clears. */
    cJSON *patch = pt_xcheck(cJSON_CreateObject());
    rc = pt_proposal_opts_body(cli, args, patch, true);
    for (size_t i = 0; i < n_set && rc == PT_EXIT_OK; i++)
        if (pt_args_set_typed(patch, sets[i], cli->cmd, pt_field_type_proposal, NULL) != 0)
            rc = PT_EXIT_USAGE;
    for (size_t i = 0; i < n_file && rc == PT_EXIT_OK; i++)
        if (pt_args_set_file(patch, files[i], cli->cmd) != 0)
            rc = PT_EXIT_USAGE;
    if (rc != PT_EXIT_OK) {
        cJSON_Delete(patch);
        return rc;
    }
    /* --set co_signers=王秀英，张建军 is a list of names typed as text, and
     * --set tags=交通，民生 one of tags. */
    pt_names_field(patch, "co_signers");
    pt_names_field(patch, "tags");
    pt_fields_proposal_input(cli, patch);

    char path[64];
    snprintf(path, sizeof path, "/v1/proposals/%lld", id);
    rc = if_match ? patch_at(cli, id, path, patch, if_match, version)
                  : patch_current(cli, id, path, patch);
    cJSON_Delete(patch);
    return rc;
}

const pt_command_t pt_cmd_edit = {
    .name = "edit",
    .args = "ID",
    .summary = "change a proposal's fields (title, tags, custom, ...)",
    .description = "Sends PATCH /v1/proposals/ID with a JSON merge patch made of the field\n"
                   "options (the same as add's) and the --set options. Editable: number, kind,\n"
                   "session, title, background, recommendations, submitter_type, lead_author,\n"
                   "co_signers, delegation, category, tags, custom. The state is changed only\n"
                   "by actions (ptrack do). A list option (--co-signer, --recommendation, --tag)\n"
                   "replaces the whole list. A field option given as \"\" clears the field, as\n"
                   "--set key=null does (the title cannot be cleared). A dotted key sets one\n"
                   "member of an object: --set custom.联系人=张三. Prints the new version, or\n"
                   "未修改 unchanged when the fields already held the values given.\n"
                   "\n"
                   "Without --if-match, the patch is sent at the version ptrack reads first. A\n"
                   "change of someone else's that comes in between and leaves these fields as\n"
                   "they were is kept, and the line says it came first; one that sets one of\n"
                   "them stops the edit (exit 1), naming the field and the version to give to\n"
                   "--if-match to overwrite it.\n"
                   "\n"
                   "Examples:\n"
                   "  ptrack edit 12 --title 关于进一步加强农村饮水安全保障的建议\n"
                   "  ptrack edit 12 --co-signer 王秀英，张建军 --category '' --if-match 3\n"
                   "  ptrack edit 12 --set 'tags=[\"民生\",\"水利\"]' --set custom.联系人=张三\n",
    .opts = edit_opts,
    .min_pos = 1,
    .max_pos = 1,
    .run = edit,
};

static const pt_opt_t delete_opts[] = {
    {"yes", PT_OPT_FLAG, NULL, "delete without asking (also -y); asked only on a terminal"},
    {0},
};

/* Asks on the terminal whether to delete the draft at path, showing its
 * number and title. Returns true to go on: for a yes, and when there is
 * nothing to ask about (a proposal that is not a draft, or one that cannot
 * be read: ptrackd's answer to the DELETE says why). */
static bool confirmed(pt_cli_t *cli, long long id, const char *path)
{
    pt_response_t resp;
    bool go = true;
    if (pt_client_request(pt_cli_client(cli), "GET", path, NULL, NULL, &resp) != 0 ||
        resp.status != 200) {
        pt_response_free(&resp);
        return true;
    }
    const char *status = pt_json_str(resp.json, "status");
    if (status && strcmp(status, "draft") == 0) {
        pt_buf_t title = {0}, number = {0};
        const char *t = pt_json_str(resp.json, "title");
        const char *no = pt_json_str(resp.json, "number");
        pt_text_clean(&title, t ? t : "");
        pt_text_clean(&number, no ? no : "");
        fprintf(stderr, "删除草稿 delete draft #%lld%s%s  %s ? [y/N] ", id, no ? "  " : "",
                pt_buf_str(&number), pt_buf_str(&title));
        fflush(stderr);
        pt_buf_free(&title);
        pt_buf_free(&number);
        char answer[64] = "";
        if (!fgets(answer, sizeof answer, stdin))
            answer[0] = '\0';
        answer[strcspn(answer, "\r\n")] = '\0';
        go = strcmp(answer, "y") == 0 || strcmp(answer, "Y") == 0 || strcmp(answer, "yes") == 0 ||
             strcmp(answer, "是") == 0;
    }
    pt_response_free(&resp);
    return go;
}

static int delete (pt_cli_t *cli, const pt_args_t *args)
{
    long long id;
    int rc = pt_cli_id(cli, args->pos[0], &id);
    if (rc != PT_EXIT_OK)
        return rc;
    char path[64];
    pt_response_t resp;
    snprintf(path, sizeof path, "/v1/proposals/%lld", id);
    /* A person at a terminal is asked first; a script (stdin not a
     * terminal) is not, and --yes skips the question. */
    if (!pt_args_flag(args, "yes") && isatty(0) && !confirmed(cli, id, path)) {
        fprintf(stderr, "未删除 not deleted\n");
        return PT_EXIT_OK;
    }
    rc = pt_cli_call(cli, "DELETE", path, NULL, NULL, &resp, NULL);
    /* 204 has no body, so --json has nothing of the daemon's to print. */
    if (rc == PT_EXIT_OK && !cli->json)
        printf("#%lld  已删除 deleted\n", id);
    pt_response_free(&resp);
    return rc;
}

const pt_command_t pt_cmd_delete = {
    .name = "delete",
    .args = "ID",
    .summary = "delete a draft (other proposals are withdrawn instead: do ID withdraw)",
    .description = "Sends DELETE /v1/proposals/ID. Only a draft can be deleted; a proposal that\n"
                   "was submitted stays on record and is withdrawn with `ptrack do ID withdraw\n"
                   "--set reason=...`. When stdin is a terminal, it first shows the draft's\n"
                   "number and title and asks (y, yes or 是 deletes; anything else leaves it,\n"
                   "exit 0); --yes (-y) does not ask. A script (stdin not a terminal) is never\n"
                   "asked. Prints nothing with --json (the answer has no body).\n",
    .opts = delete_opts,
    .min_pos = 1,
    .max_pos = 1,
    .run = delete,
};

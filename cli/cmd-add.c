/*
 * cmd-add.c - `ptrack add`: register a proposal, or many from a JSON file.
 *
 * Every add carries an Idempotency-Key made of 16 random bytes. When the
 * connection breaks after the request went out, the client sends it once
 * more with the same key: if the first one was stored, ptrackd answers with
 * that proposal (Idempotent-Replayed: true) instead of making a second one,
 * so a flaky connection never registers the same suggestion twice.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cli.h"
#include "fields.h"
#include "json.h"
#include "labels.h"
#include "names.h"
#include "proposal-opts.h"
#include "width.h"

/* The line that says what was added fits LINE_WIDTH, but a title keeps at
 * least this many columns, as in a list. */
#define TITLE_MIN 20

static const pt_opt_t opts[] = {
    {"title", PT_OPT_VALUE, "TEXT", "标题/案由 (required unless --from-file)"},
    PT_PROPOSAL_OPTS,
    {"set", PT_OPT_LIST, "KEY=VALUE",
     "any other field (text for a text field, else JSON), e.g. custom.联系人=张三"},
    {"draft", PT_OPT_FLAG, NULL, "create it as a draft (草稿), to submit later"},
    {"from-file", PT_OPT_VALUE, "FILE",
     "add the JSON object in FILE, or each object of a JSON array (- reads stdin)"},
    {0},
};

/* The request body from the options. Returns NULL after a message. */
static cJSON *body_from_options(pt_cli_t *cli, const pt_args_t *args)
{
    cJSON *body = pt_xcheck(cJSON_CreateObject());
    size_t n;

    if (pt_proposal_opts_body(cli, args, body, false) != PT_EXIT_OK) {
        cJSON_Delete(body);
        return NULL;
    }
    const char **sets = pt_args_list(args, "set", &n);
    for (size_t i = 0; i < n; i++) {
        if (pt_args_set_typed(body, sets[i], cli->cmd, pt_field_type_proposal, NULL) != 0) {
            cJSON_Delete(body);
            return NULL;
        }
    }
    pt_names_field(body, "co_signers");
    pt_names_field(body, "tags");
    pt_fields_proposal_input(cli, body);
    if (!pt_json_str(body, "title")) {
        pt_cli_usage(cli, "--title is required (or give --from-file)");
        cJSON_Delete(body);
        return NULL;
    }
    return body;
}

/* Posts one body. On success prints the result (or keeps it in `out` for
 * --json) and returns 0; otherwise the exit code, after the error line. */
static int add_one(pt_cli_t *cli, const cJSON *body, const char *what, cJSON *out)
{
    char key[33];
    pt_request_opts_t o = {0};
    pt_response_t resp;
    if (pt_client_idempotency_key(key) == 0) {
        o.idempotency_key = key;
        o.retry_after_send = true;
    }
    int rc = pt_cli_call(cli, "POST", "/v1/proposals", body, &o, &resp, what);
    if (rc == PT_EXIT_OK) {
        if (cli->json) {
            pt_json_push(out, resp.json);
            resp.json = NULL;
        } else {
            const char *status = pt_json_str(resp.json, "status");
            /* One line a proposal, whatever line breaks its title holds,
             * within LINE_WIDTH: a title of 500 characters is cut with …
             * to what the id and the state leave of it, as list cuts it,
             * and show has it whole. */
            pt_buf_t id = {0}, title = {0}, cut = {0}, rest = {0}, state = {0};
            const char *t = pt_json_str(resp.json, "title");
            pt_buf_printf(&id, "#%.0f  ", pt_json_num(resp.json, "id", 0));
            pt_buf_printf(&rest, "  (%s)%s", pt_label_state_named(cli, status, &state),
                          resp.replayed ? "  已存在 (the earlier attempt had been stored)" : "");
            size_t others = pt_text_width(pt_buf_str(&id)) + pt_text_width(pt_buf_str(&rest));
            size_t room = others + TITLE_MIN < pt_out_width() ? pt_out_width() - others : TITLE_MIN;
            pt_text_clean(&title, t ? t : "");
            pt_text_truncate(&cut, pt_buf_str(&title), room);
            printf("%s%s%s\n", pt_buf_str(&id), pt_buf_str(&cut), pt_buf_str(&rest));
            pt_buf_free(&id);
            pt_buf_free(&title);
            pt_buf_free(&cut);
            pt_buf_free(&rest);
            pt_buf_free(&state);
        }
    }
    pt_response_free(&resp);
    return rc;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True when s[0..n) is JSON whitespace only. */
static bool only_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]))
            return false;
    return true;
}

/* True when what follows a first object is another object on a line of
 * its own: a JSON Lines file given to the wrong command. */
static bool looks_like_json_lines(const char *rest, size_t n)
{
    size_t i = 0;
    bool newline = false;
    for (; i < n && is_space(rest[i]); i++)
        newline = newline || rest[i] == '\n';
    return newline && i < n && rest[i] == '{';
}

/* What a file named path holds when ptrack import reads it by its
 * extension and it is no JSON: a sheet saved as CSV, a document saved as
 * text. NULL for any other name. */
static const char *import_kind(const char *path)
{
    static const char *const kinds[][2] = {{".csv", "a CSV file"}, {".txt", "a text document"}};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t e = strlen(kinds[i][0]);
        if (n > e && strcasecmp(path + n - e, kinds[i][0]) == 0)
            return kinds[i][1];
    }
    return NULL;
}

/* True when the file at path begins, after a byte order mark and blanks,
 * as no JSON object or array does; false when it cannot be read, which
 * reading it again says. */
static bool starts_unlike_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char head[512];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    size_t i = n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && is_space(head[i]))
        i++;
    return i < n && head[i] != '{' && head[i] != '[';
}

static int add_from_file(pt_cli_t *cli, const pt_args_t *args, const char *path)
{
    const char *given = pt_proposal_opts_given(args);
    size_t len;
    if (!given && pt_args_flag(args, "set"))
        given = "set";
    if (given)
        return pt_cli_usage(
            cli, "--%s cannot be combined with --from-file: put the field in the file", given);
    /* A sheet or a document given here for ptrack import (a CSV in GBK
     * too, which converting to UTF-8 would not make JSON). */
    const char *kind = strcmp(path, "-") != 0 ? import_kind(path) : NULL;
    if (kind && starts_unlike_json(path)) {
        pt_buf_t q = {0};
        pt_utf8_shown_line(stderr,
                           "ptrack %s: %s is %s, not JSON: ptrack import %s reads it (--from-file "
                           "takes a JSON object or an array of objects)",
                           cli->cmd, path, kind, pt_shell_name(&q, path));
        pt_buf_free(&q);
        return PT_EXIT_USAGE;
    }
    char *text = pt_args_read_text(path, cli->cmd, &len);
    if (!text)
        return PT_EXIT_USAGE;
    /* Named as import names it: "-" is stdin to the person who typed it;
     * shown as other typed text is (pt_utf8_shown_line): a file's name is
     * bytes in any encoding. */
    const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
    /* An empty file (a pipe whose writer failed, a file not yet saved) is
     * not JSON "near byte 0", which sends the person looking for a typo. */
    if (only_space(text, len)) {
        pt_utf8_shown_line(stderr,
                           "ptrack %s: %s is empty: it should hold a JSON object or an array of "
                           "objects",
                           cli->cmd, name);
        free(text);
        return PT_EXIT_USAGE;
    }
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (doc && !only_space(end, (size_t)(text + len - end))) {
        /* cJSON stops after the first value; what follows it would be
         * dropped without a word. Several objects one after another are
         * JSON Lines, which the importer reads. */
        if (cJSON_IsObject(doc) && looks_like_json_lines(end, (size_t)(text + len - end))) {
            pt_buf_t q = {0};
            pt_utf8_shown_line(
                stderr,
                "ptrack %s: %s holds more than one JSON value (one object a line is JSON "
                "Lines: use ptrack import %s --format jsonl, or put the objects in an "
                "array [...])",
                cli->cmd, name, pt_shell_name(&q, path));
            pt_buf_free(&q);
        } else
            pt_utf8_shown_line(
                stderr, "ptrack %s: %s is not valid JSON: something follows the value at byte %zu",
                cli->cmd, name, (size_t)(end - text));
        cJSON_Delete(doc);
        free(text);
        return PT_EXIT_USAGE;
    }
    if (!doc || (!cJSON_IsObject(doc) && !cJSON_IsArray(doc))) {
        if (!doc)
            pt_utf8_shown_line(stderr, "ptrack %s: %s is not valid JSON (near byte %zu)", cli->cmd,
                               name, end && end >= text ? (size_t)(end - text) : (size_t)0);
        else
            pt_utf8_shown_line(stderr,
                               "ptrack %s: %s must hold a JSON object or an array of objects",
                               cli->cmd, name);
        cJSON_Delete(doc);
        free(text);
        return PT_EXIT_USAGE;
    }
    free(text);

    bool many = cJSON_IsArray(doc);
    /* With several items, --json prints one array of what was added; the
     * refusals go to stderr only. */
    cli->json_errors_off = many;
    size_t total = many ? (size_t)cJSON_GetArraySize(doc) : 1, added = 0, index = 0;
    const cJSON *item;
    int rc = PT_EXIT_OK;
    cJSON *out = pt_xcheck(cJSON_CreateArray());

    /* Check the shape of every item before sending any, so that a typo in
     * item 7 does not leave items 1 to 6 added and the rest not. */
    for (size_t i = 0; many && i < total; i++) {
        if (!cJSON_IsObject(cJSON_GetArrayItem(doc, (int)i))) {
            pt_utf8_shown_line(stderr, "ptrack %s: item %zu of %s is not a JSON object", cli->cmd,
                               i + 1, name);
            cJSON_Delete(doc);
            cJSON_Delete(out);
            return PT_EXIT_USAGE;
        }
    }
    for (item = many ? doc->child : doc; item; item = many ? item->next : NULL) {
        char what[32];
        cJSON *body = pt_xcheck(cJSON_Duplicate(item, 1));
        index++;
        /* "kind": "建议", as on the command line (and as a refusal's
         * hint says the field takes). */
        pt_fields_proposal_input(cli, body);
        if (pt_args_flag(args, "draft") && !pt_json_get(body, "status"))
            pt_json_add_str(body, "status", "draft");
        snprintf(what, sizeof what, "item %zu", index);
        int one = add_one(cli, body, many ? what : NULL, out);
        cJSON_Delete(body);
        if (one == PT_EXIT_OK) {
            added++;
            continue;
        }
        if (rc == PT_EXIT_OK)
            rc = one;
        /* A refused item is reported and the rest go on; when ptrackd cannot
         * be reached or fails, the remaining items would only fail too. */
        if (one != PT_EXIT_REFUSED) {
            rc = one;
            break;
        }
    }
    /* --json prints what was added: the array of the proposals made (even
     * when some items were refused, so a script learns their ids), or the
     * one proposal of a file that held one object. */
    if (cli->json && many)
        pt_json_print(out, stdout);
    else if (cli->json && out->child)
        pt_json_print(out->child, stdout);
    else if (many && (fflush(stdout) != 0 || ferror(stdout)))
        /* The lines of what was added were lost (a full disk, a reader
         * gone: ptrack add --from-file many.json | head -1); the count
         * still tells how far it went, beside main's line on the loss. */
        fprintf(stderr, "ptrack add: 已新增 %zu / %zu 条 (%zu of %zu added)\n", added, total, added,
                total);
    else if (many)
        printf("已新增 %zu / %zu 条 (%zu of %zu added)\n", added, total, added, total);
    cJSON_Delete(out);
    cJSON_Delete(doc);
    return rc;
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    const char *file = pt_args_value(args, "from-file");
    if (file)
        return add_from_file(cli, args, file);

    cJSON *body = body_from_options(cli, args);
    if (!body)
        return PT_EXIT_USAGE;
    if (pt_args_flag(args, "draft")) {
        const cJSON *status = pt_json_get(body, "status");
        if (status && !(cJSON_IsString(status) && strcmp(status->valuestring, "draft") == 0)) {
            char *said = pt_xcheck(cJSON_PrintUnformatted(status));
            int rc =
                pt_cli_usage(cli, "--draft and --set status=%s say two things; give one", said);
            cJSON_free(said);
            cJSON_Delete(body);
            return rc;
        }
        if (!status)
            pt_json_add_str(body, "status", "draft");
    }
    cJSON *out = pt_xcheck(cJSON_CreateArray());
    int rc = add_one(cli, body, NULL, out);
    if (rc == PT_EXIT_OK && cli->json)
        pt_json_print(out->child, stdout);
    cJSON_Delete(out);
    cJSON_Delete(body);
    return rc;
}

const pt_command_t pt_cmd_add = {
    .name = "add",
    .summary = "register a proposal (or every proposal in a JSON file)",
    .description =
        "Sends POST /v1/proposals. The proposal starts as 已提出 (submitted), or as a\n"
        "draft with --draft. Prints the new id, title and state on a line of at most\n"
        "100 columns, fewer on a narrower terminal (a long title cut with …); with\n"
        "--json the proposal.\n"
        "With --from-file, the file holds one JSON object with the API's field names\n"
        "or an array of them; each is added on its own: a refused item is reported\n"
        "(\"item 3: ...\") and the others are still added.\n"
        "\n"
        "Examples:\n"
        "  ptrack add --title 关于加强农村饮水安全保障的建议 --kind 建议 \\\n"
        "      --delegation 山西代表团 --lead-author 张三 --co-signer 李四 --co-signer 王五 \\\n"
        "      --recommendation 一是加大财政投入 --recommendation 二是完善管护机制\n"
        "  ptrack add --from-file proposals.json\n",
    .opts = opts,
    .run = run,
};

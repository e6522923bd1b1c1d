/*
 * context.c - how commands call the daemon and report failures (see cli.h).
 *
 * Every failure reaches the user as exactly one line on stderr, starting with
 * "ptrack: ", and one exit code. The line uses the daemon's own message when
 * there is one, because the daemon knows best what was wrong (and says it in
 * the office's language), and adds what the message alone leaves out: the
 * actions that are allowed instead, the fields that failed, the version that
 * is current.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "labels.h"
#include "times.h"
#include "width.h"

/* The largest integer a JSON number holds exactly (2^53 - 1). */
#define PT_ID_MAX 9007199254740991LL

pt_client_t *pt_cli_client(pt_cli_t *cli)
{
    if (!cli->client) {
        pt_client_config_t cfg = {
            .socket_path = cli->socket, .base_url = cli->url, .token = cli->token};
        cli->client = pt_client_new(&cfg);
    }
    return cli->client;
}

static void report_transport(pt_cli_t *cli, const pt_response_t *resp, const char *prefix)
{
    pt_client_t *c = pt_cli_client(cli);
    const char *at = pt_client_endpoint(c);
    pt_buf_t b = {0};
    pt_buf_printf(&b, "ptrack: %s", prefix);
    switch (resp->transport) {
    case PT_TRANSPORT_CONNECT:
        /* A socket (or a directory on its path) that this user may not
         * open: ptrackd is likely up, so "is it running?" would send the
         * person looking in the wrong place. */
        if (resp->os_errno == EACCES && !pt_client_is_tcp(c)) {
            pt_buf_printf(&b,
                          "无权使用 ptrackd 的套接字 %s (%s): this user may not open it; ask "
                          "ptrackd's administrator to add you to socket_users (and "
                          "socket_group), or use --url with a token",
                          at, resp->reason);
            break;
        }
        /* A path that is there but no socket (the config file, the data
         * directory, given by mistake) refuses the connection as a socket
         * with no daemon behind it would: say what it is instead. */
        struct stat st;
        if (!pt_client_is_tcp(c) && stat(at, &st) == 0 && !S_ISSOCK(st.st_mode)) {
            pt_buf_printf(&b,
                          "%s is not a socket but a %s: give ptrackd's socket (the config's "
                          "\"socket\", var/ptrack.sock by default) with --socket or "
                          "PTRACK_SOCKET",
                          at, S_ISDIR(st.st_mode) ? "directory" : "file");
            break;
        }
        pt_buf_printf(&b, "cannot connect to ptrackd at %s: %s (is ptrackd running? use %s)", at,
                      resp->reason,
                      pt_client_is_tcp(c) ? "--url or PTRACK_URL" : "--socket or PTRACK_SOCKET");
        break;
    case PT_TRANSPORT_TIMEOUT:
        pt_buf_printf(&b, "ptrackd at %s did not answer in time (%s)", at, resp->reason);
        break;
    case PT_TRANSPORT_ABORTED:
        pt_buf_puts(&b, "interrupted");
        break;
    case PT_TRANSPORT_BAD_URL:
        pt_buf_printf(&b,
                      "%s is not an address ptrack can use (%s); give --url or PTRACK_URL as "
                      "http://HOST:PORT, e.g. http://127.0.0.1:8470",
                      at, resp->reason);
        break;
    default:
        pt_buf_printf(&b, "the connection to ptrackd at %s failed: %s", at, resp->reason);
        break;
    }
    /* As long as a refusal (a socket's long path), and wrapped as it is on
     * a terminal; the socket's name as typed (bytes in any encoding) shown
     * as other typed text is. */
    char *shown = pt_utf8_shown(pt_buf_str(&b));
    pt_text_say(shown);
    free(shown);
    pt_buf_free(&b);
}

/* Appends the actions of an error's `allowed` that its message does not
 * already name, and then each by its label in the workflow (（可进行：签收
 * sign、答复 reply）), or, when there is none, none_said. */
static void allowed_details(pt_cli_t *cli, pt_buf_t *b, const char *msg, const cJSON *allowed,
                            const char *none_said)
{
    char *list = pt_json_join(allowed, ", ");
    const char *shown = *list ? list : "none";
    if (!strstr(msg, shown))
        pt_buf_printf(b, " (allowed: %s)", shown);
    free(list);
    /* And by the names the office uses (ptrack do takes either). */
    const cJSON *a;
    bool first = true;
    cJSON_ArrayForEach(a, allowed)
    {
        if (!cJSON_IsString(a))
            continue;
        const char *zh = pt_label_action(cli, a->valuestring);
        /* Without the workflow (it could not be read) there is no label. */
        if (zh == a->valuestring || strcmp(zh, a->valuestring) == 0)
            continue;
        pt_buf_printf(b, "%s%s %s", first ? "（可进行：" : "、", zh, a->valuestring);
        first = false;
    }
    if (!first)
        pt_buf_puts(b, "）");
    /* "allowed: none" (a closed proposal; to a delegate, one not yet
     * answered) is the one list that has no labels to show. */
    else if (cJSON_IsArray(allowed) && !allowed->child)
        pt_buf_puts(b, none_said);
}

/* Appends the details of an API error that its message does not already
 * carry. ptrackd's own messages tend to include them ("...; allowed: sign,
 * return"), but the details are the stable part of the API and a message
 * may be cut short or reworded, so each detail is added unless the message
 * already holds it: never twice, never missing. */
static void error_details(pt_cli_t *cli, pt_buf_t *b, const char *msg, const cJSON *err)
{
    const char *code = pt_json_str(err, "code");
    if (!code)
        return;
    /* A refused unit or delegate is told what it may run instead, as
     * `allowed` too (api.md, forbidden): named as a refused transition
     * names them, by the labels as well, since ptrack do takes either. */
    bool transition = strcmp(code, "invalid_transition") == 0;
    if (transition ||
        (strcmp(code, "forbidden") == 0 && cJSON_IsArray(pt_json_get(err, "allowed"))))
        allowed_details(cli, b, msg, pt_json_get(err, "allowed"),
                        transition ? "（当前状态下没有可进行的操作）"
                                   : "（目前没有你可进行的操作）");
    if (strcmp(code, "validation_failed") == 0 || strcmp(code, "invalid_json") == 0) {
        const cJSON *f;
        bool first = true;
        cJSON_ArrayForEach(f, pt_json_get(err, "fields"))
        {
            const char *field = pt_json_str(f, "field");
            const char *fmsg = pt_json_str(f, "message");
            pt_buf_t one = {0};
            pt_buf_printf(&one, "%s%s%s", field ? field : "", field ? ": " : "",
                          fmsg ? fmsg : "invalid");
            /* Held already: "field: message", or the message alone (a
             * message naming its one problem in its own words). */
            if (!strstr(msg, pt_buf_str(&one)) && !(fmsg && strstr(msg, fmsg))) {
                pt_buf_printf(b, "%s%s", first ? ": " : "; ", pt_buf_str(&one));
                first = false;
            }
            pt_buf_free(&one);
        }
        /* A value refused in a field that takes labels (a delegate's
         * 很满意): the labels it takes, as the message names only codes. */
        cJSON_ArrayForEach(f, pt_json_get(err, "fields"))
        {
            const char *field = pt_json_str(f, "field");
            pt_buf_t labels = {0};
            if (pt_value_labels_describe(field, &labels))
                pt_buf_printf(b, "（%s 可填：%s）", field, pt_buf_str(&labels));
            pt_buf_free(&labels);
        }
    } else if (strcmp(code, "version_conflict") == 0) {
        const cJSON *v = pt_json_get(err, "current_version");
        char num[32];
        if (cJSON_IsNumber(v)) {
            snprintf(num, sizeof num, "%.0f", v->valuedouble);
            if (!strstr(msg, num))
                pt_buf_printf(b, " (current version: %s)", num);
        }
    }
}

/* ptrackd's messages give times as the API does, in UTC ("which ended
 * 2026-11-29T11:38:20.979Z"); the person reads them in local time, to the
 * second, as every table shows times. Rewrites the text of b so. */
static void show_local_times(pt_buf_t *b)
{
    pt_buf_t out = {0};
    const char *s = pt_buf_str(b);
    while (*s) {
        size_t n = pt_time_span(s);
        if (n == 0) {
            pt_buf_putc(&out, *s++);
            continue;
        }
        char *at = pt_xstrndup(s, n), shown[64];
        pt_buf_puts(&out, pt_time_show(at, PT_TIME_SECOND, shown, sizeof shown));
        free(at);
        s += n;
    }
    pt_buf_free(b);
    *b = out;
}

int pt_cli_report(pt_cli_t *cli, const pt_response_t *resp, const char *what)
{
    pt_buf_t prefix = {0};
    pt_buf_t line = {0};
    int rc;

    /* What may be a file's name, which may hold anything: shown as typed
     * text is, its controls and bytes that are not UTF-8 as \xNN. */
    if (what) {
        char *shown = pt_utf8_shown(what);
        pt_buf_printf(&prefix, "%s: ", shown);
        free(shown);
    }
    if (resp->transport != PT_TRANSPORT_OK) {
        report_transport(cli, resp, pt_buf_str(&prefix));
        pt_buf_free(&prefix);
        /* A URL that cannot be used is a bad command line, not a daemon
         * that is away. */
        return resp->transport == PT_TRANSPORT_BAD_URL ? PT_EXIT_USAGE : PT_EXIT_CONNECT;
    }

    const cJSON *err = pt_json_get(resp->json, "error");
    /* ptrackd answers every refusal with its error object, whose code
     * says what it was. A 4xx without one (a web server's 404 page, when
     * --url names another program's port) is no refusal of ptrackd's:
     * what answered is not ptrackd, as for a 2xx without its JSON. */
    bool ptrackd_error = pt_json_str(err, "code") != NULL;
    rc = resp->status >= 400 && resp->status < 500 && ptrackd_error ? PT_EXIT_REFUSED
                                                                    : PT_EXIT_SERVER;
    /* --json prints the daemon's answer as it is, an error answer too
     * (with its members: a refused import's rejected records, an invalid
     * transition's allowed actions), for a script to read; the message
     * still goes to stderr, for the person. */
    if (cli->json && !cli->json_errors_off && cJSON_IsObject(err))
        pt_json_print(resp->json, stdout);
    const char *msg = pt_json_str(err, "message");
    const char *code = pt_json_str(err, "code");
    /* What the code means, in Chinese, then the daemon's own words. */
    const char *gist = pt_label_error(code);
    /* An If-Match ahead of the proposal is no one else's change. */
    if (code && strcmp(code, "version_conflict") == 0 &&
        pt_json_num(err, "if_match", 0) > pt_json_num(err, "current_version", 0))
        gist = "版本号有误，请重新读取后再试";
    if (gist && msg && *msg)
        pt_buf_printf(&prefix, "%s：", gist);
    if (msg && *msg) {
        pt_buf_puts(&line, msg);
    } else if (code) {
        pt_buf_printf(&line, "the request was refused: %s (HTTP %ld)", code, resp->status);
    } else {
        /* Not one of ptrackd's error objects, or a success without the
         * JSON every success carries: something else answered (a proxy,
         * another program on the port). Show the status and the start of
         * what it said. */
        pt_buf_printf(&line, "unexpected answer from %s: HTTP %ld",
                      pt_client_endpoint(pt_cli_client(cli)), resp->status);
        pt_buf_printf(&line, " without ptrackd's JSON (is it ptrackd?)");
        if (resp->body_len > 0) {
            size_t n = strcspn(resp->body, "\r\n");
            pt_buf_printf(&line, ": %.*s", (int)(n > 120 ? 120 : n), resp->body);
        }
    }
    /* A copy: appending to line may move the text the check reads. */
    char *said = pt_xstrdup(pt_buf_str(&line));
    error_details(cli, &line, said, err);
    free(said);
    if (code && (strcmp(code, "unauthorized") == 0 || strcmp(code, "forbidden") == 0)) {
        pt_client_t *c = pt_cli_client(cli);
        if (pt_client_is_tcp(c) && !pt_client_has_token(c))
            pt_buf_puts(&line, " (no token was sent: use --token or PTRACK_TOKEN)");
        else if (pt_client_is_tcp(c) && strcmp(code, "unauthorized") == 0)
            pt_buf_puts(&line,
                        " (check the token of --token or PTRACK_TOKEN; one that was "
                        "revoked is refused too: ask ptrackd's administrator for a new one)");
    }
    /* ptrackd's message names the query parameter that would say whose
     * part a todo filter asks about; a person at the command line gives
     * the option that sends it. */
    pt_buf_replace(&line, "add unit=NAME", "add --unit NAME");
    /* The message is the daemon's, and may quote what another person
     * stored: kept on one line whatever it holds, its controls as spaces
     * and without the bidirectional controls (pt_text_clean), as a table
     * cell. */
    pt_buf_t clean = {0};
    pt_text_clean(&clean, pt_buf_str(&line));
    show_local_times(&clean);
    pt_buf_t whole = {0};
    pt_buf_printf(&whole, "ptrack: %s%s", pt_buf_str(&prefix), pt_buf_str(&clean));
    pt_text_say(pt_buf_str(&whole));
    pt_buf_free(&whole);
    pt_buf_free(&clean);
    pt_buf_free(&line);
    pt_buf_free(&prefix);
    return rc;
}

bool pt_cli_answer_ok(const pt_response_t *resp)
{
    if (resp->transport != PT_TRANSPORT_OK || resp->status < 200 || resp->status >= 300)
        return false;
    /* Every answer of the API but 204 carries a JSON document. A 2xx with
     * anything else (a web server's page, a file) is from another program
     * on the port, and its "success" means nothing. */
    if (resp->status == 204)
        return true;
    return cJSON_IsObject(resp->json) || cJSON_IsArray(resp->json);
}

int pt_cli_call(pt_cli_t *cli, const char *method, const char *path, const cJSON *body,
                const pt_request_opts_t *opts, pt_response_t *resp, const char *what)
{
    pt_client_t *c = pt_cli_client(cli);
    if (pt_client_request(c, method, path, body, opts, resp) == 0 && pt_cli_answer_ok(resp))
        return PT_EXIT_OK;
    return pt_cli_report(cli, resp, what);
}

int pt_cli_usage(pt_cli_t *cli, const char *fmt, ...)
{
    pt_buf_t b = {0};
    va_list ap;
    va_start(ap, fmt);
    /* What was typed is quoted in it: a line break, a control or a
     * U+202E in a word is shown as its escape, not let loose on the
     * terminal. */
    char *shown = pt_utf8_shown_vformat(fmt, ap);
    va_end(ap);
    /* One pointer to where to look: a message that names its own place
     * ("see ptrack workflow") does not get the help's as well. */
    if (strstr(shown, "(see ptrack "))
        pt_buf_printf(&b, "ptrack %s: %s", cli->cmd, shown);
    else
        pt_buf_printf(&b, "ptrack %s: %s (see ptrack %s --help)", cli->cmd, shown, cli->cmd);
    pt_text_say(pt_buf_str(&b));
    free(shown);
    pt_buf_free(&b);
    return PT_EXIT_USAGE;
}

int pt_cli_get_items(pt_cli_t *cli, const char *path, const char *none, pt_response_t *resp,
                     const cJSON **items)
{
    *items = NULL;
    int rc = pt_cli_call(cli, "GET", path, NULL, NULL, resp, NULL);
    if (rc != PT_EXIT_OK || cli->json) {
        if (rc == PT_EXIT_OK)
            pt_json_print(resp->json, stdout);
        pt_response_free(resp);
        return rc;
    }
    const cJSON *list = pt_json_get(resp->json, "items");
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0) {
        printf("%s\n", none);
        pt_response_free(resp);
        return PT_EXIT_OK;
    }
    *items = list;
    return PT_EXIT_OK;
}

int pt_cli_subcommand(pt_cli_t *cli, const pt_args_t *args, const pt_subcommand_t *subs,
                      const char *family)
{
    const char *sub = args->n_pos > 0 ? args->pos[0] : subs[0].name;
    for (const pt_subcommand_t *s = subs; s->name; s++) {
        if (strcmp(s->name, sub) != 0)
            continue;
        size_t want = s->takes_name ? 2 : 1;
        if (args->n_pos > want || (s->takes_name && args->n_pos != want))
            return pt_cli_usage(cli, "%s", s->misuse);
        /* token revoke "$NAME" with NAME empty names nothing: sent, it was
         * DELETE on the collection, and ptrackd's 405 (exit 1) said the
         * method is not allowed there, which told nothing of the cause. */
        if (s->takes_name && !*args->pos[1])
            return pt_cli_usage(cli, "%s; it was given empty", s->misuse);
        return s->run(cli, args);
    }
    pt_buf_t names = {0};
    for (const pt_subcommand_t *s = subs; s->name; s++)
        pt_buf_printf(&names, "%s%s", s == subs ? "" : s[1].name ? ", " : " or ", s->name);
    int rc =
        pt_cli_usage(cli, "\"%s\" is not a %s command; use %s", sub, family, pt_buf_str(&names));
    pt_buf_free(&names);
    return rc;
}

int pt_cli_delete_named(pt_cli_t *cli, const char *collection, const char *name,
                        const char *json_key, const char *done_fmt)
{
    pt_buf_t b = {0};
    pt_buf_puts(&b, collection);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '_' || *p == '-' || *p == '.' || *p == '~')
            pt_buf_add(&b, (const char *)p, 1);
        else
            pt_buf_printf(&b, "%%%02X", *p);
    }
    char *path = pt_buf_take(&b);
    pt_response_t resp;
    int rc = pt_cli_call(cli, "DELETE", path, NULL, NULL, &resp, NULL);
    free(path);
    if (rc == PT_EXIT_OK) {
        if (cli->json) {
            cJSON *j = cJSON_CreateObject();
            pt_json_add_str(j, json_key, name);
            pt_json_print(j, stdout);
            cJSON_Delete(j);
        } else {
            printf(done_fmt, name);
            putchar('\n');
        }
    }
    pt_response_free(&resp);
    return rc;
}

int pt_cli_id(pt_cli_t *cli, const char *arg, long long *id)
{
    /* People copy ids from tables and write them as "#12" too, and a
     * Chinese input method types "＃１２". */
    const char *typed = arg ? arg : "";
    arg = arg ? pt_input_fold(cli, arg) : NULL;
    if (arg && arg[0] == '#')
        arg++;
    /* Ids are JSON numbers, exact up to 2^53 - 1: a larger one, whether it
     * fits a long long or not, names no proposal and gets the same answer. */
    if (pt_args_int(arg, id) != 0 || *id <= 0 || *id > PT_ID_MAX)
        return pt_cli_usage(cli,
                            "\"%s\" is not a proposal id (a number from 1 to %lld, such as 12)",
                            typed, PT_ID_MAX);
    return PT_EXIT_OK;
}

int pt_cli_width(pt_cli_t *cli, const pt_args_t *args, long long *width)
{
    const char *w = pt_args_value(args, "width");
    long long n;
    if (!w)
        return PT_EXIT_OK;
    if (pt_args_int(pt_input_fold(cli, w), &n) != 0 || n < PT_WIDTH_MIN || n > PT_WIDTH_MAX)
        return pt_cli_usage(cli, "--width takes a number of columns from %d to %d, not \"%s\"",
                            PT_WIDTH_MIN, PT_WIDTH_MAX, w);
    *width = n;
    return PT_EXIT_OK;
}

const cJSON *pt_cli_workflow(pt_cli_t *cli)
{
    if (!cli->workflow_tried) {
        pt_response_t resp;
        cli->workflow_tried = true;
        if (pt_client_request(pt_cli_client(cli), "GET", "/v1/workflow", NULL, NULL, &resp) == 0 &&
            resp.status == 200 && cJSON_IsObject(resp.json)) {
            cli->workflow = resp.json;
            resp.json = NULL;
        }
        pt_response_free(&resp);
    }
    return cli->workflow;
}

void pt_cli_free(pt_cli_t *cli)
{
    pt_client_free(cli->client);
    cJSON_Delete(cli->workflow);
    for (size_t i = 0; i < cli->n_kept; i++)
        free(cli->kept[i]);
    free(cli->kept);
    cli->kept = NULL;
    cli->n_kept = 0;
    cli->client = NULL;
    cli->workflow = NULL;
}

/* Catches sig with sa, unless it was ignored when ptrack started: nohup
 * ignores SIGHUP, and a shell ignores SIGINT for a command it runs in the
 * background from a script, so that a hangup or a Ctrl-C meant for others
 * does not stop it. Those stay ignored, as they do for any command. */
static void catch_unless_ignored(int sig, const struct sigaction *sa)
{
    struct sigaction old;
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        return;
    sigaction(sig, sa, NULL);
}

void pt_cli_catch_stop_signals(void (*fn)(int), bool hangup)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    catch_unless_ignored(SIGINT, &sa);
    catch_unless_ignored(SIGTERM, &sa);
    if (hangup)
        catch_unless_ignored(SIGHUP, &sa);
}

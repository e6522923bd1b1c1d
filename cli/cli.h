/*
 * cli.h - what the commands of the ptrack client share.
 *
 * main.c reads the global options into a pt_cli_t and runs one command; a
 * command (cmd-*.c) is declared as a pt_command_t: its name, its options
 * table and the function that runs it. context.c gives the commands one way
 * to call the daemon, which also turns every failure into the single line on
 * stderr and the exit code that docs/cli.md promises.
 */
#ifndef PT_CLI_H
#define PT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "args.h"
#include "client.h"

/* Exit codes (documented in docs/cli.md and `ptrack --help`). */
enum {
    PT_EXIT_OK = 0,
    PT_EXIT_REFUSED = 1, /* the daemon refused the request (4xx) */
    PT_EXIT_USAGE = 2,   /* bad command line or input file */
    PT_EXIT_CONNECT = 3, /* cannot connect, or the connection failed */
    PT_EXIT_SERVER = 4,  /* the daemon failed (5xx), or ptrack did (memory, output) */
    PT_EXIT_PARTIAL = 5, /* import --partial stored the good records, left others out */
};

typedef struct {
    const char *cmd;      /* the command's name, for messages */
    const char *socket;   /* the Unix socket, when url is NULL */
    const char *url;      /* the TCP base URL, or NULL */
    const char *token;    /* the bearer token for url, or NULL */
    bool json;            /* --json: print the daemon's JSON, its error answers too */
    bool json_errors_off; /* --json, but an error answer is not printed on stdout (a
                           * command whose stdout is something else: add's array
                           * of several, export's file) */
    pt_client_t *client;  /* made on first use */
    cJSON *workflow;      /* GET /v1/workflow, fetched on first use */
    bool workflow_tried;  /* so a failed fetch is not repeated */
    char **kept;          /* strings made from the input (pt_input_fold), freed with cli */
    size_t n_kept;
} pt_cli_t;

typedef struct {
    const char *name;
    const char *args;        /* positional arguments for the usage line: "ID ACTION" */
    const char *summary;     /* one line for `ptrack --help` */
    const char *description; /* paragraphs for `ptrack CMD --help` */
    const pt_opt_t *opts;    /* the command's own options */
    size_t min_pos, max_pos; /* how many positional arguments it takes */
    int (*run)(pt_cli_t *cli, const pt_args_t *args);
} pt_command_t;

extern const pt_command_t pt_cmd_add, pt_cmd_list, pt_cmd_show, pt_cmd_history, pt_cmd_do,
    pt_cmd_edit, pt_cmd_delete, pt_cmd_stats, pt_cmd_workflow, pt_cmd_watch, pt_cmd_health,
    pt_cmd_plugins, pt_cmd_import, pt_cmd_export, pt_cmd_token;

/* The client for the configured endpoint (made on first call). */
pt_client_t *pt_cli_client(pt_cli_t *cli);

/* Sends a request and sorts out the answer. Returns PT_EXIT_OK for a 2xx
 * answer with a JSON body (see pt_cli_answer_ok), leaving it in *resp for
 * the caller; otherwise writes the one line that explains the failure to
 * stderr (prefixed with `what` when not NULL, e.g. "item 3") and returns the
 * exit code for it. *resp must be freed with
 * pt_response_free in every case. */
int pt_cli_call(pt_cli_t *cli, const char *method, const char *path, const cJSON *body,
                const pt_request_opts_t *opts, pt_response_t *resp, const char *what);

/* True when resp is a 2xx answer that holds what ptrackd's answers hold: a
 * JSON object or array, or nothing for 204. */
bool pt_cli_answer_ok(const pt_response_t *resp);

/* Writes the line for a failed exchange (transport or HTTP status) and
 * returns its exit code. Used by pt_cli_call and by watch, which decides for
 * itself whether a failure ends it. */
int pt_cli_report(pt_cli_t *cli, const pt_response_t *resp, const char *what);

/* Writes "ptrack CMD: message (see ptrack CMD --help)" and returns
 * PT_EXIT_USAGE; a message that says itself where to look ("(see ptrack
 * workflow)") is written without the second pointer. */
int pt_cli_usage(pt_cli_t *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sends SIGINT and SIGTERM (and SIGHUP, with hangup) to fn instead of
 * ending the process, so that a command can stop cleanly: fn sets a flag
 * the command looks at. A signal ignored when ptrack started (nohup's
 * SIGHUP, the SIGINT of a command a script runs in the background) stays
 * ignored. */
void pt_cli_catch_stop_signals(void (*fn)(int), bool hangup);

/* GET path for a listing of {"items": [...]}: with --json prints the
 * answer as it came; with no item prints `none` (a line saying so). Either
 * way, and on a failure, *items is NULL and the exit code is returned.
 * Otherwise *items is the answer's array, to show as a table, and *resp
 * must be freed with pt_response_free. */
int pt_cli_get_items(pt_cli_t *cli, const char *path, const char *none, pt_response_t *resp,
                     const cJSON **items);

/* One subcommand of a command that has several (plugins, token). */
typedef struct {
    const char *name;   /* "list"; the first of a table is the default */
    bool takes_name;    /* one positional argument after it (a NAME), or none */
    const char *misuse; /* the usage message when that is not so */
    int (*run)(pt_cli_t *cli, const pt_args_t *args); /* args->pos[1] is the NAME */
} pt_subcommand_t;

/* Runs the subcommand args->pos[0] names (default: subs[0]) from subs,
 * which ends with a NULL name; `family` names the command in the message
 * for an unknown one. */
int pt_cli_subcommand(pt_cli_t *cli, const pt_args_t *args, const pt_subcommand_t *subs,
                      const char *family);

/* DELETE collection + NAME (percent-encoded, so that a Chinese name or one
 * with spaces stays one path segment); on success prints {json_key: NAME}
 * with --json, else done_fmt with the name. */
int pt_cli_delete_named(pt_cli_t *cli, const char *collection, const char *name,
                        const char *json_key, const char *done_fmt);

/* Parses an ID argument. Returns 0, or PT_EXIT_USAGE after a message. */
int pt_cli_id(pt_cli_t *cli, const char *arg, long long *id);

/* The least and the most columns --width N takes. */
#define PT_WIDTH_MIN 4
#define PT_WIDTH_MAX 1000

/* Parses the --width N of list, history, show and workflow, a number of
 * columns from PT_WIDTH_MIN to PT_WIDTH_MAX (folded: a fullwidth ８０ is
 * 80), into *width; leaves *width as it is without one. Returns 0, or
 * PT_EXIT_USAGE after a message. */
int pt_cli_width(pt_cli_t *cli, const pt_args_t *args, long long *width);

/* The active workflow (GET /v1/workflow), or NULL when it could not be had;
 * then labels fall back to the plain names, which is better than failing a
 * list over a missing label. Owned by cli. */
const cJSON *pt_cli_workflow(pt_cli_t *cli);

void pt_cli_free(pt_cli_t *cli);

#endif

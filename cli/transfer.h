/*
 * transfer.h - streamed file transfers with ptrackd, for `ptrack import` and
 * `ptrack export`.
 *
 * The ordinary client (client.h) holds whole bodies in memory, which is
 * right for JSON answers and wrong for a 100 MB upload or download. A
 * transfer streams the file through libcurl's read and write callbacks
 * instead, on a curl handle of its own set up for the same endpoint, and
 * draws a progress line on stderr while it runs. Failures are reported
 * through pt_cli_report, so they read like every other command's.
 */
#ifndef PT_CLI_TRANSFER_H
#define PT_CLI_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>
#include <curl/curl.h>

#include "args.h"
#include "cli.h"

/* A progress line: "导入 12.3 MB / 100.0 MB  1.2 MB/s", or with a count
 * ("导出 3.1 MB  12000 条  2.0 MB/s"), redrawn at most ten times a second.
 * Drawn only when enabled (stderr is a terminal and --quiet was not given). */
typedef struct {
    const char *label;
    bool enabled;
    bool drawn;    /* something is on the line, to be ended by done() */
    double start;  /* monotonic seconds */
    double last;   /* when the line was last drawn */
    int64_t count; /* records so far, when count_known */
    bool count_known;
} pt_progress_t;

/* Starts a progress line; enabled is usually isatty(2) && !quiet. */
void pt_progress_init(pt_progress_t *p, const char *label, bool enabled);

/* Redraws the line for `now` bytes of `total` (0: unknown), unless it was
 * drawn less than 100 ms ago and force is false. */
void pt_progress_update(pt_progress_t *p, int64_t now, int64_t total, bool force);

/* Ends the line (a line break) if anything was drawn. */
void pt_progress_done(pt_progress_t *p);

/* Wipes the line if anything was drawn (and the ^C a terminal echoed on
 * it), leaving the cursor at its start: for the message of a stopped
 * transfer, which takes its place. */
void pt_progress_clear(pt_progress_t *p);

/* Ctrl-C, SIGTERM and SIGHUP stop a transfer cleanly: once this has been
 * called, they only raise a flag (pt_transfer_stop_signal), which the
 * command's curl callbacks look at to end the transfer, within a second;
 * the command then clears the progress line, says what the stop left
 * behind, and exits with 128 + the signal's number, as a shell reports a
 * command killed by it. */
void pt_transfer_catch_stops(void);

/* The signal that asked the transfer to stop, or 0. */
int pt_transfer_stop_signal(void);

/* The signal, for a message: "Ctrl-C (SIGINT)", "SIGTERM", "SIGHUP". */
const char *pt_transfer_stop_name(int sig);

/* "12.3 MB", "512 B": n bytes for a person, into buf. */
const char *pt_human_bytes(int64_t n, char *buf, size_t cap);

/* A curl handle for method and path (with its query) at cli's endpoint:
 * socket or URL, bearer token, no proxy, no timeout for the whole exchange
 * (a large file takes as long as it takes) but one for connecting. The
 * headers list gets Accept (and the token); the caller adds its own, sets
 * CURLOPT_HTTPHEADER and frees the list. Ownership: the caller cleans the
 * handle up. */
CURL *pt_transfer_handle(pt_cli_t *cli, const char *path, struct curl_slist **headers);

/* Reports a failed curl_easy_perform the way pt_cli_report reports any
 * transport failure, and returns its exit code; what, when not NULL,
 * starts the message ("ptrack: WHAT: the connection ...", the file an
 * import sent). Ownership: errbuf and what are borrowed. */
int pt_transfer_report(pt_cli_t *cli, CURLcode rc, CURL *h, const char *errbuf, const char *what);

/* Reports an HTTP error answer (status and the JSON body) and returns its
 * exit code; what, when not NULL, starts the message ("ptrack: WHAT: ...",
 * the file an import sent). Ownership: body and what are borrowed. */
int pt_transfer_report_status(pt_cli_t *cli, long status, const char *body, size_t len,
                              const char *what);

/* Adds each --arg KEY=VALUE of args to the query q (a parameter of the
 * format's plugin). Returns PT_EXIT_OK, or the usage error's exit code for
 * one without a KEY=. */
int pt_transfer_query_args(pt_cli_t *cli, const pt_args_t *args, char **q);

/* --format as the plugins name formats: in lower case (CSV is csv), into
 * buf (cut to fit). Returns buf. */
const char *pt_transfer_format_name(const char *typed, char *buf, size_t len);

/* A file name's extension and the format it stands for. */
typedef struct {
    const char *ext; /* ".csv" */
    const char *format;
} pt_ext_format_t;

/* The format path's extension names in map (n entries, case ignored), or
 * NULL. */
const char *pt_transfer_format_of(const char *path, const pt_ext_format_t *map, size_t n);

#endif

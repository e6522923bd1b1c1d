/*
 * plugin-jobs.h - import and export jobs: a plugin's import() or export()
 * run on a thread of its own for one HTTP request (docs/plugins.md).
 *
 * The job owns the request from a successful start until it answers it: an
 * import answers with its result once the file has been read and stored, an
 * export streams the exporter's output as a chunked answer (and ends it as
 * failed when the exporter fails). The host functions the plugin calls on
 * the job's thread (pt_job_*) are declared in plugins.h.
 *
 * Thread: loop, unless a function says otherwise.
 */
#ifndef PT_PLUGIN_JOBS_H
#define PT_PLUGIN_JOBS_H

#include <stdbool.h>
#include "auth.h"
#include "http-server.h"
#include "metrics.h"
#include "plugins.h"
#include "store.h"

typedef struct {
    uv_loop_t *loop;
    pt_store_t *store;
    pt_instance_t *inst;      /* serves `format` */
    const char *format;       /* copied */
    const char *actor;        /* who asked, for history; copied */
    const pt_identity_t *who; /* who asked, as identified then; copied (pt_jobs_recheck) */
    pt_http_request_t *req;   /* the job answers it */
    bool partial;             /* import: keep the good records */
    pt_list_query_t *query;   /* export: the filters; the job takes its strings */
    uint64_t stall_ms;        /* export: a client that takes nothing this long is cut off */
    /* Where the answer is counted when the job gives it, as the API counts
     * its own (ptrack_http_requests_total): the route, and when the request
     * came (uv_hrtime). NULL metrics: not counted. */
    pt_metrics_t *metrics;
    pt_route_t route;
    uint64_t start;
} pt_job_options_t;

/* Starts an import of the request's body (streamed, see
 * pt_http_server_set_body_stream) or an export. On success the job owns
 * and answers the request; on failure (err set) the caller answers it, and
 * an export's query strings are still the caller's. */
int pt_job_start_import(const pt_job_options_t *o, pt_error_t *err);
int pt_job_start_export(const pt_job_options_t *o, pt_error_t *err);

/* The HTTP server's question for pt_http_server_set_body_stream (api-jobs.c):
 * true for POST /v1/imports, whose body is a file of any size. */
bool pt_api_wants_body_stream(const pt_http_request_t *req, void *ud);
/* The largest import upload. */
#define PT_IMPORT_MAX_BODY ((size_t)2 * 1024 * 1024 * 1024)

/* Who may use the API has changed (a token was revoked, a reload was
 * applied): each running job whose client is no longer identified as it
 * was when its request came is cancelled, as its client going away would
 * cancel it. `still` tells: PT_OK when the client of req is still `who`,
 * otherwise the code of the answer it would now get (PT_EUNAUTHORIZED,
 * PT_EFORBIDDEN), which an import's answer, or an export's before its
 * first byte, then carries. An export under way is cut off (its client
 * sees the transfer end unfinished); an import stores nothing more: an
 * all-or-nothing one nothing at all, a partial one keeps the batches
 * committed before. */
void pt_jobs_recheck(int (*still)(const pt_http_request_t *req, const pt_identity_t *who, void *ud),
                     void *ud);

/* Cancels every running job (the daemon is stopping): their blocking calls
 * return PTRACK_ECANCELED and they answer (503 shutting_down) as soon as
 * their plugin returns. A job whose plugin has not returned 3 s later is
 * abandoned: its request is answered, and its thread is left to the
 * process's exit with everything it may touch (the job, its instance, the
 * plugin's code) kept; see plugin-jobs.c. */
void pt_jobs_shutdown(uv_loop_t *loop);
/* How many jobs run now. */
unsigned pt_jobs_running(void);
/* How many jobs a stop has abandoned. While any has, the plugin registry
 * and the workflow (which an abandoned thread may still read through the
 * host table) must not be freed. */
unsigned pt_jobs_abandoned(void);

#endif

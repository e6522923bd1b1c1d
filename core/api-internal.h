/*
 * api-internal.h - what the API's files share: api.c (routing, access and
 * answers), api-proposals.c (the proposal endpoints), api-feed.c (the change
 * feed), api-query.c (query parameters).
 */
#ifndef PT_API_INTERNAL_H
#define PT_API_INTERNAL_H

#include "api.h"
#include "auth.h"
#include "error.h"
#include "metrics.h"

typedef struct pt_feed_waiter_s pt_feed_waiter_t;
typedef struct pt_token_cache_s pt_token_cache_t;

struct pt_api_s {
    pt_api_options_t opts;
    pt_feed_waiter_t *waiters; /* long polls and streams */
    pt_token_cache_t *tokens;  /* the tokens made at run time (api-tokens.c) */
    uv_timer_t heartbeat;      /* keeps event streams alive through proxies */
    pt_metrics_t *metrics;     /* request counters for /metrics */
    bool shutting_down;
    char *reload_refused;      /* why the last SIGHUP's configuration was refused; NULL when
                                  it was applied, or none came */
    int64_t reload_refused_at; /* when, ms since the epoch */
};

/* A request in the API's hands: the HTTP request and who sent it. */
typedef struct {
    pt_api_t *api;
    pt_http_request_t *req;
    pt_identity_t who;
    pt_route_t route; /* for the request counters */
    uint64_t start;   /* uv_hrtime() at arrival */
} pt_call_t;

#define PT_JSON_TYPE "application/json; charset=utf-8"

/* Counts an answer in the request metrics (pt_api_reply does; a streamed
 * answer calls it when the stream starts). */
void pt_api_count(pt_call_t *call, int status);

/* Answers with a JSON text (copied). Frees call. */
void pt_api_reply(pt_call_t *call, int status, const char *json, size_t len,
                  const char *const *headers);
/* Answers with an error object; clears err. Frees call. */
void pt_api_fail(pt_call_t *call, pt_error_t *err);
/* Answers with a new error. Frees call. */
void pt_api_failf(pt_call_t *call, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Requires that the caller's role is at least `needed`; otherwise answers
 * 403 and returns false. */
bool pt_api_require(pt_call_t *call, pt_role_t needed);
/* Requires a role that may read: viewer or above, or a bound role (unit,
 * delegate), whose reads of proposals must then carry its scope
 * (pt_api_scope_query); otherwise answers 403 and returns false. */
bool pt_api_require_reader(pt_call_t *call);
/* Whether the request's Content-Type is JSON (application/json, or an
 * application/...+json type such as merge-patch+json, parameters
 * aside); if not, answers 415 and returns false. */
bool pt_api_require_json(pt_call_t *call);

/* Puts the caller's scope into a read's query (api-proposals.c): a unit's
 * unit, a delegate's person; nothing for the ranked roles. A read that asks
 * for another unit or person is refused (403) rather than quietly answered
 * with the caller's own. Lists, single reads, statistics and exports share
 * it, so that each shows a unit or a delegate the same proposals. A todo
 * filter is refused (400) when there is then no unit to judge it for.
 * Returns false after answering. Ownership: the strings it puts into q are q's. */
bool pt_api_scope_query(pt_call_t *call, pt_list_query_t *q);

/* Tokens made at run time (api-tokens.c). load reads them from the store
 * (it waits for the database: call it before serving); identify is
 * pt_auth_identify with them, which also notes a token's last use;
 * pt_api_tokens serves GET, POST /v1/tokens and DELETE /v1/tokens/{name}
 * (name NULL for the collection). Admin only. Thread: loop. */
int pt_api_tokens_load(pt_api_t *api, pt_error_t *err);
void pt_api_tokens_free(pt_api_t *api);
int pt_api_identify(pt_api_t *api, const pt_http_request_t *req, pt_identity_t *who,
                    pt_error_t *err);
/* As pt_api_identify, without noting a use of the token: for a request
 * already identified and checked again (a stream of the feed at a reload
 * or a revoke), which is no new use by its client. */
int pt_api_identify_again(pt_api_t *api, const pt_http_request_t *req, pt_identity_t *who,
                          pt_error_t *err);
void pt_api_tokens(pt_call_t *call, const char *name);

/* Endpoints (api-proposals.c). id is 0 for the collection. */
void pt_api_proposals(pt_call_t *call, int64_t id, const char *sub, const char *action);
void pt_api_stats(pt_call_t *call);
void pt_api_health(pt_call_t *call);

/* Plugins (api-plugins.c): GET, POST /v1/plugins and DELETE
 * /v1/plugins/{instance} (instance NULL for the collection). Admin only. */
void pt_api_plugins(pt_call_t *call, const char *instance);

/* GET /metrics in Prometheus text format (api-metrics.c). */
void pt_api_metrics(pt_call_t *call);

/* Jobs (api-jobs.c): POST /v1/imports?format=F, GET /v1/exports?format=F.
 * The job keeps who asked, to be checked again (pt_api_jobs_recheck). */
void pt_api_imports(pt_call_t *call);
void pt_api_exports(pt_call_t *call);

/* The change feed (api-feed.c). */
void pt_api_events(pt_call_t *call);
void pt_api_feed_wake(int64_t last_seq, void *ud);
void pt_api_feed_shutdown(pt_api_t *api);
/* Who may use the API has changed (a reload was applied, a token was
 * revoked): each stream and long poll of the feed whose client is no
 * longer identified as it was when its request came (refused now, or with
 * another role, unit or person) is ended, so that it shows no more events
 * to a user or a token taken away; a client that comes back is identified
 * anew. Every other request is identified on its own. Thread: loop. */
void pt_api_feed_recheck(pt_api_t *api);
/* Whether the client of req is still `who`, as identified when its request
 * came: PT_OK when it is identified with the same role and the same unit
 * or person; otherwise the code of the answer it would get now
 * (PT_EUNAUTHORIZED or PT_EFORBIDDEN when it is refused, PT_EFORBIDDEN
 * when it is identified otherwise). Thread: loop. */
int pt_api_identified_as(pt_api_t *api, const pt_http_request_t *req, const pt_identity_t *who);
/* As pt_api_feed_recheck, for the import and export jobs (api-jobs.c): a
 * job whose client is no longer identified as it was is cancelled; see
 * pt_jobs_recheck. Thread: loop. */
void pt_api_jobs_recheck(pt_api_t *api);

/* Refuses a query whose percent-encoding is broken (a % without two
 * hexadecimal digits, or %00) or whose decoded names and values are not
 * UTF-8: 400 bad_request. Every request's query goes through it first. */
int pt_query_check(const pt_http_request_t *req, pt_error_t *err);

/* Query parameters (api-query.c). Each returns PT_OK or PT_EBADREQUEST with
 * err naming the parameter. */
int pt_query_list(const pt_http_request_t *req, const pt_workflow_t *wf, pt_list_query_t *q,
                  pt_error_t *err);
int pt_query_int(const pt_http_request_t *req, const char *name, int64_t min, int64_t max,
                 int64_t def, int64_t *out, pt_error_t *err);
/* A boolean parameter: true or 1 sets *out to 1, false or 0 to 0, absent
 * to -1. */
int pt_query_bool(const pt_http_request_t *req, const char *name, int *out, pt_error_t *err);
/* Fills q->todo_states from the workflow (the states in which a unit's
 * part can be done, by the actions' effects), for a read that shows a
 * unit its part (unit_part) without a todo filter: GET of one proposal.
 * Returns PT_OK, or PT_ENOMEM with err set. */
int pt_query_todo_states(const pt_workflow_t *wf, pt_list_query_t *q, pt_error_t *err);
/* Refuses parameters not in the NULL-terminated list `known`. */
int pt_query_only(const pt_http_request_t *req, const char *const *known, pt_error_t *err);
/* Refuses parameters in none of the lists of `known` (each NULL-terminated,
 * and the array too). `what` ("an import of csv"), when not NULL, makes the
 * message say what it takes: "...; an import of csv takes format, partial,
 * sep, map and encoding". */
int pt_query_known(const pt_http_request_t *req, const char *const *const *known, const char *what,
                   pt_error_t *err);
/* Refuses a parameter of the lists of `known` given twice, and lets any
 * other through: the host's own parameters of an import or an export
 * whose plugin declares none of its own (args NULL, ABI 1.0). */
int pt_query_once(const pt_http_request_t *req, const char *const *const *known, pt_error_t *err);
/* The parameters of GET /v1/exports?format=F: the list filters of GET
 * /v1/proposals (read into q, checked as a list checks them) and, when the
 * exporter declares its arguments (args not NULL), nothing else but format
 * and those. args NULL (a 1.0 plugin) lets any other parameter through;
 * format or a filter given twice is refused either way.
 * Ownership: q's strings are the caller's (pt_list_query_clear), also on
 * failure. */
int pt_query_export(const pt_http_request_t *req, const pt_workflow_t *wf, const char *format,
                    const char *const *args, pt_list_query_t *q, pt_error_t *err);
/* The parameters of GET /v1/stats: the list filters, read into q as a list
 * reads them, to count only the proposals that match (a session's, a
 * unit's, a person's...); not sort, limit or cursor; any other parameter is
 * refused, named. Ownership: as for pt_query_export. */
int pt_query_stats(const pt_http_request_t *req, const pt_workflow_t *wf, pt_list_query_t *q,
                   pt_error_t *err);

#endif

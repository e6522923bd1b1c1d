/*
 * api.c - routing, access and answers.
 *
 * Every request under /v1 is identified first (auth.c); then the path picks
 * the endpoint and the method is checked. Errors are answered here in the
 * one format of docs/api.md, so that every endpoint fails the same way.
 */
#include "api-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include "json-strict.h"
#include "log.h"
#include "timefmt.h"

void pt_api_count(pt_call_t *call, int status)
{
    pt_metrics_request(call->api->metrics, call->route, call->req->method, status,
                       uv_hrtime() - call->start);
}

void pt_api_reply(pt_call_t *call, int status, const char *json, size_t len,
                  const char *const *headers)
{
    pt_api_count(call, status);
    pt_http_respond(call->req, status, json ? PT_JSON_TYPE : NULL, headers, json, len);
    free(call);
}

static void allowed_methods(const char *path, char *out, size_t cap);

void pt_api_fail(pt_call_t *call, pt_error_t *err)
{
    int status = pt_error_http_status(err->code);
    /* A write refused while the store cannot write (a full disk) is not
     * logged each time: the writer logs when that begins and ends
     * (store-writer.c), and a busy office sends many. A read that fails
     * meanwhile (a damaged page) is logged as ever. */
    bool write = strcmp(call->req->method, "GET") != 0 && strcmp(call->req->method, "HEAD") != 0;
    if (status >= 500 && err->code == PT_ESTORAGE && write &&
        !pt_store_writable(call->api->opts.store))
        pt_debug("%s %s: %s", call->req->method, call->req->path, err->message);
    /* Nor are the reads a stop interrupts, whose clients have gone: the
     * stop says how many, in one line (ptrackd.c). */
    else if (err->code == PT_ESHUTDOWN && !pt_http_request_connected(call->req))
        pt_debug("%s %s: %s", call->req->method, call->req->path, err->message);
    else if (status >= 500)
        pt_warn("%s %s: %s", call->req->method, call->req->path, err->message);
    cJSON *json = pt_error_to_json(err);
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    cJSON_Delete(json);
    pt_error_clear(err);
    if (!text) {
        static const char oom[] = "{\"error\":{\"code\":\"storage_error\","
                                  "\"message\":\"out of memory\"}}";
        pt_api_reply(call, 503, oom, sizeof(oom) - 1, NULL);
        return;
    }
    if (status == 405) {
        char allow[64];
        allowed_methods(call->req->path, allow, sizeof(allow));
        const char *const h[] = {allow, NULL};
        pt_api_reply(call, status, text, strlen(text), h);
    } else {
        pt_api_reply(call, status, text, strlen(text), NULL);
    }
    free(text);
}

void pt_api_failf(pt_call_t *call, int code, const char *fmt, ...)
{
    pt_error_t err = {0};
    va_list ap;
    va_start(ap, fmt);
    pt_error_vset(&err, code, fmt, ap);
    va_end(ap);
    pt_api_fail(call, &err);
}

/* Whether the parameters of a Content-Type (after its first ';') name no
 * charset but UTF-8, the one JSON has (RFC 8259 §8.1). */
static bool charset_utf8(const char *params)
{
    for (const char *p = params; p && *p; p = strchr(p, ';')) {
        p += strspn(p, "; \t");
        if (strncasecmp(p, "charset=", 8) != 0)
            continue;
        p += 8;
        bool quoted = *p == '"';
        p += quoted;
        size_t n = strcspn(p, quoted ? "\"" : "; \t");
        if (!((n == 5 && strncasecmp(p, "utf-8", 5) == 0) ||
              (n == 4 && strncasecmp(p, "utf8", 4) == 0)))
            return false;
    }
    return true;
}

bool pt_api_require_json(pt_call_t *call)
{
    const char *ct = pt_http_header(call->req, "Content-Type");
    size_t n = ct ? strcspn(ct, ";") : 0;
    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    bool json = (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
                /* application/merge-patch+json and other +json types. */
                (n > 17 && strncasecmp(ct + n - 5, "+json", 5) == 0 &&
                 strncasecmp(ct, "application/", 12) == 0);
    if (json && charset_utf8(strchr(ct, ';')))
        return true;
    if (json)
        pt_api_failf(call, PT_EMEDIA,
                     "the request body must be JSON in UTF-8: leave charset out of "
                     "Content-Type, or send charset=utf-8");
    else
        pt_api_failf(call, PT_EMEDIA,
                     "the request body must be JSON: send Content-Type: application/json");
    return false;
}

bool pt_api_require(pt_call_t *call, pt_role_t needed)
{
    if (pt_auth_allows(call->who.role, needed))
        return true;
    /* A bound role is told what it may do instead, since no role it could
     * ask for is "above" it. */
    if (call->who.role == PT_ROLE_UNIT) {
        pt_api_failf(call, PT_EFORBIDDEN,
                     "%s (role unit, for %s) may not do this: a unit may only read the "
                     "proposals assigned to it (one by one, as a list, their statistics, an "
                     "export or their events in the change feed) and sign, return, give an "
                     "opinion on, reply to or give a supplementary reply on them",
                     call->who.name, call->who.unit);
        return false;
    }
    if (call->who.role == PT_ROLE_DELEGATE) {
        pt_api_failf(call, PT_EFORBIDDEN,
                     "%s (role delegate, %s) may not do this: a delegate may only read the "
                     "proposals they lead or co-signed (one by one, as a list, their "
                     "statistics, an export or their events in the change feed) and give "
                     "feedback on them",
                     call->who.name, call->who.person);
        return false;
    }
    pt_api_failf(call, PT_EFORBIDDEN, "%s (role %s) may not do this; it needs the role %s",
                 call->who.name, pt_role_name(call->who.role), pt_role_name(needed));
    return false;
}

bool pt_api_require_reader(pt_call_t *call)
{
    return pt_auth_is_bound(call->who.role) || pt_api_require(call, PT_ROLE_VIEWER);
}

/* The store keeps one commit callback: this one wakes the change feed's
 * waiters, the plugin host's notifiers and the deadline engine. */
static void on_commit(int64_t last_seq, void *ud)
{
    pt_api_t *api = ud;
    pt_api_feed_wake(last_seq, api);
    pt_plugins_committed(api->opts.plugins, last_seq);
    pt_deadline_engine_committed(api->opts.deadlines);
}

int pt_api_new(const pt_api_options_t *opts, pt_api_t **out)
{
    pt_api_t *api = calloc(1, sizeof(*api));
    if (!api)
        return PT_ENOMEM;
    api->opts = *opts;
    api->metrics = pt_metrics_new();
    if (!api->metrics) {
        free(api);
        return PT_ENOMEM;
    }
    pt_error_t terr = {0};
    if (pt_api_tokens_load(api, &terr) != PT_OK) {
        pt_error("cannot read the tokens made at run time: %s", terr.message);
        pt_error_clear(&terr);
        pt_api_tokens_free(api);
        pt_metrics_free(api->metrics);
        free(api);
        return PT_ESTORAGE;
    }
    uv_timer_init(opts->loop, &api->heartbeat);
    api->heartbeat.data = api;
    pt_store_on_commit(opts->store, on_commit, api);
    *out = api;
    return PT_OK;
}

void pt_api_set_config(pt_api_t *api, const pt_config_t *config)
{
    api->opts.config = config;
}

void pt_api_shutdown(pt_api_t *api)
{
    api->shutting_down = true;
    pt_api_feed_shutdown(api);
}

static void free_after_close(uv_handle_t *h)
{
    free(h->data);
}

void pt_api_note_reload(pt_api_t *api, const char *refused)
{
    free(api->reload_refused);
    api->reload_refused = refused ? strdup(refused) : NULL;
    api->reload_refused_at = pt_time_now();
    if (!refused) {
        pt_api_feed_recheck(api);
        pt_api_jobs_recheck(api);
    }
}

void pt_api_free(pt_api_t *api)
{
    if (!api)
        return;
    free(api->reload_refused);
    api->reload_refused = NULL;
    pt_api_tokens_free(api);
    pt_metrics_free(api->metrics);
    api->metrics = NULL;
    uv_close((uv_handle_t *)&api->heartbeat, free_after_close);
}

/* Parses a proposal id: decimal digits only, 1 .. 2^53 (ids travel as JSON
 * numbers, which are exact up to there). */
static bool parse_id(const char *s, size_t len, int64_t *id)
{
    if (len == 0 || len > 16)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1 || v > (1LL << 53))
        return false;
    *id = v;
    return true;
}

/* Splits "/v1/proposals/7/actions/assign" into at most 5 segments after
 * "/v1". Returns the number of segments, or -1 when the path is not under
 * /v1 or has empty segments. */
static int split_path(const char *path, const char *seg[5], size_t len[5])
{
    if (strncmp(path, "/v1/", 4) != 0)
        return -1;
    const char *p = path + 4;
    int n = 0;
    while (*p) {
        if (n == 5)
            return -1;
        const char *e = strchr(p, '/');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == 0)
            return e && !e[1] ? n : -1; /* a trailing slash is forgiven */
        seg[n] = p;
        len[n] = l;
        n++;
        p += l;
        if (*p == '/')
            p++;
    }
    return n;
}

static bool seg_is(const char *seg, size_t len, const char *name)
{
    return strlen(name) == len && memcmp(seg, name, len) == 0;
}

static bool method_is(const pt_http_request_t *req, const char *m)
{
    return strcmp(req->method, m) == 0;
}

/* The route a path belongs to, for the request counters. */
static pt_route_t route_of(const char *path)
{
    const char *seg[5];
    size_t len[5];
    if (strcmp(path, "/metrics") == 0)
        return PT_ROUTE_METRICS;
    int n = split_path(path, seg, len);
    if (n <= 0)
        return PT_ROUTE_OTHER;
    static const struct {
        const char *name;
        pt_route_t route;
    } top[] = {{"health", PT_ROUTE_HEALTH},   {"workflow", PT_ROUTE_WORKFLOW},
               {"stats", PT_ROUTE_STATS},     {"events", PT_ROUTE_EVENTS},
               {"plugins", PT_ROUTE_PLUGINS}, {"imports", PT_ROUTE_IMPORTS},
               {"exports", PT_ROUTE_EXPORTS}, {"tokens", PT_ROUTE_TOKENS}};
    for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
        if (seg_is(seg[0], len[0], top[i].name))
            return top[i].route;
    if (!seg_is(seg[0], len[0], "proposals"))
        return PT_ROUTE_OTHER;
    if (n == 1)
        return PT_ROUTE_PROPOSALS;
    if (n == 2)
        return PT_ROUTE_PROPOSAL;
    if (n == 3 && seg_is(seg[2], len[2], "history"))
        return PT_ROUTE_HISTORY;
    if (n == 4 && seg_is(seg[2], len[2], "actions"))
        return PT_ROUTE_ACTION;
    return PT_ROUTE_OTHER;
}

/* Whether HEAD is taken on path: a GET resource other than the change
 * feed and exports. */
static bool head_allowed(const char *path)
{
    pt_route_t r = route_of(path);
    return r != PT_ROUTE_EVENTS && r != PT_ROUTE_EXPORTS && r != PT_ROUTE_IMPORTS &&
           r != PT_ROUTE_ACTION && r != PT_ROUTE_OTHER;
}

/* The methods a path takes, HEAD aside. */
static const char *allowed_get_methods(const char *path)
{
    const char *seg[5];
    size_t len[5];
    if (strcmp(path, "/metrics") == 0)
        return "GET";
    int n = split_path(path, seg, len);
    bool collection =
        n >= 1 && (seg_is(seg[0], len[0], "proposals") || seg_is(seg[0], len[0], "plugins") ||
                   seg_is(seg[0], len[0], "tokens"));
    if (n == 1 && seg_is(seg[0], len[0], "imports"))
        return "POST";
    if (n == 1)
        return collection ? "GET, POST" : "GET";
    if (n == 2 && seg_is(seg[0], len[0], "proposals"))
        return "GET, PATCH, DELETE";
    if (n == 2 && seg_is(seg[0], len[0], "plugins"))
        return "GET, DELETE";
    if (n == 2 && collection)
        return "DELETE"; /* a token */
    if (n == 4)
        return "POST"; /* a proposal's action */
    return "GET";
}

/* "Allow: ..." for a 405 on path, into out: its methods, with HEAD after
 * GET where HEAD is taken. */
static void allowed_methods(const char *path, char *out, size_t cap)
{
    const char *m = allowed_get_methods(path);
    if (strncmp(m, "GET", 3) == 0 && head_allowed(path))
        snprintf(out, cap, "Allow: GET, HEAD%s", m + 3);
    else
        snprintf(out, cap, "Allow: %s", m);
}

static void route(pt_call_t *call)
{
    pt_http_request_t *req = call->req;
    const char *seg[5];
    size_t len[5];
    int n = split_path(req->path, seg, len);
    if (n <= 0) {
        pt_api_failf(call, PT_ENOTFOUND, "there is nothing at %s; the API is under /v1", req->path);
        return;
    }
    if (n == 1 && seg_is(seg[0], len[0], "health")) {
        if (!method_is(req, "GET"))
            goto not_allowed;
        pt_api_health(call);
        return;
    }
    if (n == 1 && seg_is(seg[0], len[0], "workflow")) {
        if (!method_is(req, "GET"))
            goto not_allowed;
        /* Every role may read the workflow: it holds no proposal. */
        if (!pt_api_require_reader(call))
            return;
        cJSON *wf = pt_workflow_to_json(call->api->opts.workflow);
        char *text = wf ? cJSON_PrintUnformatted(wf) : NULL;
        cJSON_Delete(wf);
        if (!text) {
            pt_api_failf(call, PT_ENOMEM, "out of memory");
            return;
        }
        pt_api_reply(call, 200, text, strlen(text), NULL);
        free(text);
        return;
    }
    if (n == 1 && seg_is(seg[0], len[0], "stats")) {
        if (!method_is(req, "GET"))
            goto not_allowed;
        pt_api_stats(call);
        return;
    }
    if (n == 1 && seg_is(seg[0], len[0], "events")) {
        if (!method_is(req, "GET"))
            goto not_allowed;
        pt_api_events(call);
        return;
    }
    if (seg_is(seg[0], len[0], "plugins") && n <= 2) {
        char instance[128];
        if (n == 2) {
            if (len[1] >= sizeof(instance)) {
                pt_api_failf(call, PT_ENOTFOUND, "there is no plugin instance \"%.*s\"", 60,
                             seg[1]);
                return;
            }
            pt_http_segment(instance, seg[1], len[1]);
        }
        pt_api_plugins(call, n == 2 ? instance : NULL);
        return;
    }
    if (seg_is(seg[0], len[0], "tokens") && n <= 2) {
        char name[PT_ID_NAME_MAX + 1];
        if (n == 2) {
            if (len[1] >= sizeof(name)) {
                pt_api_failf(call, PT_ENOTFOUND, "there is no token named \"%.*s\"", 60, seg[1]);
                return;
            }
            pt_http_segment(name, seg[1], len[1]);
        }
        pt_api_tokens(call, n == 2 ? name : NULL);
        return;
    }
    if (n == 1 && seg_is(seg[0], len[0], "imports")) {
        if (!method_is(req, "POST"))
            goto not_allowed;
        pt_api_imports(call);
        return;
    }
    if (n == 1 && seg_is(seg[0], len[0], "exports")) {
        if (!method_is(req, "GET"))
            goto not_allowed;
        pt_api_exports(call);
        return;
    }
    if (seg_is(seg[0], len[0], "proposals")) {
        int64_t id = 0;
        if (n >= 2 && !parse_id(seg[1], len[1], &id)) {
            pt_api_failf(call, PT_EBADREQUEST,
                         "\"%.*s\" is not a proposal id; ids are positive integers", (int)len[1],
                         seg[1]);
            return;
        }
        if (n == 1 || n == 2) {
            pt_api_proposals(call, id, NULL, NULL);
            return;
        }
        if (n == 3 && seg_is(seg[2], len[2], "history")) {
            pt_api_proposals(call, id, "history", NULL);
            return;
        }
        if (n == 4 && seg_is(seg[2], len[2], "actions")) {
            char action[65]; /* a workflow's names are at most 64 bytes */
            if (len[3] >= sizeof(action)) {
                /* As an unknown action of any length is refused. */
                pt_error_t err = {0};
                int cut = (int)pt_utf8_floor(seg[3], 40);
                pt_error_add_field(&err, "action", "unknown action \"%.*s...\"", cut, seg[3]);
                pt_error_set(&err, PT_ENOTFOUND, "unknown action \"%.*s...\"", cut, seg[3]);
                pt_api_fail(call, &err);
                return;
            }
            pt_http_segment(action, seg[3], len[3]);
            pt_api_proposals(call, id, "actions", action);
            return;
        }
    }
    pt_api_failf(call, PT_ENOTFOUND, "there is nothing at %s", req->path);
    return;
not_allowed:
    pt_api_failf(call, PT_EMETHOD, "%s is not allowed on %s", req->method, req->path);
}

/* True when the Host header names this server: a loopback name, the
 * listener's own host, or one of config host_names, with or without a
 * port. Checked on TCP only. A browser tricked by DNS rebinding sends the
 * attacker's name here, so this is what keeps web pages out. */
static bool host_allowed(const pt_config_t *c, const char *host)
{
    if (!host || !*host)
        return false;
    char name[256];
    size_t n;
    if (host[0] == '[') {
        const char *end = strchr(host, ']');
        if (!end)
            return false;
        n = (size_t)(end - host) + 1;
    } else {
        n = strcspn(host, ":");
    }
    if (n == 0 || n >= sizeof(name))
        return false;
    /* After the name, a port or nothing (RFC 9110 7.2: uri-host [ ":"
     * port ]): "localhost:80@evil.example", "[::1]x" or "localhost:8o"
     * names no server of this one's. */
    if (host[n] != '\0' &&
        (host[n] != ':' || strspn(host + n + 1, "0123456789") != strlen(host + n + 1)))
        return false;
    for (size_t i = 0; i < n; i++)
        name[i] = (char)((host[i] >= 'A' && host[i] <= 'Z') ? host[i] - 'A' + 'a' : host[i]);
    name[n] = '\0';
    if (strcmp(name, "localhost") == 0 || strcmp(name, "[::1]") == 0)
        return true;
    /* 127.0.0.0/8, written as an address: digits and dots only, so that
     * "127.0.0.1.example.com" is not taken for one. */
    if (strncmp(name, "127.", 4) == 0 && strspn(name, "0123456789.") == n)
        return true;
    if (c->listen) {
        size_t ln = c->listen[0] == '[' ? strcspn(c->listen, "]") + 1 : strcspn(c->listen, ":");
        if (ln == n && strncasecmp(c->listen, name, n) == 0)
            return true;
    }
    for (size_t i = 0; i < c->n_host_names; i++)
        if (strcasecmp(c->host_names[i], name) == 0)
            return true;
    return false;
}

/* On TCP, a request whose Host header does not name this server is
 * refused: returns PT_OK, or the error's code with msg set. A request
 * without a Host header is malformed in HTTP/1.1 (RFC 9112 3.2: 400), and
 * refused in HTTP/1.0 as one that names another server; neither gets the
 * hint to add a name to host_names, which no name would have helped.
 * quote: the message quotes the header (the head check's message goes out
 * as it is, without the handler's care for bytes that are not UTF-8). */
static int host_refusal(const pt_api_t *api, const pt_http_request_t *req, bool quote, char *msg,
                        size_t len)
{
    if (req->peer != PT_PEER_TCP)
        return PT_OK;
    const char *host = pt_http_header(req, "Host");
    if (host == NULL && !req->http10) {
        snprintf(msg, len,
                 "the request has no Host header, which HTTP/1.1 requires: send the name of "
                 "this server (Host: localhost)");
        return PT_EBADREQUEST;
    }
    /* RFC 9112 3.2.2: of a target in absolute form, the server takes the
     * target's authority and ignores the Host header, so that is what must
     * name this server. */
    if (req->authority != NULL) {
        /* Userinfo comes before the host ("localhost:80@evil.example"),
         * where host_allowed would read its user as the host: RFC 9110
         * 4.2.4 has a recipient take it as an error. */
        bool userinfo = strchr(req->authority, '@') != NULL;
        if (!userinfo && host_allowed(api->opts.config, req->authority))
            return PT_OK;
        if (userinfo && quote)
            snprintf(msg, len,
                     "the request target's authority \"%.100s\" has userinfo (user@), which "
                     "ptrackd does not take: name this server alone (http://localhost/...)",
                     req->authority);
        else if (userinfo)
            snprintf(msg, len,
                     "the request target's authority has userinfo (user@), which ptrackd does "
                     "not take: name this server alone (http://localhost/...)");
        else if (quote)
            snprintf(msg, len,
                     "the request target's host \"%.100s\" does not name this server; if it is "
                     "one of its names, add it to host_names in the config",
                     req->authority);
        else
            snprintf(msg, len,
                     "the request target's host does not name this server; if it is one of its "
                     "names, add it to host_names in the config");
        return PT_EFORBIDDEN;
    }
    if (host_allowed(api->opts.config, host))
        return PT_OK;
    if (host == NULL || *host == '\0')
        snprintf(msg, len,
                 "the request has %s Host header: on TCP, ptrackd answers only a request whose "
                 "Host names this server (Host: localhost)",
                 host == NULL ? "no" : "an empty");
    else if (quote)
        snprintf(msg, len,
                 "the Host header \"%.100s\" does not name this server; if it is one of its "
                 "names, add it to host_names in the config",
                 host);
    else
        snprintf(msg, len,
                 "the Host header does not name this server; if it is one of its names, add it "
                 "to host_names in the config");
    return PT_EFORBIDDEN;
}

int pt_api_head_check(const pt_http_request_t *req, void *ud, const char **code, char *msg,
                      size_t len)
{
    pt_api_t *api = ud;
    int refused = host_refusal(api, req, false, msg, len);
    if (refused != PT_OK) {
        *code = pt_strerror(refused);
        return pt_error_http_status(refused);
    }
    pt_identity_t who;
    pt_error_t err = {0};
    if (pt_api_identify(api, req, &who, &err) != PT_OK) {
        *code = pt_strerror(err.code);
        snprintf(msg, len, "%s", err.message);
        int status = pt_error_http_status(err.code);
        pt_error_clear(&err);
        return status;
    }
    return 0;
}

void pt_api_handle(pt_http_request_t *req, void *ud)
{
    pt_api_t *api = ud;
    pt_call_t *call = calloc(1, sizeof(*call));
    if (!call) {
        static const char oom[] = "{\"error\":{\"code\":\"storage_error\","
                                  "\"message\":\"out of memory\"}}";
        pt_http_respond(req, 503, PT_JSON_TYPE, NULL, oom, sizeof(oom) - 1);
        return;
    }
    call->api = api;
    call->req = req;
    call->start = uv_hrtime();
    call->route = route_of(req->path);
    pt_error_t err = {0};
    char refusal[256];
    int refused = host_refusal(api, req, true, refusal, sizeof refusal);
    if (refused != PT_OK) {
        pt_api_failf(call, refused, "%s", refusal);
        return;
    }
    /* HEAD is GET without the body (the server leaves it out), on the
     * plain resources; not on the change feed (a long poll or a stream) or
     * an export (a job), which are GET only. */
    if (strcmp(req->method, "HEAD") == 0 && head_allowed(req->path))
        req->method = "GET";
    bool metrics = strcmp(req->path, "/metrics") == 0;
    if ((metrics || strncmp(req->path, "/v1/", 4) == 0) &&
        pt_api_identify(api, req, &call->who, &err) != PT_OK) {
        pt_api_fail(call, &err);
        return;
    }
    if (pt_query_check(req, &err) != PT_OK) {
        pt_api_fail(call, &err);
        return;
    }
    if (metrics) {
        if (strcmp(req->method, "GET") != 0)
            pt_api_failf(call, PT_EMETHOD, "%s is not allowed on /metrics", req->method);
        else
            pt_api_metrics(call);
        return;
    }
    route(call);
}

/*
 * fuzz_http_server.c - the bytes of a client's connection, into the HTTP
 * server of core/http-server.c: the parser's callbacks, the limits, the
 * target's decoding, pipelining, streamed request bodies with pause and
 * resume, streamed and deferred answers, and the query and header lookups
 * a handler makes.
 *
 * Input: the raw bytes a client sends on one connection. How they are cut
 * into reads, and whether the client half-closes at the end, follow from a
 * hash of the input. The handler's behaviour follows from the path:
 *   /later...   answered on a later turn of the loop (an abort callback set)
 *   /stream...  a chunked answer in several pieces
 *   /abort...   a streamed answer that fails half-way
 *   /upload...  a streamed request body (as imports are), paused and
 *               resumed as it comes, answered at its end;
 *               /upload-refuse is answered before its body is read;
 *               /upload-own answers a body over the limit itself, on a
 *               later turn of the loop (as an import's job does)
 *   anything else: answered at once with what the request held
 * and the head check refuses a body sent with "Authorization: Bearer no".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-http.h"

/* A request the handler owes an answer, answered by a timer. */
typedef struct pending_s {
    uv_timer_t timer;
    pt_http_request_t *req;
    int kind; /* 0 answer, 1 resume an upload */
    struct pending_s *next;
} pending_t;

static unsigned owed_count;  /* requests taken and not answered */
static unsigned timers_open; /* timers not closed yet */

typedef struct {
    size_t bytes;
    unsigned pieces;
    bool paused;
    bool own_limit;           /* answers a body over the limit itself, later */
    struct pending_s *resume; /* the queued resume, while there is one */
} upload_t;

static bool busy(void)
{
    return owed_count > 0 || timers_open > 0;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Everything a handler may look at, as the API does. */
static size_t describe(pt_http_request_t *req, char *out, size_t size)
{
    const char *name, *value;
    size_t params = 0, plen = 0;
    for (size_t i = 0; pt_http_query_at(req, i, &name, &value); i++) {
        params++;
        plen += strlen(name) + strlen(value);
    }
    const char *a = pt_http_query(req, "a");
    const char *host = pt_http_header(req, "Host");
    const char *ct = pt_http_header(req, "content-type");
    int n = snprintf(out, size,
                     "{\"method\":\"%s\",\"path_len\":%zu,\"query_len\":%zu,\"params\":%zu,"
                     "\"plen\":%zu,\"a\":%zu,\"host\":%zu,\"ct\":%zu,\"body\":%zu,\"uid\":%d}",
                     req->method, strlen(req->path), strlen(req->query), params, plen,
                     a ? strlen(a) : 0, host ? strlen(host) : 0, ct ? strlen(ct) : 0, req->body_len,
                     req->has_cred ? 1 : 0);
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static void on_timer_closed(uv_handle_t *h)
{
    free(h->data);
    timers_open--;
}

static void on_pending(uv_timer_t *t)
{
    pending_t *p = t->data;
    if (p->kind == 0) {
        char out[512];
        size_t n = describe(p->req, out, sizeof(out));
        pt_http_respond(p->req, 200, "application/json", NULL, out, n);
        owed_count--; /* the request */
    } else if (p->req) {
        upload_t *u = p->req->data;
        u->resume = NULL;
        u->paused = false;
        pt_http_body_resume(p->req);
    }
    uv_close((uv_handle_t *)t, on_timer_closed);
}

static pending_t *later(pt_http_request_t *req, int kind)
{
    pending_t *p = calloc(1, sizeof(*p));
    if (!p)
        abort();
    p->req = req;
    p->kind = kind;
    uv_timer_init(fz_http_loop(), &p->timer);
    p->timer.data = p;
    timers_open++;
    uv_timer_start(&p->timer, on_pending, 0, 0);
    return p;
}

static void on_abort(pt_http_request_t *req, void *arg)
{
    (void)req;
    (void)arg;
}

static void upload_resume_later(pt_http_request_t *req)
{
    upload_t *u = req->data;
    u->resume = later(req, 1);
}

static void on_upload_data(pt_http_request_t *req, const char *buf, size_t len, void *arg)
{
    upload_t *u = arg;
    /* Touch every byte, as an importer reads them. */
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (unsigned char)buf[i];
    (void)sum;
    u->bytes += len;
    u->pieces++;
    if (!u->paused && (u->pieces % 3) == 1) {
        u->paused = true;
        pt_http_body_pause(req);
        upload_resume_later(req);
    }
}

static void on_upload_end(pt_http_request_t *req, int status, void *arg)
{
    upload_t *u = arg;
    char out[128];
    int n = snprintf(out, sizeof(out), "{\"status\":%d,\"bytes\":%zu}", status, u->bytes);
    /* A resume still queued must not touch the request once it is
     * answered. */
    if (u->resume)
        u->resume->req = NULL;
    bool own = u->own_limit && status == UV_E2BIG;
    free(u);
    req->data = NULL;
    if (own) {
        later(req, 0); /* answers, and counts the request answered */
        return;
    }
    pt_http_respond(req, status == 0 ? 200 : 400, "application/json", NULL, out, (size_t)n);
    owed_count--;
}

static void handler(pt_http_request_t *req, void *ud)
{
    (void)ud;
    owed_count++;
    char out[512];
    size_t n = describe(req, out, sizeof(out));
    if (starts(req->path, "/later")) {
        pt_http_request_on_abort(req, on_abort, NULL);
        later(req, 0);
    } else if (starts(req->path, "/stream")) {
        pt_http_stream_begin(req, 200, "application/json", NULL);
        for (size_t i = 0; i < n; i += 7)
            pt_http_stream_write(req, out + i, n - i < 7 ? n - i : 7);
        if (req->body_len)
            pt_http_stream_write(req, req->body, req->body_len);
        pt_http_stream_end(req);
        owed_count--;
    } else if (starts(req->path, "/abort")) {
        pt_http_stream_begin(req, 200, "text/plain", NULL);
        pt_http_stream_write(req, out, n);
        pt_http_stream_abort(req);
        owed_count--;
    } else if (starts(req->path, "/upload-refuse")) {
        pt_http_respond(req, 400, "application/json", NULL, out, n);
        owed_count--;
    } else if (starts(req->path, "/upload")) {
        upload_t *u = calloc(1, sizeof(*u));
        if (!u)
            abort();
        req->data = u;
        pt_http_request_on_abort(req, on_abort, NULL);
        if (starts(req->path, "/upload-own")) {
            u->own_limit = true;
            pt_http_body_answer_over_limit(req);
        }
        pt_http_body_start(req, on_upload_data, on_upload_end, u);
    } else {
        const char *const headers[] = {"X-Fuzz: 1", NULL};
        pt_http_respond(req, 200, "application/json", headers, out, n);
        owed_count--;
    }
}

static bool wants_stream(const pt_http_request_t *req, void *ud)
{
    (void)ud;
    return starts(req->path, "/upload");
}

static int head_check(const pt_http_request_t *req, void *ud, const char **code, char *msg,
                      size_t len)
{
    (void)ud;
    const char *auth = pt_http_header(req, "authorization");
    if (auth && strcmp(auth, "Bearer no") == 0) {
        *code = "unauthorized";
        snprintf(msg, len, "the token is not known");
        return 401;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pt_http_server_t *srv;
    if (!srv) {
        pt_http_limits_t lim;
        pt_http_limits_default(&lim);
        /* Small limits, so that inputs of a few KiB reach them. */
        lim.max_body = 4096;
        lim.max_header = 2048;
        lim.max_requests = 20;
        srv = fz_http_start(&lim, handler, NULL);
        pt_http_server_set_body_stream(srv, wants_stream, NULL, 16384);
        pt_http_server_set_head_check(srv, head_check, NULL);
    }
    uint32_t h = fz_hash(data, size);
    fz_http_exchange(data, size, h, (h >> 7) & 1, busy);
    return 0;
}

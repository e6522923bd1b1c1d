/*
 * api-feed.c - the change feed: GET /v1/events as a page, as a long poll
 * (wait=SECONDS) and as an event stream (Accept: text/event-stream).
 *
 * Every waiting client is in the API's list from its request until its
 * answer. One that has seen everything waits there until the store reports
 * a commit with events after the client's `after`; then its read is run
 * again (or, if a read is already out, once more after it). A parked client costs a list entry and
 * a timer, no thread. Each waiter is freed only when both its answer has gone out and no read of
 * its own is still in flight.
 *
 * A unit or a delegate sees the events of the proposals it may read now
 * (its scope, as its lists have it), and no digest; a commit of events
 * outside its scope moves its place on without answering a long poll.
 *
 * A stream reads pages of at most STREAM_PAGE events until it has caught
 * up, and writes no more, even within a page, while more than STREAM_HIGH
 * bytes it wrote are still unsent: it goes on from the last event written
 * when the client has taken them (the drain callback), so that a client
 * that reads slowly, or not at all, holds about that much memory and a
 * page. One that takes nothing for the server's idle_timeout is
 * disconnected. One that runs out of memory for an event ends before it,
 * never after: its client, reconnecting with the last id it got, is sent
 * that event again.
 */
#include "api-internal.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HEARTBEAT_MS 15000
#define MAX_WAIT_S 300
#define STREAM_HIGH (256 * 1024)
#define STREAM_PAGE 50
#define STREAM_NOMEM (-2) /* stream_events: out of memory */

struct pt_feed_waiter_s {
    pt_api_t *api;
    pt_call_t *call; /* NULL once answered */
    bool sse;
    pt_list_query_t scope; /* a bound role's unit or person; else empty */
    int64_t after;
    int limit;
    uint64_t deadline;    /* uv_now() value; long polls only */
    bool reading;         /* a read is in flight */
    bool wake_pending;    /* a commit came while reading, or more is to read */
    bool blocked;         /* a stream waits for its client to take what it wrote */
    size_t stall_pending; /* unsent bytes when the stall timer was last started */
    bool linked;          /* in api->waiters */
    bool done;            /* answered; free once no read is in flight */
    uv_timer_t timer;
    pt_feed_waiter_t *next, *prev;
};

static void feed_read(pt_feed_waiter_t *w);
static void finish(pt_feed_waiter_t *w);
static void answer(pt_feed_waiter_t *w, const char *json, size_t len);

/* The client of a blocked stream took nothing for idle_timeout. */
static void on_stream_stalled(uv_timer_t *t)
{
    pt_feed_waiter_t *w = t->data;
    if (!w->blocked || !w->call)
        return;
    size_t pending = pt_http_stream_pending(w->call->req);
    if (pending < w->stall_pending) {
        /* It took some: a slow client, not a stalled one. */
        w->stall_pending = pending;
        uv_timer_start(&w->timer, on_stream_stalled, w->api->opts.config->limits.idle_timeout_ms,
                       0);
        return;
    }
    pt_warn("an event stream took nothing for %llu ms; it is closed",
            (unsigned long long)w->api->opts.config->limits.idle_timeout_ms);
    pt_call_t *call = w->call;
    w->call = NULL;
    pt_http_stream_cut(call->req);
    free(call);
    finish(w);
}

/* The client of a blocked stream took everything written: read on. */
static void on_stream_drained(pt_http_request_t *req, void *arg)
{
    (void)req;
    pt_feed_waiter_t *w = arg;
    if (!w->blocked)
        return;
    w->blocked = false;
    uv_timer_stop(&w->timer);
    if (w->wake_pending && w->call && !w->reading) {
        w->wake_pending = false;
        feed_read(w);
    }
}

/* Reads on if more is to read, unless the client has not taken what was
 * written: then once it has. */
static void stream_on(pt_feed_waiter_t *w)
{
    if (!w->wake_pending)
        return;
    if (pt_http_stream_pending(w->call->req) > STREAM_HIGH) {
        if (!w->blocked) {
            w->blocked = true;
            w->stall_pending = pt_http_stream_pending(w->call->req);
            pt_http_stream_on_drain(w->call->req, on_stream_drained, w);
            uv_timer_start(&w->timer, on_stream_stalled,
                           w->api->opts.config->limits.idle_timeout_ms, 0);
        }
        return;
    }
    w->wake_pending = false;
    feed_read(w);
}

static void link_waiter(pt_feed_waiter_t *w)
{
    if (w->linked)
        return;
    pt_api_t *api = w->api;
    w->prev = NULL;
    w->next = api->waiters;
    if (api->waiters)
        api->waiters->prev = w;
    api->waiters = w;
    w->linked = true;
}

static void unlink_waiter(pt_feed_waiter_t *w)
{
    if (!w->linked)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        w->api->waiters = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->linked = false;
}

static void free_waiter(uv_handle_t *h)
{
    pt_feed_waiter_t *w = h->data;
    pt_list_query_clear(&w->scope);
    free(w);
}

/* Marks the waiter answered; frees it when no read of its own is out. */
static void finish(pt_feed_waiter_t *w)
{
    if (!w->done) {
        w->done = true;
        unlink_waiter(w);
        uv_timer_stop(&w->timer);
    }
    if (!w->reading)
        uv_close((uv_handle_t *)&w->timer, free_waiter);
}

/* Answers a long poll with a page, or ends a stream. */
static void answer(pt_feed_waiter_t *w, const char *json, size_t len)
{
    pt_call_t *call = w->call;
    if (!call)
        return;
    w->call = NULL;
    if (w->sse) {
        /* A blocked client would hold the end of the stream back (and a
         * stopping daemon with it) for idle_timeout: it is cut off. */
        if (w->blocked)
            pt_http_stream_abort(call->req);
        else
            pt_http_stream_end(call->req);
        free(call);
    } else if (json) {
        pt_api_reply(call, 200, json, len, NULL);
    } else {
        char empty[96];
        int n =
            snprintf(empty, sizeof(empty), "{\"items\":[],\"last_seq\":%lld}", (long long)w->after);
        pt_api_reply(call, 200, empty, (size_t)n, NULL);
    }
}

/* Writes the events of a page as server-sent events, stopping once more
 * than STREAM_HIGH bytes are unsent; *last is the seq of the last one
 * written (0: none). Returns -1 when the client has gone, STREAM_NOMEM
 * when memory ran out before the page's end (logged), 1 when it stopped
 * before the page's end, 0 when it wrote the page. An event it could not
 * write is not passed over: the stream must end there, so that its client
 * reconnects from the last id it got and is sent that event again, where a
 * stream going on with the next would have lost it without a word. */
static int stream_events(pt_feed_waiter_t *w, const char *json, size_t len, int64_t *last)
{
    *last = 0;
    cJSON *page = cJSON_ParseWithLength(json, len);
    if (!page) {
        pt_warn("an event stream of %s ended: out of memory reading the events after %lld; "
                "its client gets them when it reconnects",
                w->call->who.name, (long long)w->after);
        return STREAM_NOMEM;
    }
    cJSON *items = cJSON_GetObjectItemCaseSensitive(page, "items");
    bool ok = true;
    int rc = 0;
    cJSON *ev;
    cJSON_ArrayForEach(ev, items)
    {
        if (pt_http_stream_pending(w->call->req) > STREAM_HIGH) {
            rc = 1;
            break;
        }
        cJSON *seq = cJSON_GetObjectItemCaseSensitive(ev, "seq");
        cJSON *type = cJSON_GetObjectItemCaseSensitive(ev, "type");
        if (!cJSON_IsNumber(seq) || !cJSON_IsString(type))
            continue;
        char *data = cJSON_PrintUnformatted(ev);
        size_t n = data ? strlen(data) + strlen(type->valuestring) + 64 : 0;
        char *msg = data ? malloc(n) : NULL;
        if (!msg) {
            free(data);
            pt_warn("an event stream of %s ended: out of memory writing event %lld; its "
                    "client gets it when it reconnects",
                    w->call->who.name, (long long)seq->valuedouble);
            rc = STREAM_NOMEM;
            break;
        }
        int m = snprintf(msg, n, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)seq->valuedouble,
                         type->valuestring, data);
        ok = pt_http_stream_write(w->call->req, msg, (size_t)m) == 0;
        free(msg);
        free(data);
        if (!ok)
            break;
        *last = (int64_t)seq->valuedouble;
    }
    cJSON_Delete(page);
    return ok ? rc : -1;
}

static void on_feed_read(pt_read_t *r)
{
    pt_feed_waiter_t *w = r->data;
    w->reading = false;
    if (w->done) {
        pt_read_free(r);
        finish(w);
        return;
    }
    if (r->err.code != PT_OK) {
        if (w->sse) {
            answer(w, NULL, 0);
        } else {
            pt_call_t *call = w->call;
            w->call = NULL;
            pt_api_fail(call, &r->err);
        }
        pt_read_free(r);
        finish(w);
        return;
    }
    if (w->sse) {
        int64_t last = 0;
        int rc = r->count == 0 ? 0 : stream_events(w, r->json, r->json_len, &last);
        if (rc == 1 || rc == STREAM_NOMEM) {
            /* Held back within the page: on from the last event written
             * (or, out of memory, ended there). */
            if (last > w->after)
                w->after = last;
            if (rc == 1)
                w->wake_pending = true;
        } else {
            w->after = r->last_seq;
            /* A full page: there may be more. */
            if (r->count >= r->limit)
                w->wake_pending = true;
        }
        bool ok = rc >= 0;
        pt_read_free(r);
        if (!ok || w->api->shutting_down) {
            answer(w, NULL, 0);
            finish(w);
        } else {
            stream_on(w);
        }
        return;
    }
    uint64_t now = uv_now(w->api->opts.loop);
    if (r->count > 0 || now >= w->deadline || w->api->shutting_down) {
        answer(w, r->json, r->json_len);
        pt_read_free(r);
        finish(w);
        return;
    }
    /* Nothing in scope yet: wait on from the place the read came to. */
    w->after = r->last_seq;
    pt_read_free(r);
    if (w->wake_pending) {
        w->wake_pending = false;
        feed_read(w);
    }
}

static void feed_read(pt_feed_waiter_t *w)
{
    pt_read_t *r = pt_read_new(PT_READ_EVENTS);
    if (!r) {
        answer(w, NULL, 0);
        finish(w);
        return;
    }
    r->after = w->after;
    r->limit = w->sse && w->limit > STREAM_PAGE ? STREAM_PAGE : w->limit;
    if ((w->scope.unit && !(r->query.unit = strdup(w->scope.unit))) ||
        (w->scope.person && !(r->query.person = strdup(w->scope.person)))) {
        pt_read_free(r);
        answer(w, NULL, 0);
        finish(w);
        return;
    }
    r->cb = on_feed_read;
    r->data = w;
    w->reading = true;
    if (pt_store_read(w->api->opts.store, r) != PT_OK) {
        w->reading = false;
        pt_read_free(r);
        answer(w, NULL, 0);
        finish(w);
    }
}

static void on_wait_timeout(uv_timer_t *t)
{
    pt_feed_waiter_t *w = t->data;
    if (w->reading)
        return; /* the read's answer sees the deadline has passed */
    answer(w, NULL, 0);
    finish(w);
}

static void on_client_gone(pt_http_request_t *req, void *arg)
{
    (void)req;
    pt_feed_waiter_t *w = arg;
    answer(w, NULL, 0);
    finish(w);
}

static void on_heartbeat(uv_timer_t *t)
{
    pt_api_t *api = t->data;
    bool any = false;
    for (pt_feed_waiter_t *w = api->waiters; w; w = w->next) {
        if (w->sse && w->call) {
            /* A stream with bytes still unsent needs no keep-alive. */
            if (pt_http_stream_pending(w->call->req) == 0)
                pt_http_stream_write(w->call->req, ":\n\n", 3);
            any = true;
        }
    }
    if (!any)
        uv_timer_stop(t);
}

void pt_api_feed_wake(int64_t last_seq, void *ud)
{
    pt_api_t *api = ud;
    pt_feed_waiter_t *w = api->waiters;
    while (w) {
        pt_feed_waiter_t *next = w->next;
        if (w->reading || w->blocked) {
            w->wake_pending = true;
        } else if (last_seq > w->after && w->call) {
            if (w->sse) {
                w->wake_pending = true;
                stream_on(w);
            } else {
                feed_read(w);
            }
        }
        w = next;
    }
}

void pt_api_feed_shutdown(pt_api_t *api)
{
    uv_timer_stop(&api->heartbeat);
    while (api->waiters) {
        pt_feed_waiter_t *w = api->waiters;
        answer(w, NULL, 0);
        finish(w);
    }
}

int pt_api_identified_as(pt_api_t *api, const pt_http_request_t *req, const pt_identity_t *who)
{
    pt_identity_t now;
    pt_error_t err = {0};
    int rc = pt_api_identify_again(api, req, &now, &err);
    pt_error_clear(&err);
    if (rc != PT_OK)
        return rc;
    bool same = now.role == who->role && strcmp(now.unit, who->unit) == 0 &&
                strcmp(now.person, who->person) == 0;
    return same ? PT_OK : PT_EFORBIDDEN;
}

void pt_api_feed_recheck(pt_api_t *api)
{
    pt_feed_waiter_t *w = api->waiters;
    while (w) {
        pt_feed_waiter_t *next = w->next;
        if (w->call && pt_api_identified_as(api, w->call->req, &w->call->who) != PT_OK) {
            pt_info("%s of %s ended: its client may no longer read it as it did (a reload "
                    "changed socket_users or the tokens, or its token was revoked); coming "
                    "back, it is identified anew",
                    w->sse ? "an event stream" : "a long poll of the change feed",
                    w->call->who.name);
            answer(w, NULL, 0);
            finish(w);
        }
        w = next;
    }
}

/* Whether Accept names text/event-stream (RFC 9110 12.5.1): one of its
 * comma-separated media ranges is that type, in any case, with no q=0
 * after it ("Text/Event-Stream" is one; "text/event-stream;q=0" refuses
 * it; "text/event-streams" is another type). */
static bool accepts_stream(const pt_http_request_t *req)
{
    static const char type[] = "text/event-stream";
    const size_t tlen = sizeof(type) - 1;
    const char *p = pt_http_header(req, "Accept");
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *end = p + strcspn(p, ",");
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *tend = semi ? semi : end;
        while (tend > p && (tend[-1] == ' ' || tend[-1] == '\t'))
            tend--;
        if ((size_t)(tend - p) == tlen && strncasecmp(p, type, tlen) == 0) {
            bool refused = false;
            for (const char *q = semi; q && q < end;
                 q = memchr(q + 1, ';', (size_t)(end - q - 1))) {
                const char *v = q + 1;
                while (*v == ' ' || *v == '\t')
                    v++;
                if ((v[0] == 'q' || v[0] == 'Q') && v[1] == '=') {
                    /* q=0, 0.0, 0.00, 0.000: the client takes none of it. */
                    v += 2;
                    refused = *v == '0';
                    for (v++; refused && v < end && *v != ';' && *v != ' ' && *v != '\t'; v++)
                        refused = *v == '.' || *v == '0';
                }
            }
            if (!refused)
                return true;
        }
        p = end;
    }
    return false;
}

void pt_api_events(pt_call_t *call)
{
    if (!pt_api_require_reader(call))
        return;
    static const char *const known[] = {"after", "limit", "wait", NULL};
    pt_error_t err = {0};
    int64_t after, limit, wait;
    if (pt_query_only(call->req, known, &err) != PT_OK ||
        pt_query_int(call->req, "after", 0, INT64_MAX, 0, &after, &err) != PT_OK ||
        pt_query_int(call->req, "limit", 1, 1000, 100, &limit, &err) != PT_OK ||
        pt_query_int(call->req, "wait", 0, MAX_WAIT_S, 0, &wait, &err) != PT_OK) {
        pt_api_fail(call, &err);
        return;
    }
    pt_feed_waiter_t *w = calloc(1, sizeof(*w));
    if (!w) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    pt_api_t *api = call->api;
    w->api = api;
    w->call = call;
    if (!pt_api_scope_query(call, &w->scope)) {
        pt_list_query_clear(&w->scope);
        free(w);
        return;
    }
    w->sse = accepts_stream(call->req);
    /* A stream picked up again says where it was in Last-Event-ID (the
     * seq of the last event it had). An EventSource sends it with the
     * address it was opened with, after= and all: with both, the stream
     * goes on after the later, so that each reconnection does not bring
     * again what the client had. A value that is no seq is refused:
     * starting from the first event, or from now, would be a guess. An
     * empty one names none. */
    const char *last = w->sse ? pt_http_header(call->req, "Last-Event-ID") : NULL;
    if (last && *last) {
        char *end;
        errno = 0;
        long long seq = strtoll(last, &end, 10);
        if (errno != 0 || *end != '\0' || seq < 0 || !(*last >= '0' && *last <= '9')) {
            pt_list_query_clear(&w->scope);
            free(w);
            pt_api_failf(call, PT_EBADREQUEST,
                         "the Last-Event-ID header is not the seq of an event (a whole number "
                         "from 0)");
            return;
        }
        if (seq > after)
            after = seq;
    }
    w->after = after;
    w->limit = (int)limit;
    uv_timer_init(api->opts.loop, &w->timer);
    w->timer.data = w;
    pt_http_request_on_abort(call->req, on_client_gone, w);
    link_waiter(w);
    if (w->sse) {
        const char *const headers[] = {"Cache-Control: no-cache", NULL};
        pt_api_count(call, 200);
        pt_http_stream_begin(call->req, 200, "text/event-stream; charset=utf-8", headers);
        if (!uv_is_active((uv_handle_t *)&api->heartbeat))
            uv_timer_start(&api->heartbeat, on_heartbeat, HEARTBEAT_MS, HEARTBEAT_MS);
    } else if (wait > 0) {
        w->deadline = uv_now(api->opts.loop) + (uint64_t)wait * 1000;
        uv_timer_start(&w->timer, on_wait_timeout, (uint64_t)wait * 1000, 0);
    }
    feed_read(w);
}

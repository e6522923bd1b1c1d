/*
 * api-plugins.c - GET, POST /v1/plugins and DELETE /v1/plugins/{instance}
 * (also GET /v1/plugins/{instance}). Admin only.
 *
 * Loading runs on the loop: the file checks, dlopen and create() are quick
 * (create() must not block, the plugin header says so).
 *
 * Unloading a notifier may have to wait for a deliver() in progress, which
 * can take as long as the plugin's own network timeout, or forever. The
 * loop must not wait with it, and pt_notifier_stop() is a loop function
 * that blocks its caller for up to the deadline it is given. So DELETE
 * never gives it more than a deadline of 0: the first call asks the worker
 * to stop (it then stops by itself as soon as deliver() returns) and comes
 * back at once when deliver() is still running. The request then waits on
 * a timer, looking every UNLOAD_POLL_MS whether deliver() has returned, and
 * finishes the unload when it has; after the instance's own timeout and a
 * margin (pt_notifier_wait_ms: at least UNLOAD_WAIT_MS, at most
 * UNLOAD_WAIT_MAX_MS, within the minute a client such as ptrack waits for
 * its answer) it answers 409 with the notifier's own message, takes the
 * stop back, and the instance goes on as it was: a refused unload changes
 * nothing. During a stop (SIGTERM) the wait ends at once and the stop is
 * not taken back: the instance stops with ptrackd.
 * The loop is never blocked for more than the moment a worker that is
 * between two steps needs to notice the stop.
 */
#include "api-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json-strict.h"
#include "log.h"

#define UNLOAD_WAIT_MS 5000
#define UNLOAD_WAIT_MAX_MS 50000
#define UNLOAD_POLL_MS 100

static pt_plugins_t *registry(pt_call_t *call)
{
    return call->api->opts.plugins;
}

static void reply_json(pt_call_t *call, int status, cJSON *json, const char *const *headers)
{
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    cJSON_Delete(json);
    if (!text) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    pt_api_reply(call, status, text, strlen(text), headers);
    free(text);
}

static void list(pt_call_t *call)
{
    cJSON *items = pt_plugins_list(registry(call));
    cJSON *o = items ? cJSON_CreateObject() : NULL;
    if (!o) {
        cJSON_Delete(items);
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    cJSON_AddItemToObject(o, "items", items);
    /* Which instance serves each format, for the reader who wonders which
     * of an office's csv importer and the built-in one runs. */
    cJSON *formats = pt_plugins_formats(registry(call));
    if (!formats) {
        cJSON_Delete(o);
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    cJSON_AddItemToObject(o, "formats", formats);
    cJSON *failed = pt_plugins_failed(registry(call));
    if (!failed) {
        cJSON_Delete(o);
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    cJSON_AddItemToObject(o, "failed", failed);
    reply_json(call, 200, o, NULL);
}

static void show(pt_call_t *call, const char *instance)
{
    cJSON *o = pt_plugins_instance_json(registry(call), instance);
    if (!o) {
        pt_api_failf(call, PT_ENOTFOUND, "there is no plugin instance \"%s\"", instance);
        return;
    }
    reply_json(call, 200, o, NULL);
}

static void load(pt_call_t *call)
{
    pt_http_request_t *req = call->req;
    if (!pt_api_require_json(call))
        return;
    pt_error_t err = {0};
    cJSON *entry = pt_json_parse(req->body, req->body_len, &err);
    if (!entry) {
        pt_api_fail(call, &err);
        return;
    }
    if (pt_plugins_load_runtime(registry(call), entry, &err) != PT_OK) {
        /* Said in the log too: the operator reads there what was tried on
         * the daemon, and only the client sees the answer. */
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(entry, "instance");
        pt_warn("%s could not load plugin instance %s: %s", call->who.name,
                cJSON_IsString(n) ? n->valuestring : "(unnamed)", err.message);
        cJSON_Delete(entry);
        pt_api_fail(call, &err);
        return;
    }
    const char *name = cJSON_GetObjectItemCaseSensitive(entry, "instance")->valuestring;
    pt_info("%s loaded plugin instance %s", call->who.name, name);
    char location[128];
    snprintf(location, sizeof(location), "Location: /v1/plugins/%s", name);
    const char *const headers[] = {location, NULL};
    cJSON *o = pt_plugins_instance_json(registry(call), name);
    cJSON_Delete(entry);
    reply_json(call, 201, o, headers);
}

/* ---- Unloading -------------------------------------------------------- */

typedef struct {
    pt_call_t *call;
    uv_timer_t timer;
    char name[72];
    uint64_t until; /* uv_now() after which the wait ends */
} unload_wait_t;

static void wait_closed(uv_handle_t *h)
{
    free(h->data);
}

/* Answers the request and ends the wait. */
static void wait_finish(unload_wait_t *w, pt_error_t *err)
{
    if (err->code == PT_OK)
        pt_api_reply(w->call, 204, NULL, 0, NULL);
    else
        pt_api_fail(w->call, err);
    w->call = NULL;
    uv_timer_stop(&w->timer);
    uv_close((uv_handle_t *)&w->timer, wait_closed);
}

static void wait_tick(uv_timer_t *t)
{
    unload_wait_t *w = t->data;
    pt_plugins_t *p = registry(w->call);
    pt_error_t err = {0};
    /* A stop asks every notifier to stop and waits for them itself
     * (pt_plugins_stopping): the unload is answered at once then, rather
     * than hold the stop for the rest of its wait. */
    bool stopping = pt_plugins_is_stopping(p);
    bool last = uv_now(t->loop) >= w->until || stopping;
    pt_instance_t *inst = pt_plugins_find(p, w->name);
    /* Trying to stop it again while it is inside deliver() would only fail
     * again. */
    if (!last && inst && pt_notifier_in_deliver(inst))
        return;
    if (pt_plugins_unload(p, w->name, 0, &err) == PT_OK || last || err.code != PT_ECONFLICT) {
        if (err.code == PT_OK) {
            pt_info("%s unloaded plugin instance %s", w->call->who.name, w->name);
        } else if (err.code == PT_ECONFLICT && (inst = pt_plugins_find(p, w->name)) &&
                   inst->notifier && inst->jobs == 0) {
            if (stopping && pt_notifier_in_deliver(inst)) {
                /* The stop's own request to stop is not taken back: the
                 * instance would deliver again while ptrackd stops. */
                char msg[sizeof(err.message)];
                snprintf(msg, sizeof(msg), "%s", err.message);
                pt_error_set(&err, PT_ECONFLICT,
                             "%s; ptrackd is stopping, so it delivers nothing more and stops "
                             "with ptrackd (an instance of the configuration file goes on from "
                             "its saved place at the next start)",
                             msg);
                pt_warn("%s's unload of plugin instance %s was refused: %s", w->call->who.name,
                        w->name, err.message);
            } else if (!stopping && pt_notifier_resume(inst)) {
                char msg[sizeof(err.message)];
                snprintf(msg, sizeof(msg), "%s", err.message);
                pt_error_set(&err, PT_ECONFLICT, "%s; it goes on delivering as before", msg);
                pt_warn("%s's unload of plugin instance %s was refused: %s", w->call->who.name,
                        w->name, err.message);
            } else {
                /* deliver() returned just now: the worker is on its way
                 * out, and the unload can finish. */
                pt_error_clear(&err);
                if (pt_plugins_unload(p, w->name, 0, &err) == PT_OK)
                    pt_info("%s unloaded plugin instance %s", w->call->who.name, w->name);
            }
        }
        wait_finish(w, &err);
        return;
    }
    pt_error_clear(&err);
}

static void unload(pt_call_t *call, const char *instance)
{
    pt_plugins_t *p = registry(call);
    pt_error_t err = {0};
    if (pt_plugins_unload(p, instance, 0, &err) == PT_OK) {
        pt_info("%s unloaded plugin instance %s", call->who.name, instance);
        pt_api_reply(call, 204, NULL, 0, NULL);
        return;
    }
    pt_instance_t *inst = pt_plugins_find(p, instance);
    /* Only a notifier caught inside deliver() is worth waiting for; every
     * other refusal (no such instance, jobs running) is answered now. */
    if (err.code != PT_ECONFLICT || !inst || !inst->notifier || inst->jobs > 0) {
        pt_api_fail(call, &err);
        return;
    }
    pt_error_clear(&err);
    unload_wait_t *w = calloc(1, sizeof(*w));
    if (!w) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    w->call = call;
    snprintf(w->name, sizeof(w->name), "%s", instance);
    uv_loop_t *loop = pt_plugins_loop(p);
    w->until = uv_now(loop) + pt_notifier_wait_ms(inst, UNLOAD_WAIT_MS, UNLOAD_WAIT_MAX_MS);
    uv_timer_init(loop, &w->timer);
    w->timer.data = w;
    uv_timer_start(&w->timer, wait_tick, UNLOAD_POLL_MS, UNLOAD_POLL_MS);
}

/* ---- Routing ---------------------------------------------------------- */

void pt_api_plugins(pt_call_t *call, const char *instance)
{
    if (!pt_api_require(call, PT_ROLE_ADMIN))
        return;
    if (!registry(call)) {
        pt_api_failf(call, PT_ENOTFOUND, "this ptrackd has no plugin host");
        return;
    }
    const char *m = call->req->method;
    if (!instance && strcmp(m, "GET") == 0)
        list(call);
    else if (!instance && strcmp(m, "POST") == 0)
        load(call);
    else if (instance && strcmp(m, "GET") == 0)
        show(call, instance);
    else if (instance && strcmp(m, "DELETE") == 0)
        unload(call, instance);
    else
        pt_api_failf(call, PT_EMETHOD, "%s is not allowed on %s", m, call->req->path);
}

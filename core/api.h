/*
 * api.h - the HTTP/JSON API of docs/api.md: routes, access, and the
 * translation between HTTP requests and the store.
 *
 * The API is the HTTP server's handler. It owns the change feed's waiting
 * clients (long polls and event streams) and nothing else: proposals live in
 * the store, configuration in pt_config_t.
 *
 * Thread: loop.
 */
#ifndef PT_API_H
#define PT_API_H

#include <uv.h>
#include "config.h"
#include "deadlines.h"
#include "http-server.h"
#include "plugins.h"
#include "store.h"
#include "workflow.h"

typedef struct pt_api_s pt_api_t;

typedef struct {
    uv_loop_t *loop;
    pt_store_t *store;
    const pt_workflow_t *workflow;
    const pt_config_t *config;       /* must outlive the API (replace with pt_api_set_config) */
    pt_plugins_t *plugins;           /* the plugin host */
    pt_deadline_engine_t *deadlines; /* told of commits; may be NULL */
} pt_api_options_t;

int pt_api_new(const pt_api_options_t *opts, pt_api_t **out);
/* The head check to give pt_http_server_set_head_check(): a request with a
 * body from a client that is not let in (no or a bad token, an unknown
 * socket user, a foreign Host) is refused before its body is read. */
int pt_api_head_check(const pt_http_request_t *req, void *ud, const char **code, char *msg,
                      size_t len);

/* The handler to give pt_http_server_new(); ud is the pt_api_t. */
void pt_api_handle(pt_http_request_t *req, void *ud);
void pt_api_set_config(pt_api_t *api, const pt_config_t *config);
/* What the last reload (SIGHUP) did, for GET /v1/health: `refused` says
 * why its configuration was refused (copied), NULL that it was applied
 * (call it once the new configuration is in force: the feed's streams and
 * long polls are then checked against its socket users and tokens).
 * Thread: loop. */
void pt_api_note_reload(pt_api_t *api, const char *refused);
/* Whether a token of cfg has the name of a token made at run time that is
 * in force (the history would show two holders as one): sets err, naming
 * it, and returns PT_ECONFIG; else PT_OK. */
int pt_api_check_token_names(const pt_api_t *api, const pt_config_t *cfg, pt_error_t *err);
/* The refusal of the configuration's tokens[i] whose name is that of a
 * token made (or, making, being made) at run time. Returns PT_ECONFIG. */
int pt_api_token_name_taken(size_t i, const char *name, bool making, pt_error_t *err);
/* Queues the tokens' last uses not saved yet (they are saved at most once
 * a minute while ptrackd runs), for the store's close to commit. */
void pt_api_tokens_flush(pt_api_t *api);
/* Ends every long poll (answered with what there is) and event stream. */
void pt_api_shutdown(pt_api_t *api);
/* Frees the API after its timers have closed (run the loop once more). */
void pt_api_free(pt_api_t *api);

#endif

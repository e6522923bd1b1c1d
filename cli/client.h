/*
 * client.h - the HTTP client that talks to ptrackd (libcurl).
 *
 * One pt_client_t holds one curl handle, so consecutive requests (a list
 * that follows `next`, watch's long polls) reuse one keep-alive connection.
 * The client speaks either over ptrackd's Unix socket (the URL is then
 * http://localhost/...) or over TCP to a base URL with a bearer token. It
 * knows nothing about commands or how errors are shown: it returns the
 * status, the body and the headers that matter, or says what went wrong on
 * the way (context.c turns either into the one line a person reads).
 */
#ifndef PT_CLI_CLIENT_H
#define PT_CLI_CLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

typedef struct pt_client_s pt_client_t;

typedef struct {
    const char *socket_path; /* used when base_url is NULL */
    const char *base_url;    /* "http://127.0.0.1:8470", no trailing slash needed */
    const char *token;       /* sent as a bearer token over TCP; may be NULL */
} pt_client_config_t;

typedef struct {
    const char *if_match;        /* a version number; sent as If-Match: "N" */
    const char *idempotency_key; /* sent as Idempotency-Key */
    long timeout_s;              /* the whole exchange; 0: 60 s */
    /* Retry once when the transport fails after the request may have left
     * (never when the connection could not be made). Only safe for requests
     * that repeat harmlessly: reads, and adds that carry an idempotency key. */
    bool retry_after_send;
} pt_request_opts_t;

typedef enum {
    PT_TRANSPORT_OK = 0,
    PT_TRANSPORT_CONNECT, /* no connection could be made: nothing was sent */
    PT_TRANSPORT_TIMEOUT, /* no (complete) answer in time */
    PT_TRANSPORT_BROKEN,  /* the connection failed during the exchange */
    PT_TRANSPORT_ABORTED, /* the abort flag was raised (SIGINT in watch) */
    PT_TRANSPORT_BAD_URL, /* the URL cannot be used (--url http://[x): nothing was sent */
} pt_transport_t;

typedef struct {
    pt_transport_t transport;
    char reason[256]; /* why the transport failed, for a person */
    int os_errno;     /* the system's error of a failed connect, or 0 */
    long status;      /* the HTTP status when transport is OK */
    char *body;       /* the raw body, NUL-terminated ("" when none) */
    size_t body_len;
    cJSON *json;        /* the body parsed, or NULL when it is not JSON */
    char etag[64];      /* ETag without the quotes, or "" */
    char location[512]; /* Location, or "" */
    bool replayed;      /* Idempotent-Replayed: true */
} pt_response_t;

/* Makes a client; nothing connects until the first request. curl_global_init
 * must have been called. Ownership: the strings in cfg are copied. */
pt_client_t *pt_client_new(const pt_client_config_t *cfg);
void pt_client_free(pt_client_t *c);

/* Where the client connects, for messages: the socket path or the URL. */
const char *pt_client_endpoint(const pt_client_t *c);
bool pt_client_is_tcp(const pt_client_t *c);
bool pt_client_has_token(const pt_client_t *c);

/* Whether a request of c other than a GET has been answered with success
 * (2xx): ptrackd changed something for this command. NULL: false. */
bool pt_client_changed(const pt_client_t *c);

/* Notes that ptrackd changed something for this command over a request
 * made without c (ptrack import's upload has a handle of its own), so
 * that pt_client_changed() says so. From then on SIGPIPE is ignored: a
 * closed stdout makes a write fail (EPIPE) rather than end the command
 * halfway through its work, and the failure is said at the end. */
void pt_client_note_change(pt_client_t *c);

/* Requests stop with PT_TRANSPORT_ABORTED soon (within about a second) after
 * *flag becomes non-zero. NULL: never. */
void pt_client_set_abort_flag(pt_client_t *c, volatile sig_atomic_t *flag);

/* idle is called about once a second while a request runs, a long poll
 * too, so that a command that waits can notice something else meanwhile
 * (watch: that the reader of its pipe went away). NULL: nothing. */
void pt_client_set_idle(pt_client_t *c, void (*idle)(void));

/* Sends one request. `path` starts with "/v1/" and may carry a query string
 * already escaped (pt_client_query_add). body is NULL for none; POST and PATCH
 * without a body send "{}". Fills *resp (free it with pt_response_free) and
 * returns 0 when an HTTP answer arrived, whatever its status, or -1 when the
 * transport failed (resp->transport, resp->reason say how). */
int pt_client_request(pt_client_t *c, const char *method, const char *path, const cJSON *body,
                      const pt_request_opts_t *opts, pt_response_t *resp);
void pt_response_free(pt_response_t *resp);

/* Appends "name=value" (both percent-encoded) to a query string being built in
 * *query (NULL to start), with '?' or '&' as needed. Ownership: the caller
 * frees *query. */
void pt_client_query_add(char **query, const char *name, const char *value);

/* Fills key with 32 hex digits from /dev/urandom, for an Idempotency-Key.
 * Returns 0, or -1 when the system has no randomness to give (then the
 * request goes without a key and is not sent again). */
int pt_client_idempotency_key(char key[33]);

#endif

/*
 * notify-curl.h - the libcurl handling of the notifiers that talk to a
 * server (notify_email, notify_webhook): libcurl's global set-up and its
 * pairing clean-up, one easy handle per instance that keeps its connection
 * from one event to the next, and the options every request of theirs
 * sets the same way (no signals, only the schemes the plugin speaks, the
 * instance's timeout, an error buffer).
 *
 * It is not in plugins/common because that library is linked into plugins
 * that do not use libcurl; this one is linked only where libcurl is.
 *
 * Thread: pt_curl_global_init() and pt_curl_close() on the loop (create()
 * and destroy()); the rest on the instance's worker, which alone uses the
 * handle, so nothing here takes a lock.
 */
#ifndef PT_NOTIFY_CURL_H
#define PT_NOTIFY_CURL_H

#include <stdbool.h>
#include <stdint.h>
#include <curl/curl.h>
#include <ptrack/plugin.h>

/* An instance's connection. Zeroed (by calloc) is the state before the
 * first request. */
typedef struct {
    CURL *handle;                /* NULL until the first pt_curl_handle() */
    char error[CURL_ERROR_SIZE]; /* libcurl's message of the last request */
} pt_curl_t;

/* libcurl's global set-up, called by create() once its options are good:
 * curl_global_init is not thread-safe on every libcurl build, and the loop
 * runs create() one at a time, before any worker uses curl. Returns
 * PTRACK_OK, or PTRACK_ERROR after logging why. Each success is paired by
 * one pt_curl_close() (libcurl counts them). Thread: the loop. */
int pt_curl_global_init(const ptrack_host_t *host, ptrack_instance_t *inst);

/* Frees the handle and pairs the instance's pt_curl_global_init(). For
 * destroy(), after the worker has stopped. Thread: the loop. */
void pt_curl_close(pt_curl_t *cu);

/* The handle for a new request: made on the first call, afterwards the
 * same one reset to libcurl's defaults (it keeps its connection and TLS
 * session). Returns NULL after logging a warning when no handle can be
 * made; deliver() then answers PTRACK_RETRY. Thread: the worker. */
CURL *pt_curl_handle(pt_curl_t *cu, const ptrack_host_t *host, ptrack_instance_t *inst);

/* Frees the handle and the connection it keeps, so that the next
 * pt_curl_handle() makes a new one on a new connection: after a failed
 * request, whose connection may be left in a state the server no longer
 * agrees with (an SMTP transaction it still holds open). Thread: the
 * worker. */
void pt_curl_forget(pt_curl_t *cu);

/* Sets the options every request sets alike: the URL; no signals (they
 * are the daemon's, and libcurl must not use SIGALRM on a worker thread);
 * only the schemes the plugin speaks, named as a list ("http,https") and
 * as bits (CURLPROTO_HTTP | CURLPROTO_HTTPS) for a libcurl older than
 * 7.85; timeout_ms for the whole request and for the connection; and
 * cu->error, emptied, as the error buffer. Ownership: url is copied by
 * libcurl. Thread: the worker. */
void pt_curl_setup(pt_curl_t *cu, const char *url, const char *protocols, long protocol_bits,
                   int64_t timeout_ms);

/* What went wrong in the request that returned cc: libcurl's message in
 * cu->error, or the code's generic text when there is none. Valid until
 * the next request. */
const char *pt_curl_why(const pt_curl_t *cu, CURLcode cc);

/* Appends text to *list (copied by libcurl). Returns false, with *list as
 * it was, when memory ran out; free the list with curl_slist_free_all. */
bool pt_curl_list_add(struct curl_slist **list, const char *text);

#endif /* PT_NOTIFY_CURL_H */

/*
 * http-server.h - one HTTP/1.1 server on libuv and http-parser.
 *
 * The server accepts connections on a Unix socket and on TCP, parses one
 * request at a time per connection (keep-alive; a pipelined request waits
 * until the one before it has been answered), enforces the limits below, and
 * hands each complete request to one handler. The handler may answer at once
 * or later (after the store's writer has committed, or when a long poll
 * wakes up): every request gets exactly one pt_http_respond() or, for a
 * streamed answer, pt_http_stream_begin() ... pt_http_stream_end(), even when
 * the client has gone away in the meantime (the answer is then dropped and
 * the request freed).
 *
 * Requests that break HTTP or a limit are answered by the server itself with
 * the JSON error objects of docs/api.md and never reach the handler: a body
 * over max_body (413 payload_too_large), a request line plus headers over
 * max_header (431 headers_too_large), malformed HTTP or a second
 * Transfer-Encoding or Content-Length header (400 bad_request).
 *
 * Thread: everything here runs on the loop thread.
 */
#ifndef PT_HTTP_SERVER_H
#define PT_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

typedef struct pt_http_server_s pt_http_server_t;
typedef struct pt_http_request_s pt_http_request_t;

typedef struct {
    size_t max_body;            /* bytes; default 1 MiB */
    size_t max_header;          /* request line + headers, bytes; default 16 KiB */
    unsigned max_connections;   /* over it, new connections are closed at once; 1024 */
    uint64_t header_timeout_ms; /* a request's head must arrive within; 10 s */
    uint64_t idle_timeout_ms;   /* an idle keep-alive connection is closed; 60 s */
    unsigned max_requests;      /* requests per connection; the last is answered with
                                   Connection: close; 10000 */
} pt_http_limits_t;

void pt_http_limits_default(pt_http_limits_t *l);

typedef enum { PT_PEER_UNIX = 1, PT_PEER_TCP = 2 } pt_peer_kind_t;

struct pt_http_request_s {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* percent-decoded path, without the query: "/v1/proposals/7";
                           %2F and %25 stay encoded (pt_http_segment) */
    const char *query;  /* the raw query string without '?', "" when none */
    /* The authority of a target in absolute form ("127.0.0.1:8470" of
     * "GET http://127.0.0.1:8470/v1/health"), as sent: RFC 9112 3.2.2 has
     * it name the server in the Host header's stead. NULL for a target in
     * origin form ("/v1/health"), the usual one. */
    const char *authority;
    const char *body; /* NUL-terminated for convenience; body_len bytes */
    size_t body_len;
    pt_peer_kind_t peer;
    bool http10;   /* the request line says HTTP/1.0 (else HTTP/1.1, or a later 1.x) */
    bool has_cred; /* Unix socket: SO_PEERCRED was read */
    uid_t uid;
    gid_t gid;
    pid_t pid;
    void *data; /* the handler's; the server never touches it */
};

/* The handler. Ownership: req belongs to the server until it is answered. */
typedef void (*pt_http_handler_cb)(pt_http_request_t *req, void *ud);

int pt_http_server_new(uv_loop_t *loop, const pt_http_limits_t *limits, pt_http_handler_cb handler,
                       void *ud, pt_http_server_t **out);
/* Replaces the limits (for new connections and requests). */
void pt_http_server_set_limits(pt_http_server_t *srv, const pt_http_limits_t *limits);

/* How accepting connections goes, for the log. accept(2) fails mostly for
 * want of a descriptor (EMFILE, ENFILE): the server then closes the
 * connections waiting in the backlog at once, unanswered (a descriptor it
 * keeps spare lets it accept them), or pauses accepting for a moment, and
 * never spins on them. */
typedef enum {
    PT_ACCEPT_FAILS,       /* the first failure after accepts worked */
    PT_ACCEPT_STILL_FAILS, /* failures go on: at most one report every 5 s */
    PT_ACCEPT_WORKS,       /* a connection was accepted again */
} pt_http_accept_state_t;

typedef struct {
    pt_http_accept_state_t state;
    int error;           /* the last failure's: a negative errno (UV_EMFILE) */
    uint64_t failures;   /* accepts that failed since the last report */
    uint64_t dropped;    /* connections closed unanswered since the last report */
    uint64_t failing_ms; /* how long accepts have been failing */
    size_t connections;  /* connections open */
} pt_http_accept_report_t;

/* Called when accepting starts to fail, every 5 s at most while it goes on
 * failing, and when it works again. Thread: loop. Ownership: rep is
 * borrowed for the call. */
typedef void (*pt_http_accept_report_cb)(const pt_http_accept_report_t *rep, void *ud);
void pt_http_server_set_accept_report(pt_http_server_t *srv, pt_http_accept_report_cb report,
                                      void *ud);
/* What the server did with connections and requests since it was made,
 * for /metrics. */
#define PT_HTTP_REFUSAL_KINDS 16
typedef struct {
    int status;       /* 400, 408, 413, 431, 501, 503, 505 */
    const char *code; /* the error's code ("payload_too_large"): a constant */
    uint64_t count;
} pt_http_refusal_t;
typedef struct {
    size_t open;              /* connections open now */
    uint64_t accepted;        /* connections accepted and served */
    uint64_t over_limit;      /* accepted and closed at once: limits.connections */
    uint64_t accept_failures; /* accepts that failed (EMFILE, ENOBUFS, ...) */
    uint64_t dropped;         /* connections closed unanswered when accept failed */
    /* Requests the server answered itself with an error, before any
     * handler (a malformed request, a header or body over its limit, a
     * timeout), by status and code; the handler's answers are not here. */
    pt_http_refusal_t refused[PT_HTTP_REFUSAL_KINDS];
    size_t n_refused;
} pt_http_counts_t;
pt_http_counts_t pt_http_server_counts(const pt_http_server_t *srv);
/* The same, of the server that received req. */
pt_http_counts_t pt_http_request_server_counts(const pt_http_request_t *req);

/* Listens on a Unix socket: an existing socket file at path is replaced; the
 * socket is created with mode 0600 (umask 077) unless mode says otherwise.
 * Returns 0 or a negative libuv error. */
int pt_http_server_listen_unix(pt_http_server_t *srv, const char *path, int mode);
/* Whether a process serves on the Unix socket at path, as
 * pt_http_server_listen_unix() would find it: UV_EADDRINUSE when one
 * accepts connections there, 0 when there is nothing at path, something
 * that is not a socket, or a socket nobody serves on (one a run before
 * left), or a negative errno when that cannot be told. Lets a start be
 * refused before it makes the data directory. */
int pt_http_unix_socket_served(const char *path);
/* Listens on TCP "host:port" ("127.0.0.1:8470", "[::1]:8470", "localhost:0").
 * When port is 0, pt_http_server_tcp_port() tells the port chosen. */
int pt_http_server_listen_tcp(pt_http_server_t *srv, const char *hostport);
/* Binds TCP "host:port" as pt_http_server_listen_tcp() would (every address
 * of a name, port 0 chosen by the system) without listening: a connection
 * is refused, as when nothing is bound there, until
 * pt_http_server_listen_bound() listens on them. Lets a start be refused
 * when another process listens on its port, before it makes anything. The
 * port is not held meanwhile: bound with SO_REUSEADDR (libuv's), it may be
 * bound by another socket with SO_REUSEADDR too, and the first to listen
 * has it, so pt_http_server_listen_bound() may still fail with
 * UV_EADDRINUSE. Another server bound so by this function and not
 * listening yet (another ptrackd, starting) is told, though: until it
 * listens, each address bound holds a name of its own (an abstract Unix
 * socket's), and a second bind of the same address and port is refused
 * with UV_EBUSY. Returns 0 or a negative libuv error (UV_EADDRINUSE,
 * UV_EBUSY). */
int pt_http_server_bind_tcp(pt_http_server_t *srv, const char *hostport);
/* Listens on what pt_http_server_bind_tcp() bound. Returns 0 or a negative
 * libuv error. */
int pt_http_server_listen_bound(pt_http_server_t *srv);
int pt_http_server_tcp_port(const pt_http_server_t *srv);
/* Stops accepting; open connections finish the request in flight and close.
 * `done` is called once every connection has closed (may be NULL). */
void pt_http_server_shutdown(pt_http_server_t *srv, void (*done)(pt_http_server_t *, void *),
                             void *arg);
/* Frees the server after shutdown has completed; removes the socket file. */
void pt_http_server_free(pt_http_server_t *srv);
size_t pt_http_server_connections(const pt_http_server_t *srv);

/* How much of a name an error message shows (pt_http_name_shown). */
#define PT_HTTP_NAME_SHOWN 48
/* Copies the len bytes at s, a name that a message quotes and that may
 * hold any byte (a header's name, a plugin's option key), or what there
 * is of it, into dst (cap bytes, PT_HTTP_NAME_SHOWN + 4 hold any):
 * printable ASCII as it is, any other byte as \xNN, cut to
 * PT_HTTP_NAME_SHOWN bytes and "..." when longer. No byte of a request
 * reaches the answer raw, and none that would break a log's line or act
 * on a terminal. Thread: any. */
void pt_http_name_shown(char *dst, size_t cap, const char *s, size_t len);
/* Decodes one segment of a request's path (len bytes at seg, between two
 * '/'), which the path left encoded: %2F is a '/' in it, and %25 a '%'.
 * Writes at most len + 1 bytes to dst, a NUL last; returns the length.
 * Thread: any. */
size_t pt_http_segment(char *dst, const char *seg, size_t len);
/* A request header by name, case-insensitively; NULL when absent. */
const char *pt_http_header(const pt_http_request_t *req, const char *name);
/* A query parameter, percent-decoded ('+' is a space); NULL when absent. The
 * string belongs to the request. */
const char *pt_http_query(const pt_http_request_t *req, const char *name);
/* Iterates the query parameters: i from 0; returns false past the end. */
bool pt_http_query_at(const pt_http_request_t *req, size_t i, const char **name,
                      const char **value);
/* True while the client is still connected. */
bool pt_http_request_connected(const pt_http_request_t *req);
/* Called once if the connection closes before the request is answered or
 * while it streams. The request stays valid; it must still be answered. */
void pt_http_request_on_abort(pt_http_request_t *req, void (*cb)(pt_http_request_t *, void *),
                              void *arg);

/* Answers with a complete body. `headers` is NULL or a NULL-terminated list
 * of "Name: value" lines without CRLF. Content-Length, Date, Connection and
 * Content-Type (when content_type is not NULL) are added by the server.
 * Ownership: body is copied. Frees req. */
void pt_http_respond(pt_http_request_t *req, int status, const char *content_type,
                     const char *const *headers, const char *body, size_t len);
/* Starts a chunked answer (Transfer-Encoding: chunked). */
void pt_http_stream_begin(pt_http_request_t *req, int status, const char *content_type,
                          const char *const *headers);
/* Sends one chunk. Returns 0, or -1 when the client has gone away. */
int pt_http_stream_write(pt_http_request_t *req, const char *buf, size_t len);
/* Ends the chunked answer (the last chunk) and frees req. */
void pt_http_stream_end(pt_http_request_t *req);

/* ---- Streamed request bodies ------------------------------------------
 * For uploads larger than max_body (imports), the body can be handed to the
 * handler as it arrives, with back-pressure, instead of being read whole.
 *
 * At headers-complete the server asks wants(req) (method, path, query and
 * headers are set; body is NULL). When it says true, the handler is called
 * at once with req->body NULL, and the body is read only after the handler
 * calls pt_http_body_start(). Such a body may be up to max_stream_body bytes
 * (0: no limit); over it the server answers 413 itself and on_end gets
 * UV_E2BIG, unless the handler answers it (pt_http_body_answer_over_limit);
 * one whose Content-Length is over it is refused by the server before the
 * handler sees the request. A client that sent Expect: 100-continue gets
 * its 100 Continue when pt_http_body_start() is called (so an answer given
 * before it, an error, spares the upload). If the request is answered before its body has
 * been read, the connection closes after the answer. */
/* A check of a request's head, made before any of its body is read or
 * buffered: a client that may not send this request (no token, a foreign
 * Host) costs the server no more than the header limit. check returns 0 to
 * go on, or an HTTP status with *code (a stable error code) and msg filled
 * in; the server then answers that error and closes the connection without
 * reading the body. It is asked only for requests that carry a body. */
typedef int (*pt_http_head_check_cb)(const pt_http_request_t *req, void *ud, const char **code,
                                     char *msg, size_t msg_len);
void pt_http_server_set_head_check(pt_http_server_t *srv, pt_http_head_check_cb check, void *ud);

void pt_http_server_set_body_stream(pt_http_server_t *srv,
                                    bool (*wants)(const pt_http_request_t *req, void *ud), void *ud,
                                    size_t max_stream_body);
/* Starts delivering the body: on_data for each piece as it arrives
 * (borrowed for the call), then on_end once with 0 at the end of the body,
 * or a negative libuv error: UV_E2BIG (over the limit), UV_ETIMEDOUT (the
 * client stalled for idle_timeout while the body was not paused),
 * UV_ECONNRESET (the client went away), UV_EPROTO (malformed chunks). Both
 * may be called before this function returns. on_data must not answer the
 * request; on_end may. Nothing is called after the request is answered. For
 * a request that was not streamed, the whole body comes in one on_data. */
void pt_http_body_start(pt_http_request_t *req,
                        void (*on_data)(pt_http_request_t *req, const char *buf, size_t len,
                                        void *arg),
                        void (*on_end)(pt_http_request_t *req, int status, void *arg), void *arg);
/* Has the handler answer its body going over max_stream_body, instead of
 * the server's own 413: one whose handler has stored part of it already (a
 * partial import's batches) tells its client what it stored. At the limit,
 * the server stops reading (nothing more reaches on_data, nor is read from
 * the socket), on_end gets UV_E2BIG, and the request waits for its answer
 * as any does, without a timer; the connection closes after it, the rest
 * of the body unread. Called before pt_http_body_start(). */
void pt_http_body_answer_over_limit(pt_http_request_t *req);
/* Stops and restarts reading the body (back-pressure). Pausing from
 * on_data takes effect behind the piece being delivered; on_data and on_end
 * may be called before pt_http_body_resume() returns. */
void pt_http_body_pause(pt_http_request_t *req);
void pt_http_body_resume(pt_http_request_t *req);

/* ---- Stream back-pressure ------------------------------------------------ */

/* Bytes of the answer queued but not yet taken by the kernel. */
size_t pt_http_stream_pending(const pt_http_request_t *req);
/* Calls cb once, when the pending bytes drop to 0 (not when they are 0
 * already: check pt_http_stream_pending() first). A connection that breaks
 * calls the abort callback instead. NULL cancels. */
void pt_http_stream_on_drain(pt_http_request_t *req, void (*cb)(pt_http_request_t *req, void *arg),
                             void *arg);
/* Ends a streamed answer as failed: what was queued is sent, then the
 * connection is closed without the terminating chunk, so the client sees an
 * incomplete transfer rather than a truncated file presented as complete.
 * Also ends a request that has not started its stream (the client sees the
 * connection close). Frees req. */
void pt_http_stream_abort(pt_http_request_t *req);
/* Ends a streamed answer whose client takes nothing: the connection is
 * closed at once, what was queued dropped. Frees req. */
void pt_http_stream_cut(pt_http_request_t *req);

/* The reason phrase of a status code ("Not Found"). */
const char *pt_http_status_text(int status);

#endif

/*
 * http-server.c - the HTTP/1.1 server of http-server.h on libuv and http-parser.
 *
 * How a connection lives:
 *
 *   IDLE --first byte--> HEAD --headers--> BODY --message complete--> HANDLER
 *     ^                                                                  |
 *     |                              pt_http_respond / pt_http_stream_end |
 *     +-- keep-alive <-- FLUSH (the answer is being written) <-----------+
 *                          |                                   (STREAM in between
 *                          +-- Connection: close --> DRAIN      for chunked answers)
 *
 * A connection owns one request object (conn_t.req) that is reused for every
 * request on it, so that a keep-alive request costs no allocation at all once
 * the connection's buffers have grown to fit. Because only one request per
 * connection is ever in progress (a pipelined request waits in `pend` until
 * the one before it has been answered), one request object is enough.
 *
 * Lifetime: a conn_t is reference-counted. Its two libuv handles (the stream
 * and the timer) hold one reference each until their close callbacks have run,
 * and a request that has been handed to the handler holds one until it is
 * answered. So when the client goes away before the answer, the handles close,
 * the abort callback fires, and the request with its path, headers and body
 * stays valid until the handler answers; the answer is then dropped and the
 * connection freed. A closed connection never touches the server again, so a
 * late answer is safe even after pt_http_server_free().
 *
 * Timers (one uv_timer per connection, restarted for each phase):
 *   - from accept, and from the first byte of each later request, the head
 *     (request line and headers) must be complete within header_timeout;
 *   - while a body arrives, each read must come within idle_timeout of the
 *     last one;
 *   - a keep-alive connection waiting for its next request is closed after
 *     idle_timeout;
 *   - an answer that cannot be written out within idle_timeout (the client
 *     stopped reading) closes the connection;
 *   - a request with the handler or a streamed answer has no timer at all.
 * When a timer fires while part of a request has arrived, the server answers
 * 408 request_timeout and closes; when nothing has arrived (an idle or a
 * fresh connection), it closes silently, as clients expect of idle
 * keep-alive connections.
 *
 * Closing: after an answer with Connection: close, and after any error the
 * server writes itself, the write side is shut down and the input is read and
 * discarded until the client closes or LINGER_MS pass. Closing at once would
 * make the kernel answer the client's unread input with a reset, and a reset
 * can destroy the error response before the client has read it (a client that
 * is still sending a too large body would never see its 413).
 *
 * Thread: everything here runs on the loop thread.
 */
#include "http-server.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <http_parser.h>

/* One read buffer per server: libuv calls the read callback before it asks
 * for the next buffer, and every byte we keep is copied out of it before the
 * callback returns (into the head, the body or the pending input). */
#define READ_BUF_SIZE (64 * 1024)
/* Pipelined input kept while a request is with the handler. Past it, reading
 * stops until the answer has been written, so a client cannot make us buffer
 * without bound. */
#define PEND_MAX (64 * 1024)
/* Buffers up to these sizes are kept for the next request on the connection;
 * larger ones are freed so that an idle connection stays small. */
#define PEND_KEEP (16 * 1024)
#define BODY_KEEP (64 * 1024)
/* How long a closing connection waits for the client to close its side. */
#define LINGER_MS 2000
/* The listen(2) backlog. */
#define BACKLOG 511
/* Connections accepted at most each time the loop finds a listener
 * readable, so that a flood of them does not hold up the connections
 * already open (the loop comes back to it at once). */
#define ACCEPT_BATCH 64
/* How long accepting pauses when accept(2) fails and the connection stays
 * in the backlog: long enough not to spin, short enough that a client
 * hardly notices once a descriptor is free again. */
#define ACCEPT_PAUSE_MS 100
/* Failed accepts are reported at most once in this while they go on. */
#define ACCEPT_REPORT_MS 5000

static const char JSON_TYPE[] = "application/json; charset=utf-8";

typedef enum {
    CS_IDLE,    /* waiting for the first byte of a request */
    CS_HEAD,    /* reading the request line and headers */
    CS_BODY,    /* reading the body */
    CS_HANDLER, /* the request is with the handler */
    CS_STREAM,  /* a chunked answer is being written */
    CS_FLUSH,   /* the answer is complete; waiting for the writes to finish */
    CS_DRAIN,   /* closing: output finished or failed, input is discarded */
    CS_CLOSED   /* uv_close() has been called */
} conn_state_t;

typedef enum { TK_NONE, TK_HEADER, TK_BODY, TK_IDLE, TK_FLUSH, TK_LINGER } timer_kind_t;

/* Which part of the head the parser is in, to know when a name or value ends
 * (http-parser may report one in several pieces when it spans reads). */
typedef enum { HS_URL, HS_FIELD, HS_VALUE } head_state_t;

/* Where the line endings of a request's head stand (eol_read). */
typedef enum {
    EOL_START, /* before the request line: empty lines are skipped */
    EOL_TEXT,  /* inside a line */
    EOL_LINE,  /* at a line's start */
    EOL_CR,    /* after a CR inside a line */
    EOL_BLANK, /* after a CR at a line's start: the head's end, with an LF */
    EOL_DONE   /* the head (or a chunked body's trailer) has ended */
} eol_state_t;

/* Where the framing of a chunked request body stands (chunk_read). */
typedef enum {
    CK_OFF,        /* no chunked body is being read */
    CK_SIZE_START, /* before a chunk's size */
    CK_SIZE,       /* in the size's hex digits */
    CK_EXT,        /* in the size line's extensions, after ';' or a space */
    CK_SIZE_CR,    /* after the size line's CR */
    CK_DATA,       /* in the chunk's data */
    CK_DATA_CR,    /* after the data, before its CR */
    CK_DATA_LF,    /* after the data's CR */
    CK_TRAILER,    /* after the last chunk: the trailer's lines, read by eol_read */
    CK_DONE        /* the body has ended */
} chunk_state_t;

/* Where the request line stands in its form "method SP target SP version"
 * (rl_keep). */
typedef enum {
    RF_METHOD,  /* in the method, a token */
    RF_TARGET0, /* after the space that ends the method */
    RF_TARGET,  /* in the target */
    RF_VERSION, /* after the space that ends the target */
    RF_BAD      /* not of that form */
} rl_form_t;

/* The bytes of a method kept for a message (PT_HTTP_NAME_SHOWN, and one more to
 * know it was longer). */
#define RL_METHOD_KEPT 49

typedef struct conn_s conn_t;

typedef struct {
    pt_http_request_t pub; /* first, so that a pt_http_request_t * is a req_t * */
    conn_t *conn;
    void (*abort_cb)(pt_http_request_t *, void *);
    void *abort_arg;
    bool abort_fired;
    /* The query, parsed on first use: 2 * q_count strings (name, value, ...)
     * in one allocation that also holds the decoded text. */
    bool q_parsed;
    size_t q_count;
    char **q_pairs;
} req_t;

typedef union {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
} stream_u;

struct conn_s {
    stream_u h;
    uv_timer_t timer;
    uv_shutdown_t shutdown_req;
    pt_http_server_t *srv; /* NULL once both handles have closed */
    conn_t *prev, *next;
    unsigned refs;
    int handles_open;
    conn_state_t state;
    timer_kind_t timer_kind;
    unsigned writes_pending;
    bool reading;
    bool keep_alive;
    unsigned requests;    /* requests begun on this connection */
    bool parsing;         /* inside conn_parse()'s parser loop: do not re-enter it */
    bool feeding;         /* inside conn_parse(), which goes on with its input itself */
    bool req_outstanding; /* the handler owes an answer */
    bool chunked_out;     /* the streamed answer uses chunked encoding */
    bool peer_eof;        /* the client has closed its side */
    bool shutdown_sent;
    bool has_cred;
    /* A request body streamed to the handler (pt_http_server_set_body_stream):
     * bs_on for such a request; bs_in while its bytes may still arrive;
     * bs_started once the handler called pt_http_body_start; bs_paused while
     * the handler holds it back; bs_continue while a 100 Continue is owed;
     * bs_end_owed when the body's end (bs_status) is known and on_end has not
     * been called yet; bs_answers_over when the handler answers a body over
     * max_stream_body itself (pt_http_body_answer_over_limit). */
    bool bs_on, bs_in, bs_started, bs_paused, bs_continue, bs_end_owed;
    bool bs_answers_over;
    int bs_status;
    size_t bs_len;
    void (*bs_data)(pt_http_request_t *, const char *, size_t, void *);
    void (*bs_end)(pt_http_request_t *, int, void *);
    void *bs_arg;
    /* Response bytes queued in the kernel's stead (not yet written) and the
     * callback waiting for them to go out. */
    size_t out_pending;
    void (*drain_cb)(pt_http_request_t *, void *);
    void *drain_arg;
    pt_peer_kind_t peer;
    uid_t uid;
    gid_t gid;
    pid_t pid;

    http_parser parser;

    /* The request head: the target, then "name\0value\0" per header. Its size
     * is bounded by max_header, and it is what max_header counts. */
    char *head;
    size_t head_len, head_cap;
    head_state_t hstate;
    eol_state_t eol;
    /* The request line's last bytes, kept by eol_read until the line ends:
     * http-parser, built lax, takes "H" and any four bytes for "HTTP/". */
    char rl_tail[8];
    uint8_t rl_n;
    bool rl_open;       /* eol_read is inside the request line */
    bool rl_version_ok; /* the request line ended in "HTTP/" and a version */
    /* The request line's form, "method SP target SP version", followed by
     * rl_keep for a method http-parser does not know (method_unknown):
     * where the line stands, its bytes so far, the method's first bytes
     * and its length, and the version's length. */
    rl_form_t rl_form;
    size_t rl_len;
    char rl_method[RL_METHOD_KEPT];
    size_t rl_mlen;
    size_t rl_vlen;
    /* http-parser refused the method: the request line is read on without
     * it, to its end, to tell an unknown method (501) from a malformed
     * line (400). */
    bool method_unknown;
    /* A chunked body's framing, read before the parser: where it stands,
     * the chunk it is in (from 1) and that chunk's data still to come. */
    chunk_state_t ck;
    unsigned ck_n;
    uint64_t ck_left;
    /* Bytes at the start of the next input that eol_read or chunk_read
     * has read and the parser has not (it stopped in their middle): they
     * are not read twice. */
    size_t ahead;
    bool head_done;   /* the request's headers are complete: more are trailers */
    size_t url_len;   /* bytes of the target */
    size_t hdr_off;   /* where the first header name starts */
    size_t nhdr;      /* headers stored */
    size_t field_off; /* where the header name being read starts */
    size_t trailer_len;
    bool seen_te, seen_cl, seen_host, seen_auth, expect_body;

    char *body;
    size_t body_len, body_cap;

    /* Input received while a request was with the handler (pipelining). */
    char *pend;
    size_t pend_off, pend_len, pend_cap;

    /* An error found in a parser callback, answered after the parser returns. */
    int err_status;
    const char *err_code;
    char err_msg[200];

    req_t req;
};

/* A listening socket. It is ours rather than libuv's (uv_listen), whose
 * accept loop hides what goes wrong: when accept(2) fails for want of a
 * descriptor, libuv drops the connections waiting with a spare descriptor
 * of its own and tells nobody, and without that spare it calls back with
 * the error again and again, at once, never returning to the loop. Here
 * the loop polls the socket and accepts itself (on_listener_readable). */
typedef struct listener_s {
    uv_poll_t poll;   /* readable: connections wait in the backlog */
    uv_timer_t pause; /* accepting paused after a failure */
    int fd;           /* the listening socket, or -1 */
    int held;         /* bound, not listening yet: its port's name (port_hold), or -1 */
    int held_port;    /* the port whose name held is */
    bool polling;     /* poll is initialised */
    int handles;      /* handles whose close callback has not run */
    pt_http_server_t *srv;
    struct listener_s *next;
    pt_peer_kind_t kind;
    bool closing;
    char *path; /* Unix socket: removed by pt_http_server_free() */
    dev_t dev;
    ino_t ino;
} listener_t;

struct pt_http_server_s {
    uv_loop_t *loop;
    pt_http_limits_t limits;
    pt_http_handler_cb handler;
    void *ud;
    bool (*bs_wants)(const pt_http_request_t *, void *);
    void *bs_ud;
    pt_http_head_check_cb head_check;
    void *head_check_ud;
    size_t max_stream_body;
    listener_t *listeners;
    unsigned listeners_open; /* listeners whose handles have not all closed */
    /* A descriptor kept open (of /dev/null) for when accept(2) fails for
     * want of one: closed, it lets the connections waiting be accepted and
     * closed at once, so that their clients hear of it rather than wait
     * (accept_failed). -1 while it is in use or could not be had. */
    int spare_fd;
    /* Accepts that failed, for the report (pt_http_server_set_accept_report):
     * since the last report, and when that was. */
    bool accept_failing;
    int accept_error;
    uint64_t accept_failures, accept_dropped;
    uint64_t accept_report_at, accept_failing_since;
    pt_http_accept_report_cb accept_report;
    void *accept_report_ud;
    /* Since the start, for /metrics (pt_http_server_counts). */
    pt_http_counts_t counts;
    conn_t *conns;
    size_t nconns;
    bool shutting_down;
    bool done_called;
    void (*done)(pt_http_server_t *, void *);
    void *done_arg;
    time_t date_sec;
    char date[40];
    char rbuf[READ_BUF_SIZE];
};

static int on_message_begin(http_parser *p);
static int on_url(http_parser *p, const char *at, size_t len);
static int on_header_field(http_parser *p, const char *at, size_t len);
static int on_header_value(http_parser *p, const char *at, size_t len);
static int on_headers_complete(http_parser *p);
static int on_body(http_parser *p, const char *at, size_t len);
static int on_message_complete(http_parser *p);

static const http_parser_settings parser_settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

static void conn_close(conn_t *c);
static void conn_fail(conn_t *c, int status, const char *code, const char *msg);
static void conn_output_done(conn_t *c);
static void conn_pump_pending(conn_t *c);
static void body_fail(conn_t *c, int status);
static void body_end_deliver(conn_t *c);

/* ------------------------------------------------------------------------ */
/* Limits and small helpers */

void pt_http_limits_default(pt_http_limits_t *l)
{
    l->max_body = 1024 * 1024;
    l->max_header = 16 * 1024;
    l->max_connections = 1024;
    l->header_timeout_ms = 10 * 1000;
    l->idle_timeout_ms = 60 * 1000;
    l->max_requests = 10000;
}

/* A zero size or count means "the default"; a zero timeout means "none". */
static void limits_apply(pt_http_server_t *srv, const pt_http_limits_t *l)
{
    pt_http_limits_t d;
    pt_http_limits_default(&d);
    if (l == NULL) {
        srv->limits = d;
        return;
    }
    srv->limits = *l;
    if (srv->limits.max_body == 0)
        srv->limits.max_body = d.max_body;
    if (srv->limits.max_header == 0)
        srv->limits.max_header = d.max_header;
    if (srv->limits.max_connections == 0)
        srv->limits.max_connections = d.max_connections;
    if (srv->limits.max_requests == 0)
        srv->limits.max_requests = d.max_requests;
    /* http-parser has its own limit on raw head bytes (80 KiB by default),
     * process-wide. It must not be the tighter one, or a large max_header
     * would be cut short with a parser error. */
    if (srv->limits.max_header > 64 * 1024) {
        static uint32_t parser_max;
        uint64_t want = (uint64_t)srv->limits.max_header * 2;
        if (want > UINT32_MAX)
            want = UINT32_MAX;
        if (want > parser_max) {
            parser_max = (uint32_t)want;
            http_parser_set_max_header_size(parser_max);
        }
    }
}

const char *pt_http_status_text(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 411:
        return "Length Required";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 416:
        return "Range Not Satisfiable";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Entity";
    case 428:
        return "Precondition Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        break;
    }
    /* An unlisted code still gets a phrase of its class; clients ignore it. */
    switch (status / 100) {
    case 1:
        return "Informational";
    case 2:
        return "Success";
    case 3:
        return "Redirection";
    case 4:
        return "Client Error";
    case 5:
        return "Server Error";
    default:
        return "Unknown";
    }
}

/* The Date header's value, formatted once a second. The names are spelled
 * out rather than taken from strftime(), whose %a and %b follow the locale. */
static const char *server_date(pt_http_server_t *srv)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t now = time(NULL);
    if (now != srv->date_sec || srv->date[0] == '\0') {
        struct tm tm;
        gmtime_r(&now, &tm);
        snprintf(srv->date, sizeof srv->date, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                 days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900,
                 tm.tm_hour, tm.tm_min, tm.tm_sec);
        srv->date_sec = now;
    }
    return srv->date;
}

static int hex_value(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decodes a path into dst, which may be src itself or lie before it
 * (each byte written is at or before the bytes it was read from). Returns the
 * decoded length, or -1 for a broken escape or an encoded control character:
 * a NUL would cut the path short for every C string function after us, and
 * no path the API serves holds another (the raw bytes are refused too).
 * An encoded slash (%2F) stays as it was sent, so that every '/' of the
 * decoded path separates two segments, as in the path sent (RFC 3986 2.2:
 * "1%2Fhistory" is one segment, not "1/history"); and so does an encoded
 * '%' (%25), so that "%252F" is not then read as %2F. pt_http_segment()
 * decodes both in a segment once the path is split. */
static ssize_t path_decode(char *dst, const char *src, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (src[i] != '%') {
            dst[j++] = src[i];
            continue;
        }
        if (i + 2 >= len)
            return -1;
        int hi = hex_value((unsigned char)src[i + 1]);
        int lo = hex_value((unsigned char)src[i + 2]);
        if (hi < 0 || lo < 0 || hi < 2 || (hi == 7 && lo == 15))
            return -1;
        if (hi == 2 && (lo == 15 || lo == 5)) {
            memmove(dst + j, src + i, 3);
            j += 3;
        } else {
            dst[j++] = (char)(hi * 16 + lo);
        }
        i += 2;
    }
    return (ssize_t)j;
}

/* Decodes one query name or value: '+' is a space and %XX a byte. A broken
 * escape or %00 is kept as it was: the query is parsed after the request has
 * been accepted, and a literal is more useful to the handler than nothing. */
static size_t query_decode(char *dst, const char *src, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = src[i];
        if (ch == '+') {
            dst[j++] = ' ';
        } else if (ch == '%' && i + 2 < len) {
            int hi = hex_value((unsigned char)src[i + 1]);
            int lo = hex_value((unsigned char)src[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                dst[j++] = ch;
            } else {
                dst[j++] = (char)(hi * 16 + lo);
                i += 2;
            }
        } else {
            dst[j++] = ch;
        }
    }
    return j;
}

/* Appends s to a JSON string being built in buf, escaped; stops at cap. */
static size_t json_escape(char *buf, size_t cap, const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        char esc[8];
        size_t elen;
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\';
            esc[1] = (char)ch;
            elen = 2;
        } else if (ch < 0x20) {
            elen = (size_t)snprintf(esc, sizeof esc, "\\u%04x", ch);
        } else {
            esc[0] = (char)ch;
            elen = 1;
        }
        if (n + elen >= cap)
            break;
        memcpy(buf + n, esc, elen);
        n += elen;
    }
    if (cap > 0)
        buf[n] = '\0';
    return n;
}

/* A growable byte string that starts on the caller's stack, so that the head
 * of an ordinary response is built without an allocation. */
typedef struct {
    char *p;
    size_t len, cap;
    bool heap;
    bool failed;
} sbuf_t;

static void sb_init(sbuf_t *b, char *stack, size_t cap)
{
    b->p = stack;
    b->len = 0;
    b->cap = cap;
    b->heap = false;
    b->failed = false;
}

static void sb_put(sbuf_t *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap * 2;
        if (cap < b->len + n)
            cap = b->len + n;
        char *p = b->heap ? realloc(b->p, cap) : malloc(cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        if (!b->heap)
            memcpy(p, b->p, b->len);
        b->p = p;
        b->cap = cap;
        b->heap = true;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void sb_puts(sbuf_t *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_free(sbuf_t *b)
{
    if (b->heap)
        free(b->p);
}

/* ------------------------------------------------------------------------ */
/* Connection: lifetime, timers, writing */

static void conn_free(conn_t *c)
{
    free(c->req.q_pairs);
    free(c->head);
    free(c->body);
    free(c->pend);
    free(c);
}

/* Not inlined: a caller that holds a reference of its own around a call
 * that may drop another one would otherwise let GCC's -O3 see a free()
 * followed by a use of c that the count makes impossible, and warn. */
__attribute__((noinline)) static void conn_unref(conn_t *c)
{
    assert(c->refs > 0);
    if (--c->refs == 0)
        conn_free(c);
}

static void server_maybe_done(pt_http_server_t *srv)
{
    if (srv->shutting_down && !srv->done_called && srv->nconns == 0 && srv->listeners_open == 0) {
        srv->done_called = true;
        if (srv->done != NULL)
            srv->done(srv, srv->done_arg); /* may free srv: touch nothing after */
    }
}

static void on_conn_handle_closed(uv_handle_t *h)
{
    conn_t *c = h->data;
    if (--c->handles_open == 0) {
        pt_http_server_t *srv = c->srv;
        if (c->prev != NULL)
            c->prev->next = c->next;
        else
            srv->conns = c->next;
        if (c->next != NULL)
            c->next->prev = c->prev;
        srv->nconns--;
        c->srv = NULL;
        /* A streamed body cut short ends with an error before the abort
         * callback, so that its reader stops waiting first. */
        body_fail(c, UV_ECONNRESET);
        body_end_deliver(c);
        /* The abort callback runs here, from the loop, and never from inside
         * a call the handler made (a failed pt_http_stream_write), so that it
         * can answer the request without pulling it from under its caller. */
        if (c->req_outstanding && c->req.abort_cb != NULL && !c->req.abort_fired) {
            c->req.abort_fired = true;
            c->refs++;
            c->req.abort_cb(&c->req.pub, c->req.abort_arg);
            conn_unref(c);
        }
        server_maybe_done(srv);
    }
    conn_unref(c);
}

static void conn_close(conn_t *c)
{
    if (c->state == CS_CLOSED)
        return;
    c->state = CS_CLOSED;
    c->reading = false;
    uv_close((uv_handle_t *)&c->timer, on_conn_handle_closed);
    uv_close(&c->h.handle, on_conn_handle_closed);
}

static void on_conn_timer(uv_timer_t *t);

static void conn_timer(conn_t *c, timer_kind_t kind, uint64_t ms)
{
    if (c->state == CS_CLOSED)
        return;
    if (kind == TK_NONE || ms == 0) {
        if (c->timer_kind != TK_NONE)
            uv_timer_stop(&c->timer);
        c->timer_kind = TK_NONE;
        return;
    }
    c->timer_kind = kind;
    uv_timer_start(&c->timer, on_conn_timer, ms, 0);
}

/* How long queued output may wait for a client that does not read it:
 * idle_timeout, or while the server stops only LINGER_MS, so that one such
 * client does not hold a stop past what systemd waits. */
static uint64_t flush_timeout(const conn_t *c)
{
    return c->srv->shutting_down ? LINGER_MS : c->srv->limits.idle_timeout_ms;
}

static void on_conn_timer(uv_timer_t *t)
{
    conn_t *c = t->data;
    timer_kind_t kind = c->timer_kind;
    c->timer_kind = TK_NONE;
    if (kind == TK_BODY && c->bs_in) {
        /* A streamed body stalled while the handler was reading it (the
         * handler is with the request, so the state says CS_HANDLER). */
        char msg[120];
        snprintf(msg, sizeof msg, "the request body stalled for more than %llu ms",
                 (unsigned long long)c->srv->limits.idle_timeout_ms);
        conn_fail(c, 408, "request_timeout", msg);
        return;
    }
    switch (c->state) {
    case CS_HEAD:
    case CS_BODY: {
        /* Part of a request is here: tell the client why we give up. */
        char msg[120];
        uint64_t ms =
            kind == TK_BODY ? c->srv->limits.idle_timeout_ms : c->srv->limits.header_timeout_ms;
        snprintf(msg, sizeof msg, "the request did not arrive within %llu ms",
                 (unsigned long long)ms);
        conn_fail(c, 408, "request_timeout", msg);
        break;
    }
    case CS_IDLE:  /* nothing of a request has arrived: close silently */
    case CS_FLUSH: /* the client does not read its answer */
    case CS_DRAIN: /* the client did not close after our close */
        conn_close(c);
        break;
    default:
        /* A request with the handler or a stream runs no timer. */
        break;
    }
}

static void conn_read_stop(conn_t *c)
{
    if (c->reading) {
        uv_read_stop(&c->h.stream);
        c->reading = false;
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    conn_t *c = h->data;
    buf->base = c->srv->rbuf;
    buf->len = sizeof c->srv->rbuf;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static void conn_read_start(conn_t *c)
{
    if (c->reading || c->state == CS_CLOSED || c->peer_eof)
        return;
    if (uv_read_start(&c->h.stream, on_alloc, on_read) != 0) {
        conn_close(c);
        return;
    }
    c->reading = true;
}

typedef struct {
    uv_write_t req;
    conn_t *conn;
    size_t len;
    char data[];
} wreq_t;

static void on_write(uv_write_t *req, int status)
{
    wreq_t *w = (wreq_t *)req;
    conn_t *c = w->conn;
    c->out_pending -= w->len;
    free(w);
    c->writes_pending--;
    if (status < 0) {
        conn_close(c);
        return;
    }
    if (c->out_pending == 0 && c->drain_cb != NULL && c->req_outstanding) {
        /* Once: the callback may register itself again. A reference keeps
         * the connection while the callback may answer the request. */
        void (*cb)(pt_http_request_t *, void *) = c->drain_cb;
        c->drain_cb = NULL;
        c->refs++;
        cb(&c->req.pub, c->drain_arg);
        /* The stream handle is still open (this is its write callback): its
         * close callback has not run, so its own reference keeps c, and
         * this one can go without freeing. */
        assert(c->refs > 1);
        c->refs--;
    }
    if (c->writes_pending == 0 &&
        (c->state == CS_FLUSH || (c->state == CS_DRAIN && !c->shutdown_sent)))
        conn_output_done(c);
}

/* Writes bufs in order after everything written before. Tries the socket
 * first (the usual case: all of it goes at once and nothing is copied), and
 * queues a copy of only what did not fit. Returns 0, or -1 when the
 * connection is broken (it is then closing). */
static int conn_write(conn_t *c, const uv_buf_t *bufs, unsigned nbufs)
{
    size_t total = 0, done = 0;
    if (c->state == CS_CLOSED)
        return -1;
    for (unsigned i = 0; i < nbufs; i++)
        total += bufs[i].len;
    if (total == 0)
        return 0;
    if (c->writes_pending == 0) {
        int r = uv_try_write(&c->h.stream, bufs, nbufs);
        if (r >= 0)
            done = (size_t)r;
        else if (r != UV_EAGAIN) {
            conn_close(c);
            return -1;
        }
        if (done == total)
            return 0;
    }
    wreq_t *w = malloc(sizeof *w + (total - done));
    if (w == NULL) {
        conn_close(c);
        return -1;
    }
    size_t skip = done, n = 0;
    for (unsigned i = 0; i < nbufs; i++) {
        size_t len = bufs[i].len;
        if (skip >= len) {
            skip -= len;
            continue;
        }
        memcpy(w->data + n, bufs[i].base + skip, len - skip);
        n += len - skip;
        skip = 0;
    }
    w->conn = c;
    w->len = n;
    uv_buf_t b = uv_buf_init(w->data, (unsigned)n);
    if (uv_write(&w->req, &c->h.stream, &b, 1, on_write) != 0) {
        free(w);
        conn_close(c);
        return -1;
    }
    c->writes_pending++;
    c->out_pending += n;
    return 0;
}

/* Writes a response head and, unless it is a stream, the body. */
static void conn_write_response(conn_t *c, int status, const char *content_type,
                                const char *const *headers, const char *body, size_t len,
                                bool stream)
{
    char stack[1024], num[64];
    sbuf_t b;
    if (status < 100 || status > 999)
        status = 500;
    bool no_body = status < 200 || status == 204 || status == 304;
    sb_init(&b, stack, sizeof stack);
    int n = snprintf(num, sizeof num, "HTTP/1.1 %d ", status);
    sb_put(&b, num, (size_t)n);
    sb_puts(&b, pt_http_status_text(status));
    sb_puts(&b, "\r\nDate: ");
    sb_puts(&b, server_date(c->srv));
    if (stream) {
        if (c->chunked_out)
            sb_puts(&b, "\r\nTransfer-Encoding: chunked");
    } else if (!no_body) {
        n = snprintf(num, sizeof num, "\r\nContent-Length: %zu", len);
        sb_put(&b, num, (size_t)n);
    }
    sb_puts(&b, c->keep_alive ? "\r\nConnection: keep-alive\r\n" : "\r\nConnection: close\r\n");
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
        /* A line break in a header would let its value forge more headers
         * or a second response; such a line is left out. */
        if (strpbrk(headers[i], "\r\n") != NULL)
            continue;
        sb_puts(&b, headers[i]);
        sb_put(&b, "\r\n", 2);
    }
    if (content_type != NULL && strpbrk(content_type, "\r\n") == NULL) {
        sb_puts(&b, "Content-Type: ");
        sb_puts(&b, content_type);
        sb_put(&b, "\r\n", 2);
    }
    sb_put(&b, "\r\n", 2);
    if (b.failed) {
        sb_free(&b);
        conn_close(c);
        return;
    }
    uv_buf_t bufs[2] = {uv_buf_init(b.p, (unsigned)b.len), uv_buf_init((char *)body, 0)};
    unsigned nbufs = 1;
    /* A HEAD answer has the headers of the GET answer and no body. */
    if (!stream && !no_body && len > 0 && body != NULL && c->parser.method != HTTP_HEAD) {
        bufs[1].len = len;
        nbufs = 2;
    }
    conn_write(c, bufs, nbufs);
    sb_free(&b);
}

/* Counts an answer of the server's own, by status and code. The codes are
 * string constants (the server's, or the head check's from the error
 * table): the same code may come from two places, so they are compared as
 * text. */
static void count_refusal(pt_http_counts_t *n, int status, const char *code)
{
    if (!code)
        code = "error";
    size_t i = 0;
    while (i < n->n_refused &&
           (n->refused[i].status != status || strcmp(n->refused[i].code, code) != 0))
        i++;
    if (i == n->n_refused) {
        if (i == PT_HTTP_REFUSAL_KINDS)
            return;
        n->refused[i] = (pt_http_refusal_t){.status = status, .code = code};
        n->n_refused++;
    }
    n->refused[i].count++;
}

/* Answers with one of the server's own JSON errors and closes. */
static void conn_fail(conn_t *c, int status, const char *code, const char *msg)
{
    char body[512], esc[300];
    if (c->state == CS_CLOSED || c->state == CS_DRAIN)
        return;
    c->keep_alive = false;
    c->state = CS_DRAIN;
    count_refusal(&c->srv->counts, status, code);
    conn_timer(c, TK_LINGER, LINGER_MS);
    body_fail(c, status == 413 ? UV_E2BIG : status == 408 ? UV_ETIMEDOUT : UV_EPROTO);
    json_escape(esc, sizeof esc, msg);
    int n =
        snprintf(body, sizeof body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, esc);
    conn_write_response(c, status, JSON_TYPE, NULL, body, (size_t)n, false);
    if (c->state == CS_DRAIN && c->writes_pending == 0)
        conn_output_done(c);
    body_end_deliver(c);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
    conn_t *c = req->data;
    if (status < 0)
        conn_close(c);
}

/* Ends a connection politely: no more output, read until the client closes. */
static void conn_linger(conn_t *c)
{
    c->state = CS_DRAIN;
    if (c->peer_eof) {
        conn_close(c);
        return;
    }
    if (c->shutdown_sent)
        return;
    c->shutdown_sent = true;
    c->shutdown_req.data = c;
    if (uv_shutdown(&c->shutdown_req, &c->h.stream, on_shutdown) != 0) {
        conn_close(c);
        return;
    }
    conn_timer(c, TK_LINGER, LINGER_MS);
    conn_read_start(c);
}

/* Forgets the request that has just been answered. */
static void req_reset(conn_t *c)
{
    req_t *r = &c->req;
    free(r->q_pairs);
    memset(r, 0, sizeof *r);
    r->conn = c;
    c->head_len = 0;
    c->hstate = HS_URL;
    c->url_len = c->hdr_off = c->nhdr = c->field_off = c->trailer_len = 0;
    c->seen_te = c->seen_cl = c->seen_host = c->seen_auth = c->expect_body = false;
    c->head_done = false;
    c->bs_on = c->bs_in = c->bs_started = c->bs_paused = c->bs_continue = false;
    c->bs_end_owed = c->bs_answers_over = false;
    c->bs_status = 0;
    c->bs_len = 0;
    c->bs_data = NULL;
    c->bs_end = NULL;
    c->drain_cb = NULL;
    c->body_len = 0;
    if (c->body_cap > BODY_KEEP) {
        free(c->body);
        c->body = NULL;
        c->body_cap = 0;
    }
    c->err_status = 0;
}

/* The answer is on its way to the kernel: take the next request or close. */
static void conn_output_done(conn_t *c)
{
    if (c->state == CS_CLOSED)
        return;
    /* After the client's end, requests it sent before are still answered
     * (their bytes wait in pend); then the connection ends. */
    if (c->peer_eof && c->pend_len == c->pend_off) {
        conn_close(c);
        return;
    }
    if (c->state == CS_DRAIN || !c->keep_alive || c->srv->shutting_down) {
        conn_linger(c);
        return;
    }
    req_reset(c);
    c->state = CS_IDLE;
    http_parser_pause(&c->parser, 0);
    conn_timer(c, TK_IDLE, c->srv->limits.idle_timeout_ms);
    conn_read_start(c);
    /* Inside conn_parse() (the handler answered at once, or from a streamed
     * body's on_end) the parse loop goes on by itself; otherwise a
     * pipelined request may be waiting. */
    if (!c->feeding && c->pend_len > c->pend_off)
        conn_pump_pending(c);
}

/* ------------------------------------------------------------------------ */
/* Parsing */

/* Records an error found in a parser callback; the callback returns the
 * result, which stops the parser, and conn_parse() answers it. */
static int conn_error(conn_t *c, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int conn_error(conn_t *c, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err_msg, sizeof c->err_msg, fmt, ap);
    va_end(ap);
    c->err_status = status;
    c->err_code = code;
    return -1;
}

/* line: the request line alone is over the limit (its target kept, or
 * the line of a method http-parser does not know), which a client's search
 * or filter of many kilobytes makes, while each takes at most 1000 bytes
 * (api-query.c). Not when http-parser's own count of raw head bytes
 * overflows before the first header: it counts the empty lines it skips
 * before the request line too. */
static int head_too_large(conn_t *c, bool line)
{
    if (line)
        return conn_error(c, 431, "headers_too_large",
                          "the request line (the URL and its query) is longer than the limit of "
                          "%zu bytes for the request line and headers; a list filter, q "
                          "too, takes at most 1000 bytes",
                          c->srv->limits.max_header);
    return conn_error(c, 431, "headers_too_large",
                      "the request line and headers are larger than the limit of %zu bytes",
                      c->srv->limits.max_header);
}

static int head_reserve(conn_t *c, size_t need)
{
    if (need <= c->head_cap)
        return 0;
    size_t max = c->srv->limits.max_header;
    size_t cap = c->head_cap < 512 ? 1024 : c->head_cap * 2;
    if (cap < need)
        cap = need;
    if (cap > max && need <= max)
        cap = max;
    char *p = realloc(c->head, cap);
    if (p == NULL)
        return conn_error(c, 503, "storage_error", "the server is out of memory");
    c->head = p;
    c->head_cap = cap;
    return 0;
}

/* Appends head bytes. Two bytes stay in reserve for the NULs that end the
 * current name and an empty value, so terminating never breaks the limit. */
static int head_append(conn_t *c, const char *at, size_t len)
{
    if (c->head_len + len + 2 > c->srv->limits.max_header)
        return head_too_large(c, c->hstate == HS_URL);
    if (head_reserve(c, c->head_len + len + 2) != 0)
        return -1;
    memcpy(c->head + c->head_len, at, len);
    c->head_len += len;
    return 0;
}

/* Ends the target, a name or a value with a NUL. */
static void head_terminate(conn_t *c)
{
    if (c->hstate == HS_VALUE) {
        /* http-parser drops the blanks before a value but keeps those after. */
        size_t start = c->field_off + strlen(c->head + c->field_off) + 1;
        while (c->head_len > start &&
               (c->head[c->head_len - 1] == ' ' || c->head[c->head_len - 1] == '\t'))
            c->head_len--;
    }
    /* head_append() kept room for this byte; with an empty target there was
     * no append at all. */
    if (head_reserve(c, c->head_len + 1) == 0)
        c->head[c->head_len++] = '\0';
    if (c->hstate == HS_URL) {
        c->url_len = c->head_len - 1;
        c->hdr_off = c->head_len;
    }
}

/* Finds a header among those stored so far (all terminated). */
static const char *conn_header(const conn_t *c, const char *name)
{
    const char *p = c->head + c->hdr_off;
    for (size_t i = 0; i < c->nhdr; i++) {
        const char *value = p + strlen(p) + 1;
        if (strcasecmp(p, name) == 0)
            return value;
        p = value + strlen(value) + 1;
    }
    return NULL;
}

/* RFC 9110 5.5: a field value holds visible characters, obs-text (any
 * byte from 0x80, which lets UTF-8 through), spaces and tabs. A control
 * character other than the tab, or DEL, is refused: a NUL would cut the
 * value short for every C string function after us, and a proxy on the way
 * may read the others otherwise than we do. The request target may hold no
 * control character at all (RFC 3986 3: a tab in it is percent-encoded). */
static bool is_ctl(unsigned char ch)
{
    return ch < 0x20 || ch == 0x7f;
}

/* RFC 9110 5.6.2: a header name is a token. */
static bool is_tchar(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

void pt_http_name_shown(char *dst, size_t cap, const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        size_t w = ch >= 0x20 && ch < 0x7f ? 1 : 4;
        if (n + w > PT_HTTP_NAME_SHOWN || n + w + 4 > cap) {
            memcpy(dst + n, "...", 3);
            n += 3;
            break;
        }
        if (w == 1)
            dst[n] = (char)ch;
        else
            snprintf(dst + n, 5, "\\x%02x", ch);
        n += w;
    }
    dst[n] = '\0';
}

/* Refuses a header whose value holds a control character. */
static int value_refused(conn_t *c, const char *name, size_t name_len, unsigned char ch)
{
    char shown[PT_HTTP_NAME_SHOWN + 4];
    pt_http_name_shown(shown, sizeof shown, name, name_len);
    return conn_error(c, 400, "bad_request",
                      "the value of header \"%s\" has a control character (0x%02x); a value "
                      "may hold visible characters, spaces and tabs only",
                      shown, ch);
}

/* Refuses a header name that is not a token. */
static int name_refused(conn_t *c, const char *name, size_t name_len, unsigned char ch)
{
    char shown[PT_HTTP_NAME_SHOWN + 4];
    pt_http_name_shown(shown, sizeof shown, name, name_len);
    return conn_error(c, 400, "bad_request",
                      "header name \"%s\" has a byte a name may not hold (0x%02x); a name is "
                      "letters, digits and !#$%%&'*+-.^_`|~ only",
                      shown, ch);
}

static int on_message_begin(http_parser *p)
{
    conn_t *c = p->data;
    req_reset(c);
    c->state = CS_HEAD;
    /* The head must be complete within header_timeout of its first byte, or
     * of the accept for a connection's first request (that timer runs on). */
    if (c->timer_kind != TK_HEADER)
        conn_timer(c, TK_HEADER, c->srv->limits.header_timeout_ms);
    return 0;
}

/* Refuses a control character in the request target. In the query it may
 * be sent percent-encoded; in the path it may not (path_decode refuses it
 * encoded too), so the message does not tell the client to encode it
 * there. in_query: a '?' came before it in the target. */
static int target_refused(conn_t *c, unsigned char ch, bool in_query)
{
    if (!in_query)
        return conn_error(c, 400, "bad_request",
                          "the request target has a control character (0x%02x) in its path, "
                          "which no path may hold, raw or percent-encoded",
                          ch);
    return conn_error(c, 400, "bad_request",
                      "the request target has a control character (0x%02x); percent-encode it "
                      "(%%%02X)",
                      ch, ch);
}

/* Whether the target read so far has reached its query: a '?' in the part
 * already kept in the head (the target is all the head holds until it
 * ends), or in the n bytes at more, read since. */
static bool target_in_query(const conn_t *c, const char *more, size_t n)
{
    if (c->hstate == HS_URL && c->head_len > 0 && memchr(c->head, '?', c->head_len) != NULL)
        return true;
    return n > 0 && memchr(more, '?', n) != NULL;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    /* http-parser refuses the others itself (conn_parse_failed), but lets
     * a tab and a form feed through. */
    for (size_t i = 0; i < len; i++)
        if (is_ctl((unsigned char)at[i]))
            return target_refused(p->data, (unsigned char)at[i], target_in_query(p->data, at, i));
    return head_append(p->data, at, len);
}

/* Trailers of a chunked body are counted against max_header and ignored:
 * the request's headers were complete when the body began. */
static int trailer_count(conn_t *c, size_t len)
{
    c->trailer_len += len + 2;
    return c->trailer_len > c->srv->limits.max_header ? head_too_large(c, false) : 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    conn_t *c = p->data;
    if (c->head_done)
        return trailer_count(c, len);
    if (c->hstate != HS_FIELD) {
        head_terminate(c);
        c->hstate = HS_FIELD;
        c->field_off = c->head_len;
        c->nhdr++;
    }
    return head_append(c, at, len);
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    conn_t *c = p->data;
    if (c->head_done)
        return trailer_count(c, len);
    if (c->hstate != HS_VALUE) {
        head_terminate(c);
        c->hstate = HS_VALUE;
        /* Two framing headers could mean two different bodies to two
         * different parsers on the way (request smuggling): refuse. */
        const char *name = c->head + c->field_off;
        /* http-parser lets a space through in a name ("Content-Length :"
         * is Content-Length to it), which RFC 9112 5.1 says to refuse. */
        size_t name_len = strlen(name);
        for (size_t i = 0; i < name_len; i++)
            if (!is_tchar((unsigned char)name[i]))
                return name_refused(c, name, name_len, (unsigned char)name[i]);
        if (strcasecmp(name, "transfer-encoding") == 0) {
            if (c->seen_te)
                return conn_error(c, 400, "bad_request",
                                  "the request has more than one Transfer-Encoding header");
            c->seen_te = true;
        } else if (strcasecmp(name, "content-length") == 0) {
            if (c->seen_cl)
                return conn_error(c, 400, "bad_request",
                                  "the request has more than one Content-Length header");
            c->seen_cl = true;
        } else if (strcasecmp(name, "host") == 0) {
            /* Which one a proxy and this server would take could differ. */
            if (c->seen_host)
                return conn_error(c, 400, "bad_request",
                                  "the request has more than one Host header");
            c->seen_host = true;
        } else if (strcasecmp(name, "authorization") == 0) {
            if (c->seen_auth)
                return conn_error(c, 400, "bad_request",
                                  "the request has more than one Authorization header");
            c->seen_auth = true;
        }
    }
    /* http-parser refuses a control character inside a value, but not as
     * its first byte. */
    for (size_t i = 0; i < len; i++)
        if (is_ctl((unsigned char)at[i]) && at[i] != '\t') {
            const char *name = c->head + c->field_off;
            return value_refused(c, name, strlen(name), (unsigned char)at[i]);
        }
    return head_append(c, at, len);
}

/* Splits the target into the decoded path and the raw query, in place: the
 * decoded path is never longer than the raw one, and the query moves down
 * behind it, so the head buffer needs no more room than the target had.
 * The authority of an absolute-form target ("http://127.0.0.1:8470/v1/x")
 * moves to the front, for pt_http_request_t.authority, and the path and
 * query behind it: the "scheme://" before it leaves room for their ends. */
static int resolve_target(conn_t *c)
{
    char *url = c->head;
    size_t len = c->url_len;
    size_t path_off = 0, path_len = len, query_off = 0, query_len = 0;
    size_t auth_off = 0, auth_len = 0;
    bool no_path = false;

    if (c->parser.method != HTTP_CONNECT && !(len == 1 && url[0] == '*')) {
        struct http_parser_url u;
        http_parser_url_init(&u);
        if (http_parser_parse_url(url, len, 0, &u) != 0)
            return conn_error(c, 400, "bad_request", "the request target is not a valid URL");
        if (u.field_set & (1 << UF_PATH)) {
            path_off = u.field_data[UF_PATH].off;
            path_len = u.field_data[UF_PATH].len;
        } else {
            no_path = true; /* "http://host" or "http://host?q" */
        }
        if (u.field_set & (1 << UF_QUERY)) {
            query_off = u.field_data[UF_QUERY].off;
            query_len = u.field_data[UF_QUERY].len;
        }
        if ((u.field_set & (1 << UF_SCHEMA)) && (u.field_set & (1 << UF_HOST))) {
            /* From after "scheme://" to the path, the query, the fragment
             * or the end, whichever comes first: userinfo, host and port,
             * as they were sent. */
            auth_off = (size_t)u.field_data[UF_SCHEMA].off + u.field_data[UF_SCHEMA].len + 3;
            size_t end = len;
            static const int after[] = {UF_PATH, UF_QUERY, UF_FRAGMENT};
            for (size_t i = 0; i < sizeof after / sizeof *after; i++) {
                if (!(u.field_set & (1 << after[i])))
                    continue;
                size_t at = u.field_data[after[i]].off;
                if (after[i] != UF_PATH)
                    at--; /* the '?' or '#' before it */
                if (at < end)
                    end = at;
            }
            if (end < auth_off || end > len)
                return conn_error(c, 400, "bad_request", "the request target is not a valid URL");
            auth_len = end - auth_off;
        }
    }
    size_t base = 0;
    if (auth_off > 0) {
        memmove(url, url + auth_off, auth_len);
        url[auth_len] = '\0';
        c->req.pub.authority = url;
        base = auth_len + 1;
    }
    size_t dlen;
    if (no_path) {
        url[base] = '/';
        dlen = 1;
    } else {
        ssize_t n = path_decode(url + base, url + path_off, path_len);
        if (n < 0)
            return conn_error(c, 400, "bad_request",
                              "the path has an invalid percent-encoding (%%XX) or an encoded "
                              "control character (%%00-%%1F, %%7F)");
        dlen = (size_t)n;
    }
    url[base + dlen] = '\0';
    c->req.pub.path = url + base;
    if (query_len > 0) {
        memmove(url + base + dlen + 1, url + query_off, query_len);
        url[base + dlen + 1 + query_len] = '\0';
        c->req.pub.query = url + base + dlen + 1;
    } else {
        c->req.pub.query = "";
    }
    return 0;
}

/* The head of a request whose body is streamed: it goes to the handler now,
 * and the parser stops until the handler calls pt_http_body_start(). */
static int headers_complete_streamed(conn_t *c, http_parser *p)
{
    size_t max = c->srv->max_stream_body;
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > max)
        return conn_error(c, 413, "payload_too_large",
                          "request body is larger than the limit of %zu bytes", max);
    bool body = (p->flags & F_CHUNKED) || ((p->flags & F_CONTENTLENGTH) && p->content_length > 0);
    const char *expect = conn_header(c, "expect");
    c->bs_on = true;
    c->bs_in = true;
    c->bs_continue = body && expect != NULL && strcasecmp(expect, "100-continue") == 0 &&
                     (p->http_major > 1 || (p->http_major == 1 && p->http_minor >= 1));
    conn_timer(c, TK_NONE, 0);
    c->state = CS_HANDLER;
    http_parser_pause(p, 1);
    return 0;
}

static int on_headers_complete(http_parser *p)
{
    conn_t *c = p->data;
    const pt_http_limits_t *lim = &c->srv->limits;

    if (c->hstate == HS_FIELD) {
        /* A name whose value was never reported: store an empty value. */
        head_terminate(c);
        c->hstate = HS_VALUE;
    }
    head_terminate(c);
    /* Whatever comes now is a trailer, also while a streamed body is with
     * the handler (CS_HANDLER): it must never grow c->head, which the
     * handler's request points into. */
    c->head_done = true;
    /* The body's framing is read before the parser from here (chunk_read). */
    c->ck = (p->flags & F_CHUNKED) ? CK_SIZE_START : CK_OFF;
    c->ck_n = 1;
    c->ck_left = 0;
    /* A version not spelled "HTTP/" (http-parser takes "H" and any four
     * bytes) is no version at all, whatever its digits. */
    if (!c->rl_version_ok)
        return conn_error(c, 400, "bad_request",
                          "the request line does not end in \"HTTP/1.1\" (or \"HTTP/1.0\")");
    /* HTTP/2 and later frame their messages otherwise: a request line that
     * names one is not a request this server can read (RFC 9110 15.6.6).
     * 1.x of any minor version is answered as 1.1. */
    if (p->http_major != 1)
        return conn_error(c, 505, "http_version_not_supported",
                          "HTTP/%u.%u is not supported; send the request as HTTP/1.1",
                          p->http_major, p->http_minor);
    if (resolve_target(c) != 0)
        return -1;
    if (c->seen_te) {
        /* Only chunked framing is understood: "gzip, chunked" would hand
         * the handler a compressed body as if it were the JSON. */
        const char *te = conn_header(c, "transfer-encoding");
        while (te && (*te == ' ' || *te == '\t'))
            te++;
        size_t n = te ? strlen(te) : 0;
        while (n > 0 && (te[n - 1] == ' ' || te[n - 1] == '\t'))
            n--;
        if (!te || n != 7 || strncasecmp(te, "chunked", 7) != 0)
            return conn_error(c, 400, "bad_request",
                              "only the chunked transfer coding is understood");
    }
    c->keep_alive = http_should_keep_alive(p) && !c->srv->shutting_down;
    /* Chunked framing is HTTP/1.1's: an HTTP/1.0 sender (or a proxy in
     * front of us) may frame the message otherwise than we read it, so
     * what follows it on the connection is not trusted to be the next
     * request. RFC 9112 6.1: the message is answered and the connection
     * closed (it was kept alive, and a request behind it served). */
    if (c->seen_te && p->http_minor == 0)
        c->keep_alive = false;
    /* A connection serves so many requests and no more: its last answer
     * says Connection: close, so that no client holds one for ever. */
    if (++c->requests >= c->srv->limits.max_requests)
        c->keep_alive = false;

    /* The request as far as it is known, for the head check and wants()
     * to decide on. */
    c->req.pub.method = http_method_str((enum http_method)p->method);
    c->req.pub.body = NULL;
    c->req.pub.body_len = 0;
    c->req.pub.peer = c->peer;
    c->req.pub.http10 = p->http_minor == 0;
    c->req.pub.has_cred = c->has_cred;
    c->req.pub.uid = c->uid;
    c->req.pub.gid = c->gid;
    c->req.pub.pid = c->pid;
    bool has_body =
        (p->flags & F_CHUNKED) || ((p->flags & F_CONTENTLENGTH) && p->content_length > 0);
    if (has_body && c->srv->head_check != NULL) {
        const char *code = "forbidden";
        char msg[256] = "";
        int status = c->srv->head_check(&c->req.pub, c->srv->head_check_ud, &code, msg, sizeof msg);
        if (status != 0)
            return conn_error(c, status, code, "%s", msg);
    }
    if (c->srv->bs_wants != NULL && c->srv->bs_wants(&c->req.pub, c->srv->bs_ud))
        return headers_complete_streamed(c, p);

    if (p->flags & F_CHUNKED) {
        c->expect_body = true;
    } else if (p->flags & F_CONTENTLENGTH) {
        /* Refused before a byte of it is read, and before 100 Continue. */
        if (p->content_length > lim->max_body)
            return conn_error(c, 413, "payload_too_large",
                              "request body is larger than the limit of %zu bytes", lim->max_body);
        c->expect_body = p->content_length > 0;
        if (c->expect_body && c->body_cap < p->content_length + 1) {
            char *b = realloc(c->body, p->content_length + 1);
            if (b == NULL)
                return conn_error(c, 503, "storage_error", "the server is out of memory");
            c->body = b;
            c->body_cap = p->content_length + 1;
        }
    }
    if (c->expect_body) {
        const char *expect = conn_header(c, "expect");
        if (expect != NULL && strcasecmp(expect, "100-continue") == 0 &&
            (p->http_major > 1 || (p->http_major == 1 && p->http_minor >= 1))) {
            static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
            uv_buf_t b = uv_buf_init((char *)cont, sizeof cont - 1);
            if (conn_write(c, &b, 1) != 0)
                return -1;
        }
        c->state = CS_BODY;
        conn_timer(c, TK_BODY, lim->idle_timeout_ms);
    }
    return 0;
}

/* A streamed body gone over max_stream_body, whose handler answers that
 * itself: nothing more of it is read (the parser stops here, the socket is
 * no longer read, and no timer runs, as for any request the handler has),
 * on_end gets UV_E2BIG once the parser has returned, and the connection
 * closes after the handler's answer, the rest of the body unread. */
static int body_over_limit(conn_t *c, http_parser *p)
{
    c->keep_alive = false;
    body_fail(c, UV_E2BIG);
    conn_timer(c, TK_NONE, 0);
    conn_read_stop(c);
    http_parser_pause(p, 1);
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    conn_t *c = p->data;
    if (c->bs_on) {
        size_t smax = c->srv->max_stream_body;
        bool over = len > smax || c->bs_len > smax - len;
        if (over && c->bs_answers_over)
            return body_over_limit(c, p);
        if (over)
            return conn_error(c, 413, "payload_too_large",
                              "request body is larger than the limit of %zu bytes", smax);
        c->bs_len += len;
        /* The handler may pause here; the parser then stops behind these
         * bytes (conn_takes_input() turns false). */
        if (c->bs_data != NULL)
            c->bs_data(&c->req.pub, at, len, c->bs_arg);
        return 0;
    }
    size_t max = c->srv->limits.max_body;
    if (len > max || c->body_len > max - len)
        return conn_error(c, 413, "payload_too_large",
                          "request body is larger than the limit of %zu bytes", max);
    if (c->body_len + len + 1 > c->body_cap) {
        /* Only a chunked body grows here; a Content-Length one was sized. */
        size_t cap = c->body_cap < 2048 ? 4096 : c->body_cap * 2;
        if (cap < c->body_len + len + 1)
            cap = c->body_len + len + 1;
        if (cap > max + 1)
            cap = max + 1;
        char *b = realloc(c->body, cap);
        if (b == NULL)
            return conn_error(c, 503, "storage_error", "the server is out of memory");
        c->body = b;
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, at, len);
    c->body_len += len;
    return 0;
}

static int on_message_complete(http_parser *p)
{
    conn_t *c = p->data;
    req_t *r = &c->req;
    /* What comes next is the next request's head (eol_read reads it
     * before the parser, which begins the request). */
    c->eol = EOL_START;
    c->ck = CK_OFF;
    if (c->bs_on) {
        /* The handler has had the request since its head; its on_end is
         * called once the parser has returned (conn_parse). */
        c->bs_in = false;
        c->bs_status = 0;
        c->bs_end_owed = true;
        if (p->upgrade)
            c->keep_alive = false;
        conn_timer(c, TK_NONE, 0);
        http_parser_pause(p, 1);
        return 0;
    }
    if (c->body != NULL) {
        c->body[c->body_len] = '\0';
        r->pub.body = c->body;
    } else {
        r->pub.body = "";
    }
    r->pub.body_len = c->body_len;
    /* No protocol upgrade is offered: the connection ends after the answer. */
    if (p->upgrade)
        c->keep_alive = false;
    conn_timer(c, TK_NONE, 0);
    c->state = CS_HANDLER;
    /* One request at a time: the parser stops right behind this message and
     * conn_parse() hands it on. */
    http_parser_pause(p, 1);
    return 0;
}

static void conn_dispatch(conn_t *c)
{
    req_t *r = &c->req;
    r->conn = c;
    r->pub.method = http_method_str((enum http_method)c->parser.method);
    r->pub.peer = c->peer;
    r->pub.http10 = c->parser.http_minor == 0;
    r->pub.has_cred = c->has_cred;
    r->pub.uid = c->uid;
    r->pub.gid = c->gid;
    r->pub.pid = c->pid;
    r->pub.data = NULL;
    c->req_outstanding = true;
    c->refs++;
    c->srv->handler(&r->pub, c->srv->ud);
}

/* Says which header holds the byte of the head that http-parser refused
 * (a control character in a value, a space or separator in a name, a line
 * without a colon, a CR without its LF), when the line it is on began in
 * this input: the head stores names and values, not lines, so a line that
 * began in an earlier read is reported without its name. `from` is where
 * the parser began with this input, `bad` the byte it refused. */
static void head_byte_refused(conn_t *c, const char *from, const char *bad)
{
    unsigned char ch = (unsigned char)*bad;
    const char *ls = bad;
    while (ls > from && ls[-1] != '\n')
        ls--;
    if (ls == from) {
        conn_error(c, 400, "bad_request",
                   "a header has a byte it may not hold (0x%02x): a name is a token, and a value "
                   "may hold visible characters, spaces and tabs only",
                   ch);
        return;
    }
    const char *colon = memchr(ls, ':', (size_t)(bad - ls));
    if (ls < bad && (*ls == ' ' || *ls == '\t') && c->hstate == HS_VALUE) {
        /* A continuation line (obs-fold) of the header before. */
        const char *name = c->head + c->field_off;
        value_refused(c, name, strlen(name), ch);
    } else if (colon != NULL) {
        value_refused(c, ls, (size_t)(colon - ls), ch);
    } else if (ch == '\r' || ch == '\n') {
        char shown[PT_HTTP_NAME_SHOWN + 4];
        pt_http_name_shown(shown, sizeof shown, ls, (size_t)(bad - ls));
        conn_error(c, 400, "bad_request",
                   "header line \"%s\" has no colon; a header is sent as \"Name: value\"", shown);
    } else {
        name_refused(c, ls, (size_t)(bad - ls + 1), ch);
    }
}

/* Keeps the request line's last bytes (rl_tail), for its version, and
 * follows its form (rl_form): a method that is a token, one space, a
 * target of visible characters, one space, a version. */
static void rl_keep(conn_t *c, char ch)
{
    unsigned char u = (unsigned char)ch;
    c->rl_len++;
    switch (c->rl_form) {
    case RF_METHOD:
        if (ch == ' ' && c->rl_mlen > 0) {
            c->rl_form = RF_TARGET0;
        } else if (is_tchar(u)) {
            if (c->rl_mlen < sizeof c->rl_method)
                c->rl_method[c->rl_mlen] = ch;
            c->rl_mlen++;
        } else {
            c->rl_form = RF_BAD;
        }
        break;
    case RF_TARGET0:
    case RF_TARGET:
        if (ch == ' ' && c->rl_form == RF_TARGET)
            c->rl_form = RF_VERSION;
        else if (u > 0x20 && u != 0x7f)
            c->rl_form = RF_TARGET;
        else
            c->rl_form = RF_BAD;
        break;
    case RF_VERSION:
        c->rl_vlen++;
        break;
    case RF_BAD:
        break;
    }
    if (c->rl_n == sizeof c->rl_tail) {
        memmove(c->rl_tail, c->rl_tail + 1, sizeof c->rl_tail - 1);
        c->rl_n--;
    }
    c->rl_tail[c->rl_n++] = ch;
}

/* RFC 9112 2.2: a recipient may take a bare LF as a line's end, but a CR
 * must be followed by an LF. http-parser, built lax, takes a CR followed by
 * anything as a line's end and swallows the byte after it, so that
 * "X: \rbcd: e" is a header "cd" to it and something else to a proxy that
 * made the CR a space (request smuggling). Reads the head's line endings
 * in the len bytes at s, on from c->eol, up to the head's end (or the
 * trailer's, for chunk_read): returns how many bytes it read, with the LF
 * that ends it. *bare_cr tells whether it stopped at a byte that should
 * have been the LF after a CR (the CR may have ended an earlier read). */
static size_t eol_read(conn_t *c, const char *s, size_t len, bool *bare_cr)
{
    size_t i = 0;
    *bare_cr = false;
    for (; i < len && c->eol != EOL_DONE; i++) {
        char ch = s[i];
        switch (c->eol) {
        case EOL_START: /* http-parser skips CRs and LFs before the request line */
            if (ch != '\r' && ch != '\n') {
                c->eol = EOL_TEXT;
                c->rl_open = true;
                c->rl_n = 0;
                c->rl_form = RF_METHOD;
                c->rl_len = c->rl_mlen = c->rl_vlen = 0;
                rl_keep(c, ch);
            }
            break;
        case EOL_TEXT:
            c->eol = ch == '\r' ? EOL_CR : ch == '\n' ? EOL_LINE : EOL_TEXT;
            if (c->rl_open && c->eol != EOL_TEXT) {
                c->rl_open = false;
                c->rl_version_ok =
                    c->rl_n == sizeof c->rl_tail && memcmp(c->rl_tail, "HTTP/", 5) == 0;
            } else if (c->rl_open) {
                rl_keep(c, ch);
            }
            break;
        case EOL_LINE:
            c->eol = ch == '\r' ? EOL_BLANK : ch == '\n' ? EOL_DONE : EOL_TEXT;
            break;
        case EOL_CR:
        case EOL_BLANK:
            if (ch != '\n') {
                *bare_cr = true;
                return i;
            }
            c->eol = c->eol == EOL_CR ? EOL_LINE : EOL_DONE;
            break;
        case EOL_DONE:
            break;
        }
    }
    return i;
}

/* Refuses the head for a CR that no LF follows, naming the header it is
 * in when it is inside a header's value. */
static void bare_cr_refused(conn_t *c)
{
    if (c->eol == EOL_CR && c->hstate == HS_VALUE) {
        const char *name = c->head + c->field_off;
        value_refused(c, name, strlen(name), '\r');
    } else {
        conn_error(c, 400, "bad_request",
                   "a line of the request's head has a CR that no LF follows; end each line "
                   "with CRLF");
    }
}

/* Answers a request whose method http-parser refused, once its request
 * line has ended. A line of the form "method SP target SP HTTP/x.y" names
 * a method this server does not implement: RFC 9110 15.6.2 has that
 * answered 501, not 400. The parser cannot go on past the method, so the
 * connection is closed either way. */
static void method_refused(conn_t *c)
{
    bool version = c->rl_vlen == sizeof c->rl_tail && c->rl_version_ok && c->rl_tail[5] >= '0' &&
                   c->rl_tail[5] <= '9' && c->rl_tail[6] == '.' && c->rl_tail[7] >= '0' &&
                   c->rl_tail[7] <= '9';
    if (c->rl_form != RF_VERSION || !version) {
        conn_fail(c, 400, "bad_request", http_errno_description(HPE_INVALID_METHOD));
        return;
    }
    char shown[PT_HTTP_NAME_SHOWN + 4], msg[160];
    pt_http_name_shown(shown, sizeof shown, c->rl_method,
                       c->rl_mlen < sizeof c->rl_method ? c->rl_mlen : sizeof c->rl_method);
    snprintf(msg, sizeof msg,
             "method \"%s\" is not implemented; ptrackd serves GET, HEAD, POST, PATCH and "
             "DELETE",
             shown);
    conn_fail(c, 501, "not_implemented", msg);
}

/* http-parser, built lax, reads a chunked body's framing as loosely as
 * the head's line endings: a CR followed by anything ends a size line,
 * and any two bytes after a chunk's data stand for its CRLF, swallowed,
 * so that "5\r\nhelloXY0\r\n\r\n" or "3\rX..." is one body to it and
 * something else to a proxy in front (request smuggling). Reads the
 * framing in the len bytes at s, on from c->ck, as RFC 9112 7.1 has it:
 * a size in hex, extensions after ';' (or a space, as http-parser takes
 * it), CRLF, as many bytes of data as the size says, CRLF, and after the
 * chunk of size 0 the trailer's lines up to an empty one, read as the
 * head's are. Returns how many bytes it read, up to the body's end; a byte
 * it refuses is left unread, with the refusal in c->err_*. A bare LF ends
 * a trailer line as it ends a head line, but not a size line: http-parser
 * would read it as part of an extension, or refuse it. */
static size_t chunk_read(conn_t *c, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && c->ck != CK_DONE && c->ck != CK_OFF) {
        unsigned char ch = (unsigned char)s[i];
        int v = hex_value(ch);
        switch (c->ck) {
        case CK_SIZE_START:
            if (v < 0) {
                conn_error(c, 400, "bad_request",
                           "chunk %u of the body: its chunk size has a byte that is no hex digit "
                           "(0x%02x); a chunk starts with its size in hex and CRLF",
                           c->ck_n, ch);
                return i;
            }
            c->ck_left = (uint64_t)v;
            c->ck = CK_SIZE;
            break;
        case CK_SIZE:
            if (v >= 0) {
                /* http-parser's own bound: past it, it refuses the size. */
                if (c->ck_left > (UINT64_MAX - 16) / 16) {
                    conn_error(c, 400, "bad_request",
                               "chunk %u of the body: its chunk size is too large", c->ck_n);
                    return i;
                }
                c->ck_left = c->ck_left * 16 + (uint64_t)v;
            } else if (ch == ';' || ch == ' ') {
                c->ck = CK_EXT;
            } else if (ch == '\r') {
                c->ck = CK_SIZE_CR;
            } else if (ch == '\n') {
                conn_error(c, 400, "bad_request",
                           "chunk %u of the body: its size line ends with an LF that no CR "
                           "precedes; end it with CRLF",
                           c->ck_n);
                return i;
            } else {
                conn_error(c, 400, "bad_request",
                           "chunk %u of the body: its chunk size has a byte that is no hex digit "
                           "(0x%02x); a chunk starts with its size in hex and CRLF",
                           c->ck_n, ch);
                return i;
            }
            break;
        case CK_EXT:
            if (ch == '\r') {
                c->ck = CK_SIZE_CR;
            } else if (ch == '\n') {
                conn_error(c, 400, "bad_request",
                           "chunk %u of the body: its size line ends with an LF that no CR "
                           "precedes; end it with CRLF",
                           c->ck_n);
                return i;
            } else if (is_ctl(ch) && ch != '\t') {
                conn_error(c, 400, "bad_request",
                           "chunk %u of the body: its size line has a control character (0x%02x) "
                           "in its extensions",
                           c->ck_n, ch);
                return i;
            }
            break;
        case CK_SIZE_CR:
            if (ch != '\n') {
                conn_error(c, 400, "bad_request",
                           "chunk %u of the body: its size line has a CR that no LF follows; end "
                           "it with CRLF",
                           c->ck_n);
                return i;
            }
            if (c->ck_left > 0) {
                c->ck = CK_DATA;
            } else {
                c->ck = CK_TRAILER;
                c->eol = EOL_LINE;
            }
            break;
        case CK_DATA: {
            /* Data is data, CRs and all. */
            size_t n = len - i;
            if (n > c->ck_left)
                n = (size_t)c->ck_left;
            c->ck_left -= n;
            i += n;
            if (c->ck_left == 0)
                c->ck = CK_DATA_CR;
            continue;
        }
        case CK_DATA_CR:
        case CK_DATA_LF:
            if (ch != (c->ck == CK_DATA_CR ? '\r' : '\n')) {
                conn_error(c, 400, "bad_request",
                           "chunk %u of the body: the chunk data is not followed by CRLF; send as "
                           "many bytes as the chunk size says, then CRLF",
                           c->ck_n);
                return i;
            }
            if (c->ck == CK_DATA_CR) {
                c->ck = CK_DATA_LF;
            } else {
                c->ck = CK_SIZE_START;
                c->ck_n++;
            }
            break;
        case CK_TRAILER: {
            bool bare_cr;
            i += eol_read(c, s + i, len - i, &bare_cr);
            if (bare_cr) {
                conn_error(c, 400, "bad_request",
                           "a line of the chunked body's trailer has a CR that no LF follows; end "
                           "each line with CRLF");
                return i;
            }
            if (c->eol == EOL_DONE)
                c->ck = CK_DONE;
            continue;
        }
        case CK_OFF:
        case CK_DONE:
            break;
        }
        i++;
    }
    return i;
}

static void conn_parse_failed(conn_t *c, enum http_errno e, const char *from, const char *bad,
                              const char *end)
{
    if (c->err_status == 0 && !c->head_done && bad < end) {
        /* What http-parser refused in the head, said with the header's
         * name; for a CR not followed by LF the CR is the byte at fault. */
        if (e == HPE_INVALID_HEADER_TOKEN)
            head_byte_refused(c, from, bad);
        else if (e == HPE_INVALID_URL && is_ctl((unsigned char)*bad))
            target_refused(c, (unsigned char)*bad, target_in_query(c, from, (size_t)(bad - from)));
        else if (e == HPE_LF_EXPECTED && bad > from && bad[-1] == '\r')
            head_byte_refused(c, from, bad - 1);
    }
    if (c->err_status != 0) {
        conn_fail(c, c->err_status, c->err_code, c->err_msg);
    } else if (e == HPE_HEADER_OVERFLOW) {
        head_too_large(c, false);
        conn_fail(c, c->err_status, c->err_code, c->err_msg);
    } else if (e == HPE_INVALID_CONTENT_LENGTH && bad < end && *bad >= '0' && *bad <= '9' &&
               (bad == from || (bad[-1] >= '0' && bad[-1] <= '9')) &&
               c->parser.content_length > (UINT64_MAX - 10) / 10) {
        /* http-parser stops counting a length short of 2^64, where a digit
         * more could overflow, and calls the digit an invalid character:
         * the length is larger than any body, as a smaller one over the
         * limit is (on_headers_complete). */
        conn_fail(c, 413, "payload_too_large",
                  "request body is larger than the limit: its Content-Length has 20 digits or "
                  "more");
    } else if (e == HPE_UNEXPECTED_CONTENT_LENGTH) {
        /* http-parser refuses these before our callbacks see the value. */
        bool second_cl = c->hstate == HS_FIELD && c->seen_cl && c->head_len - c->field_off == 14 &&
                         strncasecmp(c->head + c->field_off, "content-length", 14) == 0;
        conn_fail(c, 400, "bad_request",
                  second_cl ? "the request has more than one Content-Length header"
                            : "the request has both Content-Length and Transfer-Encoding");
    } else {
        conn_fail(c, 400, "bad_request", http_errno_description(e));
    }
}

static bool conn_takes_input(const conn_t *c)
{
    if (c->bs_in)
        return c->bs_started && !c->bs_paused && c->req_outstanding &&
               (c->state == CS_HANDLER || c->state == CS_STREAM);
    return c->state == CS_IDLE || c->state == CS_HEAD || c->state == CS_BODY;
}

/* Feeds input to the parser and hands each complete request on. Stops when
 * a request has to wait for an asynchronous answer, and returns how many
 * bytes were used; the caller keeps the rest.
 *
 * A streamed body's end is told to the handler here, once the parser has
 * returned (body_end_deliver). Its on_end may answer at once, which makes
 * the connection ready for the next request: the rest of this input is
 * then parsed here too. Until this function returns, nothing else may take
 * input (c->feeding): the caller has not yet accounted for what was used,
 * and a pipelined request taken up from `pend` meanwhile would be read
 * from the wrong place, or lost. */
static size_t conn_parse(conn_t *c, const char *data, size_t len)
{
    size_t off = 0;
    assert(!c->feeding);
    c->feeding = true;
    do {
        c->parsing = true;
        while (off < len && conn_takes_input(c)) {
            const char *from = data + off;
            size_t avail = len - off;
            /* The parser has what has been read of the framing before it,
             * and the head up to its end in a call of its own, so that it
             * knows how the body is framed before a byte of it is read.
             * `read` counts what eol_read or chunk_read have read of this
             * input, with what they had read ahead of the parser before. */
            size_t read = c->ahead < avail ? c->ahead : avail;
            size_t upto = avail;
            bool bare_cr = false;
            if (c->method_unknown) {
                /* The rest of the request line, read to its end without
                 * the parser, which has stopped at the method. */
                if (c->rl_open)
                    eol_read(c, from + read, avail - read, &bare_cr);
                off = len;
                c->ahead = 0;
                /* Over the limit is too large, whether or not the line's
                 * end has come in the same read. */
                if (c->rl_len > c->srv->limits.max_header) {
                    head_too_large(c, true);
                    conn_fail(c, c->err_status, c->err_code, c->err_msg);
                } else if (!c->rl_open) {
                    method_refused(c);
                }
                continue;
            }
            if (c->ck != CK_OFF) {
                read += chunk_read(c, from + read, avail - read);
                upto = read;
                if (c->err_status == 0 && upto == 0) {
                    /* The body has ended where the parser has not seen it
                     * end. */
                    conn_error(c, 400, "bad_request", "the end of the chunked body is unclear");
                }
                if (c->err_status != 0) {
                    conn_fail(c, c->err_status, c->err_code, c->err_msg);
                    off = len;
                    continue;
                }
            } else if (c->eol != EOL_DONE) {
                read += eol_read(c, from + read, avail - read, &bare_cr);
                /* With a bare CR, the parser reads up to it, so that the
                 * refusal can name the header it is in (none when the CR
                 * ended an earlier read: a length of 0 would tell the
                 * parser the input has ended). */
                if (bare_cr)
                    upto = read > 0 ? read - 1 : 0;
                else if (c->eol == EOL_DONE)
                    upto = read;
            } else if (!c->head_done) {
                /* The head has ended, at an empty line, where the parser
                 * reads on: http-parser, built lax, takes any four bytes
                 * for the "TTP/" of "HTTP/1.1", so that "GET / H\r\n\r\n1.1"
                 * is a request line to it that a proxy would have ended
                 * before the "1.1", taken as the next request's start. */
                conn_fail(c, 400, "bad_request",
                          "the request's head has an empty line where the parser reads on "
                          "(a request line not ending with HTTP/1.1?); send \"METHOD target "
                          "HTTP/1.1\", the headers, and an empty line");
                off = len;
                continue;
            }
            size_t n = upto ? http_parser_execute(&c->parser, &parser_settings, from, upto) : 0;
            off += n;
            c->ahead = read > n ? read - n : 0;
            enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
            if (c->ahead > 0 && c->eol == EOL_START && c->state != CS_CLOSED &&
                c->err_status == 0) {
                /* The parser ended the request before its framing had: the
                 * next would begin with bytes read as this one's. */
                conn_fail(c, 400, "bad_request", "the end of the chunked body is unclear");
                off = len;
                continue;
            }
            if (bare_cr && e == HPE_OK && c->state != CS_CLOSED && c->err_status == 0) {
                bare_cr_refused(c);
                conn_fail(c, c->err_status, c->err_code, c->err_msg);
                off = len;
                continue;
            }
            if (e == HPE_PAUSED && c->bs_on && (c->req_outstanding || c->state != CS_HANDLER)) {
                /* A streamed body paused by the handler, or complete: the
                 * loop condition decides whether to go on. */
                if (conn_takes_input(c))
                    http_parser_pause(&c->parser, 0);
            } else if (e == HPE_PAUSED && c->state == CS_HANDLER) {
                conn_dispatch(c);
            } else if (e == HPE_INVALID_METHOD && c->state != CS_CLOSED && c->err_status == 0) {
                /* Whether the method is unknown or the line malformed is
                 * known at the line's end, which may come in a later read:
                 * the head's timer runs meanwhile. */
                c->method_unknown = true;
                /* What the parser took of the method ("HEAD" of "HEADX")
                 * is not the request's: the answer has its body. */
                c->parser.method = HTTP_GET;
                if (c->state == CS_IDLE) {
                    c->state = CS_HEAD;
                    if (c->timer_kind != TK_HEADER)
                        conn_timer(c, TK_HEADER, c->srv->limits.header_timeout_ms);
                }
            } else if (e != HPE_OK) {
                if (c->state != CS_CLOSED)
                    conn_parse_failed(c, e, from, data + off, data + len);
                off = len;
            } else if (n < upto) {
                /* The parser stopped without a reason: the rest is no HTTP. */
                conn_fail(c, 400, "bad_request", "unexpected data after the request");
                off = len;
            }
        }
        c->parsing = false;
        body_end_deliver(c);
    } while (off < len && c->state != CS_CLOSED && conn_takes_input(c));
    c->feeding = false;
    return off;
}

static int pend_append(conn_t *c, const char *data, size_t len)
{
    if (c->pend_off > 0 && c->pend_off == c->pend_len)
        c->pend_off = c->pend_len = 0;
    if (c->pend_len + len > c->pend_cap) {
        /* Move what is left to the front before growing. */
        if (c->pend_off > 0) {
            memmove(c->pend, c->pend + c->pend_off, c->pend_len - c->pend_off);
            c->pend_len -= c->pend_off;
            c->pend_off = 0;
        }
        if (c->pend_len + len > c->pend_cap) {
            size_t cap = c->pend_cap < 2048 ? 4096 : c->pend_cap * 2;
            if (cap < c->pend_len + len)
                cap = c->pend_len + len;
            char *p = realloc(c->pend, cap);
            if (p == NULL)
                return -1;
            c->pend = p;
            c->pend_cap = cap;
        }
    }
    memcpy(c->pend + c->pend_len, data, len);
    c->pend_len += len;
    return 0;
}

static void conn_pump_pending(conn_t *c)
{
    size_t n = conn_parse(c, c->pend + c->pend_off, c->pend_len - c->pend_off);
    if (c->state == CS_CLOSED)
        return;
    c->pend_off += n;
    if (c->pend_off == c->pend_len) {
        c->pend_off = c->pend_len = 0;
        if (c->pend_cap > PEND_KEEP) {
            free(c->pend);
            c->pend = NULL;
            c->pend_cap = 0;
        }
        /* The client has closed its side and what it sent before is
         * answered: a request it left unfinished can never be, nor can a
         * body streamed to its handler be finished (the handler hears of
         * it through its abort callback). */
        if (c->peer_eof && (c->state == CS_IDLE || c->state == CS_HEAD || c->state == CS_BODY ||
                            (c->state == CS_HANDLER && c->bs_in)))
            conn_close(c);
    }
}

static bool conn_in_flight(const conn_t *c)
{
    return c->state == CS_HANDLER || c->state == CS_STREAM || c->state == CS_FLUSH;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    conn_t *c = s->data;
    if (nread == 0)
        return;
    if (nread < 0) {
        /* The client closed or the connection broke. A client that only
         * shut down its sending side (nc -N, socat) still reads: an answer
         * being written goes out first, and so does the answer of a whole
         * request the handler is still working on, unless the handler asked
         * to hear of a client going away (an import, the feed: it learns of
         * it through its abort callback). A client that closed altogether
         * makes the answer's write fail, which closes then. Anything else
         * ends now. */
        conn_read_stop(c);
        c->peer_eof = true;
        if (nread == UV_EOF && (c->state == CS_FLUSH ||
                                (c->state == CS_HANDLER && !c->bs_in && c->req.abort_cb == NULL)))
            return;
        conn_close(c);
        return;
    }
    if (conn_takes_input(c)) {
        if (c->state == CS_BODY || c->bs_in)
            conn_timer(c, TK_BODY, c->srv->limits.idle_timeout_ms);
        size_t n = conn_parse(c, buf->base, (size_t)nread);
        if (n < (size_t)nread && conn_in_flight(c) &&
            pend_append(c, buf->base + n, (size_t)nread - n) != 0)
            conn_close(c);
    } else if (conn_in_flight(c)) {
        /* Pipelined input: it waits for the answer before it. We read on
         * meanwhile, so that a client that goes away is noticed at once. */
        if (pend_append(c, buf->base, (size_t)nread) != 0)
            conn_close(c);
    }
    /* In CS_DRAIN input is discarded. */
    if (conn_in_flight(c) && c->pend_len - c->pend_off >= PEND_MAX)
        conn_read_stop(c);
}

/* ------------------------------------------------------------------------ */
/* Accepting */

/* A connection accepted on l: fd becomes its stream. */
static void conn_open(listener_t *l, int fd)
{
    pt_http_server_t *srv = l->srv;
    conn_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        close(fd);
        return;
    }
    int r = l->kind == PT_PEER_TCP ? uv_tcp_init(srv->loop, &c->h.tcp)
                                   : uv_pipe_init(srv->loop, &c->h.pipe, 0);
    if (r != 0) {
        close(fd);
        free(c);
        return;
    }
    r = l->kind == PT_PEER_TCP ? uv_tcp_open(&c->h.tcp, fd) : uv_pipe_open(&c->h.pipe, fd);
    uv_timer_init(srv->loop, &c->timer);
    c->h.handle.data = c;
    c->timer.data = c;
    c->refs = 2;
    c->handles_open = 2;
    c->srv = srv;
    c->peer = l->kind;
    c->req.conn = c;
    c->next = srv->conns;
    if (srv->conns != NULL)
        srv->conns->prev = c;
    srv->conns = c;
    srv->nconns++;

    if (r != 0) {
        /* The handle did not take the descriptor: it is closed here. */
        close(fd);
        conn_close(c);
        return;
    }
    /* Over the limit the connection is accepted and closed at once, rather
     * than left in the backlog where the client would wait without a word. */
    if (srv->shutting_down || srv->nconns > srv->limits.max_connections) {
        if (!srv->shutting_down)
            srv->counts.over_limit++;
        conn_close(c);
        return;
    }
    srv->counts.accepted++;
    if (l->kind == PT_PEER_TCP) {
        uv_tcp_nodelay(&c->h.tcp, 1);
    } else {
        /* The peer's credentials as of connect(2); read once, they cannot
         * change for the life of the connection. */
        struct ucred cred;
        socklen_t clen = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 && clen == sizeof cred) {
            c->has_cred = true;
            c->uid = cred.uid;
            c->gid = cred.gid;
            c->pid = cred.pid;
        }
    }
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    c->keep_alive = true;
    c->state = CS_IDLE;
    conn_timer(c, TK_HEADER, srv->limits.header_timeout_ms);
    conn_read_start(c);
}

/* Tells the server's owner how accepting goes (http-server.h), and starts
 * counting anew. */
static void accept_report(pt_http_server_t *srv, pt_http_accept_state_t state)
{
    uint64_t now = uv_now(srv->loop);
    pt_http_accept_report_t rep = {
        .state = state,
        .error = srv->accept_error,
        .failures = srv->accept_failures,
        .dropped = srv->accept_dropped,
        .failing_ms = now - srv->accept_failing_since,
        .connections = srv->nconns,
    };
    srv->accept_failures = 0;
    srv->accept_dropped = 0;
    srv->accept_report_at = now;
    if (srv->accept_report != NULL)
        srv->accept_report(&rep, srv->accept_report_ud);
}

static void on_listener_readable(uv_poll_t *h, int status, int events);

static void on_accept_pause_end(uv_timer_t *t)
{
    listener_t *l = t->data;
    pt_http_server_t *srv = l->srv;
    if (l->closing)
        return;
    if (srv->spare_fd < 0)
        srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    uv_poll_start(&l->poll, UV_READABLE, on_listener_readable);
}

/* accept(2) on l failed with err (an errno) and the connection waits in
 * the backlog. Out of descriptors (EMFILE: ptrackd's limit; ENFILE: the
 * system's), the spare one is closed so that the waiting connections can
 * be accepted and closed at once: their clients learn at once that they
 * were not served (the connection closes), instead of waiting for an
 * answer that may never come, and the loop does not find the listener
 * readable again and again for nothing. What the spare cannot clear (it
 * is in use, or another thread took the descriptor it freed), and every
 * other error (ENOBUFS, ENOMEM), pauses accepting for ACCEPT_PAUSE_MS:
 * the loop never spins on a connection it cannot take. */
static void accept_failed(listener_t *l, int err)
{
    pt_http_server_t *srv = l->srv;
    uint64_t dropped = 0;
    int last = err;
    if ((err == EMFILE || err == ENFILE) && srv->spare_fd >= 0) {
        close(srv->spare_fd);
        srv->spare_fd = -1;
        for (;;) {
            int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0) {
                close(fd);
                dropped++;
                continue;
            }
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            last = errno;
            break;
        }
        srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    bool paused = last != EAGAIN && last != EWOULDBLOCK;
    if (paused) {
        uv_poll_stop(&l->poll);
        uv_timer_start(&l->pause, on_accept_pause_end, ACCEPT_PAUSE_MS, 0);
    }
    /* The kernel refuses an accept for want of a descriptor before it
     * looks at the backlog: one that found the backlog empty once the
     * spare was freed turned no client away. */
    if (!paused && dropped == 0)
        return;
    uint64_t now = uv_now(srv->loop);
    srv->accept_error = -err;
    srv->accept_failures++;
    srv->accept_dropped += dropped;
    srv->counts.accept_failures++;
    srv->counts.dropped += dropped;
    if (!srv->accept_failing) {
        srv->accept_failing = true;
        srv->accept_failing_since = now;
        accept_report(srv, PT_ACCEPT_FAILS);
    } else if (now - srv->accept_report_at >= ACCEPT_REPORT_MS) {
        accept_report(srv, PT_ACCEPT_STILL_FAILS);
    }
}

static void on_listener_readable(uv_poll_t *h, int status, int events)
{
    (void)events;
    listener_t *l = h->data;
    pt_http_server_t *srv = l->srv;
    if (status < 0 || l->closing)
        return;
    for (int i = 0; i < ACCEPT_BATCH && !l->closing; i++) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                accept_failed(l, errno);
            return;
        }
        if (srv->accept_failing) {
            srv->accept_failing = false;
            accept_report(srv, PT_ACCEPT_WORKS);
        }
        conn_open(l, fd);
    }
}

/* ------------------------------------------------------------------------ */
/* The server */

int pt_http_server_new(uv_loop_t *loop, const pt_http_limits_t *limits, pt_http_handler_cb handler,
                       void *ud, pt_http_server_t **out)
{
    *out = NULL;
    if (loop == NULL || handler == NULL)
        return UV_EINVAL;
    pt_http_server_t *srv = calloc(1, sizeof *srv);
    if (srv == NULL)
        return UV_ENOMEM;
    srv->loop = loop;
    srv->handler = handler;
    srv->ud = ud;
    srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    limits_apply(srv, limits);
    *out = srv;
    return 0;
}

pt_http_counts_t pt_http_server_counts(const pt_http_server_t *srv)
{
    pt_http_counts_t n = srv->counts;
    n.open = srv->nconns;
    return n;
}

void pt_http_server_set_accept_report(pt_http_server_t *srv, pt_http_accept_report_cb report,
                                      void *ud)
{
    srv->accept_report = report;
    srv->accept_report_ud = ud;
}

void pt_http_server_set_limits(pt_http_server_t *srv, const pt_http_limits_t *limits)
{
    limits_apply(srv, limits);
}

void pt_http_server_set_head_check(pt_http_server_t *srv, pt_http_head_check_cb check, void *ud)
{
    srv->head_check = check;
    srv->head_check_ud = ud;
}

void pt_http_server_set_body_stream(pt_http_server_t *srv,
                                    bool (*wants)(const pt_http_request_t *req, void *ud), void *ud,
                                    size_t max_stream_body)
{
    srv->bs_wants = wants;
    srv->bs_ud = ud;
    srv->max_stream_body = max_stream_body == 0 ? SIZE_MAX : max_stream_body;
}

static void on_listener_closed(uv_handle_t *h)
{
    listener_t *l = h->data;
    pt_http_server_t *srv = l->srv;
    if (--l->handles > 0)
        return;
    if (l->fd >= 0) {
        close(l->fd);
        l->fd = -1;
    }
    srv->listeners_open--;
    server_maybe_done(srv);
}

static listener_t *listener_add(pt_http_server_t *srv, pt_peer_kind_t kind)
{
    listener_t *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    uv_timer_init(srv->loop, &l->pause);
    l->pause.data = l;
    l->handles = 1;
    l->fd = -1;
    l->held = -1;
    l->srv = srv;
    l->kind = kind;
    l->next = srv->listeners;
    srv->listeners = l;
    srv->listeners_open++;
    return l;
}

/* Lets go of the name a bound listener holds (port_hold). */
static void listener_unhold(listener_t *l)
{
    if (l->held >= 0)
        close(l->held);
    l->held = -1;
}

/* Listens on l's socket, bound, and has the loop accept its connections.
 * Returns 0 or a negative errno. */
static int listener_start(listener_t *l)
{
    int failed = listen(l->fd, BACKLOG) != 0 ? -errno : 0;
    /* Listening, the port is refused to any other bind. */
    listener_unhold(l);
    if (failed)
        return failed;
    int r = uv_poll_init_socket(l->srv->loop, &l->poll, l->fd);
    if (r != 0)
        return r;
    l->poll.data = l;
    l->polling = true;
    l->handles++;
    return uv_poll_start(&l->poll, UV_READABLE, on_listener_readable);
}

/* A listener that failed stays on the list, closed, until the server is
 * freed. Its socket is closed once its handles are. */
static void listener_close(listener_t *l)
{
    listener_unhold(l);
    if (!l->closing) {
        l->closing = true;
        uv_close((uv_handle_t *)&l->pause, on_listener_closed);
        if (l->polling)
            uv_close((uv_handle_t *)&l->poll, on_listener_closed);
    }
}

/* Whether the socket file at path is one a process left behind: 0 when a
 * connect is refused (ECONNREFUSED: nobody listens) or finds no file,
 * UV_EADDRINUSE when a process accepts connections on it (the connect
 * succeeds, or finds the backlog full), or the error that keeps us from
 * telling (EACCES: another user's socket), which leaves it alone too. */
static int unix_socket_stale(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int rc = 0;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 || errno == EAGAIN)
        rc = UV_EADDRINUSE;
    else if (errno != ECONNREFUSED && errno != ENOENT)
        rc = -errno;
    close(fd);
    return rc;
}

int pt_http_unix_socket_served(const char *path)
{
    struct stat st;
    if (path == NULL || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path) ||
        lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
        return 0;
    return unix_socket_stale(path);
}

int pt_http_server_listen_unix(pt_http_server_t *srv, const char *path, int mode)
{
    struct sockaddr_un addr;
    struct stat st;
    if (path == NULL || path[0] == '\0' || srv->shutting_down)
        return UV_EINVAL;
    if (strlen(path) >= sizeof addr.sun_path)
        return UV_ENAMETOOLONG;
    /* A socket file left by an earlier run is replaced; one that a process
     * still serves on (another ptrackd) is not taken from it, and anything
     * else at the path is a mistake in the configuration and is left
     * alone. */
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return UV_EEXIST;
        int stale = unix_socket_stale(path);
        if (stale != 0)
            return stale;
        if (unlink(path) != 0 && errno != ENOENT)
            return -errno;
    }
    listener_t *l = listener_add(srv, PT_PEER_UNIX);
    if (l == NULL)
        return UV_ENOMEM;
    l->path = strdup(path);
    if (l->path == NULL) {
        listener_close(l);
        return UV_ENOMEM;
    }
    l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l->fd < 0) {
        int r = -errno;
        free(l->path);
        l->path = NULL;
        listener_close(l);
        return r;
    }
    addr = (struct sockaddr_un){.sun_family = AF_UNIX};
    memcpy(addr.sun_path, path, strlen(path) + 1);
    /* The socket file is created 0600 by bind(2) itself, so that there is no
     * moment when others may connect. bind(2) starts from 0777, so the mask
     * is 0177 rather than 077 (which would leave 0700). umask is
     * process-wide, but this runs at start-up, and another thread's file
     * created meanwhile only comes out stricter than it asked for. A
     * directory that does not exist is ENOENT, one that is a file
     * ENOTDIR. */
    mode_t old = umask(0177);
    int r = bind(l->fd, (struct sockaddr *)&addr, sizeof addr) == 0 ? 0 : -errno;
    umask(old);
    bool bound = r == 0;
    if (r == 0 && mode > 0 && chmod(path, (mode_t)mode & 07777) != 0)
        r = -errno;
    if (r == 0)
        r = listener_start(l);
    if (r == 0 && stat(path, &st) == 0) {
        l->dev = st.st_dev;
        l->ino = st.st_ino;
    }
    if (r != 0) {
        if (bound)
            unlink(path);
        free(l->path);
        l->path = NULL;
        listener_close(l);
    }
    return r;
}

/* Splits "host:port" or "[v6]:port". An empty host means 127.0.0.1: this
 * server is meant for loopback, and an address for all interfaces has to be
 * written out. */
static int split_hostport(const char *hostport, char *host, size_t hcap, int *port)
{
    const char *colon;
    const char *h = hostport;
    size_t hlen;
    if (hostport[0] == '[') {
        const char *end = strchr(hostport, ']');
        if (end == NULL || end[1] != ':')
            return UV_EINVAL;
        h = hostport + 1;
        hlen = (size_t)(end - h);
        colon = end + 1;
    } else {
        colon = strrchr(hostport, ':');
        if (colon == NULL)
            return UV_EINVAL;
        hlen = (size_t)(colon - hostport);
        if (memchr(hostport, ':', hlen) != NULL)
            return UV_EINVAL; /* a bare IPv6 address needs brackets */
    }
    if (hlen >= hcap)
        return UV_EINVAL;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    if (hlen == 0)
        strcpy(host, "127.0.0.1");
    const char *ps = colon + 1;
    if (*ps == '\0' || strlen(ps) > 5)
        return UV_EINVAL;
    long v = 0;
    for (; *ps != '\0'; ps++) {
        if (*ps < '0' || *ps > '9')
            return UV_EINVAL;
        v = v * 10 + (*ps - '0');
    }
    if (v > 65535)
        return UV_EINVAL;
    *port = (int)v;
    return 0;
}

/* The port a TCP listener is bound to, or 0. */
static int listener_port(const listener_t *l)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (l->fd < 0 || getsockname(l->fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

/* A TCP socket bound and not listening yet does not keep another one from
 * binding its address with SO_REUSEADDR too, and the first of them to
 * listen has it: two ptrackds starting at once on one port both bound it
 * (on one address, or on two that overlap: 0.0.0.0 and 127.0.0.1), and the
 * second failed at its listen, once it had made its store. So a start
 * holds a name of the port before it binds it, until it listens: an
 * abstract Unix socket's (no file is made, the name goes with the
 * process, and such names are of one network namespace, as ports are).
 * Another's bind of that name fails, UV_EBUSY, before its own bind of the
 * port; once the first listens and lets the name go, the second's bind
 * fails (address already in use) where the two overlap, and is taken where
 * they do not (127.0.0.1 and 127.0.0.2). A port this server holds already
 * (localhost's two addresses) is not held again. A name that cannot be
 * held for another reason (a sandbox that refuses it) is done without: it
 * is a guard, and the start goes on as it did without one. Returns 0 or
 * UV_EBUSY, the name's socket in *held (or -1). */
static int port_hold(pt_http_server_t *srv, int port, int *held)
{
    *held = -1;
    for (const listener_t *o = srv->listeners; o != NULL; o = o->next)
        if (!o->closing && o->held >= 0 && o->held_port == port)
            return 0;
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    int n = snprintf(un.sun_path + 1, sizeof un.sun_path - 1, "ptrackd-tcp-port:%d", port);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    if (bind(fd, (struct sockaddr *)&un,
             (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n)) != 0) {
        int e = errno;
        close(fd);
        return e == EADDRINUSE ? UV_EBUSY : 0;
    }
    *held = fd;
    return 0;
}

/* Binds a TCP listener to addr, and listens on it when listen_now (else
 * pt_http_server_listen_bound does, later, and its port's name is held
 * meanwhile: port_hold). */
static int listen_tcp_addr(pt_http_server_t *srv, const struct sockaddr *addr, bool listen_now,
                           listener_t **out)
{
    int port = ntohs(addr->sa_family == AF_INET6 ? ((const struct sockaddr_in6 *)addr)->sin6_port
                                                 : ((const struct sockaddr_in *)addr)->sin_port);
    int held = -1;
    if (!listen_now && port != 0) {
        int r = port_hold(srv, port, &held);
        if (r != 0)
            return r;
    }
    listener_t *l = listener_add(srv, PT_PEER_TCP);
    if (l == NULL) {
        if (held >= 0)
            close(held);
        return UV_ENOMEM;
    }
    l->held = held;
    l->held_port = port;
    int r = 0, on = 1;
    l->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    /* The port can be bound again at once after a restart, while the last
     * run's connections linger in TIME_WAIT (as libuv's uv_tcp_bind does). An
     * IPv6 listener takes only IPv6, so that "[::1]:p" and "127.0.0.1:p"
     * can both be configured. */
    if (l->fd < 0 || setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        (addr->sa_family == AF_INET6 &&
         setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) ||
        bind(l->fd, addr,
             addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                         : sizeof(struct sockaddr_in)) != 0)
        r = -errno;
    if (r == 0)
        r = listen_now ? listener_start(l) : 0;
    if (r != 0)
        listener_close(l);
    else if (out != NULL)
        *out = l;
    return r;
}

/* Listens on every address of a host name: "localhost" is 127.0.0.1 and
 * ::1, and bound to the first of them alone (::1, which getaddrinfo puts
 * first on Debian), the server refused every client of
 * http://127.0.0.1:PORT. An address the machine
 * does not have (no IPv6) is passed over; any other failure (another
 * process holds the port on one of them, whose clients would reach it
 * rather than this server) fails the whole, closing what was opened. Port
 * 0 is chosen by the system for the first address and used for the
 * others. Returns 0 or a negative errno. */
static int listen_tcp_name(pt_http_server_t *srv, const struct addrinfo *list, int port,
                           bool listen_now)
{
    listener_t *opened[16];
    size_t n = 0;
    int first_err = 0;
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
            continue;
        bool seen = false; /* /etc/hosts may give an address twice */
        for (const struct addrinfo *b = list; b != ai && !seen; b = b->ai_next)
            seen = b->ai_family == ai->ai_family && b->ai_addrlen == ai->ai_addrlen &&
                   memcmp(b->ai_addr, ai->ai_addr, ai->ai_addrlen) == 0;
        if (seen || n == sizeof opened / sizeof opened[0])
            continue;
        int p = n > 0 ? listener_port(opened[0]) : port;
        struct sockaddr_storage a;
        memcpy(&a, ai->ai_addr, ai->ai_addrlen);
        if (ai->ai_family == AF_INET)
            ((struct sockaddr_in *)&a)->sin_port = htons((uint16_t)p);
        else
            ((struct sockaddr_in6 *)&a)->sin6_port = htons((uint16_t)p);
        int r = listen_tcp_addr(srv, (const struct sockaddr *)&a, listen_now, &opened[n]);
        if (r == 0) {
            n++;
        } else if (r == UV_EADDRNOTAVAIL || r == UV_EAFNOSUPPORT) {
            if (first_err == 0)
                first_err = r;
        } else {
            for (size_t i = 0; i < n; i++)
                listener_close(opened[i]);
            return r;
        }
    }
    if (n == 0)
        return first_err != 0 ? first_err : UV_EADDRNOTAVAIL;
    return 0;
}

/* pt_http_server_listen_tcp, or pt_http_server_bind_tcp when !listen_now. */
static int tcp_open(pt_http_server_t *srv, const char *hostport, bool listen_now)
{
    char host[256];
    int port;
    if (hostport == NULL || srv->shutting_down)
        return UV_EINVAL;
    int r = split_hostport(hostport, host, sizeof host, &port);
    if (r != 0)
        return r;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    if (uv_ip4_addr(host, port, &in4) == 0)
        return listen_tcp_addr(srv, (const struct sockaddr *)&in4, listen_now, NULL);
    if (uv_ip6_addr(host, port, &in6) == 0)
        return listen_tcp_addr(srv, (const struct sockaddr *)&in6, listen_now, NULL);
    /* "localhost" is the loopback addresses, 127.0.0.1 and ::1, whatever
     * /etc/hosts says (RFC 6761 6.3): it is taken for loopback without
     * allow_remote, and a hosts file that also names a LAN address
     * localhost would have had that address served to the network. */
    if (strcasecmp(host, "localhost") == 0) {
        struct sockaddr_in lo4;
        struct sockaddr_in6 lo6;
        memset(&lo4, 0, sizeof lo4);
        memset(&lo6, 0, sizeof lo6);
        lo4.sin_family = AF_INET;
        lo4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        lo6.sin6_family = AF_INET6;
        lo6.sin6_addr = in6addr_loopback;
        struct addrinfo a6 = {.ai_family = AF_INET6,
                              .ai_socktype = SOCK_STREAM,
                              .ai_addrlen = sizeof lo6,
                              .ai_addr = (struct sockaddr *)&lo6};
        struct addrinfo a4 = {.ai_family = AF_INET,
                              .ai_socktype = SOCK_STREAM,
                              .ai_addrlen = sizeof lo4,
                              .ai_addr = (struct sockaddr *)&lo4,
                              .ai_next = &a6};
        return listen_tcp_name(srv, &a4, port, listen_now);
    }
    /* Another name: resolved synchronously (this runs at start-up), and
     * each of its addresses served (listen_tcp_name). */
    uv_getaddrinfo_t gai;
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    r = uv_getaddrinfo(srv->loop, &gai, NULL, host, NULL, &hints);
    if (r != 0)
        return r;
    r = listen_tcp_name(srv, gai.addrinfo, port, listen_now);
    uv_freeaddrinfo(gai.addrinfo);
    return r;
}

int pt_http_server_listen_tcp(pt_http_server_t *srv, const char *hostport)
{
    return tcp_open(srv, hostport, true);
}

int pt_http_server_bind_tcp(pt_http_server_t *srv, const char *hostport)
{
    return tcp_open(srv, hostport, false);
}

int pt_http_server_listen_bound(pt_http_server_t *srv)
{
    if (srv->shutting_down)
        return UV_EINVAL;
    /* Bound and not listening: a TCP listener that is neither polled nor
     * closed (listener_start polls what it listens on). */
    for (listener_t *l = srv->listeners; l != NULL; l = l->next) {
        if (l->kind != PT_PEER_TCP || l->closing || l->polling || l->fd < 0)
            continue;
        int r = listener_start(l);
        if (r != 0) {
            listener_close(l);
            return r;
        }
    }
    return 0;
}

int pt_http_server_tcp_port(const pt_http_server_t *srv)
{
    for (const listener_t *l = srv->listeners; l != NULL; l = l->next) {
        if (l->kind != PT_PEER_TCP || l->closing)
            continue;
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        if (l->fd < 0 || getsockname(l->fd, (struct sockaddr *)&ss, &len) != 0)
            continue;
        if (ss.ss_family == AF_INET)
            return ntohs(((struct sockaddr_in *)&ss)->sin_port);
        if (ss.ss_family == AF_INET6)
            return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return UV_ENOENT;
}

void pt_http_server_shutdown(pt_http_server_t *srv, void (*done)(pt_http_server_t *, void *),
                             void *arg)
{
    if (srv->shutting_down)
        return;
    srv->shutting_down = true;
    srv->done = done;
    srv->done_arg = arg;
    for (listener_t *l = srv->listeners; l != NULL; l = l->next)
        listener_close(l);
    /* conn_close() only starts closing; the list changes in the close
     * callbacks, so walking it here is safe. */
    for (conn_t *c = srv->conns; c != NULL; c = c->next) {
        if (conn_in_flight(c)) {
            c->keep_alive = false; /* answered, then closed */
            if (c->timer_kind == TK_FLUSH)
                conn_timer(c, TK_FLUSH, flush_timeout(c)); /* no longer idle_timeout */
        } else {
            conn_close(c); /* idle, half a request, or lingering */
        }
    }
    /* With nothing open this calls done before returning. */
    server_maybe_done(srv);
}

void pt_http_server_free(pt_http_server_t *srv)
{
    if (srv == NULL)
        return;
    assert(srv->nconns == 0 && srv->listeners_open == 0);
    listener_t *l = srv->listeners;
    while (l != NULL) {
        listener_t *next = l->next;
        struct stat st;
        /* Only our own socket file: another process may have replaced it. */
        if (l->path != NULL && stat(l->path, &st) == 0 && st.st_dev == l->dev &&
            st.st_ino == l->ino)
            unlink(l->path);
        free(l->path);
        free(l);
        l = next;
    }
    if (srv->spare_fd >= 0)
        close(srv->spare_fd);
    free(srv);
}

size_t pt_http_server_connections(const pt_http_server_t *srv)
{
    return srv->nconns;
}

/* ------------------------------------------------------------------------ */
/* Requests */

size_t pt_http_segment(char *dst, const char *seg, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (seg[i] == '%' && i + 2 < len && seg[i + 1] == '2' &&
            (seg[i + 2] == 'F' || seg[i + 2] == 'f' || seg[i + 2] == '5')) {
            dst[j++] = seg[i + 2] == '5' ? '%' : '/';
            i += 2;
        } else {
            dst[j++] = seg[i];
        }
    }
    dst[j] = '\0';
    return j;
}

const char *pt_http_header(const pt_http_request_t *req, const char *name)
{
    const req_t *r = (const req_t *)req;
    return conn_header(r->conn, name);
}

/* Parses the query into decoded pairs, once per request. */
static bool query_parse(req_t *r)
{
    if (r->q_parsed)
        return r->q_count == 0 || r->q_pairs != NULL;
    r->q_parsed = true;
    const char *q = r->pub.query;
    size_t qlen = strlen(q), count = 0;
    for (const char *s = q; *s != '\0';) {
        size_t seg = strcspn(s, "&");
        if (seg > 0)
            count++;
        s += seg;
        if (*s == '&')
            s++;
    }
    if (count == 0)
        return true;
    /* Each pair decodes to at most its own length plus two NULs. */
    char **pairs = malloc(count * 2 * sizeof(char *) + qlen + count * 2);
    if (pairs == NULL)
        return false;
    char *out = (char *)(pairs + count * 2);
    size_t i = 0;
    for (const char *s = q; *s != '\0';) {
        size_t seg = strcspn(s, "&");
        if (seg > 0) {
            const char *eq = memchr(s, '=', seg);
            size_t nlen = eq != NULL ? (size_t)(eq - s) : seg;
            pairs[i * 2] = out;
            out += query_decode(out, s, nlen);
            *out++ = '\0';
            pairs[i * 2 + 1] = out;
            if (eq != NULL)
                out += query_decode(out, eq + 1, seg - nlen - 1);
            *out++ = '\0';
            i++;
        }
        s += seg;
        if (*s == '&')
            s++;
    }
    r->q_pairs = pairs;
    r->q_count = count;
    return true;
}

const char *pt_http_query(const pt_http_request_t *req, const char *name)
{
    req_t *r = (req_t *)req;
    if (!query_parse(r))
        return NULL;
    for (size_t i = 0; i < r->q_count; i++)
        if (strcmp(r->q_pairs[i * 2], name) == 0)
            return r->q_pairs[i * 2 + 1];
    return NULL;
}

bool pt_http_query_at(const pt_http_request_t *req, size_t i, const char **name, const char **value)
{
    req_t *r = (req_t *)req;
    if (!query_parse(r) || i >= r->q_count)
        return false;
    *name = r->q_pairs[i * 2];
    *value = r->q_pairs[i * 2 + 1];
    return true;
}

pt_http_counts_t pt_http_request_server_counts(const pt_http_request_t *req)
{
    return pt_http_server_counts(((const req_t *)req)->conn->srv);
}

bool pt_http_request_connected(const pt_http_request_t *req)
{
    const req_t *r = (const req_t *)req;
    return r->conn->state == CS_HANDLER || r->conn->state == CS_STREAM;
}

/* A callback set after the connection has already gone is not called:
 * check pt_http_request_connected() after setting it. */
void pt_http_request_on_abort(pt_http_request_t *req, void (*cb)(pt_http_request_t *, void *),
                              void *arg)
{
    req_t *r = (req_t *)req;
    r->abort_cb = cb;
    r->abort_arg = arg;
}

/* The whole answer has been handed to conn_write(): go on at once, or when
 * the queued writes have finished, within flush_timeout. */
static void conn_answer_written(conn_t *c)
{
    if (c->state != CS_FLUSH)
        return;
    if (c->writes_pending == 0)
        conn_output_done(c);
    else
        conn_timer(c, TK_FLUSH, flush_timeout(c));
}

/* The handler is done with the request: drop its reference. */
static void req_release(conn_t *c)
{
    assert(c->req_outstanding);
    c->req_outstanding = false;
    /* No callback reaches a request that has been answered. */
    c->bs_data = NULL;
    c->bs_end = NULL;
    c->bs_end_owed = false;
    c->drain_cb = NULL;
    conn_unref(c);
}

void pt_http_respond(pt_http_request_t *req, int status, const char *content_type,
                     const char *const *headers, const char *body, size_t len)
{
    req_t *r = (req_t *)req;
    conn_t *c = r->conn;
    assert(c->req_outstanding && c->state != CS_STREAM);
    bool live = c->state == CS_HANDLER;
    if (c->bs_in)
        c->keep_alive = false; /* the rest of the body is not read as a request */
    /* Released first: writing the answer may go straight on to the next
     * pipelined request, which takes the request object over. A live
     * connection's handles still hold it. */
    req_release(c);
    if (!live)
        return; /* the client has gone: the answer is dropped */
    c->state = CS_FLUSH;
    conn_write_response(c, status, content_type, headers, body, len, false);
    conn_answer_written(c);
}

void pt_http_stream_begin(pt_http_request_t *req, int status, const char *content_type,
                          const char *const *headers)
{
    req_t *r = (req_t *)req;
    conn_t *c = r->conn;
    assert(c->req_outstanding);
    if (c->state != CS_HANDLER)
        return; /* gone: the writes fail and the end frees */
    if (c->bs_in)
        c->keep_alive = false;
    c->state = CS_STREAM;
    /* An HTTP/1.0 client knows no chunks: it gets the raw bytes and the
     * end of the answer is the end of the connection. */
    c->chunked_out =
        c->parser.http_major > 1 || (c->parser.http_major == 1 && c->parser.http_minor >= 1);
    if (!c->chunked_out)
        c->keep_alive = false;
    conn_write_response(c, status, content_type, headers, NULL, 0, true);
}

int pt_http_stream_write(pt_http_request_t *req, const char *buf, size_t len)
{
    req_t *r = (req_t *)req;
    conn_t *c = r->conn;
    if (c->state != CS_STREAM)
        return -1;
    if (len == 0)
        return 0; /* an empty chunk would end the answer */
    if (c->parser.method == HTTP_HEAD)
        return 0;
    if (!c->chunked_out) {
        uv_buf_t b = uv_buf_init((char *)buf, (unsigned)len);
        return conn_write(c, &b, 1);
    }
    char size[24];
    int n = snprintf(size, sizeof size, "%zx\r\n", len);
    uv_buf_t bufs[3] = {uv_buf_init(size, (unsigned)n), uv_buf_init((char *)buf, (unsigned)len),
                        uv_buf_init((char *)"\r\n", 2)};
    return conn_write(c, bufs, 3);
}

void pt_http_stream_end(pt_http_request_t *req)
{
    req_t *r = (req_t *)req;
    conn_t *c = r->conn;
    assert(c->req_outstanding);
    bool live = c->state == CS_STREAM;
    req_release(c);
    if (!live)
        return;
    c->state = CS_FLUSH;
    if (c->chunked_out && c->parser.method != HTTP_HEAD) {
        uv_buf_t b = uv_buf_init((char *)"0\r\n\r\n", 5);
        conn_write(c, &b, 1);
    }
    conn_answer_written(c);
}

/* ------------------------------------------------------------------------ */
/* Streamed request bodies and stream back-pressure */

/* The body ends with an error (status < 0) unless it has ended already. */
static void body_fail(conn_t *c, int status)
{
    if (!c->bs_in)
        return;
    c->bs_in = false;
    c->bs_status = status;
    c->bs_end_owed = true;
}

/* Calls on_end once the body's end is known, the handler has started
 * reading, and the parser is not running (so that the handler may answer
 * from on_end without pulling the request from under the parser). */
static void body_end_deliver(conn_t *c)
{
    if (!c->bs_end_owed || !c->bs_started || c->parsing || !c->req_outstanding || c->bs_end == NULL)
        return;
    c->bs_end_owed = false;
    void (*cb)(pt_http_request_t *, int, void *) = c->bs_end;
    c->refs++;
    cb(&c->req.pub, c->bs_status, c->bs_arg);
    conn_unref(c);
}

/* Lets the parser go on with the body: at once when inside it, otherwise
 * with the input kept meanwhile and then the socket. */
static void body_resume_input(conn_t *c)
{
    if (!c->bs_in || !c->bs_started || c->bs_paused || c->state == CS_CLOSED)
        return;
    http_parser_pause(&c->parser, 0);
    if (c->feeding)
        return; /* conn_parse() goes on with its input */
    conn_timer(c, TK_BODY, c->srv->limits.idle_timeout_ms);
    if (c->pend_len > c->pend_off) {
        c->refs++;
        conn_pump_pending(c);
        bool closed = c->state == CS_CLOSED;
        conn_unref(c);
        if (closed)
            return;
    }
    if (conn_takes_input(c))
        conn_read_start(c);
}

void pt_http_body_start(pt_http_request_t *req,
                        void (*on_data)(pt_http_request_t *, const char *, size_t, void *),
                        void (*on_end)(pt_http_request_t *, int, void *), void *arg)
{
    req_t *r = (req_t *)req;
    conn_t *c = r->conn;
    assert(c->req_outstanding && !c->bs_started);
    c->bs_data = on_data;
    c->bs_end = on_end;
    c->bs_arg = arg;
    c->bs_started = true;
    if (!c->bs_on) {
        /* A body that was read whole: handed over in one piece. */
        c->refs++;
        if (req->body_len > 0 && on_data != NULL)
            on_data(req, req->body, req->body_len, arg);
        if (c->req_outstanding && c->bs_end != NULL)
            c->bs_end(req, 0, arg);
        c->bs_end = NULL;
        conn_unref(c);
        return;
    }
    if (c->bs_continue && c->state == CS_HANDLER) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        uv_buf_t b = uv_buf_init((char *)cont, sizeof cont - 1);
        c->bs_continue = false;
        conn_write(c, &b, 1);
    }
    c->refs++;
    body_resume_input(c);
    body_end_deliver(c);
    conn_unref(c);
}

void pt_http_body_answer_over_limit(pt_http_request_t *req)
{
    conn_t *c = ((req_t *)req)->conn;
    assert(c->req_outstanding);
    c->bs_answers_over = true;
}

void pt_http_body_pause(pt_http_request_t *req)
{
    conn_t *c = ((req_t *)req)->conn;
    if (!c->bs_in || c->bs_paused || c->state == CS_CLOSED)
        return;
    c->bs_paused = true;
    if (c->parsing)
        http_parser_pause(&c->parser, 1);
    /* The server holds the body back now; the client is not the slow one. */
    if (c->timer_kind == TK_BODY)
        conn_timer(c, TK_NONE, 0);
}

void pt_http_body_resume(pt_http_request_t *req)
{
    conn_t *c = ((req_t *)req)->conn;
    if (!c->bs_paused)
        return;
    c->bs_paused = false;
    c->refs++;
    body_resume_input(c);
    body_end_deliver(c);
    conn_unref(c);
}

size_t pt_http_stream_pending(const pt_http_request_t *req)
{
    return ((const req_t *)req)->conn->out_pending;
}

void pt_http_stream_on_drain(pt_http_request_t *req, void (*cb)(pt_http_request_t *, void *),
                             void *arg)
{
    conn_t *c = ((req_t *)req)->conn;
    c->drain_cb = cb;
    c->drain_arg = arg;
}

void pt_http_stream_cut(pt_http_request_t *req)
{
    req_t *r = (req_t *)req;
    conn_t *c = r->conn;
    assert(c->req_outstanding);
    bool live = c->state == CS_STREAM || c->state == CS_HANDLER;
    req_release(c);
    /* What was queued is dropped with the connection: its client has
     * taken nothing of it for long, and would hold the connection as long
     * again before it went. */
    if (live)
        conn_close(c);
}

void pt_http_stream_abort(pt_http_request_t *req)
{
    req_t *r = (req_t *)req;
    conn_t *c = r->conn;
    assert(c->req_outstanding);
    bool live = c->state == CS_STREAM || c->state == CS_HANDLER;
    req_release(c);
    if (!live)
        return;
    /* What was queued still goes out, then the write side is shut down
     * without the last chunk: the client sees the transfer end early. */
    c->keep_alive = false;
    c->state = CS_DRAIN;
    if (c->writes_pending == 0)
        conn_linger(c);
    else
        conn_timer(c, TK_FLUSH, flush_timeout(c));
}

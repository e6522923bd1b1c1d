/*
 * test_http_stream.c - the HTTP server's streaming additions: request bodies
 * streamed to the handler with back-pressure (pt_http_body_*), the answer's
 * back-pressure (pt_http_stream_pending / on_drain) and failed streams
 * (pt_http_stream_abort).
 *
 * As in test_http_server.c, the server runs on its own loop in a background
 * thread and the test thread talks to it over a TCP socket with blocking
 * calls and a receive timeout. The handler's behaviour is chosen by path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http-server.h"
#include "server-thread.h"

#define MAX_STREAM (4u * 1024 * 1024)

typedef struct {
    server_thread_t st;
    int port;
    atomic_int end_status; /* the last on_end status, 1 before any */
    atomic_int ends;       /* on_end calls */
    atomic_int data_while_paused;
    atomic_int pauses;
    atomic_int drains;
    atomic_size_t max_pending;
    atomic_size_t received; /* body bytes handed to on_data, every request */
} fx_t;

/* One streamed request in the handler's hands. */
typedef struct {
    fx_t *fx;
    pt_http_request_t *req;
    uv_timer_t timer;
    bool timer_on;
    bool paused;
    int mode;
    size_t total;
    uint32_t sum;
    size_t sent;
} job_t;

enum { M_COUNT, M_PAUSING, M_LATE_START, M_FLOOD, M_ABORT, M_OWN_LIMIT };

static void job_closed(uv_handle_t *h)
{
    free(h->data);
}

static void job_free(job_t *j)
{
    uv_close((uv_handle_t *)&j->timer, job_closed);
}

static void on_resume_timer(uv_timer_t *t)
{
    job_t *j = t->data;
    j->paused = false;
    pt_http_body_resume(j->req);
}

static void on_data(pt_http_request_t *req, const char *buf, size_t len, void *arg)
{
    job_t *j = arg;
    if (j->paused)
        atomic_fetch_add(&j->fx->data_while_paused, 1);
    for (size_t i = 0; i < len; i++)
        j->sum = j->sum * 31 + (unsigned char)buf[i];
    j->total += len;
    atomic_fetch_add(&j->fx->received, len);
    if (j->mode == M_PAUSING) {
        /* Hold the body back after every piece for a moment. */
        j->paused = true;
        atomic_fetch_add(&j->fx->pauses, 1);
        pt_http_body_pause(req);
        uv_timer_start(&j->timer, on_resume_timer, 2, 0);
    }
}

/* The answer of a handler that answers a body over the limit itself, a
 * moment after it learnt of it (as an import's job does, once its thread
 * has ended). */
static void on_own_limit_answer(uv_timer_t *t)
{
    job_t *j = t->data;
    char out[128];
    int n = snprintf(out, sizeof out, "own answer: total=%zu", j->total);
    pt_http_respond(j->req, 413, "text/plain", NULL, out, (size_t)n);
    job_free(j);
}

static void on_end(pt_http_request_t *req, int status, void *arg)
{
    job_t *j = arg;
    atomic_store(&j->fx->end_status, status);
    atomic_fetch_add(&j->fx->ends, 1);
    uv_timer_stop(&j->timer);
    if (j->mode == M_OWN_LIMIT && status == UV_E2BIG) {
        uv_timer_start(&j->timer, on_own_limit_answer, 100, 0);
        return;
    }
    char out[128];
    int n = snprintf(out, sizeof out, "total=%zu sum=%u status=%d", j->total, j->sum, status);
    pt_http_respond(req, status == 0 ? 200 : 400, "text/plain", NULL, out, (size_t)n);
    job_free(j);
}

static void on_late_start(uv_timer_t *t)
{
    job_t *j = t->data;
    pt_http_body_start(j->req, on_data, on_end, j);
}

/* Writes 64 KiB chunks until 1 MiB is pending, then waits for the drain;
 * ends after 8 MiB. */
static void flood(job_t *j);

static void on_drain(pt_http_request_t *req, void *arg)
{
    job_t *j = arg;
    atomic_fetch_add(&j->fx->drains, 1);
    assert_int_equal(pt_http_stream_pending(req), 0);
    flood(j);
}

static void flood(job_t *j)
{
    static char chunk[64 * 1024];
    memset(chunk, 'x', sizeof chunk);
    while (j->sent < 8u * 1024 * 1024) {
        if (pt_http_stream_pending(j->req) > 1024 * 1024) {
            pt_http_stream_on_drain(j->req, on_drain, j);
            return;
        }
        assert_int_equal(pt_http_stream_write(j->req, chunk, sizeof chunk), 0);
        j->sent += sizeof chunk;
        size_t p = pt_http_stream_pending(j->req);
        if (p > atomic_load(&j->fx->max_pending))
            atomic_store(&j->fx->max_pending, p);
    }
    pt_http_stream_end(j->req);
    job_free(j);
}

static void on_abort_timer(uv_timer_t *t)
{
    job_t *j = t->data;
    pt_http_stream_abort(j->req);
    job_free(j);
}

static bool wants(const pt_http_request_t *req, void *ud)
{
    (void)ud;
    return strcmp(req->method, "POST") == 0 && strncmp(req->path, "/up", 3) == 0;
}

static job_t *job_new(fx_t *fx, pt_http_request_t *req, int mode)
{
    job_t *j = calloc(1, sizeof *j);
    assert_non_null(j);
    j->fx = fx;
    j->req = req;
    j->mode = mode;
    uv_timer_init(&fx->st.loop, &j->timer);
    j->timer.data = j;
    return j;
}

static void handler(pt_http_request_t *req, void *ud)
{
    fx_t *fx = ud;
    if (strcmp(req->path, "/up/count") == 0) {
        assert_null(req->body);
        pt_http_body_start(req, on_data, on_end, job_new(fx, req, M_COUNT));
    } else if (strcmp(req->path, "/up/pausing") == 0) {
        pt_http_body_start(req, on_data, on_end, job_new(fx, req, M_PAUSING));
    } else if (strcmp(req->path, "/up/own-limit") == 0) {
        pt_http_body_answer_over_limit(req);
        pt_http_body_start(req, on_data, on_end, job_new(fx, req, M_OWN_LIMIT));
    } else if (strcmp(req->path, "/up/late") == 0) {
        job_t *j = job_new(fx, req, M_LATE_START);
        uv_timer_start(&j->timer, on_late_start, 300, 0);
    } else if (strcmp(req->path, "/up/refuse") == 0) {
        pt_http_respond(req, 404, "text/plain", NULL, "no", 2);
    } else if (strcmp(req->path, "/small") == 0) {
        /* Not streamed: pt_http_body_start hands over the whole body. */
        pt_http_body_start(req, on_data, on_end, job_new(fx, req, M_COUNT));
    } else if (strcmp(req->path, "/flood") == 0) {
        job_t *j = job_new(fx, req, M_FLOOD);
        pt_http_stream_begin(req, 200, "application/octet-stream", NULL);
        flood(j);
    } else if (strcmp(req->path, "/abort") == 0) {
        job_t *j = job_new(fx, req, M_ABORT);
        pt_http_stream_begin(req, 200, "text/plain", NULL);
        pt_http_stream_write(req, "partial", 7);
        uv_timer_start(&j->timer, on_abort_timer, 50, 0);
    } else {
        pt_http_respond(req, 200, "text/plain", NULL, "hello", 5);
    }
}

static int setup(void **state)
{
    fx_t *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    atomic_store(&fx->end_status, 1);
    pt_http_limits_t l;
    pt_http_limits_default(&l);
    l.max_body = 4096; /* streamed bodies are far larger than this */
    l.idle_timeout_ms = 5000;
    server_thread_init(&fx->st, &l, handler, fx);
    pt_http_server_set_body_stream(fx->st.srv, wants, NULL, MAX_STREAM);
    assert_int_equal(pt_http_server_listen_tcp(fx->st.srv, "127.0.0.1:0"), 0);
    fx->port = pt_http_server_tcp_port(fx->st.srv);
    server_thread_run(&fx->st);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;
    server_thread_stop(&fx->st);
    free(fx);
    return 0;
}

/* ---- A small blocking client ------------------------------------------ */

static int cli_connect(const fx_t *fx)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)fx->port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void send_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        assert_true(n > 0);
        p += n;
        len -= (size_t)n;
    }
}

static void send_str(int fd, const char *s)
{
    send_all(fd, s, strlen(s));
}

/* Reads until the head of a response is in buf; returns the head's length
 * (buf holds what came after it too), or -1 at EOF. */
static ssize_t read_head(int fd, char *buf, size_t cap, size_t *len)
{
    for (;;) {
        char *end = memmem(buf, *len, "\r\n\r\n", 4);
        if (end)
            return end + 4 - buf;
        if (*len == cap)
            return -1;
        ssize_t n = recv(fd, buf + *len, cap - *len, 0);
        if (n <= 0)
            return -1;
        *len += (size_t)n;
    }
}

/* Reads one response with a Content-Length body into out (NUL-terminated);
 * returns its status, or -1. */
static int read_response(int fd, char *out, size_t cap)
{
    char buf[8192];
    size_t len = 0;
    ssize_t h = read_head(fd, buf, sizeof buf, &len);
    if (h < 0)
        return -1;
    int status = atoi(buf + 9);
    const char *cl = strcasestr(buf, "Content-Length:");
    size_t want = cl ? strtoul(cl + 15, NULL, 10) : 0;
    while (len - (size_t)h < want) {
        ssize_t n = recv(fd, buf + len, sizeof buf - len, 0);
        if (n <= 0)
            return -1;
        len += (size_t)n;
    }
    size_t n = want < cap - 1 ? want : cap - 1;
    memcpy(out, buf + h, n);
    out[n] = '\0';
    return status;
}

static uint32_t checksum(const char *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = sum * 31 + (unsigned char)p[i];
    return sum;
}

static char *pattern(size_t len)
{
    char *p = malloc(len);
    assert_non_null(p);
    for (size_t i = 0; i < len; i++)
        p[i] = (char)('a' + (i * 7) % 26);
    return p;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- Tests -------------------------------------------------------------- */

/* A body 256 times max_body reaches the handler whole, piece by piece, and
 * the connection stays usable for the next request. */
static void a_streamed_body_arrives_whole_and_keep_alive_survives(void **state)
{
    fx_t *fx = *state;
    size_t len = 1024 * 1024;
    char *body = pattern(len);
    char head[256], out[256], want[128];
    int fd = cli_connect(fx);
    snprintf(head, sizeof head, "POST /up/count HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n",
             len);
    send_str(fd, head);
    send_all(fd, body, len);
    assert_int_equal(read_response(fd, out, sizeof out), 200);
    snprintf(want, sizeof want, "total=%zu sum=%u status=0", len, checksum(body, len));
    assert_string_equal(out, want);
    send_str(fd, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_int_equal(read_response(fd, out, sizeof out), 200);
    assert_string_equal(out, "hello");
    close(fd);
    free(body);
}

/* A chunked upload is streamed too, and a request that is not streamed
 * gets its whole body through pt_http_body_start all the same. */
static void chunked_and_whole_bodies_are_delivered(void **state)
{
    fx_t *fx = *state;
    char out[256];
    int fd = cli_connect(fx);
    send_str(fd, "POST /up/count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    assert_int_equal(read_response(fd, out, sizeof out), 200);
    char want[128];
    snprintf(want, sizeof want, "total=11 sum=%u status=0", checksum("hello world", 11));
    assert_string_equal(out, want);
    send_str(fd, "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    assert_int_equal(read_response(fd, out, sizeof out), 200);
    snprintf(want, sizeof want, "total=3 sum=%u status=0", checksum("abc", 3));
    assert_string_equal(out, want);
    send_str(fd, "POST /up/count HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(read_response(fd, out, sizeof out), 200);
    assert_string_equal(out, "total=0 sum=0 status=0");
    close(fd);
}

/* Requests sent right behind a streamed body, in the same packet, are
 * answered in order, whether the handler reads the body at once (its end
 * comes, and is answered, while that input is being parsed) or later (the
 * input waits meanwhile). Neither drops them nor reads a byte twice. */
static void requests_right_behind_a_streamed_body_are_answered_in_order(void **state)
{
    fx_t *fx = *state;
    static const char *const first[] = {"/up/count", "/up/late"};
    for (size_t i = 0; i < 2; i++) {
        char req[512], all[8192], want[128];
        int fd = cli_connect(fx);
        snprintf(req, sizeof req,
                 "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                 "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                 "POST /up/count HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                 "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                 first[i]);
        send_str(fd, req);
        size_t len = 0;
        ssize_t n;
        while (len < sizeof all - 1 && (n = recv(fd, all + len, sizeof all - 1 - len, 0)) > 0)
            len += (size_t)n;
        all[len] = '\0';
        close(fd);
        const char *p = all;
        snprintf(want, sizeof want, "total=5 sum=%u status=0", checksum("hello", 5));
        assert_non_null(p = strstr(p, want));
        assert_non_null(p = strstr(p, "hello"));
        snprintf(want, sizeof want, "total=3 sum=%u status=0", checksum("abc", 3));
        assert_non_null(p = strstr(p, want));
        assert_non_null(p = strstr(p + strlen(want), "hello"));
        size_t answers = 0;
        for (p = all; (p = strstr(p, "HTTP/1.1 200 ")) != NULL; p++)
            answers++;
        assert_int_equal(answers, 4);
    }
}

/* A chunked body streamed to a handler is held to its framing as any:
 * read at once or after the handler has waited (the server then has
 * the head's last byte read ahead of the parser), its data, CRs and all,
 * arrives whole with the request behind it answered, and a size line
 * with a CR that no LF follows is refused with 400. */
static void a_streamed_chunked_body_is_held_to_its_framing(void **state)
{
    fx_t *fx = *state;
    static const char *const first[] = {"/up/count", "/up/late"};
    for (size_t i = 0; i < 2; i++) {
        char req[512], all[4096], out[512], want[128];
        int fd = cli_connect(fx);
        snprintf(req, sizeof req,
                 "POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3;x=y\r\na\rb\r\n2\r\n\r\n\r\n0\r\nT: 1\r\n\r\n"
                 "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                 first[i]);
        send_str(fd, req);
        size_t len = 0;
        ssize_t n;
        while (len < sizeof all - 1 && (n = recv(fd, all + len, sizeof all - 1 - len, 0)) > 0)
            len += (size_t)n;
        all[len] = '\0';
        close(fd);
        const char *p = all;
        snprintf(want, sizeof want, "total=5 sum=%u status=0", checksum("a\rb\r\n", 5));
        assert_non_null(p = strstr(p, want));
        assert_non_null(p = strstr(p, "HTTP/1.1 200 "));
        assert_non_null(strstr(p, "hello"));

        fd = cli_connect(fx);
        snprintf(req, sizeof req,
                 "POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\rXabc\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
                 first[i]);
        send_str(fd, req);
        assert_int_equal(read_response(fd, out, sizeof out), 400);
        assert_non_null(strstr(out, "chunk 1 of the body: its size line has a CR that no LF"));
        assert_true(recv(fd, out, sizeof out, 0) <= 0);
        close(fd);
    }
}

/* While the handler has paused the body, on_data is never called; the
 * body still arrives whole once it resumes. */
static void a_paused_body_delivers_nothing_until_resumed(void **state)
{
    fx_t *fx = *state;
    size_t len = 2 * 1024 * 1024;
    char *body = pattern(len);
    char head[256], out[256], want[128];
    int fd = cli_connect(fx);
    snprintf(head, sizeof head,
             "POST /up/pausing HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n", len);
    send_str(fd, head);
    send_all(fd, body, len);
    assert_int_equal(read_response(fd, out, sizeof out), 200);
    snprintf(want, sizeof want, "total=%zu sum=%u status=0", len, checksum(body, len));
    assert_string_equal(out, want);
    assert_int_equal(atomic_load(&fx->data_while_paused), 0);
    assert_true(atomic_load(&fx->pauses) > 1);
    close(fd);
    free(body);
}

/* Expect: 100-continue is answered only when the handler starts reading;
 * a handler that refuses at once spares the upload. */
static void continue_comes_when_the_handler_starts_reading(void **state)
{
    fx_t *fx = *state;
    char buf[4096], out[256];
    size_t len = 0;
    int fd = cli_connect(fx);
    int64_t t0 = now_ms();
    send_str(fd, "POST /up/late HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                 "Expect: 100-continue\r\n\r\n");
    ssize_t h = read_head(fd, buf, sizeof buf, &len);
    assert_true(h > 0);
    assert_int_equal(strncmp(buf, "HTTP/1.1 100 Continue\r\n", 23), 0);
    assert_true(now_ms() - t0 >= 250); /* the handler starts after 300 ms */
    send_str(fd, "abcd");
    assert_int_equal(read_response(fd, out, sizeof out), 200);
    close(fd);

    fd = cli_connect(fx);
    send_str(fd, "POST /up/refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n"
                 "Expect: 100-continue\r\n\r\n");
    assert_int_equal(read_response(fd, out, sizeof out), 404);
    /* The body never read means the connection closes after the answer. */
    assert_true(recv(fd, buf, sizeof buf, 0) <= 0);
    close(fd);
}

/* Over max_stream_body the server answers 413 itself and on_end learns of
 * it; by Content-Length the handler never even sees the request. */
static void a_body_over_the_stream_limit_is_refused(void **state)
{
    fx_t *fx = *state;
    char head[256], out[256];
    int fd = cli_connect(fx);
    snprintf(head, sizeof head, "POST /up/count HTTP/1.1\r\nHost: x\r\nContent-Length: %u\r\n\r\n",
             MAX_STREAM + 1);
    send_str(fd, head);
    assert_int_equal(read_response(fd, out, sizeof out), 413);
    close(fd);
    assert_int_equal(atomic_load(&fx->ends), 0);

    fd = cli_connect(fx);
    send_str(fd, "POST /up/count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    char *chunk = pattern(1024 * 1024);
    int status = -1;
    for (int i = 0; i < 5; i++) {
        send_str(fd, "100000\r\n");
        if (send(fd, chunk, 1024 * 1024, MSG_NOSIGNAL) < 0)
            break;
        send(fd, "\r\n", 2, MSG_NOSIGNAL);
    }
    status = read_response(fd, out, sizeof out);
    assert_int_equal(status, 413);
    close(fd);
    free(chunk);
    for (int i = 0; i < 1000 && atomic_load(&fx->ends) == 0; i++)
        usleep(10000);
    assert_int_equal(atomic_load(&fx->end_status), UV_E2BIG);
}

/* A handler that answers a body over the limit itself gets nothing past
 * the limit, learns of it in on_end, and its own answer, given later, is
 * the one the client gets; the connection closes after it, the rest of the
 * body unread. A Content-Length over the limit is still refused by the
 * server before the handler sees the request. */
static void a_handler_may_answer_a_body_over_the_limit_itself(void **state)
{
    fx_t *fx = *state;
    char head[256], out[256], buf[256];
    int fd = cli_connect(fx);
    snprintf(head, sizeof head,
             "POST /up/own-limit HTTP/1.1\r\nHost: x\r\nContent-Length: %u\r\n\r\n",
             MAX_STREAM + 1);
    send_str(fd, head);
    assert_int_equal(read_response(fd, out, sizeof out), 413);
    assert_non_null(strstr(out, "payload_too_large"));
    close(fd);
    assert_int_equal(atomic_load(&fx->ends), 0);

    fd = cli_connect(fx);
    send_str(fd, "POST /up/own-limit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    char *chunk = pattern(1024 * 1024);
    for (int i = 0; i < 5; i++) {
        send_str(fd, "100000\r\n");
        if (send(fd, chunk, 1024 * 1024, MSG_NOSIGNAL) < 0)
            break;
        send(fd, "\r\n", 2, MSG_NOSIGNAL);
    }
    assert_int_equal(read_response(fd, out, sizeof out), 413);
    char want[64];
    snprintf(want, sizeof want, "own answer: total=%u", MAX_STREAM);
    assert_string_equal(out, want);
    assert_int_equal(atomic_load(&fx->ends), 1);
    assert_int_equal(atomic_load(&fx->end_status), UV_E2BIG);
    assert_int_equal(atomic_load(&fx->received), MAX_STREAM);
    /* No second answer: the connection ends. */
    assert_true(recv(fd, buf, sizeof buf, 0) <= 0);
    close(fd);
    free(chunk);
}

/* A client that goes away mid-body ends the body with UV_ECONNRESET. */
static void a_client_gone_mid_body_ends_it_with_an_error(void **state)
{
    fx_t *fx = *state;
    int fd = cli_connect(fx);
    send_str(fd, "POST /up/count HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc");
    /* Mid-body: the handler has the first bytes (up to 10 s on a loaded
     * machine, where a fixed moment may pass before the server reads). */
    for (int i = 0; i < 1000 && atomic_load(&fx->received) < 3; i++)
        usleep(10000);
    assert_int_equal(atomic_load(&fx->received), 3);
    close(fd);
    for (int i = 0; i < 1000 && atomic_load(&fx->ends) == 0; i++)
        usleep(10000);
    assert_int_equal(atomic_load(&fx->ends), 1);
    assert_int_equal(atomic_load(&fx->end_status), UV_ECONNRESET);
}

/* A writer that waits for the drain keeps the queued answer bounded, and
 * the drain comes when a slow reader catches up. */
static void pending_bytes_and_the_drain_bound_a_streamed_answer(void **state)
{
    fx_t *fx = *state;
    int fd = cli_connect(fx);
    send_str(fd, "GET /flood HTTP/1.1\r\nHost: x\r\n\r\n");
    usleep(300000); /* a slow reader: the server must queue, then wait */
    static char buf[1 << 16];
    size_t total = 0;
    bool done = false;
    char tail[5] = {0};
    while (!done) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        assert_true(n > 0);
        total += (size_t)n;
        /* The last 5 bytes of a complete chunked answer: "0\r\n\r\n". */
        if (n >= 5)
            memcpy(tail, buf + n - 5, 5);
        else {
            memmove(tail, tail + n, (size_t)(5 - n));
            memcpy(tail + 5 - n, buf, (size_t)n);
        }
        done = memcmp(tail, "0\r\n\r\n", 5) == 0;
    }
    assert_true(total > 8u * 1024 * 1024);
    assert_true(atomic_load(&fx->drains) >= 1);
    assert_true(atomic_load(&fx->max_pending) <= 1024 * 1024 + 70 * 1024);
    close(fd);
}

/* An aborted stream sends what it had, then closes without the last
 * chunk: the client sees a transfer cut short, not a complete answer. */
static void an_aborted_stream_never_looks_complete(void **state)
{
    fx_t *fx = *state;
    int fd = cli_connect(fx);
    send_str(fd, "GET /abort HTTP/1.1\r\nHost: x\r\n\r\n");
    char buf[8192];
    size_t len = 0;
    for (;;) {
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    assert_non_null(strstr(buf, "Transfer-Encoding: chunked"));
    assert_non_null(strstr(buf, "7\r\npartial\r\n"));
    assert_null(strstr(buf, "\r\n0\r\n\r\n"));
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_streamed_body_arrives_whole_and_keep_alive_survives,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(chunked_and_whole_bodies_are_delivered, setup, teardown),
        cmocka_unit_test_setup_teardown(requests_right_behind_a_streamed_body_are_answered_in_order,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_streamed_chunked_body_is_held_to_its_framing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_paused_body_delivers_nothing_until_resumed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(continue_comes_when_the_handler_starts_reading, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_body_over_the_stream_limit_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_handler_may_answer_a_body_over_the_limit_itself, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_client_gone_mid_body_ends_it_with_an_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pending_bytes_and_the_drain_bound_a_streamed_answer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_aborted_stream_never_looks_complete, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

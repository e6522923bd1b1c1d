/*
 * fuzz-http.c - the server and client of fuzz-http.h.
 */
#include "fuzz-http.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <http_parser.h>

#include "json-strict.h"

static uv_loop_t loop;
static pt_http_server_t *server;
static char sock_path[108];

uint32_t fz_rand(uint32_t *s)
{
    /* xorshift32; a zero state would stay zero. */
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

uint32_t fz_hash(const uint8_t *data, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ data[i]) * 16777619u;
    return h;
}

size_t fz_piece(uint32_t *seed, size_t left)
{
    /* Mostly small pieces, sometimes large ones, now and then the rest. */
    uint32_t r = fz_rand(seed);
    size_t piece;
    switch (r % 8) {
    case 0:
        piece = 1;
        break;
    case 1:
    case 2:
    case 3:
        piece = 1 + (r >> 8) % 16;
        break;
    case 4:
    case 5:
        piece = 1 + (r >> 8) % 512;
        break;
    case 6:
        piece = 1 + (r >> 8) % 70000;
        break;
    default:
        piece = left;
        break;
    }
    return piece < left ? piece : left;
}

static void remove_socket(void)
{
    if (sock_path[0])
        unlink(sock_path);
}

uv_loop_t *fz_http_loop(void)
{
    static bool made;
    if (!made && uv_loop_init(&loop) != 0)
        abort();
    made = true;
    return &loop;
}

pt_http_server_t *fz_http_start(const pt_http_limits_t *limits, pt_http_handler_cb handler,
                                void *ud)
{
    if (server)
        return server;
    /* As ptrackd does: a write to a client that has gone (a request sent
     * with the client leaving at once) fails with EPIPE rather than
     * ending the fuzzer without a word (exit 141, no crash file). */
    signal(SIGPIPE, SIG_IGN);
    if (pt_http_server_new(fz_http_loop(), limits, handler, ud, &server) != 0)
        abort();
    snprintf(sock_path, sizeof(sock_path), "/tmp/ptrack-fuzz-%ld.sock", (long)getpid());
    int rc = pt_http_server_listen_unix(server, sock_path, 0600);
    if (rc != 0) {
        fprintf(stderr, "fuzz: cannot listen on %s: %s\n", sock_path, uv_strerror(rc));
        abort();
    }
    atexit(remove_socket);
    return server;
}

/* connect(), through a signal that interrupts it (libFuzzer's timer): the
 * connection goes on being made, and is waited for. */
static int connect_whole(int fd, const struct sockaddr *sa, socklen_t len)
{
    if (connect(fd, sa, len) == 0)
        return 0;
    if (errno != EINTR)
        return -1;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    while (poll(&p, 1, -1) < 0)
        if (errno != EINTR)
            return -1;
    int err = 0;
    socklen_t elen = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0) {
        errno = err;
        return -1;
    }
    return 0;
}

int fz_http_connect(int tcp_port)
{
    int fd;
    if (tcp_port) {
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)tcp_port)};
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || connect_whole(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
            perror("fuzz: connect");
            abort();
        }
    } else {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
        if (fd < 0 || connect_whole(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
            perror("fuzz: connect");
            abort();
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* What the server sent on the connection, kept up to OUT_MAX bytes for
 * check_answers(). */
#define OUT_MAX (4u << 20)
static char *out;
static size_t out_len;
static bool out_cut;

/* Reads what the server has sent. Returns the bytes read, and sets *eof
 * when the server has closed (or reset) the connection. */
static size_t drain(int fd, bool *eof)
{
    static char buf[65536];
    size_t total = 0;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n > 0) {
            total += (size_t)n;
            if (!out)
                out = malloc(OUT_MAX);
            if (!out)
                abort();
            if (out_len + (size_t)n <= OUT_MAX) {
                memcpy(out + out_len, buf, (size_t)n);
                out_len += (size_t)n;
            } else {
                out_cut = true;
            }
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            *eof = true;
        return total;
    }
}

/* ---- The answers, read back as a client reads them ------------------- */

struct fz_reader_s {
    http_parser parser;
    bool head; /* the answers are to HEAD requests: no bodies */
    fz_answer_cb cb;
    void *ud;
    char field[32];
    size_t field_len;
    bool in_value;
    bool in_answer; /* between an answer's first byte and its end */
    bool headers_done;
    fz_answer_t a;
    char *body;
    size_t body_cap;
    unsigned answers; /* complete final (not 1xx) answers */
    bool bad;
};

static int on_a_begin(http_parser *p)
{
    fz_reader_t *r = p->data;
    memset(&r->a, 0, sizeof(r->a));
    r->field_len = 0;
    r->in_value = false;
    r->in_answer = true;
    r->headers_done = false;
    return 0;
}

static int on_a_field(http_parser *p, const char *at, size_t len)
{
    fz_reader_t *r = p->data;
    if (r->in_value)
        r->field_len = 0; /* a new header after a value */
    r->in_value = false;
    size_t n =
        len < sizeof(r->field) - 1 - r->field_len ? len : sizeof(r->field) - 1 - r->field_len;
    memcpy(r->field + r->field_len, at, n);
    r->field_len += n;
    r->field[r->field_len] = '\0';
    return 0;
}

static int on_a_value(http_parser *p, const char *at, size_t len)
{
    fz_reader_t *r = p->data;
    r->in_value = true;
    if (strcasecmp(r->field, "content-type") == 0) {
        size_t have = strlen(r->a.type);
        size_t n = len < sizeof(r->a.type) - 1 - have ? len : sizeof(r->a.type) - 1 - have;
        memcpy(r->a.type + have, at, n);
        r->a.type[have + n] = '\0';
    }
    return 0;
}

static int on_a_headers(http_parser *p)
{
    fz_reader_t *r = p->data;
    r->a.status = (int)p->status_code;
    r->a.chunked = (p->flags & F_CHUNKED) != 0;
    r->a.json = strncmp(r->a.type, "application/json", 16) == 0;
    r->headers_done = true;
    /* 1: an answer to HEAD has no body, whatever its head says. */
    return r->head ? 1 : 0;
}

static int on_a_body(http_parser *p, const char *at, size_t len)
{
    fz_reader_t *r = p->data;
    if (r->a.body_len + len + 1 > r->body_cap) {
        size_t cap = (r->a.body_len + len + 1) * 2;
        char *b = realloc(r->body, cap);
        if (!b)
            abort();
        r->body = b;
        r->body_cap = cap;
    }
    memcpy(r->body + r->a.body_len, at, len);
    r->a.body_len += len;
    return 0;
}

static int on_a_complete(http_parser *p)
{
    fz_reader_t *r = p->data;
    if (!r->body && !(r->body = malloc(r->body_cap = 64)))
        abort();
    r->body[r->a.body_len] = '\0';
    r->a.body = r->body;
    r->in_answer = false;
    if (r->a.status >= 200)
        r->answers++;
    if (r->cb)
        r->cb(&r->a, r->ud);
    return 0;
}

fz_reader_t *fz_reader_new(bool head, fz_answer_cb cb, void *ud)
{
    fz_reader_t *r = calloc(1, sizeof(*r));
    if (!r)
        abort();
    http_parser_init(&r->parser, HTTP_RESPONSE);
    r->parser.data = r;
    r->head = head;
    r->cb = cb;
    r->ud = ud;
    return r;
}

bool fz_reader_feed(fz_reader_t *r, const char *data, size_t len)
{
    static const http_parser_settings settings = {
        .on_message_begin = on_a_begin,
        .on_header_field = on_a_field,
        .on_header_value = on_a_value,
        .on_headers_complete = on_a_headers,
        .on_body = on_a_body,
        .on_message_complete = on_a_complete,
    };
    if (r->bad || len == 0)
        return !r->bad;
    size_t n = http_parser_execute(&r->parser, &settings, data, len);
    enum http_errno e = HTTP_PARSER_ERRNO(&r->parser);
    if (e != HPE_OK || (n != len && !r->parser.upgrade)) {
        fprintf(stderr, "fuzz: the server's answers are not HTTP at byte %zu of %zu: %s\n%.*s\n", n,
                len, http_errno_description(e), (int)(len < 4000 ? len : 4000), data);
        r->bad = true;
    }
    return !r->bad;
}

unsigned fz_reader_answers(const fz_reader_t *r)
{
    return r->answers;
}

const fz_answer_t *fz_reader_head(const fz_reader_t *r)
{
    return r->in_answer && r->headers_done ? &r->a : NULL;
}

void fz_reader_free(fz_reader_t *r)
{
    if (r) {
        free(r->body);
        free(r);
    }
}

void fz_check_json_body(const fz_answer_t *a)
{
    pt_error_t err = {0};
    cJSON *j = pt_json_parse(a->body, a->body_len, &err);
    if (!j) {
        fprintf(stderr, "fuzz: a %d answer's JSON body is not JSON (%s): %.*s\n", a->status,
                err.message, (int)a->body_len, a->body);
        abort();
    }
    cJSON_Delete(j);
    pt_error_clear(&err);
}

/* The server's own answers, errors included, and the harness's are JSON
 * objects; only the harness's streams carry other bytes. */
static void check_answer(const fz_answer_t *a, void *ud)
{
    (void)ud;
    if (a->json && !a->chunked)
        fz_check_json_body(a);
}

/* Reads back every answer the connection carried: they must be HTTP, one
 * after another, whatever the request was. An answer cut short by a
 * closing connection is fine (an aborted stream ends so). */
static void check_answers(void)
{
    fz_reader_t *r = fz_reader_new(false, check_answer, NULL);
    if (!fz_reader_feed(r, out, out_len))
        abort();
    fz_reader_free(r);
}

static bool owed(bool (*busy)(void))
{
    return busy != NULL && busy();
}

void fz_http_exchange(const uint8_t *data, size_t len, uint32_t seed, bool half_close,
                      bool (*busy)(void))
{
    int fd = fz_http_connect(0);
    out_len = 0;
    out_cut = false;
    uv_run(&loop, UV_RUN_NOWAIT); /* the accept */

    bool eof = false;
    size_t off = 0;
    unsigned stalled = 0;
    while (off < len && !eof && stalled < 200) {
        size_t piece = fz_piece(&seed, len - off);
        ssize_t w = send(fd, data + off, piece, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            off += (size_t)w;
            stalled = 0;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            stalled++;
        } else {
            break; /* the server closed: it has said what it had to */
        }
        uv_run(&loop, UV_RUN_NOWAIT);
        drain(fd, &eof);
    }
    if (half_close && !eof)
        shutdown(fd, SHUT_WR);
    /* Let the server answer what it has, until nothing more comes. */
    for (unsigned quiet = 0, i = 0; quiet < 4 && !eof && i < 100000; i++) {
        uv_run(&loop, UV_RUN_NOWAIT);
        if (drain(fd, &eof) > 0 || owed(busy))
            quiet = 0;
        else
            quiet++;
    }
    close(fd);
    /* The server must notice and close its side, and the harness must have
     * answered everything it took. */
    unsigned i;
    for (i = 0; i < 100000 && (pt_http_server_connections(server) > 0 || owed(busy)); i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    if (i == 100000) {
        fprintf(stderr,
                "fuzz: the server kept a connection after its client closed "
                "(%zu open)\n",
                pt_http_server_connections(server));
        abort();
    }
    /* A HEAD answer has no body though it says how long the GET's would
     * be: the reader would have to know which answers are to HEADs. */
    if (!out_cut && !memmem(data, len, "HEAD", 4))
        check_answers();
}

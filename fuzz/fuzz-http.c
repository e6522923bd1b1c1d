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

static void remove_socket(void)
{
    if (sock_path[0])
        unlink(sock_path);
}

pt_http_server_t *fz_http_start(const pt_http_limits_t *limits, pt_http_handler_cb handler,
                                void *ud)
{
    if (server)
        return server;
    if (uv_loop_init(&loop) != 0)
        abort();
    if (pt_http_server_new(&loop, limits, handler, ud, &server) != 0)
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

uv_loop_t *fz_http_loop(void)
{
    return &loop;
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

typedef struct {
    bool json, chunked;
    char field[32];
    size_t field_len;
    bool in_ct;
    char *body;
    size_t body_len, body_cap;
} answer_t;

static int on_a_begin(http_parser *p)
{
    answer_t *a = p->data;
    a->json = a->chunked = a->in_ct = false;
    a->field_len = 0;
    a->body_len = 0;
    return 0;
}

static int on_a_field(http_parser *p, const char *at, size_t len)
{
    answer_t *a = p->data;
    size_t n =
        len < sizeof(a->field) - 1 - a->field_len ? len : sizeof(a->field) - 1 - a->field_len;
    if (a->in_ct)
        a->field_len = 0; /* a new header after a value */
    a->in_ct = false;
    memcpy(a->field + a->field_len, at, n);
    a->field_len += n;
    a->field[a->field_len] = '\0';
    return 0;
}

static int on_a_value(http_parser *p, const char *at, size_t len)
{
    answer_t *a = p->data;
    a->in_ct = true;
    if (strcasecmp(a->field, "content-type") == 0 && len >= 16 &&
        strncmp(at, "application/json", 16) == 0)
        a->json = true;
    return 0;
}

static int on_a_headers(http_parser *p)
{
    answer_t *a = p->data;
    a->chunked = (p->flags & F_CHUNKED) != 0;
    return 0;
}

static int on_a_body(http_parser *p, const char *at, size_t len)
{
    answer_t *a = p->data;
    if (a->body_len + len > a->body_cap) {
        size_t cap = (a->body_len + len) * 2;
        char *b = realloc(a->body, cap);
        if (!b)
            abort();
        a->body = b;
        a->body_cap = cap;
    }
    memcpy(a->body + a->body_len, at, len);
    a->body_len += len;
    return 0;
}

static int on_a_complete(http_parser *p)
{
    answer_t *a = p->data;
    /* The server's own answers, errors included, and the harness's are
     * JSON objects; only the harness's streams carry other bytes. */
    if (a->json && !a->chunked) {
        pt_error_t err = {0};
        cJSON *j = pt_json_parse(a->body ? a->body : "", a->body_len, &err);
        if (!j) {
            fprintf(stderr, "fuzz: a %d answer's JSON body is not JSON (%s): %.*s\n",
                    p->status_code, err.message, (int)a->body_len, a->body ? a->body : "");
            abort();
        }
        cJSON_Delete(j);
        pt_error_clear(&err);
    }
    return 0;
}

/* Reads back every answer the connection carried: they must be HTTP, one
 * after another, whatever the request was. An answer cut short by a
 * closing connection is fine (an aborted stream ends so). */
static void check_answers(void)
{
    static const http_parser_settings settings = {
        .on_message_begin = on_a_begin,
        .on_header_field = on_a_field,
        .on_header_value = on_a_value,
        .on_headers_complete = on_a_headers,
        .on_body = on_a_body,
        .on_message_complete = on_a_complete,
    };
    answer_t a = {0};
    http_parser p;
    http_parser_init(&p, HTTP_RESPONSE);
    p.data = &a;
    size_t n = http_parser_execute(&p, &settings, out, out_len);
    enum http_errno e = HTTP_PARSER_ERRNO(&p);
    if (e != HPE_OK || (n != out_len && !p.upgrade)) {
        fprintf(stderr, "fuzz: the server's answers are not HTTP at byte %zu of %zu: %s\n%.*s\n", n,
                out_len, http_errno_description(e), (int)(out_len < 4000 ? out_len : 4000), out);
        abort();
    }
    free(a.body);
}

static bool owed(bool (*busy)(void))
{
    return busy != NULL && busy();
}

void fz_http_exchange(const uint8_t *data, size_t len, uint32_t seed, bool half_close,
                      bool (*busy)(void))
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        abort();
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror("fuzz: connect");
        abort();
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    out_len = 0;
    out_cut = false;
    uv_run(&loop, UV_RUN_NOWAIT); /* the accept */

    bool eof = false;
    size_t off = 0;
    unsigned stalled = 0;
    while (off < len && !eof && stalled < 200) {
        /* Mostly small pieces, sometimes large ones, now and then the rest. */
        uint32_t r = fz_rand(&seed);
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
            piece = len - off;
            break;
        }
        if (piece > len - off)
            piece = len - off;
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

/* pt-load: a load generator for ptrackd's durable write path.
 *
 * Each of N client threads holds one keep-alive HTTP/1.1 connection (loopback
 * TCP or the Unix socket), creates its own proposal, assigns and signs it, and
 * then runs the `supervise` action on it as fast as the server answers,
 * switching key supervision on and off. `supervise` keeps the state, so the
 * loop can run for ever, yet every call is a full durable write: the proposal,
 * a history entry and an event in one committed transaction. The figures are
 * therefore those of the group-commit writer, not of a cache.
 *
 * The HTTP client is written by hand on blocking sockets so that the tool needs
 * nothing but libc and pthreads, and so that its own overhead per request is a
 * single send() of a prebuilt request and one or two recv() calls. It speaks
 * only what ptrackd answers to these requests: a status line, headers and a
 * Content-Length body. */

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADER (64 * 1024)
#define MAX_BODY (64 * 1024 * 1024)
#define IO_TIMEOUT_S 30
#define ERROR_BODY_SHOWN 2000

/* Options and the target, set once by main before any thread starts and read
 * only afterwards, so the threads share them without locks. */
static struct {
    const char *url;
    const char *token;
    const char *socket_path;
    int clients;
    double duration;
    long long requests; /* > 0: stop after this many measured actions */
    double warmup;
    bool json;

    char host_header[300]; /* the Host header: host:port, or "localhost" */
    struct sockaddr_storage addr;
    socklen_t addr_len;
} opt = {
    .url = "http://127.0.0.1:8470",
    .clients = 50,
    .duration = 10,
    .warmup = 1,
};

/* The phase boundaries, in CLOCK_MONOTONIC nanoseconds. Main writes them
 * between the two start barriers; the barriers order that write before every
 * thread's read. */
static uint64_t measure_start_ns;
static uint64_t measure_end_ns; /* UINT64_MAX in --requests mode */
static pthread_barrier_t setup_done, go;

/* Tickets for --requests mode: a thread takes one before each measured action,
 * so the total is exact however the threads are scheduled. */
static atomic_llong tickets_taken;

/* Ctrl-C ends the run early and still prints what was measured. */
static volatile sig_atomic_t interrupted;

/* Only the first failing answer is printed: with 50 clients hitting the same
 * fault, one example says all that the other thousands would. */
static atomic_flag error_shown = ATOMIC_FLAG_INIT;

typedef struct {
    int index;
    int fd; /* -1 while disconnected */

    /* Received bytes. An answer is consumed from the front; bytes after it
     * (never expected, but possible) are kept for the next answer. */
    char *in;
    size_t in_len, in_cap;

    long long proposal_id;
    char *supervise_req[2]; /* the two prebuilt measured requests */
    size_t supervise_len[2];

    bool setup_ok;

    /* Results of the measured phase. */
    uint32_t *lat_us; /* latency of each successful action, microseconds */
    size_t lat_len, lat_cap;
    long long errors;
    uint64_t last_end_ns; /* completion time of the last recorded action */
} client_t;

/* The outcome of one request: either an HTTP answer (status >= 100) or a
 * transport failure (status 0) with a description in body. */
typedef struct {
    int status;
    const char *body; /* points into the client's buffer; valid until the next request */
    size_t body_len;
    char failure[160];
} answer_t;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("pt-load: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL)
        die("out of memory");
    return p;
}

/* Connecting */

/* Opens a connection to the target. Returns the socket, or -1 with errno set.
 * The receive and send timeouts turn a server that stops answering into an
 * error after IO_TIMEOUT_S instead of a thread that hangs for ever. */
static int open_connection(void)
{
    int fd = socket(opt.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {.tv_sec = IO_TIMEOUT_S};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (opt.addr.ss_family != AF_UNIX) {
        /* Each request is one small write followed by a wait for the answer;
         * Nagle's algorithm would hold the next request back for nothing. */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    int rc;
    do
        rc = connect(fd, (struct sockaddr *)&opt.addr, opt.addr_len);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static void disconnect(client_t *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->in_len = 0;
}

/* Parses --url into opt.addr. Accepts http://host:port, host:port and
 * [v6addr]:port, with or without a trailing path, which is ignored: every
 * request path is fixed by the tool. */
static void resolve_url(void)
{
    const char *u = opt.url;
    if (strncmp(u, "https://", 8) == 0)
        die("--url %s: TLS is not supported; ptrackd listens on plain HTTP on loopback", u);
    if (strncmp(u, "http://", 7) == 0)
        u += 7;
    size_t hostport_len = strcspn(u, "/");
    if (hostport_len == 0 || hostport_len >= sizeof opt.host_header)
        die("--url %s: expected http://HOST:PORT", opt.url);
    memcpy(opt.host_header, u, hostport_len);
    opt.host_header[hostport_len] = '\0';

    char host[256];
    const char *port = "8470";
    const char *hp = opt.host_header;
    if (hp[0] == '[') {
        const char *close_br = strchr(hp, ']');
        if (close_br == NULL || (size_t)(close_br - hp - 1) >= sizeof host)
            die("--url %s: unterminated IPv6 address", opt.url);
        memcpy(host, hp + 1, (size_t)(close_br - hp - 1));
        host[close_br - hp - 1] = '\0';
        if (close_br[1] == ':')
            port = close_br + 2;
        else if (close_br[1] != '\0')
            die("--url %s: expected ':' after the IPv6 address", opt.url);
    } else {
        const char *colon = strrchr(hp, ':');
        size_t n = colon ? (size_t)(colon - hp) : strlen(hp);
        if (n == 0 || n >= sizeof host)
            die("--url %s: missing host", opt.url);
        memcpy(host, hp, n);
        host[n] = '\0';
        if (colon)
            port = colon + 1;
    }

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0)
        die("--url %s: cannot resolve %s port %s: %s", opt.url, host, port, gai_strerror(rc));
    memcpy(&opt.addr, res->ai_addr, res->ai_addrlen);
    opt.addr_len = res->ai_addrlen;
    freeaddrinfo(res);
}

static void resolve_socket(void)
{
    struct sockaddr_un *sun = (struct sockaddr_un *)&opt.addr;
    if (strlen(opt.socket_path) >= sizeof sun->sun_path)
        die("--socket %s: the path is longer than a Unix socket address allows (%zu bytes)",
            opt.socket_path, sizeof sun->sun_path - 1);
    memset(&opt.addr, 0, sizeof opt.addr);
    sun->sun_family = AF_UNIX;
    strcpy(sun->sun_path, opt.socket_path);
    opt.addr_len = sizeof *sun;
    strcpy(opt.host_header, "localhost");
}

/* HTTP */

/* Builds a complete request in a fresh buffer that the caller frees. */
static char *build_request(const char *method, const char *path, const char *body, size_t *len)
{
    size_t body_len = body ? strlen(body) : 0;
    size_t cap = 512 + strlen(path) + body_len + (opt.token ? strlen(opt.token) : 0);
    char *r = xmalloc(cap);
    int n =
        snprintf(r, cap,
                 "%s %s HTTP/1.1\r\n"
                 "Host: %s\r\n"
                 "%s%s%s"
                 "Accept: application/json\r\n"
                 "Content-Type: application/json; charset=utf-8\r\n"
                 "Content-Length: %zu\r\n"
                 "\r\n"
                 "%s",
                 method, path, opt.host_header, opt.token ? "Authorization: Bearer " : "",
                 opt.token ? opt.token : "", opt.token ? "\r\n" : "", body_len, body ? body : "");
    if (n < 0 || (size_t)n >= cap)
        die("internal error: request buffer too small");
    *len = (size_t)n;
    return r;
}

/* Writes all of buf, resuming after short writes and EINTR. MSG_NOSIGNAL turns
 * a peer that has gone away into EPIPE here rather than a SIGPIPE that would
 * kill the whole run. Returns 0 or -1 with errno set. */
static int send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Makes room for at least need bytes in the client's buffer. */
static void reserve(client_t *c, size_t need)
{
    if (need <= c->in_cap)
        return;
    size_t cap = c->in_cap ? c->in_cap : 16384;
    while (cap < need)
        cap *= 2;
    char *p = realloc(c->in, cap);
    if (p == NULL)
        die("out of memory");
    c->in = p;
    c->in_cap = cap;
}

/* Reads more bytes into the client's buffer after making room for need bytes
 * in all. A single recv() may return less than asked for; the callers loop
 * until they have what they wait for. Returns the number of bytes read, 0 at
 * the end of the stream, or -1 with errno set (EAGAIN after the timeout). */
static ssize_t fill(client_t *c, size_t need)
{
    reserve(c, need > c->in_len ? need : c->in_len + 4096);
    for (;;) {
        ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0)
            c->in_len += (size_t)n;
        return n;
    }
}

/* Finds header `name` (case-insensitive) in the header block [h, end) and
 * returns its value with surrounding blanks trimmed, or NULL. */
static const char *header_value(const char *h, const char *end, const char *name, size_t *vlen)
{
    size_t nlen = strlen(name);
    while (h < end) {
        const char *eol = memmem(h, (size_t)(end - h), "\r\n", 2);
        if (eol == NULL)
            eol = end;
        if ((size_t)(eol - h) > nlen && h[nlen] == ':' && strncasecmp(h, name, nlen) == 0) {
            const char *v = h + nlen + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            const char *ve = eol;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            *vlen = (size_t)(ve - v);
            return v;
        }
        h = eol + 2;
    }
    return NULL;
}

/* Whether a comma-separated header value holds `token`, case-insensitively. */
static bool has_token(const char *v, size_t vlen, const char *token)
{
    size_t tlen = strlen(token);
    const char *end = v + vlen;
    while (v < end) {
        while (v < end && (*v == ' ' || *v == '\t' || *v == ','))
            v++;
        const char *t = v;
        while (v < end && *v != ',')
            v++;
        const char *te = v;
        while (te > t && (te[-1] == ' ' || te[-1] == '\t'))
            te--;
        if ((size_t)(te - t) == tlen && strncasecmp(t, token, tlen) == 0)
            return true;
    }
    return false;
}

static void transport_failure(client_t *c, answer_t *a, const char *what, int err)
{
    a->status = 0;
    a->body = NULL;
    a->body_len = 0;
    if (err)
        snprintf(a->failure, sizeof a->failure, "%s: %s", what, strerror(err));
    else
        snprintf(a->failure, sizeof a->failure, "%s", what);
    disconnect(c);
}

/* Sends one request on the client's connection, connecting first if needed,
 * and reads the answer. A broken connection is closed, so that the next
 * request reconnects; the caller counts the failure. The answer's body stays
 * in the client's buffer until the next call. */
static void roundtrip(client_t *c, const char *req, size_t req_len, answer_t *a)
{
    if (c->fd < 0) {
        c->fd = open_connection();
        if (c->fd < 0) {
            transport_failure(c, a, "cannot connect", errno);
            return;
        }
    }
    if (send_all(c->fd, req, req_len) < 0) {
        transport_failure(c, a, "sending the request", errno);
        return;
    }

    for (;;) {
        /* Read until the header block is complete. */
        const char *hend;
        while ((hend = c->in_len ? memmem(c->in, c->in_len, "\r\n\r\n", 4) : NULL) == NULL) {
            if (c->in_len >= MAX_HEADER) {
                transport_failure(c, a, "the answer's header is larger than 64 KiB", 0);
                return;
            }
            ssize_t n = fill(c, c->in_len + 4096);
            if (n == 0) {
                transport_failure(c, a, "the server closed the connection", 0);
                return;
            }
            if (n < 0) {
                transport_failure(c, a, "reading the answer", errno == EAGAIN ? ETIMEDOUT : errno);
                return;
            }
        }
        size_t head_len = (size_t)(hend - c->in) + 4;

        /* Status line: HTTP/1.x NNN reason */
        int status = 0;
        if (head_len < 12 || memcmp(c->in, "HTTP/1.", 7) != 0 || c->in[8] != ' ' ||
            c->in[9] < '1' || c->in[9] > '5' || c->in[10] < '0' || c->in[10] > '9' ||
            c->in[11] < '0' || c->in[11] > '9') {
            transport_failure(c, a, "the answer does not start with an HTTP/1.x status line", 0);
            return;
        }
        status = (c->in[9] - '0') * 100 + (c->in[10] - '0') * 10 + (c->in[11] - '0');
        bool http10 = c->in[7] == '0';
        const char *headers = memmem(c->in, head_len, "\r\n", 2) + 2;
        const char *headers_end = c->in + head_len - 2;

        /* An interim answer (100 Continue) is followed by the real one. */
        if (status < 200) {
            memmove(c->in, c->in + head_len, c->in_len - head_len);
            c->in_len -= head_len;
            continue;
        }

        size_t vlen;
        const char *v = header_value(headers, headers_end, "Transfer-Encoding", &vlen);
        if (v != NULL && !has_token(v, vlen, "identity")) {
            transport_failure(c, a,
                              "the answer uses chunked transfer encoding, which pt-load does "
                              "not read (the action routes answer with Content-Length)",
                              0);
            return;
        }
        bool close_after = http10;
        v = header_value(headers, headers_end, "Connection", &vlen);
        if (v != NULL) {
            if (has_token(v, vlen, "close"))
                close_after = true;
            else if (has_token(v, vlen, "keep-alive"))
                close_after = false;
        }

        /* Without a Content-Length (and not 204/304) the body runs to the end
         * of the stream, after which the connection cannot be reused. */
        long long body_len = -1;
        v = header_value(headers, headers_end, "Content-Length", &vlen);
        if (status == 204 || status == 304) {
            body_len = 0;
        } else if (v != NULL) {
            char num[24];
            char *endp;
            if (vlen == 0 || vlen >= sizeof num) {
                transport_failure(c, a, "the answer has an invalid Content-Length", 0);
                return;
            }
            memcpy(num, v, vlen);
            num[vlen] = '\0';
            errno = 0;
            body_len = strtoll(num, &endp, 10);
            if (errno != 0 || *endp != '\0' || body_len < 0 || num[0] == '-' || num[0] == '+') {
                transport_failure(c, a, "the answer has an invalid Content-Length", 0);
                return;
            }
            if (body_len > MAX_BODY) {
                transport_failure(c, a, "the answer's body is larger than 64 MiB", 0);
                return;
            }
        } else {
            close_after = true;
        }

        if (body_len >= 0) {
            size_t total = head_len + (size_t)body_len;
            while (c->in_len < total) {
                ssize_t n = fill(c, total);
                if (n == 0) {
                    transport_failure(c, a, "the server closed the connection mid-answer", 0);
                    return;
                }
                if (n < 0) {
                    transport_failure(c, a, "reading the answer",
                                      errno == EAGAIN ? ETIMEDOUT : errno);
                    return;
                }
            }
        } else {
            for (;;) {
                if (c->in_len - head_len > MAX_BODY) {
                    transport_failure(c, a, "the answer's body is larger than 64 MiB", 0);
                    return;
                }
                ssize_t n = fill(c, c->in_len + 16384);
                if (n == 0)
                    break;
                if (n < 0) {
                    transport_failure(c, a, "reading the answer",
                                      errno == EAGAIN ? ETIMEDOUT : errno);
                    return;
                }
            }
            body_len = (long long)(c->in_len - head_len);
        }

        a->status = status;
        a->failure[0] = '\0';

        /* Bytes after the answer would be an answer to a request not yet
         * sent: the stream is out of step, and only a fresh connection can
         * be trusted. ptrackd never sends them, so this costs nothing. */
        size_t rest = c->in_len - head_len - (size_t)body_len;
        if (rest > 0)
            close_after = true;

        /* Move the body to the front of the buffer, followed by a NUL that
         * makes it a C string for the id scanner and for printing. It stays
         * there until the next request, which starts from an empty buffer. */
        reserve(c, (size_t)body_len + head_len + 1);
        memmove(c->in, c->in + head_len, (size_t)body_len);
        c->in[body_len] = '\0';
        c->in_len = 0;
        a->body = c->in;
        a->body_len = (size_t)body_len;
        if (close_after) {
            close(c->fd);
            c->fd = -1;
        }
        return;
    }
}

static void show_error_once(const char *what, const answer_t *a)
{
    if (atomic_flag_test_and_set(&error_shown))
        return;
    if (a->status == 0) {
        fprintf(stderr, "pt-load: first error (%s): %s\n", what, a->failure);
    } else {
        int n = a->body_len > ERROR_BODY_SHOWN ? ERROR_BODY_SHOWN : (int)a->body_len;
        fprintf(stderr, "pt-load: first error (%s): HTTP %d: %.*s%s\n", what, a->status, n, a->body,
                a->body_len > ERROR_BODY_SHOWN ? "..." : "");
    }
}

/* Finds the value of the top-level "id" member of a JSON object. The scan
 * tracks nesting and strings so that an "id" inside a nested object (a unit, a
 * reply) or inside a title can never be taken for the proposal's. Returns the
 * id, or -1 when there is none. */
static long long top_level_id(const char *s)
{
    int depth = 0;
    bool expect_key = false;
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '{':
            depth++;
            expect_key = depth == 1;
            break;
        case '[':
            depth++;
            break;
        case '}':
        case ']':
            depth--;
            break;
        case ',':
            expect_key = depth == 1;
            break;
        case '"': {
            const char *start = p + 1;
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p == '\0')
                return -1;
            if (expect_key && p - start == 2 && memcmp(start, "id", 2) == 0) {
                const char *q = p + 1;
                while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
                    q++;
                if (*q != ':')
                    return -1;
                q++;
                while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
                    q++;
                char *endp;
                errno = 0;
                long long id = strtoll(q, &endp, 10);
                return endp == q || errno != 0 || id <= 0 ? -1 : id;
            }
            expect_key = false;
            break;
        }
        default:
            break;
        }
    }
    return -1;
}

/* The client threads */

/* Runs one setup request and reports whether it succeeded with a 2xx. */
static bool setup_step(client_t *c, const char *what, const char *path, const char *body,
                       answer_t *a)
{
    size_t len;
    char *req = build_request("POST", path, body, &len);
    roundtrip(c, req, len, a);
    free(req);
    if (a->status >= 200 && a->status < 300)
        return true;
    show_error_once(what, a);
    return false;
}

/* Creates, assigns and signs the client's proposal, leaving it in `handling`,
 * where `supervise` is allowed, and prebuilds the two measured requests. */
static bool setup(client_t *c)
{
    answer_t a;
    char body[256], path[128];

    snprintf(body, sizeof body, "{\"title\":\"压测建议 %d\",\"delegation\":\"山西代表团\"}",
             c->index + 1);
    if (!setup_step(c, "setup: create the proposal", "/v1/proposals", body, &a))
        return false;
    c->proposal_id = top_level_id(a.body);
    if (c->proposal_id < 0) {
        snprintf(a.failure, sizeof a.failure,
                 "the create answer (HTTP %d) has no top-level \"id\" member", a.status);
        a.status = 0;
        show_error_once("setup: create the proposal", &a);
        return false;
    }

    snprintf(path, sizeof path, "/v1/proposals/%lld/actions/assign", c->proposal_id);
    if (!setup_step(
            c, "setup: assign", path,
            "{\"mode\":\"single\",\"units\":[{\"name\":\"省交通运输厅\",\"role\":\"lead\"}]}", &a))
        return false;
    snprintf(path, sizeof path, "/v1/proposals/%lld/actions/sign", c->proposal_id);
    if (!setup_step(c, "setup: sign", path, "{\"unit\":\"省交通运输厅\"}", &a))
        return false;

    snprintf(path, sizeof path, "/v1/proposals/%lld/actions/supervise", c->proposal_id);
    c->supervise_req[0] = build_request(
        "POST", path, "{\"key_supervision\":true,\"supervisor\":\"督办员\"}", &c->supervise_len[0]);
    c->supervise_req[1] =
        build_request("POST", path, "{\"key_supervision\":false}", &c->supervise_len[1]);
    return true;
}

static void record_latency(client_t *c, uint64_t ns)
{
    if (c->lat_len == c->lat_cap) {
        c->lat_cap = c->lat_cap ? c->lat_cap * 2 : 65536;
        uint32_t *p = realloc(c->lat_us, c->lat_cap * sizeof *p);
        if (p == NULL)
            die("out of memory");
        c->lat_us = p;
    }
    uint64_t us = ns / 1000;
    c->lat_us[c->lat_len++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static void *client_main(void *arg)
{
    client_t *c = arg;
    c->setup_ok = setup(c);
    pthread_barrier_wait(&setup_done);
    pthread_barrier_wait(&go);
    if (!c->setup_ok)
        return NULL;

    unsigned which = 0;
    while (!interrupted) {
        uint64_t start = now_ns();
        if (start >= measure_end_ns)
            break;
        bool measured = start >= measure_start_ns;
        /* In --requests mode a measured action needs a ticket; when they are
         * gone the run is over for every thread. */
        if (measured && opt.requests > 0 && atomic_fetch_add(&tickets_taken, 1) >= opt.requests)
            break;

        answer_t a;
        roundtrip(c, c->supervise_req[which], c->supervise_len[which], &a);
        which ^= 1;
        uint64_t end = now_ns();
        bool ok = a.status >= 200 && a.status < 300;
        if (!ok) {
            show_error_once("supervise", &a);
            /* Reconnecting to a server that refuses would spin: pause so
             * that the error count stays a measure of failures, not of how
             * fast the loop can fail. */
            if (a.status == 0)
                nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
        }

        /* In --duration mode an action belongs to the window only if it both
         * started and finished inside it, so that actions/s is the count over
         * exactly the window's length. */
        if (!measured || end > measure_end_ns)
            continue;
        if (ok) {
            record_latency(c, end - start);
        } else {
            c->errors++;
        }
        c->last_end_ns = end;
    }
    disconnect(c);
    return NULL;
}

/* Reporting */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples, in milliseconds. */
static double percentile_ms(const uint32_t *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1] / 1000.0;
}

static void free_clients(client_t *clients, int n)
{
    for (int i = 0; i < n; i++) {
        free(clients[i].in);
        free(clients[i].lat_us);
        free(clients[i].supervise_req[0]);
        free(clients[i].supervise_req[1]);
    }
    free(clients);
}

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void usage(FILE *f)
{
    fputs("usage: pt-load [options]\n"
          "Drives ptrackd with keep-alive clients that each run the durable `supervise`\n"
          "action on their own proposal, and prints actions/s and latency percentiles.\n"
          "\n"
          "  --url URL        ptrackd's TCP listener (default http://127.0.0.1:8470)\n"
          "  --token T        send Authorization: Bearer T (TCP needs a clerk token)\n"
          "  --socket PATH    use the Unix socket at PATH instead of TCP\n"
          "  --clients N      concurrent connections, one thread each (default 50)\n"
          "  --duration S     measured seconds (default 10)\n"
          "  --requests N     measure exactly N actions instead of a duration\n"
          "  --warmup S       seconds of unmeasured load before measuring (default 1)\n"
          "  --json           print one JSON line instead of the table\n"
          "  -h, --help       this text\n"
          "\n"
          "Exit status: 0 when some actions succeeded, 1 when the server is unreachable,\n"
          "setup failed on every client or every measured action failed, 2 on bad usage.\n",
          f);
}

static double parse_number(const char *name, const char *s, double min)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= min) || v > 1e9) {
        fprintf(stderr, "pt-load: %s %s: expected a number >= %g\n", name, s, min);
        exit(2);
    }
    return v;
}

static void parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(a, "--json") == 0) {
            opt.json = true;
            continue;
        }
        /* Every other option takes a value, as the next word or after '='. */
        const char *val = NULL;
        char name[32];
        const char *eq = strchr(a, '=');
        if (strncmp(a, "--", 2) == 0 && eq != NULL && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", a);
            if (i + 1 < argc)
                val = argv[++i];
        }
        bool known = strcmp(name, "--url") == 0 || strcmp(name, "--token") == 0 ||
                     strcmp(name, "--socket") == 0 || strcmp(name, "--clients") == 0 ||
                     strcmp(name, "--duration") == 0 || strcmp(name, "--requests") == 0 ||
                     strcmp(name, "--warmup") == 0;
        if (!known) {
            fprintf(stderr, "pt-load: unknown option %s\n", a);
            usage(stderr);
            exit(2);
        }
        if (val == NULL) {
            fprintf(stderr, "pt-load: %s needs a value\n", name);
            exit(2);
        }
        if (strcmp(name, "--url") == 0)
            opt.url = val;
        else if (strcmp(name, "--token") == 0)
            opt.token = val;
        else if (strcmp(name, "--socket") == 0)
            opt.socket_path = val;
        else if (strcmp(name, "--clients") == 0)
            opt.clients = (int)parse_number(name, val, 1);
        else if (strcmp(name, "--duration") == 0)
            opt.duration = parse_number(name, val, 0.001);
        else if (strcmp(name, "--requests") == 0)
            opt.requests = (long long)parse_number(name, val, 1);
        else
            opt.warmup = parse_number(name, val, 0);
    }
    if (opt.clients > 10000) {
        fprintf(stderr, "pt-load: --clients %d: at most 10000\n", opt.clients);
        exit(2);
    }
    if (opt.token != NULL && strpbrk(opt.token, "\r\n") != NULL) {
        fprintf(stderr, "pt-load: --token must not contain line breaks\n");
        exit(2);
    }
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    if (opt.socket_path)
        resolve_socket();
    else
        resolve_url();
    const char *target = opt.socket_path ? opt.socket_path : opt.host_header;

    /* Fail early and plainly when nothing listens, before starting threads
     * that would each report the same refusal. */
    int probe = open_connection();
    if (probe < 0)
        die("cannot connect to %s: %s (is ptrackd running%s?)", target, strerror(errno),
            opt.socket_path ? "" : " with a TCP listener");
    close(probe);

    /* The handler only sets a flag; without SA_RESTART a blocked recv returns
     * EINTR, which the I/O loops retry, so the current request finishes. */
    struct sigaction sa = {.sa_handler = on_interrupt};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int n = opt.clients;
    client_t *clients = calloc((size_t)n, sizeof *clients);
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    if (clients == NULL || threads == NULL)
        die("out of memory");
    if (pthread_barrier_init(&setup_done, NULL, (unsigned)n + 1) != 0 ||
        pthread_barrier_init(&go, NULL, (unsigned)n + 1) != 0)
        die("cannot create barriers");

    /* Small stacks: the threads need little, and a thousand default 8 MiB
     * stacks would reserve address space for nothing. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    uint64_t setup_start = now_ns();
    for (int i = 0; i < n; i++) {
        clients[i].index = i;
        clients[i].fd = -1;
        int rc = pthread_create(&threads[i], &attr, client_main, &clients[i]);
        if (rc != 0)
            die("cannot start client thread %d of %d: %s", i + 1, n, strerror(rc));
    }
    pthread_attr_destroy(&attr);

    pthread_barrier_wait(&setup_done);
    double setup_s = (double)(now_ns() - setup_start) / 1e9;
    int ready = 0;
    for (int i = 0; i < n; i++)
        ready += clients[i].setup_ok;
    measure_start_ns = now_ns() + (uint64_t)(opt.warmup * 1e9);
    measure_end_ns =
        opt.requests > 0 ? UINT64_MAX : measure_start_ns + (uint64_t)(opt.duration * 1e9);
    pthread_barrier_wait(&go);

    if (ready == 0) {
        for (int i = 0; i < n; i++)
            pthread_join(threads[i], NULL);
        fprintf(stderr, "pt-load: setup failed on all %d clients; see the first error above\n", n);
        free_clients(clients, n);
        free(threads);
        return 1;
    }
    if (ready < n)
        fprintf(stderr, "pt-load: setup failed on %d of %d clients; measuring with %d\n", n - ready,
                n, ready);
    if (!opt.json)
        fprintf(stderr, "pt-load: %d clients ready after %.2f s of setup; warming up %.1f s\n",
                ready, setup_s, opt.warmup);

    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);

    /* Gather the measured phase. */
    size_t total = 0;
    long long errors = 0;
    uint64_t last_end = measure_start_ns;
    for (int i = 0; i < n; i++) {
        total += clients[i].lat_len;
        errors += clients[i].errors;
        if (clients[i].last_end_ns > last_end)
            last_end = clients[i].last_end_ns;
    }
    uint32_t *all = xmalloc((total ? total : 1) * sizeof *all);
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        memcpy(all + k, clients[i].lat_us, clients[i].lat_len * sizeof *all);
        k += clients[i].lat_len;
    }
    qsort(all, total, sizeof *all, cmp_u32);

    /* A full --duration window is exactly its length; a --requests run or an
     * interrupted one lasts until its last action completed. */
    double elapsed;
    if (opt.requests == 0 && !interrupted)
        elapsed = opt.duration;
    else
        elapsed = (double)(last_end - measure_start_ns) / 1e9;
    double rate = elapsed > 0 ? (double)total / elapsed : 0;
    double p50 = percentile_ms(all, total, 50), p90 = percentile_ms(all, total, 90);
    double p99 = percentile_ms(all, total, 99), max = total ? all[total - 1] / 1000.0 : 0;

    if (opt.json) {
        printf("{\"transport\":\"%s\",\"clients\":%d,\"duration_s\":%.3f,\"actions\":%zu,"
               "\"errors\":%lld,\"actions_per_s\":%.1f,\"latency_ms\":{\"p50\":%.3f,"
               "\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},\"interrupted\":%s}\n",
               opt.socket_path ? "unix" : "tcp", ready, elapsed, total, errors, rate, p50, p90, p99,
               max, interrupted ? "true" : "false");
    } else {
        printf("target       %s %s\n", opt.socket_path ? "unix" : "tcp", target);
        printf("clients      %d\n", ready);
        printf("duration     %.2f s%s\n", elapsed, interrupted ? " (interrupted)" : "");
        printf("actions      %zu\n", total);
        printf("errors       %lld\n", errors);
        printf("actions/s    %.1f\n", rate);
        printf("latency ms   p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", p50, p90, p99, max);
    }
    fflush(stdout);

    free(all);
    free_clients(clients, n);
    free(threads);
    pthread_barrier_destroy(&setup_done);
    pthread_barrier_destroy(&go);

    if (total == 0) {
        fprintf(stderr, "pt-load: no measured action succeeded (%lld errors)\n", errors);
        return 1;
    }
    return 0;
}

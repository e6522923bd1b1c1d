/*
 * fuzz_api.c - requests from clients of every role, into the whole API:
 * core/api*.c's routing, access and handlers, over a real SQLite store
 * (its writer thread, reads on the thread pool), the default workflow, and
 * the built-in import and export plugins run as jobs, as ptrackd serves
 * them (the deadline engine aside: its events come by the clock, and the
 * harness counts the events that the requests commit).
 *
 * Input: requests one after another, separated by a line "~~~":
 *
 *   c POST /v1/proposals/1/actions/assign
 *   If-Match: "2"
 *
 *   {"mode":"single","units":[{"name":"交通运输部","role":"lead"}]}
 *   ~~~
 *   u GET /v1/proposals?status=assigned&q=高铁
 *
 * The first line's first character is who asks: a admin on the Unix
 * socket (the daemon's uid); on TCP with a token A admin, c clerk,
 * v viewer, u unit 交通运输部, w unit 教育部, d delegate 李国华; n no token,
 * x a token nobody has, h the clerk's token under a Host that is not the
 * server's; anything else is a: then the method and the target (bytes a
 * request target cannot hold raw are percent-encoded, as clients do). The
 * lines up to an empty one are more headers, sent as they are; the rest is
 * the body. The harness adds Host, Authorization, a Content-Length of the
 * body (unless the headers give one or Transfer-Encoding) and, for a body
 * without Content-Type, application/json. Each request has a connection of
 * its own; how its bytes are cut into reads follows from a hash of it.
 * A '+' instead of the space after the role ("c+ POST ...") sends the
 * request together with the next one (up to 8 at once), so that they reach
 * the store's writer together and share a commit. A '-' there ("c- POST
 * ...") makes the client leave as soon as it has sent the request, as one
 * that gives up does: the server must let go of the request (a job stops,
 * a write is still made or not, whole).
 *
 * Each input gets a fresh store in /dev/shm, so that whatever an input
 * finds, it finds again alone; the plugin registry lives as long as the
 * process (libFuzzer must keep the plugins' code mapped) and is set back
 * to the built-in instances after each input. Every answer must be HTTP; every error
 * answer a JSON {"error": {code, message}} with one of the stable
 * codes of docs/api.md and that code's status; no answer a 5xx (the store is healthy and
 * has room, so nothing but bad input or a bug can fail), but a 501 to a
 * method the server does not know; and the events
 * committed must be those the answers tell of: one for each create, action
 * and delete accepted, none for a refusal. A request that gets no answer in
 * several seconds, or a connection the server keeps after its client
 * closed, is a finding too. GET /v1/events may wait (a long poll, a
 * stream): its client leaves after a moment, as clients do.
 *
 * FZ_API_TRACE=1 in the environment prints each request with its answer's
 * status (0: none came), to see what a corpus file reaches.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "fuzz-http.h"
#include "json-strict.h"
#include "log.h"
#include "plugin-jobs.h"
#include "plugins.h"

#ifndef FZ_PLUGIN_DIR
#error "FZ_PLUGIN_DIR must name the directory of the built-in plugins"
#endif

/* The built-in formats, in the order of their names as ptrackd loads them;
 * the notifiers are left out, so that no request can make the harness run
 * a command or reach the network. */
static const char *const plugin_names[] = {
    "export_csv", "export_ics",     "export_json", "export_report", "export_xlsx",
    "import_csv", "import_decidim", "import_json", "import_text",
};
#define N_PLUGINS (sizeof(plugin_names) / sizeof(plugin_names[0]))

/* sha256 of "fz-admin", "fz-clerk", ... */
static const char config_json[] =
    "{\"tokens\": ["
    "{\"name\": \"管理员\", \"role\": \"admin\", \"sha256\": "
    "\"e48de952c0cc5fac0a5a4ba3704cc92cc26c934daeb95c5a37461a85afbabb58\"},"
    "{\"name\": \"办公厅王芳\", \"role\": \"clerk\", \"sha256\": "
    "\"536033bdd88dfd3d1dfd739d994906b75d3424cb20972d130f83e0723deec86e\"},"
    "{\"name\": \"viewer\", \"role\": \"viewer\", \"sha256\": "
    "\"9b0e402aec2e655e1199efecc57cb6dfec39313ea48dd89f4b065dbb0d1412c2\"},"
    "{\"name\": \"交通运输部\", \"role\": \"unit\", \"unit\": \"交通运输部\", \"sha256\": "
    "\"ee68e8161042988498bb7f4369b5c1d1f5202e9fec0d1bdec6b437ba0689dabe\"},"
    "{\"name\": \"教育部\", \"role\": \"unit\", \"unit\": \"教育部\", \"sha256\": "
    "\"1c7c9443c912d6f18b68637a4fa6a7965e092156e70576461d397a7c94949151\"},"
    "{\"name\": \"李国华\", \"role\": \"delegate\", \"person\": \"李国华\", \"sha256\": "
    "\"68003579aff01b0ff3ed15026127171f2be3476bbb219dba68955f7ffcd0fdb5\"}],"
    "\"categories\": [\"交通运输\", \"教育\", \"医疗卫生\", \"农业农村\"],"
    "\"host_names\": [\"ptrack.example.org\"],"
    "\"limits\": {\"body\": \"4KiB\", \"header\": \"4KiB\"}}";

#define MAX_REQUESTS 32
#define MAX_GROUP 8    /* requests sent together */
#define ANSWER_MS 8000 /* a request unanswered this long hangs */
#define FEED_MS 30     /* how long a client of the change feed stays */

static pt_config_t config;
static bool trace; /* FZ_API_TRACE set: each request and its status on stderr */
static pt_workflow_t *wf;
static pt_http_server_t *srv;
static int tcp_port;
static char dir[64], db[96], plugin_dir[96];
/* One registry for the process: a plugin's code must stay loaded, since
 * libFuzzer keeps counting coverage in it. Each input leaves it as it
 * found it (the built-in instances, nothing else). */
static pt_plugins_t *plugins;

/* The world of one input. */
static pt_store_t *store;
static pt_api_t *api;

/* ---- The server's callbacks, to the API of the input ------------------ */

static void handle(pt_http_request_t *req, void *ud)
{
    (void)ud;
    pt_api_handle(req, api);
}

static int head_check(const pt_http_request_t *req, void *ud, const char **code, char *msg,
                      size_t len)
{
    (void)ud;
    return pt_api_head_check(req, api, code, msg, len);
}

/* ---- The world --------------------------------------------------------- */

static void run_loop_until(bool (*done)(void), unsigned ms, const char *what)
{
    uint64_t end = uv_hrtime() + (uint64_t)ms * 1000000u;
    while (!done()) {
        if (uv_hrtime() > end) {
            fprintf(stderr, "fuzz: %s after %u ms\n", what, ms);
            abort();
        }
        uv_run(fz_http_loop(), UV_RUN_NOWAIT);
        usleep(50);
    }
}

static bool no_connections(void)
{
    return pt_http_server_connections(srv) == 0;
}

static bool no_jobs(void)
{
    return pt_jobs_running() == 0;
}

static bool no_reads(void)
{
    return pt_store_reads_in_flight(store) == 0;
}

/* The built-in instances, in name order as ptrackd loads them. */
static void load_builtins(void)
{
    for (size_t i = 0; i < N_PLUGINS; i++) {
        pt_error_t err = {0};
        char file[64];
        snprintf(file, sizeof(file), "%s.so", plugin_names[i]);
        cJSON *entry = cJSON_CreateObject();
        cJSON_AddStringToObject(entry, "instance", plugin_names[i]);
        cJSON_AddStringToObject(entry, "path", file);
        if (pt_plugins_load_builtin(plugins, entry, &err) != PT_OK) {
            fprintf(stderr, "fuzz: %s: %s\n", plugin_names[i], err.message);
            abort();
        }
        cJSON_Delete(entry);
    }
}

/* The process's directory in /dev/shm: its store and its plugins' copies. */
static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: cannot remove %s\n", dir);
}

static void init_once(void)
{
    pt_log_set_level(PT_LOG_ERROR);
    trace = getenv("FZ_API_TRACE") != NULL;
    pt_error_t err = {0};
    pt_config_init(&config);
    if (pt_config_load_json(&config, config_json, sizeof(config_json) - 1, &err) != PT_OK) {
        fprintf(stderr, "fuzz: config: %s\n", err.message);
        abort();
    }
    pt_config_finish(&config);
    if (pt_workflow_load_default(&wf, &err) != PT_OK)
        abort();
    snprintf(dir, sizeof(dir), "/dev/shm/ptrack-fuzz-api-%ld", (long)getpid());
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        abort();
    atexit(remove_dir);
    snprintf(db, sizeof(db), "%s/ptrack.db", dir);
    /* The format plugins alone in a directory of their own: POST
     * /v1/plugins may name any file there. */
    snprintf(plugin_dir, sizeof(plugin_dir), "%s/plugins", dir);
    if (mkdir(plugin_dir, 0700) != 0 && errno != EEXIST)
        abort();
    for (size_t i = 0; i < N_PLUGINS; i++) {
        char cmd[1024];
        snprintf(cmd, sizeof(cmd), "cp %s/%s.so %s/", FZ_PLUGIN_DIR, plugin_names[i], plugin_dir);
        if (system(cmd) != 0)
            abort();
    }
    pt_plugins_options_t po = {.loop = fz_http_loop(), .workflow = wf, .plugin_dir = plugin_dir};
    if (pt_plugins_new(&po, &plugins) != PT_OK)
        abort();
    load_builtins();
    /* A reference of the harness's own to each file: unloading its last
     * instance must not unload the code. */
    for (size_t i = 0; i < N_PLUGINS; i++)
        pt_plugins_find(plugins, plugin_names[i])->file->refs++;
    srv = fz_http_start(&config.limits, handle, NULL);
    pt_http_server_set_body_stream(srv, pt_api_wants_body_stream, NULL, PT_IMPORT_MAX_BODY);
    pt_http_server_set_head_check(srv, head_check, NULL);
    if (pt_http_server_listen_tcp(srv, "127.0.0.1:0") != 0)
        abort();
    tcp_port = pt_http_server_tcp_port(srv);
}

/* Each input starts from an empty store: the database, its WAL, and the
 * change feed's mark beside it (ptrack.seq), which would otherwise make
 * the next store a restored one whose feed starts after this input's. */
static void remove_db(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char f[128];
        snprintf(f, sizeof(f), "%s%s", db, suffixes[i]);
        unlink(f);
    }
    char mark[128];
    snprintf(mark, sizeof(mark), "%s/ptrack.seq", dir);
    unlink(mark);
}

static void world_open(void)
{
    remove_db();
    pt_error_t err = {0};
    pt_store_options_t so = {
        .path = db,
        .workflow = wf,
        .deadlines = config.deadlines,
        .validate = {.categories = (const char *const *)config.categories,
                     .n_categories = config.n_categories},
    };
    if (pt_store_open(fz_http_loop(), &so, &store, &err) != PT_OK) {
        fprintf(stderr, "fuzz: store: %s\n", err.message);
        abort();
    }
    pt_api_options_t ao = {.loop = fz_http_loop(),
                           .store = store,
                           .workflow = wf,
                           .config = &config,
                           .plugins = plugins};
    if (pt_api_new(&ao, &api) != PT_OK)
        abort();
}

/* As ptrackd stops once every request is answered. */
static void world_close(void)
{
    run_loop_until(no_jobs, ANSWER_MS, "a job still runs after its client left");
    /* As ptrackd waits for the reads of clients that have gone. */
    run_loop_until(no_reads, ANSWER_MS, "a read still runs after its client left");
    pt_api_shutdown(api);
    pt_api_tokens_flush(api);
    pt_store_close(store);
    pt_api_free(api);
    for (int i = 0; i < 4; i++)
        uv_run(fz_http_loop(), UV_RUN_NOWAIT);
    store = NULL;
    api = NULL;
    /* Back to the built-in instances alone. */
    cJSON *list = pt_plugins_list(plugins);
    const cJSON *inst;
    cJSON_ArrayForEach(inst, list)
    {
        pt_error_t err = {0};
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(inst, "instance");
        if (pt_plugins_unload(plugins, name->valuestring, 0, &err) != PT_OK) {
            fprintf(stderr, "fuzz: cannot unload %s: %s\n", name->valuestring, err.message);
            abort();
        }
    }
    cJSON_Delete(list);
    load_builtins();
}

/* ---- The answers ------------------------------------------------------- */

typedef struct {
    const char *what; /* the request line, for messages */
    bool head;        /* to HEAD: no body */
    bool seen;        /* a final answer came */
    int status;
    char excerpt[200]; /* of its body, for the trace */
} outcome_t;

/* The status of a stable error code; 0 for a code docs/api.md does not
 * name (internal_error, config_error are bugs in an answer). */
static int code_status(const char *code)
{
    static const char *const codes[] = {
        "invalid_json",           "validation_failed",    "not_found",     "invalid_transition",
        "version_conflict",       "unauthorized",         "forbidden",     "payload_too_large",
        "unsupported_media_type", "idempotency_conflict", "storage_error", "bad_request",
        "headers_too_large",      "method_not_allowed",   "conflict",      "shutting_down",
        "plugin_error",
    };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (strcmp(code, codes[i]) != 0)
            continue;
        for (int c = PT_EINVALID_JSON; c >= PT_EPLUGIN; c--)
            if (strcmp(pt_strerror(c), code) == 0)
                return pt_error_http_status(c);
    }
    /* The HTTP layer's own, which no PT_E* code stands for. */
    if (strcmp(code, "not_implemented") == 0)
        return 501;
    return 0;
}

static void check_error(const fz_answer_t *a, const outcome_t *o)
{
    if (!a->json) {
        fprintf(stderr, "fuzz: %s: a %d answer of type \"%s\", not JSON: %.300s\n", o->what,
                a->status, a->type, a->body);
        abort();
    }
    fz_check_json_body(a);
    cJSON *j = cJSON_ParseWithLength(a->body, a->body_len);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
    if (!cJSON_IsString(code) || !cJSON_IsString(msg) || !msg->valuestring[0]) {
        fprintf(stderr, "fuzz: %s: a %d answer without error.code and error.message: %.300s\n",
                o->what, a->status, a->body);
        abort();
    }
    int want = code_status(code->valuestring);
    if (want != a->status) {
        fprintf(stderr, "fuzz: %s: a %d answer with the code \"%s\" (%s): %.300s\n", o->what,
                a->status, code->valuestring, want ? "another status's" : "not a stable code",
                a->body);
        abort();
    }
    cJSON_Delete(j);
}

static void on_answer(const fz_answer_t *a, void *ud)
{
    outcome_t *o = ud;
    if (a->status < 200 || o->seen)
        return;
    o->seen = true;
    o->status = a->status;
    snprintf(o->excerpt, sizeof(o->excerpt), "%s", a->body);
    if (o->head)
        return; /* what a HEAD answer says is its GET's (or its error's) */
    /* 501 not_implemented is the answer to a method the server does not
     * know (the input's "PO", "QUERY"): the request's fault, checked as a
     * 4xx is. */
    if (a->status >= 500 && a->status != 501) {
        fprintf(stderr, "fuzz: %s: answered %d: %.500s\n", o->what, a->status, a->body);
        abort();
    }
    if (a->status >= 400)
        check_error(a, o);
    else if (a->json && a->body_len)
        fz_check_json_body(a);
}

/* ---- The requests ------------------------------------------------------ */

static const char *memfind(const char *s, size_t len, const char *what)
{
    return memmem(s, len, what, strlen(what));
}

/* Whether the header lines name one (at a line's start, any case). */
static bool has_header(const char *h, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i + n <= len; i++)
        if ((i == 0 || h[i - 1] == '\n') && strncasecmp(h + i, name, n) == 0)
            return true;
    return false;
}

static const char *token_of(char role)
{
    switch (role) {
    case 'A':
        return "fz-admin";
    case 'c':
    case 'h':
        return "fz-clerk";
    case 'v':
        return "fz-viewer";
    case 'u':
        return "fz-unit";
    case 'w':
        return "fz-unit2";
    case 'd':
        return "fz-delegate";
    case 'x':
        return "fz-nobody";
    case 'n':
        return "";
    default:
        return NULL; /* the Unix socket */
    }
}

/* What a request writes, as the events it may commit tell. */
typedef enum {
    W_NONE,   /* a read, or no proposal: no event */
    W_ONE,    /* a create, an action, a delete: one event when accepted */
    W_PATCH,  /* an edit: one, or none when it changes nothing */
    W_IMPORT, /* any number, refused or not (a partial import keeps the good ones) */
} write_kind_t;

/* The kind of a request, by its method and its path as the server decodes
 * it (%XX, a trailing slash forgiven). */
static write_kind_t write_kind(const char *method, size_t mlen, const char *target, size_t tlen)
{
    char path[256];
    size_t n = 0;
    for (size_t i = 0; i < tlen && target[i] != '?' && n < sizeof(path) - 1; i++) {
        static const char hexd[] = "0123456789abcdef0123456789ABCDEF";
        const char *hi = i + 2 < tlen && target[i] == '%' ? memchr(hexd, target[i + 1], 32) : NULL;
        const char *lo = hi ? memchr(hexd, target[i + 2], 32) : NULL;
        if (lo) {
            path[n++] = (char)(((hi - hexd) % 16) << 4 | (lo - hexd) % 16);
            i += 2;
        } else {
            path[n++] = target[i];
        }
    }
    if (n > 1 && path[n - 1] == '/')
        n--;
    path[n] = '\0';
    bool post = mlen == 4 && memcmp(method, "POST", 4) == 0;
    if (post && strcmp(path, "/v1/imports") == 0)
        return W_IMPORT;
    if (strncmp(path, "/v1/proposals", 13) != 0)
        return W_NONE;
    const char *rest = path + 13;
    if (!*rest)
        return post ? W_ONE : W_NONE;
    size_t digits = strspn(rest + 1, "0123456789");
    if (*rest != '/' || digits == 0)
        return W_NONE;
    rest += 1 + digits;
    if (!*rest && mlen == 6 && memcmp(method, "DELETE", 6) == 0)
        return W_ONE;
    if (!*rest && mlen == 5 && memcmp(method, "PATCH", 5) == 0)
        return W_PATCH;
    if (post && strncmp(rest, "/actions/", 9) == 0 && rest[9] && !strchr(rest + 9, '/'))
        return W_ONE;
    return W_NONE;
}

/* A request ready to send, on a connection of its own. */
typedef struct {
    pt_buf_t bytes;
    char what[160];
    bool tcp, feed, framed;
    bool leave; /* the client goes once it has sent the request */
    write_kind_t kind;
    bool keyed; /* with an Idempotency-Key: an accepted write may be a replay */
    outcome_t o;
    int fd;
    fz_reader_t *reader;
    size_t off;
    uint32_t seed;
    uint64_t end;
    bool done;
} request_t;

static bool recv_answer(request_t *r)
{
    char buf[65536];
    ssize_t n;
    while ((n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
        if (!fz_reader_feed(r->reader, buf, (size_t)n))
            abort();
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* Sends each request and reads its answer, all at once: the requests of a
 * group reach the store together, and share its commits. */
static void exchange(request_t *rs, size_t n)
{
    uint64_t now = uv_hrtime();
    for (size_t i = 0; i < n; i++) {
        request_t *r = &rs[i];
        r->fd = fz_http_connect(r->tcp ? tcp_port : 0);
        r->reader = fz_reader_new(r->o.head, on_answer, &r->o);
        r->seed = fz_hash((const uint8_t *)r->bytes.data, r->bytes.len);
        r->end = now + (uint64_t)(r->feed ? FEED_MS : ANSWER_MS) * 1000000u;
    }
    for (size_t left = n; left > 0;) {
        bool sent_all = true;
        for (size_t i = 0; i < n; i++) {
            request_t *r = &rs[i];
            if (r->done || r->off == r->bytes.len)
                continue;
            ssize_t w = send(r->fd, r->bytes.data + r->off,
                             fz_piece(&r->seed, r->bytes.len - r->off), MSG_NOSIGNAL);
            if (w > 0)
                r->off += (size_t)w;
            else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                r->off = r->bytes.len; /* the server closed: it has said what it had to */
            if (r->off == r->bytes.len && r->framed) {
                /* The request's own Content-Length or Transfer-Encoding may
                 * ask for more than it sends: the end of its bytes says so. */
                shutdown(r->fd, SHUT_WR);
            }
            sent_all &= r->off == r->bytes.len;
        }
        uv_run(fz_http_loop(), UV_RUN_NOWAIT);
        now = uv_hrtime();
        for (size_t i = 0; i < n; i++) {
            request_t *r = &rs[i];
            if (r->done)
                continue;
            bool eof = recv_answer(r);
            if (!eof && !r->o.seen && now > r->end && !r->feed) {
                fprintf(stderr, "fuzz: %s: no answer in %d ms\n", r->what, ANSWER_MS);
                abort();
            }
            if (eof || r->o.seen || now > r->end || (r->leave && r->off == r->bytes.len)) {
                r->done = true;
                left--;
            }
        }
        if (sent_all)
            usleep(20);
    }
    for (size_t i = 0; i < n; i++) {
        close(rs[i].fd);
        fz_reader_free(rs[i].reader);
    }
    run_loop_until(no_connections, ANSWER_MS,
                   "the server kept a connection after its client closed");
}

/* Reads one record into a request; false when it is none. */
static bool prepare(const char *rec, size_t len, request_t *r)
{
    const char *nl = memchr(rec, '\n', len);
    size_t line_len = nl ? (size_t)(nl - rec) : len;
    /* "c GET ..."; sent with the next, "c+ GET ..."; by a client that does
     * not wait for the answer, "c- GET ...". */
    size_t skip = len > 1 && (rec[1] == '+' || rec[1] == '-') ? 3 : 2;
    if (line_len < skip + 1 || rec[skip - 1] != ' ')
        return false;
    char role = rec[0];
    const char *line = rec + skip;
    line_len -= skip;
    while (line_len && line[line_len - 1] == '\r')
        line_len--;
    const char *sp = memchr(line, ' ', line_len);
    size_t mlen = sp ? (size_t)(sp - line) : line_len;
    const char *target = sp ? sp + 1 : "/";
    size_t tlen = sp ? line_len - mlen - 1 : 1;
    if (mlen == 0 || mlen > 16)
        return false;
    /* The headers, up to an empty line, then the body. */
    const char *h = nl ? nl + 1 : rec + len;
    const char *rest_end = rec + len;
    const char *blank = memfind(h, (size_t)(rest_end - h), "\n\n");
    size_t hlen;
    const char *body;
    if (h < rest_end && *h == '\n') {
        hlen = 0;
        body = h + 1;
    } else if (blank) {
        hlen = (size_t)(blank - h) + 1;
        body = blank + 2;
    } else {
        hlen = (size_t)(rest_end - h);
        body = rest_end;
    }
    size_t blen = (size_t)(rest_end - body);
    /* A plugin is loaded from the plugin directory only: a path elsewhere
     * (or escaped in JSON) could load any shared object of the system. */
    if (mlen == 4 && memcmp(line, "POST", 4) == 0 && tlen >= 11 &&
        memcmp(target, "/v1/plugins", 11) == 0 &&
        (memchr(body, '/', blen) || memchr(body, '\\', blen)))
        return false;

    memset(r, 0, sizeof(*r));
    pt_buf_t *t = &r->bytes;
    pt_buf_init(t);
    pt_buf_append(t, line, mlen);
    pt_buf_puts(t, " ");
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < tlen; i++) {
        unsigned char c = (unsigned char)target[i];
        if (c <= 0x20 || c >= 0x7f || c == '#') {
            char pct[3] = {'%', hex[c >> 4], hex[c & 15]};
            pt_buf_append(t, pct, 3);
        } else {
            pt_buf_append(t, &target[i], 1);
        }
    }
    pt_buf_puts(t, " HTTP/1.1\r\n");
    pt_buf_puts(t, role == 'h' ? "Host: ptrack.attacker.example\r\n" : "Host: localhost\r\n");
    const char *tok = token_of(role);
    if (tok && *tok) {
        pt_buf_puts(t, "Authorization: Bearer ");
        pt_buf_puts(t, tok);
        pt_buf_puts(t, "\r\n");
    }
    if (blen && !has_header(h, hlen, "content-type:"))
        pt_buf_puts(t, "Content-Type: application/json\r\n");
    r->framed = has_header(h, hlen, "content-length:") || has_header(h, hlen, "transfer-encoding:");
    if (!r->framed) {
        char cl[48];
        snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", blen);
        pt_buf_puts(t, cl);
    }
    for (size_t i = 0; i < hlen; i++) {
        if (h[i] == '\n')
            pt_buf_puts(t, "\r\n");
        else if (h[i] != '\r')
            pt_buf_append(t, &h[i], 1);
    }
    if (hlen && h[hlen - 1] != '\n')
        pt_buf_puts(t, "\r\n"); /* the last header line of a request without a body */
    pt_buf_puts(t, "\r\n");
    pt_buf_append(t, body, blen);
    if (pt_buf_failed(t))
        abort();

    snprintf(r->what, sizeof(r->what), "%c %.*s %.*s", role, (int)mlen, line,
             (int)(tlen < 120 ? tlen : 120), target);
    r->o.what = r->what;
    r->o.head = mlen == 4 && memcmp(line, "HEAD", 4) == 0;
    r->tcp = tok != NULL;
    r->leave = rec[1] == '-';
    r->feed = tlen >= 10 && memcmp(target, "/v1/events", 10) == 0;
    r->kind = write_kind(line, mlen, target, tlen);
    r->keyed = has_header(h, hlen, "idempotency-key:");
    return true;
}

/* Runs a group of requests, then checks that the events committed meanwhile
 * are as many as its answers say: one for each create, action and delete
 * accepted (unless it may be an Idempotency-Key's replay), at most one for
 * an edit, none for a refusal or a read. */
static void run_group(request_t *rs, size_t n)
{
    int64_t seq = pt_store_last_seq(store);
    exchange(rs, n);
    /* An import whose client has left goes on, and is stored whole or not
     * at all: its job ends once it is. Its events belong to this group,
     * whose count it leaves open, not to the next (which found an import's
     * 39 committed during an export that its client had left too). */
    for (size_t i = 0; i < n; i++)
        if (rs[i].leave && rs[i].kind == W_IMPORT) {
            run_loop_until(no_jobs, ANSWER_MS, "an import still runs after its client left");
            break;
        }
    int64_t lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        request_t *r = &rs[i];
        if (trace)
            fprintf(stderr, "%s -> %d %s\n", r->what, r->o.seen ? r->o.status : 0,
                    r->o.status >= 400 ? r->o.excerpt : "");
        bool accepted = r->o.seen && r->o.status < 400;
        if (r->kind == W_IMPORT || (!r->o.seen && r->kind != W_NONE))
            hi = INT64_MAX / 2; /* any number; or unknown: no answer came */
        else if (accepted && r->kind == W_ONE && !r->keyed)
            lo++, hi++;
        else if (accepted && r->kind != W_NONE)
            hi++;
    }
    int64_t got = pt_store_last_seq(store) - seq;
    if (got < lo || got > hi) {
        fprintf(stderr,
                "fuzz: %s%s: answered %d, and %lld events were committed (%lld to %lld "
                "expected)\n",
                rs[0].what, n > 1 ? " (and the rest of its group)" : "", rs[0].o.status,
                (long long)got, (long long)lo, (long long)hi);
        abort();
    }
    for (size_t i = 0; i < n; i++)
        pt_buf_free(&rs[i].bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!srv)
        init_once();
    if (size > 16384)
        return 0;
    world_open();
    static request_t group[MAX_GROUP];
    size_t n = 0;
    const char *p = (const char *)data, *end = p + size;
    for (int i = 0; i < MAX_REQUESTS && p < end; i++) {
        const char *sep = memfind(p, (size_t)(end - p), "\n~~~\n");
        const char *rec_end = sep ? sep : end;
        /* "c+ ..." goes out with the request after it. */
        bool with_next = rec_end - p > 1 && p[1] == '+';
        if (prepare(p, (size_t)(rec_end - p), &group[n]))
            n++;
        if (n > 0 && (!with_next || n == MAX_GROUP)) {
            run_group(group, n);
            n = 0;
        }
        p = sep ? sep + 5 : end;
    }
    if (n > 0)
        run_group(group, n);
    world_close();
    return 0;
}

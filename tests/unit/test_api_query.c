/*
 * test_api_query.c - the query parameters of lists, exports and imports
 * (core/api-query.c), read from real requests: a list and an export check
 * the same filters with the same messages; an unknown parameter is refused
 * by name; an exporter's declared arguments are taken and nothing else, an
 * undeclared (ABI 1.0) exporter lets other parameters through; a refusal
 * says what the format takes.
 *
 * A pt_http_request_t comes only from the HTTP server, so the test runs one
 * on a Unix socket (server-thread.h): its handler parses the request's
 * query with the function the path names and answers with what came out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "api-internal.h"
#include "http-server.h"
#include "server-thread.h"
#include "workflow.h"

typedef struct {
    server_thread_t st;
    pt_workflow_t *wf;
    char sock_path[108];
} fx_t;

static const char *const csv_args[] = {"lang", NULL};
static const char *const no_args[] = {NULL};

/* "ok status=.. kind=.. person=.. overdue=.. ks=.. due=.." or "error
 * <code> <message>". */
static void describe(char *out, size_t size, int rc, const pt_error_t *err,
                     const pt_list_query_t *q)
{
    if (rc != PT_OK) {
        snprintf(out, size, "error %d %s", err->code, err->message);
        return;
    }
    snprintf(out, size, "ok status=%s kind=%s person=%s overdue=%d ks=%d due=%lld",
             q->status ? q->status : "-", q->kind ? q->kind : "-", q->person ? q->person : "-",
             q->overdue, q->key_supervision, (long long)q->due_before);
}

/* /list: pt_query_list. /export: pt_query_export with csv's args {"lang"}.
 * /export10: the same without declared args (a 1.0 exporter). /import:
 * pt_query_known with an import's own names and none declared. */
static void handler(pt_http_request_t *req, void *ud)
{
    fx_t *fx = ud;
    pt_list_query_t q;
    memset(&q, 0, sizeof(q));
    q.key_supervision = q.overdue = -1;
    pt_error_t err = {0};
    int rc;
    if (strcmp(req->path, "/list") == 0) {
        rc = pt_query_list(req, fx->wf, &q, &err);
    } else if (strcmp(req->path, "/export") == 0) {
        rc = pt_query_export(req, fx->wf, "csv", csv_args, &q, &err);
    } else if (strcmp(req->path, "/export10") == 0) {
        rc = pt_query_export(req, fx->wf, "csv", NULL, &q, &err);
    } else {
        static const char *const own[] = {"format", "partial", NULL};
        const char *const *known[] = {own, no_args, NULL};
        rc = pt_query_known(req, known, "an import of json", &err);
    }
    char out[1024];
    describe(out, sizeof(out), rc, &err, &q);
    pt_list_query_clear(&q);
    pt_error_clear(&err);
    pt_http_respond(req, 200, "text/plain", NULL, out, strlen(out));
}

static int setup(void **state)
{
    fx_t *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    pt_error_t err = {0};
    assert_int_equal(pt_workflow_load_default(&fx->wf, &err), PT_OK);
    pt_http_limits_t l;
    pt_http_limits_default(&l);
    server_thread_init(&fx->st, &l, handler, fx);
    snprintf(fx->sock_path, sizeof fx->sock_path, "/tmp/pt-query-test-%d.sock", (int)getpid());
    assert_int_equal(pt_http_server_listen_unix(fx->st.srv, fx->sock_path, 0), 0);
    server_thread_run(&fx->st);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;
    server_thread_stop(&fx->st);
    pt_workflow_free(fx->wf);
    free(fx);
    return 0;
}

/* GETs target on a connection of its own and returns the answer's body.
 * Ownership: the caller frees. */
static char *get(const fx_t *fx, const char *target)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, fx->sock_path);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char req[2048];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                     target);
    assert_int_equal(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    ssize_t got;
    while ((got = recv(fd, buf + len, cap - len - 1, 0)) > 0)
        len += (size_t)got;
    close(fd);
    buf[len] = '\0';
    char *body = strstr(buf, "\r\n\r\n");
    assert_non_null(body);
    char *out = strdup(body + 4);
    free(buf);
    return out;
}

static void expect(const fx_t *fx, const char *target, const char *want)
{
    char *got = get(fx, target);
    if (strstr(got, want) == NULL)
        fail_msg("GET %s: \"%s\" lacks \"%s\"", target, got, want);
    free(got);
}

static void a_list_and_an_export_read_the_same_filters(void **state)
{
    const fx_t *fx = *state;
    const char *q = "status=handling&kind=motion&person=%E5%BC%A0%E4%B8%89&overdue=true"
                    "&key_supervision=0&due_before=2026-12-31T00:00:00Z";
    char target[512];
    snprintf(target, sizeof target, "/list?%s", q);
    char *list = get(fx, target);
    snprintf(target, sizeof target, "/export?format=csv&%s", q);
    char *exp = get(fx, target);
    assert_string_equal(list, exp);
    assert_non_null(strstr(list, "ok status=handling kind=motion person=张三 overdue=1 ks=0 due="));
    assert_null(strstr(list, "due=0"));
    free(list);
    free(exp);
}

static void a_bad_filter_value_is_refused_alike_by_list_and_export(void **state)
{
    const fx_t *fx = *state;
    static const char *const bad[] = {"status=handlng", "kind=memo", "overdue=maybe",
                                      "key_supervision=2", "due_before=never"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char target[256];
        snprintf(target, sizeof target, "/list?%s", bad[i]);
        char *list = get(fx, target);
        snprintf(target, sizeof target, "/export?format=csv&%s", bad[i]);
        char *exp = get(fx, target);
        snprintf(target, sizeof target, "/export10?format=csv&%s", bad[i]);
        char *exp10 = get(fx, target);
        if (strncmp(list, "error", 5) != 0)
            fail_msg("%s was not refused: %s", bad[i], list);
        assert_string_equal(list, exp);
        assert_string_equal(list, exp10);
        free(list);
        free(exp);
        free(exp10);
    }
}

/* A boolean parameter takes 1 and 0 as well as true and false; its
 * refusal said only "must be true or false". */
static void a_bad_boolean_is_told_every_value_taken(void **state)
{
    const fx_t *fx = *state;
    expect(fx, "/list?overdue=1&key_supervision=0", "ok status=- kind=- person=- overdue=1 ks=0");
    expect(fx, "/list?overdue=yes", "overdue: \"yes\" must be true or false (or 1 or 0)");
    expect(fx, "/export?format=csv&key_supervision=2",
           "key_supervision: \"2\" must be true or false (or 1 or 0)");
}

/* A list's parameter given empty is refused as a filter given empty is:
 * an empty cursor is a script's lost one, and taking it for the first
 * page would have such a script start again for ever. */
static void an_empty_page_parameter_is_refused(void **state)
{
    const fx_t *fx = *state;
    char want[160];
    snprintf(want, sizeof want,
             "error %d cursor: empty; give the next of the page before, or leave the parameter "
             "out for the first page",
             PT_EBADREQUEST);
    expect(fx, "/list?cursor=", want);
    expect(fx, "/list?status=handling&cursor=", want);
    snprintf(want, sizeof want, "error %d sort:", PT_EBADREQUEST);
    expect(fx, "/list?sort=", want);
    snprintf(want, sizeof want, "error %d limit:", PT_EBADREQUEST);
    expect(fx, "/list?limit=", want);
    expect(fx, "/list?cursor=i5.5", "ok status=-");
    expect(fx, "/list", "ok status=-");
}

static void an_unknown_parameter_is_refused_by_name(void **state)
{
    const fx_t *fx = *state;
    char want[128];
    snprintf(want, sizeof want, "error %d unknown query parameter \"stauts\"", PT_EBADREQUEST);
    expect(fx, "/list?stauts=closed", want);
    expect(fx, "/export?format=csv&stauts=closed", want);
    expect(fx, "/export?format=csv&stauts=closed",
           "; an export of csv takes format, status, kind, session, number, delegation, unit, "
           "category, "
           "tag, key_supervision, overdue, due_before, q, person, todo and lang");
    /* A list's order and pages are not an export's. */
    expect(fx, "/export?format=csv&sort=id", "unknown query parameter \"sort\"");
    expect(fx, "/export?format=csv&limit=5", "unknown query parameter \"limit\"");
    /* format is an export's, not a list's. */
    expect(fx, "/list?format=csv", "unknown query parameter \"format\"");
}

static void an_export_takes_the_declared_args(void **state)
{
    const fx_t *fx = *state;
    expect(fx, "/export?format=csv&lang=en&status=handling", "ok status=handling");
    expect(fx, "/export?format=csv", "ok status=-");
}

static void an_undeclared_exporter_lets_other_parameters_through(void **state)
{
    const fx_t *fx = *state;
    expect(fx, "/export10?format=csv&stauts=closed&lang=en&kind=motion", "ok status=- kind=motion");
}

static void an_import_that_declares_nothing_takes_only_the_hosts_own(void **state)
{
    const fx_t *fx = *state;
    expect(fx, "/import?format=json&partial=true", "ok");
    expect(fx, "/import?format=json&encoding=gbk",
           "unknown query parameter \"encoding\"; an import of json takes format and partial");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_list_and_an_export_read_the_same_filters),
        cmocka_unit_test(a_bad_filter_value_is_refused_alike_by_list_and_export),
        cmocka_unit_test(a_bad_boolean_is_told_every_value_taken),
        cmocka_unit_test(an_empty_page_parameter_is_refused),
        cmocka_unit_test(an_unknown_parameter_is_refused_by_name),
        cmocka_unit_test(an_export_takes_the_declared_args),
        cmocka_unit_test(an_undeclared_exporter_lets_other_parameters_through),
        cmocka_unit_test(an_import_that_declares_nothing_takes_only_the_hosts_own),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

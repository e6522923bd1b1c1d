/*
 * deadline-scan.c - what a scan of the deadline engine costs the writer
 * when many proposals are overdue already, their reminders raised.
 *
 *   pt-deadline-scan [OVERDUE [RUNNING [SCANS]]]
 *
 * Makes a store in a temporary directory with OVERDUE proposals (default
 * 40,000) whose deadline has passed a day ago and RUNNING ones (default
 * 0) whose deadline is a month ahead, all in handling: one proposal made
 * and assigned through the writer (its deadline 90 days ahead), copied in
 * SQL. The first scan raises
 * proposal.overdue for each overdue one (and marks it); then SCANS more
 * (default 20) find nothing to raise, as every scan after the first does
 * in a running ptrackd. Each scan is timed on the writer's thread, from
 * the first statement to the last, inside the write that runs it; every
 * other write waits that long. Prints the first scan's time and the
 * others' least, median and largest, in milliseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include <sqlite3.h>

#include "store.h"
#include "workflow.h"

typedef struct {
    pt_write_t *scan; /* the scan the write runs */
    double ms;        /* how long it took */
    int raised;
} timed_t;

static int pending;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void die(const char *what, const pt_error_t *err)
{
    fprintf(stderr, "pt-deadline-scan: %s: %s\n", what, err ? err->message : "");
    exit(1);
}

static void on_done(pt_write_t *w)
{
    (void)w;
    pending--;
}

/* Queues w and runs the loop until it is answered. */
static void run(uv_loop_t *loop, pt_store_t *store, pt_write_t *w, const char *what)
{
    w->cb = on_done;
    if (!w->actor)
        w->actor = strdup("压测");
    pending++;
    if (pt_store_write(store, w) != 0)
        die(what, &w->err);
    while (pending > 0)
        uv_run(loop, UV_RUN_ONCE);
    if (w->err.code != 0)
        die(what, &w->err);
}

/* Copies proposal 1 n times with the deadline `due` (ms). */
static int run_copy(void *conn, pt_write_t *w)
{
    sqlite3 *db = conn;
    sqlite3_stmt *st;
    const char *sql =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)"
        " INSERT INTO proposals (kind, status, delegation, category, key_supervision, clock,"
        "  assigned_at, due_at, replied, version, created_at, updated_at, doc)"
        " SELECT kind, status, delegation, category, key_supervision, clock, assigned_at, ?2,"
        "  replied, version, created_at, updated_at, doc FROM proposals, n WHERE id = 1";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return pt_error_set(&w->err, PT_ESTORAGE, "%s", sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, w->id);
    sqlite3_bind_int64(st, 2, w->seq);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return pt_error_set(&w->err, PT_ESTORAGE, "%s", sqlite3_errmsg(db));
    return 0;
}

static void copy(uv_loop_t *loop, pt_store_t *store, int64_t n, int64_t due)
{
    if (n <= 0)
        return;
    pt_write_t *w = pt_write_new(PT_WRITE_CUSTOM);
    w->run_ = run_copy;
    w->id = n;
    w->seq = due;
    run(loop, store, w, "copying the proposals");
    pt_write_free(w);
}

static int run_timed(void *conn, pt_write_t *w)
{
    timed_t *t = w->arg_;
    double start = now_ms();
    int rc = t->scan->run_(conn, t->scan);
    t->ms = now_ms() - start;
    t->raised = (int)t->scan->id;
    if (rc != 0)
        w->err = t->scan->err, t->scan->err = (pt_error_t){0};
    return rc;
}

static timed_t timed_scan(uv_loop_t *loop, pt_store_t *store, int64_t remind_before)
{
    timed_t t = {.scan = pt_write_deadline_scan(remind_before)};
    t.scan->actor = strdup("ptrackd");
    pt_write_t *w = pt_write_new(PT_WRITE_CUSTOM);
    w->run_ = run_timed;
    w->arg_ = &t;
    run(loop, store, w, "scanning");
    pt_write_free(w);
    pt_write_free(t.scan);
    return t;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int64_t overdue = argc > 1 ? atoll(argv[1]) : 40000;
    int64_t running = argc > 2 ? atoll(argv[2]) : 0;
    int scans = argc > 3 ? atoi(argv[3]) : 20;
    if (overdue < 0 || running < 0 || scans < 1) {
        fprintf(stderr, "usage: pt-deadline-scan [OVERDUE [RUNNING [SCANS]]]\n");
        return 2;
    }
    char dir[] = "/tmp/pt-deadline-scan-XXXXXX", path[64];
    if (!mkdtemp(dir))
        die("making a temporary directory", NULL);
    snprintf(path, sizeof(path), "%s/ptrack.db", dir);

    uv_loop_t loop;
    uv_loop_init(&loop);
    pt_error_t err = {0};
    pt_workflow_t *wf;
    if (pt_workflow_load_default(&wf, &err) != 0)
        die("the workflow", &err);
    pt_store_options_t o = {.path = path, .workflow = wf};
    pt_deadlines_default(&o.deadlines);
    pt_store_t *store;
    if (pt_store_open(&loop, &o, &store, &err) != 0)
        die("opening the store", &err);

    /* One proposal in handling, as an office has thousands. */
    pt_write_t *w = pt_write_new(PT_WRITE_CREATE);
    w->if_match = -1;
    w->body =
        cJSON_Parse("{\"title\":\"关于加快农村公路建设的建议\",\"delegation\":\"山西代表团\","
                    "\"category\":\"交通\",\"background\":\"近年来，农村公路建设取得积极进展，"
                    "但部分地区仍存在路况差、养护不足等问题。\"}");
    run(&loop, store, w, "creating a proposal");
    pt_write_free(w);
    w = pt_write_new(PT_WRITE_ACTION);
    w->if_match = -1;
    w->id = 1;
    w->action = strdup("assign");
    w->body = cJSON_Parse(
        "{\"mode\":\"single\",\"units\":[{\"name\":\"省交通运输厅\",\"role\":\"lead\"}]}");
    run(&loop, store, w, "assigning it");
    pt_write_free(w);

    const int64_t day = INT64_C(86400000);
    int64_t now = (int64_t)time(NULL) * 1000;
    copy(&loop, store, overdue, now - day);
    copy(&loop, store, running, now + 30 * day);
    timed_t first = timed_scan(&loop, store, o.deadlines.remind_before);
    double *ms = calloc((size_t)scans, sizeof(double));
    int raised = 0;
    for (int i = 0; i < scans; i++) {
        timed_t t = timed_scan(&loop, store, o.deadlines.remind_before);
        ms[i] = t.ms;
        raised += t.raised;
    }
    qsort(ms, (size_t)scans, sizeof(double), by_value);
    printf("overdue      %lld\n", (long long)overdue);
    printf("running      %lld\n", (long long)running);
    printf("first scan   %.1f ms (%d raised)\n", first.ms, first.raised);
    printf("later scans  min %.2f ms  median %.2f ms  max %.2f ms (%d raised, %d scans)\n", ms[0],
           ms[scans / 2], ms[scans - 1], raised, scans);
    free(ms);

    pt_store_close(store);
    uv_run(&loop, UV_RUN_DEFAULT); /* the store's handles close */
    uv_loop_close(&loop);
    pt_workflow_free(wf);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}

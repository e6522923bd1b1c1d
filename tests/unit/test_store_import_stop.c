/*
 * test_store_import_stop.c - a stop while an all-or-nothing import is being
 * moved into the store: the move gives up (the import has not been
 * answered, so it may be rolled back), the commit says ptrackd is
 * stopping, nothing of the import is stored, and what was stored before
 * it stays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"
#include "workflow.h"

/* Enough rows that moving them takes far longer than the moment the test
 * waits before it stops the store (a few hundred ms in a Debug build, more
 * with sanitizers). */
#define ROWS 40000

typedef struct {
    pt_store_t *store;
    int rc;
    pt_error_t err;
    pt_import_result_t res;
} commit_t;

static void *commit_thread(void *arg)
{
    commit_t *c = arg;
    c->rc = pt_store_import_commit(c->store, "job-1", "root", &c->res, &c->err);
    return NULL;
}

static int64_t count_proposals(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM proposals", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void on_created(pt_write_t *w)
{
    int *pending = w->data;
    (*pending)--;
}

/* One try: a store with one proposal, an import of ROWS staged, its
 * commit on a thread of its own, and pause_ms later the imports cancelled
 * (as ptrackd's stop does first) or the store closed (by_close).
 * Returns false when the commit came too late to queue the move (a loaded
 * machine): the try says nothing, and the caller tries again with a longer
 * pause. */
static bool stop_during_move(long pause_ms, bool by_close)
{
    char dir[] = "/tmp/pt-import-stop-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/ptrack.db", dir);
    uv_loop_t loop;
    uv_loop_init(&loop);
    pt_error_t err = {0};
    pt_workflow_t *wf;
    assert_int_equal(pt_workflow_load_default(&wf, &err), PT_OK);
    pt_store_options_t o = {.path = path, .workflow = wf};
    pt_deadlines_default(&o.deadlines);
    pt_store_t *store;
    assert_int_equal(pt_store_open(&loop, &o, &store, &err), PT_OK);

    /* One proposal stored before the import, acknowledged. */
    pt_write_t *w = pt_write_new(PT_WRITE_CREATE);
    w->if_match = -1;
    w->body = cJSON_Parse("{\"title\":\"关于导入之前已确认的建议\"}");
    w->actor = strdup("root");
    int pending = 1;
    w->cb = on_created;
    w->data = &pending;
    assert_int_equal(pt_store_write(store, w), PT_OK);
    while (pending > 0)
        uv_run(&loop, UV_RUN_ONCE);
    assert_int_equal(w->err.code, PT_OK);
    pt_write_free(w);

    /* The import's rows, staged in one call: no move starts before the
     * commit, which then moves them all. */
    pt_import_row_t **rows = calloc(ROWS, sizeof(*rows));
    assert_non_null(rows);
    for (int i = 0; i < ROWS; i++) {
        char json[256];
        snprintf(json, sizeof(json),
                 "{\"title\":\"关于第%d件导入建议的办理\",\"delegation\":\"山西代表团\","
                 "\"lead_author\":\"王芳\",\"tags\":[\"民生\"]}",
                 i + 1);
        cJSON *rec = cJSON_Parse(json);
        assert_int_equal(pt_store_import_check(store, rec, &rows[i], &err), PT_OK);
        cJSON_Delete(rec);
    }
    assert_int_equal(pt_store_import_stage(store, "job-1", "root", 0, rows, ROWS, true, &err),
                     PT_OK);
    for (int i = 0; i < ROWS; i++)
        free(rows[i]);
    free(rows);

    commit_t c = {.store = store};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, commit_thread, &c), 0);
    /* The move is under way (the writer takes it at once) when the store
     * is told to close, as ptrackd's stop does. */
    struct timespec pause = {.tv_sec = pause_ms / 1000, .tv_nsec = pause_ms % 1000 * 1000000L};
    nanosleep(&pause, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (by_close) {
        pt_store_close(store);
    } else {
        /* The commit is answered through the loop, which must run. */
        pt_store_cancel_imports(store);
        while (pthread_tryjoin_np(t, NULL) != 0)
            uv_run(&loop, UV_RUN_NOWAIT);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* The commit was answered; its staging is the caller's to drop on
     * failure, while the store is not freed yet (its memory goes when the
     * loop runs its handle's close). */
    if (by_close)
        assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(pt_store_import_drop(store, "job-1", &err), PT_OK);
    if (!by_close)
        pt_store_close(store);
    uv_run(&loop, UV_RUN_DEFAULT);

    bool queued = !(c.rc == PT_ESTORAGE && strstr(c.err.message, "the store is closing"));
    if (queued) {
        /* The move itself gave up. */
        assert_int_equal(c.rc, PT_ESHUTDOWN);
        assert_non_null(strstr(c.err.message, "ptrackd is stopping"));
        assert_non_null(strstr(c.err.message, "nothing was imported"));
        assert_int_equal(c.res.imported, 0);
        double ms =
            (double)(t1.tv_sec - t0.tv_sec) * 1000 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        print_message("the move gave up %.0f ms after the %s\n", ms,
                      by_close ? "store was closed" : "imports were cancelled");
    }
    pt_error_clear(&c.err);
    assert_int_equal(count_proposals(path), 1);

    uv_loop_close(&loop);
    pt_workflow_free(wf);
    pt_error_clear(&err);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    return queued;
}

static void try_until_conclusive(bool by_close)
{
    long pause_ms = 150;
    while (!stop_during_move(pause_ms, by_close)) {
        print_message("the move had not been queued after %ld ms; again\n", pause_ms);
        pause_ms *= 2;
        assert_true(pause_ms <= 2400);
    }
}

static void cancelled_imports_roll_back_the_move_of_an_unanswered_import(void **state)
{
    (void)state;
    try_until_conclusive(false);
}

static void closing_the_store_rolls_back_the_move_of_an_unanswered_import(void **state)
{
    (void)state;
    try_until_conclusive(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cancelled_imports_roll_back_the_move_of_an_unanswered_import),
        cmocka_unit_test(closing_the_store_rolls_back_the_move_of_an_unanswered_import),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "import-store.h"

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

/* One try: a store with one proposal, an import of ROWS staged, its
 * commit on a thread of its own, and pause_ms later the imports cancelled
 * (as ptrackd's stop does first) or the store closed (by_close).
 * Returns false when the commit came too late to queue the move (a loaded
 * machine): the try says nothing, and the caller tries again with a longer
 * pause. */
static bool stop_during_move(long pause_ms, bool by_close)
{
    import_store_t t;
    import_store_open(&t, "pt-import-stop");
    pt_store_t *store = t.store;
    uv_loop_t *loop = &t.loop;
    pt_error_t err = {0};

    /* One proposal stored before the import, acknowledged. */
    import_store_create(&t, "关于导入之前已确认的建议");

    /* The import's rows, staged in one call: no move starts before the
     * commit, which then moves them all. */
    pt_import_row_t **rows = import_store_rows(&t, ROWS);
    assert_int_equal(pt_store_import_stage(store, "job-1", "root", 0, rows, ROWS, true, &err),
                     PT_OK);
    import_store_rows_free(rows, ROWS);

    commit_t c = {.store = store};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, commit_thread, &c), 0);
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
        while (pthread_tryjoin_np(thread, NULL) != 0)
            uv_run(loop, UV_RUN_NOWAIT);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* The commit was answered; its staging is the caller's to drop on
     * failure, while the store is not freed yet (its memory goes when the
     * loop runs its handle's close). */
    if (by_close)
        assert_int_equal(pthread_join(thread, NULL), 0);
    assert_int_equal(pt_store_import_drop(store, "job-1", &err), PT_OK);
    if (by_close)
        t.store = NULL; /* closed above */
    import_store_close(&t);

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
    assert_int_equal(import_store_count(&t), 1);

    import_store_remove(&t);
    pt_error_clear(&err);
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

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

/* Enough rows that the move takes a while (a few hundred ms in a Debug
 * build, more with sanitizers): the test stops the store once it sees the
 * move under way, well before its end. */
#define ROWS 40000
/* How long the move may take to begin, on however busy a machine. */
#define BEGIN_WAIT_MS 30000
/* Tries whose move ended before the stop (below) before the test gives up. */
#define TRIES 3

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One try: a store with one proposal, an import of ROWS staged, its
 * commit on a thread of its own, and, once the writer is seen running the
 * move (import_store_writing), the imports cancelled (as ptrackd's stop
 * does first) or the store closed (by_close). Returns false when the try
 * says nothing: the move ended, and the import was stored, between the
 * moment it was seen under way and the stop (a test thread held off the
 * CPU for as long as the move takes). A move that does not look for a
 * stop stores the import every time. */
static bool stop_during_move(bool by_close)
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

    import_store_commit_t c = {.store = store, .job = "job-1"};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, import_store_commit, &c), 0);
    /* Wait until the move is under way: the commit queues it, and the
     * writer holds the write lock while it runs. The loop runs meanwhile,
     * so that a commit answered before the lock was ever seen ends the
     * wait too. */
    bool joined = false;
    int writing = 0;
    int64_t deadline = mono_ms() + BEGIN_WAIT_MS;
    while ((writing = import_store_writing(&t)) == 0 && mono_ms() < deadline) {
        uv_run(loop, UV_RUN_NOWAIT);
        if (pthread_tryjoin_np(thread, NULL) == 0) {
            joined = true;
            break;
        }
        struct timespec ms = {0, 1000000L};
        nanosleep(&ms, NULL);
    }
    assert_int_not_equal(writing, -1);
    if (!joined && !writing)
        fail_msg("the move had not begun %d ms after the commit", BEGIN_WAIT_MS);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (by_close) {
        pt_store_close(store);
    } else {
        /* The commit is answered through the loop, which must run. */
        pt_store_cancel_imports(store);
        while (!joined && pthread_tryjoin_np(thread, NULL) != 0)
            uv_run(loop, UV_RUN_NOWAIT);
        joined = true;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* The commit was answered; its staging is the caller's to drop on
     * failure, while the store is not freed yet (its memory goes when the
     * loop runs its handle's close). */
    if (!joined)
        assert_int_equal(pthread_join(thread, NULL), 0);
    assert_int_equal(pt_store_import_drop(store, "job-1", &err), PT_OK);
    if (by_close)
        t.store = NULL; /* closed above */
    import_store_close(&t);

    bool conclusive = c.rc != PT_OK;
    if (conclusive) {
        /* The move itself gave up, and nothing of the import is stored. */
        assert_int_equal(c.rc, PT_ESHUTDOWN);
        assert_non_null(strstr(c.err.message, "ptrackd is stopping"));
        assert_non_null(strstr(c.err.message, "nothing was imported"));
        assert_int_equal(c.res.imported, 0);
        assert_int_equal(import_store_count(&t), 1);
        double ms =
            (double)(t1.tv_sec - t0.tv_sec) * 1000 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        print_message("the move gave up %.0f ms after the %s\n", ms,
                      by_close ? "store was closed" : "imports were cancelled");
    } else {
        /* The whole import, stored before the stop came. */
        assert_int_equal(c.res.imported, ROWS);
        assert_int_equal(import_store_count(&t), ROWS + 1);
    }
    pt_error_clear(&c.err);

    import_store_remove(&t);
    pt_error_clear(&err);
    return conclusive;
}

static void try_until_conclusive(bool by_close)
{
    for (int i = 1; !stop_during_move(by_close); i++) {
        print_message("the move of %d rows ended before the stop; again\n", ROWS);
        if (i == TRIES)
            fail_msg("the move stored the import though the %s while it ran, %d times",
                     by_close ? "store was closed" : "imports were cancelled", TRIES);
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

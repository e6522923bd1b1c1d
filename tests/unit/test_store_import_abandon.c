/*
 * test_store_import_abandon.c - an all-or-nothing import dropped (its
 * client gone, or a record rejected) while its early move still has many
 * staged rows to insert: the move gives up within a moment instead of
 * inserting every staged row first, and nothing of the import is stored.
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

/* An import's batch (plugin-jobs.c). The early move is judged on the
 * second batch staged, and queued with it when the first two came fast. */
#define BATCH 2000
/* The rows staged in all. The second batch holds all but the first, so
 * that the early move, queued with it, finds every row staged when it
 * begins: the backlog of a file read faster than the writer inserts,
 * without waiting for it to build up. A writer inserts 50,000 to
 * 100,000 rows a second (fewer with sanitizers), so the longest pause
 * below (400 ms) leaves it far from half of them. */
#define ROWS 100000

typedef struct {
    pt_store_t *store;
    pt_import_row_t **rows;
    long pause_ms;
    uv_async_t done; /* stops the loop once the job has dropped its import */
    /* Set by the job's thread, read after it is joined (cmocka's checks
     * belong on the main thread). */
    int stage_rc, drop_rc;
    int64_t drop_ms;
    pt_error_t err;
} job_t;

static int64_t elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Thread: the job's own, as an import's (plugin-jobs.c): the store's import
 * calls wait for writes answered on the loop, which the main thread runs.
 * Stages the rows, waits pause_ms for the writer to be well into the
 * early move, and drops the import. */
static void *job_thread(void *arg)
{
    job_t *j = arg;
    j->stage_rc =
        pt_store_import_stage(j->store, "job-1", "root", 0, j->rows, BATCH, false, &j->err);
    if (j->stage_rc == PT_OK)
        j->stage_rc = pt_store_import_stage(j->store, "job-1", "root", BATCH, j->rows + BATCH,
                                            ROWS - BATCH, false, &j->err);
    struct timespec pause = {.tv_sec = j->pause_ms / 1000,
                             .tv_nsec = j->pause_ms % 1000 * 1000000L};
    nanosleep(&pause, NULL);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    j->drop_rc = pt_store_import_drop(j->store, "job-1", &j->err);
    j->drop_ms = elapsed_ms(&t0);
    uv_async_send(&j->done);
    return NULL;
}

/* Thread: loop. */
static void on_job_done(uv_async_t *a)
{
    uv_stop(a->loop);
}

/* One try: a new store, ROWS staged as a fast import does, and the import
 * dropped pause_ms after the last of them. Returns how many rows the early
 * move inserted before it gave up, or 0 when it had not begun inserting
 * when the import was dropped (a loaded machine): then the try says
 * nothing, and the caller tries again with a longer pause.
 *
 * The count needs no clock: each row the move inserts takes an id, and
 * ids taken by a write that was rolled back stay unused (store-import.c),
 * so the id of a proposal created after the drop tells how many it
 * inserted. Nothing else writes meanwhile. */
static int64_t rows_inserted_before_giving_up(long pause_ms)
{
    import_store_t t;
    import_store_open(&t, "pt-import-abandon");

    /* The rows are checked before any is staged, so that both batches
     * come at once: fast enough (EARLY_RATE) for the early move. */
    pt_import_row_t **rows = import_store_rows(&t, ROWS);

    job_t j = {.store = t.store, .rows = rows, .pause_ms = pause_ms};
    assert_int_equal(uv_async_init(&t.loop, &j.done, on_job_done), 0);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, job_thread, &j), 0);
    uv_run(&t.loop, UV_RUN_DEFAULT);
    assert_int_equal(pthread_join(thread, NULL), 0);
    uv_close((uv_handle_t *)&j.done, NULL);
    assert_int_equal(j.stage_rc, PT_OK);
    assert_int_equal(j.drop_rc, PT_OK);
    pt_error_clear(&j.err);
    import_store_rows_free(rows, ROWS);

    /* The store had no proposal before: the first id is 1. */
    int64_t inserted = import_store_create(&t, "关于导入放弃之后新建的建议") - 1;
    import_store_close(&t);
    if (inserted > 0)
        print_message("the early move inserted %lld of %d staged rows; the drop took %lld ms\n",
                      (long long)inserted, ROWS, (long long)j.drop_ms);
    /* Nothing of the import is stored, only the proposal created after. */
    assert_int_equal(import_store_count(&t), 1);

    import_store_remove(&t);
    return inserted;
}

static void dropping_an_import_stops_its_early_move_short_of_the_staged_rows(void **state)
{
    (void)state;
    long pause_ms = 50;
    int64_t inserted;
    while ((inserted = rows_inserted_before_giving_up(pause_ms)) == 0) {
        print_message("the early move had not begun after %ld ms; again\n", pause_ms);
        pause_ms *= 2;
        assert_true(pause_ms <= 400);
    }
    /* A move that gives up when it next looks (every 1,024 rows) has
     * inserted what the pause allowed and at most 1,024 more; one that
     * looks only once it has run out of staged rows inserts them all. */
    assert_true(inserted < ROWS / 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dropping_an_import_stops_its_early_move_short_of_the_staged_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

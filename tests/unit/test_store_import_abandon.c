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
#include "store-sqlite.h"

/* An import's batch (plugin-jobs.c). The early move is judged on the
 * second batch staged, and queued with it when the first two came fast. */
#define BATCH 2000
/* The rows staged in all. The second batch holds all but the first, so
 * that the early move, queued with it, finds every row staged when it
 * begins: the backlog of a file read faster than the writer inserts,
 * without waiting for it to build up. A writer inserts 50,000 to
 * 100,000 rows a second (fewer with sanitizers, or on a busy machine): the
 * import is dropped a moment after the move is seen under way, and a move
 * that gives up when it next looks has inserted a few thousand rows by
 * then, far from half of them. */
#define ROWS 100000
/* How long the early move may take to begin, on however busy a machine. */
#define BEGIN_WAIT_MS 30000
/* Tries whose early move had not begun inserting before the test gives up. */
#define TRIES 8

typedef struct {
    pt_store_t *store;
    import_store_t *t;
    pt_import_row_t **rows;
    uv_async_t done; /* stops the loop once the job has dropped its import */
    /* Set by the job's thread, read after it is joined (cmocka's checks
     * belong on the main thread). */
    int stage_rc, drop_rc;
    int writing; /* import_store_writing's last answer before the drop */
    int64_t drop_ms;
    pt_error_t err;
} job_t;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Thread: the job's own, as an import's (plugin-jobs.c): the store's import
 * calls wait for writes answered on the loop, which the main thread runs.
 * Stages the rows, waits until the writer is seen running the early move
 * (import_store_writing), and drops the import a moment later. */
static void *job_thread(void *arg)
{
    job_t *j = arg;
    j->stage_rc =
        pt_store_import_stage(j->store, "job-1", "root", 0, j->rows, BATCH, false, &j->err);
    if (j->stage_rc == PT_OK)
        j->stage_rc = pt_store_import_stage(j->store, "job-1", "root", BATCH, j->rows + BATCH,
                                            ROWS - BATCH, false, &j->err);
    int64_t deadline = mono_ms() + BEGIN_WAIT_MS;
    while (j->stage_rc == PT_OK && (j->writing = import_store_writing(j->t)) == 0 &&
           mono_ms() < deadline) {
        struct timespec ms = {0, 1000000L};
        nanosleep(&ms, NULL);
    }
    /* The lock is the move's from its BEGIN on: a moment more, and it is
     * inserting rather than about to look at its staging for the first
     * time. However long the moment lasts on a busy machine, it is far
     * from the time half the rows take. */
    if (j->writing == 1) {
        struct timespec moment = {0, 5000000L};
        nanosleep(&moment, NULL);
    }
    int64_t t0 = mono_ms();
    j->drop_rc = pt_store_import_drop(j->store, "job-1", &j->err);
    j->drop_ms = mono_ms() - t0;
    uv_async_send(&j->done);
    return NULL;
}

/* Counts the proposals the writer's connection inserts, also those of a
 * transaction that is then rolled back. Thread: the writer (SQLite calls
 * it). */
static void count_insert(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
    (void)db;
    (void)rowid;
    if (op == SQLITE_INSERT && strcmp(table, "proposals") == 0)
        __atomic_add_fetch((int64_t *)arg, 1, __ATOMIC_RELAXED);
}

/* Thread: loop. */
static void on_job_done(uv_async_t *a)
{
    uv_stop(a->loop);
}

/* One try: a new store, ROWS staged as a fast import does, and the import
 * dropped once its early move is under way. Returns how many rows the
 * early move inserted before it gave up, or 0 when it had not begun
 * inserting when the import was dropped: then the try says nothing, and
 * the caller tries again.
 *
 * The count needs no clock: an update hook on the writer's connection
 * counts the rows the move inserts into proposals, which its rollback
 * takes back but does not uncount (the ids they took are given to the
 * next proposals, so those cannot tell). Nothing else writes meanwhile. */
static int64_t rows_inserted_before_giving_up(void)
{
    import_store_t t;
    import_store_open(&t, "pt-import-abandon");
    /* Set while the writer waits for its first write, which it has not
     * been given yet: the connection is not in use. */
    int64_t inserts = 0;
    sqlite3_update_hook(t.store->wdb, count_insert, &inserts);

    /* The rows are checked before any is staged, so that both batches
     * come at once: fast enough (EARLY_RATE) for the early move. */
    pt_import_row_t **rows = import_store_rows(&t, ROWS);

    job_t j = {.store = t.store, .t = &t, .rows = rows};
    assert_int_equal(uv_async_init(&t.loop, &j.done, on_job_done), 0);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, job_thread, &j), 0);
    uv_run(&t.loop, UV_RUN_DEFAULT);
    assert_int_equal(pthread_join(thread, NULL), 0);
    uv_close((uv_handle_t *)&j.done, NULL);
    assert_int_equal(j.stage_rc, PT_OK);
    assert_int_equal(j.drop_rc, PT_OK);
    assert_int_not_equal(j.writing, -1);
    pt_error_clear(&j.err);
    import_store_rows_free(rows, ROWS);
    if (!j.writing)
        print_message("the early move had not begun %d ms after the rows were staged\n",
                      BEGIN_WAIT_MS);

    int64_t inserted = __atomic_load_n(&inserts, __ATOMIC_RELAXED);
    /* The store had no proposal before, and the move's are gone with its
     * ids: the one created after the drop is the first. */
    assert_int_equal(import_store_create(&t, "关于导入放弃之后新建的建议"), 1);
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
    int64_t inserted;
    for (int i = 1; (inserted = rows_inserted_before_giving_up()) == 0; i++) {
        print_message("the early move had not begun inserting when the import was dropped; "
                      "again\n");
        assert_true(i < TRIES);
    }
    /* A move that gives up when it next looks (every 1,024 rows) has
     * inserted what it did before the drop and at most 1,024 more; one
     * that looks only once it has run out of staged rows inserts them all. */
    assert_true(inserted < ROWS / 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dropping_an_import_stops_its_early_move_short_of_the_staged_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

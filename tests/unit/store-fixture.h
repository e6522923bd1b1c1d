/*
 * store-fixture.h - a store in a directory of its own, with its loop and
 * the default workflow and deadlines, for the unit tests that drive the
 * store from C: made by a test's setup, closed and opened again within a
 * test (with a page limit if need be), and closed and removed by its
 * teardown; the test's writes and reads queued and waited for, and its
 * SQL run on the database file behind the store's back. Included
 * by one test file each, so its functions are static (inline: a test
 * need not use them all).
 */
#ifndef PT_TEST_STORE_FIXTURE_H
#define PT_TEST_STORE_FIXTURE_H

#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "fixture-base.h"
#include "store.h"
#include "workflow.h"

typedef struct {
    uv_loop_t loop;
    pt_workflow_t *wf;
    pt_deadlines_t deadlines; /* the defaults */
    pt_store_t *store;        /* NULL while closed */
    char dir[64];
    char path[128];
    int pending; /* the test's requests not answered yet */
} fixture_t;

/* Opens the store at f->path, its database limited to max_pages pages (0:
 * no limit). Returns what pt_store_open does, its message on stderr. */
static inline int fixture_open(fixture_t *f, int64_t max_pages)
{
    pt_error_t err = {0};
    pt_store_options_t o = {
        .path = f->path, .workflow = f->wf, .deadlines = f->deadlines, .max_page_count = max_pages};
    int rc = pt_store_open(&f->loop, &o, &f->store, &err);
    if (rc != PT_OK)
        fprintf(stderr, "open: %s\n", err.message);
    pt_error_clear(&err);
    return rc;
}

/* Closes the store, its answers delivered. */
static inline void fixture_close(fixture_t *f)
{
    pt_store_close(f->store);
    f->store = NULL;
    uv_run(&f->loop, UV_RUN_DEFAULT);
}

/* A new, empty store in a directory /tmp/NAME-XXXXXX. */
static inline fixture_t *fixture_new(const char *name)
{
    fixture_t *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    uv_loop_init(&f->loop);
    fixture_dir_make(f->dir, sizeof(f->dir), name);
    snprintf(f->path, sizeof(f->path), "%s/ptrack.db", f->dir);
    fixture_workflow_default(&f->wf, &f->deadlines);
    assert_int_equal(fixture_open(f, 0), PT_OK);
    return f;
}

/* Closes the store if it is open and removes it with its directory. */
static inline void fixture_free(fixture_t *f)
{
    if (f->store)
        fixture_close(f);
    uv_loop_close(&f->loop);
    pt_workflow_free(f->wf);
    fixture_dir_remove(f->dir);
    free(f);
}

/* A cmocka setup and teardown: a new, empty store for each test. */
static inline int fixture_setup(void **state)
{
    *state = fixture_new("pt-store");
    return 0;
}

static inline int fixture_teardown(void **state)
{
    fixture_free(*state);
    return 0;
}

/* The answer to a write or read of the test's (data: the fixture): one
 * request fewer pending, and the loop stopped once none is. */
static inline void fixture_answered(fixture_t *f)
{
    f->pending--;
    if (f->pending == 0)
        uv_stop(&f->loop);
}

static inline void fixture_on_write(pt_write_t *w)
{
    fixture_answered(w->data);
}

static inline void fixture_on_read(pt_read_t *r)
{
    fixture_answered(r->data);
}

/* Queues the write w, its answer pending until fixture_wait. */
static inline void fixture_write(fixture_t *f, pt_write_t *w)
{
    w->cb = fixture_on_write;
    w->data = f;
    f->pending++;
    assert_int_equal(pt_store_write(f->store, w), PT_OK);
}

/* Queues the read r, its answer pending until fixture_wait. */
static inline void fixture_read(fixture_t *f, pt_read_t *r)
{
    r->cb = fixture_on_read;
    r->data = f;
    f->pending++;
    assert_int_equal(pt_store_read(f->store, r), PT_OK);
}

/* Runs the loop until every write and read queued is answered. */
static inline void fixture_wait(fixture_t *f)
{
    while (f->pending > 0)
        uv_run(&f->loop, UV_RUN_DEFAULT);
}

/* Runs the SQL text (statements) on the store's database file, as
 * another connection would: for what no write of the store can make. */
static inline void fixture_sql(fixture_t *f, const char *text)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *msg = NULL;
    if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", text, msg);
    sqlite3_close(db);
}

/* The first column of the first row that the query (printf's format and
 * arguments) reads from the store's database file; there must be a row. */
static inline int64_t fixture_sql_int(fixture_t *f, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

#endif

/*
 * import-store.h - a store in a directory of its own, with its loop, for
 * the unit tests that drive an all-or-nothing import's staging and move
 * from C (no HTTP, no plugin): the rows checked as an importer's records
 * are, a proposal created and acknowledged, a commit on a thread of its
 * own, the proposals counted from the database file, and everything closed
 * and removed at the end. Included
 * by one test file each, so its functions are static (inline: a test
 * need not use them all).
 */
#ifndef PT_TEST_IMPORT_STORE_H
#define PT_TEST_IMPORT_STORE_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "fixture-base.h"
#include "store.h"
#include "workflow.h"

typedef struct {
    char dir[64];
    char path[128];
    uv_loop_t loop;
    pt_workflow_t *wf;
    pt_store_t *store; /* NULL once closed */
} import_store_t;

/* A new, empty store in a directory of its own (name: its prefix). */
static inline void import_store_open(import_store_t *t, const char *name)
{
    fixture_dir_make(t->dir, sizeof(t->dir), name);
    snprintf(t->path, sizeof(t->path), "%s/ptrack.db", t->dir);
    uv_loop_init(&t->loop);
    pt_store_options_t o = {.path = t->path};
    fixture_workflow_default(&t->wf, &o.deadlines);
    o.workflow = t->wf;
    pt_error_t err = {0};
    assert_int_equal(pt_store_open(&t->loop, &o, &t->store, &err), PT_OK);
}

/* n rows checked as an import's records are, ready to stage: proposals of
 * one delegation, one lead author and one tag, numbered in their titles.
 * Free them with import_store_rows_free. */
static inline pt_import_row_t **import_store_rows(import_store_t *t, int n)
{
    pt_import_row_t **rows = calloc((size_t)n, sizeof(*rows));
    assert_non_null(rows);
    for (int i = 0; i < n; i++) {
        char json[256];
        snprintf(json, sizeof(json),
                 "{\"title\":\"关于第%d件导入建议的办理\",\"delegation\":\"山西代表团\","
                 "\"lead_author\":\"王芳\",\"tags\":[\"民生\"]}",
                 i + 1);
        cJSON *rec = cJSON_Parse(json);
        pt_error_t err = {0};
        assert_int_equal(pt_store_import_check(t->store, rec, NULL, &rows[i], &err), PT_OK);
        cJSON_Delete(rec);
    }
    return rows;
}

static inline void import_store_rows_free(pt_import_row_t **rows, int n)
{
    for (int i = 0; i < n; i++)
        free(rows[i]);
    free(rows);
}

static inline void import_store_on_created(pt_write_t *w)
{
    int *pending = w->data;
    (*pending)--;
}

/* Creates a proposal of that title, runs the loop until it is
 * acknowledged, and returns its id. */
static inline int64_t import_store_create(import_store_t *t, const char *title)
{
    pt_write_t *w = pt_write_new(PT_WRITE_CREATE);
    w->if_match = -1;
    w->body = cJSON_CreateObject();
    cJSON_AddStringToObject(w->body, "title", title);
    w->actor = strdup("root");
    int pending = 1;
    w->cb = import_store_on_created;
    w->data = &pending;
    assert_int_equal(pt_store_write(t->store, w), PT_OK);
    while (pending > 0)
        uv_run(&t->loop, UV_RUN_ONCE);
    assert_int_equal(w->err.code, PT_OK);
    int64_t id = w->id;
    pt_write_free(w);
    return id;
}

/* The proposals in the database file, as another process reads them. */
static inline int64_t import_store_count(const import_store_t *t)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(t->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM proposals", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Whether a write holds the database now: 1 when another connection
 * cannot begin a write transaction (SQLITE_BUSY), 0 when it can, -1 on
 * another error. Once the store has opened, nothing but the writes the
 * test queues takes the write lock (the checkpointer's checkpoints are
 * passive), so 1 tells that the writer is running one: a move under way,
 * which no clock can tell. The lock is taken and given back at once when
 * free. Thread: any (no cmocka check here). */
static inline int import_store_writing(const import_store_t *t)
{
    sqlite3 *db;
    if (sqlite3_open_v2(t->path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_BUSY ? 1 : rc == SQLITE_OK ? 0 : -1;
}

/* An import's commit, run on a thread of its own (pthread_create with
 * import_store_commit) while the test runs the loop, through which the
 * move is answered. */
typedef struct {
    pt_store_t *store;
    const char *job;
    int rc;
    pt_error_t err;
    pt_import_result_t res;
} import_store_commit_t;

static inline void *import_store_commit(void *arg)
{
    import_store_commit_t *c = arg;
    c->rc = pt_store_import_commit(c->store, c->job, "root", &c->res, &c->err);
    return NULL;
}

/* Closes the store (unless the test did) and runs the loop until its
 * handle is closed. */
static inline void import_store_close(import_store_t *t)
{
    if (t->store)
        pt_store_close(t->store);
    t->store = NULL;
    uv_run(&t->loop, UV_RUN_DEFAULT);
}

/* Closes what is left and removes the directory. */
static inline void import_store_remove(import_store_t *t)
{
    import_store_close(t);
    uv_loop_close(&t->loop);
    pt_workflow_free(t->wf);
    fixture_dir_remove(t->dir);
}

#endif /* PT_TEST_IMPORT_STORE_H */

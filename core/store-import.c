/*
 * store-import.c - storing imported proposals: checks, staging, and the
 * move into the store.
 *
 * An import that is all or nothing cannot hold its records in one open
 * transaction while the file is read (that would hold the writer, and every
 * other client, for as long as the upload takes). Its valid records are
 * staged instead, in batches, in import_staging; when the whole file has
 * been read and nothing was rejected, one custom write moves them into
 * proposals in one transaction. A failed or cancelled import deletes its
 * staging rows, and rows left by a crash are deleted before the first
 * import of the next run, so staging never shows up as proposals.
 *
 * Every write here is a PT_WRITE_CUSTOM that runs on the writer thread;
 * the calling job thread waits for its answer. Imported proposals are only
 * ever inserted with new ids, so the writer's cache needs no eviction.
 */
#include "store-sqlite.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- Checking a record (any thread) ---------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pt_store_import_check(pt_store_t *s, const cJSON *record, char **doc, pt_error_t *err)
{
    const pt_workflow_t *wf = s->opts.workflow;
    *doc = NULL;
    bool stored = cJSON_GetObjectItemCaseSensitive(record, "id") ||
                  cJSON_GetObjectItemCaseSensitive(record, "version") ||
                  cJSON_GetObjectItemCaseSensitive(record, "created_at");
    pt_proposal_t p;
    int rc = pt_proposal_from_json(record, stored ? PT_DECODE_STORED : PT_DECODE_CREATE,
                                   &s->opts.validate, &p, err);
    if (rc != PT_OK)
        return rc;
    if (!p.status) {
        p.status = strdup(pt_workflow_default_state(wf));
        if (!p.status) {
            pt_proposal_free(&p);
            return pt_error_set(err, PT_ENOMEM, "out of memory");
        }
    } else if (stored ? !pt_workflow_has_state(wf, p.status)
                      : !pt_workflow_is_initial(wf, p.status)) {
        pt_error_set(err, PT_EVALIDATION, "status: \"%s\" is not a state %s", p.status,
                     stored ? "of the workflow" : "a proposal can be created in");
        pt_error_add_field(err, "status", "\"%s\" is not a state %s", p.status,
                           stored ? "of the workflow" : "a proposal can be created in");
        pt_proposal_free(&p);
        return PT_EVALIDATION;
    }
    /* The proposal is new here: its old id means nothing in this store, nor
     * does a merge into another of the old ids. The placeholders keep the
     * staged document decodable; the insert gives the real id and version. */
    p.id = 1;
    p.version = 1;
    p.merged_into = 0;
    size_t len;
    *doc = pt_proposal_to_text(&p, false, pt_workflow_clock_runs(wf, p.status), now_ms(), &len);
    pt_proposal_free(&p);
    return *doc ? PT_OK : pt_error_set(err, PT_ENOMEM, "out of memory");
}

/* ---- Custom writes, waited for -------------------------------------- */

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool done;
} waiter_t;

/* Thread: loop (a write's callback); wakes the job thread that waits. */
static void on_write_done(pt_write_t *w)
{
    waiter_t *wt = w->data;
    pthread_mutex_lock(&wt->mu);
    wt->done = true;
    pthread_cond_signal(&wt->cond);
    pthread_mutex_unlock(&wt->mu);
}

/* Queues a custom write and waits until it has committed (or failed). */
static int run_custom(pt_store_t *s, int (*fn)(void *, pt_write_t *), void *arg, pt_error_t *err)
{
    waiter_t wt = {.done = false};
    pthread_mutex_init(&wt.mu, NULL);
    pthread_cond_init(&wt.cond, NULL);
    pt_write_t *w = pt_write_new(PT_WRITE_CUSTOM);
    if (!w)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    w->run_ = fn;
    w->arg_ = arg;
    w->cb = on_write_done;
    w->data = &wt;
    int rc;
    if (pt_store_write(s, w) != PT_OK) {
        rc = pt_error_set(err, PT_ESTORAGE, "the store is closing; nothing was saved");
    } else {
        pthread_mutex_lock(&wt.mu);
        while (!wt.done)
            pthread_cond_wait(&wt.cond, &wt.mu);
        pthread_mutex_unlock(&wt.mu);
        rc = w->err.code;
        if (rc != PT_OK)
            pt_error_move(err, &w->err);
    }
    pt_write_free(w);
    pthread_mutex_destroy(&wt.mu);
    pthread_cond_destroy(&wt.cond);
    return rc;
}

/* Runs one statement with up to two text parameters and an integer. */
static int exec_sql(sqlite3 *db, const char *sql, const char *t1, int64_t n2, const char *t3,
                    pt_error_t *err, const char *what)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(err, db, what);
    int np = sqlite3_bind_parameter_count(st);
    if (np >= 1)
        sqlite3_bind_text(st, 1, t1, -1, SQLITE_STATIC);
    if (np >= 2)
        sqlite3_bind_int64(st, 2, n2);
    if (np >= 3)
        sqlite3_bind_text(st, 3, t3, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? PT_OK : pt_sqlite_error(err, db, what);
}

/* Staging rows left behind by a run that crashed mid-import belong to no
 * job any more: they are deleted once, before this run's first import. */
static pthread_mutex_t sweep_mu = PTHREAD_MUTEX_INITIALIZER;
static bool swept;

static int run_sweep(void *conn, pt_write_t *w)
{
    return exec_sql(conn, "DELETE FROM import_staging", NULL, 0, NULL, &w->err,
                    "clearing old import staging");
}

/* Queued under sweep_mu, so that no job's staging write can be queued
 * before it (the writer runs writes in queue order). */
static int sweep_once(pt_store_t *s, pt_error_t *err)
{
    pthread_mutex_lock(&sweep_mu);
    int rc = PT_OK;
    if (!swept) {
        rc = run_custom(s, run_sweep, NULL, err);
        swept = rc == PT_OK;
    }
    pthread_mutex_unlock(&sweep_mu);
    return rc;
}

typedef struct {
    const char *job;
    int64_t first_n;
    char *const *docs;
    size_t n;
    const char *actor;
    pt_import_result_t *res;
} batch_t;

static int run_stage(void *conn, pt_write_t *w)
{
    batch_t *b = w->arg_;
    sqlite3 *db = conn;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO import_staging (job, n, doc) VALUES (?1, ?2, ?3)", -1,
                           &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(&w->err, db, "staging an import");
    int rc = PT_OK;
    for (size_t i = 0; i < b->n && rc == PT_OK; i++) {
        sqlite3_bind_text(st, 1, b->job, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, b->first_n + (int64_t)i);
        sqlite3_bind_text(st, 3, b->docs[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = pt_sqlite_error(&w->err, db, "staging an import");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

int pt_store_import_stage(pt_store_t *s, const char *job, int64_t first_n, char *const *docs,
                          size_t n, pt_error_t *err)
{
    if (sweep_once(s, err) != PT_OK)
        return err->code;
    batch_t b = {.job = job, .first_n = first_n, .docs = docs, .n = n};
    return run_custom(s, run_stage, &b, err);
}

static int run_drop(void *conn, pt_write_t *w)
{
    batch_t *b = w->arg_;
    return exec_sql(conn, "DELETE FROM import_staging WHERE job = ?1", b->job, 0, NULL, &w->err,
                    "dropping an import's staging");
}

int pt_store_import_drop(pt_store_t *s, const char *job, pt_error_t *err)
{
    batch_t b = {.job = job};
    return run_custom(s, run_drop, &b, err);
}

/* ---- Inserting ---------------------------------------------------------- */

/* The statements that tell a duplicate: the same number in the same
 * session, or the same source.ref. */
typedef struct {
    sqlite3_stmt *by_number, *by_ref;
} dup_t;

static int dup_open(sqlite3 *db, dup_t *d, pt_error_t *err)
{
    d->by_number = d->by_ref = NULL;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM proposals WHERE number = ?1 AND session IS ?2", -1,
                           &d->by_number, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT 1 FROM proposals WHERE source_ref = ?1", -1, &d->by_ref,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(d->by_number);
        return pt_sqlite_error(err, db, "looking for duplicates");
    }
    return PT_OK;
}

static void dup_close(dup_t *d)
{
    sqlite3_finalize(d->by_number);
    sqlite3_finalize(d->by_ref);
}

static bool found(sqlite3_stmt *st)
{
    bool row = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return row;
}

static bool is_duplicate(dup_t *d, const pt_proposal_t *p)
{
    if (p->number) {
        sqlite3_bind_text(d->by_number, 1, p->number, -1, SQLITE_STATIC);
        if (p->session)
            sqlite3_bind_text(d->by_number, 2, p->session, -1, SQLITE_STATIC);
        if (found(d->by_number))
            return true;
    }
    if (p->source_ref) {
        sqlite3_bind_text(d->by_ref, 1, p->source_ref, -1, SQLITE_STATIC);
        if (found(d->by_ref))
            return true;
    }
    return false;
}

/* Decodes one checked document and inserts it unless it is a duplicate. */
static int insert_doc(void *conn, dup_t *d, const char *doc, size_t len, const char *actor,
                      pt_import_result_t *res, pt_error_t *err)
{
    cJSON *json = cJSON_ParseWithLength(doc, len);
    if (!json)
        return pt_error_set(err, PT_ESTORAGE, "storage error: a staged record is unreadable");
    pt_proposal_t p;
    int rc = pt_proposal_from_json(json, PT_DECODE_STORED, NULL, &p, err);
    cJSON_Delete(json);
    if (rc != PT_OK)
        return rc;
    if (is_duplicate(d, &p)) {
        res->skipped++;
    } else {
        rc = pt_store_insert_proposal(conn, &p, actor, "import", err);
        if (rc == PT_OK) {
            res->imported++;
            if (!res->first_id)
                res->first_id = p.id;
            res->last_id = p.id;
        }
    }
    pt_proposal_free(&p);
    return rc;
}

static int run_commit(void *conn, pt_write_t *w)
{
    batch_t *b = w->arg_;
    sqlite3 *db = conn;
    pt_import_result_t res = {0};
    dup_t d;
    if (dup_open(db, &d, &w->err) != PT_OK)
        return w->err.code;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT doc FROM import_staging WHERE job = ?1 ORDER BY n", -1,
                           &st, NULL) != SQLITE_OK) {
        dup_close(&d);
        return pt_sqlite_error(&w->err, db, "reading an import's staging");
    }
    sqlite3_bind_text(st, 1, b->job, -1, SQLITE_STATIC);
    int rc = PT_OK, step;
    while (rc == PT_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = insert_doc(conn, &d, (const char *)sqlite3_column_text(st, 0),
                        (size_t)sqlite3_column_bytes(st, 0), b->actor, &res, &w->err);
    if (rc == PT_OK && step != SQLITE_DONE)
        rc = pt_sqlite_error(&w->err, db, "reading an import's staging");
    sqlite3_finalize(st);
    dup_close(&d);
    if (rc == PT_OK)
        *b->res = res;
    return rc;
}

int pt_store_import_commit(pt_store_t *s, const char *job, const char *actor,
                           pt_import_result_t *res, pt_error_t *err)
{
    memset(res, 0, sizeof(*res));
    batch_t b = {.job = job, .actor = actor, .res = res};
    int rc = run_custom(s, run_commit, &b, err);
    if (rc != PT_OK)
        return rc;
    /* The staging rows go in a transaction of their own: deleting them in
     * the move would make its savepoint keep a copy of every staging page
     * (SQLite journals each page a savepoint changes), and rows left by a
     * crash in between are swept at the next start. */
    pt_error_t derr = {0};
    if (pt_store_import_drop(s, job, &derr) != PT_OK)
        pt_error_clear(&derr);
    return PT_OK;
}

static int run_direct(void *conn, pt_write_t *w)
{
    batch_t *b = w->arg_;
    pt_import_result_t res = *b->res;
    dup_t d;
    if (dup_open(conn, &d, &w->err) != PT_OK)
        return w->err.code;
    int rc = PT_OK;
    for (size_t i = 0; i < b->n && rc == PT_OK; i++)
        rc = insert_doc(conn, &d, b->docs[i], strlen(b->docs[i]), b->actor, &res, &w->err);
    dup_close(&d);
    if (rc == PT_OK)
        *b->res = res;
    return rc;
}

int pt_store_import_direct(pt_store_t *s, char *const *docs, size_t n, const char *actor,
                           pt_import_result_t *res, pt_error_t *err)
{
    batch_t b = {.docs = docs, .n = n, .actor = actor, .res = res};
    return run_custom(s, run_direct, &b, err);
}

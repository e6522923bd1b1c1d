/*
 * store-sqlite.c - the SQLite store's life cycle and its two hand-overs:
 * writes from the loop to the writer thread and back, and reads from the
 * loop to the thread pool and back.
 *
 * What must stay true: a write's callback runs on the loop only after the
 * transaction that holds it has committed (or failed); every write queued is
 * answered exactly once, also when the store closes.
 */
#include "store-sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "log.h"
#include "signals.h"

pt_write_t *pt_write_new(pt_write_op_t op)
{
    pt_write_t *w = calloc(1, sizeof(*w));
    if (w) {
        w->op = op;
        w->if_match = -1;
    }
    return w;
}

void pt_write_free(pt_write_t *w)
{
    if (!w)
        return;
    free(w->action);
    cJSON_Delete(w->body);
    free(w->actor);
    free(w->idem_key);
    free(w->idem_who);
    free(w->name);
    free(w->scope_unit);
    free(w->scope_person);
    free(w->scope_refused);
    free(w->json);
    pt_error_clear(&w->err);
    free(w);
}

pt_read_t *pt_read_new(pt_read_op_t op)
{
    pt_read_t *r = calloc(1, sizeof(*r));
    if (r) {
        r->op = op;
        r->query.key_supervision = -1;
        r->query.overdue = -1;
        r->query.limit = 50;
        r->limit = 100;
    }
    return r;
}

void pt_list_query_clear(pt_list_query_t *q)
{
    free(q->status);
    free(q->kind);
    free(q->session);
    free(q->number);
    free(q->delegation);
    free(q->unit);
    free(q->person);
    free(q->category);
    free(q->tag);
    free(q->q);
    for (int i = 0; i < PT_TODO_N; i++)
        free(q->todo_states[i]);
    free(q->awaiting_states);
    memset(q, 0, sizeof(*q));
    q->key_supervision = q->overdue = -1;
}

void pt_read_free(pt_read_t *r)
{
    if (!r)
        return;
    pt_list_query_clear(&r->query);
    free(r->json);
    pt_error_clear(&r->err);
    free(r);
}

/* Runs on the loop when the writer has finished a batch: answers every write
 * of it, in the order they were queued. */
static void on_writes_done(uv_async_t *async)
{
    pt_store_t *s = async->data;
    pthread_mutex_lock(&s->mu);
    pt_write_t *w = s->done_head;
    s->done_head = s->done_tail = NULL;
    int64_t last = s->done_last_seq;
    bool failed = s->done_commit_failed;
    s->done_commit_failed = false;
    if (s->done_due_hint && (!s->due_hint || s->done_due_hint < s->due_hint))
        s->due_hint = s->done_due_hint;
    s->done_due_hint = 0;
    for (int i = 0; i <= PT_STORE_BATCH_BUCKETS; i++) {
        s->batch_hist[i] += s->done_batch_hist[i];
        s->done_batch_hist[i] = 0;
    }
    s->commits += s->done_commits;
    s->writes += s->done_writes;
    s->done_commits = s->done_writes = 0;
    pthread_mutex_unlock(&s->mu);

    /* An import refused while it staged hands back no write, only that
     * it failed (store-import.c). */
    if (w || failed)
        s->writable = !failed;
    bool advanced = last > s->last_seq;
    if (advanced)
        s->last_seq = last;
    while (w) {
        pt_write_t *next = w->next_;
        w->next_ = NULL;
        w->cb(w);
        w = next;
    }
    if (advanced && s->on_commit)
        s->on_commit(s->last_seq, s->on_commit_ud);
}

/* Reads the store's id into s->id, making it first when the row is
 * missing: migration 19 made it, and an operator who copied the file to
 * start another office's store deleted it, so that the copy has an id of
 * its own. Returns PT_OK or PT_ESTORAGE with err set. */
static int read_store_id(pt_store_t *s, pt_error_t *err)
{
    static const char *const make = "INSERT OR IGNORE INTO store_meta (key, value)"
                                    "  VALUES ('store_id', lower(hex(randomblob(16))))";
    sqlite3_stmt *st;
    s->id[0] = '\0';
    for (int pass = 0; pass < 2 && !s->id[0]; pass++) {
        if (pass == 1 && sqlite3_exec(s->wdb, make, NULL, NULL, NULL) != SQLITE_OK)
            return pt_sqlite_error(err, s->wdb, "making the store's id");
        if (sqlite3_prepare_v2(s->wdb, "SELECT value FROM store_meta WHERE key = 'store_id'", -1,
                               &st, NULL) != SQLITE_OK)
            return pt_sqlite_error(err, s->wdb, "reading the store's id");
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(s->id, sizeof(s->id), "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    return PT_OK;
}

const char *pt_store_id(const pt_store_t *store)
{
    return store && store->id[0] ? store->id : NULL;
}

/* The integer the query's first row holds into *v (0 for no row or NULL).
 * Returns SQLite's code: a read that fails (a damaged page, an I/O error)
 * is not taken for 0, which would number the next proposal 1 and the next
 * event after nothing, and take the change feed's mark for a restore. */
static int read_int(sqlite3 *db, const char *sql, int64_t *v)
{
    sqlite3_stmt *st;
    *v = 0;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void pt_cond_init_monotonic(pthread_cond_t *cond)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &ca);
    pthread_condattr_destroy(&ca);
}

/* The clock column of each stored proposal as the workflow says for its
 * state: the workflow may have changed since the row was written (an
 * office's own, or a release's, in which the deadline runs in other
 * states), and the column decides what is overdue. */
/* Whether a stored proposal's clock differs from the workflow's for its
 * state: a read, so that a start with nothing to change takes no lock.
 * It reads the rows whose clock runs (found by proposals_due, whose first
 * column is the clock) and the rows of the states where it should (by
 * one of the indexes that lead with the status), and no other: the
 * proposals closed in earlier years, most of an aged store, are not read
 * at all. Checking state by state read every row, which after a reboot,
 * with nothing in the page cache, took 7 s at 100,000 proposals. The
 * column only ever holds 0 or 1. The unary + keeps SQLite from the other
 * index in each half. */
static bool clock_differs(sqlite3 *db, const cJSON *states)
{
    cJSON *runs = cJSON_CreateArray(), *stops = cJSON_CreateArray();
    bool listed = runs && stops;
    const cJSON *st;
    cJSON_ArrayForEach(st, (listed ? states : NULL))
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(st, "name");
        bool clock = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "clock"));
        if (!cJSON_IsString(name))
            continue;
        cJSON *item = cJSON_CreateString(name->valuestring);
        if (!item) {
            listed = false;
            break;
        }
        cJSON_AddItemToArray(clock ? runs : stops, item);
    }
    char *run_list = listed ? cJSON_PrintUnformatted(runs) : NULL;
    char *stop_list = listed ? cJSON_PrintUnformatted(stops) : NULL;
    cJSON_Delete(runs);
    cJSON_Delete(stops);
    sqlite3_stmt *q = NULL;
    /* Out of memory, or a failure: the update runs, and says what is
     * wrong. */
    bool differs = true;
    if (run_list && stop_list &&
        sqlite3_prepare_v2(db,
                           "SELECT 1 FROM proposals WHERE clock = 1"
                           " AND +status IN (SELECT value FROM json_each(?1))"
                           " UNION ALL SELECT 1 FROM proposals"
                           " WHERE status IN (SELECT value FROM json_each(?2)) AND +clock != 1"
                           " LIMIT 1",
                           -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, stop_list, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, run_list, -1, SQLITE_STATIC);
        differs = sqlite3_step(q) != SQLITE_DONE;
    }
    sqlite3_finalize(q);
    cJSON_free(run_list);
    cJSON_free(stop_list);
    return differs;
}

static int reconcile_clock(sqlite3 *db, const pt_workflow_t *wf, pt_error_t *err)
{
    cJSON *j = pt_workflow_to_json(wf);
    const cJSON *states = cJSON_GetObjectItemCaseSensitive(j, "states"), *st;
    sqlite3_stmt *up = NULL;
    int rc = PT_OK;
    if (j && !clock_differs(db, states)) {
        cJSON_Delete(j);
        return PT_OK;
    }
    if (!j)
        rc = pt_error_set(err, PT_ENOMEM, "out of memory");
    else if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
             sqlite3_prepare_v2(db,
                                "UPDATE proposals SET clock = ?1 WHERE status = ?2 AND clock != ?1",
                                -1, &up, NULL) != SQLITE_OK)
        rc = pt_sqlite_error(err, db, "setting the deadlines' clock from the workflow");
    if (rc != PT_OK)
        states = NULL;
    cJSON_ArrayForEach(st, states)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(st, "name");
        bool clock = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "clock"));
        if (!cJSON_IsString(name))
            continue;
        sqlite3_bind_int(up, 1, clock);
        sqlite3_bind_text(up, 2, name->valuestring, -1, SQLITE_STATIC);
        if (sqlite3_step(up) != SQLITE_DONE) {
            rc = pt_sqlite_error(err, db, "setting the deadlines' clock from the workflow");
            break;
        }
        if (sqlite3_changes(db) > 0)
            pt_info("the workflow says the deadline %s in state %s: %d proposal%s changed",
                    clock ? "runs" : "does not run", name->valuestring, sqlite3_changes(db),
                    sqlite3_changes(db) == 1 ? "" : "s");
        sqlite3_reset(up);
    }
    sqlite3_finalize(up);
    if (rc == PT_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = pt_sqlite_error(err, db, "setting the deadlines' clock from the workflow");
    if (rc != PT_OK)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    cJSON_Delete(j);
    return rc;
}

/* Says at start which stored proposals are in a state the workflow does
 * not have (a state an office's new workflow file dropped): no action
 * runs on them until the state is back (docs/workflow.md). */
static void warn_unknown_states(sqlite3 *db, const pt_workflow_t *wf)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT status, count(*) FROM proposals GROUP BY status", -1, &q,
                           NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(q, 0);
        long long n = sqlite3_column_int64(q, 1);
        if (state && !pt_workflow_has_state(wf, state))
            pt_warn("%lld proposal%s in state \"%s\", which workflow %s does not have: no "
                    "action runs on %s until a workflow with that state is in force",
                    n, n == 1 ? " is" : "s are", state, pt_workflow_name(wf),
                    n == 1 ? "it" : "them");
    }
    sqlite3_finalize(q);
}

void pt_store_peek_states(const char *path, const pt_workflow_t *wf)
{
    sqlite3 *db = NULL;
    if (pt_sqlite_open_peek(path, &db) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        warn_unknown_states(db, wf);
    }
    sqlite3_close(db);
}

void pt_store_disk_figures(const pt_store_t *s, int64_t *db_bytes, int64_t *free_bytes)
{
    struct stat st;
    struct statvfs vfs;
    *db_bytes = stat(s->path, &st) == 0 ? (int64_t)st.st_size : -1;
    *free_bytes = statvfs(s->path, &vfs) == 0 ? (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize : -1;
}

/* SQLite's settings for the whole process, which only take before its
 * first use (later sqlite3_config refuses them and changes nothing):
 * called first thing by everything here that may be that first use.
 *
 * Memory statistics on: /metrics shows what SQLite holds
 * (ptrack_sqlite_memory_bytes), which tells its caches filling as the
 * store grows from the heap growing for another reason. They cost a
 * global mutex on every allocation of every connection. They were once
 * turned off here, but pt_store_set_temp_dir's sqlite3_mprintf used
 * SQLite first, so ptrackd has run with them on since the temporary
 * directory moved into the data directory, and every figure of bench/
 * since was measured so. */
static void sqlite_configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
}

void pt_store_sqlite_memory(int64_t *used, int64_t *highwater)
{
    sqlite3_int64 cur = 0, hi = 0;
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hi, 0);
    *used = cur;
    *highwater = hi;
}

int pt_store_set_temp_dir(const char *dir)
{
    sqlite_configure();
    /* SQLite frees and reads it as its own: it must come from
     * sqlite3_mprintf. */
    char *copy = sqlite3_mprintf("%s", dir);
    if (!copy)
        return PT_ENOMEM;
    sqlite3_free(sqlite3_temp_directory);
    sqlite3_temp_directory = copy;
    return PT_OK;
}

/* Sets err for a database that the writer cannot open, or whose file is
 * not one. */
static void open_error(sqlite3 *db, const char *path, pt_error_t *err)
{
    /* SQLite's "unable to open database file" does not say why; the
     * system's error does (a file or directory of another owner). */
    int e = db ? sqlite3_system_errno(db) : 0;
    pt_error_set(err, PT_ESTORAGE, "cannot open the database %s: %s%s%s%s", path,
                 db ? sqlite3_errmsg(db) : "out of memory", e ? " (" : "", e ? strerror(e) : "",
                 e ? ")" : "");
}

/* How many idle read connections are kept for the next reads: as many as
 * libuv's pool has threads (UV_THREADPOOL_SIZE, 4 by default), which run
 * the reads. An export or an import holds one of its own while it runs;
 * given back when more are idle, it is closed. */
static unsigned readers_kept(void)
{
    const char *v = getenv("UV_THREADPOOL_SIZE");
    long n = v ? strtol(v, NULL, 10) : 0;
    if (n < 4)
        return 4;
    return n > 1024 ? 1024 : (unsigned)n;
}

int pt_store_open(uv_loop_t *loop, const pt_store_options_t *opts, pt_store_t **out,
                  pt_error_t *err)
{
    *out = NULL;
    sqlite_configure();
    pt_store_t *s = calloc(1, sizeof(*s));
    if (!s)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    s->loop = loop;
    s->opts = *opts;
    if (!s->opts.max_batch)
        s->opts.max_batch = 1024;
    s->path = strdup(opts->path);
    s->writable = true;
    s->seqmark_fd = -1;
    pthread_mutex_init(&s->mu, NULL);
    /* The writer's timed waits (the search backlog's turns) are on the
     * monotonic clock. */
    pt_cond_init_monotonic(&s->cond);
    pthread_mutex_init(&s->rmu, NULL);
    s->readers_kept = readers_kept();

    if (!s->path || pt_sqlite_open(s->path, true, &s->wdb) != SQLITE_OK) {
        open_error(s->wdb, opts->path, err);
        goto fail;
    }
    /* SQLite opens a file it may not write read-only, without an error:
     * ptrackd would then start and answer every write 503. */
    if (sqlite3_db_readonly(s->wdb, "main") == 1) {
        pt_error_set(err, PT_ESTORAGE,
                     "the database %s is read-only to ptrackd (uid %ld): it and its directory "
                     "must be writable by the user ptrackd runs as",
                     opts->path, (long)geteuid());
        goto fail;
    }
    if (pt_sqlite_check_ours(s->wdb, opts->path, err) != PT_OK)
        goto fail;
    if (pt_sqlite_wal(s->wdb) != SQLITE_OK) {
        open_error(s->wdb, opts->path, err);
        goto fail;
    }
    if (pt_sqlite_migrate(s->wdb, err) != PT_OK || read_store_id(s, err) != PT_OK)
        goto fail;
    if (opts->workflow && reconcile_clock(s->wdb, opts->workflow, err) != PT_OK)
        goto fail;
    if (opts->workflow)
        warn_unknown_states(s->wdb, opts->workflow);
    if (opts->max_page_count > 0) {
        char sql[64];
        snprintf(sql, sizeof(sql), "PRAGMA max_page_count=%lld;", (long long)opts->max_page_count);
        sqlite3_exec(s->wdb, sql, NULL, NULL, NULL);
    }
    /* Ids are handed out by the writer; AUTOINCREMENT's counter says which
     * ids were ever used, so none is used twice, deleted or not. */
    if (read_int(s->wdb, "SELECT seq FROM sqlite_sequence WHERE name='proposals'", &s->next_id) !=
        SQLITE_OK) {
        pt_sqlite_error(err, s->wdb, "reading the last proposal id given out");
        goto fail;
    }
    s->next_id++;
    if (read_int(s->wdb, "SELECT max(seq) FROM events", &s->last_seq) != SQLITE_OK) {
        pt_sqlite_error(err, s->wdb, "reading the change feed's newest event");
        goto fail;
    }
    if (pt_store_seqmark_open(s, err) != PT_OK)
        goto fail;
    s->search_backlog = pt_store_search_backlog(s->wdb);
    if (s->search_backlog < 0) {
        pt_error_set(err, PT_ESTORAGE, "cannot read the search backlog: %s",
                     sqlite3_errmsg(s->wdb));
        goto fail;
    }
    if (s->search_backlog > 0)
        pt_info("search: %lld proposals are still to be indexed", (long long)s->search_backlog);

    if (pt_store_checkpointer_start(s) != 0)
        pt_warn("cannot start the checkpointer thread; the writer will checkpoint");
    if (uv_async_init(loop, &s->async, on_writes_done) != 0) {
        pt_error_set(err, PT_ESTORAGE, "cannot set up the store's wake-up");
        goto fail;
    }
    s->async.data = s;
    if (pt_thread_start(&s->writer, pt_store_writer_main, s) != 0) {
        pt_error_set(err, PT_ESTORAGE, "cannot start the writer thread");
        uv_close((uv_handle_t *)&s->async, NULL);
        goto fail;
    }
    s->writer_started = true;
    *out = s;
    return PT_OK;

fail:
    pt_store_checkpointer_stop(s);
    pt_store_seqmark_close(s);
    sqlite3_close(s->wdb);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->rmu);
    free(s->path);
    free(s);
    return err->code ? err->code : PT_ESTORAGE;
}

static void on_async_closed(uv_handle_t *h)
{
    free(h->data);
}

void pt_store_close(pt_store_t *s)
{
    if (!s)
        return;
    s->closed = true;
    /* The writer drains what is queued, commits it, and exits. */
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->writer, NULL);
    pt_store_checkpointer_stop(s);
    pt_store_seqmark_close(s);
    /* Answer what the writer finished after the loop last looked. */
    on_writes_done(&s->async);
    sqlite3_close(s->wdb);
    pt_readconn_t *c = s->readers;
    while (c) {
        pt_readconn_t *next = c->next;
        sqlite3_close(c->db);
        free(c);
        c = next;
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->rmu);
    free(s->path);
    /* libuv owns the async handle until its close callback has run: the
     * store is freed there, not here. */
    uv_close((uv_handle_t *)&s->async, on_async_closed);
}

int pt_store_write(pt_store_t *s, pt_write_t *w)
{
    w->next_ = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->stopping) {
        pthread_mutex_unlock(&s->mu);
        return PT_ESTORAGE;
    }
    if (s->queue_tail)
        s->queue_tail->next_ = w;
    else
        s->queue_head = w;
    s->queue_tail = w;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mu);
    return PT_OK;
}

void pt_store_on_commit(pt_store_t *s, void (*cb)(int64_t, void *), void *ud)
{
    s->on_commit = cb;
    s->on_commit_ud = ud;
}

int64_t pt_store_last_seq(const pt_store_t *s)
{
    return s->last_seq;
}

bool pt_store_was_restored(const pt_store_t *s)
{
    return s->restored || s->tokens_restored;
}

int64_t pt_store_take_due_hint(pt_store_t *s)
{
    int64_t h = s->due_hint;
    s->due_hint = 0;
    return h;
}

void pt_store_set_deadlines(pt_store_t *s, const pt_deadlines_t *d)
{
    pthread_mutex_lock(&s->mu);
    s->new_deadlines = *d;
    s->deadlines_changed = true;
    pthread_mutex_unlock(&s->mu);
}

const unsigned pt_store_batch_bounds[PT_STORE_BATCH_BUCKETS] = {1,  2,   5,   10,  20,
                                                                50, 100, 200, 500, 1000};

const uint64_t *pt_store_batch_histogram(const pt_store_t *s)
{
    return s->batch_hist;
}

void pt_store_counters(const pt_store_t *s, uint64_t *commits, uint64_t *writes)
{
    *commits = s->commits;
    *writes = s->writes;
}

uint64_t pt_store_import_moves(const pt_store_t *s, int way)
{
    return way >= 0 && way < PT_IMPORT_MOVE_COUNT
               ? __atomic_load_n(&s->import_moves[way], __ATOMIC_RELAXED)
               : 0;
}

int64_t pt_store_search_backlog_size(const pt_store_t *s)
{
    return __atomic_load_n(&s->search_backlog, __ATOMIC_RELAXED);
}

void pt_store_writer_cache(const pt_store_t *s, uint64_t *bytes, uint64_t *proposals)
{
    *bytes = __atomic_load_n(&s->cache_bytes, __ATOMIC_RELAXED);
    *proposals = __atomic_load_n(&s->cache_proposals, __ATOMIC_RELAXED);
}

uint64_t pt_store_writer_cache_loads(const pt_store_t *s)
{
    return __atomic_load_n(&s->cache_loads, __ATOMIC_RELAXED);
}

bool pt_store_writable(const pt_store_t *s)
{
    return s->writable;
}

/* ---- Reads ----------------------------------------------------------- */

sqlite3 *pt_store_take_reader(pt_store_t *s)
{
    pthread_mutex_lock(&s->rmu);
    pt_readconn_t *c = s->readers;
    if (c) {
        s->readers = c->next;
        s->n_readers--;
    }
    pthread_mutex_unlock(&s->rmu);
    if (c) {
        sqlite3 *db = c->db;
        free(c);
        return db;
    }
    sqlite3 *db = NULL;
    if (pt_sqlite_open(s->path, false, &db) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

void pt_store_give_reader(pt_store_t *s, sqlite3 *db)
{
    pt_readconn_t *c = malloc(sizeof(*c));
    if (!c) {
        sqlite3_close(db);
        return;
    }
    c->db = db;
    pthread_mutex_lock(&s->rmu);
    bool keep = s->n_readers < s->readers_kept;
    if (keep) {
        c->next = s->readers;
        s->readers = c;
        s->n_readers++;
    }
    pthread_mutex_unlock(&s->rmu);
    if (!keep) {
        /* One more than the reads use at once: an export's or an import's,
         * taken while the pool's were busy. Kept, each such connection
         * would hold its -wal file open and its page cache full for good,
         * as many as the most exports that ever ran together. */
        sqlite3_close(db);
        free(c);
    }
}

/* SQLite calls it every READ_PROGRESS_OPS steps of a read's query: a
 * non-zero answer stops the query with SQLITE_INTERRUPT. Thread: pool. */
#define READ_PROGRESS_OPS 1000
static int read_progress(void *arg)
{
    pt_store_t *s = arg;
    return __atomic_load_n(&s->reads_interrupted, __ATOMIC_RELAXED);
}

static void read_work(uv_work_t *work)
{
    pt_read_t *r = work->data;
    pt_store_t *s = r->store_;
    /* libuv leaves its pool's threads with the name of the process: named
     * at their first read, they are told from the loop's thread in top -H,
     * ps -L or a debugger. */
    static _Thread_local bool named;
    if (!named) {
        pthread_setname_np(pthread_self(), "pt-read");
        named = true;
    }
    if (__atomic_load_n(&s->reads_interrupted, __ATOMIC_RELAXED)) {
        pt_error_set(&r->err, PT_ESHUTDOWN, "the read was interrupted: ptrackd is stopping");
        return;
    }
    sqlite3 *db = pt_store_take_reader(s);
    if (!db) {
        pt_error_set(&r->err, PT_ESTORAGE, "storage error: cannot open a read connection");
        return;
    }
    /* Rather than sqlite3_interrupt(), which is lost on a connection
     * between two statements: the handler is asked within each one. */
    sqlite3_progress_handler(db, READ_PROGRESS_OPS, read_progress, s);
    pt_store_read_run(s, db, r);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    pt_store_give_reader(s, db);
    if (r->err.code != PT_OK && __atomic_load_n(&s->reads_interrupted, __ATOMIC_RELAXED)) {
        pt_error_clear(&r->err);
        pt_error_set(&r->err, PT_ESHUTDOWN, "the read was interrupted: ptrackd is stopping");
    }
}

static void read_after(uv_work_t *work, int status)
{
    pt_read_t *r = work->data;
    pt_store_t *s = r->store_;
    if (status == UV_ECANCELED && !r->err.code)
        pt_error_set(&r->err, PT_ESTORAGE, "the read was cancelled");
    if (r->prev_)
        r->prev_->next_ = r->next_;
    else
        s->reads = r->next_;
    if (r->next_)
        r->next_->prev_ = r->prev_;
    /* The callback may free r, or start another read. */
    r->cb(r);
    s->reads_in_flight--;
}

int pt_store_read(pt_store_t *s, pt_read_t *r)
{
    if (s->closed)
        return PT_ESTORAGE;
    r->store_ = s;
    r->work_.data = r;
    if (uv_queue_work(s->loop, &r->work_, read_work, read_after) != 0)
        return PT_ESTORAGE;
    r->prev_ = NULL;
    r->next_ = s->reads;
    if (s->reads)
        s->reads->prev_ = r;
    s->reads = r;
    s->reads_in_flight++;
    return PT_OK;
}

unsigned pt_store_reads_in_flight(const pt_store_t *s)
{
    return s->reads_in_flight;
}

void pt_store_interrupt_reads(pt_store_t *s)
{
    __atomic_store_n(&s->reads_interrupted, 1, __ATOMIC_RELAXED);
}

static const char *read_name(pt_read_op_t op)
{
    switch (op) {
    case PT_READ_GET:
        return "a proposal";
    case PT_READ_LIST:
        return "a list";
    case PT_READ_HISTORY:
        return "a history";
    case PT_READ_EVENTS:
        return "the change feed";
    case PT_READ_STATS:
    case PT_READ_FIGURES:
        return "the figures";
    case PT_READ_COUNT:
        return "the count";
    }
    return "a read";
}

void pt_store_reads_describe(const pt_store_t *s, char *buf, size_t cap)
{
    size_t len = 0;
    if (cap == 0)
        return;
    buf[0] = '\0';
    /* By what they read, PT_READ_FIGURES with PT_READ_STATS. */
    for (int op = PT_READ_GET; op <= PT_READ_COUNT; op++) {
        unsigned n = 0;
        for (const pt_read_t *r = s->reads; r; r = r->next_)
            n += (r->op == PT_READ_FIGURES ? PT_READ_STATS : (int)r->op) == op;
        if (n == 0 || len + 1 >= cap)
            continue;
        int w = n == 1 ? snprintf(buf + len, cap - len, "%s%s", len ? ", " : "",
                                  read_name((pt_read_op_t)op))
                       : snprintf(buf + len, cap - len, "%s%s: %u", len ? ", " : "",
                                  read_name((pt_read_op_t)op), n);
        if (w < 0)
            break;
        len += (size_t)w < cap - len ? (size_t)w : cap - len - 1;
    }
}

/*
 * store-import.c - storing imported proposals: checks, staging, and the
 * move into the store.
 *
 * An import that is all or nothing cannot hold its records in one open
 * transaction while the file is read (that would hold the writer, and every
 * other client, for as long as the upload takes). Its valid records are
 * staged instead, as they are checked, in a temporary file of the job's own
 * in the database's directory; when the whole file has been read and
 * nothing was rejected, one custom write moves them into proposals in one
 * transaction. The file is unlinked from the start (O_TMPFILE, or unlinked
 * right after it is made), so a crash leaves nothing of the import behind:
 * not in the database, where nothing is written before the move commits,
 * and not on disk, where the kernel frees the file with its last
 * descriptor. Staging in a file rather than in an SQLite table spares every
 * record a write to the WAL, an fsync, a checkpoint, a read back and a
 * delete, and the delete's savepoint journal (which held a copy of every
 * staging page).
 *
 * Memory stays flat however large the import: the job thread holds one
 * record at a time, the move reads one record at a time from the file, and
 * what SQLite keeps for the move's transaction beyond its page cache (the
 * pages of the savepoint's journal) spills to a temporary file because the
 * writer's connection has temp_store=FILE (store-schema.c).
 *
 * Every write here is a PT_WRITE_CUSTOM that runs on the writer thread;
 * the calling job thread waits for its answer. Imported proposals are only
 * ever inserted with new ids, so the writer's cache needs no eviction.
 *
 * Imported proposals get their full-text entries after the import is
 * answered (store-search.c): the trigram index is the larger part of what
 * storing a proposal costs, and an import of many thousand holds the
 * writer, and every other client's write, for as long as its move takes.
 * Search finds them meanwhile all the same.
 */
#include "store-sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* ---- Staging, in a temporary file of the job's ---------------------- */

/* The staged records of one import: each is its length (a uint32_t in the
 * machine's order: the file never leaves this process) and its document.
 * The staging files of running imports are found by their job's id. */
typedef struct staging_s {
    pt_store_t *s;
    char *job;
    FILE *f;
    int64_t count;
    struct staging_s *next;
} staging_t;

static pthread_mutex_t staging_mu = PTHREAD_MUTEX_INITIALIZER;
static staging_t *stagings; /* guarded by staging_mu */

/* Opens an unlinked temporary file in the directory of the database, not
 * in /tmp: that is often a tmpfs, whose files are memory, and the data
 * directory is where the administrator has made room for the data. */
static FILE *staging_open(pt_store_t *s, pt_error_t *err)
{
    const char *slash = strrchr(s->path, '/');
    char *dir =
        slash ? strndup(s->path, (size_t)(slash - s->path) + (slash == s->path)) : strdup(".");
    if (!dir) {
        pt_error_set(err, PT_ENOMEM, "out of memory");
        return NULL;
    }
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        /* A file system without O_TMPFILE: make a file and unlink it at
         * once, so that it cannot outlive the process either. */
        size_t n = strlen(dir) + sizeof("/.ptrack-import.XXXXXX");
        char *tmpl = malloc(n);
        if (tmpl) {
            snprintf(tmpl, n, "%s/.ptrack-import.XXXXXX", dir);
            fd = mkostemp(tmpl, O_CLOEXEC);
            if (fd >= 0)
                unlink(tmpl);
            free(tmpl);
        } else {
            errno = ENOMEM;
        }
    }
    if (fd < 0) {
        pt_error_set(err, PT_ESTORAGE, "storage error while staging an import in %s: %s", dir,
                     strerror(errno));
        free(dir);
        return NULL;
    }
    free(dir);
    FILE *f = fdopen(fd, "w+b");
    if (!f) {
        close(fd);
        pt_error_set(err, PT_ENOMEM, "out of memory");
        return NULL;
    }
    return f;
}

/* Takes the staging of job out of the list; the caller closes it. */
static staging_t *staging_take(pt_store_t *s, const char *job)
{
    pthread_mutex_lock(&staging_mu);
    staging_t **pp = &stagings, *st = NULL;
    for (; *pp; pp = &(*pp)->next) {
        if ((*pp)->s == s && strcmp((*pp)->job, job) == 0) {
            st = *pp;
            *pp = st->next;
            break;
        }
    }
    pthread_mutex_unlock(&staging_mu);
    return st;
}

static void staging_close(staging_t *st)
{
    if (!st)
        return;
    if (st->f)
        fclose(st->f);
    free(st->job);
    free(st);
}

int pt_store_import_stage(pt_store_t *s, const char *job, int64_t first_n, char *const *docs,
                          size_t n, pt_error_t *err)
{
    /* Only the job's own thread stages its records, so the staging found
     * here is not used by another thread meanwhile. */
    staging_t *st = staging_take(s, job);
    if (!st) {
        st = calloc(1, sizeof(*st));
        if (!st || !(st->job = strdup(job))) {
            free(st);
            return pt_error_set(err, PT_ENOMEM, "out of memory");
        }
        st->s = s;
        if (!(st->f = staging_open(s, err))) {
            staging_close(st);
            return err->code;
        }
    }
    if (first_n != st->count) {
        staging_close(st);
        return pt_error_set(err, PT_EINTERNAL, "import %s staged record %lld out of order", job,
                            (long long)first_n);
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(docs[i]);
        uint32_t len32 = (uint32_t)len;
        if (len > UINT32_MAX || fwrite(&len32, sizeof(len32), 1, st->f) != 1 ||
            fwrite(docs[i], 1, len, st->f) != len) {
            pt_error_set(err, PT_ESTORAGE, "storage error while staging an import: %s",
                         len > UINT32_MAX ? "a record is too large" : strerror(errno));
            staging_close(st);
            return PT_ESTORAGE;
        }
    }
    st->count += (int64_t)n;
    pthread_mutex_lock(&staging_mu);
    st->next = stagings;
    stagings = st;
    pthread_mutex_unlock(&staging_mu);
    return PT_OK;
}

int pt_store_import_drop(pt_store_t *s, const char *job, pt_error_t *err)
{
    (void)err;
    staging_close(staging_take(s, job));
    return PT_OK;
}

typedef struct {
    staging_t *staging;
    char *const *docs;
    size_t n;
    const char *actor;
    pt_import_result_t *res;
} batch_t;

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
        rc = pt_store_insert_proposal(conn, &p, actor, "import", true, err);
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

/* Reads the next staged record into *buf (grown as needed, NUL-ended).
 * Returns 1, 0 at the end, or -1 when the file is unreadable. */
static int staging_next(FILE *f, char **buf, size_t *cap, size_t *len)
{
    uint32_t len32;
    if (fread(&len32, sizeof(len32), 1, f) != 1)
        return feof(f) && !ferror(f) ? 0 : -1;
    if ((size_t)len32 + 1 > *cap) {
        char *nb = realloc(*buf, (size_t)len32 + 1);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = (size_t)len32 + 1;
    }
    if (fread(*buf, 1, len32, f) != len32)
        return -1;
    (*buf)[len32] = '\0';
    *len = len32;
    return 1;
}

/* The move: every staged record inserted in this one write, which is one
 * savepoint of one transaction, so that an error anywhere (or a crash
 * before the commit) leaves nothing of the import. One record is held at
 * a time. */
static int run_commit(void *conn, pt_write_t *w)
{
    batch_t *b = w->arg_;
    sqlite3 *db = conn;
    pt_import_result_t res = {0};
    dup_t d;
    if (dup_open(db, &d, &w->err) != PT_OK)
        return w->err.code;
    FILE *f = b->staging->f;
    char *buf = NULL;
    size_t cap = 0, len = 0;
    int rc = PT_OK, got = 0;
    while (rc == PT_OK && (got = staging_next(f, &buf, &cap, &len)) == 1)
        rc = insert_doc(conn, &d, buf, len, b->actor, &res, &w->err);
    if (rc == PT_OK && got < 0)
        rc = pt_error_set(&w->err, PT_ESTORAGE,
                          "storage error while reading an import's staging: %s",
                          ferror(f) ? strerror(errno) : "the file is cut short");
    free(buf);
    dup_close(&d);
    if (rc == PT_OK)
        *b->res = res;
    return rc;
}

int pt_store_import_commit(pt_store_t *s, const char *job, const char *actor,
                           pt_import_result_t *res, pt_error_t *err)
{
    memset(res, 0, sizeof(*res));
    staging_t *st = staging_take(s, job);
    if (!st)
        return PT_OK; /* nothing was staged: nothing to move */
    int rc = PT_OK;
    if (fflush(st->f) != 0 || fseeko(st->f, 0, SEEK_SET) != 0)
        rc = pt_error_set(err, PT_ESTORAGE, "storage error while staging an import: %s",
                          strerror(errno));
    if (rc == PT_OK) {
        batch_t b = {.staging = st, .actor = actor, .res = res};
        rc = run_custom(s, run_commit, &b, err);
    }
    staging_close(st);
    return rc;
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

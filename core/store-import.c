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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "timefmt.h"

/* ---- Checking a record (any thread) ---------------------------------- */

/* ---- A checked record, ready to store ----------------------------------
 *
 * A record is checked and rendered on the job's thread, so that the move
 * on the writer's thread only inserts: it neither parses JSON nor renders
 * a document. The row holds the columns, the side tables' lists and the
 * document without its first member ("id") and its last three ("version",
 * "created_at", "updated_at"), which only the move knows; row_doc puts
 * them around it. One allocation, so that it can be staged as it is and
 * freed with free(). */
struct pt_import_row_s {
    uint32_t size; /* of the whole row, this member included */
    uint32_t n_units, n_tags, n_people;
    int64_t created_at, updated_at, assigned_at, due_at; /* 0: none (created: the move's time) */
    uint8_t key_supervision, clock, replied, pad_;
    /* Then, one after another: the strings of ROW_TEXTS, each a byte that
     * says whether it is set and its NUL-ended text; the middle of the
     * document, NUL-ended; then the units (name and role), the tags and
     * the people, NUL-ended each. */
    char text[];
};

enum {
    ROW_NUMBER,
    ROW_SESSION,
    ROW_KIND,
    ROW_STATUS,
    ROW_DELEGATION,
    ROW_CATEGORY,
    ROW_REPLY_CATEGORY,
    ROW_SATISFACTION,
    ROW_SOURCE_FORMAT,
    ROW_SOURCE_REF,
    ROW_TEXTS
};

/* The document's first member as rendered for the check, and where its
 * last three begin: pt_proposal_to_text writes the fields in their table's
 * order, id first and version, created_at, updated_at last. */
static const char doc_head[] = "{\"id\":1,";
static const char doc_tail[] = ",\"version\":";

typedef struct {
    char *d;
    size_t len, cap;
} rowbuf_t;

static bool rb_put(rowbuf_t *b, const void *s, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 2048;
        while (cap < b->len + n)
            cap *= 2;
        char *d = realloc(b->d, cap);
        if (!d)
            return false;
        b->d = d;
        b->cap = cap;
    }
    memcpy(b->d + b->len, s, n);
    b->len += n;
    return true;
}

static bool rb_str(rowbuf_t *b, const char *s)
{
    return rb_put(b, s, strlen(s) + 1);
}

/* A string of ROW_TEXTS: set or not, then its text. */
static bool rb_opt(rowbuf_t *b, const char *s)
{
    char set = s != NULL;
    return rb_put(b, &set, 1) && rb_str(b, s ? s : "");
}

/* Where the middle of a document rendered with id 1 ends (the comma
 * before "version"), or NULL when it is not laid out as row_doc expects. */
static const char *doc_middle_end(const char *doc, size_t len)
{
    if (len < sizeof(doc_head) - 1 || memcmp(doc, doc_head, sizeof(doc_head) - 1) != 0)
        return NULL;
    for (const char *c = doc + len; c-- > doc;) {
        if (*c == ',' && strncmp(c, doc_tail, sizeof(doc_tail) - 1) == 0)
            return c;
    }
    return NULL;
}

/* Makes the row of a checked proposal whose document (rendered with id 1)
 * is doc, its middle ending at tail. NULL: out of memory. */
static pt_import_row_t *row_make(const pt_proposal_t *p, bool clock, const char *doc,
                                 const char *tail)
{
    size_t head = sizeof(doc_head) - 2; /* the comma stays with the middle */
    pt_import_row_t r = {
        .created_at = p->created_at,
        .updated_at = p->updated_at,
        .assigned_at = p->assigned_at,
        .due_at = p->due_at,
        .key_supervision = p->key_supervision,
        .clock = clock,
        .replied = p->n_replies > 0,
    };
    rowbuf_t b = {0};
    bool ok = rb_put(&b, &r, offsetof(pt_import_row_t, text));
    const char *texts[ROW_TEXTS] = {
        [ROW_NUMBER] = p->number,
        [ROW_SESSION] = p->session,
        [ROW_KIND] = p->kind,
        [ROW_STATUS] = p->status,
        [ROW_DELEGATION] = p->delegation,
        [ROW_CATEGORY] = p->category,
        [ROW_REPLY_CATEGORY] = pt_proposal_reply_category(p),
        [ROW_SATISFACTION] = p->n_feedback ? p->feedback[p->n_feedback - 1].satisfaction : NULL,
        [ROW_SOURCE_FORMAT] = p->source_format,
        [ROW_SOURCE_REF] = p->source_ref,
    };
    for (int i = 0; i < ROW_TEXTS; i++)
        ok = ok && rb_opt(&b, texts[i]);
    char nul = '\0';
    ok = ok && rb_put(&b, doc + head, (size_t)(tail - doc) - head) && rb_put(&b, &nul, 1);
    for (size_t i = 0; i < p->n_units; i++)
        ok = ok && rb_str(&b, p->units[i].name) &&
             rb_str(&b, p->units[i].role ? p->units[i].role : "lead");
    for (size_t i = 0; i < p->tags.n; i++)
        ok = ok && rb_str(&b, p->tags.v[i]);
    uint32_t people = 0;
    for (size_t i = 0; i <= p->co_signers.n; i++) {
        const char *person = i == 0 ? p->lead_author : p->co_signers.v[i - 1];
        if (person && *person) {
            ok = ok && rb_str(&b, person);
            people++;
        }
    }
    if (!ok || b.len > UINT32_MAX) {
        free(b.d);
        return NULL;
    }
    pt_import_row_t *row = (pt_import_row_t *)b.d;
    row->size = (uint32_t)b.len;
    row->n_units = (uint32_t)p->n_units;
    row->n_tags = (uint32_t)p->tags.n;
    row->n_people = people;
    return row;
}

/* Reads a row back: its columns into r (all but id, version and doc, and
 * the times the move decides) and its document's middle into *mid. The
 * strings point into row. */
static void row_read(const pt_import_row_t *row, pt_new_row_t *r, const char **mid,
                     size_t *mid_len)
{
    const char *c = row->text;
    const char *texts[ROW_TEXTS];
    for (int i = 0; i < ROW_TEXTS; i++) {
        bool set = *c++ != 0;
        texts[i] = set ? c : NULL;
        c += strlen(c) + 1;
    }
    *mid = c;
    *mid_len = strlen(c);
    c += *mid_len + 1;
    memset(r, 0, sizeof(*r));
    r->c = (pt_cols_t){
        .number = texts[ROW_NUMBER],
        .session = texts[ROW_SESSION],
        .kind = texts[ROW_KIND],
        .status = texts[ROW_STATUS],
        .delegation = texts[ROW_DELEGATION],
        .category = texts[ROW_CATEGORY],
        .reply_category = texts[ROW_REPLY_CATEGORY],
        .satisfaction = texts[ROW_SATISFACTION],
        .source_format = texts[ROW_SOURCE_FORMAT],
        .source_ref = texts[ROW_SOURCE_REF],
        .assigned_at = row->assigned_at,
        .due_at = row->due_at,
        .key_supervision = row->key_supervision,
        .clock = row->clock,
        .replied = row->replied,
    };
    r->n_units = row->n_units;
    r->units = c;
    for (uint32_t i = 0; i < 2 * row->n_units; i++)
        c += strlen(c) + 1;
    r->n_tags = row->n_tags;
    r->tags = c;
    for (uint32_t i = 0; i < row->n_tags; i++)
        c += strlen(c) + 1;
    r->n_people = row->n_people;
    r->people = c;
}

/* The whole document of an imported proposal: its id, the middle, and its
 * version and times. Ownership: the caller frees. */
static char *row_doc(const char *mid, size_t mid_len, const pt_cols_t *c)
{
    char created[40], updated[40];
    pt_time_format(c->created_at, created, sizeof(created));
    pt_time_format(c->updated_at, updated, sizeof(updated));
    size_t cap = mid_len + 160;
    char *doc = malloc(cap);
    if (!doc)
        return NULL;
    int n = snprintf(doc, cap, "{\"id\":%lld", (long long)c->id);
    memcpy(doc + n, mid, mid_len);
    snprintf(doc + n + mid_len, cap - (size_t)n - mid_len,
             ",\"version\":%lld,\"created_at\":\"%s\",\"updated_at\":\"%s\"}",
             (long long)c->version, created, updated);
    return doc;
}

int pt_store_import_check(pt_store_t *s, const cJSON *record, pt_import_row_t **row,
                          pt_error_t *err)
{
    const pt_workflow_t *wf = s->opts.workflow;
    *row = NULL;
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
     * does a merge into another of the old ids. The id and version are
     * placeholders that the move replaces (row_doc). */
    p.id = 1;
    p.version = 1;
    p.merged_into = 0;
    size_t len;
    bool clock = pt_workflow_clock_runs(wf, p.status);
    char *doc = pt_proposal_to_text(&p, false, clock, 0, &len);
    const char *tail = doc ? doc_middle_end(doc, len) : NULL;
    if (doc && !tail)
        rc = pt_error_set(err, PT_EINTERNAL, "a proposal's document is not laid out as expected");
    else if (!doc || !(*row = row_make(&p, clock, doc, tail)))
        rc = pt_error_set(err, PT_ENOMEM, "out of memory");
    free(doc);
    pt_proposal_free(&p);
    return rc;
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

int pt_store_import_stage(pt_store_t *s, const char *job, int64_t first_n,
                          pt_import_row_t *const *rows, size_t n, pt_error_t *err)
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
        if (fwrite(rows[i], 1, rows[i]->size, st->f) != rows[i]->size) {
            pt_error_set(err, PT_ESTORAGE, "storage error while staging an import: %s",
                         strerror(errno));
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
    pt_import_row_t *const *rows;
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

static bool is_duplicate(dup_t *d, const pt_cols_t *c)
{
    if (c->number) {
        sqlite3_bind_text(d->by_number, 1, c->number, -1, SQLITE_STATIC);
        if (c->session)
            sqlite3_bind_text(d->by_number, 2, c->session, -1, SQLITE_STATIC);
        if (found(d->by_number))
            return true;
    }
    if (c->source_ref) {
        sqlite3_bind_text(d->by_ref, 1, c->source_ref, -1, SQLITE_STATIC);
        if (found(d->by_ref))
            return true;
    }
    return false;
}

/* Inserts one checked record unless it is a duplicate. */
static int insert_row(void *conn, dup_t *d, const pt_import_row_t *row, const char *actor,
                      pt_import_result_t *res, pt_error_t *err)
{
    pt_new_row_t r;
    const char *mid;
    size_t mid_len;
    row_read(row, &r, &mid, &mid_len);
    if (is_duplicate(d, &r.c)) {
        res->skipped++;
        return PT_OK;
    }
    int64_t now = pt_store_writer_now();
    r.c.id = pt_store_take_id(conn);
    r.c.version = 1;
    r.c.created_at = row->created_at ? row->created_at : now;
    r.c.updated_at = row->updated_at ? row->updated_at : r.c.created_at;
    char *doc = row_doc(mid, mid_len, &r.c);
    if (!doc)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    r.c.doc = doc;
    int rc = pt_store_insert_new(conn, &r, actor, "import", err);
    free(doc);
    if (rc == PT_OK) {
        res->imported++;
        if (!res->first_id)
            res->first_id = r.c.id;
        res->last_id = r.c.id;
    }
    return rc;
}

/* Reads the next staged row into *buf (grown as needed). Returns 1, 0 at
 * the end, or -1 when the file is unreadable. */
static int staging_next(FILE *f, pt_import_row_t **buf, size_t *cap)
{
    uint32_t size;
    if (fread(&size, sizeof(size), 1, f) != 1)
        return feof(f) && !ferror(f) ? 0 : -1;
    if (size < offsetof(pt_import_row_t, text))
        return -1;
    if (size > *cap) {
        pt_import_row_t *nb = realloc(*buf, size);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = size;
    }
    (*buf)->size = size;
    size_t rest = size - sizeof(size);
    return fread((char *)*buf + sizeof(size), 1, rest, f) == rest ? 1 : -1;
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
    pt_import_row_t *buf = NULL;
    size_t cap = 0;
    int rc = PT_OK, got = 0;
    while (rc == PT_OK && (got = staging_next(f, &buf, &cap)) == 1)
        rc = insert_row(conn, &d, buf, b->actor, &res, &w->err);
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
        rc = insert_row(conn, &d, b->rows[i], b->actor, &res, &w->err);
    dup_close(&d);
    if (rc == PT_OK)
        *b->res = res;
    return rc;
}

int pt_store_import_direct(pt_store_t *s, pt_import_row_t *const *rows, size_t n,
                           const char *actor, pt_import_result_t *res, pt_error_t *err)
{
    batch_t b = {.rows = rows, .n = n, .actor = actor, .res = res};
    return run_custom(s, run_direct, &b, err);
}

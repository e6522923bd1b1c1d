/*
 * store-import.c - storing imported proposals: staging, and the move into
 * the store (the records are checked and rendered in store-import-row.c).
 *
 * An import that is all or nothing cannot commit anything before its whole
 * file has been read and found good. Its checked rows are staged, as they
 * come, in a temporary file of the job's own in the database's directory,
 * and moved into proposals by one custom write, one transaction, that ends
 * only when the last row is staged. The file is unlinked from the start
 * (O_TMPFILE, or unlinked right after it is made), so a crash leaves
 * nothing of the import behind: not in the database, where nothing commits
 * before the end, and not on disk, where the kernel frees the file with
 * its last descriptor.
 *
 * The move begins early when the file is read fast: once a batch of rows
 * has been read and checked fast enough (EARLY_RATE), it is queued, and
 * the writer inserts the rows while the job's thread still reads and
 * checks the rest, each on a core of its own. It holds the writer, and
 * every other client's write, while it runs, so a file read more slowly is
 * moved after its last row, and when the rows stop coming during an early
 * move (a stalled upload), it gives up, is rolled back, and the rows are
 * moved after the last has come (run_move). A rejected record stops the
 * early move; the rows go on being staged, and are looked through for
 * records that repeat others once the file has been read, without the
 * writer (pt_store_import_repeats), so that the refusal names those too.
 *
 * Memory stays flat however large the import: the job thread holds one
 * batch of rows at a time, the move reads the file back through a buffer
 * of its own, and what SQLite keeps for the move's transaction beyond its
 * page cache (the pages of the savepoint's journal) spills to a temporary
 * file because the writer's connection has temp_store=FILE
 * (store-schema.c).
 *
 * Every write here is a PT_WRITE_CUSTOM that runs on the writer thread.
 * Imported proposals are only ever inserted with new ids, so the writer's
 * cache needs no eviction.
 *
 * Imported proposals get their full-text entries after the import is
 * answered (store-search.c): the trigram index is the larger part of what
 * storing a proposal costs, and an import of many thousand holds the
 * writer for as long as its move takes. Search finds them meanwhile all
 * the same.
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
#include "json-strict.h"
#include "log.h"
#include "timefmt.h"

/* ---- Staging, in a temporary file of the job's ---------------------- */

/* The staged rows of one import, one after another in an unlinked file of
 * its own. The job's thread appends them (f); the writer reads them back
 * with pread at offsets of its own, up to `ready`, the bytes flushed. The
 * staging of a running import is found by its job's id. */
typedef struct staging_s {
    pt_store_t *s;
    char *job;
    FILE *f;
    int fd;
    int64_t count;      /* rows staged; the job's thread only */
    pthread_mutex_t mu; /* guards the members below */
    pthread_cond_t cond;
    off_t ready;
    bool finished;     /* every row is staged: the move may end */
    bool abandoned;    /* the import will not be committed */
    int64_t staged_at; /* when the last rows were staged (pt_time_mono); the job's thread */
    int64_t best_rate; /* the fastest rows a second a batch was judged at; the job's thread */
    bool early_tried;  /* the job's thread */
    /* The early move (below), once queued; else NULL. */
    pt_write_t *early;
    bool early_done;        /* its callback ran */
    bool early_gave_up;     /* it stopped for want of rows, not for an error */
    pt_import_result_t res; /* the move's, once it succeeded */
    struct staging_s *next;
} staging_t;

static pthread_mutex_t staging_mu = PTHREAD_MUTEX_INITIALIZER;
static staging_t *stagings; /* guarded by staging_mu */

/* Opens an unlinked temporary file in the directory of the database, not
 * in /tmp: that is often a tmpfs, whose files are memory, and the data
 * directory is where the administrator has made room for the data. */
static FILE *staging_open(pt_store_t *s, int *e, pt_error_t *err)
{
    *e = 0;
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
        *e = errno;
        pt_error_set(err, PT_ESTORAGE, "storage error while staging an import in %s: %s", dir,
                     strerror(*e));
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

/* Takes the staging of job out of the list. */
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

static void staging_put(staging_t *st)
{
    pthread_mutex_lock(&staging_mu);
    st->next = stagings;
    stagings = st;
    pthread_mutex_unlock(&staging_mu);
}

/* Waits until the early move, if one was queued, has been answered. */
static void early_wait(staging_t *st)
{
    pthread_mutex_lock(&st->mu);
    while (st->early && !st->early_done)
        pthread_cond_wait(&st->cond, &st->mu);
    pthread_mutex_unlock(&st->mu);
}

/* Marks the import as one that will not be committed: its early move, if
 * one runs, gives up at once or within STOP_CHECK_ROWS rows. */
static void staging_abandon(staging_t *st)
{
    pthread_mutex_lock(&st->mu);
    st->abandoned = true;
    pthread_cond_broadcast(&st->cond);
    pthread_mutex_unlock(&st->mu);
}

/* Abandons the import's staging: stops its early move, waits for it, and
 * frees the file with everything else. */
static void staging_close(staging_t *st)
{
    if (!st)
        return;
    staging_abandon(st);
    early_wait(st);
    pt_write_free(st->early);
    cJSON_Delete(st->res.repeats);
    if (st->f)
        fclose(st->f);
    pthread_mutex_destroy(&st->mu);
    pthread_cond_destroy(&st->cond);
    free(st->job);
    free(st);
}

static staging_t *staging_new(pt_store_t *s, const char *job, int *e, pt_error_t *err)
{
    *e = 0;
    staging_t *st = calloc(1, sizeof(*st));
    if (!st || !(st->job = strdup(job))) {
        free(st);
        pt_error_set(err, PT_ENOMEM, "out of memory");
        return NULL;
    }
    st->s = s;
    pthread_mutex_init(&st->mu, NULL);
    pt_cond_init_monotonic(&st->cond);
    if (!(st->f = staging_open(s, e, err))) {
        staging_close(st);
        return NULL;
    }
    st->fd = fileno(st->f);
    return st;
}

/* ---- Reading the staged rows back (the writer) ------------------------ */

typedef struct {
    int fd;
    off_t off; /* of buf[0] in the file */
    char *buf; /* aligned for a row: malloc'd */
    size_t cap, start, end;
} reader_t;

#define READ_CHUNK (256 * 1024)

/* The next row before `limit` bytes of the file: 1 with *row pointing
 * into the reader's buffer (valid until the next call), 0 when the rows
 * before limit are all read, -1 when the file cannot be read. */
static int reader_next(reader_t *rd, off_t limit, const pt_import_row_t **row)
{
    for (;;) {
        size_t have = rd->end - rd->start;
        uint32_t size = 0;
        if (have >= sizeof(size))
            memcpy(&size, rd->buf + rd->start, sizeof(size));
        if (have >= sizeof(size) && size < PT_IMPORT_ROW_MIN)
            return -1;
        if (have >= sizeof(size) && have >= size) {
            /* Rows are read in place: their sizes are multiples of
             * their alignment (store-import-row.c), so each begins
             * aligned in the malloc'd buffer. */
            *row = (const pt_import_row_t *)(rd->buf + rd->start);
            rd->start += size;
            return 1;
        }
        off_t next = rd->off + (off_t)rd->end;
        if (next >= limit)
            return have == 0 ? 0 : -1; /* rows are staged whole */
        /* Make room: keep the partial row at the start, and room for it
         * whole and a chunk more. */
        if (have)
            memmove(rd->buf, rd->buf + rd->start, have);
        rd->off += (off_t)rd->start;
        rd->start = 0;
        rd->end = have;
        size_t want = (size > have ? size : have) + READ_CHUNK;
        if (want > rd->cap) {
            char *nb = realloc(rd->buf, want);
            if (!nb)
                return -1;
            rd->buf = nb;
            rd->cap = want;
        }
        size_t n = rd->cap - rd->end;
        if ((off_t)n > limit - next)
            n = (size_t)(limit - next);
        ssize_t got = pread(rd->fd, rd->buf + rd->end, n, next);
        if (got <= 0)
            return -1;
        rd->end += (size_t)got;
    }
}

/* ---- The move ---------------------------------------------------------- */

/* The statements that tell a duplicate in one table of proposals (the
 * store's, or the keys kept by the check of a refused import: see
 * pt_store_import_repeats): the same number in the same session, or the
 * same source: a reference is the source system's own, so the same ref
 * from another format (another system's row 42) is another proposal. */
typedef struct {
    sqlite3 *db;
    sqlite3_stmt *by_number, *by_ref, *by_old_ref;
} dup_t;

static void dup_close(dup_t *d)
{
    sqlite3_finalize(d->by_number);
    sqlite3_finalize(d->by_ref);
    sqlite3_finalize(d->by_old_ref);
}

static int dup_open(sqlite3 *db, const char *table, dup_t *d, pt_error_t *err)
{
    char number[128], ref[128], old_ref[160];
    snprintf(number, sizeof(number), "SELECT id FROM %s WHERE number = ?1 AND session IS ?2",
             table);
    snprintf(ref, sizeof(ref), "SELECT id FROM %s WHERE source_ref = ?1 AND source_format IS ?2",
             table);
    snprintf(old_ref, sizeof(old_ref),
             "SELECT id FROM %s WHERE source_ref = ?1 AND source_format = 'text'"
             " AND delegation IS ?2",
             table);
    d->db = db;
    d->by_number = d->by_ref = d->by_old_ref = NULL;
    if (sqlite3_prepare_v2(db, number, -1, &d->by_number, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, ref, -1, &d->by_ref, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, old_ref, -1, &d->by_old_ref, NULL) != SQLITE_OK) {
        int rc = pt_sqlite_error(err, db, "looking for duplicates");
        dup_close(d);
        d->by_number = d->by_ref = d->by_old_ref = NULL;
        return rc;
    }
    return PT_OK;
}

/* Runs a lookup: SQLITE_ROW (found, its id in *id), SQLITE_DONE, or an
 * error. */
static int lookup(sqlite3_stmt *st, int64_t *id)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* SQLITE_ROW when a proposal with c's number and session or c's source
 * (format and ref) is in one of the n tables of d (its id in *id, the
 * table's index in *in; *by_number says which of the two matched),
 * SQLITE_DONE when none is, or an error (in d[*in]; after which nothing
 * more may run in the transaction: SQLite may have rolled it back). Each
 * match is looked for in every table before the next, as if the tables
 * were one. */
static int find_duplicate(dup_t *d, size_t n_d, const pt_cols_t *c, int64_t *id, bool *by_number,
                          size_t *in)
{
    int rc = SQLITE_DONE;
    *in = 0;
    for (size_t i = 0; c->number && rc == SQLITE_DONE && i < n_d; i++) {
        sqlite3_bind_text(d[i].by_number, 1, c->number, -1, SQLITE_STATIC);
        if (c->session)
            sqlite3_bind_text(d[i].by_number, 2, c->session, -1, SQLITE_STATIC);
        rc = lookup(d[i].by_number, id);
        *in = i;
    }
    *by_number = rc == SQLITE_ROW;
    for (size_t i = 0; c->source_ref && rc == SQLITE_DONE && i < n_d; i++) {
        sqlite3_bind_text(d[i].by_ref, 1, c->source_ref, -1, SQLITE_STATIC);
        if (c->source_format)
            sqlite3_bind_text(d[i].by_ref, 2, c->source_format, -1, SQLITE_STATIC);
        rc = lookup(d[i].by_ref, id);
        *in = i;
    }
    /* The text importer's reference ends in a digest of the proposal's
     * text ("山西日报: 关于…的建议 #1a2b3c4d"); earlier versions stored it
     * without one. Such a text proposal of the same delegation is the same
     * proposal, imported then: it is not stored again. */
    size_t n = c->source_ref ? strlen(c->source_ref) : 0;
    bool digest = n > 10 && c->source_format && strcmp(c->source_format, "text") == 0 &&
                  c->source_ref[n - 10] == ' ' && c->source_ref[n - 9] == '#' &&
                  strspn(c->source_ref + n - 8, "0123456789abcdef") == 8;
    for (size_t i = 0; digest && rc == SQLITE_DONE && i < n_d; i++) {
        sqlite3_bind_text(d[i].by_old_ref, 1, c->source_ref, (int)(n - 10), SQLITE_STATIC);
        if (c->delegation)
            sqlite3_bind_text(d[i].by_old_ref, 2, c->delegation, -1, SQLITE_STATIC);
        rc = lookup(d[i].by_old_ref, id);
        *in = i;
    }
    return rc;
}

/* ---- Merges within an import ------------------------------------------
 * An export of a ptrack holds merged proposals whose merged_into is the id
 * of another proposal of that store. Imported, every proposal gets a new
 * id; a merge into one that comes in the same transaction is pointed at its
 * new id once all are in (the old ids may come in any order), and a merge
 * into one the import skips as already stored at the stored one. */

typedef struct {
    int64_t old_id, new_id;
} id_pair_t; /* a record's id where it came from, and here */

typedef struct {
    int64_t new_id;   /* of the merged proposal */
    int64_t old_into; /* the old id its merged_into named */
} merge_t;

/* Ids this import stored, from lo to hi. */
typedef struct {
    int64_t lo, hi;
} id_range_t;

struct pt_import_merges_s {
    id_pair_t *ids; /* of the records that had an id */
    size_t n_ids, cap_ids;
    merge_t *merges; /* not pointed yet */
    size_t n_merges, cap_merges;
    /* The ids of every proposal the import stored, as runs (in the order
     * stored, so in id order): a duplicate found among them repeats a
     * record of the same import, and is rejected rather than skipped. The
     * ids say it, not one range: a partial import's batches are
     * transactions of their own, and other writes (and other imports) take
     * ids between them. Within a transaction the ids follow one another,
     * so there are about as many runs as batches, and the memory stays
     * flat whatever the size of the file. */
    id_range_t *stored;
    size_t n_stored, cap_stored;
};
typedef struct pt_import_merges_s merges_t;

/* Appends one element of size `size` to a growing array. */
static bool push(void **v, size_t *n, size_t *cap, const void *elem, size_t size)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        void *grown = realloc(*v, c * size);
        if (!grown)
            return false;
        *v = grown;
        *cap = c;
    }
    memcpy((char *)*v + *n * size, elem, size);
    (*n)++;
    return true;
}

static void merges_free(merges_t *m)
{
    free(m->ids);
    free(m->merges);
    free(m->stored);
    memset(m, 0, sizeof(*m));
}

/* Notes that the import stored proposal id. */
static int stored_note(merges_t *m, int64_t id, pt_error_t *err)
{
    id_range_t *last = m->n_stored ? &m->stored[m->n_stored - 1] : NULL;
    if (last && id == last->hi + 1) {
        last->hi = id;
        return PT_OK;
    }
    id_range_t r = {id, id};
    if (!push((void **)&m->stored, &m->n_stored, &m->cap_stored, &r, sizeof(r)))
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    return PT_OK;
}

/* Whether the import stored proposal id. */
static bool stored_here(const merges_t *m, int64_t id)
{
    size_t lo = 0, hi = m->n_stored;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->stored[mid].hi < id)
            lo = mid + 1;
        else if (m->stored[mid].lo > id)
            hi = mid;
        else
            return true;
    }
    return false;
}

/* The length of s's longest prefix of at most max bytes that does not end
 * inside a UTF-8 sequence, for a "%.*s". */
static int utf8_prefix(const char *s, size_t max)
{
    size_t n = strlen(s);
    return (int)(n <= max ? n : pt_utf8_floor(s, max));
}

/* Rejects a record that repeats one the import stored before it: the
 * same number in the same session, or the same source, in one file is two
 * records for one proposal, and one of them would be lost. `record` is its
 * place among the import's records (pt_import_row_record). */
static int repeat_reject(pt_import_result_t *res, const pt_cols_t *c, bool by_number,
                         const char *place, int64_t record, pt_error_t *err)
{
    res->n_repeats++;
    if (res->n_repeats > PT_IMPORT_REPEATS_LISTED)
        return PT_OK;
    char what[600], where[48];
    /* Each name whole or cut at a character's start (a source.ref has no
     * bound), so that the reason stays UTF-8 and says the rest. */
    if (by_number && c->session)
        snprintf(what, sizeof(what), "编号 %.*s of session %.*s", utf8_prefix(c->number, 200),
                 c->number, utf8_prefix(c->session, 200), c->session);
    else if (by_number)
        snprintf(what, sizeof(what), "编号 %.*s (no session)", utf8_prefix(c->number, 200),
                 c->number);
    else
        snprintf(what, sizeof(what), "source.ref %.*s of format %.*s",
                 utf8_prefix(c->source_ref, 200), c->source_ref,
                 utf8_prefix(c->source_format ? c->source_format : "(none)", 100),
                 c->source_format ? c->source_format : "(none)");
    if (!place) {
        snprintf(where, sizeof(where), "record");
        place = where;
    }
    char reason[900];
    snprintf(reason, sizeof(reason),
             "%s repeats a record before it in this import: one of the two would be lost "
             "(give each proposal its own %s)",
             what, by_number ? "编号" : "source.ref");
    cJSON *r = cJSON_CreateObject();
    if (!r || !cJSON_AddStringToObject(r, "where", place) ||
        !cJSON_AddStringToObject(r, "reason", reason) ||
        !cJSON_AddNumberToObject(r, "record", (double)record) ||
        (!res->repeats && !(res->repeats = cJSON_CreateArray()))) {
        cJSON_Delete(r);
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    }
    cJSON_AddItemToArray(res->repeats, r);
    return PT_OK;
}

pt_import_merges_t *pt_import_merges_new(void)
{
    return calloc(1, sizeof(pt_import_merges_t));
}

void pt_import_merges_free(pt_import_merges_t *m)
{
    if (m) {
        merges_free(m);
        free(m);
    }
}

static int pair_cmp(const void *a, const void *b)
{
    int64_t x = ((const id_pair_t *)a)->old_id, y = ((const id_pair_t *)b)->old_id;
    return x < y ? -1 : x > y;
}

/* Notes a row's ids: new_id is the proposal it is here, the one stored for
 * it or, for a duplicate (stored = false), the one already stored, which a
 * merge naming it is then pointed at; a duplicate's own merge is not
 * applied (the stored proposal is left as it is). */
static int merges_note(merges_t *m, const pt_import_row_t *row, int64_t new_id, bool stored,
                       pt_error_t *err)
{
    int64_t old_id, old_into;
    pt_import_row_ids(row, &old_id, &old_into);
    id_pair_t id = {old_id, new_id};
    merge_t merge = {new_id, old_into};
    if ((old_id && !push((void **)&m->ids, &m->n_ids, &m->cap_ids, &id, sizeof(id))) ||
        (stored && old_into &&
         !push((void **)&m->merges, &m->n_merges, &m->cap_merges, &merge, sizeof(merge))))
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    return PT_OK;
}

/* Points each merge at the new id of the proposal it named, where that has
 * come in; the others wait for a later batch of a partial import, and stay
 * without (null) if it never comes. A merge pointed in a later batch
 * changes a proposal an earlier batch committed, which may have been
 * edited since: pt_store_point_merge records that as a change of its
 * own, and keeps the writer's cache from holding the proposal without
 * the pointer. */
static int merges_apply(sqlite3 *db, merges_t *m, const char *actor, pt_error_t *err)
{
    if (!m->n_merges)
        return PT_OK;
    qsort(m->ids, m->n_ids, sizeof(*m->ids), pair_cmp);
    int rc = PT_OK;
    size_t waiting = 0;
    for (size_t i = 0; i < m->n_merges && rc == PT_OK; i++) {
        id_pair_t key = {m->merges[i].old_into, 0};
        const id_pair_t *to = bsearch(&key, m->ids, m->n_ids, sizeof(*m->ids), pair_cmp);
        if (!to) {
            m->merges[waiting++] = m->merges[i];
            continue;
        }
        rc = pt_store_point_merge(db, m->merges[i].new_id, to->new_id, actor, err);
    }
    if (rc == PT_OK)
        m->n_merges = waiting;
    return rc;
}

/* Inserts one checked record unless it is a duplicate. */
static int insert_row(void *conn, dup_t *d, merges_t *m, const pt_import_row_t *row,
                      const char *actor, pt_import_result_t *res, pt_error_t *err)
{
    pt_new_row_t r;
    const char *mid, *place;
    size_t mid_len;
    pt_import_row_read(row, &r, &mid, &mid_len, &place);
    int64_t stored_id = 0;
    bool by_number;
    size_t in;
    int dup = find_duplicate(d, 1, &r.c, &stored_id, &by_number, &in);
    if (dup == SQLITE_ROW && stored_here(m, stored_id)) {
        /* Rejected; a later record that names its old id in merged_into
         * is pointed at the first, which it repeats. */
        int rc = repeat_reject(res, &r.c, by_number, place, pt_import_row_record(row), err);
        return rc == PT_OK ? merges_note(m, row, stored_id, false, err) : rc;
    }
    if (dup == SQLITE_ROW) {
        res->skipped++;
        return merges_note(m, row, stored_id, false, err);
    }
    if (dup != SQLITE_DONE)
        return pt_sqlite_error(err, d->db, "looking for duplicates");
    int64_t now = pt_store_writer_now();
    r.c.id = pt_store_take_id(conn);
    r.c.version = 1;
    if (!r.c.created_at)
        r.c.created_at = now;
    if (!r.c.updated_at)
        r.c.updated_at = r.c.created_at;
    char *doc = pt_import_row_doc(mid, mid_len, &r.c);
    if (!doc)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    r.c.doc = doc;
    int rc = pt_store_insert_new(conn, &r, actor, "import", err);
    free(doc);
    if (rc == PT_OK)
        rc = merges_note(m, row, r.c.id, true, err);
    if (rc == PT_OK)
        rc = stored_note(m, r.c.id, err);
    if (rc == PT_OK) {
        res->imported++;
        if (!res->first_id)
            res->first_id = r.c.id;
        res->last_id = r.c.id;
        pt_import_result_add_ids(res, r.c.id, r.c.id);
    }
    return rc;
}

void pt_import_result_add_ids(pt_import_result_t *res, int64_t first, int64_t last)
{
    if (res->n_ranges > 0 && res->run_end + 1 == first) {
        if (res->n_ranges <= PT_IMPORT_RANGES_LISTED)
            res->ranges[res->n_ranges - 1].last = last;
    } else {
        if (res->n_ranges < PT_IMPORT_RANGES_LISTED)
            res->ranges[res->n_ranges] = (pt_id_range_t){first, last};
        res->n_ranges++;
    }
    res->run_end = last;
}

/* The early move begins once a batch of rows has been read and checked at
 * EARLY_RATE rows a second or faster (a writer stores some 50,000 a second
 * on a small machine): a file that comes more slowly is moved at its end.
 * It may wait for rows EARLY_WAIT_MS in all, and a quarter of the time it
 * has spent inserting, but never more than EARLY_WAIT_MAX_MS. */
#define EARLY_RATE 20000
#define EARLY_WAIT_MS 250
#define EARLY_WAIT_MAX_MS 1000

/* A stop does not wait for the rest of a move. ptrackd's stop waits for
 * an import job that is committing (plugin-jobs.c), and then the store's
 * closing makes the writer finish its queue: a move of a million rows
 * would hold the stop for half a minute or more, past a service manager's
 * patience, for an import that has not been answered and so may be rolled
 * back. The move looks every STOP_CHECK_ROWS rows (some 20 ms of
 * inserting) whether imports were cancelled (pt_store_cancel_imports) or
 * the store is closing, and if so fails: the client is answered 503
 * shutting_down and nothing of the import is stored.
 *
 * An early move looks there too whether its import was abandoned (its
 * client went away, or a record was rejected: staging_close,
 * pt_store_import_refuse). The file is
 * read and checked faster than the writer inserts, so the staging may hold
 * 100,000 rows or more that the move has not reached: inserting them all
 * before it looked would hold the writer, every other client's write and
 * the job's thread (in early_wait) for seconds, for rows that are rolled
 * back. */
#define STOP_CHECK_ROWS 1024

static bool imports_stopped(pt_store_t *s)
{
    pthread_mutex_lock(&s->mu);
    bool stopped = s->imports_cancelled || s->stopping;
    pthread_mutex_unlock(&s->mu);
    return stopped;
}

/* Whether st's import was abandoned (staging_close, pt_store_import_refuse).
 * Thread: any. */
static bool staging_abandoned(staging_t *st)
{
    pthread_mutex_lock(&st->mu);
    bool abandoned = st->abandoned;
    pthread_mutex_unlock(&st->mu);
    return abandoned;
}

void pt_store_cancel_imports(pt_store_t *s)
{
    pthread_mutex_lock(&s->mu);
    s->imports_cancelled = true;
    pthread_mutex_unlock(&s->mu);
}

/* The move: every staged row inserted in this one write, which is one
 * savepoint of one transaction, so that an error anywhere (or a crash
 * before the commit) leaves nothing of the import.
 *
 * The early move is this same write queued while the job's thread still
 * reads the file, when it reads fast enough (EARLY_RATE): it inserts the
 * rows as they come, on the writer's core while the file is read on
 * another, and ends when the last is staged and inserted. While it waits
 * for rows it holds the writer, and every other client's write with it;
 * so when it has waited longer than it may (EARLY_WAIT_MS), it gives up:
 * its write fails and is rolled back, and the commit moves the rows after
 * the file has been read, as if it had not been tried; the ids it took
 * are given to the rows of the late move. When its import is abandoned, it gives up as well, and is
 * rolled back: at once if it waits for rows, else within STOP_CHECK_ROWS
 * rows, not after every row already staged. The late move (the commit's,
 * after the file has been read) goes on to the end: the commit has taken
 * its staging from the list, so nothing abandons it while it runs. */
static int run_move(void *conn, pt_write_t *w)
{
    staging_t *st = w->arg_;
    bool early = st->early == w;
    pt_import_result_t res = {0};
    dup_t d;
    if (dup_open(conn, "proposals", &d, &w->err) != PT_OK)
        return w->err.code;
    reader_t rd = {.fd = st->fd};
    merges_t m = {0};
    int rc = PT_OK;
    int64_t waited = 0, started = pt_time_mono();
    for (;;) {
        pthread_mutex_lock(&st->mu);
        off_t ready = st->ready;
        bool done = st->finished;
        if (early && !st->abandoned && !done && rd.off + (off_t)rd.end >= ready &&
            rd.start == rd.end) {
            int64_t budget = EARLY_WAIT_MS + (pt_time_mono() - started - waited) / 4;
            if (budget > EARLY_WAIT_MAX_MS)
                budget = EARLY_WAIT_MAX_MS;
            if (waited >= budget) {
                st->early_gave_up = true;
                pthread_mutex_unlock(&st->mu);
                rc = pt_error_set(&w->err, PT_ESTORAGE,
                                  "the import's early move waited too long for rows");
                break;
            }
            int64_t t0 = pt_time_mono();
            struct timespec ts; /* the condition variable's clock is monotonic */
            clock_gettime(CLOCK_MONOTONIC, &ts);
            int64_t ns = (int64_t)ts.tv_nsec + (budget - waited) * 1000000;
            ts.tv_sec += (time_t)(ns / 1000000000);
            ts.tv_nsec = (long)(ns % 1000000000);
            pthread_cond_timedwait(&st->cond, &st->mu, &ts);
            waited += pt_time_mono() - t0;
            pthread_mutex_unlock(&st->mu);
            continue;
        }
        bool abandoned = st->abandoned;
        pthread_mutex_unlock(&st->mu);
        if (early && abandoned) {
            rc = pt_error_set(&w->err, PT_ESTORAGE, "the import was abandoned");
            break;
        }
        const pt_import_row_t *row;
        int got;
        errno = 0;
        while (rc == PT_OK && (got = reader_next(&rd, ready, &row)) == 1) {
            rc = insert_row(conn, &d, &m, row, w->actor, &res, &w->err);
            if (rc != PT_OK || (res.imported + res.skipped + res.n_repeats) % STOP_CHECK_ROWS != 0)
                continue;
            if (imports_stopped(st->s))
                rc = pt_error_set(&w->err, PT_ESHUTDOWN,
                                  "the import was cancelled: ptrackd is stopping; nothing "
                                  "was imported; send it again once ptrackd is back");
            else if (early && staging_abandoned(st))
                rc = pt_error_set(&w->err, PT_ESTORAGE, "the import was abandoned");
        }
        if (rc == PT_OK && got < 0)
            rc = pt_error_set(&w->err, PT_ESTORAGE,
                              "storage error while reading an import's staging: %s",
                              errno ? strerror(errno) : "a row is cut short or unreadable");
        if (rc != PT_OK || done)
            break;
    }
    free(rd.buf);
    dup_close(&d);
    /* A record that repeats another of the file makes the import, which is
     * all or nothing, nothing: every repeat is found first, to name them
     * all, and the move is then rolled back. */
    if (rc == PT_OK && res.n_repeats)
        rc = pt_error_set(&w->err, PT_EVALIDATION, "%lld record%s repeat%s another of the import",
                          (long long)res.n_repeats, res.n_repeats == 1 ? "" : "s",
                          res.n_repeats == 1 ? "s" : "");
    if (rc == PT_OK)
        rc = merges_apply(conn, &m, w->actor, &w->err);
    merges_free(&m);
    /* The early and the late move never run together. */
    if (rc == PT_OK || (rc == PT_EVALIDATION && res.n_repeats)) {
        cJSON_Delete(st->res.repeats);
        st->res = res;
    } else {
        cJSON_Delete(res.repeats);
    }
    return rc;
}

/* Thread: loop (the early move's callback); wakes the job's thread. */
static void on_early_done(pt_write_t *w)
{
    staging_t *st = w->data;
    pthread_mutex_lock(&st->mu);
    st->early_done = true;
    pthread_cond_broadcast(&st->cond);
    pthread_mutex_unlock(&st->mu);
}

/* Queues the early move of st. Without it (no memory, the store closing)
 * the commit moves the rows at the end. */
static void early_start(staging_t *st, const char *actor)
{
    pt_write_t *w = pt_write_new(PT_WRITE_CUSTOM);
    if (!w)
        return;
    w->run_ = run_move;
    w->arg_ = st;
    w->cb = on_early_done;
    w->data = st;
    if (actor && !(w->actor = strdup(actor))) {
        pt_write_free(w);
        return;
    }
    pthread_mutex_lock(&st->mu);
    st->early = w;
    pthread_mutex_unlock(&st->mu);
    if (pt_store_write(st->s, w) != PT_OK) {
        pthread_mutex_lock(&st->mu);
        st->early = NULL;
        pthread_mutex_unlock(&st->mu);
        pt_write_free(w);
    }
}

/* ---- The import's calls ------------------------------------------------ */

/* An import refused because its staging file could not be made or
 * written (errno e; err says why). Returns PT_ESTORAGE. */
static int stage_refused(pt_store_t *s, const char *job, int e, pt_error_t *err)
{
    /* The staging file is in the database's directory: a full disk
     * here is the store's, which the writer logs only when a write
     * meets it, so it is said here, once an import. */
    if (e == ENOSPC || e == EDQUOT) {
        pt_error_set(err, PT_ESTORAGE,
                     "storage error while staging an import: %s (%s); nothing of it was "
                     "stored",
                     PT_DISK_FULL_TEXT, strerror(e));
        pt_error("import %s: %s", job, err->message);
    } else if (err->code != PT_ESTORAGE) {
        pt_error_set(err, PT_ESTORAGE, "storage error while staging an import: %s", strerror(e));
    }
    /* A write refused, as the writer counts them (the log's "N writes
     * were refused"); and when the disk refused it, the store is not
     * writable (GET /v1/health) until a write is stored again, as
     * after a write that the disk refused to the writer. */
    bool disk = e == ENOSPC || e == EDQUOT || e == EIO || e == EROFS;
    pthread_mutex_lock(&s->mu);
    s->staging_refused++;
    if (disk)
        s->done_commit_failed = true;
    pthread_mutex_unlock(&s->mu);
    if (disk)
        uv_async_send(&s->async);
    return PT_ESTORAGE;
}

int pt_store_import_stage(pt_store_t *s, const char *job, const char *actor, int64_t first_n,
                          pt_import_row_t *const *rows, size_t n, bool last, pt_error_t *err)
{
    /* Only the job's own thread stages its records, so the staging found
     * here is not staged to by another thread meanwhile. */
    staging_t *st = staging_take(s, job);
    bool first = !st;
    int e;
    if (!st && !(st = staging_new(s, job, &e, err)))
        return e ? stage_refused(s, job, e, err) : err->code;
    if (first_n != st->count) {
        staging_close(st);
        return pt_error_set(err, PT_EINTERNAL, "import %s staged record %lld out of order", job,
                            (long long)first_n);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t size = pt_import_row_size(rows[i]);
        if (fwrite(rows[i], 1, size, st->f) != size)
            break;
        st->count++;
    }
    off_t end;
    if (st->count != first_n + (int64_t)n || fflush(st->f) != 0 || (end = ftello(st->f)) < 0) {
        e = errno;
        staging_close(st);
        return stage_refused(s, job, e, err);
    }
    pthread_mutex_lock(&st->mu);
    st->ready = end;
    pthread_cond_broadcast(&st->cond);
    pthread_mutex_unlock(&st->mu);
    /* The time since the last rows were staged is what reading and
     * checking these took. */
    int64_t now = pt_time_mono();
    if (!first && !last && !st->early_tried) {
        int64_t took = now - st->staged_at;
        int64_t rate = took > 0 ? (int64_t)n * 1000 / took : INT64_MAX;
        if (rate > st->best_rate)
            st->best_rate = rate;
        if ((int64_t)n * 1000 >= EARLY_RATE * took) {
            st->early_tried = true;
            early_start(st, actor);
        }
    }
    st->staged_at = now;
    staging_put(st);
    return PT_OK;
}

int pt_store_import_drop(pt_store_t *s, const char *job, pt_error_t *err)
{
    (void)err;
    staging_close(staging_take(s, job));
    return PT_OK;
}

/* ---- The repeats of a refused import ------------------------------------
 * An all-or-nothing import with a rejected record stores nothing, so no
 * move finds its records that repeat others. They are looked for all the
 * same, so that one round of corrections mends the file: each staged row
 * is looked up as the move would, in the store (a read snapshot) and among
 * the rows before it that the move would have stored. Their keys are kept
 * in a private temporary database, which spills to disk beyond a small
 * cache, so that memory stays flat; the check runs on the job's thread
 * and holds neither the writer nor another client's write.
 *
 * It stops as the move does, looking every STOP_CHECK_ROWS rows, when
 * ptrackd stops and also when its client has gone: a file of a million
 * rows takes seconds to look through, and meanwhile holds a read snapshot
 * (which keeps the WAL from being checkpointed), the staging file and the
 * temporary database on disk, and the job's thread, all for an answer
 * that nobody will read. */

void pt_store_import_refuse(pt_store_t *s, const char *job)
{
    staging_t *st = staging_take(s, job);
    if (!st)
        return;
    /* The early move gives up and is rolled back, and none starts later. */
    staging_abandon(st);
    st->early_tried = true;
    staging_put(st);
}

/* Opens the table of the keys of the rows the move would have stored, in a
 * database of its own ("": on disk, private, gone when it is closed), with
 * the statements that look in it (d) and add to it (*add). */
static int seen_open(sqlite3 **db, dup_t *d, sqlite3_stmt **add, pt_error_t *err)
{
    if (sqlite3_open_v2("", db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK ||
        sqlite3_exec(*db,
                     "PRAGMA journal_mode=OFF;"
                     "PRAGMA cache_size=-2000;"
                     "CREATE TABLE seen(id INTEGER PRIMARY KEY, number TEXT, session TEXT,"
                     " source_ref TEXT, source_format TEXT, delegation TEXT);"
                     "CREATE INDEX seen_number ON seen(number, session);"
                     "CREATE INDEX seen_source ON seen(source_ref) WHERE source_ref IS NOT NULL;"
                     "BEGIN",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(*db,
                           "INSERT INTO seen(number, session, source_ref, source_format,"
                           " delegation) VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, add, NULL) != SQLITE_OK)
        return pt_sqlite_error(err, *db, "looking for an import's repeats");
    return dup_open(*db, "seen", d, err);
}

/* Looks a staged row up in the store (d[0]) and among the rows before it
 * that the move would have stored (d[1]): a repeat is added to res, and a
 * row that the move would store is added to those (add). */
static int repeat_check(dup_t d[2], sqlite3_stmt *add, const pt_import_row_t *row,
                        pt_import_result_t *res, pt_error_t *err)
{
    pt_new_row_t r;
    const char *mid, *place;
    size_t mid_len, in;
    pt_import_row_read(row, &r, &mid, &mid_len, &place);
    int64_t id;
    bool by_number;
    int dup = find_duplicate(d, 2, &r.c, &id, &by_number, &in);
    if (dup == SQLITE_ROW && in == 1)
        return repeat_reject(res, &r.c, by_number, place, pt_import_row_record(row), err);
    if (dup == SQLITE_ROW) {
        res->skipped++;
        return PT_OK;
    }
    if (dup != SQLITE_DONE)
        return pt_sqlite_error(err, d[in].db, "looking for an import's repeats");
    if (!r.c.number && !r.c.source_ref)
        return PT_OK; /* nothing can repeat it */
    const char *keys[] = {r.c.number, r.c.session, r.c.source_ref, r.c.source_format,
                          r.c.delegation};
    for (int i = 0; i < 5; i++)
        if (keys[i])
            sqlite3_bind_text(add, i + 1, keys[i], -1, SQLITE_STATIC);
    int rc = sqlite3_step(add);
    sqlite3_reset(add);
    sqlite3_clear_bindings(add);
    return rc == SQLITE_DONE ? PT_OK
                             : pt_sqlite_error(err, d[1].db, "looking for an import's repeats");
}

int pt_store_import_repeats(pt_store_t *s, const char *job, bool (*abandoned)(void *arg), void *arg,
                            pt_import_result_t *res, pt_error_t *err)
{
    memset(res, 0, sizeof(*res));
    staging_t *st = staging_take(s, job);
    if (!st)
        return PT_OK;
    pthread_mutex_lock(&st->mu);
    off_t ready = st->ready;
    pthread_mutex_unlock(&st->mu);
    sqlite3 *db = pt_store_take_reader(s), *seen = NULL;
    dup_t d[2] = {{0}};
    sqlite3_stmt *add = NULL;
    int rc = PT_OK;
    if (!db)
        rc = pt_error_set(err, PT_ESTORAGE, "storage error: cannot open a read connection");
    else if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        rc = pt_sqlite_error(err, db, "looking for an import's repeats");
    else if ((rc = dup_open(db, "proposals", &d[0], err)) == PT_OK)
        rc = seen_open(&seen, &d[1], &add, err);
    reader_t rd = {.fd = st->fd};
    const pt_import_row_t *row;
    int64_t rows = 0;
    int got = 0;
    errno = 0;
    while (rc == PT_OK && (got = reader_next(&rd, ready, &row)) == 1) {
        rc = repeat_check(d, add, row, res, err);
        if (rc != PT_OK || ++rows % STOP_CHECK_ROWS != 0)
            continue;
        if (imports_stopped(s))
            rc = pt_error_set(err, PT_ESHUTDOWN, "ptrackd is stopping");
        else if (abandoned && abandoned(arg))
            rc = pt_error_set(err, PT_ESTORAGE,
                              "the import was abandoned after %lld of its %lld records were "
                              "looked through",
                              (long long)rows, (long long)st->count);
    }
    if (rc == PT_OK && got < 0)
        rc = pt_error_set(err, PT_ESTORAGE, "storage error while reading an import's staging: %s",
                          errno ? strerror(errno) : "a row is cut short or unreadable");
    free(rd.buf);
    dup_close(&d[0]);
    dup_close(&d[1]);
    sqlite3_finalize(add);
    sqlite3_close(seen);
    if (db) {
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        pt_store_give_reader(s, db);
    }
    if (rc != PT_OK) {
        cJSON_Delete(res->repeats);
        memset(res, 0, sizeof(*res));
    }
    staging_close(st);
    return rc;
}

/* A custom write queued by a job's thread, which waits for its answer. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool done;
    pt_write_t *w;
} pending_t;

/* Thread: loop (a write's callback); wakes the job thread that waits. */
static void on_write_done(pt_write_t *w)
{
    pending_t *pw = w->data;
    pthread_mutex_lock(&pw->mu);
    pw->done = true;
    pthread_cond_signal(&pw->cond);
    pthread_mutex_unlock(&pw->mu);
}

/* Queues a custom write; when it returns PT_OK, custom_wait must follow. */
static int custom_start(pt_store_t *s, int (*fn)(void *, pt_write_t *), void *arg,
                        const char *actor, pending_t *pw, pt_error_t *err)
{
    memset(pw, 0, sizeof(*pw));
    if (!(pw->w = pt_write_new(PT_WRITE_CUSTOM)))
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    pw->w->run_ = fn;
    pw->w->arg_ = arg;
    pw->w->cb = on_write_done;
    pw->w->data = pw;
    pthread_mutex_init(&pw->mu, NULL);
    pthread_cond_init(&pw->cond, NULL);
    int rc = PT_OK;
    if (actor && !(pw->w->actor = strdup(actor)))
        rc = pt_error_set(err, PT_ENOMEM, "out of memory");
    else if (pt_store_write(s, pw->w) != PT_OK)
        rc = pt_error_set(err, PT_ESTORAGE, "the store is closing; nothing was saved");
    if (rc != PT_OK) {
        pt_write_free(pw->w);
        pthread_mutex_destroy(&pw->mu);
        pthread_cond_destroy(&pw->cond);
    }
    return rc;
}

/* Waits until the write has committed (or failed), and frees it. */
static int custom_wait(pending_t *pw, pt_error_t *err)
{
    pthread_mutex_lock(&pw->mu);
    while (!pw->done)
        pthread_cond_wait(&pw->cond, &pw->mu);
    pthread_mutex_unlock(&pw->mu);
    int rc = pw->w->err.code;
    if (rc != PT_OK)
        pt_error_move(err, &pw->w->err);
    pt_write_free(pw->w);
    pthread_mutex_destroy(&pw->mu);
    pthread_cond_destroy(&pw->cond);
    return rc;
}

/* Queues a custom write and waits until it has committed (or failed). */
static int run_custom(pt_store_t *s, int (*fn)(void *, pt_write_t *), void *arg, const char *actor,
                      pt_error_t *err)
{
    pending_t pw;
    int rc = custom_start(s, fn, arg, actor, &pw, err);
    return rc == PT_OK ? custom_wait(&pw, err) : rc;
}

int pt_store_import_commit(pt_store_t *s, const char *job, const char *actor,
                           pt_import_result_t *res, pt_error_t *err)
{
    memset(res, 0, sizeof(*res));
    staging_t *st = staging_take(s, job);
    if (!st)
        return PT_OK; /* nothing was staged: nothing to move */
    pthread_mutex_lock(&st->mu);
    st->finished = true;
    pthread_cond_broadcast(&st->cond);
    pthread_mutex_unlock(&st->mu);
    early_wait(st);
    int rc;
    if (st->early && st->early->err.code == PT_OK) {
        *res = st->res;
        rc = PT_OK;
        __atomic_add_fetch(&s->import_moves[PT_IMPORT_MOVE_EARLY], 1, __ATOMIC_RELAXED);
    } else if (st->early && !st->early_gave_up) {
        rc = st->early->err.code;
        pt_error_move(err, &st->early->err);
        if (rc == PT_EVALIDATION)
            *res = st->res; /* the records that repeat others */
    } else {
        if (st->early_gave_up) {
            pt_info("import %s: its rows came more slowly than they could be stored; they are "
                    "stored now that all have come",
                    job);
        } else if (!st->early_tried && st->best_rate > 0) {
            /* Why an import large enough to be judged was not moved as it
             * was read: on a busy machine even a local file may be read
             * too slowly. */
            pt_info("import %s: its rows were read at %lld a second at most, fewer than the %d "
                    "that move an import as it is read; they are stored now that all have come",
                    job, (long long)st->best_rate, EARLY_RATE);
        }
        rc = run_custom(s, run_move, st, actor, err);
        if (rc == PT_OK || rc == PT_EVALIDATION)
            *res = st->res;
        /* Counted as stored: a move refused (a repeat, a full disk) stored
         * nothing, as an early one refused is not counted either. */
        if (rc == PT_OK) {
            __atomic_add_fetch(&s->import_moves[PT_IMPORT_MOVE_LATE], 1, __ATOMIC_RELAXED);
            if (st->early_gave_up)
                __atomic_add_fetch(&s->import_moves[PT_IMPORT_MOVE_GAVE_UP], 1, __ATOMIC_RELAXED);
        }
    }
    if (res->repeats == st->res.repeats)
        st->res.repeats = NULL; /* the caller's now */
    staging_close(st);
    return rc;
}

/* A batch of a partial import, stored in a transaction of its own while
 * the job's thread reads the next. */
struct pt_import_direct_s {
    pending_t pw;
    pt_import_row_t **rows;
    size_t n;
    merges_t *merges;       /* the import's, or NULL */
    pt_import_result_t res; /* of this batch */
};

static int run_direct(void *conn, pt_write_t *w)
{
    pt_import_direct_t *b = w->arg_;
    pt_import_result_t res = {0};
    dup_t d;
    if (dup_open(conn, "proposals", &d, &w->err) != PT_OK)
        return w->err.code;
    int rc = PT_OK;
    /* The import's merges, kept from batch to batch (or this batch's).
     * A batch that fails ends the import, so what it noted is not used again. */
    merges_t local = {0}, *m = b->merges ? b->merges : &local;
    for (size_t i = 0; i < b->n && rc == PT_OK; i++)
        rc = insert_row(conn, &d, m, b->rows[i], w->actor, &res, &w->err);
    dup_close(&d);
    if (rc == PT_OK)
        rc = merges_apply(conn, m, w->actor, &w->err);
    merges_free(&local);
    if (rc == PT_OK)
        b->res = res;
    else
        cJSON_Delete(res.repeats);
    return rc;
}

static void direct_free(pt_import_direct_t *b)
{
    cJSON_Delete(b->res.repeats);
    for (size_t i = 0; i < b->n; i++)
        free(b->rows[i]);
    free(b->rows);
    free(b);
}

int pt_store_import_direct_start(pt_store_t *s, pt_import_row_t **rows, size_t n, const char *actor,
                                 pt_import_merges_t *m, pt_import_direct_t **out, pt_error_t *err)
{
    *out = NULL;
    pt_import_direct_t *b = calloc(1, sizeof(*b));
    if (b && !(b->rows = malloc(n * sizeof(*b->rows)))) {
        free(b);
        b = NULL;
    }
    if (!b) {
        for (size_t i = 0; i < n; i++)
            free(rows[i]);
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    }
    memcpy(b->rows, rows, n * sizeof(*rows));
    b->n = n;
    b->merges = m;
    int rc = custom_start(s, run_direct, b, actor, &b->pw, err);
    if (rc != PT_OK)
        direct_free(b);
    else
        *out = b;
    return rc;
}

bool pt_store_import_direct_done(pt_import_direct_t *b)
{
    pthread_mutex_lock(&b->pw.mu);
    bool done = b->pw.done;
    pthread_mutex_unlock(&b->pw.mu);
    return done;
}

int pt_store_import_direct_finish(pt_import_direct_t *b, pt_import_result_t *res, pt_error_t *err)
{
    int rc = custom_wait(&b->pw, err);
    if (rc == PT_OK) {
        res->imported += b->res.imported;
        res->skipped += b->res.skipped;
        res->n_repeats += b->res.n_repeats;
        if (b->res.repeats && !res->repeats) {
            res->repeats = b->res.repeats;
            b->res.repeats = NULL;
        }
        cJSON *r;
        while (b->res.repeats && (r = cJSON_DetachItemFromArray(b->res.repeats, 0)))
            cJSON_AddItemToArray(res->repeats, r);
        if (!res->first_id)
            res->first_id = b->res.first_id;
        if (b->res.last_id)
            res->last_id = b->res.last_id;
        /* The batch's runs (one: it is one transaction) after the
         * import's; it continues the last when no other write took an id
         * between the two. */
        size_t listed =
            b->res.n_ranges < PT_IMPORT_RANGES_LISTED ? b->res.n_ranges : PT_IMPORT_RANGES_LISTED;
        for (size_t i = 0; i < listed; i++)
            pt_import_result_add_ids(res, b->res.ranges[i].first, b->res.ranges[i].last);
        if (b->res.n_ranges > listed) {
            res->n_ranges += b->res.n_ranges - listed;
            res->run_end = b->res.run_end;
        }
    }
    direct_free(b);
    return rc;
}

void pt_store_import_begin(pt_store_t *s)
{
    __atomic_add_fetch(&s->importing, 1, __ATOMIC_RELAXED);
}

void pt_store_import_end(pt_store_t *s)
{
    __atomic_sub_fetch(&s->importing, 1, __ATOMIC_RELAXED);
    /* The WAL the import's commits left is copied back now. */
    pt_store_checkpoint_wake(s);
    /* The writer may sleep until the backlog's next turn while imports run:
     * it is woken to take it now. */
    pthread_mutex_lock(&s->mu);
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

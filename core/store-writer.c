/*
 * store-writer.c - the writer thread: group commit and every kind of write.
 *
 * The writer owns the only write connection. It sleeps until writes are
 * queued, takes all of them (up to max_batch), and runs them in one
 * transaction, each inside its own savepoint: a write that fails (a
 * validation error, a refused transition, a full disk) is rolled back to its
 * savepoint and answered with its error, and its neighbours are not
 * touched. Then it commits once. Only after the commit has returned are the
 * writes handed back to the loop and answered; if the commit fails, every
 * write of the batch is answered with storage_error, so nothing is ever
 * acknowledged that is not durable.
 *
 * A proposal, its history entry and its event are written by the same
 * savepoint of the same transaction: none of them can survive a crash
 * without the others.
 */
#include "store-sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include "buf.h"
#include "log.h"
#include "timefmt.h"

enum {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_ROLLBACK_TO,
    ST_RELEASE,
    ST_SELECT_DOC,
    ST_STATE,
    ST_MERGED_INTO,
    ST_UPSERT,
    ST_UPDATE_STATE,
    ST_UPDATE_DOC,
    ST_DELETE,
    ST_DEL_UNITS,
    ST_INS_UNIT,
    ST_DEL_TAGS,
    ST_INS_TAG,
    ST_DEL_FTS,
    ST_INS_FTS,
    ST_INS_HISTORY,
    ST_INS_EVENT,
    ST_SEL_IDEM,
    ST_INS_IDEM,
    ST_OLD_IDEM,
    ST_CURSOR,
    ST_INS_EVENT_DATA,
    ST_DEL_PEOPLE,
    ST_INS_PERSON,
    ST_CURSOR_START,
    ST_INSERT,
    ST_KEEP_VERSION,
    ST_COUNT_
};

static const char *const sql_text[ST_COUNT_] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT w",
    [ST_ROLLBACK_TO] = "ROLLBACK TO w",
    [ST_RELEASE] = "RELEASE w",
    [ST_SELECT_DOC] = "SELECT doc FROM proposals WHERE id = ?1",
    /* Within a unit's (?2) or a delegate's (?3) scope when one is bound:
     * a proposal outside it does not exist for them (state_cb). Each is
     * one lookup by the row's key: "id IN (SELECT ... WHERE name = ?2)"
     * would list all of the unit's or the person's proposals, every time. */
    [ST_STATE] = "SELECT status FROM proposals WHERE id = ?1"
                 " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM proposal_units"
                 "  WHERE proposal_id = ?1 AND name = ?2))"
                 " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM proposal_people"
                 "  WHERE proposal_id = ?1 AND person = ?3))",
    /* instr() skips the documents that cannot hold the id cheaply (a
     * document is compact JSON, so "merged_into":7 appears as such, and
     * nowhere inside a string, whose quotes are escaped); json_extract
     * then tells 7 from 70. A scan, but only a draft's delete runs it. */
    [ST_MERGED_INTO] = "SELECT id FROM proposals"
                       " WHERE instr(doc, '\"merged_into\":' || ?1) > 0"
                       " AND json_extract(doc, '$.merged_into') = ?1 LIMIT 1",
    [ST_UPSERT] =
        "INSERT INTO proposals (id, number, session, kind, status, delegation, category,"
        " key_supervision, clock, assigned_at, due_at, replied, reply_category, satisfaction,"
        " source_format, source_ref, version, created_at, updated_at, doc)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19, ?20)"
        " ON CONFLICT (id) DO UPDATE SET number = excluded.number, session = excluded.session,"
        " kind = excluded.kind, status = excluded.status, delegation = excluded.delegation,"
        " category = excluded.category, key_supervision = excluded.key_supervision,"
        " clock = excluded.clock, assigned_at = excluded.assigned_at,"
        " due_at = excluded.due_at, replied = excluded.replied,"
        " reply_category = excluded.reply_category, satisfaction = excluded.satisfaction,"
        " source_format = excluded.source_format, source_ref = excluded.source_ref,"
        " version = excluded.version, updated_at = excluded.updated_at, doc = excluded.doc",
    /* An action changes only these columns. Naming just them spares the
     * indexes on the others (number, delegation, category, ...) a rewrite. */
    [ST_UPDATE_STATE] =
        "UPDATE proposals SET status = ?5, key_supervision = ?8, clock = ?9, assigned_at = ?10,"
        " due_at = ?11, replied = ?12, reply_category = ?13, satisfaction = ?14, version = ?17,"
        " updated_at = ?19, doc = ?20 WHERE id = ?1",
    /* ... and one that moves neither the state nor a deadline (supervise,
     * opinion, follow_up) spares the deadline's index and those of the
     * status too, but for proposals_status_updated, which holds
     * updated_at. */
    [ST_UPDATE_DOC] = "UPDATE proposals SET key_supervision = ?8, replied = ?12,"
                      " reply_category = ?13, satisfaction = ?14, version = ?17,"
                      " updated_at = ?19, doc = ?20 WHERE id = ?1",
    [ST_DELETE] = "DELETE FROM proposals WHERE id = ?1",
    [ST_DEL_UNITS] = "DELETE FROM proposal_units WHERE proposal_id = ?1",
    [ST_INS_UNIT] = "INSERT OR IGNORE INTO proposal_units (proposal_id, name, role, answered,"
                    " signed, replied, reply_category) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_DEL_TAGS] = "DELETE FROM proposal_tags WHERE proposal_id = ?1",
    [ST_INS_TAG] = "INSERT OR IGNORE INTO proposal_tags (proposal_id, tag) VALUES (?1, ?2)",
    [ST_DEL_FTS] = "DELETE FROM proposals_fts WHERE rowid = ?1",
    /* The index holds the text folded as search folds its words
     * (store-fold.c), so that ２０２５ and 2025 are one to it. */
    [ST_INS_FTS] = "INSERT INTO proposals_fts (rowid, title, background, recommendations)"
                   " VALUES (?1, pt_fold(?2), pt_fold(?3), pt_fold(?4))",
    [ST_INS_HISTORY] = "INSERT INTO history (proposal_id, seq, at, actor, action, from_state,"
                       " to_state, note, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_INS_EVENT] = "INSERT INTO events (type, at, actor, action, from_state, to_state,"
                     " proposal_id, proposal) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_INS_EVENT_DATA] =
        "INSERT INTO events (type, at, actor, action, from_state, to_state,"
        " proposal_id, proposal, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    /* A key older than IDEM_KEEP_MS is forgotten, whether or not it has
     * been pruned yet; a new request under it takes its place. */
    [ST_SEL_IDEM] = "SELECT request_hash, proposal_id FROM idempotency"
                    " WHERE actor = ?1 AND key = ?2 AND created_at >= ?3",
    /* A cursor only moves forward, whatever order its writes arrive in. */
    [ST_CURSOR] = "INSERT INTO notifier_cursors (instance, seq, updated_at) VALUES (?1, ?2, ?3)"
                  " ON CONFLICT (instance) DO UPDATE SET seq = max(seq, excluded.seq),"
                  " updated_at = excluded.updated_at",
    [ST_INS_IDEM] = "INSERT OR REPLACE INTO idempotency"
                    " (actor, key, request_hash, proposal_id, created_at)"
                    " VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_OLD_IDEM] = "DELETE FROM idempotency WHERE created_at < ?1",
    [ST_DEL_PEOPLE] = "DELETE FROM proposal_people WHERE proposal_id = ?1",
    [ST_INS_PERSON] = "INSERT OR IGNORE INTO proposal_people (proposal_id, person) VALUES (?1, ?2)",
    [ST_CURSOR_START] = "INSERT INTO notifier_cursors (instance, seq, updated_at)"
                        " VALUES (?1, ?2, ?3) ON CONFLICT (instance) DO NOTHING",
    /* A new id has no row to update. */
    [ST_INSERT] =
        "INSERT INTO proposals (id, number, session, kind, status, delegation, category,"
        " key_supervision, clock, assigned_at, due_at, replied, reply_category, satisfaction,"
        " source_format, source_ref, version, created_at, updated_at, doc)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19, ?20)",
    [ST_KEEP_VERSION] = "INSERT OR IGNORE INTO proposal_versions (proposal_id, version, doc)"
                        " SELECT id, version, doc FROM proposals WHERE id = ?1 AND EXISTS"
                        " (SELECT 1 FROM events WHERE proposal_id = ?1 AND ref_version IS NOT NULL"
                        "  AND ref_version = proposals.version)",
};

/* The batches of pt_store_insert_new, in the order they are flushed. */
enum { IMP_UNITS, IMP_TAGS, IMP_PEOPLE, IMP_PENDING, IMP_HISTORY, IMP_EVENTS, IMP_COUNT_ };

static const struct {
    const char *prefix, *row, *types;
} imp_sql[IMP_COUNT_] = {
    [IMP_UNITS] = {"INSERT OR IGNORE INTO proposal_units (proposal_id, name, role, answered,"
                   " signed, replied, reply_category) VALUES ",
                   "(?,?,?,?,?,?,?)", "ittiiit"},
    [IMP_TAGS] = {"INSERT OR IGNORE INTO proposal_tags (proposal_id, tag) VALUES ", "(?,?)", "it"},
    [IMP_PEOPLE] = {"INSERT OR IGNORE INTO proposal_people (proposal_id, person) VALUES ", "(?,?)",
                    "it"},
    [IMP_PENDING] = {"INSERT OR IGNORE INTO search_pending (proposal_id) VALUES ", "(?)", "i"},
    [IMP_HISTORY] = {"INSERT INTO history (proposal_id, seq, at, actor, action, to_state) VALUES ",
                     "(?,1,?,?,?,?)", "iittt"},
    /* An imported proposal's event refers to version 1 of its row, with
     * whether it was overdue then: the feed puts the two together when it
     * is read (store-read.c), and keep_version keeps that version if the
     * row changes before the event is gone. */
    [IMP_EVENTS] = {"INSERT INTO events (type, at, actor, action, to_state, proposal_id,"
                    " ref_version, ref_overdue) VALUES ",
                    "('proposal.created',?,?,?,?,?,1,?)", "itttii"},
};

/* The writer keeps the proposals it has decoded, so that a run of actions
 * on the same proposals does not read and parse them again each time. It
 * can, because it is the only writer: what it holds is what the database
 * holds, as long as every change it makes is either committed or followed
 * by an eviction (a write that fails evicts its proposal; a transaction
 * that fails empties the cache). Dropping a proposal never breaks that:
 * the next write reads it from the database again. Slots are chosen by id,
 * one proposal per slot; a collision replaces the older one.
 *
 * A proposal grows over its life (units, opinions, replies, feedback, long
 * texts), so the cache is bounded by size as well as by count: each slot
 * keeps pt_proposal_heap_bytes of its proposal, measured when it is read
 * and again after each write, and the total is brought under
 * PT_WRITER_CACHE_BUDGET after every write (cache_settle), when no cached
 * proposal is in use. During a write it may exceed it by the one proposal
 * that write read.
 *
 * The budget, 16 MiB, is 4 KiB a slot: a proposal with a few thousand
 * characters of text and a reply. An office's proposals fill the slots, or
 * nearly; those of a store whose proposals have grown large (dozens of
 * replies, long texts) share the 16 MiB, where 4,096 of them could take
 * hundreds of megabytes. It is as much as the writer's SQLite page cache, which
 * holds the same rows as pages. A proposal over PT_WRITER_CACHE_ENTRY_MAX
 * (256 KiB) is not kept at all: 64 of them would take the whole budget,
 * and reading one again costs less than what each write of it does anyway
 * (render the whole document and store it in its row and in its event). */
#define CACHE_SLOTS 4096

typedef struct {
    int64_t id; /* 0: empty */
    pt_proposal_t p;
    size_t bytes; /* pt_proposal_heap_bytes(&p) when last measured */
    bool used;    /* read since the clock hand last passed it (cache_trim) */
} cache_slot_t;

typedef struct {
    pt_store_t *s;
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT_];
    cache_slot_t *cache;
    size_t cache_bytes;   /* the slots' bytes, summed */
    size_t cache_entries; /* the slots that hold a proposal */
    size_t cache_hand;    /* the next slot cache_trim looks at */
    int64_t now;
    int64_t batch_last_seq;
    bool tokens_changed; /* a write of this batch changed the tokens (their count) */
    int64_t due_hint;    /* the earliest running deadline written in this batch; 0: none */
    int64_t write_last_seq;
    /* A write of this batch failed at the storage (a full disk, an I/O
     * error, a file it may not write), though the others may commit:
     * the store is then not writable, as after a failed commit. */
    bool storage_failed;
    /* The first storage error of the batch, for the log (storage_note). */
    char storage_why[sizeof(((pt_error_t *)0)->message)];
    /* What the log has been told (storage_note): writes fail at the
     * storage since failing_since (pt_time_mono; 0: they do not), and
     * `refused` writes were answered with storage_error since. */
    int64_t failing_since, fail_logged;
    uint64_t refused;
    /* Imports refused while they staged, taken from s->staging_refused,
     * not yet counted in `refused` (storage_note). */
    uint64_t staging_refused;
    /* The search backlog (store-search.c). backlog counts the proposals listed: what a write
     * adds is taken back when the write, or its transaction, is rolled back
     * (run_batch); retry_at holds off a chunk after one failed. */
    int64_t search_backlog;
    /* Times of the backlog's turns are on the monotonic clock (pt_time_mono),
     * like s->cond's timed waits. */
    int64_t search_retry_at;
    int64_t search_last;     /* when the last chunk ended */
    int64_t batch_end;       /* when the last batch of writes ended */
    int search_chunk;        /* proposals per chunk, adapted to SEARCH_CHUNK_MS */
    int64_t search_retry_ms; /* after a failed chunk: 5 s, doubling up to 5 min */
    int64_t search_started, search_indexed;
    /* The small rows of imported proposals, gathered (store-batch.c); made
     * on the first import. */
    pt_rowbatch_t *imp[IMP_COUNT_];
    unsigned idem_kept; /* Idempotency-Keys kept since the old ones last went */
} writer_t;

/* Runs a prepared statement that returns no rows and resets it. */
static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
    if (t)
        sqlite3_bind_int64(st, i, t);
    else
        sqlite3_bind_null(st, i);
}

/* Splices the computed "overdue" member into a stored document, which is
 * kept without it: a stored document changes only with writes, and whether
 * a proposal is overdue changes with the clock. */
char *pt_doc_with_overdue(const char *doc, size_t len, bool overdue, size_t *out_len)
{
    static const char t[] = "{\"overdue\":true", f[] = "{\"overdue\":false";
    const char *head = overdue ? t : f;
    size_t hl = overdue ? sizeof(t) - 1 : sizeof(f) - 1;
    /* doc is "{}" or "{...}": the rest after '{' needs a comma unless empty. */
    bool empty = len <= 2;
    size_t n = hl + (empty ? 0 : 1) + (len - 1);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    memcpy(out, head, hl);
    size_t o = hl;
    if (!empty)
        out[o++] = ',';
    memcpy(out + o, doc + 1, len - 1);
    out[n] = '\0';
    *out_len = n;
    return out;
}

/* Maps a failed SQLite step to the error the client sees. */
static int step_error(writer_t *w, int rc, pt_error_t *err, const char *what)
{
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return pt_error_set(err, PT_ECONFLICT, "%s: %s", what, sqlite3_errmsg(w->db));
    return pt_sqlite_error(err, w->db, what);
}

/* Loads a proposal by id into p. */
static int load(writer_t *w, int64_t id, pt_proposal_t *p, pt_error_t *err)
{
    sqlite3_stmt *st = w->st[ST_SELECT_DOC];
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        if (rc == SQLITE_DONE)
            return pt_error_set(err, PT_ENOTFOUND, "proposal %lld does not exist", (long long)id);
        return pt_sqlite_error(err, w->db, "reading a proposal");
    }
    const char *doc = (const char *)sqlite3_column_text(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    cJSON *json = cJSON_ParseWithLength(doc, (size_t)n);
    sqlite3_reset(st);
    if (!json)
        return pt_error_set(err, PT_ESTORAGE, "storage error: proposal %lld is unreadable",
                            (long long)id);
    pt_error_t derr = {0};
    rc = pt_proposal_from_json(json, PT_DECODE_STORED, NULL, p, &derr);
    cJSON_Delete(json);
    if (rc != PT_OK) {
        pt_error_set(err, PT_ESTORAGE, "storage error: proposal %lld is unreadable: %s",
                     (long long)id, derr.message);
        pt_error_clear(&derr);
        return PT_ESTORAGE;
    }
    return PT_OK;
}

/* Tells /metrics what the cache holds. */
static void cache_publish(writer_t *w)
{
    __atomic_store_n(&w->s->cache_bytes, (uint64_t)w->cache_bytes, __ATOMIC_RELAXED);
    __atomic_store_n(&w->s->cache_proposals, (uint64_t)w->cache_entries, __ATOMIC_RELAXED);
}

static void slot_empty(writer_t *w, cache_slot_t *slot)
{
    pt_proposal_free(&slot->p);
    slot->id = 0;
    w->cache_bytes -= slot->bytes;
    w->cache_entries--;
    slot->bytes = 0;
    slot->used = false;
}

/* The proposal with this id, from the cache or the database. The pointer
 * is valid until the next fetch or eviction. */
static pt_proposal_t *fetch(writer_t *w, int64_t id, pt_error_t *err)
{
    cache_slot_t *slot = &w->cache[(uint64_t)id % CACHE_SLOTS];
    if (slot->id == id) {
        slot->used = true;
        return &slot->p;
    }
    pt_proposal_t p;
    pt_proposal_init(&p);
    if (load(w, id, &p, err) != PT_OK) {
        pt_proposal_free(&p);
        return NULL;
    }
    __atomic_add_fetch(&w->s->cache_loads, 1, __ATOMIC_RELAXED);
    if (slot->id)
        slot_empty(w, slot);
    slot->p = p;
    slot->id = id;
    slot->bytes = pt_proposal_heap_bytes(&p);
    slot->used = true;
    w->cache_bytes += slot->bytes;
    w->cache_entries++;
    return &slot->p;
}

static void evict(writer_t *w, int64_t id)
{
    cache_slot_t *slot = &w->cache[(uint64_t)id % CACHE_SLOTS];
    if (slot->id == id) {
        slot_empty(w, slot);
        cache_publish(w);
    }
}

static void evict_all(writer_t *w)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (w->cache[i].id)
            slot_empty(w, &w->cache[i]);
    }
    cache_publish(w);
}

/* Brings the cache under its budget: a clock hand goes round the slots,
 * dropping those not read since it last passed them and marking the
 * others unread, so that the proposals written to again and again stay. */
static void cache_trim(writer_t *w)
{
    while (w->cache_bytes > PT_WRITER_CACHE_BUDGET) {
        cache_slot_t *slot = &w->cache[w->cache_hand];
        w->cache_hand = (w->cache_hand + 1) % CACHE_SLOTS;
        if (!slot->id)
            continue;
        if (slot->used)
            slot->used = false;
        else
            slot_empty(w, slot);
    }
}

/* After a write, which may have changed the proposal it read: measures it
 * again, drops it if it has grown over the limit of one, and brings the
 * cache under its budget. No cached proposal is in use here. */
static void cache_settle(writer_t *w, int64_t id)
{
    cache_slot_t *slot = &w->cache[(uint64_t)id % CACHE_SLOTS];
    if (id && slot->id == id) {
        size_t bytes = pt_proposal_heap_bytes(&slot->p);
        w->cache_bytes = w->cache_bytes - slot->bytes + bytes;
        slot->bytes = bytes;
        if (bytes > PT_WRITER_CACHE_ENTRY_MAX)
            slot_empty(w, slot);
    }
    cache_trim(w);
    cache_publish(w);
}

/* What state_cb answers for: the writer, and the action's write, whose
 * scope (a unit's or a delegate's) bounds the proposals it may name. */
typedef struct {
    writer_t *w;
    const pt_write_t *wr;
} state_ctx_t;

/* The workflow engine's proposal_state: read from the table, not through
 * fetch(), whose cache slot may hold the very proposal the action is
 * running on. A unit's or a delegate's action (a field of type
 * proposal_id, which an office's workflow may give a reply or a feedback)
 * finds only the proposals it may read: one outside its scope does not
 * exist for it, in the words of one never given out, so that naming ids
 * does not tell it which are taken. */
static bool state_cb(int64_t id, char *state, size_t size, void *ud)
{
    const state_ctx_t *c = ud;
    writer_t *w = c->w;
    sqlite3_stmt *st = w->st[ST_STATE];
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, c->wr->scope_unit);
    bind_text(st, 3, c->wr->scope_person);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found && size > 0) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        snprintf(state, size, "%s", s ? s : "");
    }
    sqlite3_reset(st);
    return found;
}

/* Renders p as its stored document (without "overdue") and as the answer
 * (with it). Both are malloc'd. */
static int render(writer_t *w, const pt_proposal_t *p, bool clock, char **doc, size_t *doc_len,
                  char **answer, size_t *answer_len, pt_error_t *err)
{
    *doc = pt_proposal_to_text(p, false, clock, w->now, doc_len);
    if (!*doc)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    *answer =
        pt_doc_with_overdue(*doc, *doc_len, pt_proposal_is_overdue(p, clock, w->now), answer_len);
    if (!*answer) {
        free(*doc);
        *doc = NULL;
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    }
    return PT_OK;
}

/* Writes the proposal's row and, when asked, its units, tags and full-text
 * entry. */
/* What a write may have changed, which decides the statement that saves it
 * and so which indexes SQLite rewrites. */
typedef enum {
    SAVE_NEW,   /* create, import: as SAVE_ALL, for an id never used before */
    SAVE_ALL,   /* edit: any column, the text and the tags */
    SAVE_STATE, /* an action that moved the state or a deadline */
    SAVE_DOC,   /* an action that moved neither */
} save_scope_t;

/* Binds a proposal's columns to ST_INSERT, ST_UPSERT or an update (their
 * parameters are numbered alike: an update names only some). */
static void bind_cols(sqlite3_stmt *st, const pt_cols_t *c)
{
    sqlite3_bind_int64(st, 1, c->id);
    bind_text(st, 2, c->number);
    bind_text(st, 3, c->session);
    bind_text(st, 4, c->kind);
    bind_text(st, 5, c->status);
    bind_text(st, 6, c->delegation);
    bind_text(st, 7, c->category);
    sqlite3_bind_int(st, 8, c->key_supervision);
    sqlite3_bind_int(st, 9, c->clock);
    bind_time(st, 10, c->assigned_at);
    bind_time(st, 11, c->due_at);
    sqlite3_bind_int(st, 12, c->replied);
    bind_text(st, 13, c->reply_category);
    bind_text(st, 14, c->satisfaction);
    bind_text(st, 15, c->source_format);
    bind_text(st, 16, c->source_ref);
    sqlite3_bind_int64(st, 17, c->version);
    sqlite3_bind_int64(st, 18, c->created_at);
    sqlite3_bind_int64(st, 19, c->updated_at);
    sqlite3_bind_text(st, 20, c->doc, -1, SQLITE_STATIC);
}

/* Runs the bound insert or update of a proposal's row. */
static int step_row(writer_t *w, sqlite3_stmt *st, const pt_cols_t *c, pt_error_t *err)
{
    int rc = step_done(st);
    if (rc == SQLITE_OK)
        return PT_OK;
    /* The one unique index a proposal's row can break is its number's. */
    if (sqlite3_extended_errcode(w->db) == SQLITE_CONSTRAINT_UNIQUE && c->number)
        return pt_error_set(err, PT_ECONFLICT, "number \"%s\" is already used in session \"%s\"",
                            c->number, c->session ? c->session : "");
    return step_error(w, rc, err, "saving a proposal");
}

/* One row of a side table (tags, people): (id, a). */
static int insert_side(writer_t *w, int which, int64_t id, const char *a, pt_error_t *err,
                       const char *what)
{
    sqlite3_stmt *st = w->st[which];
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, a);
    int rc = step_done(st);
    return rc == SQLITE_OK ? PT_OK : step_error(w, rc, err, what);
}

/* A unit's row: its name, its role, whether it has answered its part
 * (pt_proposal_units_answered), whether it has signed, and the answer its
 * own figures count (pt_proposal_units_replies). */
static int insert_unit(writer_t *w, int64_t id, const pt_unit_t *u, bool answered, bool replied,
                       const char *category, pt_error_t *err)
{
    sqlite3_stmt *st = w->st[ST_INS_UNIT];
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, u->name);
    bind_text(st, 3, u->role ? u->role : "lead");
    sqlite3_bind_int(st, 4, answered);
    sqlite3_bind_int(st, 5, u->signed_at != 0);
    sqlite3_bind_int(st, 6, replied);
    bind_text(st, 7, category);
    int rc = step_done(st);
    return rc == SQLITE_OK ? PT_OK : step_error(w, rc, err, "saving units");
}

/* Before the row of proposal id changes or goes: an event that refers to
 * the version it holds (an import's created event, see IMP_EVENTS)
 * still needs that version, so it is kept in proposal_versions. Only a
 * version 1 can be referred to, so only the first change looks. */
static int keep_version(writer_t *w, int64_t id, int64_t version, pt_error_t *err)
{
    if (version != 1)
        return PT_OK;
    sqlite3_bind_int64(w->st[ST_KEEP_VERSION], 1, id);
    int rc = step_done(w->st[ST_KEEP_VERSION]);
    return rc == SQLITE_OK ? PT_OK : step_error(w, rc, err, "keeping a proposal's version");
}

static int save(writer_t *w, const pt_proposal_t *p, bool clock, const char *doc, bool units,
                save_scope_t scope, pt_error_t *err)
{
    /* The deadline engine sleeps until the earliest deadline it knows of;
     * a write that sets a running deadline tells it of one more. */
    if (scope != SAVE_DOC && clock && p->due_at && (!w->due_hint || p->due_at < w->due_hint))
        w->due_hint = p->due_at;
    bool text = scope == SAVE_ALL || scope == SAVE_NEW;
    /* Nothing can be stored under a new id yet: its units, tags, people and
     * full-text entry need no delete first, which spares a create four
     * statements. An id is new when it comes from next_id: ids are never
     * reused, and the rows of an id whose transaction was rolled back went
     * with it. */
    bool fresh = scope == SAVE_NEW;
    int rc;
    if (!fresh && (rc = keep_version(w, p->id, p->version - 1, err)) != PT_OK)
        return rc;
    sqlite3_stmt *st = w->st[fresh                 ? ST_INSERT
                             : text                ? ST_UPSERT
                             : scope == SAVE_STATE ? ST_UPDATE_STATE
                                                   : ST_UPDATE_DOC];
    pt_cols_t c = {
        .id = p->id,
        .number = p->number,
        .session = p->session,
        .kind = p->kind,
        .status = p->status,
        .delegation = p->delegation,
        .category = p->category,
        .key_supervision = p->key_supervision,
        .clock = clock,
        .assigned_at = p->assigned_at,
        .due_at = p->due_at,
        .replied = pt_proposal_answered(p),
        .reply_category = pt_proposal_reply_category(p),
        .satisfaction = p->n_feedback ? p->feedback[p->n_feedback - 1].satisfaction : NULL,
        .source_format = p->source_format,
        .source_ref = p->source_ref,
        .version = p->version,
        .created_at = p->created_at,
        .updated_at = p->updated_at,
        .doc = doc,
    };
    bind_cols(st, &c);
    if ((rc = step_row(w, st, &c, err)) != PT_OK)
        return rc;
    if (units) {
        if (!fresh) {
            sqlite3_bind_int64(w->st[ST_DEL_UNITS], 1, p->id);
            if ((rc = step_done(w->st[ST_DEL_UNITS])) != SQLITE_OK)
                return step_error(w, rc, err, "saving units");
        }
        /* Whether each has answered its part, and whether it has replied
         * as its figures count it (the second half), with what category. */
        bool *answered = p->n_units ? malloc(p->n_units * 2 * sizeof(*answered)) : NULL;
        const char **category = p->n_units ? malloc(p->n_units * sizeof(*category)) : NULL;
        if (p->n_units && (!answered || !category)) {
            free(answered);
            free(category);
            return pt_error_set(err, PT_ENOMEM, "out of memory");
        }
        bool *replied = p->n_units ? answered + p->n_units : NULL;
        pt_proposal_units_answered(p, answered);
        pt_proposal_units_replies(p, replied, category);
        for (size_t i = 0; i < p->n_units && rc == PT_OK; i++)
            rc = insert_unit(w, p->id, &p->units[i], answered[i], replied[i], category[i], err);
        free(answered);
        free(category);
        if (rc != PT_OK)
            return rc;
    }
    if (text) {
        if (!fresh) {
            sqlite3_bind_int64(w->st[ST_DEL_TAGS], 1, p->id);
            if ((rc = step_done(w->st[ST_DEL_TAGS])) != SQLITE_OK)
                return step_error(w, rc, err, "saving tags");
        }
        for (size_t i = 0; i < p->tags.n && rc == PT_OK; i++)
            rc = insert_side(w, ST_INS_TAG, p->id, p->tags.v[i], err, "saving tags");
        if (rc != PT_OK)
            return rc;
        /* The people a proposal belongs to decide what a delegate may
         * read; only a create or an edit changes them. */
        if (!fresh) {
            sqlite3_bind_int64(w->st[ST_DEL_PEOPLE], 1, p->id);
            if ((rc = step_done(w->st[ST_DEL_PEOPLE])) != SQLITE_OK)
                return step_error(w, rc, err, "saving the proposal's people");
        }
        for (size_t i = 0; i <= p->co_signers.n && rc == PT_OK; i++) {
            const char *person = i == 0 ? p->lead_author : p->co_signers.v[i - 1];
            if (person && *person)
                rc = insert_side(w, ST_INS_PERSON, p->id, person, err,
                                 "saving the proposal's people");
        }
        if (rc != PT_OK)
            return rc;
        if (!fresh) {
            sqlite3_bind_int64(w->st[ST_DEL_FTS], 1, p->id);
            if ((rc = step_done(w->st[ST_DEL_FTS])) != SQLITE_OK)
                return step_error(w, rc, err, "indexing a proposal");
        }
        pt_buf_t recs;
        pt_buf_init(&recs);
        for (size_t i = 0; i < p->recommendations.n; i++) {
            if (i)
                pt_buf_append(&recs, "\n", 1);
            pt_buf_puts(&recs, p->recommendations.v[i]);
        }
        st = w->st[ST_INS_FTS];
        sqlite3_bind_int64(st, 1, p->id);
        bind_text(st, 2, p->title);
        bind_text(st, 3, p->background);
        bind_text(st, 4, recs.len ? recs.data : NULL);
        rc = step_done(st);
        pt_buf_free(&recs);
        if (rc != SQLITE_OK)
            return step_error(w, rc, err, "indexing a proposal");
    }
    return PT_OK;
}

static int add_history(writer_t *w, int64_t id, int64_t seq, const char *actor, const char *action,
                       const char *from, const char *to, const char *note, const cJSON *changes,
                       pt_error_t *err)
{
    sqlite3_stmt *st = w->st[ST_INS_HISTORY];
    char *ch = changes ? cJSON_PrintUnformatted(changes) : NULL;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_int64(st, 3, w->now);
    bind_text(st, 4, actor);
    bind_text(st, 5, action);
    bind_text(st, 6, from);
    bind_text(st, 7, to);
    bind_text(st, 8, note);
    bind_text(st, 9, ch);
    int rc = step_done(st);
    free(ch);
    return rc == SQLITE_OK ? PT_OK : step_error(w, rc, err, "writing history");
}

static int add_event(writer_t *w, const char *type, const char *actor, const char *action,
                     const char *from, const char *to, int64_t id, const char *proposal,
                     pt_error_t *err)
{
    sqlite3_stmt *st = w->st[ST_INS_EVENT];
    bind_text(st, 1, type);
    sqlite3_bind_int64(st, 2, w->now);
    bind_text(st, 3, actor);
    bind_text(st, 4, action);
    bind_text(st, 5, from);
    bind_text(st, 6, to);
    sqlite3_bind_int64(st, 7, id);
    bind_text(st, 8, proposal);
    int rc = step_done(st);
    if (rc != SQLITE_OK)
        return step_error(w, rc, err, "writing the change feed");
    w->write_last_seq = sqlite3_last_insert_rowid(w->db);
    return PT_OK;
}

/* Renders, saves, and records history and the event. On success the
 * answer (the proposal with "overdue") is left in *answer. */
static int store_proposal(writer_t *w, const pt_proposal_t *p, bool units, save_scope_t scope,
                          const char *event, const char *actor, const char *action,
                          const char *from, const char *note, const cJSON *changes, char **answer,
                          size_t *answer_len, pt_error_t *err)
{
    bool clock = pt_workflow_clock_runs(w->s->opts.workflow, p->status);
    char *doc = NULL;
    *answer = NULL;
    size_t doc_len;
    int rc = render(w, p, clock, &doc, &doc_len, answer, answer_len, err);
    if (rc == PT_OK)
        rc = save(w, p, clock, doc, units, scope, err);
    if (rc == PT_OK)
        rc = add_history(w, p->id, p->version, actor, action, from, p->status, note, changes, err);
    if (rc == PT_OK)
        rc = add_event(w, event, actor, action, from, p->status, p->id, *answer, err);
    free(doc);
    if (rc != PT_OK) {
        free(*answer);
        *answer = NULL;
    }
    return rc;
}

/* A unit's own write is answered with whether the deadline runs out on
 * the unit, as its reads show it (PT_SQL_UNIT_CLOCK): in separate mode
 * (分办) a proposal overdue for the units still to answer is not overdue
 * for one that has answered. The event keeps the proposal's own. */
static int answer_for_unit(writer_t *w, pt_write_t *wr, const pt_proposal_t *p)
{
    static const char late[] = "{\"overdue\":true", not_late[] = "{\"overdue\":false";
    bool clock = pt_workflow_clock_runs(w->s->opts.workflow, p->status);
    if (!wr->scope_unit || !wr->json || !pt_proposal_is_overdue(p, clock, w->now) ||
        !pt_proposal_unit_answered(p, wr->scope_unit) || wr->json_len < sizeof(late) - 1 ||
        memcmp(wr->json, late, sizeof(late) - 1) != 0)
        return PT_OK;
    size_t rest = wr->json_len - (sizeof(late) - 1);
    char *out = malloc(sizeof(not_late) - 1 + rest + 1);
    if (!out)
        return pt_error_set(&wr->err, PT_ENOMEM, "out of memory");
    memcpy(out, not_late, sizeof(not_late) - 1);
    memcpy(out + sizeof(not_late) - 1, wr->json + sizeof(late) - 1, rest + 1);
    free(wr->json);
    wr->json = out;
    wr->json_len = sizeof(not_late) - 1 + rest;
    return PT_OK;
}

/* The common end of every write that changes a proposal. Leaves the answer
 * in wr. */
static int commit_proposal(writer_t *w, pt_write_t *wr, const pt_proposal_t *p, bool units,
                           save_scope_t scope, const char *event, const char *action,
                           const char *from, const char *note, const cJSON *changes)
{
    char *answer;
    size_t answer_len;
    int rc = store_proposal(w, p, units, scope, event, wr->actor, action, from, note, changes,
                            &answer, &answer_len, &wr->err);
    if (rc != PT_OK)
        return rc;
    wr->json = answer;
    wr->json_len = answer_len;
    wr->version = p->version;
    return answer_for_unit(w, wr, p);
}

/* The writer whose thread this is, for custom writes (store-import.c) that
 * insert proposals as a create does. Set for the writer thread's life. */
static _Thread_local writer_t *this_writer;

int64_t pt_store_take_id(void *writer_ctx)
{
    writer_t *w = this_writer;
    if (!w || (sqlite3 *)writer_ctx != w->db)
        return 0;
    return w->s->next_id++;
}

int pt_store_insert_new(void *writer_ctx, const pt_new_row_t *r, const char *actor,
                        const char *action, pt_error_t *err)
{
    writer_t *w = this_writer;
    if (!w || (sqlite3 *)writer_ctx != w->db)
        return pt_error_set(err, PT_EINTERNAL, "a proposal was inserted off the writer thread");
    const pt_cols_t *c = &r->c;
    if (c->clock && c->due_at && (!w->due_hint || c->due_at < w->due_hint))
        w->due_hint = c->due_at;
    sqlite3_stmt *st = w->st[ST_INSERT];
    bind_cols(st, c);
    int rc = step_row(w, st, c, err);
    if (rc != PT_OK)
        return rc;
    for (int i = 0; i < IMP_COUNT_; i++) {
        if (!w->imp[i] && !(w->imp[i] = pt_rowbatch_new(w->db, imp_sql[i].prefix, imp_sql[i].row,
                                                        imp_sql[i].types)))
            return pt_error_set(err, PT_ENOMEM, "out of memory");
    }
    int src = SQLITE_OK;
    const char *u = r->units, *t = r->tags, *q = r->people;
    for (size_t i = 0; i < r->n_units && src == SQLITE_OK; i++) {
        const char *role = u + strlen(u) + 1, *answered = role + strlen(role) + 1;
        const char *sig = answered + strlen(answered) + 1, *replied = sig + strlen(sig) + 1;
        const char *cat = replied + strlen(replied) + 1;
        src =
            pt_rowbatch_add(w->imp[IMP_UNITS], c->id, u, role, (int64_t)(*answered == '1'),
                            (int64_t)(*sig == '1'), (int64_t)(*replied == '1'), *cat ? cat : NULL);
        u = cat + strlen(cat) + 1;
    }
    for (size_t i = 0; i < r->n_tags && src == SQLITE_OK; i++, t += strlen(t) + 1)
        src = pt_rowbatch_add(w->imp[IMP_TAGS], c->id, t);
    for (size_t i = 0; i < r->n_people && src == SQLITE_OK; i++, q += strlen(q) + 1)
        src = pt_rowbatch_add(w->imp[IMP_PEOPLE], c->id, q);
    if (src == SQLITE_OK && (src = pt_rowbatch_add(w->imp[IMP_PENDING], c->id)) == SQLITE_OK)
        w->search_backlog++;
    if (src == SQLITE_OK)
        src = pt_rowbatch_add(w->imp[IMP_HISTORY], c->id, w->now, actor, action, c->status);
    pt_proposal_t due = {.due_at = c->due_at};
    if (src == SQLITE_OK)
        src = pt_rowbatch_add(w->imp[IMP_EVENTS], w->now, actor, action, c->status, c->id,
                              (int64_t)pt_proposal_is_overdue(&due, c->clock, w->now));
    if (src == SQLITE_OK && pt_rowbatch_empty(w->imp[IMP_EVENTS]))
        w->write_last_seq = sqlite3_last_insert_rowid(w->db);
    return src == SQLITE_OK ? PT_OK : step_error(w, src, err, "saving an imported proposal");
}

/* After a custom write: inserts what pt_store_insert_new gathered, or, when
 * the write failed (and is rolled back), drops it. */
static int end_imports(writer_t *w, int rc, pt_error_t *err)
{
    for (int i = 0; i < IMP_COUNT_; i++) {
        if (!w->imp[i] || pt_rowbatch_empty(w->imp[i]))
            continue;
        if (rc != PT_OK) {
            pt_rowbatch_clear(w->imp[i]);
            continue;
        }
        int src = pt_rowbatch_flush(w->imp[i]);
        if (src != SQLITE_OK)
            rc = step_error(w, src, err, "saving imported proposals");
        else if (i == IMP_EVENTS)
            w->write_last_seq = sqlite3_last_insert_rowid(w->db);
    }
    return rc;
}

int pt_store_point_merge(void *writer_ctx, int64_t id, int64_t into, const char *actor,
                         pt_error_t *err)
{
    writer_t *w = this_writer;
    if (!w || (sqlite3 *)writer_ctx != w->db)
        return pt_error_set(err, PT_EINTERNAL, "a merge was pointed off the writer thread");
    /* The document holds "merged_into":null once, at its top level: no
     * other member of a proposal is named so, and text inside a string
     * has its quotes escaped. */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(w->db,
                           "UPDATE proposals SET doc = replace(doc, '\"merged_into\":null',"
                           " '\"merged_into\":' || ?1) WHERE id = ?2 AND version = 1",
                           -1, &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(err, w->db, "pointing merges at their new ids");
    sqlite3_bind_int64(st, 1, into);
    sqlite3_bind_int64(st, 2, id);
    int src = sqlite3_step(st);
    sqlite3_finalize(st);
    if (src != SQLITE_DONE)
        return step_error(w, src, err, "pointing merges at their new ids");
    bool in_place = sqlite3_changes(w->db) > 0;
    int rc = PT_OK;
    pt_proposal_t *p = in_place ? NULL : fetch(w, id, err);
    if (!in_place && !p) {
        rc = err->code == PT_ENOTFOUND ? PT_OK : err->code;
        if (rc == PT_OK)
            pt_error_clear(err);
    } else if (p && !p->merged_into) {
        cJSON *changes = cJSON_CreateObject(), *c = cJSON_AddObjectToObject(changes, "merged_into");
        if (!c || !cJSON_AddNullToObject(c, "from") ||
            !cJSON_AddNumberToObject(c, "to", (double)into)) {
            rc = pt_error_set(err, PT_ENOMEM, "out of memory");
        } else if ((rc = end_imports(w, PT_OK, err)) == PT_OK) {
            /* The events of the rows this import gathered come first: the
             * one this merge names among them. */
            p->merged_into = into;
            p->version++;
            p->updated_at = w->now;
            char *answer = NULL;
            size_t answer_len;
            rc = store_proposal(w, p, false, SAVE_DOC, "proposal.updated", actor, "import",
                                p->status, NULL, changes, &answer, &answer_len, err);
            free(answer);
        }
        cJSON_Delete(changes);
    }
    /* A custom write that fails later is rolled back without the writer
     * evicting what it touched: the cache keeps none of it. */
    evict(w, id);
    return rc;
}

int pt_store_add_event(void *writer_ctx, const char *type, const char *actor, int64_t proposal_id,
                       const char *state, const char *proposal, const char *data, pt_error_t *err)
{
    writer_t *w = this_writer;
    if (!w || (sqlite3 *)writer_ctx != w->db)
        return pt_error_set(err, PT_EINTERNAL, "an event was written off the writer thread");
    sqlite3_stmt *st = w->st[ST_INS_EVENT_DATA];
    bind_text(st, 1, type);
    sqlite3_bind_int64(st, 2, w->now);
    bind_text(st, 3, actor);
    sqlite3_bind_null(st, 4);
    bind_text(st, 5, state);
    bind_text(st, 6, state);
    if (proposal_id)
        sqlite3_bind_int64(st, 7, proposal_id);
    else
        sqlite3_bind_null(st, 7);
    bind_text(st, 8, proposal);
    bind_text(st, 9, data);
    int rc = step_done(st);
    if (rc != SQLITE_OK)
        return step_error(w, rc, err, "writing the change feed");
    w->write_last_seq = sqlite3_last_insert_rowid(w->db);
    return PT_OK;
}

int64_t pt_store_writer_now(void)
{
    return this_writer ? this_writer->now : 0;
}

void pt_store_writer_tokens_changed(void)
{
    if (this_writer)
        this_writer->tokens_changed = true;
}

/* The count of token changes as committed (store_meta), or -1. */
static int64_t committed_token_changes(writer_t *w)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(w->db,
                           "SELECT CAST(value AS INTEGER) FROM store_meta"
                           " WHERE key = 'token_changes'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The answer for a proposal that is not changed (a replay, a no-op edit). */
static int answer_current(writer_t *w, pt_write_t *wr, const pt_proposal_t *p)
{
    bool clock = pt_workflow_clock_runs(w->s->opts.workflow, p->status);
    char *doc = NULL, *answer = NULL;
    size_t doc_len;
    int rc = render(w, p, clock, &doc, &doc_len, &answer, &wr->json_len, &wr->err);
    free(doc);
    if (rc == PT_OK) {
        wr->json = answer;
        wr->version = p->version;
        rc = answer_for_unit(w, wr, p);
    }
    return rc;
}

static int check_if_match(pt_write_t *wr, const pt_proposal_t *p)
{
    if (wr->if_match < 0 || wr->if_match == p->version)
        return PT_OK;
    for (size_t i = 0; i < wr->if_match_count; i++)
        if (wr->if_match_list[i] == p->version)
            return PT_OK;
    /* A version the proposal has not reached is no one else's change but
     * a mistyped or misread number: said so, rather than "moved on". */
    if (wr->if_match > p->version)
        pt_error_set(&wr->err, PT_EVERSION,
                     "proposal %lld is at version %lld; If-Match %lld names a version it has "
                     "not reached (mistyped?): read it again and retry",
                     (long long)p->id, (long long)p->version, (long long)wr->if_match);
    else
        pt_error_set(&wr->err, PT_EVERSION,
                     "proposal %lld has moved on to version %lld (you sent If-Match %lld); "
                     "read it again and retry",
                     (long long)p->id, (long long)p->version, (long long)wr->if_match);
    if (!wr->err.details)
        wr->err.details = cJSON_CreateObject();
    cJSON_AddNumberToObject(wr->err.details, "current_version", (double)p->version);
    cJSON_AddNumberToObject(wr->err.details, "if_match", (double)wr->if_match);
    return PT_EVERSION;
}

/* How long an Idempotency-Key is remembered: far longer than any client
 * waits before it sends again. An older key is no longer answered
 * (ST_SEL_IDEM); the rows of such keys go with the first key kept after a
 * start and each IDEM_PRUNE_EVERY keys after, in the transaction of the
 * one kept. */
#define IDEM_KEEP_MS (30LL * 24 * 3600 * 1000)
#define IDEM_PRUNE_EVERY 1000

/* An Idempotency-Key this identity (idem_who, else the actor) has used
 * in the last IDEM_KEEP_MS: the same request again
 * is answered with the proposal it made or acted on, as it now is
 * (replayed, nothing written); another request under that key is refused.
 * Returns PT_OK with *seen false for a new key. */
static int idem_replay(writer_t *w, pt_write_t *wr, bool *seen)
{
    *seen = false;
    if (!wr->idem_key)
        return PT_OK;
    sqlite3_stmt *st = w->st[ST_SEL_IDEM];
    bind_text(st, 1, wr->idem_who ? wr->idem_who : wr->actor);
    bind_text(st, 2, wr->idem_key);
    sqlite3_bind_int64(st, 3, w->now - IDEM_KEEP_MS);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? PT_OK
                                 : pt_sqlite_error(&wr->err, w->db, "reading idempotency keys");
    }
    bool same = sqlite3_column_bytes(st, 0) == 32 &&
                memcmp(sqlite3_column_blob(st, 0), wr->idem_hash, 32) == 0;
    int64_t id = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    *seen = true;
    if (!same)
        return pt_error_set(&wr->err, PT_EIDEMPOTENCY,
                            wr->op == PT_WRITE_CREATE
                                ? "Idempotency-Key \"%s\" was already used with a different "
                                  "request body; use a new key for a new proposal"
                                : "Idempotency-Key \"%s\" was already used with a different "
                                  "request; use a new key for a new action",
                            wr->idem_key);
    wr->id = id;
    pt_proposal_t *p = fetch(w, id, &wr->err);
    if (!p && wr->err.code == PT_ENOTFOUND && wr->op == PT_WRITE_CREATE) {
        /* The draft it made is deleted: a resent create makes nothing,
         * and says why, not only that some proposal does not exist. */
        pt_error_clear(&wr->err);
        pt_error_set(&wr->err, PT_ENOTFOUND,
                     "Idempotency-Key \"%s\" made proposal %lld, which has been deleted since; "
                     "nothing was created again (use a new key to make a new proposal)",
                     wr->idem_key, (long long)id);
    }
    rc = p ? answer_current(w, wr, p) : wr->err.code;
    wr->replayed = rc == PT_OK;
    return rc;
}

/* Keeps a new Idempotency-Key with the proposal its write made or acted
 * on, in the write's transaction. */
static int idem_keep(writer_t *w, pt_write_t *wr, int64_t id)
{
    if (!wr->idem_key)
        return PT_OK;
    /* At the first key kept after a start, and each IDEM_PRUNE_EVERY after. */
    if (w->idem_kept++ % IDEM_PRUNE_EVERY == 0) {
        sqlite3_stmt *old = w->st[ST_OLD_IDEM];
        sqlite3_bind_int64(old, 1, w->now - IDEM_KEEP_MS);
        int orc = step_done(old);
        if (orc != SQLITE_OK)
            return step_error(w, orc, &wr->err, "forgetting old idempotency keys");
    }
    sqlite3_stmt *st = w->st[ST_INS_IDEM];
    bind_text(st, 1, wr->idem_who ? wr->idem_who : wr->actor);
    bind_text(st, 2, wr->idem_key);
    sqlite3_bind_blob(st, 3, wr->idem_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, id);
    sqlite3_bind_int64(st, 5, w->now);
    int src = step_done(st);
    return src == SQLITE_OK ? PT_OK : step_error(w, src, &wr->err, "storing the idempotency key");
}

static int do_create(writer_t *w, pt_write_t *wr)
{
    const pt_store_options_t *o = &w->s->opts;
    bool seen;
    int irc = idem_replay(w, wr, &seen);
    if (irc != PT_OK || seen)
        return irc;

    pt_proposal_t p;
    pt_proposal_init(&p);
    int rc = pt_proposal_from_json(wr->body, PT_DECODE_CREATE, &o->validate, &p, &wr->err);
    if (rc != PT_OK)
        return rc;
    if (p.status && !pt_workflow_is_initial(o->workflow, p.status)) {
        /* The message names the field and says what is wrong, as every
         * other refusal of a field does ("status: ..."). */
        pt_error_set(&wr->err, PT_EVALIDATION,
                     "status: \"%s\" is not a state a proposal can be created in", p.status);
        pt_error_add_field(&wr->err, "status", "\"%s\" is not a state a proposal can be created in",
                           p.status);
        pt_proposal_free(&p);
        return PT_EVALIDATION;
    }
    if (!p.status) {
        p.status = strdup(pt_workflow_default_state(o->workflow));
        if (!p.status) {
            pt_proposal_free(&p);
            return pt_error_set(&wr->err, PT_ENOMEM, "out of memory");
        }
    }
    p.id = wr->id = w->s->next_id++;
    p.version = 1;
    p.created_at = p.updated_at = w->now;
    rc = commit_proposal(w, wr, &p, true, SAVE_NEW, "proposal.created", "create", NULL, NULL, NULL);
    if (rc == PT_OK)
        rc = idem_keep(w, wr, p.id);
    /* A create refused here (its number another's in the session) is
     * rolled back whole, and run_batch gives its id to the next one. */
    pt_proposal_free(&p);
    return rc;
}

static int do_patch(writer_t *w, pt_write_t *wr)
{
    pt_proposal_t *p = fetch(w, wr->id, &wr->err);
    if (!p)
        return wr->err.code;
    int rc = check_if_match(wr, p);
    cJSON *changed = NULL;
    /* The patch is validated whole before it changes anything. */
    if (rc == PT_OK)
        rc = pt_proposal_patch(p, wr->body, &w->s->opts.validate, &changed, &wr->err);
    if (rc == PT_OK) {
        if (!changed || !changed->child) {
            rc = answer_current(w, wr, p);
        } else {
            p->version++;
            p->updated_at = w->now;
            rc = commit_proposal(w, wr, p, false, SAVE_ALL, "proposal.updated", "edit", p->status,
                                 NULL, changed);
        }
    }
    cJSON_Delete(changed);
    return rc;
}

/* PT_ECONFLICT when some proposal is merged into `id`. */
static int refuse_merge_target(writer_t *w, pt_write_t *wr, int64_t id)
{
    sqlite3_stmt *st = w->st[ST_MERGED_INTO];
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    int64_t merged = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        return step_error(w, src, &wr->err, "looking for proposals merged into a draft");
    if (merged)
        return pt_error_set(&wr->err, PT_ECONFLICT,
                            "proposal %lld is merged into draft %lld, so the draft cannot be "
                            "deleted: its merged_into would name nothing; withdraw the draft "
                            "instead (it stays on record)",
                            (long long)merged, (long long)id);
    return PT_OK;
}

/* The action with the withdraw effect that p's state allows, which a
 * delete of p points to; NULL when there is none. */
static const char *withdraw_action(const pt_workflow_t *wf, const cJSON *allowed)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, allowed)
    {
        const char *effect = pt_workflow_action_effect(wf, cJSON_GetStringValue(a));
        if (effect && strcmp(effect, "withdraw") == 0)
            return a->valuestring;
    }
    return NULL;
}

/* The 409 of a delete of a proposal that is not a draft. It points to a
 * withdrawal only where one can be made: not once the proposal's course
 * has ended (closed, withdrawn), nor once a unit has replied to it, which
 * the withdraw effect refuses (docs/workflow.md). */
static int refuse_delete(const pt_workflow_t *wf, pt_write_t *wr, const pt_proposal_t *p)
{
    cJSON *allowed = pt_workflow_allowed(wf, p->status);
    const char *withdraw = withdraw_action(wf, allowed);
    pt_wf_info_t st = {0};
    bool known = pt_workflow_state_info(wf, p->status, &st);
    const char *zh = known ? st.zh : "not a state of the workflow";
    long long id = (long long)p->id;
    if (withdraw && p->n_replies == 0 && strcmp(withdraw, "withdraw") == 0)
        pt_error_set(&wr->err, PT_ETRANSITION,
                     "only drafts can be deleted; proposal %lld is in state \"%s\" "
                     "(withdraw it instead)",
                     id, p->status);
    else if (withdraw && p->n_replies == 0)
        pt_error_set(&wr->err, PT_ETRANSITION,
                     "only drafts can be deleted; proposal %lld is in state \"%s\" "
                     "(withdraw it instead, with the action \"%s\")",
                     id, p->status, withdraw);
    else if (known && st.terminal)
        pt_error_set(&wr->err, PT_ETRANSITION,
                     "only drafts can be deleted; proposal %lld is in state \"%s\" (%s), "
                     "where its course has ended: it stays on record",
                     id, p->status, zh);
    else if (p->n_replies > 0)
        pt_error_set(&wr->err, PT_ETRANSITION,
                     "only drafts can be deleted; proposal %lld is in state \"%s\" (%s), and "
                     "a unit has replied to it, so it cannot be withdrawn either: it stays on "
                     "record",
                     id, p->status, zh);
    else
        pt_error_set(&wr->err, PT_ETRANSITION,
                     "only drafts can be deleted; proposal %lld is in state \"%s\" (%s), "
                     "where it cannot be withdrawn either: it stays on record",
                     id, p->status, zh);
    if (!wr->err.details)
        wr->err.details = cJSON_CreateObject();
    if (wr->err.details) {
        cJSON_AddStringToObject(wr->err.details, "state", p->status);
        cJSON_AddItemToObject(wr->err.details, "allowed", allowed);
    } else {
        cJSON_Delete(allowed);
    }
    return PT_ETRANSITION;
}

static int do_delete(writer_t *w, pt_write_t *wr)
{
    const pt_workflow_t *wf = w->s->opts.workflow;
    pt_proposal_t *p = fetch(w, wr->id, &wr->err);
    if (!p)
        return wr->err.code;
    int rc = check_if_match(wr, p);
    if (rc == PT_OK && !pt_workflow_is_draft(wf, p->status))
        rc = refuse_delete(wf, wr, p);
    /* A merge into a draft is refused now, but a store can still hold one:
     * made before that rule, brought in by an import (which keeps the
     * merges of the file it reads), or a draft that an office's workflow
     * leads back to. Deleting such a draft would leave the merged
     * proposal's merged_into naming nothing. */
    if (rc == PT_OK)
        rc = refuse_merge_target(w, wr, p->id);
    char *doc = NULL, *answer = NULL;
    size_t doc_len, answer_len;
    if (rc == PT_OK)
        rc = render(w, p, pt_workflow_clock_runs(wf, p->status), &doc, &doc_len, &answer,
                    &answer_len, &wr->err);
    if (rc == PT_OK)
        rc = keep_version(w, p->id, p->version, &wr->err);
    static const int dels[] = {ST_DELETE, ST_DEL_UNITS, ST_DEL_TAGS, ST_DEL_FTS, ST_DEL_PEOPLE};
    for (size_t i = 0; rc == PT_OK && i < sizeof(dels) / sizeof(dels[0]); i++) {
        sqlite3_bind_int64(w->st[dels[i]], 1, p->id);
        int src = step_done(w->st[dels[i]]);
        if (src != SQLITE_OK)
            rc = step_error(w, src, &wr->err, "deleting a proposal");
    }
    if (rc == PT_OK)
        rc = add_history(w, p->id, p->version + 1, wr->actor, "delete", p->status, NULL, NULL, NULL,
                         &wr->err);
    if (rc == PT_OK)
        rc = add_event(w, "proposal.deleted", wr->actor, "delete", p->status, NULL, p->id, answer,
                       &wr->err);
    free(doc);
    free(answer);
    if (rc == PT_OK)
        evict(w, wr->id);
    return rc;
}

/* True when p is within the scope of a unit's or a delegate's action: the
 * unit is one of its units, the person its lead author or a co-signer. It
 * is checked here, on the proposal as the writer holds it, so that no
 * change committed between the request and the write can widen it. */
static bool in_scope(const pt_write_t *wr, const pt_proposal_t *p)
{
    if (wr->scope_unit) {
        bool found = false;
        for (size_t i = 0; i < p->n_units && !found; i++)
            found = p->units[i].name && strcmp(p->units[i].name, wr->scope_unit) == 0;
        if (!found)
            return false;
    }
    if (wr->scope_person) {
        bool found = p->lead_author && strcmp(p->lead_author, wr->scope_person) == 0;
        for (size_t i = 0; i < p->co_signers.n && !found; i++)
            found = strcmp(p->co_signers.v[i], wr->scope_person) == 0;
        if (!found)
            return false;
    }
    return true;
}

static int do_action(writer_t *w, pt_write_t *wr)
{
    const pt_store_options_t *o = &w->s->opts;
    pt_proposal_t *p = fetch(w, wr->id, &wr->err);
    if (!p)
        return wr->err.code;
    if (!in_scope(wr, p))
        return pt_error_set(&wr->err, PT_ENOTFOUND, "proposal %lld does not exist",
                            (long long)wr->id);
    /* Only now: what a caller may be told about its body's unit or person
     * would otherwise tell it that a proposal it may not read exists. */
    if (wr->scope_refused)
        return pt_error_set(&wr->err, PT_EFORBIDDEN, "%s", wr->scope_refused);
    /* A replay comes before If-Match: the version it names was current
     * when the action was first sent, and is not now because of it. */
    bool seen;
    int rc = idem_replay(w, wr, &seen);
    if (rc != PT_OK || seen)
        return rc;
    state_ctx_t sctx = {.w = w, .wr = wr};
    pt_action_ctx_t ctx = {
        .wf = o->workflow,
        .deadlines = &o->deadlines,
        .now = w->now,
        .actor = wr->actor,
        .proposal_state = state_cb,
        .ud = &sctx,
    };
    pt_history_t h;
    memset(&h, 0, sizeof(h));
    /* An action the workflow does not have is not found, whatever version
     * If-Match names (RFC 9110 13.2.1: a request that would fail without
     * its preconditions is not answered 412): a client told to read the
     * proposal again and retry would only be refused once more.
     * pt_workflow_apply refuses it before it looks at the proposal. */
    if (!pt_workflow_has_action(o->workflow, wr->action))
        return pt_workflow_apply(&ctx, p, wr->action, wr->body, &h, &wr->err);
    rc = check_if_match(wr, p);
    if (rc != PT_OK)
        return rc;
    char *from = strdup(p->status);
    /* A refused action leaves the proposal untouched. */
    rc = from ? pt_workflow_apply(&ctx, p, wr->action, wr->body, &h, &wr->err)
              : pt_error_set(&wr->err, PT_ENOMEM, "out of memory");
    /* A unit is offered only what its part lets it run: no reply to a co
     * unit in lead_co mode, no opinion to a lead or separate unit, no
     * second signature. */
    if (rc == PT_ETRANSITION && wr->scope_unit && wr->err.details)
        pt_workflow_allowed_for_unit(o->workflow, p, wr->scope_unit,
                                     cJSON_GetObjectItemCaseSensitive(wr->err.details, "allowed"));
    if (rc == PT_OK) {
        /* The units' rows hold whether each has answered its part. */
        bool units = h.changes && (cJSON_GetObjectItemCaseSensitive(h.changes, "units") ||
                                   cJSON_GetObjectItemCaseSensitive(h.changes, "replies") ||
                                   cJSON_GetObjectItemCaseSensitive(h.changes, "handling_mode"));
        bool state = !h.changes || cJSON_GetObjectItemCaseSensitive(h.changes, "status") ||
                     cJSON_GetObjectItemCaseSensitive(h.changes, "assigned_at") ||
                     cJSON_GetObjectItemCaseSensitive(h.changes, "due_at");
        rc = commit_proposal(w, wr, p, units, state ? SAVE_STATE : SAVE_DOC,
                             "proposal.status_changed", wr->action, from, h.note, h.changes);
        if (rc == PT_OK)
            rc = idem_keep(w, wr, wr->id);
    }
    free(from);
    pt_history_free(&h);
    return rc;
}

static int do_cursor(writer_t *w, pt_write_t *wr)
{
    sqlite3_stmt *st = w->st[wr->first ? ST_CURSOR_START : ST_CURSOR];
    bind_text(st, 1, wr->name);
    sqlite3_bind_int64(st, 2, wr->seq);
    sqlite3_bind_int64(st, 3, w->now);
    int rc = step_done(st);
    return rc == SQLITE_OK ? PT_OK : step_error(w, rc, &wr->err, "saving a notifier cursor");
}

static int run_write(writer_t *w, pt_write_t *wr)
{
    switch (wr->op) {
    case PT_WRITE_CURSOR:
        return do_cursor(w, wr);
    case PT_WRITE_CUSTOM:
        /* A module of the store that changes proposals must evict them
         * from the cache itself; today's modules do not change existing
         * ones. */
        if (!wr->run_)
            return pt_error_set(&wr->err, PT_EINTERNAL, "a custom write without a body");
        return end_imports(w, wr->run_(w->db, wr), &wr->err);
    case PT_WRITE_CREATE:
        return do_create(w, wr);
    case PT_WRITE_PATCH:
        return do_patch(w, wr);
    case PT_WRITE_DELETE:
        return do_delete(w, wr);
    case PT_WRITE_ACTION:
        return do_action(w, wr);
    }
    return pt_error_set(&wr->err, PT_EINTERNAL, "unknown write");
}

/* Whether the database's last error is the storage's (a full disk, an
 * I/O error, a file it may not write, a damaged file), not what a write
 * itself ran into (an import that gave up waiting for its upload). */
static bool storage_trouble(sqlite3 *db)
{
    switch (sqlite3_errcode(db) & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PERM:
        return true;
    default:
        return false;
    }
}

static void fail_all(pt_write_t *batch, pt_error_t *cause)
{
    for (pt_write_t *wr = batch; wr; wr = wr->next_) {
        if (wr->err.code != PT_OK)
            continue;
        free(wr->json);
        wr->json = NULL;
        wr->replayed = false;
        pt_error_set(&wr->err, PT_ESTORAGE, "%s; it was not saved", cause->message);
    }
}

/* Answers with storage_error every write of [from, to) that had succeeded:
 * their transaction is gone. */
static void fail_range(pt_write_t *from, pt_write_t *to, const char *why)
{
    for (pt_write_t *wr = from; wr != to; wr = wr->next_) {
        if (wr->err.code != PT_OK)
            continue;
        free(wr->json);
        wr->json = NULL;
        wr->replayed = false;
        /* why may say "storage error" already (a failed commit's). */
        pt_error_set(&wr->err, PT_ESTORAGE, "%s%s; it was not saved",
                     strncmp(why, "storage error", 13) == 0 ? "" : "storage error: ", why);
    }
}

/* After a commit that failed. SQLite writes a transaction whole into the
 * WAL before it syncs it: a commit that fails at the sync (an I/O error
 * of the disk) leaves it there, complete, after the frames the database
 * counts. This process no longer sees it, but the next one to read the
 * WAL again (the start after a crash, or after a stop whose last
 * checkpoint fails too) would take it for committed and bring back writes
 * that were answered "not saved". So one small write follows at once:
 * SQLite writes it where the failed transaction began (or starts the WAL
 * over, with new salts), and a frame counts only where it chains to the
 * ones before it, so nothing after it does. The write counts the failed
 * commits in store_meta; if its own commit fails too, it may come back,
 * which changes nothing anyone reads. Thread: the writer. */
static void bury_failed_commit(writer_t *w)
{
    static const char *const sql =
        "INSERT INTO store_meta (key, value) VALUES ('failed_commits', '1')"
        " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1";
    if (step_done(w->st[ST_BEGIN]) != SQLITE_OK)
        return;
    if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        step_done(w->st[ST_COMMIT]) != SQLITE_OK)
        step_done(w->st[ST_ROLLBACK]);
}

/* Runs one batch in one transaction. Returns false when the commit failed. */
static bool run_batch(writer_t *w, pt_write_t *batch)
{
    pt_error_t err = {0};
    w->batch_last_seq = 0;
    if (step_done(w->st[ST_BEGIN]) != SQLITE_OK) {
        pt_sqlite_error(&err, w->db, "starting a transaction");
        snprintf(w->storage_why, sizeof(w->storage_why), "%s", err.message);
        fail_all(batch, &err);
        pt_error_clear(&err);
        return false;
    }
    pt_write_t *txn_start = batch; /* the first write of the open transaction */
    /* The backlog's count when the transaction and the write began: a
     * rollback takes back what they listed. */
    int64_t backlog_txn = w->search_backlog;
    /* So is the next id: the ids a rolled-back write or transaction took
     * (a create's, an import's) are given to the next ones, so that a
     * full disk leaves no gaps between the ids people see. The writer
     * alone takes ids, so none was taken since by anyone else. */
    int64_t id_txn = w->s->next_id;
    for (pt_write_t *wr = batch; wr; wr = wr->next_) {
        w->now = pt_time_now();
        w->write_last_seq = 0;
        if (step_done(w->st[ST_SAVEPOINT]) != SQLITE_OK) {
            pt_sqlite_error(&wr->err, w->db, "starting a savepoint");
            continue;
        }
        int64_t backlog_write = w->search_backlog, id_write = w->s->next_id;
        if (run_write(w, wr) != PT_OK) {
            if (wr->err.code == PT_ESTORAGE && storage_trouble(w->db)) {
                if (!w->storage_failed)
                    snprintf(w->storage_why, sizeof(w->storage_why), "%s", wr->err.message);
                w->storage_failed = true;
                /* Its answer says that nothing of it is stored, as a
                 * failed commit's does: the disk refused it before. */
                char why[sizeof(wr->err.message)];
                snprintf(why, sizeof(why), "%s", wr->err.message);
                pt_error_set(&wr->err, PT_ESTORAGE, "%s; it was not saved", why);
            }
            free(wr->json);
            wr->json = NULL;
            step_done(w->st[ST_ROLLBACK_TO]);
            w->search_backlog = backlog_write;
            w->s->next_id = id_write;
            /* It may have changed its cached proposal before it failed. */
            if (wr->op == PT_WRITE_PATCH || wr->op == PT_WRITE_ACTION || wr->op == PT_WRITE_DELETE)
                evict(w, wr->id);
        } else if (w->write_last_seq > w->batch_last_seq) {
            w->batch_last_seq = w->write_last_seq;
        }
        cache_settle(w, wr->id);
        step_done(w->st[ST_RELEASE]);
        /* Some errors (a full disk, an I/O error) make SQLite roll back the
         * whole transaction, not just the statement. Then the writes before
         * this one are gone too: they are answered with the error, and the
         * rest of the batch goes on in a new transaction. */
        if (sqlite3_get_autocommit(w->db)) {
            evict_all(w);
            fail_range(txn_start, wr->next_, "the transaction was rolled back by the database");
            txn_start = wr->next_;
            w->batch_last_seq = 0;
            w->search_backlog = backlog_txn;
            w->s->next_id = id_txn;
            if (wr->next_ && step_done(w->st[ST_BEGIN]) != SQLITE_OK) {
                pt_sqlite_error(&err, w->db, "starting a transaction");
                snprintf(w->storage_why, sizeof(w->storage_why), "%s", err.message);
                fail_all(wr->next_, &err);
                pt_error_clear(&err);
                return false;
            }
        }
    }
    if (!txn_start)
        return true; /* the transaction was rolled back; nothing to commit */
    if (step_done(w->st[ST_COMMIT]) != SQLITE_OK) {
        pt_sqlite_error(&err, w->db, "committing");
        /* The log hears of it from storage_note, once for a run of them. */
        snprintf(w->storage_why, sizeof(w->storage_why), "%s", err.message);
        step_done(w->st[ST_ROLLBACK]);
        bury_failed_commit(w);
        evict_all(w);
        fail_range(txn_start, NULL, err.message);
        pt_error_clear(&err);
        w->batch_last_seq = 0;
        w->search_backlog = backlog_txn;
        w->s->next_id = id_txn;
        return false;
    }
    return true;
}

/* Says in the log when writes begin to fail at the storage, and when they
 * are stored again: once each, not once a write, however many writes a
 * full disk refuses meanwhile (each client's answer says it to that
 * client). `failed`: the batch met a storage error; `stored`: it committed
 * a change. A batch that changed nothing (a write refused for what it
 * asked) commits on a full disk too and says nothing either way. Under a
 * disk that refuses some writes and takes others (a change that fits in
 * pages the store has, where a new proposal does not), the log says it
 * fails at most once a minute. Thread: the writer. */
#define STORAGE_LOG_EVERY_MS 60000

static void storage_note(writer_t *w, bool failed, bool stored, size_t refused)
{
    int64_t now = pt_time_mono();
    /* The imports refused while they staged (store-import.c), which the
     * writer never saw, are counted with the writes: in the run of
     * refusals they came in, or in the next one when none runs yet; a
     * write stored before that drops them, as it would have ended it. */
    pthread_mutex_lock(&w->s->mu);
    w->staging_refused += w->s->staging_refused;
    w->s->staging_refused = 0;
    pthread_mutex_unlock(&w->s->mu);
    if (failed || w->failing_since) {
        w->refused += w->staging_refused;
        w->staging_refused = 0;
    } else if (stored) {
        w->staging_refused = 0;
    }
    if (failed) {
        w->refused += refused;
        if (w->failing_since)
            return;
        w->failing_since = now;
        if (w->fail_logged && now - w->fail_logged < STORAGE_LOG_EVERY_MS)
            return;
        w->fail_logged = now;
        /* Where the room is wanted, and how much is left there. */
        const char *slash = strrchr(w->s->path, '/');
        char dir[1024];
        snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - w->s->path) : 1,
                 slash ? w->s->path : ".");
        if (!*dir)
            snprintf(dir, sizeof(dir), "/");
        struct statvfs vfs;
        char room[96] = "";
        if (statvfs(dir, &vfs) == 0)
            snprintf(room, sizeof(room), " (%llu kB free there)",
                     (unsigned long long)vfs.f_bavail * vfs.f_frsize / 1024);
        pt_error("writes to the store in %s%s fail: %s. Every write is refused with 503 "
                 "storage_error until one is stored again, which each write tries, without a "
                 "restart; reads and the change feed go on",
                 dir, room, w->storage_why);
    } else if (stored && w->failing_since) {
        if (w->fail_logged >= w->failing_since)
            pt_info("writes to the store are stored again, after %.0f s in which %llu "
                    "write%s refused",
                    (double)(now - w->failing_since) / 1e3, (unsigned long long)w->refused,
                    w->refused == 1 ? " was" : "s were");
        w->failing_since = 0;
        w->refused = 0;
    }
}

/* A transaction of the search backlog should take about SEARCH_CHUNK_MS,
 * so that a write arriving meanwhile does not wait long for the writer.
 * What a proposal costs to index depends on its text (a few hundred
 * characters, or many thousand), so the number of proposals per
 * transaction follows the time the last one took, between SEARCH_MIN and
 * SEARCH_MAX. */
#define SEARCH_CHUNK_MS 40
#define SEARCH_MIN 10
#define SEARCH_MAX 2000

/* One chunk of the search backlog. Thread: the writer, between batches. */
static void index_backlog(writer_t *w)
{
    int64_t done = 0, t0 = pt_time_mono();
    pt_error_t err = {0};
    int chunk = w->search_chunk;
    if (pt_store_search_index_some(w->db, chunk, &done, &err) != PT_OK) {
        w->search_retry_ms = w->search_retry_ms ? w->search_retry_ms * 2 : 5000;
        if (w->search_retry_ms > 300000)
            w->search_retry_ms = 300000;
        pt_warn("indexing proposals for search: %s; trying again in %lld s", err.message,
                (long long)(w->search_retry_ms / 1000));
        pt_error_clear(&err);
        w->search_retry_at = pt_time_mono() + w->search_retry_ms;
        return;
    }
    w->search_retry_ms = 0;
    w->search_last = pt_time_mono();
    int64_t took = w->search_last - t0;
    if (done == chunk && took > SEARCH_CHUNK_MS && chunk > SEARCH_MIN)
        w->search_chunk = chunk / 2 > SEARCH_MIN ? chunk / 2 : SEARCH_MIN;
    else if (done == chunk && took < SEARCH_CHUNK_MS / 2 && chunk < SEARCH_MAX)
        w->search_chunk = chunk * 2 < SEARCH_MAX ? chunk * 2 : SEARCH_MAX;
    if (!w->search_started)
        w->search_started = t0;
    w->search_indexed += done;
    w->search_backlog -= done;
    if (done < chunk || w->search_backlog <= 0) {
        /* Came up short: the list is empty (whatever the estimate said). */
        if (done == chunk)
            w->search_backlog = 1; /* not sure yet: look once more */
        else {
            w->search_backlog = 0;
            if (w->search_indexed)
                pt_info("search: %lld proposals indexed in %.1f s", (long long)w->search_indexed,
                        (double)(pt_time_mono() - w->search_started) / 1e3);
            w->search_started = w->search_indexed = 0;
        }
    }
}

/* Tells the rest of the daemon how large the backlog is. */
static void publish_backlog(writer_t *w)
{
    __atomic_store_n(&w->s->search_backlog, w->search_backlog > 0 ? w->search_backlog : 0,
                     __ATOMIC_RELAXED);
}

/* Whether the search backlog takes the next turn: when no write waits, and
 * under steady load once a second, so that it is not put off for ever.
 * While an import runs, its batches come one after another with short
 * gaps that a chunk would delay them by: then the backlog waits until no
 * write has come for SEARCH_IMPORT_IDLE_MS (a slow or stalled upload), or
 * at most SEARCH_IMPORTING_MS. */
#define SEARCH_IMPORTING_MS 5000
#define SEARCH_IMPORT_IDLE_MS 100

static bool importing(const writer_t *w)
{
    return __atomic_load_n(&w->s->importing, __ATOMIC_RELAXED) > 0;
}

static bool search_due(const writer_t *w, bool idle)
{
    if (w->search_backlog <= 0)
        return false;
    int64_t now = pt_time_mono();
    if (now < w->search_retry_at)
        return false;
    if (importing(w))
        return (idle && now - w->batch_end >= SEARCH_IMPORT_IDLE_MS) ||
               now - w->search_last >= SEARCH_IMPORTING_MS;
    return idle || now - w->search_last >= 1000;
}

/* When the search backlog may take its next turn, if no write comes. */
static int64_t search_next_at(const writer_t *w)
{
    int64_t at = w->search_retry_at;
    if (importing(w)) {
        int64_t turn = w->search_last + SEARCH_IMPORTING_MS;
        if (w->batch_end + SEARCH_IMPORT_IDLE_MS < turn)
            turn = w->batch_end + SEARCH_IMPORT_IDLE_MS;
        if (turn > at)
            at = turn;
    }
    return at;
}

/* Waits, with s->mu held, until there are writes to run, the writer is to
 * stop, or the search backlog may take a chunk. */
static void wait_for_work(writer_t *w, pt_store_t *s)
{
    while (!s->queue_head && !s->stopping) {
        if (w->search_backlog > 0) {
            int64_t at = search_next_at(w);
            if (pt_time_mono() >= at)
                return;
            /* s->cond waits on the monotonic clock (store-sqlite.c). */
            struct timespec until = {.tv_sec = (time_t)(at / 1000),
                                     .tv_nsec = (long)(at % 1000) * 1000000L};
            pthread_cond_timedwait(&s->cond, &s->mu, &until);
        } else {
            pthread_cond_wait(&s->cond, &s->mu);
        }
    }
}

void *pt_store_writer_main(void *arg)
{
    pt_store_t *s = arg;
    writer_t w = {.s = s, .db = s->wdb};
    this_writer = &w;
    w.cache = calloc(CACHE_SLOTS, sizeof(*w.cache));
    if (!w.cache) {
        pt_error("out of memory starting the writer");
        abort();
    }
    for (int i = 0; i < ST_COUNT_; i++) {
        if (sqlite3_prepare_v3(w.db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT, &w.st[i], NULL) !=
            SQLITE_OK) {
            /* The schema is ours and migrated: this is a bug, not bad input. */
            pt_error("cannot prepare \"%s\": %s", sql_text[i], sqlite3_errmsg(w.db));
            abort();
        }
    }
    w.search_backlog = s->search_backlog; /* counted by pt_store_open */
    w.search_chunk = 500;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        wait_for_work(&w, s);
        bool idle = !s->queue_head;
        if (idle && s->stopping) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        if (idle || search_due(&w, idle)) {
            pthread_mutex_unlock(&s->mu);
            if (search_due(&w, idle)) {
                index_backlog(&w);
                publish_backlog(&w);
            }
            continue;
        }
        /* The writer alone reads opts.deadlines; a new value is taken over
         * here, between batches, under the queue's lock. */
        if (s->deadlines_changed) {
            s->opts.deadlines = s->new_deadlines;
            s->deadlines_changed = false;
        }
        pt_write_t *batch = s->queue_head, *last = batch;
        size_t n = 1;
        for (; n < s->opts.max_batch && last->next_; n++)
            last = last->next_;
        s->queue_head = last->next_;
        if (!s->queue_head)
            s->queue_tail = NULL;
        last->next_ = NULL;
        pthread_mutex_unlock(&s->mu);

        bool ok = run_batch(&w, batch);
        w.batch_end = pt_time_mono();
        /* Stored: a write of a committed batch that succeeded and wrote
         * (not an Idempotency-Key replay). SQLite's count of changes would
         * also count the rows of a write rolled back to its savepoint. */
        size_t refused = 0, stored = 0;
        for (pt_write_t *wr = batch; wr; wr = wr->next_) {
            refused += wr->err.code == PT_ESTORAGE;
            stored += wr->err.code == PT_OK && !wr->replayed;
        }
        storage_note(&w, !ok || w.storage_failed, ok && stored > 0, refused);
        if (ok && w.tokens_changed) {
            /* Read from the database: a write that counted and was
             * rolled back to its savepoint counted nothing. */
            int64_t count = committed_token_changes(&w);
            if (count > s->token_changes)
                s->token_changes = count;
        }
        w.tokens_changed = false;
        if (ok &&
            (w.batch_last_seq || s->token_changes > s->token_mark || s->next_id - 1 > s->id_mark))
            pt_store_seqmark_commit(s, w.batch_last_seq, s->token_changes, s->next_id - 1);
        publish_backlog(&w);

        pthread_mutex_lock(&s->mu);
        if (s->done_tail)
            s->done_tail->next_ = batch;
        else
            s->done_head = batch;
        s->done_tail = last;
        if (w.batch_last_seq > s->done_last_seq)
            s->done_last_seq = w.batch_last_seq;
        if (ok && w.due_hint && (!s->done_due_hint || w.due_hint < s->done_due_hint))
            s->done_due_hint = w.due_hint;
        w.due_hint = 0;
        if (!ok || w.storage_failed)
            s->done_commit_failed = true;
        w.storage_failed = false;
        if (ok) {
            s->done_commits++;
            int b = 0;
            while (b < PT_STORE_BATCH_BUCKETS && n > pt_store_batch_bounds[b])
                b++;
            s->done_batch_hist[b]++;
        }
        s->done_writes += n;
        pthread_mutex_unlock(&s->mu);
        uv_async_send(&s->async);
    }
    for (int i = 0; i < ST_COUNT_; i++)
        sqlite3_finalize(w.st[i]);
    for (int i = 0; i < IMP_COUNT_; i++)
        pt_rowbatch_free(w.imp[i]);
    evict_all(&w);
    free(w.cache);
    this_writer = NULL;
    return NULL;
}

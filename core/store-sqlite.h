/*
 * store-sqlite.h - the SQLite backend's internals, shared by its files:
 * store-schema.c (connections and migrations), store-writer.c (the writer
 * thread and every write), store-read.c (reads on the thread pool).
 * Nothing outside those files includes this header.
 */
#ifndef PT_STORE_SQLITE_H
#define PT_STORE_SQLITE_H

#include <pthread.h>
#include <sqlite3.h>
#include "store.h"

/* The read connections not in use; a worker takes one and gives it back. */
typedef struct pt_readconn_s {
    sqlite3 *db;
    struct pt_readconn_s *next;
} pt_readconn_t;

struct pt_store_s {
    uv_loop_t *loop;
    pt_store_options_t opts;
    char *path;

    /* The writer: its thread, its connection, and the queue it drains. The
     * queue and `stopping` are guarded by mu; the writer sleeps on cond. */
    pthread_t writer;
    bool writer_started;
    sqlite3 *wdb;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    pt_write_t *queue_head, *queue_tail;
    bool stopping;
    bool imports_cancelled;       /* pt_store_cancel_imports; guarded by mu */
    pt_deadlines_t new_deadlines; /* set by pt_store_set_deadlines, guarded by mu */
    bool deadlines_changed;

    /* Writes that have been committed (or failed), handed back to the loop
     * through `async`; guarded by mu. */
    uv_async_t async;
    pt_write_t *done_head, *done_tail;
    int64_t done_last_seq; /* the highest seq committed, guarded by mu */
    bool done_commit_failed;
    uint64_t done_commits, done_writes;                   /* guarded by mu */
    uint64_t done_batch_hist[PT_STORE_BATCH_BUCKETS + 1]; /* guarded by mu */
    int64_t done_due_hint; /* guarded by mu; see pt_store_take_due_hint */
    /* Imports refused with storage_error while they staged (store-import.c),
     * for the writer's count of refused writes; guarded by mu. */
    uint64_t staging_refused;

    /* The writer's own state (writer thread only). */
    int64_t next_id;
    /* The change feed's mark (store-seqmark.c): its file, or -1, and the
     * seq it holds. Written at the start, then by the writer only. */
    int seqmark_fd;
    int64_t seqmark;
    bool seqmark_failed;
    bool restored; /* this start found the database behind the mark */
    /* The changes of the tokens made at run time that the store has had
     * (store_meta's token_changes, counted by their writes), as the mark
     * holds them too: a backup taken before a token was revoked, and after
     * the last event, is noticed by this count alone. */
    int64_t token_changes;
    int64_t token_mark;
    bool tokens_restored; /* this start found the store's count behind the mark's */
    /* The highest proposal id the mark holds: a restored store's next id
     * is after it (store-seqmark.c). */
    int64_t id_mark;
    /* The mark's count, which the store's is raised to once the start has
     * served (pt_store_restore_noticed); 0: none. Not the writer's: set at
     * the open, before the writer starts, then read and cleared by the
     * loop, which hands the count to the writer in a write of its own. */
    int64_t token_raise;

    /* The store's id (store_meta, migration 19): 32 hex digits, read at
     * the open and never changed after, so any thread reads it. */
    char id[33];

    /* Loop-side state. */
    int64_t last_seq;
    bool writable;
    uint64_t commits, writes;
    uint64_t batch_hist[PT_STORE_BATCH_BUCKETS + 1]; /* writes per commit */
    int64_t due_hint;
    void (*on_commit)(int64_t, void *);
    void *on_commit_ud;
    bool closed;
    unsigned reads_in_flight; /* pt_store_read until its callback has run */
    pt_read_t *reads;         /* those reads */
    /* pt_store_interrupt_reads was called: set by the loop, read by the
     * reads' progress handler on the pool's threads (atomically). */
    int reads_interrupted;

    /* The checkpointer: a thread of its own copies the WAL back into the
     * database, so that the writer never does it between two batches. The
     * writer's WAL hook sets ckpt_wanted; guarded by ckpt_mu. */
    pthread_t ckpt_thread;
    bool ckpt_started;
    pthread_mutex_t ckpt_mu;
    pthread_cond_t ckpt_cond;
    bool ckpt_wanted;
    bool ckpt_stopping;
    bool ckpt_running; /* the checkpointer is copying */
    bool ckpt_held;    /* the writer copies itself: the checkpointer waits */
    /* The WAL's size in frames when the writer last woke the checkpointer
     * (0: not since the WAL started over). Writer thread only. */
    int ckpt_woken_at;
    int ckpt_woken_last; /* its size when the writer last woke it */
    /* Checkpoints that copied the whole WAL back, counted by the
     * checkpointer (any thread reads it atomically), for /metrics. */
    unsigned ckpt_completed;
    /* The WAL file, read by the writer's hook for the checkpoint sequence
     * number in its header, which grows each time the WAL starts over
     * (-1: not open yet); and the number last read (writer thread). */
    int ckpt_wal_fd;
    uint32_t ckpt_wal_seq;
    /* The writer's count of the search backlog, for /metrics: written by
     * the writer, read by any thread (atomically). */
    int64_t search_backlog;
    /* What the writer's cache of decoded proposals holds (store-writer.c):
     * its bytes (pt_proposal_heap_bytes) and proposals, for /metrics;
     * written by the writer, read by any thread (atomically). */
    uint64_t cache_bytes, cache_proposals;
    /* The proposals the writer has read from the database because its
     * cache did not hold them, for tests (pt_store_writer_cache_loads);
     * counted by the writer, read by any thread (atomically). */
    uint64_t cache_loads;
    /* How the all-or-nothing imports were moved into the store
     * (store-import.c), for /metrics: by PT_IMPORT_MOVE_*, atomically. */
    uint64_t import_moves[PT_IMPORT_MOVE_COUNT];
    /* Imports running (pt_store_import_begin/end), atomically. */
    int importing;

    /* Read connections: the idle ones, at most readers_kept of them. */
    pthread_mutex_t rmu;
    pt_readconn_t *readers;
    unsigned n_readers, readers_kept;
};

/* The bounds of the writer's cache of decoded proposals, in bytes as
 * pt_proposal_heap_bytes counts them: all of its proposals together, and
 * one proposal (a larger one is not kept). Why these: store-writer.c,
 * above CACHE_SLOTS. */
#define PT_WRITER_CACHE_BUDGET (16u << 20)
#define PT_WRITER_CACHE_ENTRY_MAX (256u << 10)

/* Initializes a condition variable whose timed waits are on the monotonic
 * clock, which a change of the wall clock does not move. */
void pt_cond_init_monotonic(pthread_cond_t *cond);

/* s[0..n) folded as search folds it (store-fold.c): full-width forms as
 * ASCII, the ideographic space as a space, letters in lower case,
 * compatibility ideographs as their unified ones, variation selectors
 * and invisible characters (U+200B, U+FEFF, ...) dropped;
 * NUL-terminated, its length in *out_len (may be NULL).
 * Ownership: the caller frees; NULL when memory ran out. */
char *pt_fold(const char *s, size_t n, size_t *out_len);
/* Whether a search word s[0..n) holds a character that pt_fold folds, or
 * that other characters fold into, beyond the ASCII case that LIKE folds
 * by itself, or more than one character (between which a text may hold
 * one that pt_fold drops): only then must a LIKE fold the text it looks
 * through. */
bool pt_fold_matters(const char *s, size_t n);
/* Registers the SQL function pt_fold(X) on db. Returns an SQLite code. */
int pt_sqlite_add_fold(sqlite3 *db);

/* Opens a connection with ptrack's pragmas (the writer's but WAL mode:
 * pt_sqlite_wal). Returns SQLITE_OK or an error code, with *db set (to be
 * closed by the caller even on error). */
int pt_sqlite_open(const char *path, bool writer, sqlite3 **db);
/* Checks that the writer's connection db, opened on path, is on ptrack's
 * store of a schema this ptrackd knows or on a new one (an empty file, a
 * database with nothing in it), reading it only. Sets err and returns
 * PT_ESTORAGE for another program's database, naming path, for a store of
 * a newer schema, or for a file it cannot read. */
int pt_sqlite_check_ours(sqlite3 *db, const char *path, pt_error_t *err);
/* Opens the database at path read-only, to look at it beside a ptrackd
 * that may hold it (--check-config), making no file: SQLite makes the
 * -wal and -shm files of a database in WAL mode that has none, and a
 * read-only connection leaves them behind, the user's who looked (a
 * ptrackd of another user could not write them). With no -wal file
 * (ptrackd stopped: it copies its WAL into the file and removes it) the
 * file holds the whole database and is read as it is (immutable);
 * otherwise as a ptrackd running keeps it. Returns an SQLite code, with
 * *db set (to be closed by the caller even on error) unless out of
 * memory. */
int pt_sqlite_open_peek(const char *path, sqlite3 **db);
/* Puts the writer's connection in WAL mode, once pt_sqlite_check_ours has
 * taken the file. Returns an SQLite code. */
int pt_sqlite_wal(sqlite3 *db);
/* Creates or migrates the schema to the current version (PRAGMA
 * user_version). Runs on the writer connection before the writer starts. */
int pt_sqlite_migrate(sqlite3 *db, pt_error_t *err);
/* Sets err to storage_error with SQLite's message, or PT_DISK_FULL_TEXT
 * when the disk is full. Returns PT_ESTORAGE. */
int pt_sqlite_error(pt_error_t *err, sqlite3 *db, const char *what);
/* Whether db's last error is a full disk (or a quota that is used up). */
bool pt_sqlite_disk_full(sqlite3 *db);
/* What a client is told when a write fails because the disk is full: the
 * operator it is passed on to frees room there (docs/operation.md). */
#define PT_DISK_FULL_TEXT "the disk that holds ptrackd's database is full"

/* Starts and stops the checkpointer (store-checkpoint.c); start installs
 * the WAL hook on the writer's connection. */
int pt_store_checkpointer_start(pt_store_t *s);
void pt_store_checkpointer_stop(pt_store_t *s);
/* Has the checkpointer copy the WAL back now (an import ended). Thread:
 * any while the store is open. */
void pt_store_checkpoint_wake(pt_store_t *s);

/* A read connection from the pool, or NULL; give it back when done.
 * Thread: any. */
sqlite3 *pt_store_take_reader(pt_store_t *s);
void pt_store_give_reader(pt_store_t *s, sqlite3 *db);

/* The writer thread's body (store-writer.c). */
void *pt_store_writer_main(void *arg);

/* Serves one read on the calling thread with connection db (store-read.c). */
void pt_store_read_run(pt_store_t *s, sqlite3 *db, pt_read_t *r);

/* A proposal's row: the columns the list filters and sorts use, and its
 * stored document (without "overdue"). */
typedef struct {
    int64_t id, version, created_at, updated_at, assigned_at, due_at;
    const char *number, *session, *kind, *status, *delegation, *category;
    const char *reply_category, *satisfaction, *source_format, *source_ref;
    bool key_supervision, clock, replied;
    const char *doc;
} pt_cols_t;

/* A new proposal as an import stores it (store-import.c): its row, and its
 * units, tags and people for the side tables, each list packed as
 * NUL-ended strings one after another (a unit: PT_ROW_UNIT_STRINGS of
 * them, its name, its role, then "1" when it has answered its part,
 * pt_proposal_unit_answered, else "0", then "1" when it has signed, else
 * "0", then "1" when it has replied as its figures count it,
 * pt_proposal_units_replies, else "0", then that reply's category, ""
 * for none). */
#define PT_ROW_UNIT_STRINGS 6
typedef struct {
    pt_cols_t c;
    size_t n_units, n_tags, n_people;
    const char *units, *tags, *people;
} pt_new_row_t;

/* Rows gathered and inserted many to a statement (store-batch.c): prefix
 * is "INSERT ... VALUES ", row one row's "(?, ?, ...)", types one letter
 * per '?' of row: 'i' an int64_t, 't' a text (NULL for null). add takes
 * the row's values in that order, copies them, and flushes when the batch
 * is full; flush inserts what is gathered. Both return an SQLite code (the
 * rows gathered are dropped on an error). Thread: the connection's. */
typedef struct pt_rowbatch_s pt_rowbatch_t;
pt_rowbatch_t *pt_rowbatch_new(sqlite3 *db, const char *prefix, const char *row, const char *types);
void pt_rowbatch_free(pt_rowbatch_t *b);
int pt_rowbatch_add(pt_rowbatch_t *b, ...);
int pt_rowbatch_flush(pt_rowbatch_t *b);
/* Drops the rows gathered (their statement was rolled back). */
void pt_rowbatch_clear(pt_rowbatch_t *b);
bool pt_rowbatch_empty(const pt_rowbatch_t *b);

/* An imported record as staged (store-import-row.c): one allocation of
 * pt_import_row_size() bytes, at least PT_IMPORT_ROW_MIN, that begins with
 * that size as a uint32_t. */
#define PT_IMPORT_ROW_MIN 76
uint32_t pt_import_row_size(const pt_import_row_t *row);
/* The id and merged_into the record had where it came from (0: none). */
void pt_import_row_ids(const pt_import_row_t *row, int64_t *old_id, int64_t *old_merged_into);
/* The record's place among its import's records (pt_import_row_set_record). */
int64_t pt_import_row_record(const pt_import_row_t *row);
/* Reads a row back: its columns into r (all but id, version and doc;
 * created_at and updated_at 0 unless the record had them) and the middle of
 * its document into *mid. Ownership: the strings point into row. */
void pt_import_row_read(const pt_import_row_t *row, pt_new_row_t *r, const char **mid,
                        size_t *mid_len, const char **place);
/* The whole document of an imported proposal: "id" from c, the middle,
 * then c's version and times. Ownership: the caller frees. */
char *pt_import_row_doc(const char *mid, size_t mid_len, const pt_cols_t *c);

/* The id for the next new proposal (ids are never reused, also when the
 * transaction that took one rolls back). Thread: the writer, from a custom
 * write's run_, whose conn is writer_ctx. */
int64_t pt_store_take_id(void *writer_ctx);
/* Inserts an imported proposal, r->c.id taken from pt_store_take_id and
 * r->c.version 1: its row and side rows, a history entry (`action` by
 * `actor`) and a proposal.created event that refers to the row's version
 * instead of copying it. Its full-text entry is left to the search
 * backlog (store-search.c). All but the row are gathered and inserted many
 * at a time (store-batch.c), the last of them when the custom write that
 * called this returns. Thread: as pt_store_take_id. */
int pt_store_insert_new(void *writer_ctx, const pt_new_row_t *r, const char *actor,
                        const char *action, pt_error_t *err);

/* Points proposal id, which an import stored merged into a proposal of
 * the file that had not come yet, at `into`, the id that proposal got in
 * a later batch of a partial import (store-import.c's merges_apply). A
 * proposal still at the version the import stored (1) is pointed in
 * place, as if it had come with the pointer: its history entry and
 * proposal.created event are the import's. One that has changed since
 * (an edit between the batches) is pointed by a change of its own, a new
 * version with its history entry (`actor`, action import) and a
 * proposal.updated event, so that its history and the change feed show
 * it. A proposal that is gone or already points somewhere is left as it
 * is. Either way the writer's cache lets go of it. Thread: the writer,
 * from a custom write's run_. */
int pt_store_point_merge(void *writer_ctx, int64_t id, int64_t into, const char *actor,
                         pt_error_t *err);

/* The search backlog (store-search.c): the proposals that are not in the
 * full-text index yet (imported ones; every one after the upgrade to
 * schema 18). Thread: the writer. */
/* How many there are (at start: what a stop left). -1 on an error. */
int64_t pt_store_search_backlog(sqlite3 *db);
/* Indexes up to `limit` of them, oldest first, in one transaction of its
 * own; *done is how many it indexed. Thread: the writer, between
 * batches, outside any transaction. */
int pt_store_search_index_some(sqlite3 *db, int limit, int64_t *done, pt_error_t *err);

/* Appends an event that no proposal write made (a reminder, a digest):
 * state is both from and to, proposal the proposal's JSON (or NULL), data
 * JSON of the event's own (or NULL). Thread: the writer, from a custom
 * write's run_. */
int pt_store_add_event(void *writer_ctx, const char *type, const char *actor, int64_t proposal_id,
                       const char *state, const char *proposal, const char *data, pt_error_t *err);
/* The time of the write the writer is running (ms). Thread: the writer. */
int64_t pt_store_writer_now(void);
/* Tells the writer that the write it is running changed the tokens made at
 * run time (and counted it in store_meta): after the commit it reads the
 * count again and puts it in the change feed's mark. Thread: the writer,
 * from a custom write's run_. */
void pt_store_writer_tokens_changed(void);

/* Whether the deadline of the proposal row `p` runs for the unit UNIT (an
 * SQL expression, "?3" or "u.name"), as 0 or 1: it runs for the proposal
 * (p.clock) and the unit has not answered its part while the proposal
 * waits for others (proposal_units.answered, pt_proposal_unit_answered):
 * in separate mode (分办) a unit that has answered is not late while the
 * others are. UNIT may be "?%d" when the whole is a printf format: the
 * text has no other '%'. */
#define PT_SQL_UNIT_CLOCK(UNIT)                                                                    \
    "(p.clock = 1 AND NOT EXISTS (SELECT 1 FROM proposal_units a WHERE a.proposal_id = p.id"       \
    " AND a.name = " UNIT " AND a.answered = 1))"

/* The key a list sorted by due_at orders by (with the id after it), of
 * the columns CLOCK and DUE of a proposal's row: the deadline while it
 * runs (clock 1, due_at set), and after every such one any other
 * proposal: one without a deadline, or whose deadline has stopped in a
 * state without the clock (replied, closed, withdrawn), which keeps the
 * due_at it had. Staff sorting by the deadline want what is due next,
 * not what was closed years ago. In a unit's scope too, the proposal's
 * clock decides, not the unit's part (PT_SQL_UNIT_CLOCK): a key that a
 * unit's lists computed otherwise would need an index and a cursor of its
 * own. The index proposals_status_due (migration 16) holds this
 * expression of the columns clock and due_at, and SQLite uses an index of
 * an expression only for the same expression, spelt the same: the lists
 * and the migration take it from here, and a change of it needs a
 * migration of its own and a new cursor letter (pt_list_cursor_key). */
#define PT_SQL_DUE_KEY(CLOCK, DUE)                                                                 \
    "(CASE WHEN " CLOCK " = 1 AND " DUE " IS NOT NULL THEN " DUE " ELSE 9223372036854775807 END)"

/* The proposals that have a reminder still to raise: their deadline runs
 * and its overdue reminder is not marked (overdue_mark, schema 28), which
 * is what the partial index proposals_reminders holds. SQLite uses a
 * partial index only for a query whose WHERE has each of the index's
 * terms, spelt the same: the deadline scan (store-deadlines.c) and the
 * migration take them from here, and a change of them needs a migration
 * of its own. */
#define PT_SQL_REMINDERS "clock = 1 AND due_at IS NOT NULL AND overdue_mark IS NOT due_at"

/* Prepares the statement of the change feed's events after `after`, at
 * most `limit`, oldest first, with the parameters bound; its columns are
 * the event's (seq first). Without a scope (NULL, or neither unit nor
 * person set): every event, read along the table. With a unit's or a
 * delegate's: only the events of the proposals the scope may read now,
 * as its lists have it (none without a proposal: the daily digest),
 * looked for in events_seq (schema 15). Returns NULL on failure (the
 * connection's error says why). Thread: any, with a connection of its
 * own. */
sqlite3_stmt *pt_store_events_prepare(sqlite3 *db, int64_t after, int limit,
                                      const pt_list_query_t *scope);

/* Prepares the statement of one page of a list: q's filters, its sort and
 * cursor, and q->limit + 1 rows (the one more says whether a next page
 * exists), with the parameters bound. Its columns: the id, the sort's
 * value (for the next cursor), the document, whether the deadline runs
 * ({clock}, below), due_at, and the unit's part (NULL without q->unit).
 * Returns NULL with err set on failure. Thread: any, with a connection of
 * its own (store-read.c). */
sqlite3_stmt *pt_store_page_prepare(sqlite3 *db, const pt_list_query_t *q, int64_t now,
                                    pt_error_t *err);

/* Prepares "SELECT <cols> FROM proposals p WHERE <the filters of q> <tail>"
 * with the filters' parameters bound (q's sort, limit and cursor are not
 * used; `now` decides overdue). The tail may use named parameters
 * (":after"). In cols and tail, "{clock}" stands for whether the deadline
 * runs as q sees it: p.clock, or in a unit's scope (q->unit) for that unit
 * (PT_SQL_UNIT_CLOCK). Returns NULL with err set on failure. Thread: any,
 * with a connection of its own (store-read.c). */
sqlite3_stmt *pt_store_list_prepare(sqlite3 *db, const pt_list_query_t *q, int64_t now,
                                    const char *cols, const char *tail, pt_error_t *err);

/* Puts the computed "overdue" member into a stored proposal document, which
 * is kept without it. Ownership: the caller frees the result. */
char *pt_doc_with_overdue(const char *doc, size_t len, bool overdue, size_t *out_len);

/* store-seqmark.c. Opens the change feed's mark beside the database and,
 * when it is above the store's newest event (s->last_seq), records a
 * store.restored event after it and sets s->last_seq to that event's seq;
 * when its count of token changes is above the store's, sets
 * s->tokens_restored; when its highest proposal id is at or above the
 * store's next id, sets the next id after it. Before the writer starts.
 * Returns PT_OK, or an error
 * when the mark cannot be opened or the event cannot be written. */
int pt_store_seqmark_open(pt_store_t *s, pt_error_t *err);
/* Raises the mark to last_seq, the count of token changes to
 * token_changes and the highest proposal id to last_id, which have just
 * been committed. Writer. */
void pt_store_seqmark_commit(pt_store_t *s, int64_t last_seq, int64_t token_changes,
                             int64_t last_id);
/* After the writer has stopped. */
void pt_store_seqmark_close(pt_store_t *s);

#endif

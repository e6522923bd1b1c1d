/*
 * store.h - where proposals, their history and the change feed live.
 *
 * The interface is small on purpose, so that a backend other than SQLite can
 * stand behind it: writes are queued and answered after the commit that holds
 * them is durable; reads are answered from their own connections. Results
 * come back as JSON text, ready to send.
 *
 * The SQLite backend (store-sqlite.c) runs one writer thread that owns the
 * only write connection. It takes every write that has queued, runs each in
 * a savepoint of one transaction (so a failing write undoes only itself),
 * commits once (WAL, synchronous=FULL), and only then hands the writes back
 * to the loop. The loop thread never waits for a disk. Reads run on libuv's
 * thread pool, each worker on a read connection of its own.
 */
#ifndef PT_STORE_H
#define PT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include <cjson/cJSON.h>
#include "error.h"
#include "proposal.h"
#include "workflow.h"

typedef struct pt_store_s pt_store_t;

typedef struct {
    const char *path;              /* the database file */
    const pt_workflow_t *workflow; /* must outlive the store */
    pt_deadlines_t deadlines;      /* copied */
    pt_validate_opts_t validate;   /* the arrays must outlive the store */
    int64_t max_page_count;        /* 0: no limit (a quota; tests use it) */
    size_t max_batch;              /* writes per commit at most; 0: 1024 */
} pt_store_options_t;

/* Makes SQLite's temporary files in dir (the data directory) instead of
 * $TMPDIR or /var/tmp. The writer spills the journal of a large write (an
 * import's move, a delete of many rows) to such a file, so the disk that
 * holds the database is then the one disk that writes need room on: a
 * full /tmp refuses no write, and a full data directory's disk is said to
 * be what it is. Once per process, before the store opens: SQLite reads
 * it with no lock. Thread: loop. Returns 0 or PT_ENOMEM. */
int pt_store_set_temp_dir(const char *dir);

/* Opens (creating and migrating) the database and starts the writer.
 * Thread: loop. Returns 0 or a PT_E* code with err set. */
int pt_store_open(uv_loop_t *loop, const pt_store_options_t *opts, pt_store_t **out,
                  pt_error_t *err);
/* The store's id: 32 hex digits, random, made once when the store was
 * made (or moved to schema 19) and kept in it, the same across restarts,
 * backups and restores, and another in every other store; NULL for no
 * store. What leaves the store and must not be taken for another store's
 * (an iCalendar UID) is made of it. Thread: any. Ownership: the store's,
 * valid until pt_store_close. */
const char *pt_store_id(const pt_store_t *store);
/* Answers every queued write, stops the writer and closes the database.
 * No read may be in flight (pt_store_reads_in_flight): a read's work on
 * the thread pool uses the store, and its callback runs on the loop after
 * it. Thread: loop; it runs the loop until the writer's last answers are
 * in. */
void pt_store_close(pt_store_t *store);
/* The reads started with pt_store_read whose callback has not run yet:
 * what a stop waits for before it closes the store, since a client that
 * has gone leaves its request's read running. Thread: loop. */
unsigned pt_store_reads_in_flight(const pt_store_t *store);
/* Interrupts every read in flight, and every one started from now on: its
 * query stops at its next step (SQLite's progress handler), and it is
 * answered shutting_down (503). For a stop whose last reads have no client
 * left to answer: the stop need not wait for a large one to finish.
 * Thread: loop. */
void pt_store_interrupt_reads(pt_store_t *store);
/* What the reads in flight read, for the log: "the figures, a list", at
 * most cap bytes with the NUL. Thread: loop. */
void pt_store_reads_describe(const pt_store_t *store, char *buf, size_t cap);

/* ---- Writes ---------------------------------------------------------- */

typedef enum {
    PT_WRITE_CREATE = 1, /* body: the proposal; idem_key optional */
    PT_WRITE_PATCH,      /* id, body: a JSON merge patch */
    PT_WRITE_DELETE,     /* id: drafts only */
    PT_WRITE_ACTION,     /* id, action, body: the action's fields */
    PT_WRITE_CURSOR,     /* name: a notifier instance, seq: its new cursor */
    PT_WRITE_CUSTOM,     /* run_: for the store's own modules (store-*.c) only */
} pt_write_op_t;

/* The most versions an If-Match list may name. */
#define PT_IF_MATCH_MAX 8

typedef struct pt_write_s pt_write_t;
typedef void (*pt_write_cb)(pt_write_t *w);

struct pt_write_s {
    /* Set by the caller. The write owns body, action, actor, idem_key and
     * idem_who and frees them in pt_write_free(). */
    pt_write_op_t op;
    int64_t id; /* CREATE: set by the store to the new proposal's id */
    char *action;
    cJSON *body;
    char *actor;
    char *idem_key;
    char *idem_who;              /* whose idem_key it is; NULL: the actor's */
    unsigned char idem_hash[32]; /* sha256 of the request body */
    int64_t if_match;            /* -1: no If-Match; else the highest version named */
    char *name;                  /* CURSOR: the instance */
    int64_t seq;                 /* CURSOR: the seq delivered up to */
    bool first;                  /* CURSOR: a new instance's start; nothing when it
                                    has a cursor already */
    pt_write_cb cb;              /* Thread: called on the loop after the commit */
    void *data;
    /* Every version If-Match names: one of them must be current. */
    int64_t if_match_list[PT_IF_MATCH_MAX];
    size_t if_match_count;
    /* CUSTOM: runs on the writer inside the write's savepoint with the
     * backend's connection; returns PT_OK or an error set in w->err. */
    int (*run_)(void *conn, pt_write_t *w);
    void *arg_;
    /* ACTION: when set, the proposal must have this unit among its units
     * (scope_unit) or this person as its lead author or a co-signer
     * (scope_person); otherwise the write fails with not_found, as for a
     * proposal that does not exist. Owned. */
    char *scope_unit;
    char *scope_person;
    /* ACTION: when set, the write fails with forbidden and this message,
     * but only once the proposal is found within the scope above: the
     * body names another unit or person than the caller's own. Of a
     * proposal outside its scope the caller is told that it does not
     * exist, whatever its body says. Owned. */
    char *scope_refused;

    /* Set by the store before cb. On success err.code is PT_OK and json is
     * the proposal after the write (NULL after a delete). */
    pt_error_t err;
    char *json;
    size_t json_len;
    int64_t version;
    bool replayed; /* an Idempotency-Key replay: nothing was written */

    pt_write_t *next_; /* the store's */
};

/* Ownership: the store keeps w until cb; the caller frees it afterwards. */
pt_write_t *pt_write_new(pt_write_op_t op);
void pt_write_free(pt_write_t *w);
/* Queues a write. Thread: any (cb runs on the loop all the same). Returns
 * 0, or PT_ESTORAGE when the store is closing (cb is then not called). */
int pt_store_write(pt_store_t *store, pt_write_t *w);

/* Called on the loop after each commit with the highest event seq it holds
 * (the change feed's long polls wake on it). */
void pt_store_on_commit(pt_store_t *store, void (*cb)(int64_t last_seq, void *), void *ud);
/* The highest committed event seq. Thread: loop. */
int64_t pt_store_last_seq(const pt_store_t *store);
/* Whether this start found the database behind the change feed's mark:
 * restored from a backup (or it lost writes), which the store.restored
 * event records, or with fewer changes of its tokens made at run time than
 * the mark counts (a backup taken after the last event). Thread: loop. */
bool pt_store_was_restored(const pt_store_t *store);
/* Called once the start has served: a restore of the tokens that this
 * start found (and warned of) is recorded as noticed, so that the next
 * start does not warn of it again. Until then the change feed's mark
 * keeps it, and a start that fails warns again at the next. Thread: loop. */
void pt_store_restore_noticed(pt_store_t *store);
/* The earliest running deadline (due_at, ms) that writes have set since the
 * last call, or 0: the deadline engine's wake-up hint. Thread: loop. */
int64_t pt_store_take_due_hint(pt_store_t *store);

/* Replaces the deadline windows; writes from the next batch on use them.
 * Thread: any. */
void pt_store_set_deadlines(pt_store_t *store, const pt_deadlines_t *deadlines);

/* Commits by how many writes they held: counts[i] commits held at most
 * pt_store_batch_bounds[i] writes (and more than the bound before), and
 * counts[PT_STORE_BATCH_BUCKETS] more than the last bound. Thread: loop. */
#define PT_STORE_BATCH_BUCKETS 10
extern const unsigned pt_store_batch_bounds[PT_STORE_BATCH_BUCKETS];
const uint64_t *pt_store_batch_histogram(const pt_store_t *store);

/* How many transactions have committed and how many writes they held,
 * since the store opened. Thread: loop. */
void pt_store_counters(const pt_store_t *store, uint64_t *commits, uint64_t *writes);
/* The checkpoints that copied the whole WAL back into the database since
 * the store opened, and the WAL's size in bytes now (0 when it cannot be
 * read). A WAL that keeps growing while the count stands still is a
 * checkpointer that cannot finish (a reader that never ends). Thread:
 * any. */
void pt_store_wal_figures(const pt_store_t *store, uint64_t *checkpoints, uint64_t *wal_bytes);
/* The size of the database file (the WAL apart), and the room left on the
 * disk that holds it for a user that is not root (statvfs's f_bavail):
 * what writes have before they are refused. Either is -1 when the system
 * cannot tell. Thread: any (two system calls). */
void pt_store_disk_figures(const pt_store_t *store, int64_t *db_bytes, int64_t *free_bytes);
/* The bytes SQLite has allocated in the process now (its page caches,
 * schemas, statements, sorts: every connection's), and the most it has
 * held at once since it started. Thread: any. */
void pt_store_sqlite_memory(int64_t *used, int64_t *highwater);
/* How many proposals wait to be indexed for search: imported ones, or
 * all of them after the upgrade to schema 18 (search finds them
 * meanwhile, more slowly). Thread: any. */
int64_t pt_store_search_backlog_size(const pt_store_t *store);
/* What the writer's cache of decoded proposals holds: an estimate of the
 * heap its proposals take (their strings and arrays, as glibc's malloc
 * holds them) and how many they are. It is kept under 16 MiB and 4,096
 * proposals (store-writer.c). Thread: any. */
void pt_store_writer_cache(const pt_store_t *store, uint64_t *bytes, uint64_t *proposals);
/* How many proposals the writer has read from the database since the store
 * opened because its cache did not hold them. For tests, which see by it
 * whether a write found its proposal in the cache. Thread: any. */
uint64_t pt_store_writer_cache_loads(const pt_store_t *store);
/* How many all-or-nothing imports were moved into the store as their file
 * was read (EARLY), after it (LATE), or after an early move gave up
 * (GAVE_UP, also counted in LATE). Thread: any. */
enum { PT_IMPORT_MOVE_EARLY, PT_IMPORT_MOVE_LATE, PT_IMPORT_MOVE_GAVE_UP, PT_IMPORT_MOVE_COUNT };
uint64_t pt_store_import_moves(const pt_store_t *store, int way);
/* False after a commit failed, until one succeeds. Thread: loop. */
bool pt_store_writable(const pt_store_t *store);

/* ---- Deadlines (store-deadlines.c) -----------------------------------
 * Writes for the deadline engine; queue them with pt_store_write. */

/* Raises proposal.due_soon for every running deadline within
 * remind_before_ms and proposal.overdue for every one that has passed,
 * each once per deadline. On success w->id is the number raised and w->seq
 * the next moment one falls due (ms; 0: none). */
pt_write_t *pt_write_deadline_scan(int64_t remind_before_ms);
/* Raises the digest.daily event for the day day_ms (the midnight UTC of
 * its date, date, in ptrackd's zone: the day keeps its mark if the zone
 * changes), once: its data lists, per unit, what is overdue and what is
 * due within 7 days. date ("2026-11-28") is shown in the data. missed: a
 * day's digest missed while ptrackd was down, raised only when the store
 * has raised one on an earlier day. On success w->id is 1 when raised, 0
 * when it had been (or, missed, when there was none before). */
pt_write_t *pt_write_digest(int64_t day_ms, const char *date, bool missed);

/* ---- Tokens made at run time (store-tokens.c) -------------------------
 * Only a token's sha256 is stored, never the token. A revoked token keeps
 * its row (revoked_at set) until a new token takes its name. */

typedef struct {
    char *name;
    char *role;   /* "viewer", "clerk", "unit", "delegate", "admin" */
    char *unit;   /* role unit: the unit it answers for; else NULL */
    char *person; /* role delegate: the delegate's name; else NULL */
    unsigned char sha256[32];
    int64_t created_at;   /* ms */
    int64_t last_used_at; /* ms; 0: never */
} pt_stored_token_t;

/* Reads every token that is not revoked. It waits for the database: call it
 * on the loop only before the daemon serves (at start). Ownership: the
 * caller frees *out with pt_stored_tokens_free. Returns PT_OK or
 * PT_ESTORAGE / PT_ENOMEM with err set. */
int pt_store_tokens_load(pt_store_t *s, pt_stored_token_t **out, size_t *n, pt_error_t *err);
void pt_stored_tokens_free(pt_stored_token_t *v, size_t n);

/* The names of the tokens made at run time and not revoked, read from the
 * database file at path, opened read-only, without a store: for
 * --check-config, beside a ptrackd that may hold the store. Ownership: the
 * caller frees *out with pt_token_names_free. Returns PT_OK, or
 * PT_ESTORAGE / PT_ENOMEM with err set. */
int pt_store_token_names_peek(const char *path, char ***out, size_t *n, pt_error_t *err);
void pt_token_names_free(char **v, size_t n);

/* Whether the database file at path, opened read-only without a store,
 * is one a start would take: ptrack's store, or a new one (an empty file,
 * a database with nothing in it). For --check-config, beside a ptrackd
 * that may hold the store; nothing is written to it. Returns PT_OK;
 * PT_ECONFIG with err saying what a start would say (of all but a newer
 * schema, naming path), when a start would refuse it (another program's database, a file that is
 * not a database, a store of a schema newer than this ptrackd knows); or PT_ESTORAGE with err set
 * when it could not be looked at now (the start looks again). */
int pt_store_peek_ours(const char *path, pt_error_t *err);
/* Warns, as a start does, for each state that proposals in the database
 * at path are in and that wf lacks, with how many: no action runs on them
 * under wf. For --check-config; read-only, as pt_store_peek_ours, and
 * silent when the database cannot be read. */
void pt_store_peek_states(const char *path, const pt_workflow_t *wf);

/* Writes for the tokens; queue them with pt_store_write. Ownership: t is
 * copied. Thread: any.
 * - create stores t as a new token (created_at is the write's time, and on
 *   success w->seq holds it); it fails with PT_ECONFLICT when a token that
 *   is not revoked has the name. A revoked token's name may be taken again.
 * - revoke sets revoked_at; PT_ENOTFOUND when no token of that name is in
 *   force.
 * - used sets last_used_at to at (ms) of a token in force. */
pt_write_t *pt_write_token_create(const pt_stored_token_t *t);
pt_write_t *pt_write_token_revoke(const char *name);
pt_write_t *pt_write_token_used(const char *name, int64_t at);

/* The last uses of the config file's tokens, kept by name. load reads
 * them (at start, like pt_store_tokens_load; the caller frees *out with
 * pt_token_uses_free); the write stores a later use of one (it never moves
 * one back). */
typedef struct {
    char *name;
    int64_t last_used_at; /* ms */
} pt_token_use_t;
int pt_store_config_token_uses_load(pt_store_t *s, pt_token_use_t **out, size_t *n,
                                    pt_error_t *err);
void pt_token_uses_free(pt_token_use_t *v, size_t n);
pt_write_t *pt_write_config_token_used(const char *name, int64_t at);

/* ---- Reads ----------------------------------------------------------- */

typedef enum {
    PT_READ_GET = 1, /* id */
    PT_READ_LIST,    /* query */
    PT_READ_HISTORY, /* id */
    PT_READ_EVENTS,  /* after, limit */
    PT_READ_STATS,
    PT_READ_COUNT,   /* the number of proposals */
    PT_READ_FIGURES, /* {"by_status", "overdue"} of every proposal, as in
                      * PT_READ_STATS, read from the indexes alone */
} pt_read_op_t;

typedef enum {
    PT_SORT_ID = 0,
    PT_SORT_CREATED,
    PT_SORT_UPDATED,
    PT_SORT_DUE,
} pt_sort_key_t;

/* GET /v1/proposals filters. Strings are NULL when not filtered on.
 * person: the lead author or a co-signer. For PT_READ_GET and
 * PT_READ_HISTORY, unit and person (when set) are a scope instead: a
 * proposal outside it is not found, as if it did not exist. */
/* The parts of a unit's work on a proposal that may be still to do:
 * sign for it (签收), give a co unit's opinion (协办意见), reply (答复). */
typedef enum { PT_TODO_SIGN, PT_TODO_OPINION, PT_TODO_REPLY, PT_TODO_N } pt_todo_t;

typedef struct {
    char *status, *kind, *session, *delegation, *unit, *category, *tag, *q;
    char *person;
    char *number; /* 编号, as kept (folded as a session is) */
    /* todo: the bits (1 << pt_todo_t) of the parts asked for, any of which
     * the unit (unit, which must then be set) still has to do; 0: no such
     * filter. todo_states: for each part, the states in which the
     * workflow's actions allow it (pt_workflow_effect_states), which decide
     * whether it can be done now; they also make the unit's part in a
     * unit's lists (unit_part). NULL counts as no state. */
    unsigned todo;
    char *todo_states[PT_TODO_N];
    /* The states in which the workflow's reply waits for the co units'
     * opinions (pt_workflow_awaiting_states): a lead unit's part there
     * names the co units whose opinion it awaits (unit_part's awaiting).
     * NULL counts as no state. */
    char *awaiting_states;
    int key_supervision; /* -1 any, 0, 1 */
    int overdue;         /* -1 any, 0, 1 */
    int64_t due_before;  /* 0: none */
    pt_sort_key_t sort;
    bool desc;
    int limit; /* 1..500 */
    bool has_cursor;
    int64_t cursor_value, cursor_id;
} pt_list_query_t;

/* Frees the query's strings and sets it back to "no filter" (both flags
 * -1). */
void pt_list_query_clear(pt_list_query_t *q);
/* The letter a list's cursor begins with ("c1767225600000.42"): which sort
 * and direction it pages, so that a cursor is not taken for a list in
 * another order, where its value would mean something else. A sort whose
 * key changes takes a new letter, so that a cursor an earlier version
 * gave out is refused rather than paging wrongly: the due sort's is 'e'
 * (PT_SQL_DUE_KEY, schema 16), 'd' before. */
char pt_list_cursor_key(pt_sort_key_t sort, bool desc);

/* The words of a full-text query q (split on spaces, ideographic ones too),
 * each of which a proposal must contain; at most PT_SEARCH_MAX_WORDS are
 * taken, so a longer query is to be refused. */
#define PT_SEARCH_MAX_WORDS 20
size_t pt_search_words(const char *q);

typedef struct pt_read_s pt_read_t;
typedef void (*pt_read_cb)(pt_read_t *r);

struct pt_read_s {
    pt_read_op_t op;
    int64_t id;
    pt_list_query_t query; /* owned strings, freed by pt_read_free */
    int64_t after;
    int limit;
    pt_read_cb cb; /* Thread: loop */
    void *data;

    /* Results. json is the response body: the proposal, {"items", "next"},
     * {"items"} of history or events, the stats object; count for COUNT. */
    pt_error_t err;
    char *json;
    size_t json_len;
    int64_t version;  /* GET */
    bool settled;     /* GET: `overdue` is as it was when this version was written */
    int64_t last_seq; /* EVENTS: the seq of the last item, or `after` */
    int64_t count;    /* EVENTS: items returned; COUNT: proposals */

    uv_work_t work_; /* the store's */
    pt_store_t *store_;
    pt_read_t *prev_, *next_; /* the store's reads in flight */
};

/* ---- Reads from other threads ----------------------------------------
 * For the daemon's worker threads (notifiers, jobs): these wait for the
 * database, so never call them on the loop. Thread: any but the loop. */

/* Calls cb for each event after `after` (at most limit), in seq order, with
 * the event as the change feed shows it. cb returns 0 to go on, non-zero to
 * stop. Ownership: type and json are borrowed for the call. Returns PT_OK
 * or PT_ESTORAGE with err set. */
typedef int (*pt_event_cb)(int64_t seq, const char *type, const char *json, size_t len, void *ud);
int pt_store_events_each(pt_store_t *store, int64_t after, int limit, pt_event_cb cb, void *ud,
                         pt_error_t *err);
/* The durable cursor of a notifier instance: the seq of the last event it
 * has delivered; *found (when not NULL) says whether it has one at all
 * (*seq is 0 when not). */
int pt_store_cursor_get(pt_store_t *store, const char *instance, int64_t *seq, bool *found,
                        pt_error_t *err);

pt_read_t *pt_read_new(pt_read_op_t op);
void pt_read_free(pt_read_t *r);
/* Runs a read on the thread pool. Thread: loop. */
int pt_store_read(pt_store_t *store, pt_read_t *r);

/* ---- Imports and exports (store-import.c, store-export.c) ------------
 * For the import and export jobs of plugin-jobs.c. Each call but
 * pt_store_import_check waits for the writer or the database, so
 * Thread: any but the loop (the loop must keep running meanwhile: the
 * writes are answered there). */

/* A run of consecutive ids, first to last. */
typedef struct {
    int64_t first, last;
} pt_id_range_t;

#define PT_IMPORT_RANGES_LISTED 100

typedef struct {
    int64_t imported;          /* proposals stored */
    int64_t skipped;           /* duplicates left out (number + session, or source.ref) */
    int64_t first_id, last_id; /* of the proposals stored; 0 when none */
    /* The ids of the proposals stored, as runs of consecutive ids in the
     * order they were stored: the first PT_IMPORT_RANGES_LISTED of
     * n_ranges. One transaction stores one run; a partial import's
     * batches are transactions of their own, and other clients' writes
     * between them take the ids between its runs, so that first_id to
     * last_id may hold proposals that are not the import's. */
    pt_id_range_t ranges[PT_IMPORT_RANGES_LISTED];
    size_t n_ranges;
    int64_t run_end; /* the last id of the last run, listed or not */
    /* The records that repeat one stored earlier by the same import (the
     * same number in the same session, or the same source): rejected, not
     * skipped. [{where, reason, record}] in the order of the rows (record:
     * the row's pt_import_row_set_record), the first
     * PT_IMPORT_REPEATS_LISTED of n_repeats; NULL when none. Ownership: the
     * caller frees (cJSON_Delete). */
    cJSON *repeats;
    int64_t n_repeats;
} pt_import_result_t;

#define PT_IMPORT_REPEATS_LISTED 1000

/* Adds the ids first to last, stored after those res has, to res->ranges:
 * to its last run when they continue it, else as a run of their own
 * (counted in n_ranges, listed while there is room). first_id and
 * last_id are not touched. Thread: any (no I/O). */
void pt_import_result_add_ids(pt_import_result_t *res, int64_t first, int64_t last);

/* A checked record, ready to be stored: one allocation (free() frees it). */
typedef struct pt_import_row_s pt_import_row_t;

/* Checks one imported record and makes the row to store. A record
 * that carries "id", "version" or "created_at" is read as a stored proposal
 * (what the JSON exporter writes: status, units, replies, feedback, times,
 * source and custom are kept; it gets a new id and starts at version 1);
 * any other is read as a POST /v1/proposals body. Either way its status
 * must be a state of the workflow (a create's: an initial one) and its
 * category one of the configured ones. `place` is where the record is in
 * its file ("line 12"; NULL: unknown), which the row keeps for the move's
 * messages. Returns PT_OK, or PT_EVALIDATION with err saying why (and its
 * fields). Ownership: the caller frees *row. Thread: any (no I/O). */
int pt_store_import_check(pt_store_t *s, const cJSON *record, const char *place,
                          pt_import_row_t **row, pt_error_t *err);
/* Tells the row its record's place among the import's records, counted
 * from 1, which pt_import_result_t's repeats give back as "record", so
 * that they can be listed in the file's order with the other rejects. */
void pt_import_row_set_record(pt_import_row_t *row, int64_t record);

/* Stages rows[0..n) of import `job` (an id unique to the job) as records
 * first_n, first_n + 1, ...: appended to an unlinked temporary file of the
 * job's in the data directory, so that memory stays flat and nothing
 * reaches the database before the commit. When the rows come fast enough,
 * a call that is not the `last` also starts moving them into the store (by
 * `actor`) while the rest are read, in a transaction that only the commit
 * ends (store-import.c). Ownership: rows borrowed. */
int pt_store_import_stage(pt_store_t *s, const char *job, const char *actor, int64_t first_n,
                          pt_import_row_t *const *rows, size_t n, bool last, pt_error_t *err);
/* Moves every staged record of job into the store in one transaction (each
 * inserted as a create is, with a history entry "import" by actor and a
 * proposal.created event; duplicates of proposals stored before skipped),
 * reading the staging file back one record at a time. On failure nothing
 * is stored (the staging file stays: drop it); PT_EVALIDATION with
 * res->repeats set (the caller's to free) when records repeat others of
 * the import. */
int pt_store_import_commit(pt_store_t *s, const char *job, const char *actor,
                           pt_import_result_t *res, pt_error_t *err);
/* An import runs from begin to end: meanwhile the writer leaves the search
 * backlog (store-search.c) alone but for a chunk every few seconds, so
 * that the import's batches do not wait for it. Thread: any. */
void pt_store_import_begin(pt_store_t *s);
void pt_store_import_end(pt_store_t *s);
/* Forgets the staged records of job (stops their move, closes the staging
 * file). Nothing of the import is stored. */
int pt_store_import_drop(pt_store_t *s, const char *job, pt_error_t *err);
/* A record of job was rejected, so the import will store nothing: the
 * move of the rows staged so far, if one runs, gives up, and none starts
 * later. The rows staged, before and after, are kept for
 * pt_store_import_repeats. */
void pt_store_import_refuse(pt_store_t *s, const char *job);
/* Finds the staged records of a refused import (pt_store_import_refuse)
 * that repeat another of it, as the move would, without storing any, and
 * then forgets the staged records as pt_store_import_drop does. Sets
 * res->repeats and n_repeats (the caller frees repeats); on failure they
 * are left empty. As a move does, it looks every STOP_CHECK_ROWS records
 * (some milliseconds of work) whether ptrackd is stopping, and then fails
 * with PT_ESHUTDOWN, and whether abandoned(arg) says that nobody waits for
 * the answer any more (its client went away), and then fails with
 * PT_ESTORAGE, err saying how many of the records it looked through;
 * abandoned may be NULL. Thread: the job's, which abandoned is called
 * on. */
int pt_store_import_repeats(pt_store_t *s, const char *job, bool (*abandoned)(void *arg), void *arg,
                            pt_import_result_t *res, pt_error_t *err);
/* A stop: the move of an all-or-nothing import that runs now or comes
 * later gives up within a moment, and its commit fails with PT_ESHUTDOWN
 * and stores nothing (such an import has not been answered). Closing the
 * store does the same. Thread: any. */
void pt_store_cancel_imports(pt_store_t *s);
/* Partial imports: stores rows[0..n) in one transaction of its own,
 * queued by start, which returns at once (so that the next batch can be
 * read meanwhile); finish waits for it and adds what it stored to res.
 * Every start that returned PT_OK must be finished. Ownership: start
 * takes the rows (also on failure), not the array. */
typedef struct pt_import_direct_s pt_import_direct_t;
/* What a partial import's batches keep from one to the next so that a
 * merge (merged_into) into a proposal of a later batch still finds its new
 * id. Made and freed by the job's thread; used by each batch's write, one
 * at a time. */
typedef struct pt_import_merges_s pt_import_merges_t;
pt_import_merges_t *pt_import_merges_new(void);
void pt_import_merges_free(pt_import_merges_t *m);
/* m: the import's (NULL: merges within this batch only). */
int pt_store_import_direct_start(pt_store_t *s, pt_import_row_t **rows, size_t n, const char *actor,
                                 pt_import_merges_t *m, pt_import_direct_t **out, pt_error_t *err);
int pt_store_import_direct_finish(pt_import_direct_t *b, pt_import_result_t *res, pt_error_t *err);
/* Whether the batch's transaction has ended (committed or failed), so that
 * finish would not wait. Its end is told on the loop, so a false answer
 * stays false until the loop runs again. Thread: loop. */
bool pt_store_import_direct_done(pt_import_direct_t *b);

/* A cursor over the proposals matching a list query's filters, in id order,
 * from one read transaction: one consistent snapshot however long it is
 * read. Ownership: q is borrowed until the cursor is closed. */
typedef struct pt_export_cursor_s pt_export_cursor_t;
int pt_store_export_open(pt_store_t *s, const pt_list_query_t *q, pt_export_cursor_t **out,
                         pt_error_t *err);
/* The next proposal as JSON (with "overdue"): returns 1 and sets *json,
 * 0 at the end, or PT_ESTORAGE / PT_ENOMEM with err set. Ownership: *json is
 * the cursor's, valid until the next call or the close. */
int pt_store_export_next(pt_export_cursor_t *c, const char **json, size_t *len, pt_error_t *err);
/* Ends the read transaction and gives the connection back. */
void pt_store_export_close(pt_export_cursor_t *c);

#endif

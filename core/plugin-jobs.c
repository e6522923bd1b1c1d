/*
 * plugin-jobs.c - import and export jobs on threads of their own.
 *
 * A job is one request served by a plugin: POST /v1/imports runs the
 * importer's import(), GET /v1/exports the exporter's export(). Each runs on
 * a pthread started for it (never libuv's pool, which four slow plugins
 * would fill and stall every read of the daemon), and talks to the loop
 * only through one queue of byte blocks guarded by the job's mutex:
 *
 *   import: loop --(request body, on_data)--> queue --> job_read (job thread)
 *   export: job_write (job thread) --> queue --(uv_async_t)--> HTTP stream
 *
 * Both directions are bounded, so memory stays flat however large the file:
 * the loop pauses the request body while IN_HIGH bytes wait for job_read
 * (and resumes below IN_LOW, woken by the job through the async handle);
 * job_write waits while OUT_MAX bytes wait for the loop; and the loop hands
 * the HTTP server no more while STREAM_HIGH bytes are still unsent, going on
 * when the connection drains (a client that takes nothing of it for the
 * server's idle_timeout is cut off, so that it cannot hold the export's
 * read snapshot, and the WAL with it, for ever). Imported records are
 * checked on the job
 * thread and stored in batches of BATCH: a partial import's by custom
 * writes, whose commit the job thread waits for, which is the importer's
 * back-pressure; an all-or-nothing import's into its staging file
 * (store-import.c), moved into the store by one write at the end.
 *
 * Lifetime: the loop starts a job (inst->jobs + 1, so the instance cannot
 * be unloaded under it), the thread runs the plugin, then sets `finished`
 * and wakes the loop, which answers the request (or ends the stream), joins
 * the thread, takes the count back and frees the job after its async handle
 * has closed. Cancellation (the client went away, the body broke, the
 * daemon stops, the client is no longer identified as it was) sets
 * `cancelled` and wakes every wait, so each blocking host function returns
 * PTRACK_ECANCELED.
 *
 * A stop waits for the jobs it cancelled at most STOP_WAIT_MS: a plugin
 * that never asks job_cancelled (a sleep between two records) must not
 * keep ptrackd from exiting. A job still inside the plugin's import() or
 * export() then is abandoned (pt_jobs_shutdown): its request is answered
 * (503 shutting_down, or an export cut off), it leaves the list, and the
 * daemon goes on stopping without it. Its thread may still come back into
 * host code at any time, so nothing it may touch is freed: the job itself
 * is never freed, its instance is never destroyed nor its file dlclosed
 * (the job count stays up), and from then on every host function returns
 * at once without touching the store or a libuv handle. `in_plugin` tells
 * the two apart: a job is abandoned only while its thread runs the
 * plugin's code; one in host code (storing a batch, committing) is waited
 * for, since that ends by itself.
 */
#include "plugin-jobs.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "json-strict.h"
#include "log.h"
#include "signals.h"
#include "timefmt.h"

#define IN_HIGH (1024 * 1024)
#define IN_LOW (256 * 1024)
#define OUT_BLOCK (64 * 1024)
#define OUT_MAX (256 * 1024)
#define STREAM_HIGH (256 * 1024)
/* A partial import commits once per batch. 2,000 rather than 500 made a
 * partial import of 50,000 proposals about 14 % faster (fewer commits,
 * each an fsync and a flush of the full-text index's pending terms), for
 * about 3 MB more of checked documents held by the job and a writer busy
 * for about 0.1 s per batch, which other writes wait behind. */
#define BATCH 2000
/* Ignored passages listed in an answer; the rest are only counted. A whole
 * newspaper page imported as text has hundreds of other articles, and the
 * answer should stay a few kilobytes however many. */
#define IGNORED_MAX 1000
/* Rejected records listed in the answer; the rest are counted. */
#define REJECTED_MAX 1000
/* The bytes of a listed passage's `where` and `reason` at the most (see
 * passage_new). */
#define WHERE_MAX 255
#define REASON_MAX 511
/* How long a stop waits for the jobs it cancelled before it abandons those
 * still inside the plugin's code; the same as the notifiers' deadline
 * (plugin-loader.c), which runs after it: both fit well within systemd's
 * TimeoutStopSec=10 of the shipped unit. */
#define STOP_WAIT_MS 3000
#define STOP_POLL_MS 100
#define PT_STR_(x) #x
#define PT_STR(x) PT_STR_(x)

typedef enum { JOB_IMPORT = 1, JOB_EXPORT } job_kind_t;

/* Why a job was cancelled: the first reason is kept. */
typedef enum {
    WHY_NONE = 0,
    WHY_CLIENT,   /* the client went away, or its upload broke */
    WHY_STALLED,  /* an export's client took nothing for too long */
    WHY_NOMEM,    /* no memory for the upload's next bytes */
    WHY_SHUTDOWN, /* the daemon is stopping */
    WHY_REVOKED,  /* its client is no longer identified as it was (pt_jobs_recheck) */
} cancel_why_t;

/* Where a rejected record is in the file, for the order of `rejected`:
 * the line its `where` names (where_line), and its place among the
 * records the importer gave (n_records when it was read). */
typedef struct {
    int64_t line;
    int64_t at;
} reject_key_t;

typedef struct block_s {
    struct block_s *next;
    size_t len, off, cap;
    char data[];
} block_t;

struct ptrack_job {
    /* Set on the loop before the thread starts; read-only afterwards. */
    job_kind_t kind;
    pt_instance_t *inst;
    char *format;
    char *actor;
    char *id;    /* unique to the job: its staging is keyed by it */
    char **args; /* the query parameters, name and value in turn */
    size_t n_args;
    bool partial;
    pt_store_t *store;
    pt_list_query_t query;
    uv_loop_t *loop;
    pt_metrics_t *metrics; /* counts the answer (pt_job_options_t) */
    pt_route_t route;
    uint64_t asked_at;
    uint64_t stall_ms;
    uint64_t started;  /* uv_now() when the request came */
    pt_identity_t who; /* who asked, as identified then (pt_jobs_recheck) */

    /* Loop only: the bytes of the upload received, or of the export sent,
     * for the line the log gets when the job ends (log_outcome). */
    uint64_t bytes;

    /* Loop only. */
    pt_http_request_t *req; /* NULL once answered */
    uv_async_t async;
    uv_timer_t stall;     /* export: runs while the client takes nothing */
    size_t stall_pending; /*   bytes unsent when it was started */
    int handles;          /* handles open (async, stall); freed at 0 */
    bool stream_begun;
    struct ptrack_job *next_running;

    /* Guarded by mu. The thread waits on cond for data, room or the end. */
    pthread_mutex_t mu;
    pthread_cond_t cond;
    block_t *q_head, *q_tail;
    size_t q_bytes;
    bool in_eof;        /* import: the body has ended */
    int in_status;      /*   how: 0, or a negative libuv error */
    bool in_paused;     /*   the loop has paused the body */
    bool want_resume;   /*   the job has asked the loop to resume it */
    char *content_type; /* export: from export_begin */
    char *filename;
    const char *last_step; /* import: the step that ends it as usual, once begun, which a
                              change of its client's access no longer stops (begin_last_step) */
    bool finished;         /* the thread is done; the fields below are final */
    cancel_why_t why;      /* set with `cancelled` */
    int revoked_code;      /* WHY_REVOKED: the code of the answer its client would now get */
    bool in_plugin;        /* the thread runs the plugin's code, not the host's */
    bool abandoned;        /* the stop gave up on it: see the top */
    int plugin_rc;
    char *error;       /* set_error's message */
    int answer_status; /* import, and a failed export before any output */
    char *answer;
    char *outcome; /* the message of answer when it is an error, for the log */

    atomic_bool cancelled;
    pthread_t thread;

    /* Job thread only. */
    bool begun;      /* export: export_begin was taken */
    bool broken;     /* export: a call was refused, and the output cannot be whole; import: import()
                        returned before the end of the file */
    char *misuse;    /* export: the first call the host refused as the header's
                      * contract forbids it (logged once) */
    bool empty_read; /* import: a job_read of 0 bytes was refused (logged once) */
    pt_export_cursor_t *cursor;
    ptrack_record_t *cur_rec;
    /* The first REJECTED_MAX rejected records in the file, {where, reason}
     * each, n_listed of them in order: an array of their own, for add_reject
     * puts each in its place (cJSON_InsertItemInArray may refuse to insert
     * in the middle of an array: some builds of cJSON 1.7.15 do). */
    cJSON *rejects[REJECTED_MAX];
    int64_t n_rejects; /* records rejected, listed or not */
    /* The place in the file of each of rejects (reject_key_t), and how
     * many are listed: add_reject keeps them in order. */
    reject_key_t reject_at[REJECTED_MAX];
    size_t n_listed;
    cJSON *ignored;    /* [{where, reason}], the first IGNORED_MAX */
    int64_t n_ignored; /* passages ignored, listed or not */
    pt_import_row_t *rows[BATCH];
    size_t n_rows;
    pt_import_direct_t *direct; /* a partial import's batch being stored */
    pt_import_merges_t *merges; /* a partial import's, from batch to batch */
    int64_t n_records;          /* records emitted or rejected so far; export: taken */
    int64_t staged;             /* records staged */
    bool unstaged; /* a refused import's staging failed: its rows are no longer staged */
    pt_import_result_t res;
    pt_error_t store_err; /* the first storage failure; code PT_OK when none */
    pt_error_t read_err;  /* export: the store's failure under export_next */
};

/* Jobs running, for pt_jobs_shutdown. Loop only. */
static ptrack_job_t *running;
static unsigned n_running;
static unsigned long job_seq;
/* The stop's wait for the jobs it cancelled (pt_jobs_shutdown). Loop only. */
static uv_timer_t stop_timer;
static bool stop_timer_open;
static unsigned n_abandoned;

/* ---- Small helpers ---------------------------------------------------- */

static void blocks_free(block_t *b)
{
    while (b) {
        block_t *next = b->next;
        free(b);
        b = next;
    }
}

static void job_free(ptrack_job_t *job)
{
    for (size_t i = 0; i < job->n_args * 2; i++)
        free(job->args[i]);
    free(job->args);
    free(job->format);
    free(job->actor);
    free(job->id);
    pt_list_query_clear(&job->query);
    blocks_free(job->q_head);
    free(job->content_type);
    free(job->filename);
    free(job->misuse);
    free(job->error);
    free(job->answer);
    free(job->outcome);
    for (size_t i = 0; i < job->n_listed; i++)
        cJSON_Delete(job->rejects[i]);
    cJSON_Delete(job->ignored);
    for (size_t i = 0; i < job->n_rows; i++)
        free(job->rows[i]);
    pt_error_clear(&job->store_err);
    pt_error_clear(&job->read_err);
    pt_import_merges_free(job->merges);
    cJSON_Delete(job->res.repeats);
    pthread_mutex_destroy(&job->mu);
    pthread_cond_destroy(&job->cond);
    free(job);
}

static void cancel(ptrack_job_t *job, cancel_why_t why)
{
    pthread_mutex_lock(&job->mu);
    if (!atomic_load(&job->cancelled))
        job->why = why;
    atomic_store(&job->cancelled, true);
    pthread_cond_broadcast(&job->cond);
    pthread_mutex_unlock(&job->mu);
}

/* A host function that touches more than the job itself (the store, the
 * export's cursor) brackets that work with host_enter and host_leave, so
 * that a stop never abandons the job in the middle of it (see the top).
 * host_enter returns false, and the function must return at once, when
 * the job has been abandoned. Thread: the job's. */
static bool host_enter(ptrack_job_t *job)
{
    pthread_mutex_lock(&job->mu);
    bool ok = !job->abandoned;
    if (ok)
        job->in_plugin = false;
    pthread_mutex_unlock(&job->mu);
    return ok;
}

static void host_leave(ptrack_job_t *job)
{
    pthread_mutex_lock(&job->mu);
    job->in_plugin = true;
    pthread_mutex_unlock(&job->mu);
}

static const char *instance_name(const ptrack_job_t *job)
{
    return job->inst->name;
}

/* The job whose thread this is, for the whole of job_main; NULL on every
 * other thread. A plugin may keep a job's handle past the end of its
 * import() or export() (a thread of its own that writes late, a handle
 * kept in the instance's state): the loop frees the job once the thread
 * has returned, and a call with that handle would then write into freed
 * memory, or into another job that took its place, and end ptrackd with
 * no line naming the plugin. The host functions below check that the
 * caller is the job's own thread, comparing pointers only, before they
 * touch the job: a call from any other thread does nothing. */
static _Thread_local ptrack_job_t *this_job;

/* Whether the calling thread is job's own; otherwise logs the refusal of
 * call (at most one line in 10 s, counting those it leaves out), naming
 * the instance when the caller is another job's thread. A NULL job is
 * let through, for the caller's own check. Thread: any. */
static bool own_job(const ptrack_job_t *job, const char *call)
{
    if (!job || job == this_job)
        return true;
    static atomic_llong last_ms, untold;
    long long now = pt_time_mono();
    long long last = atomic_load(&last_ms);
    if (last != 0 && now - last < 10000) {
        atomic_fetch_add(&untold, 1);
        return false;
    }
    if (!atomic_compare_exchange_strong(&last_ms, &last, now)) {
        atomic_fetch_add(&untold, 1);
        return false;
    }
    long long more = atomic_exchange(&untold, 0);
    char also[96] = "";
    if (more > 0)
        snprintf(also, sizeof(also), " (and %lld more such calls since the last line)", more);
    if (this_job)
        pt_warn("importer or exporter %s called %s with the handle of another job: refused, "
                "it did nothing (a bug in the plugin)%s",
                instance_name(this_job), call, also);
    else
        pt_warn("a plugin called %s with a job's handle from a thread that is not the job's (a "
                "thread of its own, or after its import() or export() returned): refused, it did "
                "nothing (a bug in the plugin: a job's handle is good on the job's thread only, "
                "until import() or export() returns)%s",
                call, also);
    return false;
}

/* Makes a plugin's text one line: each control character (a newline, a
 * tab, an escape) becomes a space, as in ptrackd's log. A `where`, a
 * reason or an error's text is shown in a terminal (ptrack import lists
 * them one per line) and in the log, where a CR LF or an escape sequence
 * of the file's would split the line or move the cursor. */
static void one_line(char *s)
{
    for (unsigned char *c = (unsigned char *)s; c && *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            *c = ' ';
}

/* ---- Host functions (job thread) -------------------------------------- */

const char *pt_job_arg(ptrack_job_t *job, const char *name)
{
    if (!own_job(job, "job_arg"))
        return NULL;
    if (!job || !name)
        return NULL;
    /* An export of a unit or a delegate is narrowed to its own proposals
     * (pt_api_scope_query) though the request did not say so: an exporter
     * that describes its filters (a report's 筛选条件) reads the unit or
     * person it applies, or a unit's report would read as everyone's. And
     * the filters whose values are kept in one spelling read as applied
     * (山西代表团<U+200B> as 山西代表团, 第１４届 as 第14届), as the rows
     * they select have them. */
    if (job->kind == JOB_EXPORT) {
        const char *applied = strcmp(name, "unit") == 0         ? job->query.unit
                              : strcmp(name, "person") == 0     ? job->query.person
                              : strcmp(name, "delegation") == 0 ? job->query.delegation
                              : strcmp(name, "category") == 0   ? job->query.category
                              : strcmp(name, "tag") == 0        ? job->query.tag
                              : strcmp(name, "session") == 0    ? job->query.session
                              : strcmp(name, "number") == 0     ? job->query.number
                                                                : NULL;
        if (applied || strcmp(name, "unit") == 0 || strcmp(name, "person") == 0)
            return applied;
    }
    for (size_t i = 0; i < job->n_args; i++)
        if (strcmp(job->args[i * 2], name) == 0)
            return job->args[i * 2 + 1];
    return NULL;
}

int pt_job_cancelled(ptrack_job_t *job)
{
    /* Non-zero: whatever asks it on a wrong thread should stop. */
    if (!own_job(job, "job_cancelled"))
        return 1;
    return job && atomic_load(&job->cancelled) ? 1 : 0;
}

void pt_job_set_error(ptrack_job_t *job, const char *msg)
{
    if (!own_job(job, "set_error") || !job || !msg)
        return;
    char *copy = strdup(msg);
    /* It goes into a JSON answer, which must be UTF-8, and a terminal. */
    if (copy) {
        pt_utf8_scrub(copy);
        one_line(copy);
    }
    pthread_mutex_lock(&job->mu);
    free(job->error);
    job->error = copy;
    pthread_mutex_unlock(&job->mu);
}

ptrdiff_t pt_job_read(ptrack_job_t *job, void *buf, size_t len)
{
    if (!own_job(job, "job_read"))
        return PTRACK_ECANCELED;
    if (!job || job->kind != JOB_IMPORT || (!buf && len))
        return PTRACK_EINVAL;
    if (len == 0) {
        /* 0 would say the file has ended: an importer whose buffer is full
         * (a line longer than it) would stop reading and take what it has
         * for the whole file. */
        if (!job->empty_read)
            pt_warn("importer %s: job_read was given a buffer of 0 bytes; it returns "
                    "PTRACK_EINVAL (a bug in the plugin: 0 would mean the end of the file; this "
                    "is said once per import)",
                    instance_name(job));
        job->empty_read = true;
        return PTRACK_EINVAL;
    }
    pthread_mutex_lock(&job->mu);
    while (!job->q_head && !job->in_eof && !atomic_load(&job->cancelled))
        pthread_cond_wait(&job->cond, &job->mu);
    if (atomic_load(&job->cancelled) || (!job->q_head && job->in_status < 0)) {
        pthread_mutex_unlock(&job->mu);
        return PTRACK_ECANCELED;
    }
    size_t n = 0;
    while (n < len && job->q_head) {
        block_t *b = job->q_head;
        size_t take = b->len - b->off;
        if (take > len - n)
            take = len - n;
        memcpy((char *)buf + n, b->data + b->off, take);
        b->off += take;
        n += take;
        if (b->off == b->len) {
            job->q_head = b->next;
            if (!job->q_head)
                job->q_tail = NULL;
            free(b);
        }
    }
    job->q_bytes -= n;
    bool wake = job->in_paused && !job->want_resume && job->q_bytes < IN_LOW;
    if (wake) {
        job->want_resume = true;
        uv_async_send(&job->async);
    }
    pthread_mutex_unlock(&job->mu);
    return (ptrdiff_t)n;
}

/* Copies s into buf (of size max + 1), cut on a character boundary with
 * "…" when it is longer than max bytes. Returns buf. */
static const char *cut_text(char *buf, size_t max, const char *s)
{
    static const char more[] = "…";
    size_t len = strlen(s);
    if (len <= max) {
        memcpy(buf, s, len + 1);
        return buf;
    }
    len = pt_utf8_floor(s, max - (sizeof(more) - 1));
    memcpy(buf, s, len);
    memcpy(buf + len, more, sizeof(more));
    return buf;
}

/* A passage {where, reason}, or NULL when memory ran out. A `where` left
 * empty becomes "<unit> N", a reason left empty `fallback`. Each is cut
 * to WHERE_MAX and REASON_MAX bytes: they are listed in the answer, a
 * thousand of them at the most, and an importer's reason of a megabyte a
 * record made an answer of a gigabyte. */
static cJSON *passage_new(const char *where, const char *unit, int64_t n, const char *reason,
                          const char *fallback)
{
    char pos[48], where_cut[WHERE_MAX + 1], reason_cut[REASON_MAX + 1];
    if (!where || !*where) {
        snprintf(pos, sizeof(pos), "%s %lld", unit, (long long)n);
        where = pos;
    }
    cJSON *r = cJSON_CreateObject();
    if (!r || !cJSON_AddStringToObject(r, "where", cut_text(where_cut, WHERE_MAX, where)) ||
        !cJSON_AddStringToObject(
            r, "reason", cut_text(reason_cut, REASON_MAX, reason && *reason ? reason : fallback))) {
        cJSON_Delete(r);
        return NULL;
    }
    one_line(cJSON_GetObjectItemCaseSensitive(r, "where")->valuestring);
    one_line(cJSON_GetObjectItemCaseSensitive(r, "reason")->valuestring);
    return r;
}

/* Appends a passage (passage_new) to *list (made on first use). */
static void passage_add(cJSON **list, const char *where, const char *unit, int64_t n,
                        const char *reason, const char *fallback)
{
    cJSON *r = passage_new(where, unit, n, reason, fallback);
    if (r && (*list || (*list = cJSON_CreateArray())))
        cJSON_AddItemToArray(*list, r);
    else
        cJSON_Delete(r);
}

/* The line a record's `where` names: "line 17", "lines 10-13" (10),
 * "item 2 (line 1)" (1), "第 17 行" (17); INT64_MAX when it names none
 * ("第 3 篇", "record 4"). */
static int64_t where_line(const char *where)
{
    for (const char *p = where; p && *p; p++) {
        const char *d = NULL;
        if (strncmp(p, "line", 4) == 0 && (p == where || !isalpha((unsigned char)p[-1]))) {
            d = p + 4 + (p[4] == 's');
            if (*d != ' ')
                continue;
            d++;
        } else if (strncmp(p, "第", strlen("第")) == 0) {
            d = p + strlen("第");
            while (*d == ' ')
                d++;
        } else {
            continue;
        }
        if (!isdigit((unsigned char)*d))
            continue;
        int64_t line = 0;
        const char *e = d;
        while (isdigit((unsigned char)*e) && line < INT64_MAX / 10 - 9)
            line = line * 10 + (*e++ - '0');
        if (strncmp(p, "第", strlen("第")) == 0) {
            while (*e == ' ')
                e++;
            if (strncmp(e, "行", strlen("行")) != 0)
                continue; /* 第 3 篇: no line */
        }
        return line;
    }
    return INT64_MAX;
}

static bool key_before(reject_key_t a, reject_key_t b)
{
    return a.line != b.line ? a.line < b.line : a.at < b.at;
}

/* Counts a rejected record, the `at`th of the import's records, and lists
 * it if it is among the first REJECTED_MAX of the file. Rejects do not
 * come in the file's order: the store finds the records that repeat
 * others as it stores their batch, which a partial import learns once it
 * has read the next batch, and an all-or-nothing one once it has read the
 * whole file; and an importer may give its records out of the file's
 * order (one that reads a block whole and gives its parts as it can). So
 * each is put in its place, by the line its `where` names, then by `at`
 * (those that name no line after the others, in the order they came), and
 * one that comes before the last listed when REJECTED_MAX are takes that
 * one's place. */
static void add_reject(ptrack_job_t *job, int64_t at, const char *where, const char *reason)
{
    /* An import that is all or nothing is now nothing: the move of the
     * rows staged so far stops at once, so that it no longer holds the
     * writer. The rows stay staged, and so do the next, for the records
     * that repeat others to be found at the end (refused_repeats). */
    if (!job->partial && job->n_rejects == 0 && job->staged > 0)
        pt_store_import_refuse(job->store, job->id);
    job->n_rejects++;
    reject_key_t key = {where_line(where), at};
    size_t n = job->n_listed, pos = n;
    if (n == REJECTED_MAX && key_before(job->reject_at[n - 1], key))
        return;
    while (pos > 0 && key_before(key, job->reject_at[pos - 1]))
        pos--;
    cJSON *r = passage_new(where, "record", at, reason, "rejected");
    if (!r)
        return; /* counted, not listed */
    if (n == REJECTED_MAX)
        cJSON_Delete(job->rejects[--n]);
    memmove(job->rejects + pos + 1, job->rejects + pos, (n - pos) * sizeof(*job->rejects));
    job->rejects[pos] = r;
    memmove(job->reject_at + pos + 1, job->reject_at + pos, (n - pos) * sizeof(*job->reject_at));
    job->reject_at[pos] = key;
    job->n_listed = n + 1;
}

static bool has_rejects(const ptrack_job_t *job)
{
    return job->n_rejects > 0;
}

/* Lists the records the store rejected because they repeat another of the
 * import (pt_import_result_t's repeats) with the others rejected, each in
 * its place in the file. */
static void take_repeats(ptrack_job_t *job)
{
    int64_t listed = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, job->res.repeats)
    {
        const cJSON *at = cJSON_GetObjectItemCaseSensitive(r, "record");
        add_reject(job, cJSON_IsNumber(at) ? (int64_t)at->valuedouble : job->n_records,
                   cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "where")),
                   cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "reason")));
        listed++;
    }
    job->n_rejects += job->res.n_repeats - listed;
    cJSON_Delete(job->res.repeats);
    job->res.repeats = NULL;
    job->res.n_repeats = 0;
}

/* Keeps the first storage failure, which ends the import. */
static void store_failed(ptrack_job_t *job, pt_error_t *err)
{
    if (job->store_err.code == PT_OK)
        pt_error_move(&job->store_err, err);
    pt_error_clear(err);
}

/* Waits for the partial import's batch being stored, if any. */
static void direct_wait(ptrack_job_t *job)
{
    if (!job->direct)
        return;
    pt_error_t err = {0};
    if (pt_store_import_direct_finish(job->direct, &job->res, &err) != PT_OK)
        store_failed(job, &err);
    job->direct = NULL;
    take_repeats(job);
}

/* Stores the batch (the file's last when `last`): staged for an
 * all-or-nothing import; straight into the store for a partial one, while
 * the next batch is read (one batch at a time). A failure is kept and ends
 * the import. */
static void flush_batch(ptrack_job_t *job, bool last)
{
    if (job->n_rows == 0)
        return;
    pt_error_t err = {0};
    if (job->partial) {
        direct_wait(job);
        if (job->store_err.code != PT_OK) {
            for (size_t i = 0; i < job->n_rows; i++)
                free(job->rows[i]);
        } else if (!job->merges && !(job->merges = pt_import_merges_new())) {
            for (size_t i = 0; i < job->n_rows; i++)
                free(job->rows[i]);
            pt_error_set(&err, PT_ENOMEM, "out of memory");
            store_failed(job, &err);
        } else if (pt_store_import_direct_start(job->store, job->rows, job->n_rows, job->actor,
                                                job->merges, &job->direct, &err) != PT_OK) {
            store_failed(job, &err);
        }
        job->n_rows = 0;
        return;
    }
    if (job->unstaged) {
        /* Nothing more is staged. */
    } else if (pt_store_import_stage(job->store, job->id, job->actor, job->staged, job->rows,
                                     job->n_rows, last, &err) == PT_OK) {
        job->staged += (int64_t)job->n_rows;
    } else if (has_rejects(job)) {
        /* The import is refused for its rejects whatever happens: its
         * rows were staged only to name its repeats (a full disk is no
         * reason to answer otherwise). */
        pt_warn("import %s: %s; the records that repeat others will not be named", job->id,
                err.message);
        pt_error_clear(&err);
        job->unstaged = true;
    } else {
        store_failed(job, &err);
    }
    /* A staging made after a record was rejected: its rows are only
     * looked through for repeats (add_reject). */
    if (has_rejects(job))
        pt_store_import_refuse(job->store, job->id);
    for (size_t i = 0; i < job->n_rows; i++)
        free(job->rows[i]);
    job->n_rows = 0;
}

/* Where a record came from. A source.ref names the row in the system the
 * file came from; an importer that gives a ref without a format gets the
 * job's format, the system it reads. A new proposal (a record without a
 * stored one's id, version or created_at) that names no format gets the
 * job's format too, with its ref null when it has none: every proposal an
 * importer made says which. A stored proposal's own source (null, for one
 * created through the API) is kept as it was, so that an export imported
 * again is the same. A source that is not an object is left to validation.
 * Returns false when memory ran out. */
static bool source_format_default(cJSON *json, const char *format)
{
    cJSON *src = cJSON_GetObjectItemCaseSensitive(json, "source");
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(src, "ref");
    const cJSON *given = cJSON_GetObjectItemCaseSensitive(src, "format");
    bool stored = cJSON_GetObjectItemCaseSensitive(json, "id") ||
                  cJSON_GetObjectItemCaseSensitive(json, "version") ||
                  cJSON_GetObjectItemCaseSensitive(json, "created_at");
    bool has_ref = ref && !cJSON_IsNull(ref);
    if (given && !cJSON_IsNull(given))
        return true;
    if (!src || cJSON_IsNull(src)) {
        if (stored)
            return true;
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddStringToObject(o, "format", format) ||
            !cJSON_AddNullToObject(o, "ref")) {
            cJSON_Delete(o);
            return false;
        }
        if (src ? cJSON_ReplaceItemInObjectCaseSensitive(json, "source", o)
                : cJSON_AddItemToObject(json, "source", o))
            return true;
        cJSON_Delete(o);
        return false;
    }
    if (!cJSON_IsObject(src) || (stored && !has_ref))
        return true;
    cJSON *f = cJSON_CreateString(format);
    if (!f)
        return false;
    /* ReplaceItemInObject names the new item; ViaPointer would leave it
     * without a key. */
    if (given ? cJSON_ReplaceItemInObjectCaseSensitive(src, "format", f)
              : cJSON_AddItemToObject(src, "format", f))
        return true;
    cJSON_Delete(f);
    return false;
}

int pt_job_import_emit(ptrack_job_t *job, ptrack_record_t *rec, const char *where)
{
    if (!own_job(job, "import_emit")) {
        if (rec)
            pt_record_free(rec);
        return PTRACK_ECANCELED;
    }
    if (!job || job->kind != JOB_IMPORT || !rec) {
        if (rec)
            pt_record_free(rec);
        return PTRACK_EINVAL;
    }
    cJSON *json = pt_record_release(rec);
    if (atomic_load(&job->cancelled) || !host_enter(job)) {
        cJSON_Delete(json);
        return PTRACK_ECANCELED;
    }
    if (job->store_err.code != PT_OK) {
        cJSON_Delete(json);
        host_leave(job);
        return PTRACK_ERROR;
    }
    job->n_records++;
    pt_error_t err = {0};
    pt_import_row_t *row = NULL;
    char place[48];
    snprintf(place, sizeof(place), "record %lld", (long long)job->n_records);
    if (!json || !source_format_default(json, job->format))
        pt_error_set(&err, PT_ENOMEM, "out of memory");
    else
        pt_store_import_check(job->store, json, where && *where ? where : place, &row, &err);
    cJSON_Delete(json);
    if (!row && err.code == PT_ENOMEM) {
        /* ptrackd's memory, not the record, is at fault: the import fails
         * as a storage error would (503), rather than the record being
         * named as rejected (422) as if the file were wrong. */
        pt_error_clear(&err);
        pt_error_set(&err, PT_ENOMEM,
                     "ptrackd ran out of memory checking the record at %s; the file is not at "
                     "fault: send it again (what an import has stored is not stored twice)",
                     where ? where : "?");
        store_failed(job, &err);
    } else if (!row) {
        add_reject(job, job->n_records, where, err.message);
    } else {
        pt_import_row_set_record(row, job->n_records);
        job->rows[job->n_rows++] = row;
        if (job->n_rows == BATCH)
            flush_batch(job, false);
    }
    pt_error_clear(&err);
    host_leave(job);
    if (atomic_load(&job->cancelled))
        return PTRACK_ECANCELED;
    return job->store_err.code == PT_OK ? PTRACK_OK : PTRACK_ERROR;
}

int pt_job_import_reject(ptrack_job_t *job, const char *where, const char *reason)
{
    if (!own_job(job, "import_reject"))
        return PTRACK_ECANCELED;
    if (!job || job->kind != JOB_IMPORT)
        return PTRACK_EINVAL;
    if (!host_enter(job))
        return PTRACK_ECANCELED;
    job->n_records++;
    add_reject(job, job->n_records, where, reason);
    host_leave(job);
    return atomic_load(&job->cancelled) ? PTRACK_ECANCELED : PTRACK_OK;
}

int pt_job_import_ignore(ptrack_job_t *job, const char *where, const char *reason)
{
    if (!own_job(job, "import_ignore"))
        return PTRACK_ECANCELED;
    if (!job || job->kind != JOB_IMPORT)
        return PTRACK_EINVAL;
    /* Like every host function, it does nothing once a stop has abandoned
     * the job (see the top), and a stop waits for it rather than abandon
     * the job in the middle of it. */
    if (!host_enter(job))
        return PTRACK_ECANCELED;
    if (job->n_ignored++ < IGNORED_MAX)
        passage_add(&job->ignored, where, "passage", job->n_ignored, reason, "not a record");
    host_leave(job);
    return atomic_load(&job->cancelled) ? PTRACK_ECANCELED : PTRACK_OK;
}

/* A call that breaks the header's contract (a second export_begin, a
 * job_write before it, a content type that is not one): the first is kept
 * as the reason the export fails, and logged once per job, since a plugin
 * that does it once does it on every export. Returns PTRACK_EINVAL.
 * Thread: the job's. */
static int misused(ptrack_job_t *job, bool breaks, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int misused(ptrack_job_t *job, bool breaks, const char *fmt, ...)
{
    job->broken |= breaks;
    if (job->misuse)
        return PTRACK_EINVAL;
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pt_utf8_scrub(msg);
    job->misuse = strdup(msg);
    pt_warn("exporter %s: %s; the call returns PTRACK_EINVAL (a bug in the plugin; this is said "
            "once per export)",
            instance_name(job), msg);
    return PTRACK_EINVAL;
}

/* Shows a value a plugin passed in a message: at most 60 bytes, cut at a
 * character's start; a control character or a byte that is not UTF-8 as
 * '?', and Chinese as it is (a name refused for its '/' must be
 * recognisable). */
static void shown(char *out, size_t size, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < size && i < 60; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    /* Not inside a character: back to its first byte. */
    if (s[i] && (s[i] & 0xC0) == 0x80)
        while (i > 0 && ((unsigned char)out[i - 1] & 0xC0) == 0x80)
            i--;
    if (i > 0 && (unsigned char)out[i - 1] >= 0xC0)
        i--;
    out[i] = '\0';
    pt_utf8_scrub(out);
}

/* A media type as an HTTP header carries it: "type/subtype" and
 * parameters, printable ASCII, at most 255 bytes. */
static bool good_content_type(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 255 || s[0] == '/' || s[0] == ' ')
        return false;
    size_t slash = strcspn(s, "/;");
    if (s[slash] != '/' || s[slash + 1] == '\0' || s[slash + 1] == ';')
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] >= 0x7f)
            return false;
    return true;
}

/* Whether the UTF-8 character at p is a bidirectional formatting
 * character: a mark (U+061C ALM, D8 9C; U+200E LRM, U+200F RLM, E2 80 8E/8F), an embedding or
 * override (U+202A..U+202E, E2 80 AA..AE) or an isolate (U+2066..U+2069,
 * E2 81 A6..A9). p is in a string of valid UTF-8, so the bytes after a
 * D8 or an E2 are there. */
static bool bidi_control_at(const unsigned char *p)
{
    if (p[0] == 0xD8)
        return p[1] == 0x9C;
    if (p[0] != 0xE2)
        return false;
    if (p[1] == 0x80)
        return p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE);
    return p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9;
}

/* A download's file name: 1 to 255 bytes of UTF-8, no control character,
 * no bidirectional formatting character, no '/' or '\', not "." or ".."
 * (it names a file, not a path nor a directory). The control characters
 * are those of Unicode (Cc), C1's U+0080..U+009F as well as C0's and DEL:
 * a name with NEL (U+0085, C2 85) would reach the client percent-encoded
 * in filename* and come out of it as a line break in the saved file's
 * name. A bidirectional formatting character would come out of it as a
 * name that a terminal shows turned around: 汇总\u202Evsc.exe is listed
 * as 汇总exe.csv. */
static bool good_filename(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 255 || !pt_utf8_valid(s, n) || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
            return false;
        if (c == 0xC2 && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9F)
            return false;
        if (bidi_control_at((const unsigned char *)s + i))
            return false;
    }
    return true;
}

static int export_begin(ptrack_job_t *job, const char *content_type, const char *filename);
static int write_out(ptrack_job_t *job, const void *buf, size_t len);

int pt_job_export_begin(ptrack_job_t *job, const char *content_type, const char *filename)
{
    if (!own_job(job, "export_begin"))
        return PTRACK_ECANCELED;
    if (!job || job->kind != JOB_EXPORT)
        return PTRACK_EINVAL;
    /* Once a stop has abandoned the job, it does nothing (see the top): no
     * misuse is logged, and PTRACK_OK would tell the plugin that its
     * output has begun when no client will see it. */
    if (!host_enter(job))
        return PTRACK_ECANCELED;
    int rc = export_begin(job, content_type, filename);
    host_leave(job);
    return rc;
}

static int export_begin(ptrack_job_t *job, const char *content_type, const char *filename)
{
    char bad[64];
    /* A second call leaves the first as it was: its content type may be on
     * its way to the client already. */
    if (job->begun)
        return misused(job, false,
                       "export_begin was called again; the first content type and "
                       "file name stay");
    if (!content_type)
        return misused(job, true, "export_begin was given no content type");
    if (!good_content_type(content_type)) {
        shown(bad, sizeof(bad), content_type);
        return misused(job, true,
                       "export_begin: \"%s\" is not a content type (type/subtype and parameters, "
                       "printable ASCII, at most 255 bytes)",
                       bad);
    }
    if (filename && !good_filename(filename)) {
        shown(bad, sizeof(bad), filename);
        return misused(job, true,
                       "export_begin: \"%s\" is not a file name (1 to 255 bytes of UTF-8, no "
                       "control or bidirectional formatting character, no / or \\, not . or "
                       "..)",
                       bad);
    }
    char *ct = strdup(content_type);
    char *fn = filename ? strdup(filename) : NULL;
    if (!ct || (filename && !fn)) {
        free(ct);
        free(fn);
        return PTRACK_ENOMEM;
    }
    pthread_mutex_lock(&job->mu);
    job->content_type = ct;
    job->filename = fn;
    pthread_mutex_unlock(&job->mu);
    job->begun = true;
    return PTRACK_OK;
}

int pt_job_export_next(ptrack_job_t *job, const ptrack_record_t **rec)
{
    if (!own_job(job, "export_next"))
        return PTRACK_ECANCELED;
    if (!job || job->kind != JOB_EXPORT || !rec)
        return PTRACK_EINVAL;
    *rec = NULL;
    if (job->cur_rec) {
        pt_record_free(job->cur_rec);
        job->cur_rec = NULL;
    }
    if (atomic_load(&job->cancelled) || !host_enter(job))
        return PTRACK_ECANCELED;
    const char *json;
    size_t len;
    pt_error_t err = {0};
    int rc = pt_store_export_next(job->cursor, &json, &len, &err);
    host_leave(job);
    if (rc == 0)
        return 0;
    if (rc == 1) {
        job->cur_rec = pt_record_parse(json, len);
        if (job->cur_rec) {
            *rec = job->cur_rec;
            job->n_records++;
            return 1;
        }
        pt_error_set(&err, PT_ENOMEM, "out of memory reading a proposal for the export");
    }
    /* The store's failure, not the plugin's: the answer says so, whatever
     * the plugin then returns. */
    pt_job_set_error(job, err.message);
    if (job->read_err.code == PT_OK)
        pt_error_move(&job->read_err, &err);
    pt_error_clear(&err);
    return PTRACK_ERROR;
}

int pt_job_write(ptrack_job_t *job, const void *buf, size_t len)
{
    if (!own_job(job, "job_write"))
        return PTRACK_ECANCELED;
    if (!job || job->kind != JOB_EXPORT || (!buf && len))
        return PTRACK_EINVAL;
    /* Once a stop has abandoned the job, it does nothing (see the top).
     * The bytes would reach no one: abandon() closed the async handle and
     * the client's stream. The stop cancels a job before it abandons it,
     * and a cancelled job_write queues nothing and sends no wake-up, but
     * the misuse of a write before export_begin would still be logged
     * after ptrackd said it stops without the job. */
    if (!host_enter(job))
        return PTRACK_ECANCELED;
    int rc = job->begun ? write_out(job, buf, len)
                        : misused(job, true, "job_write was called before export_begin");
    host_leave(job);
    return rc;
}

/* job_write's work: queues len bytes of buf for the loop, waiting while
 * OUT_MAX bytes wait. Thread: the job's. */
static int write_out(ptrack_job_t *job, const void *buf, size_t len)
{
    const char *p = buf;
    pthread_mutex_lock(&job->mu);
    while (len > 0) {
        /* A full queue waits for the loop to send some of it; the loop is
         * told of what this call queued so far first, or a write larger
         * than the queue would wait for ever. */
        if (job->q_bytes >= OUT_MAX && !atomic_load(&job->cancelled))
            uv_async_send(&job->async);
        while (job->q_bytes >= OUT_MAX && !atomic_load(&job->cancelled))
            pthread_cond_wait(&job->cond, &job->mu);
        if (atomic_load(&job->cancelled))
            break;
        block_t *b = job->q_tail;
        if (!b || b->len == b->cap) {
            b = malloc(sizeof(*b) + OUT_BLOCK);
            if (!b) {
                pthread_mutex_unlock(&job->mu);
                return PTRACK_ENOMEM;
            }
            b->next = NULL;
            b->len = b->off = 0;
            b->cap = OUT_BLOCK;
            if (job->q_tail)
                job->q_tail->next = b;
            else
                job->q_head = b;
            job->q_tail = b;
        }
        size_t n = b->cap - b->len < len ? b->cap - b->len : len;
        memcpy(b->data + b->len, p, n);
        b->len += n;
        job->q_bytes += n;
        p += n;
        len -= n;
    }
    bool cancelled = atomic_load(&job->cancelled);
    pthread_mutex_unlock(&job->mu);
    if (cancelled)
        return PTRACK_ECANCELED;
    uv_async_send(&job->async);
    return PTRACK_OK;
}

/* ---- The job thread ---------------------------------------------------- */

static char *json_text(cJSON *json)
{
    char *s = json ? cJSON_PrintUnformatted(json) : NULL;
    cJSON_Delete(json);
    return s;
}

/* Adds what an import passed by to an answer (o): "rejected" (the first
 * REJECTED_MAX), "ignored" (the first IGNORED_MAX), "ignored_count" and
 * "rejected_count". */
static void add_passages(const ptrack_job_t *job, cJSON *o)
{
    cJSON *rejected = cJSON_AddArrayToObject(o, "rejected");
    for (size_t i = 0; rejected && i < job->n_listed; i++)
        cJSON_AddItemToArray(rejected, cJSON_Duplicate(job->rejects[i], true));
    cJSON_AddItemToObject(o, "ignored",
                          job->ignored ? cJSON_Duplicate(job->ignored, true) : cJSON_CreateArray());
    cJSON_AddNumberToObject(o, "ignored_count", (double)job->n_ignored);
    cJSON_AddNumberToObject(o, "rejected_count", (double)job->n_rejects);
}

/* The ids of the proposals an import stored: first_id and last_id (null
 * when none), and id_ranges, the runs of them, [[first, last], ...], the
 * first PT_IMPORT_RANGES_LISTED (id_ranges_count counts them all): a
 * partial import's batches are stored
 * each in a transaction of its own, and another client's proposal
 * created between two of them takes an id between first_id and last_id. */
static void add_ids(const ptrack_job_t *job, cJSON *o)
{
    if (!o)
        return;
    if (job->res.first_id) {
        cJSON_AddNumberToObject(o, "first_id", (double)job->res.first_id);
        cJSON_AddNumberToObject(o, "last_id", (double)job->res.last_id);
    } else {
        cJSON_AddNullToObject(o, "first_id");
        cJSON_AddNullToObject(o, "last_id");
    }
    cJSON *ranges = cJSON_AddArrayToObject(o, "id_ranges");
    for (size_t i = 0; ranges && i < job->res.n_ranges && i < PT_IMPORT_RANGES_LISTED; i++) {
        const double pair[2] = {(double)job->res.ranges[i].first, (double)job->res.ranges[i].last};
        cJSON_AddItemToArray(ranges, cJSON_CreateDoubleArray(pair, 2));
    }
    /* All of them, also past the ones listed. */
    cJSON_AddNumberToObject(o, "id_ranges_count", (double)job->res.n_ranges);
}

/* The answer of a failed job: the error object with the rejected and
 * ignored passages of an import. */
static void answer_error(ptrack_job_t *job, pt_error_t *err)
{
    if (job->kind == JOB_IMPORT) {
        if (!err->details)
            err->details = cJSON_CreateObject();
        add_passages(job, err->details);
        if (job->partial) {
            cJSON_AddNumberToObject(err->details, "imported", (double)job->res.imported);
            cJSON_AddNumberToObject(err->details, "skipped", (double)job->res.skipped);
            /* Which proposals it stored, for a client that goes on. */
            add_ids(job, err->details);
        }
    }
    job->answer_status = pt_error_http_status(err->code);
    job->answer = json_text(pt_error_to_json(err));
    free(job->outcome);
    job->outcome = err->message[0] ? strdup(err->message) : NULL;
    pt_error_clear(err);
}

static void answer_import(ptrack_job_t *job, int status)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "imported", (double)job->res.imported);
    cJSON_AddNumberToObject(o, "skipped", (double)job->res.skipped);
    add_passages(job, o);
    /* The passages may quote the file's bytes. */
    pt_json_scrub(o ? o->child : NULL);
    add_ids(job, o);
    job->answer_status = status;
    job->answer = json_text(o);
}

/* How a client goes on after a partial import cut short that stored some
 * batches: sent again whole, the file's records that are stored now are
 * skipped only when they have a 编号 (in a session) or a source.ref; the
 * others would be stored a second time. */
#define PARTIAL_RESEND                                                                             \
    "send again only the records not stored (a record sent again is skipped only when it has a "   \
    "编号 or a source.ref: the others would be stored twice)"

/* The runs of ids res stored, for a message: " (ids 1 to 2000 and 2002 to
 * 4001)", the first `most` runs of them (IDS_NAMED at most) and how many
 * more. Not "ids 1 to 4001", which would name the proposal another client
 * created between two batches too. With `most` 0, only how many runs
 * there are: the answer's id_ranges lists them. */
#define IDS_NAMED 4
static void ids_text(const pt_import_result_t *res, size_t most, char *buf, size_t len)
{
    size_t n = res->n_ranges, named = n < most ? n : most, at = 0;
    if (named == 0) {
        snprintf(buf, len, " (%zu run%s of ids, which the answer's id_ranges lists)", n,
                 n == 1 ? "" : "s");
        return;
    }
    at += (size_t)snprintf(buf, len, " (ids ");
    for (size_t i = 0; i < named && at < len; i++) {
        const char *sep = i == 0 ? "" : i + 1 == named && named == n ? " and " : ", ";
        at += (size_t)snprintf(buf + at, len - at, "%s%lld to %lld", sep,
                               (long long)res->ranges[i].first, (long long)res->ranges[i].last);
    }
    if (at < len && n > named)
        at += (size_t)snprintf(buf + at, len - at, " and %zu more run%s of ids", n - named,
                               n - named == 1 ? "" : "s");
    if (at < len)
        snprintf(buf + at, len - at, ")");
}

/* Whether a partial import cut short has stored (or skipped) anything. */
static bool partial_kept(const ptrack_job_t *job)
{
    return job->partial && (job->res.imported > 0 || job->res.skipped > 0);
}

/* How a message says what a partial import cut short stored: its batches,
 * or, for an importer that failed, the records it had read. */
typedef enum { KEPT_BATCHES, KEPT_READ } kept_form_t;

/* Sets err to head, then what the partial import has stored (the counts,
 * and the runs of ids they got), then tail. The runs named are as many
 * as the message has room for, up to IDS_NAMED, so that head and tail are
 * never cut, however long the ids are: the answer's id_ranges has them
 * all. Only for a job that partial_kept. */
static void partial_error(const ptrack_job_t *job, pt_error_t *err, int code, kept_form_t form,
                          const char *head, const char *tail)
{
    char stored[400];
    size_t fixed = strlen(head) + strlen(tail), cap = sizeof(err->message) - 1;
    size_t room = fixed < cap ? cap - fixed : 0;
    for (size_t most = IDS_NAMED;; most--) {
        char ids[256] = "";
        if (job->res.first_id)
            ids_text(&job->res, most, ids, sizeof(ids));
        if (form == KEPT_READ)
            snprintf(stored, sizeof(stored),
                     "; of the records read before that, %lld were stored%s and %lld skipped as "
                     "already stored",
                     (long long)job->res.imported, ids, (long long)job->res.skipped);
        else
            snprintf(stored, sizeof(stored),
                     "; the batches stored before stay: %lld proposals imported%s and %lld "
                     "skipped as already stored",
                     (long long)job->res.imported, ids, (long long)job->res.skipped);
        if (strlen(stored) <= room || most == 0 || !job->res.first_id)
            break;
    }
    pt_error_set(err, code, "%s%s%s", head, stored, tail);
}

/* Sets err (a failure's, set already) to its message followed by what the
 * partial import stored, with tail after, or by "; nothing was imported"
 * when it stored nothing. */
static void partial_error_after(const ptrack_job_t *job, pt_error_t *err, kept_form_t form,
                                const char *tail)
{
    char cause[sizeof(err->message)];
    snprintf(cause, sizeof(cause), "%s", err->message);
    if (partial_kept(job))
        partial_error(job, err, err->code, form, cause, tail);
    else
        pt_error_set(err, err->code, "%s; nothing was imported", cause);
}

/* The error of a cancelled job. A stop's, a revoked client's and a too
 * large upload's reach a client that still listens (the HTTP server stops
 * reading an upload over PT_IMPORT_MAX_BODY and leaves its answer to the
 * job: pt_http_body_answer_over_limit); the others are for the log. */
static void cancel_error(ptrack_job_t *job, pt_error_t *err, cancel_why_t why, int in_status)
{
    const char *what = job->kind == JOB_IMPORT ? "import" : "export";
    char head[sizeof(err->message)];
    int code;
    /* What a partial import that stored some batches adds after them, and
     * what the others end with. */
    const char *tail_kept = "", *tail = "";
    if (job->kind == JOB_IMPORT && in_status == UV_E2BIG) {
        code = PT_ETOOLARGE;
        snprintf(head, sizeof(head),
                 "the import was cancelled (the file is too large: larger than the limit of %zu "
                 "bytes)",
                 PT_IMPORT_MAX_BODY);
        tail_kept = "; " PARTIAL_RESEND;
    } else if (why == WHY_SHUTDOWN) {
        code = PT_ESHUTDOWN;
        snprintf(head, sizeof(head), "the %s was cancelled: ptrackd is stopping", what);
        tail_kept = "; once ptrackd is back, " PARTIAL_RESEND;
        tail = "; send it again once ptrackd is back";
    } else if (why == WHY_NOMEM) {
        code = PT_ENOMEM;
        snprintf(head, sizeof(head), "the %s was cancelled: out of memory", what);
        tail_kept = "; " PARTIAL_RESEND;
    } else if (why == WHY_REVOKED) {
        code = job->revoked_code ? job->revoked_code : PT_EFORBIDDEN;
        snprintf(head, sizeof(head),
                 "the %s was cancelled: its client is no longer identified as it was when it "
                 "began (its token was revoked, or a reload changed the tokens or socket_users)",
                 what);
        tail_kept = "; " PARTIAL_RESEND;
    } else {
        code = PT_ESTORAGE;
        snprintf(head, sizeof(head), "the %s was cancelled (%s)", what,
                 in_status == UV_ETIMEDOUT ? "the upload stalled"
                 : why == WHY_STALLED      ? "the client took nothing for too long"
                                           : "the client went away");
    }
    /* A partial import cut short says what its batches stored; one cut
     * short before its first batch was stored has nothing to keep: it
     * says so, as an all-or-nothing one does. */
    if (job->kind == JOB_IMPORT && partial_kept(job))
        partial_error(job, err, code, KEPT_BATCHES, head, tail_kept);
    else
        pt_error_set(err, code, "%s%s%s", head,
                     job->kind == JOB_IMPORT ? "; nothing was imported" : "", tail);
}

/* The answer to a plugin's import() or export() that returned rc, not
 * PTRACK_OK, without being cancelled: the one place where a plugin's
 * return code becomes an HTTP status (plugins.md §8 and §9, api.md). The
 * message names the instance and carries set_error's text (msg; NULL when
 * the plugin set none); `kept` ends an import's message with what it
 * stored.
 *
 *   import()  PTRACK_ERROR, PTRACK_EINVAL    422 validation_failed (the file)
 *   import()  PTRACK_EBADARG (1.3)           400 bad_request (the request)
 *   export()  PTRACK_EINVAL, PTRACK_EBADARG  400 bad_request (the request)
 *   export()  PTRACK_ERROR                   500 plugin_error
 *   both      PTRACK_ENOMEM                  503 storage_error (out of memory)
 *   both      PTRACK_RETRY                   503 storage_error (a passing trouble)
 *   both      anything else                  500 plugin_error
 *
 * A plugin built against 1.0 to 1.2 never returns PTRACK_EBADARG: its
 * answers are as they were.
 */
static void plugin_failed(ptrack_job_t *job, int rc, const char *msg, const char *kept,
                          pt_error_t *err)
{
    bool imp = job->kind == JOB_IMPORT;
    const char *who = imp ? "importer" : "exporter";
    const char *fn = imp ? "import" : "export";
    const char *why = msg && *msg ? msg : "it failed without saying why (no set_error)";
    if (rc == PTRACK_ERROR || (rc == PTRACK_EINVAL && imp))
        pt_error_set(err, imp ? PT_EVALIDATION : PT_EPLUGIN,
                     imp ? "the %s %s could not read the file: %s%s" : "the %s %s failed: %s%s",
                     who, instance_name(job), why, kept);
    else if (rc == PTRACK_EINVAL || rc == PTRACK_EBADARG)
        pt_error_set(err, PT_EBADREQUEST, "the %s %s refused the request: %s%s", who,
                     instance_name(job), why, kept);
    else if (rc == PTRACK_ENOMEM)
        pt_error_set(err, PT_ENOMEM, "the %s %s ran out of memory: %s%s", who, instance_name(job),
                     why, kept);
    else if (rc == PTRACK_RETRY)
        /* A passing trouble of the server's (a full temporary disk): the
         * request may be sent again once it is mended. */
        pt_error_set(err, PT_ESTORAGE, "the %s %s could not finish: %s%s", who, instance_name(job),
                     why, kept);
    else
        pt_error_set(err, PT_EPLUGIN, "the %s %s failed: its %s() returned %s (%d): %s%s", who,
                     instance_name(job), fn, pt_plugin_rc_name(rc), rc, why, kept);
}

/* The error of an all-or-nothing import with rejected records. */
static void rejected_error(ptrack_job_t *job, pt_error_t *err)
{
    int64_t n = job->n_rejects;
    pt_error_set(err, PT_EVALIDATION,
                 "%lld of %lld records %s rejected%s; nothing was imported (fix them, or send "
                 "partial=true to import the others)",
                 (long long)n, (long long)job->n_records, n == 1 ? "was" : "were",
                 n > REJECTED_MAX ? " (the first " PT_STR(REJECTED_MAX) " are listed)" : "");
}

/* Whether the job's client went away, so that nobody reads its answer.
 * Thread: any. */
static bool client_gone(void *arg)
{
    ptrack_job_t *job = arg;
    pthread_mutex_lock(&job->mu);
    bool gone = atomic_load(&job->cancelled) && job->why == WHY_CLIENT;
    pthread_mutex_unlock(&job->mu);
    return gone;
}

/* An all-or-nothing import refused for records rejected as they were read
 * stores nothing, so no move finds its records that repeat others: they
 * are looked for among its staged rows and listed with the others, so
 * that one round of corrections mends the file. Should that fail, the
 * others are answered all the same. */
static void refused_repeats(ptrack_job_t *job)
{
    if (job->staged == 0 || client_gone(job))
        return;
    pt_debug("import %s: looking for the records that repeat others among the %lld staged", job->id,
             (long long)job->staged);
    pt_error_t err = {0};
    if (pt_store_import_repeats(job->store, job->id, client_gone, job, &job->res, &err) == PT_OK)
        take_repeats(job);
    else if (client_gone(job))
        pt_info("import %s: the client went away; the look for the records that repeat others "
                "stopped: %s",
                job->id, err.message);
    else
        pt_warn("import %s: the records that repeat others were not looked for: %s", job->id,
                err.message);
    pt_error_clear(&err);
    memset(&job->res, 0, sizeof(job->res));
}

/* Whether the job was cancelled because its client is no longer
 * identified as it was. Thread: any. */
static bool revoked(ptrack_job_t *job)
{
    pthread_mutex_lock(&job->mu);
    bool r = atomic_load(&job->cancelled) && job->why == WHY_REVOKED;
    pthread_mutex_unlock(&job->mu);
    return r;
}

/* Whether an import not cancelled may take its last step, the one that
 * ends it as usual (an all-or-nothing import's move into the store, a
 * partial one's last batch, or an answer that names what was wrong): it
 * then takes it whatever comes, and pt_jobs_recheck, which reads
 * last_step under the same lock, neither cancels it nor logs that
 * nothing of it is stored. Thread: the job's. */
static bool begin_last_step(ptrack_job_t *job, const char *what, cancel_why_t *why)
{
    pthread_mutex_lock(&job->mu);
    bool go = !atomic_load(&job->cancelled), begins = go && !job->last_step;
    if (begins)
        job->last_step = what;
    *why = job->why;
    pthread_mutex_unlock(&job->mu);
    if (begins)
        pt_debug("import %s of %s (format %s): its last step begins (%s)", job->id, job->who.name,
                 job->format, what);
    return go;
}

/* What an import ends with, after import() has returned rc. */
static void import_end(ptrack_job_t *job, int rc)
{
    pt_error_t err = {0};
    /* The importer read the whole file. A partial import whose every batch
     * is then stored has done all it was asked, even if a cancel (the
     * daemon stopping, the client going away) comes while its last batch
     * is being stored: it is answered as done, not as cancelled. */
    bool read_whole = rc == PTRACK_OK && !atomic_load(&job->cancelled);
    bool ok = read_whole && job->store_err.code == PT_OK;
    /* A partial import that the importer could not read to its end (a
     * quote left open near the end) still stores every good record read
     * before that: all of them, not only the full batches. */
    bool read_part = job->partial && rc != PTRACK_OK && !atomic_load(&job->cancelled) &&
                     job->store_err.code == PT_OK;
    /* A client no longer identified as it was gets nothing more stored,
     * even when the file has been read whole: only the batches committed
     * before stay. A partial import that read its whole file stores its
     * last batch and is answered 200 once past this point, whatever comes
     * (begin_last_step). */
    cancel_why_t why;
    if (job->partial && ok)
        begin_last_step(job, "a partial import's last batch", &why);
    if (revoked(job))
        ok = read_part = false;
    if (ok || read_part)
        flush_batch(job, true);
    direct_wait(job);
    ok = ok && job->store_err.code == PT_OK;
    pthread_mutex_lock(&job->mu);
    char *perr = job->error ? strdup(job->error) : NULL;
    int in_status = job->in_status;
    why = job->why;
    pthread_mutex_unlock(&job->mu);

    /* What the last step is: the answer that says what was wrong, or the
     * move that stores the import. */
    bool refused =
        job->store_err.code != PT_OK || rc != PTRACK_OK || (!job->partial && has_rejects(job));
    if (job->partial && ok) {
        answer_import(job, 200);
    } else if (!begin_last_step(job,
                                refused ? "its answer, which says what was wrong"
                                        : "an all-or-nothing import's move into the store",
                                &why)) {
        cancel_error(job, &err, why, in_status);
    } else if (job->store_err.code != PT_OK) {
        pt_error_move(&err, &job->store_err);
        /* A partial import keeps the batches stored before the one that
         * failed (a full disk, say): the message says so, as the answer's
         * imported does. */
        if (job->partial)
            partial_error_after(job, &err, KEPT_BATCHES, "; " PARTIAL_RESEND);
    } else if (rc != PTRACK_OK) {
        /* A partial import whose importer failed before any record was
         * stored or skipped stored nothing, and says that, as an
         * all-or-nothing one does ("0 were stored and 0 skipped" read as
         * a count of something that happened). */
        if (job->broken)
            pt_error_set(&err, PT_EPLUGIN,
                         "the importer %s failed: it returned before reading the whole file "
                         "(a bug in the plugin)",
                         instance_name(job));
        else
            plugin_failed(job, rc, perr, "", &err);
        partial_error_after(job, &err, KEPT_READ, "");
    } else if (!job->partial && has_rejects(job)) {
        refused_repeats(job);
        /* The client went away while its repeats were looked for: the
         * log says so, as it does for a client gone earlier. */
        if (client_gone(job))
            cancel_error(job, &err, WHY_CLIENT, in_status);
        else
            rejected_error(job, &err);
    } else if (pt_store_import_commit(job->store, job->id, job->actor, &job->res, &err) == PT_OK) {
        answer_import(job, 201);
    } else if (job->res.n_repeats) {
        /* Records that repeat others of the file, found as the rows were
         * moved: the move was rolled back. */
        take_repeats(job);
        memset(&job->res, 0, sizeof(job->res));
        pt_error_clear(&err);
        rejected_error(job, &err);
    }
    free(perr);
    if (!job->answer) {
        if (!job->partial && job->staged > 0) {
            pt_error_t derr = {0};
            if (pt_store_import_drop(job->store, job->id, &derr) != PT_OK)
                pt_warn("import %s: %s", job->id, derr.message);
            pt_error_clear(&derr);
        }
        if (err.code == PT_OK)
            pt_error_set(&err, PT_ENOMEM, "out of memory");
        answer_error(job, &err);
    }
}

/* Runs the plugin's import() or export() and puts its result in *rc.
 * Returns false when a stop abandoned the job meanwhile: the thread must
 * then touch nothing but the job and end (see the top). Whatever import()
 * or export() returned, a positive code too, is the plugin's result: a
 * plugin that returns 1 for a failure is answered 500 plugin_error, not
 * taken for an abandoned job (its client then waited for ever, and so did
 * a stop). Thread: the job's. */
static bool run_plugin(ptrack_job_t *job, const ptrack_plugin_t *desc, int *rc)
{
    pthread_mutex_lock(&job->mu);
    job->in_plugin = true;
    pthread_mutex_unlock(&job->mu);
    pt_plugin_crash_enter(job->inst->name, desc->name,
                          job->kind == JOB_IMPORT ? "import()" : "export()");
    *rc = job->kind == JOB_IMPORT ? desc->importer->import(job->inst->state, job, job->format)
                                  : desc->exporter->export(job->inst->state, job, job->format);
    pt_plugin_crash_leave();
    pthread_mutex_lock(&job->mu);
    job->in_plugin = false;
    bool abandoned = job->abandoned;
    pthread_mutex_unlock(&job->mu);
    if (abandoned) {
        /* Too late to be heard: the request was answered and the store
         * may be closed. */
        pt_warn("the %s job %s on plugin instance %s returned (%d) after ptrackd gave up on it",
                job->kind == JOB_IMPORT ? "import" : "export", job->id, instance_name(job), *rc);
        return false;
    }
    return true;
}

static void *job_main(void *arg)
{
    ptrack_job_t *job = arg;
    this_job = job;
    const ptrack_plugin_t *desc = job->inst->file->desc;
    int rc;
    if (job->kind == JOB_IMPORT) {
        pt_store_import_begin(job->store);
        if (!run_plugin(job, desc, &rc))
            return NULL;
        /* import() returns PTRACK_OK once job_read has said the file
         * ended: one that stops before has not read every record, and
         * its answer would count only those it read. */
        char more;
        if (rc == PTRACK_OK && !atomic_load(&job->cancelled) && pt_job_read(job, &more, 1) > 0) {
            job->broken = true;
            rc = PTRACK_ERROR;
            pt_warn("importer %s: import() returned PTRACK_OK before job_read returned 0 (the end "
                    "of the file): the rest of the file was not read (a bug in the plugin)",
                    instance_name(job));
        }
        import_end(job, rc);
        pt_store_import_end(job->store);
    } else {
        pt_error_t err = {0};
        rc = pt_store_export_open(job->store, &job->query, &job->cursor, &err);
        if (rc == PT_OK) {
            if (!run_plugin(job, desc, &rc))
                return NULL;
            if (job->cur_rec)
                pt_record_free(job->cur_rec);
            job->cur_rec = NULL;
            pt_store_export_close(job->cursor);
            job->cursor = NULL;
            /* An export() that returns PTRACK_OK has made the output:
             * one that never began it leaves the client an empty answer
             * of no type, which looks like no proposals. */
            if (rc == PTRACK_OK && !job->begun && !atomic_load(&job->cancelled) && !job->misuse) {
                job->broken = true;
                job->misuse = strdup("export() returned PTRACK_OK without calling export_begin: "
                                     "it made no output");
                if (!job->misuse)
                    rc = PTRACK_ENOMEM;
            }
            /* A refused call (a write before export_begin) means the output
             * is not whole, whatever the plugin returns; so does a read of
             * the proposals that failed under export_next, which a plugin
             * may have taken for their end. */
            if (rc == PTRACK_OK && (job->broken || job->read_err.code != PT_OK))
                rc = PTRACK_ERROR;
            if (rc != PTRACK_OK) {
                pthread_mutex_lock(&job->mu);
                if (atomic_load(&job->cancelled))
                    cancel_error(job, &err, job->why, 0);
                else if (job->broken)
                    pt_error_set(&err, PT_EPLUGIN, "the exporter %s failed: %s", instance_name(job),
                                 job->misuse);
                else if (job->read_err.code != PT_OK)
                    pt_error_set(&err, job->read_err.code,
                                 "the exporter %s stopped: reading the proposals failed: %s",
                                 instance_name(job), job->read_err.message);
                else
                    plugin_failed(job, rc, job->error, "", &err);
                pthread_mutex_unlock(&job->mu);
                /* A client's bad argument is the client's to see, not
                 * the operator's to be warned of. */
                if (!atomic_load(&job->cancelled) && err.code == PT_EBADREQUEST)
                    pt_info("%s", err.message);
                else if (!atomic_load(&job->cancelled))
                    pt_warn("%s", err.message);
            }
        } else {
            /* No snapshot to read from: said here, as the plugin's
             * failures are above (log_outcome logs no failed export). */
            pt_warn("an export by %s (format %s) could not start: %s", job->actor, job->format,
                    err.message);
        }
        if (err.code != PT_OK)
            answer_error(job, &err);
        if (rc == PT_OK)
            rc = PTRACK_OK;
    }
    /* The async send is made under the mutex: once the loop sees
     * `finished` it may free the job, so nothing may touch it after. */
    pthread_mutex_lock(&job->mu);
    job->plugin_rc = rc;
    job->finished = true;
    uv_async_send(&job->async);
    pthread_mutex_unlock(&job->mu);
    return NULL;
}

/* ---- The loop's side --------------------------------------------------- */

static void on_handle_closed(uv_handle_t *h)
{
    ptrack_job_t *job = h->data;
    /* An abandoned job's thread may still use it: it is never freed. */
    if (--job->handles == 0 && !job->abandoned)
        job_free(job);
}

static void job_close_handles(ptrack_job_t *job)
{
    uv_close((uv_handle_t *)&job->async, on_handle_closed);
    if (job->kind == JOB_EXPORT)
        uv_close((uv_handle_t *)&job->stall, on_handle_closed);
}

static void unlist(ptrack_job_t *job)
{
    for (ptrack_job_t **p = &running; *p; p = &(*p)->next_running) {
        if (*p == job) {
            *p = job->next_running;
            break;
        }
    }
    n_running--;
}

static void stop_timer_close(void)
{
    if (stop_timer_open) {
        stop_timer_open = false;
        uv_close((uv_handle_t *)&stop_timer, NULL);
    }
}

/* "12.3 MiB", "8.0 KiB", "512 bytes": a size for the log. */
static void size_text(char *buf, size_t n, uint64_t bytes)
{
    if (bytes >= (1u << 20))
        snprintf(buf, n, "%.1f MiB", (double)bytes / (1u << 20));
    else if (bytes >= 1024)
        snprintf(buf, n, "%.1f KiB", (double)bytes / 1024);
    else
        snprintf(buf, n, "%llu bytes", (unsigned long long)bytes);
}

/* One line in the log for each import and export, when it ends: who, how
 * many proposals, the format, the size and the time, or why it did not
 * end well. Imports and exports move many proposals at once, and an
 * operator asked what came in or went out when has this line to go by.
 * An export that failed in its plugin or its read was warned of with its
 * reason already (job_main). Loop only, after the thread has finished. */
static void log_outcome(const ptrack_job_t *job)
{
    char size[32], what[160];
    size_text(size, sizeof(size), job->bytes);
    double secs = (double)(uv_now(job->loop) - job->started) / 1000.0;
    const char *who = job->actor[0] ? job->actor : "?";
    snprintf(what, sizeof(what), "format %s of plugin instance %s, %s, %.1f s", job->format,
             job->inst->name, size, secs);
    if (job->kind == JOB_IMPORT) {
        if (job->answer_status == 200 || job->answer_status == 201) {
            char more[96] = "";
            size_t at = 0;
            if (job->res.skipped)
                at += (size_t)snprintf(more + at, sizeof(more) - at,
                                       "; %lld skipped as already stored",
                                       (long long)job->res.skipped);
            if (job->n_rejects && at < sizeof(more))
                snprintf(more + at, sizeof(more) - at, "; %lld record%s rejected",
                         (long long)job->n_rejects, job->n_rejects == 1 ? "" : "s");
            pt_info("%s imported %lld proposal%s (%s)%s", who, (long long)job->res.imported,
                    job->res.imported == 1 ? "" : "s", what, more);
        } else if (atomic_load(&job->cancelled) &&
                   (job->why == WHY_CLIENT || job->why == WHY_REVOKED)) {
            /* The client's doing, or its access taken away, not a failure
             * of ptrackd's: said as an export cut off is. */
            pt_info("an import by %s was cut off (%s): %s", who, what,
                    job->outcome ? job->outcome : "the client went away");
        } else if (job->answer_status >= 500) {
            pt_warn("an import by %s failed (%s): %s", who, what,
                    job->outcome ? job->outcome : "see above");
        } else {
            pt_info("an import by %s was refused (%s): %s", who, what,
                    job->outcome ? job->outcome : "see above");
        }
        return;
    }
    if (atomic_load(&job->cancelled)) {
        pt_info("an export by %s was cut off after %lld proposal%s (%s): %s", who,
                (long long)job->n_records, job->n_records == 1 ? "" : "s", what,
                job->why == WHY_SHUTDOWN  ? "ptrackd is stopping"
                : job->why == WHY_STALLED ? "the client took nothing for too long"
                : job->why == WHY_NOMEM   ? "out of memory"
                : job->why == WHY_REVOKED ? "its client is no longer identified as it was"
                                          : "the client went away");
    } else if (job->plugin_rc == PTRACK_OK) {
        pt_info("%s exported %lld proposal%s (%s)", who, (long long)job->n_records,
                job->n_records == 1 ? "" : "s", what);
    }
}

/* Ends a job whose thread has finished and whose request is answered. */
static void job_reap(ptrack_job_t *job)
{
    log_outcome(job);
    pthread_join(job->thread, NULL);
    pt_instance_t *inst = job->inst;
    inst->jobs--;
    unlist(job);
    job_close_handles(job);
    if (n_running == 0)
        stop_timer_close();
    /* Last: a reload's change that waited for this instance's jobs may
     * unload it now, and nothing of the job reads it any more. */
    if (inst->jobs == 0)
        pt_plugins_jobs_ended(inst);
}

/* Counts the job's answer, of status, as the API counts its own answers. */
static void count_answer(ptrack_job_t *job, int status)
{
    if (job->metrics && job->req)
        pt_metrics_request(job->metrics, job->route, job->req->method, status,
                           uv_hrtime() - job->asked_at);
}

static void respond_json(ptrack_job_t *job, int status, const char *json)
{
    static const char oom[] =
        "{\"error\":{\"code\":\"storage_error\",\"message\":\"out of memory\"}}";
    if (!json) {
        status = 503;
        json = oom;
    }
    count_answer(job, status);
    pt_http_respond(job->req, status, "application/json; charset=utf-8", NULL, json, strlen(json));
    job->req = NULL;
}

/* Whether a byte of a file name goes into filename="..." as it is:
 * printable ASCII but the quote and the backslash, which would need a
 * quoted-pair, and '%'. */
static bool plain_byte(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%';
}

/* The plain ASCII name of filename="..." for a name that is not plain
 * (RFC 6266 section 4.3: clients that read filename* take the UTF-8 name;
 * this is for those that do not). Each run of other characters becomes
 * one '_', and '_' is trimmed where a run stood at an end of the name's
 * stem; a stem with no letter or digit left becomes "export". So
 * 2026年建议汇总.csv is 2026.csv, and 办理中.xlsx export.xlsx. A quote, a
 * backslash and a percent sign become '_' too (appendix D: a quoted-pair
 * is not understood everywhere, and some clients decode %41 in filename=
 * as A). The extension is kept (it is ASCII in every exporter's name; one
 * that is not gets the same treatment). */
static void ascii_fallback(pt_buf_t *b, const char *name)
{
    const char *dot = strrchr(name, '.');
    size_t stem_len = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    pt_buf_t out;
    pt_buf_init(&out);
    for (int part = 0; part < 2; part++) {
        const unsigned char *s = (const unsigned char *)(part == 0 ? name : name + stem_len);
        const unsigned char *end =
            (const unsigned char *)(part == 0 ? name + stem_len : name + strlen(name));
        size_t start = out.len;
        bool alnum = false, run = false;
        for (; s < end; s++) {
            if (*s >= 0x80) {
                run = true; /* a UTF-8 character's bytes, or the next */
                continue;
            }
            if (run && out.len > start && out.data[out.len - 1] != '_')
                pt_buf_append(&out, "_", 1);
            run = false;
            char c = plain_byte(*s) ? (char)*s : '_';
            alnum |= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            pt_buf_append(&out, &c, 1);
        }
        /* A run at the end of the stem leaves no '_' behind it. */
        if (part == 0 && !alnum) {
            out.len = start;
            pt_buf_puts(&out, "export");
        }
    }
    if (!pt_buf_failed(&out))
        pt_buf_append(b, out.data, out.len);
    pt_buf_free(&out);
}

/* "attachment; filename=...", and the name as filename* when it is not
 * plain (export_begin took a name of valid UTF-8 without control
 * characters): a name of printable ASCII without '"', '\\' or '%' is
 * filename="name" alone; any other gets its exact bytes, percent-encoded,
 * in filename*=UTF-8''... and ascii_fallback's name in filename=. So a
 * client that reads filename* saves a"b.csv or 50%.csv as it is named, and
 * the header holds nothing but printable ASCII whatever the name. */
static void disposition(pt_buf_t *b, const char *name)
{
    bool plain = true;
    for (const unsigned char *s = (const unsigned char *)name; *s; s++)
        plain &= plain_byte(*s);
    pt_buf_puts(b, "Content-Disposition: attachment; filename=\"");
    if (plain)
        pt_buf_puts(b, name);
    else
        ascii_fallback(b, name);
    pt_buf_puts(b, "\"");
    if (!plain) {
        pt_buf_puts(b, "; filename*=UTF-8''");
        pt_buf_pct(b, name);
    }
}

static void begin_stream(ptrack_job_t *job)
{
    pthread_mutex_lock(&job->mu);
    char *ct = job->content_type ? strdup(job->content_type) : NULL;
    char *fn = job->filename ? strdup(job->filename) : NULL;
    pthread_mutex_unlock(&job->mu);
    pt_buf_t cd;
    pt_buf_init(&cd);
    const char *headers[2] = {NULL, NULL};
    if (fn) {
        disposition(&cd, fn);
        if (!pt_buf_failed(&cd))
            headers[0] = cd.data;
    }
    count_answer(job, 200);
    pt_http_stream_begin(job->req, 200, ct ? ct : "application/octet-stream", headers);
    job->stream_begun = true;
    pt_buf_free(&cd);
    free(ct);
    free(fn);
}

static void export_finish(ptrack_job_t *job)
{
    if (job->plugin_rc == PTRACK_OK && !atomic_load(&job->cancelled)) {
        if (!job->stream_begun)
            begin_stream(job);
        pt_http_stream_end(job->req);
        job->req = NULL;
    } else if (job->stream_begun) {
        /* Part of the file has gone out: the client must see the transfer
         * fail, not a shorter file. A client that took nothing for
         * stall_ms would take what is queued no sooner, and hold the
         * connection another idle_timeout before it went: its connection
         * is closed at once. */
        if (atomic_load(&job->cancelled) && job->why == WHY_STALLED)
            pt_http_stream_cut(job->req);
        else
            pt_http_stream_abort(job->req);
        job->req = NULL;
    } else {
        if (!job->answer && atomic_load(&job->cancelled)) {
            /* Cancelled when its plugin had returned PTRACK_OK (a recheck
             * between the end of the thread and this), or a plugin that
             * returned PTRACK_OK all the same: the answer says why. */
            pt_error_t err = {0};
            cancel_error(job, &err, job->why, 0);
            answer_error(job, &err);
        }
        respond_json(job, job->answer_status ? job->answer_status : 500, job->answer);
    }
    job_reap(job);
}

static void on_stream_drain(pt_http_request_t *req, void *arg);

/* The client took nothing of a blocked export for stall_ms. */
static void on_export_stalled(uv_timer_t *t)
{
    ptrack_job_t *job = t->data;
    if (!job->req || atomic_load(&job->cancelled))
        return;
    size_t pending = pt_http_stream_pending(job->req);
    if (pending < job->stall_pending) {
        /* It took some: a slow client, not a stalled one. */
        job->stall_pending = pending;
        uv_timer_start(&job->stall, on_export_stalled, job->stall_ms, 0);
        return;
    }
    pt_warn("export %s (%s): the client took nothing for %llu ms; it is cut off", job->id,
            job->format, (unsigned long long)job->stall_ms);
    /* The plugin's next job_write returns PTRACK_ECANCELED; when it has
     * returned, the pump ends the stream as failed. */
    cancel(job, WHY_STALLED);
    uv_async_send(&job->async);
}

/* Hands the queued output to the HTTP server while it keeps up. */
static void export_pump(ptrack_job_t *job)
{
    while (job->req) {
        if (!atomic_load(&job->cancelled) && pt_http_stream_pending(job->req) > STREAM_HIGH) {
            pt_http_stream_on_drain(job->req, on_stream_drain, job);
            if (job->stall_ms && !uv_is_active((uv_handle_t *)&job->stall)) {
                job->stall_pending = pt_http_stream_pending(job->req);
                uv_timer_start(&job->stall, on_export_stalled, job->stall_ms, 0);
            }
            return;
        }
        pthread_mutex_lock(&job->mu);
        block_t *b = job->q_head;
        if (b) {
            job->q_head = b->next;
            if (!job->q_head)
                job->q_tail = NULL;
            job->q_bytes -= b->len;
            pthread_cond_signal(&job->cond);
        }
        bool finished = job->finished;
        pthread_mutex_unlock(&job->mu);
        if (!b) {
            if (finished)
                export_finish(job);
            return;
        }
        if (!atomic_load(&job->cancelled)) {
            if (!job->stream_begun)
                begin_stream(job);
            if (pt_http_stream_write(job->req, b->data, b->len) != 0)
                cancel(job, WHY_CLIENT);
            else
                job->bytes += b->len;
        }
        free(b);
    }
}

static void on_stream_drain(pt_http_request_t *req, void *arg)
{
    (void)req;
    ptrack_job_t *job = arg;
    uv_timer_stop(&job->stall);
    export_pump(job);
}

static void on_async(uv_async_t *h)
{
    ptrack_job_t *job = h->data;
    if (job->kind == JOB_EXPORT) {
        export_pump(job);
        return;
    }
    pthread_mutex_lock(&job->mu);
    bool resume = job->want_resume && job->in_paused && job->q_bytes < IN_LOW;
    if (resume)
        job->in_paused = false;
    job->want_resume = false;
    bool finished = job->finished;
    pthread_mutex_unlock(&job->mu);
    if (finished) {
        respond_json(job, job->answer_status, job->answer);
        job_reap(job);
        return;
    }
    if (resume)
        pt_http_body_resume(job->req);
}

static void on_body_data(pt_http_request_t *req, const char *buf, size_t len, void *arg)
{
    ptrack_job_t *job = arg;
    block_t *b = malloc(sizeof(*b) + len);
    pthread_mutex_lock(&job->mu);
    if (!b) {
        /* Without memory the import cannot go on; the client is told so. */
        if (!atomic_load(&job->cancelled))
            job->why = WHY_NOMEM;
        atomic_store(&job->cancelled, true);
        pthread_cond_broadcast(&job->cond);
        pthread_mutex_unlock(&job->mu);
        return;
    }
    memcpy(b->data, buf, len);
    job->bytes += len;
    b->next = NULL;
    b->len = b->cap = len;
    b->off = 0;
    if (job->q_tail)
        job->q_tail->next = b;
    else
        job->q_head = b;
    job->q_tail = b;
    job->q_bytes += len;
    pthread_cond_signal(&job->cond);
    bool pause = job->q_bytes >= IN_HIGH && !job->in_paused;
    if (pause)
        job->in_paused = true;
    pthread_mutex_unlock(&job->mu);
    if (pause)
        pt_http_body_pause(req);
}

static void on_body_end(pt_http_request_t *req, int status, void *arg)
{
    ptrack_job_t *job = arg;
    pthread_mutex_lock(&job->mu);
    job->in_eof = true;
    job->in_status = status;
    if (status < 0) {
        if (!atomic_load(&job->cancelled))
            job->why = WHY_CLIENT;
        atomic_store(&job->cancelled, true);
    }
    pthread_cond_broadcast(&job->cond);
    pthread_mutex_unlock(&job->mu);
}

static void on_request_abort(pt_http_request_t *req, void *arg)
{
    (void)req;
    ptrack_job_t *job = arg;
    cancel(job, WHY_CLIENT);
    /* An export's thread may have finished already, its last blocks
     * queued while the pump waited for the connection to drain: a closed
     * connection never drains, and the thread sends nothing more, so the
     * pump is woken here to drop those blocks and end the job. Without it
     * the job stayed running for good, its thread unjoined, its instance
     * never unloaded and a stop never returning from the loop. */
    if (job->kind == JOB_EXPORT)
        uv_async_send(&job->async);
}

static ptrack_job_t *job_new(const pt_job_options_t *o, job_kind_t kind, pt_error_t *err)
{
    ptrack_job_t *job = calloc(1, sizeof(*job));
    if (!job) {
        pt_error_set(err, PT_ENOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&job->mu, NULL);
    pthread_cond_init(&job->cond, NULL);
    job->kind = kind;
    job->inst = o->inst;
    job->store = o->store;
    job->loop = o->loop;
    job->req = o->req;
    job->partial = o->partial;
    job->stall_ms = o->stall_ms;
    job->metrics = o->metrics;
    job->route = o->route;
    job->asked_at = o->start;
    job->started = uv_now(o->loop);
    if (o->who)
        job->who = *o->who;
    else
        job->who.run_token = job->who.config_token = -1;
    job->query.key_supervision = -1;
    job->query.overdue = -1;
    char id[64];
    snprintf(id, sizeof(id), "%ld-%lu", (long)getpid(), ++job_seq);
    job->id = strdup(id);
    job->format = strdup(o->format);
    job->actor = strdup(o->actor ? o->actor : "");
    bool ok = job->id && job->format && job->actor;
    const char *name, *value;
    size_t n = 0;
    while (pt_http_query_at(o->req, n, &name, &value))
        n++;
    job->args = calloc(n * 2 + 1, sizeof(char *));
    ok = ok && job->args;
    for (size_t i = 0; ok && i < n && pt_http_query_at(o->req, i, &name, &value); i++) {
        job->args[i * 2] = strdup(name);
        job->args[i * 2 + 1] = strdup(value);
        job->n_args = i + 1;
        ok = job->args[i * 2] && job->args[i * 2 + 1];
    }
    if (!ok) {
        job_free(job);
        pt_error_set(err, PT_ENOMEM, "out of memory");
        return NULL;
    }
    return job;
}

/* Starts the thread and counts the job. */
static int job_launch(ptrack_job_t *job, pt_error_t *err)
{
    /* On failure the job is freed (now or by the handle's close callback)
     * and the caller must not touch it; an export's query strings stay the
     * caller's. */
    if (uv_async_init(job->loop, &job->async, on_async) != 0) {
        memset(&job->query, 0, sizeof(job->query));
        job_free(job);
        return pt_error_set(err, PT_ENOMEM, "cannot start a job: no async handle");
    }
    job->async.data = job;
    job->handles = 1;
    if (job->kind == JOB_EXPORT) {
        uv_timer_init(job->loop, &job->stall); /* cannot fail */
        job->stall.data = job;
        job->handles++;
    }
    int rc = pt_thread_start(&job->thread, job_main, job);
    if (rc != 0) {
        memset(&job->query, 0, sizeof(job->query));
        job_close_handles(job);
        return pt_error_set(err, PT_ESTORAGE, "cannot start a job thread: %s", strerror(rc));
    }
    job->inst->jobs++;
    job->next_running = running;
    running = job;
    n_running++;
    pt_http_request_on_abort(job->req, on_request_abort, job);
    return PT_OK;
}

int pt_job_start_import(const pt_job_options_t *o, pt_error_t *err)
{
    ptrack_job_t *job = job_new(o, JOB_IMPORT, err);
    if (!job)
        return err->code;
    pt_http_request_t *req = job->req;
    if (job_launch(job, err) != PT_OK)
        return err->code;
    /* A file over the limit is answered by the job, with what a partial
     * import stored before (cancel_error), not by the server's plain 413. */
    pt_http_body_answer_over_limit(req);
    /* The body may be delivered (and end) before this returns. */
    pt_http_body_start(req, on_body_data, on_body_end, job);
    return PT_OK;
}

int pt_job_start_export(const pt_job_options_t *o, pt_error_t *err)
{
    ptrack_job_t *job = job_new(o, JOB_EXPORT, err);
    if (!job)
        return err->code;
    /* The query's strings become the job's once it has started. */
    job->query = *o->query;
    if (job_launch(job, err) != PT_OK)
        return err->code;
    memset(o->query, 0, sizeof(*o->query));
    o->query->key_supervision = o->query->overdue = -1;
    return PT_OK;
}

void pt_jobs_recheck(int (*still)(const pt_http_request_t *req, const pt_identity_t *who, void *ud),
                     void *ud)
{
    for (ptrack_job_t *j = running; j; j = j->next_running) {
        if (!j->req || atomic_load(&j->cancelled))
            continue;
        /* An import whose thread has finished has its answer; an export's
         * may still be sending its last blocks, which it must not. */
        pthread_mutex_lock(&j->mu);
        bool done = j->kind == JOB_IMPORT && j->finished;
        pthread_mutex_unlock(&j->mu);
        int code = done ? PT_OK : still(j->req, &j->who, ud);
        if (code == PT_OK)
            continue;
        /* An import that has begun its last step ends it, and is answered
         * as usual (begin_last_step): cancelled, it would still be, and
         * the log would say that nothing of it is stored. */
        pthread_mutex_lock(&j->mu);
        const char *last_step = j->last_step;
        if (!last_step) {
            if (!atomic_load(&j->cancelled)) {
                j->why = WHY_REVOKED;
                j->revoked_code = code;
            }
            atomic_store(&j->cancelled, true);
            pthread_cond_broadcast(&j->cond);
        }
        pthread_mutex_unlock(&j->mu);
        if (last_step) {
            pt_info("import %s of %s (format %s) goes on: its client may no longer use the API "
                    "as it did (a reload changed socket_users or the tokens, or its token was "
                    "revoked), but the import had begun its last step, which it takes (%s); its "
                    "answer, and the line logged when it ends, say what it stored",
                    j->id, j->who.name, j->format, last_step);
            continue;
        }
        pt_info("%s %s of %s (format %s) ended: its client may no longer use the API as it did "
                "(a reload changed socket_users or the tokens, or its token was revoked)%s",
                j->kind == JOB_IMPORT ? "import" : "export", j->id, j->who.name, j->format,
                j->kind == JOB_EXPORT ? "; the transfer is cut off"
                : j->partial          ? "; it stores nothing more, the batches committed stay"
                                      : "; nothing of it is stored");
        /* An export's pump drops what is queued and ends the stream once
         * the plugin has returned (its next job_write is refused). */
        if (j->kind == JOB_EXPORT)
            uv_async_send(&j->async);
    }
}

/* Gives up on a job whose thread runs the plugin's code after the stop's
 * wait (see the top): answers its request, takes it off the list and
 * closes its handles, and leaves the job, its instance and its plugin to
 * the thread. The instance keeps its job count, so that the plugins'
 * shutdown neither destroys it nor dlcloses its file. */
static void abandon(ptrack_job_t *job)
{
    const char *what = job->kind == JOB_IMPORT ? "import" : "export";
    pt_warn("stopping: the %s job %s (format %s) on plugin instance %s has not returned from "
            "%s() %d s after it was cancelled; ptrackd stops without it (the plugin does not "
            "ask job_cancelled)%s",
            what, job->id, job->format, instance_name(job), what, STOP_WAIT_MS / 1000,
            job->kind == JOB_EXPORT ? ""
            : job->partial          ? "; the batches it stored stay"
                                    : "; nothing of it is stored");
    n_abandoned++;
    /* A partial import's last batch handed to the writer has ended long
     * ago, as a rule (the stop waited three seconds), but only the job's
     * thread takes its result, in its next host call, which will never
     * come: it is taken here, so that the answer counts what it stored.
     * The thread no longer touches the batch nor the result (host_enter
     * refuses it now), and a transaction's end is told on the loop, so a
     * batch not ended yet is not waited for, which would wait for ever. */
    if (job->kind == JOB_IMPORT && job->partial && job->direct &&
        pt_store_import_direct_done(job->direct))
        direct_wait(job);
    if (job->req) {
        if (job->stream_begun) {
            pt_http_stream_abort(job->req);
        } else {
            pt_error_t err = {0};
            cancel_error(job, &err, WHY_SHUTDOWN, 0);
            if (job->kind == JOB_IMPORT && job->partial && job->direct) {
                /* A batch whose transaction has not ended may be stored
                 * too: sent again whole, the file would store it twice.
                 * Before it, none may have been counted as stored: then
                 * it is the first. */
                if (partial_kept(job))
                    partial_error(job, &err, PT_ESHUTDOWN, KEPT_BATCHES,
                                  "the import was cancelled: ptrackd is stopping",
                                  "; a batch of the records read before that was being stored "
                                  "and may be stored too: once ptrackd is back, " PARTIAL_RESEND);
                else
                    pt_error_set(&err, PT_ESHUTDOWN,
                                 "the import was cancelled: ptrackd is stopping; none of its "
                                 "batches had been stored, but its first was being stored and "
                                 "may be stored too: once ptrackd is back, " PARTIAL_RESEND);
            }
            if (job->kind == JOB_IMPORT) {
                /* As every answer of an import that failed: what it
                 * passed by, and what a partial one stored. */
                answer_error(job, &err);
                respond_json(job, job->answer_status, job->answer);
            } else {
                cJSON *o = pt_error_to_json(&err);
                char *text = o ? cJSON_PrintUnformatted(o) : NULL;
                cJSON_Delete(o);
                respond_json(job, pt_error_http_status(err.code), text);
                free(text);
            }
            pt_error_clear(&err);
        }
        job->req = NULL;
    }
    unlist(job);
    job_close_handles(job);
}

/* The stop's wait is over: abandons the jobs still in their plugin's code,
 * and waits on for those in host code, which end by themselves. */
static void on_stop_timer(uv_timer_t *t)
{
    (void)t;
    ptrack_job_t *next;
    for (ptrack_job_t *j = running; j; j = next) {
        next = j->next_running;
        pthread_mutex_lock(&j->mu);
        bool give_up = !j->finished && j->in_plugin;
        if (give_up)
            j->abandoned = true;
        pthread_mutex_unlock(&j->mu);
        if (give_up)
            abandon(j);
    }
    if (n_running == 0)
        stop_timer_close();
    else
        uv_timer_start(&stop_timer, on_stop_timer, STOP_POLL_MS, 0);
}

void pt_jobs_shutdown(uv_loop_t *loop)
{
    for (ptrack_job_t *j = running; j; j = j->next_running) {
        cancel(j, WHY_SHUTDOWN);
        /* An export whose plugin has returned may have its last blocks
         * queued while the pump waits for a client that takes nothing:
         * the thread sends nothing more, and a stalled client is not cut
         * off once the export is cancelled (on_export_stalled), so the
         * pump is woken here to drop them and end the stream, as a
         * client gone is (on_request_abort). Without it the job stayed
         * running, and the stop waited for the client for good. */
        if (j->kind == JOB_EXPORT)
            uv_async_send(&j->async);
    }
    if (n_running == 0 || stop_timer_open)
        return;
    pt_info("stopping: waiting up to %d s for %u import or export job%s to end",
            STOP_WAIT_MS / 1000, n_running, n_running == 1 ? "" : "s");
    uv_timer_init(loop, &stop_timer); /* cannot fail */
    stop_timer_open = true;
    uv_timer_start(&stop_timer, on_stop_timer, STOP_WAIT_MS, 0);
}

unsigned pt_jobs_running(void)
{
    return n_running;
}

unsigned pt_jobs_abandoned(void)
{
    return n_abandoned;
}

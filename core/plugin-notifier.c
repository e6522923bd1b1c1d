/*
 * plugin-notifier.c - notifier instances at run time: one worker thread
 * each, the event filter, the durable cursor, retries with back-off.
 *
 * Each notifier instance owns a pt_notifier_t: a thread, a mutex and a
 * condition variable, a small queue of events in memory, its cursor and its
 * counters. Nothing is shared between two instances, so a notifier whose
 * deliver() blocks (a chat robot that does not answer) holds up only itself.
 *
 * How an event reaches a plugin:
 *
 *   1. The writer commits; on the loop the plugin host calls
 *      pt_notifier_wake() with the highest committed seq. The loop only
 *      records that seq and signals the condition: it never waits for the
 *      worker, and the worker never touches a libuv handle.
 *   2. The worker reads the next events after what it has fetched from the
 *      store (pt_store_events_each, a read connection of its own), keeps
 *      those the instance's `events` filter wants in its queue (at most
 *      QUEUE_MAX, so memory stays bounded however far behind it is) and
 *      steps over the others.
 *   3. It calls deliver() for each queued event in seq order, with no lock
 *      held. PTRACK_OK advances the cursor; PTRACK_RETRY waits (200 ms,
 *      doubling up to 60 s) and offers the same event again; any other
 *      return drops the event with a line in the log. The first retry
 *      after an event taken is logged at warn, a reminder at most every
 *      FAIL_REMIND_MS, and the next event taken at info (log_retry).
 *   4. The cursor in memory is written to the store (a PT_WRITE_CURSOR
 *      write through the writer thread) at most every FLUSH_MS or every
 *      FLUSH_EVENTS events, when the worker goes idle, and on stop. The
 *      cursor moves only past events that deliver() took, so after a crash
 *      the events since the last flush come again: delivery is at least
 *      once, and the seq tells a plugin that it has seen one before.
 *
 * A new instance (one with no cursor in the store) starts after the newest
 * event committed when it was started, so that every write answered after
 * its load reaches it. That place is queued to the writer as its first
 * cursor by the start itself, ahead of every later write, so that a
 * restart neither takes it back to the oldest event nor, after a crash,
 * starts it past a write that was answered (the worker asks again while
 * the store refuses it). With
 * "start": "oldest" in its entry it starts with the first event the store
 * holds instead (an archive of the whole feed).
 *
 * Locking: n->mu guards every member the loop reads or writes (stop,
 * known_seq, the counters, the status); it is held only for short updates,
 * never across deliver() or a store read. The queue itself belongs to the
 * worker alone; only its length is published under the lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "json-strict.h"
#include "log.h"
#include "plugins.h"
#include "signals.h"
#include "timefmt.h"

/* Events held in memory per instance; more wait in the store. */
#define QUEUE_MAX 64
/* The durable cursor is written at most this often, or every FLUSH_EVENTS
 * events, whichever comes first (each write is a commit). */
#define FLUSH_MS 200
#define FLUSH_EVENTS 100
/* After the store refused a cursor's write (a full disk), the cursor is
 * written again no sooner than this, until a write is stored. */
#define RESAVE_MS 5000
/* A dropped event is logged at most once in this long; the ones in
 * between are counted in the next line, so that a notifier that refuses
 * every event of a 20,000-proposal import writes a few lines, not 20,000. */
#define DROP_LOG_MS 10000
/* While deliver() keeps asking to retry, the log has one line when it
 * starts failing, a reminder at most this often (with how many retries and
 * how far behind the instance is), and one when it delivers again: a
 * gateway down for a night writes a few lines, not one per retry. */
#define FAIL_REMIND_MS 600000
/* Back-off after PTRACK_RETRY (and after a failed store read). */
#define BACKOFF_BASE_MS 200
#define BACKOFF_CAP_MS 60000
/* A new instance looks for its starting place in the store this soon
 * after asking for it to be saved, and then less and less often. */
#define FIRST_LOOK_MS 20
/* The bounds of a wait a plugin asks for with retry_in. */
#define RETRY_IN_MIN_MS 100
#define RETRY_IN_MAX_MS 3600000

/* One event copied out of the store (the store's strings are borrowed only
 * for its callback). */
typedef struct {
    int64_t seq;
    char *type;
    char *json;
    size_t json_len;
} queued_event_t;

struct pt_notifier_s {
    pt_instance_t *inst; /* the instance; outlives the notifier */
    pt_store_t *store;
    char *name; /* a copy of inst->name, for the thread and the messages */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;   /* the worker waits on it: wake, stop */
    pthread_cond_t exited; /* pt_notifier_stop waits on it */

    /* Under mu. */
    bool stop;
    bool done;                /* the worker has left its loop */
    int64_t known_seq;        /* the highest committed seq the loop has told of */
    int64_t cursor;           /* every event up to here is taken care of */
    bool placed;              /* the worker has read where it starts (read_cursor): until
                                 then the cursor is not known, and the status shows null */
    int64_t flushed;          /* the cursor last queued to the store; moved back when the
                                 store refuses a write, so that it is written again */
    int64_t resave_at_ms;     /* monotonic ms before which no cursor is written: 0, or
                                 RESAVE_MS after a refused write */
    bool save_failing;        /* the last cursor write the store answered was refused */
    int64_t stored;           /* the cursor the store has kept, as far as it has answered */
    size_t queued;            /* events in the queue, for the status */
    uint64_t delivered;       /* deliver() returned PTRACK_OK */
    uint64_t failed;          /* events dropped: deliver() returned an error */
    uint64_t retries;         /* deliver() returned PTRACK_RETRY */
    int64_t backoff_ms;       /* the back-off in progress; 0 when none */
    bool retrying;            /* the event at the head was refused for now (PTRACK_RETRY) and
                                 is being tried again: true through the back-off and the next
                                 attempts, until it is taken or dropped */
    bool start_oldest;        /* a new instance starts with the oldest event */
    int64_t start_seq;        /* else after this one: the newest when it was started */
    int64_t deliver_since_ms; /* monotonic ms when deliver() was entered; 0 when not in it */
    int64_t stop_asked_ms;    /* monotonic ms when the stop in progress was asked; 0 when none */
    int64_t deliver_seq;      /* the event deliver() is working on */
    int64_t failing_at;       /* wall-clock ms when deliver() began asking to retry, as
                                 failing_since_ms (below); 0 when it is not failing */
    char last_error[512];

    /* The worker's own. */
    queued_event_t queue[QUEUE_MAX];
    size_t q_head, q_len;
    int64_t fetched;          /* the highest seq read from the store */
    bool at_end;              /* the last read found no more events */
    int64_t last_flush_ms;    /* monotonic ms of the last cursor write */
    char reason[384];         /* what deliver() gave as its reason (set_error(NULL, ...)) */
    int64_t retry_in_ms;      /* the wait deliver() asked for (retry_in); -1: none */
    int64_t drop_logged_ms;   /* monotonic ms of the last "dropped" log line */
    uint64_t drops_unlogged;  /* events dropped since that line, not logged one by one */
    char last_drop[640];      /* the last of them, for the line that counts them */
    int64_t first_asked_ms;   /* when the start queued the first cursor's write; -1: not */
    int64_t failing_since_ms; /* monotonic ms of the first PTRACK_RETRY since the last event
                                 taken (or the start); 0 when deliver() is not failing */
    int64_t fail_logged_ms;   /* monotonic ms of the last line saying it fails */
    uint64_t fail_retries;    /* PTRACK_RETRY answers since failing_since_ms */

    pt_notifier_t *next_live; /* the loop's list of running notifiers */
};

/* The running notifiers, so that the answer to a cursor's write (on the
 * loop) finds the notifier that asked, if it still runs. Thread: loop
 * only (start, stop and the store's answers), so no lock. */
static pt_notifier_t *live;

static pt_notifier_t *live_find(const char *name)
{
    pt_notifier_t *n = live;
    while (n && strcmp(n->name, name) != 0)
        n = n->next_live;
    return n;
}

static void live_remove(pt_notifier_t *n)
{
    for (pt_notifier_t **p = &live; *p; p = &(*p)->next_live) {
        if (*p == n) {
            *p = n->next_live;
            break;
        }
    }
}

/* The last cursor each stopped notifier queued, by instance name. The
 * store commits it a moment later; an instance of the same name started in
 * that moment (a reload) reads the store before it has, and goes on from
 * here instead of from the older cursor there, delivering nothing twice. */
typedef struct stopped_s {
    char *name;
    int64_t cursor;
    struct stopped_s *next;
} stopped_t;

static pthread_mutex_t stopped_mu = PTHREAD_MUTEX_INITIALIZER;
static stopped_t *stopped;

/* The notifier whose deliver() the calling thread is inside, if any: where
 * a set_error(NULL, ...) of the plugin's goes. */
static _Thread_local pt_notifier_t *delivering;

static void stopped_note(const char *name, int64_t cursor)
{
    pthread_mutex_lock(&stopped_mu);
    stopped_t *e = stopped;
    while (e && strcmp(e->name, name) != 0)
        e = e->next;
    if (!e && (e = calloc(1, sizeof(*e))) != NULL) {
        if ((e->name = strdup(name)) != NULL) {
            e->next = stopped;
            stopped = e;
        } else {
            free(e);
            e = NULL;
        }
    }
    if (e && cursor > e->cursor)
        e->cursor = cursor;
    pthread_mutex_unlock(&stopped_mu);
}

/* The cursor a notifier of this name last stopped at in this process; 0
 * when none. Thread: any. */
static int64_t stopped_cursor(const char *name)
{
    int64_t cursor = 0;
    pthread_mutex_lock(&stopped_mu);
    for (stopped_t *e = stopped; e; e = e->next)
        if (strcmp(e->name, name) == 0)
            cursor = e->cursor;
    pthread_mutex_unlock(&stopped_mu);
    return cursor;
}

static struct timespec deadline_at(int64_t ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    return ts;
}

/* Waits on cond (mu held) until the monotonic time until_ms. */
static void wait_until(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t until_ms)
{
    struct timespec ts = deadline_at(until_ms);
    pthread_cond_timedwait(cond, mu, &ts);
}

/* Whether the instance's `events` filter wants this type: no filter takes
 * every event; an entry is an exact type, "*", or a prefix ending in ".*"
 * ("proposal.*" takes "proposal.created" but not "proposal"). */
static bool wanted(const pt_instance_t *inst, const char *type)
{
    if (!inst->events || inst->n_events == 0)
        return true;
    for (size_t i = 0; i < inst->n_events; i++) {
        const char *pat = inst->events[i];
        size_t len = strlen(pat);
        if (strcmp(pat, "*") == 0 || strcmp(pat, type) == 0)
            return true;
        if (len >= 2 && pat[len - 1] == '*' && pat[len - 2] == '.' &&
            strncmp(pat, type, len - 1) == 0)
            return true;
    }
    return false;
}

static void set_error(pt_notifier_t *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(pt_notifier_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&n->mu);
    vsnprintf(n->last_error, sizeof(n->last_error), fmt, ap);
    pthread_mutex_unlock(&n->mu);
    va_end(ap);
}

/* ---- The durable cursor ------------------------------------------------ */

/* Thread: loop (the store answers every write there). Ownership: frees w.
 * A cursor the store refused (a full disk) is written again: the
 * notifier's flushed mark moves back before it, so that the worker writes
 * the cursor again once RESAVE_MS have passed, or at the stop, even when
 * no event comes meanwhile. Until one is stored, a restart delivers the
 * events after the saved cursor again (at least once, never lost). */
static void on_cursor_written(pt_write_t *w)
{
    pt_notifier_t *n = w->first ? NULL : live_find(w->name);
    bool first_failure = true, recovered = false;
    if (n) {
        pthread_mutex_lock(&n->mu);
        if (w->err.code == PT_OK && w->seq > n->stored)
            n->stored = w->seq;
        if (w->err.code != PT_OK) {
            first_failure = !n->save_failing;
            n->save_failing = true;
            if (n->flushed >= w->seq)
                n->flushed = w->seq - 1;
            n->resave_at_ms = pt_time_mono() + RESAVE_MS;
            pthread_cond_signal(&n->cond);
        } else if (n->save_failing) {
            n->save_failing = false;
            n->resave_at_ms = 0;
            recovered = true;
        }
        pthread_mutex_unlock(&n->mu);
    }
    if (w->err.code != PT_OK && w->first) {
        pt_warn("notifier %s: saving its starting place (after event %" PRId64 ") failed: %s "
                "(it is tried again)",
                w->name, w->seq, w->err.message);
        /* The worker waits for it and delivers nothing meanwhile: its
         * status says why. */
        pt_notifier_t *waiting = live_find(w->name);
        if (waiting)
            set_error(waiting,
                      "saving its starting place (after event %" PRId64 ") failed: %s; nothing "
                      "is delivered until it is saved (it is tried again)",
                      w->seq, w->err.message);
    } else if (w->err.code != PT_OK && first_failure)
        pt_warn("notifier %s: saving its cursor %" PRId64 " failed: %s (it is saved again "
                "every %d s until it is stored, and at the stop; until then a restart "
                "delivers the events after the one saved before again)",
                w->name, w->seq, w->err.message, RESAVE_MS / 1000);
    else if (w->err.code != PT_OK)
        pt_debug("notifier %s: saving its cursor %" PRId64 " failed again: %s", w->name, w->seq,
                 w->err.message);
    else if (recovered)
        pt_info("notifier %s: its cursor is saved again (after event %" PRId64 ")", w->name,
                w->seq);
    pt_write_free(w);
}

/* Queues a PT_WRITE_CURSOR write of seq for the instance. The writer keeps
 * a cursor from moving back, so writes that cross do no harm.
 * Thread: any. Ownership: the write is the store's until its callback,
 * which frees it. Returns PT_OK or an error already logged. */
static int queue_cursor_write(pt_store_t *store, const char *name, int64_t seq, bool first)
{
    pt_write_t *w = pt_write_new(PT_WRITE_CURSOR);
    if (!w || !(w->name = strdup(name))) {
        pt_write_free(w);
        pt_warn("notifier %s: out of memory saving its cursor %" PRId64, name, seq);
        return PT_ENOMEM;
    }
    w->seq = seq;
    w->first = first;
    w->cb = on_cursor_written;
    int rc = pt_store_write(store, w);
    if (rc != PT_OK) {
        /* The store is closing: the callback will not come. */
        pt_warn("notifier %s: cannot save its cursor %" PRId64 ": the store is closing", name, seq);
        pt_write_free(w);
    }
    return rc;
}

/* Writes the cursor when it moved and the last write is old enough (or
 * `force`). Thread: the worker. */
static void maybe_flush(pt_notifier_t *n, bool force)
{
    pthread_mutex_lock(&n->mu);
    int64_t cursor = n->cursor, flushed = n->flushed, resave_at = n->resave_at_ms;
    /* Once stop is asked, pt_notifier_stop writes the last cursor itself:
     * the worker may be abandoned in deliver() and outlive the store. */
    bool stopping = n->stop;
    pthread_mutex_unlock(&n->mu);
    int64_t now = pt_time_mono();
    if (stopping || cursor <= flushed || now < resave_at)
        return;
    if (!force && cursor - flushed < FLUSH_EVENTS && now - n->last_flush_ms < FLUSH_MS)
        return;
    /* flushed moves before the write is queued: the store may answer it
     * (and a refusal move flushed back, on the loop) before this thread
     * runs again, and that answer must have the last word. */
    pthread_mutex_lock(&n->mu);
    int64_t before = n->flushed;
    if (cursor > n->flushed)
        n->flushed = cursor;
    pthread_mutex_unlock(&n->mu);
    if (queue_cursor_write(n->store, n->name, cursor, false) != PT_OK) {
        pthread_mutex_lock(&n->mu);
        if (n->flushed == cursor)
            n->flushed = before;
        pthread_mutex_unlock(&n->mu);
    }
    n->last_flush_ms = now;
}

/* ---- The queue ------------------------------------------------------- */

static void queue_clear(pt_notifier_t *n)
{
    while (n->q_len) {
        queued_event_t *e = &n->queue[n->q_head];
        free(e->type);
        free(e->json);
        n->q_head = (n->q_head + 1) % QUEUE_MAX;
        n->q_len--;
    }
    n->q_head = 0;
}

typedef struct {
    pt_notifier_t *n;
    int rows;
    bool oom;
} fill_t;

/* pt_store_events_each's callback: copies a wanted event into the queue,
 * steps over the others. Thread: the worker. */
static int fill_one(int64_t seq, const char *type, const char *json, size_t len, void *ud)
{
    fill_t *f = ud;
    pt_notifier_t *n = f->n;
    f->rows++;
    if (wanted(n->inst, type ? type : "")) {
        queued_event_t *e = &n->queue[(n->q_head + n->q_len) % QUEUE_MAX];
        e->type = strdup(type ? type : "");
        e->json = malloc(len + 1);
        if (!e->type || !e->json) {
            free(e->type);
            free(e->json);
            f->oom = true;
            return 1;
        }
        memcpy(e->json, json, len);
        e->json[len] = '\0';
        e->json_len = len;
        e->seq = seq;
        n->q_len++;
    }
    n->fetched = seq;
    return 0;
}

/* Reads the next events after n->fetched into the empty queue. Returns
 * PT_OK or an error (with n->last_error set). Thread: the worker. */
static int fill(pt_notifier_t *n)
{
    fill_t f = {n, 0, false};
    pt_error_t err = {0};
    int limit = QUEUE_MAX;
    int rc = pt_store_events_each(n->store, n->fetched, limit, fill_one, &f, &err);
    if (rc == PT_OK && f.oom)
        rc = pt_error_set(&err, PT_ENOMEM, "out of memory");
    if (rc != PT_OK) {
        set_error(n, "reading events after %" PRId64 ": %s", n->fetched, err.message);
        pt_error_clear(&err);
        return rc;
    }
    n->at_end = f.rows < limit;
    pthread_mutex_lock(&n->mu);
    n->queued = n->q_len;
    /* Events stepped over by the filter are taken care of, too: with an
     * empty queue the cursor moves up to what was read. */
    if (n->q_len == 0 && n->fetched > n->cursor)
        n->cursor = n->fetched;
    if (n->fetched > n->known_seq)
        n->known_seq = n->fetched;
    pthread_mutex_unlock(&n->mu);
    return PT_OK;
}

/* ---- The worker ------------------------------------------------------ */

/* Thread: any; only a notifier's worker inside deliver() is heard.
 * Ownership: msg is copied. */
bool pt_notifier_set_reason(const char *msg)
{
    pt_notifier_t *n = delivering;
    if (!n || !msg)
        return false;
    /* Cut on a character boundary, and ended in "…" as set_error's own
     * cut is (it was cut short without a sign), then made valid UTF-8: it
     * is shown in GET /v1/plugins, which is JSON. */
    static const char more[] = "…";
    size_t len = strlen(msg);
    if (len >= sizeof(n->reason)) {
        len = pt_utf8_floor(msg, sizeof(n->reason) - sizeof(more));
        memcpy(n->reason, msg, len);
        memcpy(n->reason + len, more, sizeof(more));
    } else {
        memcpy(n->reason, msg, len);
        n->reason[len] = '\0';
    }
    pt_utf8_scrub(n->reason);
    return true;
}

bool pt_notifier_retry_in(const pt_instance_t *inst, int64_t ms)
{
    pt_notifier_t *n = delivering;
    if (!n || n->inst != inst)
        return false;
    n->retry_in_ms = ms < RETRY_IN_MIN_MS   ? RETRY_IN_MIN_MS
                     : ms > RETRY_IN_MAX_MS ? RETRY_IN_MAX_MS
                                            : ms;
    return true;
}

/* Sleeps for ms unless stop comes first. Returns true when stop was asked.
 * A back-off is shown as one (backoff_ms, and so retrying in the status);
 * a new instance's wait for its starting place to be saved is not one, as
 * it retries nothing. Thread: the worker. */
static bool sleep_unless_stop(pt_notifier_t *n, int64_t ms, bool backoff)
{
    int64_t until = pt_time_mono() + ms;
    pthread_mutex_lock(&n->mu);
    if (backoff)
        n->backoff_ms = ms;
    /* A wake for new events must not cut the back-off short, so wait again
     * until the time is up; only stop ends it early. */
    while (!n->stop && pt_time_mono() < until)
        wait_until(&n->cond, &n->mu, until);
    n->backoff_ms = 0;
    bool stop = n->stop;
    pthread_mutex_unlock(&n->mu);
    return stop;
}

static bool back_off(pt_notifier_t *n, int64_t ms)
{
    return sleep_unless_stop(n, ms, true);
}

/* Logs the drops counted since the last line: how many, and the last. */
static void log_drops_since(pt_notifier_t *n)
{
    pt_warn("notifier %s: %llu more event%s dropped since the last such line (the last: %s)",
            n->name, (unsigned long long)n->drops_unlogged,
            n->drops_unlogged == 1 ? " was" : "s were", n->last_drop);
    n->drops_unlogged = 0;
    n->drop_logged_ms = pt_time_mono();
}

/* Logs that deliver() dropped event e (rc, an error), after `retried`
 * PTRACK_RETRY answers for it, at most once in DROP_LOG_MS; the drops in
 * between are counted and said in the next line, or once an event is
 * delivered. Thread: the worker. */
static void log_drop(pt_notifier_t *n, int rc, const queued_event_t *e, uint64_t retried)
{
    char after[48] = "";
    if (retried)
        snprintf(after, sizeof(after), " after %llu retr%s", (unsigned long long)retried,
                 retried == 1 ? "y" : "ies");
    if (n->reason[0])
        snprintf(n->last_drop, sizeof(n->last_drop), "event %" PRId64 " (%s): %s", e->seq, e->type,
                 n->reason);
    else
        snprintf(n->last_drop, sizeof(n->last_drop),
                 "event %" PRId64 " (%s), with no reason (see the plugin's own log lines)", e->seq,
                 e->type);
    if (n->drop_logged_ms && pt_time_mono() - n->drop_logged_ms < DROP_LOG_MS) {
        n->drops_unlogged++;
        return;
    }
    if (n->drops_unlogged)
        log_drops_since(n);
    if (n->reason[0])
        pt_warn("notifier %s: deliver() failed (%d, %s) on event %" PRId64
                " (%s): %s; the event was dropped%s",
                n->name, rc, pt_plugin_rc_name(rc), e->seq, e->type, n->reason, after);
    else
        pt_warn("notifier %s: deliver() failed (%d, %s) on event %" PRId64
                " (%s); the event was dropped%s (see the plugin's own log lines for why)",
                n->name, rc, pt_plugin_rc_name(rc), e->seq, e->type, after);
    n->drop_logged_ms = pt_time_mono();
}

/* A length of time as a log line says it: "850 ms", "12.4 s", "17 min",
 * "3 h 20 min". */
static void say_duration(char *out, size_t size, int64_t ms)
{
    if (ms < 1000)
        snprintf(out, size, "%" PRId64 " ms", ms);
    else if (ms < 60000)
        snprintf(out, size, "%.1f s", (double)ms / 1000.0);
    else if (ms < 3600000)
        snprintf(out, size, "%" PRId64 " min", ms / 60000);
    else
        snprintf(out, size, "%" PRId64 " h %" PRId64 " min", ms / 3600000, ms % 3600000 / 60000);
}

/* Logs that deliver() asked to retry event e, which is offered again in
 * wait_ms: at warn when the instance starts failing (the first
 * PTRACK_RETRY since an event was taken, or since its start), then again
 * at most once in FAIL_REMIND_MS with how long, how many retries and how
 * far behind, and not in between (the debug line says each retry): a
 * gateway down for a night, retried every minute, writes a line every ten
 * minutes, not one a retry. Thread: the worker. */
static void log_retry(pt_notifier_t *n, const queued_event_t *e, int64_t wait_ms, bool asked,
                      int64_t behind)
{
    const char *why = n->reason[0] ? n->reason : "deliver() asked to retry (it gave no reason)";
    int64_t now = pt_time_mono();
    n->fail_retries++;
    if (!n->failing_since_ms) {
        char how[48];
        if (asked)
            snprintf(how, sizeof(how), "the wait deliver() asked for");
        else
            snprintf(how, sizeof(how), "backing off up to %d s", BACKOFF_CAP_MS / 1000);
        n->failing_since_ms = n->fail_logged_ms = now;
        pt_warn("notifier %s: delivering event %" PRId64 " (%s) failed: %s; it is offered again "
                "in %" PRId64 " ms (%s), and the events after it wait; "
                "this is said again every %d min while it fails, and when it delivers again",
                n->name, e->seq, e->type, why, wait_ms, how, FAIL_REMIND_MS / 60000);
        return;
    }
    if (now - n->fail_logged_ms < FAIL_REMIND_MS)
        return;
    n->fail_logged_ms = now;
    char since[32];
    say_duration(since, sizeof(since), now - n->failing_since_ms);
    pt_warn("notifier %s: still failing after %s and %llu retries, now on event %" PRId64
            " (%s): %s; %" PRId64 " event%s wait%s behind it; next try in %" PRId64 " ms",
            n->name, since, (unsigned long long)n->fail_retries, e->seq, e->type, why, behind,
            behind == 1 ? "" : "s", behind == 1 ? "s" : "", wait_ms);
}

/* Logs, at info, that deliver() took event e after the instance had been
 * failing, and ends the failure. Thread: the worker. */
static void log_delivers_again(pt_notifier_t *n, const queued_event_t *e)
{
    char since[32];
    say_duration(since, sizeof(since), pt_time_mono() - n->failing_since_ms);
    pt_info("notifier %s: delivers again: event %" PRId64 " (%s) was taken after %s of failing "
            "and %llu retr%s",
            n->name, e->seq, e->type, since, (unsigned long long)n->fail_retries,
            n->fail_retries == 1 ? "y" : "ies");
    n->failing_since_ms = 0;
    n->fail_retries = 0;
}

/* Offers the event at the head of the queue until deliver() takes it, drops
 * it, or stop is asked. Returns true when the worker should stop.
 * Thread: the worker. */
static bool deliver_head(pt_notifier_t *n)
{
    queued_event_t *e = &n->queue[n->q_head];
    const ptrack_notifier_ops_t *ops = n->inst->file->desc->notifier;
    int64_t backoff = BACKOFF_BASE_MS;
    uint64_t retried = 0; /* PTRACK_RETRY answers for this event */
    for (;;) {
        ptrack_record_t *rec = pt_record_parse(e->json, e->json_len);
        if (!rec) {
            /* The store wrote the event as a JSON object: only memory can
             * be short here, and that passes. */
            set_error(n, "event %" PRId64 ": out of memory reading it", e->seq);
            if (back_off(n, backoff))
                return true;
            backoff = backoff * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : backoff * 2;
            continue;
        }
        ptrack_event_t ev = {
            .struct_size = sizeof(ev),
            .seq = e->seq,
            .type = e->type,
            .json = e->json,
            .json_len = e->json_len,
            .record = rec,
        };
        pthread_mutex_lock(&n->mu);
        /* No deliver() starts once stop is asked: pt_notifier_stop counts
         * on a worker outside deliver() to come out soon. */
        if (n->stop) {
            pthread_mutex_unlock(&n->mu);
            pt_record_free(rec);
            return true;
        }
        n->deliver_since_ms = pt_time_mono();
        n->deliver_seq = e->seq;
        pthread_mutex_unlock(&n->mu);

        n->reason[0] = '\0';
        n->retry_in_ms = -1;
        /* An event whose deliver() ended ptrackd, and again after the
         * restart, would do it at every start (plugin-crash.c). */
        int crashes = pt_plugin_crash_count(n->name, e->seq);
        int rc;
        if (crashes >= PT_PLUGIN_CRASHES_TO_DROP) {
            snprintf(n->reason, sizeof(n->reason),
                     "its deliver() crashed ptrackd on it %d times; it is not offered to this "
                     "instance again",
                     crashes);
            pt_error("notifier %s: event %" PRId64 " (%s) is dropped: %s (a bug of plugin %s)",
                     n->name, e->seq, e->type, n->reason, n->inst->file->desc->name);
            rc = PTRACK_ERROR;
        } else {
            if (crashes > 0 && retried == 0)
                pt_warn("notifier %s: event %" PRId64 " (%s) is offered again, though its "
                        "deliver() crashed ptrackd on it %d time%s; at %d it is dropped for "
                        "this instance",
                        n->name, e->seq, e->type, crashes, crashes == 1 ? "" : "s",
                        PT_PLUGIN_CRASHES_TO_DROP);
            delivering = n;
            pt_plugin_crash_enter(n->name, n->inst->file->desc->name, "deliver()");
            pt_plugin_crash_event(e->seq);
            rc = ops->deliver(n->inst->state, &ev);
            pt_plugin_crash_leave();
            delivering = NULL;
        }

        pt_record_free(rec);
        pthread_mutex_lock(&n->mu);
        n->deliver_since_ms = 0;
        bool stop = n->stop;
        n->retrying = rc == PTRACK_RETRY;
        /* The receiver's own wait, when deliver() named one, else the
         * back-off. */
        bool asked = n->retry_in_ms >= 0;
        int64_t wait = asked ? n->retry_in_ms : backoff;
        int64_t behind = n->known_seq > n->cursor ? n->known_seq - n->cursor : 0;
        /* Failing from the first retry until an event is taken, as the
         * log says (log_retry): a drop does not end it. */
        if (rc == PTRACK_RETRY && !n->failing_at)
            n->failing_at = pt_time_now();
        else if (rc == PTRACK_OK)
            n->failing_at = 0;
        if (rc == PTRACK_OK) {
            n->delivered++;
            n->cursor = e->seq;
        } else if (rc == PTRACK_RETRY) {
            n->retries++;
            snprintf(n->last_error, sizeof(n->last_error),
                     "event %" PRId64 " (%s): %s; next try in %" PRId64 " ms", e->seq, e->type,
                     n->reason[0] ? n->reason : "deliver() asked to retry (it gave no reason)",
                     wait);
        } else {
            n->failed++;
            n->cursor = e->seq;
            char none[96];
            snprintf(none, sizeof(none), "deliver() returned %d (%s) and gave no reason", rc,
                     pt_plugin_rc_name(rc));
            snprintf(n->last_error, sizeof(n->last_error),
                     "event %" PRId64 " (%s): %s; the event was dropped", e->seq, e->type,
                     n->reason[0] ? n->reason : none);
        }
        pthread_mutex_unlock(&n->mu);

        if (rc == PTRACK_RETRY) {
            retried++;
            log_retry(n, e, wait, asked, behind);
            pt_debug("notifier %s: event %" PRId64 " (%s) will be offered again in %" PRId64 " ms",
                     n->name, e->seq, e->type, wait);
            if (stop || back_off(n, wait))
                return true;
            if (!asked)
                backoff = backoff * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : backoff * 2;
            continue;
        }
        if (rc != PTRACK_OK)
            log_drop(n, rc, e, retried);
        else if (n->drops_unlogged)
            log_drops_since(n);
        /* A drop does not end a failure: the next event taken does. */
        if (rc == PTRACK_OK && n->failing_since_ms)
            log_delivers_again(n, e);
        free(e->type);
        free(e->json);
        n->q_head = (n->q_head + 1) % QUEUE_MAX;
        n->q_len--;
        pthread_mutex_lock(&n->mu);
        n->queued = n->q_len;
        /* The events the filter stepped over after the last queued one are
         * done once the queue is empty. */
        if (n->q_len == 0 && n->fetched > n->cursor)
            n->cursor = n->fetched;
        pthread_mutex_unlock(&n->mu);
        return stop;
    }
}

/* Reads the durable cursor, retrying with back-off while the store cannot
 * answer; a new instance's first cursor is written first (see the top).
 * Returns false when stop came first. Thread: the worker. */
static bool read_cursor(pt_notifier_t *n)
{
    int64_t backoff = BACKOFF_BASE_MS;
    /* The first cursor's write: when it was asked for, and how long to
     * look for it before asking again (a write that failed, a full disk,
     * is not answered to the worker; asking again is harmless, since the
     * write does nothing once the cursor exists). */
    int64_t asked_at = n->first_asked_ms, ask_every = 1000;
    /* How long to wait before looking again: FIRST_LOOK_MS after each ask,
     * a write being committed at once as a rule, then twice as long each
     * time it is not there yet, up to the next ask. So a write that keeps
     * failing costs a few reads an ask (every minute at most, in the end),
     * not one every FIRST_LOOK_MS for as long as it fails. */
    int64_t look_in = FIRST_LOOK_MS;
    for (;;) {
        pt_error_t err = {0};
        int64_t seq = 0;
        bool found = false;
        if (pt_store_cursor_get(n->store, n->name, &seq, &found, &err) == PT_OK) {
            if (!found && !n->start_oldest) {
                int64_t now = pt_time_mono();
                /* A new instance: its place is the one being saved. */
                pthread_mutex_lock(&n->mu);
                n->cursor = n->start_seq;
                n->placed = true;
                pthread_mutex_unlock(&n->mu);
                if (asked_at < 0 || now - asked_at >= ask_every) {
                    if (asked_at >= 0)
                        ask_every = ask_every * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : ask_every * 2;
                    if (queue_cursor_write(n->store, n->name, n->start_seq, true) == PT_OK) {
                        asked_at = now;
                        look_in = FIRST_LOOK_MS;
                    }
                }
                int64_t wait = look_in;
                if (asked_at >= 0 && asked_at + ask_every - now < wait)
                    wait = asked_at + ask_every - now;
                if (wait < FIRST_LOOK_MS)
                    wait = FIRST_LOOK_MS;
                look_in = look_in * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : look_in * 2;
                if (sleep_unless_stop(n, wait, false))
                    return false;
                continue;
            }
            /* What an instance of this name stopped at just now may not
             * be committed yet (see stopped_note). */
            int64_t stopped_at = found ? stopped_cursor(n->name) : 0;
            int64_t kept = seq;
            if (stopped_at > seq)
                seq = stopped_at;
            /* flushed is what the store holds: a stopped place it has not
             * kept (its write still coming, or refused) is written again. */
            pthread_mutex_lock(&n->mu);
            n->cursor = seq;
            n->flushed = n->stored = kept;
            n->placed = true;
            pthread_mutex_unlock(&n->mu);
            n->fetched = seq;
            return true;
        }
        pt_warn("notifier %s: cannot read its cursor: %s (trying again in %" PRId64 " ms)", n->name,
                err.message, backoff);
        set_error(n, "reading the cursor: %s", err.message);
        pt_error_clear(&err);
        if (back_off(n, backoff))
            return false;
        backoff = backoff * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : backoff * 2;
    }
}

static void *worker_main(void *arg)
{
    pt_notifier_t *n = arg;
    char tname[16];
    snprintf(tname, sizeof(tname), "pt-n-%s", n->name);
    pthread_setname_np(pthread_self(), tname);

    if (!read_cursor(n))
        goto out;
    pt_info("notifier %s: started after event %" PRId64, n->name, n->fetched);
    int64_t backoff = BACKOFF_BASE_MS;
    for (;;) {
        pthread_mutex_lock(&n->mu);
        bool stop = n->stop;
        int64_t known = n->known_seq;
        pthread_mutex_unlock(&n->mu);
        if (stop)
            break;

        if (n->q_len > 0) {
            if (deliver_head(n))
                break;
            maybe_flush(n, false);
            continue;
        }
        if (!n->at_end || known > n->fetched) {
            if (fill(n) != PT_OK) {
                pt_warn("notifier %s: cannot read events after %" PRId64
                        " (trying again in %" PRId64 " ms)",
                        n->name, n->fetched, backoff);
                if (back_off(n, backoff))
                    break;
                backoff = backoff * 2 > BACKOFF_CAP_MS ? BACKOFF_CAP_MS : backoff * 2;
                continue;
            }
            backoff = BACKOFF_BASE_MS;
            maybe_flush(n, false);
            continue;
        }

        /* Idle: everything known is taken care of. Save the cursor (no
         * sooner than FLUSH_MS after the last write, so that a steady
         * trickle of events does not cost a commit each), then wait for a
         * wake or stop. */
        pthread_mutex_lock(&n->mu);
        bool dirty, drops_due = false;
        for (;;) {
            /* Looked at again after each wake: a refused write moves
             * flushed back and sets when to write again. */
            dirty = n->cursor > n->flushed;
            int64_t flush_at = n->last_flush_ms + FLUSH_MS;
            if (n->resave_at_ms > flush_at)
                flush_at = n->resave_at_ms;
            if (n->stop || n->known_seq > n->fetched)
                break;
            /* Drops counted and not logged yet are logged when their time
             * comes, also when no event follows them. */
            int64_t until = dirty ? flush_at : INT64_MAX;
            if (n->drops_unlogged && n->drop_logged_ms + DROP_LOG_MS < until)
                until = n->drop_logged_ms + DROP_LOG_MS;
            int64_t now = pt_time_mono();
            if (n->drops_unlogged && now >= n->drop_logged_ms + DROP_LOG_MS) {
                drops_due = true;
                break;
            }
            if (dirty && now >= flush_at)
                break;
            if (until == INT64_MAX)
                pthread_cond_wait(&n->cond, &n->mu);
            else
                wait_until(&n->cond, &n->mu, until);
        }
        pthread_mutex_unlock(&n->mu);
        if (drops_due)
            log_drops_since(n);
        if (dirty)
            maybe_flush(n, false);
    }

out:
    if (n->drops_unlogged)
        log_drops_since(n);
    queue_clear(n);
    pthread_mutex_lock(&n->mu);
    n->queued = 0;
    n->done = true;
    pthread_cond_broadcast(&n->exited);
    pthread_mutex_unlock(&n->mu);
    return NULL;
}

/* ---- The loop's side ----------------------------------------------- */

static void notifier_free(pt_notifier_t *n)
{
    pthread_mutex_destroy(&n->mu);
    pthread_cond_destroy(&n->cond);
    pthread_cond_destroy(&n->exited);
    free(n->name);
    free(n);
}

/* Thread: loop. Ownership: the notifier is the instance's (inst->notifier)
 * until pt_notifier_stop succeeds. */
int pt_notifier_start(pt_instance_t *inst, pt_error_t *err)
{
    if (inst->notifier)
        return pt_error_set(err, PT_ECONFLICT, "notifier %s is already running", inst->name);
    const ptrack_plugin_t *desc = inst->file->desc;
    if (!desc->notifier || !desc->notifier->deliver)
        return pt_error_set(err, PT_EVALIDATION,
                            "plugin %s has no notifier deliver() for instance %s", desc->name,
                            inst->name);
    pt_notifier_t *n = calloc(1, sizeof(*n));
    if (!n || !(n->name = strdup(inst->name))) {
        free(n);
        return pt_error_set(err, PT_ENOMEM, "out of memory starting notifier %s", inst->name);
    }
    n->inst = inst;
    n->store = pt_plugins_store(inst->host);
    n->known_seq = pt_store_last_seq(n->store);
    n->start_oldest = inst->start_oldest;
    n->start_seq = n->known_seq;
    /* A new instance's starting place is queued to the writer here, before
     * the load is answered and before any write that comes after it: the
     * writer commits in the order it is given, so no write queued after
     * this start can be durable while the starting place is not, and a
     * crash cannot make a restart start the instance later (after events
     * it should have had). For an instance with a cursor the write does
     * nothing. */
    n->first_asked_ms = -1;
    if (!n->start_oldest && queue_cursor_write(n->store, n->name, n->start_seq, true) == PT_OK)
        n->first_asked_ms = pt_time_mono();
    pthread_mutex_init(&n->mu, NULL);
    /* Both conditions time out on the monotonic clock, which a change of
     * the wall clock does not move. */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&n->cond, &ca);
    pthread_cond_init(&n->exited, &ca);
    pthread_condattr_destroy(&ca);

    /* The worker takes none of the signals ptrackd handles: they are the
     * loop's business (SIGTERM, SIGHUP), and a plugin's blocking call must
     * not see EINTR from them. It blocks no other: a fault in deliver()
     * (SIGSEGV) that came to a thread blocking it would end ptrackd at
     * once, without the line of plugin-crash.c naming the plugin. */
    int rc = pt_thread_start(&n->thread, worker_main, n);
    if (rc != 0) {
        notifier_free(n);
        return pt_error_set(err, PT_ENOMEM, "cannot start a thread for notifier %s: %s", inst->name,
                            strerror(rc));
    }
    inst->notifier = n;
    n->next_live = live;
    live = n;
    return PT_OK;
}

/* Asks the worker to stop (n->mu held), noting when it was first asked:
 * a refused stop says how long it waited. */
static void ask_stop_locked(pt_notifier_t *n)
{
    if (!n->stop)
        n->stop_asked_ms = pt_time_mono();
    n->stop = true;
    pthread_cond_broadcast(&n->cond);
}

/* Thread: loop. */
void pt_notifier_ask_stop(pt_instance_t *inst)
{
    pt_notifier_t *n = inst->notifier;
    if (!n)
        return;
    pthread_mutex_lock(&n->mu);
    ask_stop_locked(n);
    pthread_mutex_unlock(&n->mu);
}

/* Thread: loop. A worker inside deliver() has not looked at stop since it
 * was asked (it looks before each deliver() and right after it, under the
 * mutex held here), so taking the request back leaves it as if it had
 * never been made. A worker outside deliver() may already be on its way
 * out: it is left to go. */
bool pt_notifier_resume(pt_instance_t *inst)
{
    pt_notifier_t *n = inst->notifier;
    if (!n)
        return false;
    pthread_mutex_lock(&n->mu);
    bool resumed = n->stop && !n->done && n->deliver_since_ms != 0;
    if (resumed) {
        n->stop = false;
        n->stop_asked_ms = 0;
    }
    pthread_mutex_unlock(&n->mu);
    /* The caller says what this means for the instance (a refused unload,
     * a reload's change given up), in one line of its own. */
    return resumed;
}

/* Thread: loop. */
bool pt_notifier_in_deliver(const pt_instance_t *inst)
{
    pt_notifier_t *n = inst->notifier;
    if (!n)
        return false;
    pthread_mutex_lock(&n->mu);
    bool busy = n->deliver_since_ms != 0;
    pthread_mutex_unlock(&n->mu);
    return busy;
}

/* Thread: loop (or any one thread at a time: the caller's, and it blocks
 * for at most deadline_ms while deliver() runs). Ownership: on success the
 * notifier is freed and inst->notifier is NULL; on PT_ECONFLICT it stays
 * the instance's, and its worker stops by itself when deliver() returns. */
int pt_notifier_stop(pt_instance_t *inst, uint64_t deadline_ms, pt_error_t *err)
{
    pt_notifier_t *n = inst->notifier;
    if (!n)
        return PT_OK;
    int64_t deadline = pt_time_mono() + (int64_t)deadline_ms;
    pthread_mutex_lock(&n->mu);
    ask_stop_locked(n);
    /* A worker that is not inside deliver() is between two steps (a store
     * read, a queue update) and comes out soon whatever the deadline; only
     * a deliver() in progress is given a deadline, because only the
     * plugin's code can keep the worker from stopping. */
    while (!n->done) {
        if (n->deliver_since_ms != 0 && pt_time_mono() >= deadline)
            break;
        int64_t until = pt_time_mono() + 50;
        if (n->deliver_since_ms != 0 && deadline < until)
            until = deadline;
        wait_until(&n->exited, &n->mu, until);
    }
    if (!n->done) {
        /* How long deliver() has run, and how much of that the stop
         * waited for it (a DELETE waits over several calls here, from its
         * first: no deliver() starts once the stop is asked), to the
         * nearest second: a wait of 5 s that the loop's clock ended a
         * moment early is not "4 s". */
        int64_t now = pt_time_mono();
        int64_t secs = (now - n->deliver_since_ms + 500) / 1000;
        int64_t waited = (now - n->stop_asked_ms + 500) / 1000;
        /* The events delivered before the one deliver() is stuck on are
         * saved as the done worker's would be, while the store is known to
         * be open: left to the process's exit, they came again after the
         * restart (up to FLUSH_EVENTS of them), where the stop's log says
         * the stuck event alone is offered again. flushed moves first, as
         * in maybe_flush. */
        int64_t cursor = n->cursor, before = n->flushed;
        bool save = cursor > n->flushed;
        if (save)
            n->flushed = cursor;
        pthread_mutex_unlock(&n->mu);
        if (save && queue_cursor_write(n->store, n->name, cursor, false) != PT_OK) {
            pthread_mutex_lock(&n->mu);
            if (n->flushed == cursor)
                n->flushed = before;
            pthread_mutex_unlock(&n->mu);
        }
        /* Nothing is logged here: what happens next is the caller's to
         * decide (wait more, take the stop back, or leave the worker to
         * stop when deliver() returns), and the caller logs that, once. */
        return pt_error_set(err, PT_ECONFLICT,
                            "notifier %s has been in deliver() for %" PRId64
                            " s, of which the stop waited %" PRId64
                            " s for it to return; it was not stopped (its code stays loaded)",
                            n->name, secs, waited);
    }
    int64_t cursor = n->cursor, flushed = n->flushed;
    pthread_mutex_unlock(&n->mu);
    pthread_join(n->thread, NULL);
    /* The worker writes no cursor once stop is asked: the last one is
     * written here, while the store is known to be open. */
    if (cursor > flushed)
        queue_cursor_write(n->store, n->name, cursor, false);
    stopped_note(n->name, cursor);
    pt_info("notifier %s: stopped after event %" PRId64, n->name, cursor);
    inst->notifier = NULL;
    live_remove(n);
    notifier_free(n);
    return PT_OK;
}

/* Thread: loop. Only records the seq and signals: it never waits for the
 * worker beyond the mutex, which no one holds for long. */
void pt_notifier_wake(pt_instance_t *inst, int64_t last_seq)
{
    pt_notifier_t *n = inst->notifier;
    if (!n)
        return;
    pthread_mutex_lock(&n->mu);
    if (last_seq > n->known_seq) {
        n->known_seq = last_seq;
        pthread_cond_signal(&n->cond);
    }
    pthread_mutex_unlock(&n->mu);
}

bool pt_notifier_failing(const pt_instance_t *inst, int64_t *since, int64_t *behind)
{
    pt_notifier_t *n = inst->notifier;
    if (!n)
        return false;
    pthread_mutex_lock(&n->mu);
    *since = n->failing_at;
    *behind = n->placed && n->known_seq > n->cursor ? n->known_seq - n->cursor : 0;
    pthread_mutex_unlock(&n->mu);
    return *since != 0;
}

/* Thread: loop. Ownership: the caller frees the object. */
cJSON *pt_notifier_status(const pt_instance_t *inst)
{
    pt_notifier_t *n = inst->notifier;
    if (!n)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    pthread_mutex_lock(&n->mu);
    int64_t in_deliver = n->deliver_since_ms ? pt_time_mono() - n->deliver_since_ms : 0;
    /* Where an instance starts is known once its worker has read the
     * store (a cursor an earlier instance of its name left there, else
     * the newest event at its start): before, the cursor, what is saved
     * and what waits are not shown as 0 and every event, but as null. */
    if (n->placed) {
        cJSON_AddNumberToObject(o, "cursor", (double)n->cursor);
        cJSON_AddNumberToObject(o, "saved_cursor", (double)n->stored);
    } else {
        cJSON_AddNullToObject(o, "cursor");
        cJSON_AddNullToObject(o, "saved_cursor");
    }
    cJSON_AddNumberToObject(o, "queue", (double)n->queued);
    cJSON_AddNumberToObject(o, "delivered", (double)n->delivered);
    cJSON_AddNumberToObject(o, "failed", (double)n->failed);
    cJSON_AddNumberToObject(o, "retries", (double)n->retries);
    cJSON_AddBoolToObject(o, "retrying", n->retrying || n->backoff_ms > 0);
    /* The events committed after the cursor: what waits for it (those the
     * filter skips among them), for an alert on a notifier left behind. */
    if (n->placed)
        cJSON_AddNumberToObject(o, "behind",
                                (double)(n->known_seq > n->cursor ? n->known_seq - n->cursor : 0));
    else
        cJSON_AddNullToObject(o, "behind");
    cJSON_AddNumberToObject(o, "backoff_ms", (double)n->backoff_ms);
    char at[40];
    if (n->failing_at)
        cJSON_AddStringToObject(o, "failing_since", pt_time_format(n->failing_at, at, sizeof at));
    else
        cJSON_AddNullToObject(o, "failing_since");
    cJSON_AddNumberToObject(o, "in_deliver_ms", (double)in_deliver);
    cJSON_AddBoolToObject(o, "stopping", n->stop);
    if (n->last_error[0])
        cJSON_AddStringToObject(o, "last_error", n->last_error);
    else
        cJSON_AddNullToObject(o, "last_error");
    pthread_mutex_unlock(&n->mu);
    return o;
}

/*
 * store-checkpoint.c - the checkpointer: copies the WAL back into the
 * database on a thread of its own.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses the
 * threshold, on the writer's thread, and holds up every write queued behind
 * it. Here the writer's connection has automatic checkpoints turned off;
 * after each commit its WAL hook looks at the size of the WAL and, past
 * CKPT_FRAMES, wakes this thread, which runs a PASSIVE checkpoint on its
 * own connection. A passive checkpoint never blocks the writer or a reader;
 * once it has copied every frame, the writer starts the WAL over from its
 * beginning at its next transaction, so the WAL stays small.
 *
 * If the checkpointer ever falls far behind (the WAL has grown by
 * CKPT_FRAMES_MAX more frames since it was woken, and has not started
 * over), the writer checkpoints itself, as SQLite would have, so that the
 * WAL cannot grow without bound. One large transaction (an import of many
 * thousand proposals) is not falling behind: it wakes the checkpointer like
 * any other, and its answer does not wait for the copy. While an import
 * runs, the checkpointer is not woken (up to CKPT_FRAMES_IMPORT frames):
 * a partial import commits a batch at a time, and copying each back at
 * once would compete with the import for the machine; the import's end
 * wakes it.
 */
#include "store-sqlite.h"

#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "log.h"

#define CKPT_FRAMES 1000
#define CKPT_FRAMES_MAX 16000
#define CKPT_FRAMES_IMPORT 131072 /* 512 MiB of 4 KiB pages */

/* Thread: writer (SQLite calls it after each commit). */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    pt_store_t *s = arg;
    /* The WAL started over: it is smaller than when the checkpointer was
     * woken, or the checkpointer has copied all of it back since (the
     * next transaction then writes from the WAL's start, however large it
     * is). */
    unsigned completed = __atomic_load_n(&s->ckpt_completed, __ATOMIC_ACQUIRE);
    if (frames < s->ckpt_woken_at || completed != s->ckpt_completed_seen) {
        s->ckpt_woken_at = 0;
        s->ckpt_completed_seen = completed;
    }
    /* While an import runs, its batches are not copied back as they come:
     * the copy would take a core from the import's two threads. It is
     * made when the import ends (pt_store_checkpoint_wake), or once the
     * WAL passes CKPT_FRAMES_IMPORT. */
    if (__atomic_load_n(&s->importing, __ATOMIC_RELAXED) > 0 && frames < CKPT_FRAMES_IMPORT)
        return SQLITE_OK;
    if (s->ckpt_woken_at && frames - s->ckpt_woken_at >= CKPT_FRAMES_MAX) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        s->ckpt_woken_at = 0;
        return SQLITE_OK;
    }
    if (frames >= CKPT_FRAMES) {
        if (!s->ckpt_woken_at)
            s->ckpt_woken_at = frames;
        pthread_mutex_lock(&s->ckpt_mu);
        if (!s->ckpt_wanted) {
            s->ckpt_wanted = true;
            pthread_cond_signal(&s->ckpt_cond);
        }
        pthread_mutex_unlock(&s->ckpt_mu);
    }
    return SQLITE_OK;
}

/* A connection learns that the database is in WAL mode, and opens the WAL,
 * only when it first reads the database; until then a checkpoint on it
 * finds no WAL and does nothing, successfully (log and done -1). Reading the
 * schema version is the smallest read that opens it. Returns whether the
 * read went through. */
static bool open_wal(sqlite3 *db)
{
    return sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL) == SQLITE_OK;
}

static void *checkpointer_main(void *arg)
{
    pt_store_t *s = arg;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(s->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        pt_error("the checkpointer cannot open %s: %s; the writer will checkpoint", s->path,
                 sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 1000);
    bool wal = open_wal(db);
    for (;;) {
        pthread_mutex_lock(&s->ckpt_mu);
        while (!s->ckpt_wanted && !s->ckpt_stopping)
            pthread_cond_wait(&s->ckpt_cond, &s->ckpt_mu);
        bool stop = s->ckpt_stopping;
        s->ckpt_wanted = false;
        pthread_mutex_unlock(&s->ckpt_mu);
        if (stop)
            break;
        int log = -1, done = -1;
        if (!wal)
            wal = open_wal(db);
        int rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
            pt_warn("checkpoint failed: %s", sqlite3_errmsg(db));
        } else if (rc == SQLITE_OK && log < 0) {
            /* No WAL was open on this connection after all: read again
             * before the next one, which the writer's next commit asks
             * for. */
            pt_warn("checkpoint found no WAL to copy; it is opened again for the next one");
            wal = false;
        } else if (rc == SQLITE_OK && log > 0 && done == log) {
            __atomic_add_fetch(&s->ckpt_completed, 1, __ATOMIC_RELEASE);
        }
    }
    sqlite3_close(db);
    return NULL;
}

int pt_store_checkpointer_start(pt_store_t *s)
{
    pthread_mutex_init(&s->ckpt_mu, NULL);
    pthread_cond_init(&s->ckpt_cond, NULL);
    if (pthread_create(&s->ckpt_thread, NULL, checkpointer_main, s) != 0) {
        /* Without the thread, SQLite's own automatic checkpoint stays on. */
        pthread_mutex_destroy(&s->ckpt_mu);
        pthread_cond_destroy(&s->ckpt_cond);
        return -1;
    }
    s->ckpt_started = true;
    sqlite3_wal_autocheckpoint(s->wdb, 0);
    sqlite3_wal_hook(s->wdb, wal_hook, s);
    return 0;
}

void pt_store_wal_figures(const pt_store_t *s, uint64_t *checkpoints, uint64_t *wal_bytes)
{
    char wal[PATH_MAX];
    struct stat st;
    *checkpoints = __atomic_load_n(&s->ckpt_completed, __ATOMIC_ACQUIRE);
    *wal_bytes = (size_t)snprintf(wal, sizeof(wal), "%s-wal", s->path) < sizeof(wal) &&
                         stat(wal, &st) == 0
                     ? (uint64_t)st.st_size
                     : 0;
}

void pt_store_checkpoint_wake(pt_store_t *s)
{
    if (!s->ckpt_started)
        return;
    pthread_mutex_lock(&s->ckpt_mu);
    s->ckpt_wanted = true;
    pthread_cond_signal(&s->ckpt_cond);
    pthread_mutex_unlock(&s->ckpt_mu);
}

void pt_store_checkpointer_stop(pt_store_t *s)
{
    if (!s->ckpt_started)
        return;
    pthread_mutex_lock(&s->ckpt_mu);
    s->ckpt_stopping = true;
    pthread_cond_signal(&s->ckpt_cond);
    pthread_mutex_unlock(&s->ckpt_mu);
    pthread_join(s->ckpt_thread, NULL);
    pthread_mutex_destroy(&s->ckpt_mu);
    pthread_cond_destroy(&s->ckpt_cond);
    s->ckpt_started = false;
    /* The last checkpoint is the writer's: closing the connection folds the
     * WAL into the database. */
    sqlite3_wal_hook(s->wdb, NULL, NULL);
}

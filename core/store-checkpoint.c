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
 * once it has copied every frame, a transaction that begins before the
 * next frame is written starts the WAL over from its beginning, so the WAL
 * stays small.
 *
 * Under steady writes no copy ends so: the writer has begun its next
 * transaction while the checkpointer copies. So when the WAL has grown by
 * CKPT_FRAMES_MAX frames since the checkpointer was woken without starting
 * over (the checkpoint sequence number in the WAL's header tells), the
 * writer holds off the checkpointer's next copy and, once none is in
 * progress, copies the frames written since itself, right after a commit:
 * its next transaction starts the WAL over. One large transaction (an import of many
 * thousand proposals) is not falling behind: it wakes the checkpointer like
 * any other, and its answer does not wait for the copy. While an import
 * runs, the checkpointer is not woken (up to CKPT_FRAMES_IMPORT frames):
 * a partial import commits a batch at a time, and copying each back at
 * once would compete with the import for the machine; the import's end
 * wakes it.
 */
#include "store-sqlite.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "signals.h"

#define CKPT_FRAMES 1000
#define CKPT_FRAMES_AGAIN 4000
#define CKPT_FRAMES_MAX 16000
#define CKPT_FRAMES_IMPORT 131072 /* 512 MiB of 4 KiB pages */

/* The checkpoint sequence number in the WAL's header (big-endian, bytes 12
 * to 15), which SQLite raises each time the WAL starts over and writes to
 * the file with the first frame after; 0 when it cannot be read. Thread:
 * writer. */
static uint32_t wal_seq(pt_store_t *s)
{
    unsigned char h[16];
    if (s->ckpt_wal_fd < 0) {
        char wal[PATH_MAX];
        if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", s->path) >= sizeof(wal))
            return 0;
        s->ckpt_wal_fd = open(wal, O_RDONLY | O_CLOEXEC);
        if (s->ckpt_wal_fd < 0)
            return 0;
    }
    if (pread(s->ckpt_wal_fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
        return 0;
    return (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | (uint32_t)h[14] << 8 | h[15];
}

/* Holds off the checkpointer's copies for the writer's own, or lets them
 * go on again. A hold is taken only while no copy is in progress, and
 * given back as soon as the writer's copy ends. Returns whether a copy was
 * in progress (and nothing is held). Thread: writer. */
static bool hold(pt_store_t *s, bool on)
{
    pthread_mutex_lock(&s->ckpt_mu);
    bool running = on && s->ckpt_running;
    if (!running) {
        s->ckpt_held = on;
        if (!on)
            pthread_cond_broadcast(&s->ckpt_cond);
    }
    pthread_mutex_unlock(&s->ckpt_mu);
    return running;
}

/* Thread: writer (SQLite calls it after each commit). */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    pt_store_t *s = arg;
    /* The WAL started over since the checkpointer was woken: a
     * transaction that begins after a checkpoint copied every frame back,
     * while no reader uses the WAL, writes from the WAL's start, however
     * large it is. The checkpointer's own count cannot tell this: under
     * steady writes the next transaction has begun before the copy ends,
     * and the WAL grows on. */
    uint32_t seq = wal_seq(s);
    if (seq != s->ckpt_wal_seq || frames < s->ckpt_woken_at)
        s->ckpt_woken_at = 0;
    s->ckpt_wal_seq = seq;
    /* While an import runs, its batches are not copied back as they come:
     * the copy would take a core from the import's two threads. It is
     * made when the import ends (pt_store_checkpoint_wake), or once the
     * WAL passes CKPT_FRAMES_IMPORT. Nor does the writer copy it itself
     * when the import has ended: the count starts again from the WAL the
     * import left. */
    if (__atomic_load_n(&s->importing, __ATOMIC_RELAXED) > 0 && frames < CKPT_FRAMES_IMPORT) {
        s->ckpt_woken_at = 0;
        return SQLITE_OK;
    }
    if (s->ckpt_woken_at && frames - s->ckpt_woken_at >= CKPT_FRAMES_MAX) {
        /* The WAL starts over only if the transaction after a checkpoint
         * that copied every frame begins before anything else is written:
         * under steady writes the checkpointer's copies never end so. The
         * writer makes one: at the first commit that finds no copy in
         * progress (never waiting for one, which after a large import may
         * take seconds), it holds off the checkpointer and copies the
         * frames written since itself; its next transaction then starts
         * the WAL over (unless a reader still reads from it). */
        if (hold(s, true))
            return SQLITE_OK;
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        hold(s, false);
        s->ckpt_woken_at = 0;
        return SQLITE_OK;
    }
    /* Woken once the WAL passes CKPT_FRAMES, and again each
     * CKPT_FRAMES_AGAIN frames after: a copy has its own fsyncs, and one
     * per commit under steady writes took a quarter of the writes a second
     * from the writer (50 clients: 20,000 against 26,000-28,000). */
    if (frames >= CKPT_FRAMES &&
        (!s->ckpt_woken_at || frames - s->ckpt_woken_last >= CKPT_FRAMES_AGAIN)) {
        if (!s->ckpt_woken_at)
            s->ckpt_woken_at = frames;
        s->ckpt_woken_last = frames;
        pthread_mutex_lock(&s->ckpt_mu);
        if (!s->ckpt_wanted) {
            s->ckpt_wanted = true;
            pthread_cond_broadcast(&s->ckpt_cond);
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
    bool failing = false; /* the last checkpoint failed, which was logged */
    for (;;) {
        pthread_mutex_lock(&s->ckpt_mu);
        while ((!s->ckpt_wanted || s->ckpt_held) && !s->ckpt_stopping)
            pthread_cond_wait(&s->ckpt_cond, &s->ckpt_mu);
        bool stop = s->ckpt_stopping;
        s->ckpt_wanted = false;
        s->ckpt_running = !stop;
        pthread_mutex_unlock(&s->ckpt_mu);
        if (stop)
            break;
        int log = -1, done = -1;
        if (!wal)
            wal = open_wal(db);
        int rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
            /* Once until one succeeds: on a full disk each copy fails the
             * same way (the database cannot grow), and the WAL keeps
             * every committed write meanwhile. */
            if (!failing)
                pt_warn("checkpoint failed: %s; the WAL keeps every committed write until a "
                        "checkpoint succeeds",
                        pt_sqlite_disk_full(db) ? PT_DISK_FULL_TEXT : sqlite3_errmsg(db));
            failing = true;
        } else if (rc == SQLITE_OK && log < 0) {
            /* No WAL was open on this connection after all: read again
             * before the next one, which the writer's next commit asks
             * for. */
            pt_warn("checkpoint found no WAL to copy; it is opened again for the next one");
            wal = false;
        } else if (rc == SQLITE_OK && log > 0 && done == log) {
            __atomic_add_fetch(&s->ckpt_completed, 1, __ATOMIC_RELEASE);
        }
        if (rc == SQLITE_OK && failing) {
            pt_info("checkpoints succeed again");
            failing = false;
        }
        pthread_mutex_lock(&s->ckpt_mu);
        s->ckpt_running = false;
        pthread_cond_broadcast(&s->ckpt_cond);
        pthread_mutex_unlock(&s->ckpt_mu);
    }
    sqlite3_close(db);
    return NULL;
}

int pt_store_checkpointer_start(pt_store_t *s)
{
    pthread_mutex_init(&s->ckpt_mu, NULL);
    pthread_cond_init(&s->ckpt_cond, NULL);
    if (pt_thread_start(&s->ckpt_thread, checkpointer_main, s) != 0) {
        /* Without the thread, SQLite's own automatic checkpoint stays on. */
        pthread_mutex_destroy(&s->ckpt_mu);
        pthread_cond_destroy(&s->ckpt_cond);
        return -1;
    }
    s->ckpt_started = true;
    s->ckpt_wal_fd = -1;
    sqlite3_wal_autocheckpoint(s->wdb, 0);
    sqlite3_wal_hook(s->wdb, wal_hook, s);
    return 0;
}

void pt_store_wal_figures(const pt_store_t *s, uint64_t *checkpoints, uint64_t *wal_bytes)
{
    char wal[PATH_MAX];
    struct stat st;
    *checkpoints = __atomic_load_n(&s->ckpt_completed, __ATOMIC_ACQUIRE);
    *wal_bytes =
        (size_t)snprintf(wal, sizeof(wal), "%s-wal", s->path) < sizeof(wal) && stat(wal, &st) == 0
            ? (uint64_t)st.st_size
            : 0;
}

void pt_store_checkpoint_wake(pt_store_t *s)
{
    if (!s->ckpt_started)
        return;
    pthread_mutex_lock(&s->ckpt_mu);
    s->ckpt_wanted = true;
    pthread_cond_broadcast(&s->ckpt_cond);
    pthread_mutex_unlock(&s->ckpt_mu);
}

void pt_store_checkpointer_stop(pt_store_t *s)
{
    if (!s->ckpt_started)
        return;
    pthread_mutex_lock(&s->ckpt_mu);
    s->ckpt_stopping = true;
    pthread_cond_broadcast(&s->ckpt_cond);
    pthread_mutex_unlock(&s->ckpt_mu);
    pthread_join(s->ckpt_thread, NULL);
    pthread_mutex_destroy(&s->ckpt_mu);
    pthread_cond_destroy(&s->ckpt_cond);
    s->ckpt_started = false;
    /* The last checkpoint is the writer's: closing the connection folds the
     * WAL into the database. */
    sqlite3_wal_hook(s->wdb, NULL, NULL);
    if (s->ckpt_wal_fd >= 0)
        close(s->ckpt_wal_fd);
    s->ckpt_wal_fd = -1;
}

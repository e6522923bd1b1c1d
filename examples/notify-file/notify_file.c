/*
 * notify_file.c - an example ptrack notifier: appends every event it is
 * given to a file, one JSON object per line ("JSON Lines").
 *
 * It is written to be read and copied. It shows everything a notifier
 * needs and nothing more:
 *
 *   - the option table, which ptrackd checks each instance's `config`
 *     against before create() runs (so create() never sees a missing
 *     required option or a value of the wrong type);
 *   - create() that only reads options and allocates: it runs on ptrackd's
 *     loop thread, where nothing may block, so the file is opened later, on
 *     the instance's own worker thread, on the first deliver();
 *   - deliver() that does the work and answers with one of three codes:
 *     PTRACK_OK (done: ptrackd moves the instance's cursor past the event),
 *     PTRACK_RETRY (a passing failure: ptrackd offers the same event again
 *     after a back-off) or PTRACK_ERROR (drop this event);
 *   - all state in the struct create() returns, none in globals, so that
 *     several instances of this plugin (two files) run side by side;
 *   - one exported symbol, the entry point; everything else is static and
 *     the build hides the rest (-fvisibility=hidden).
 *
 * Options (in the instance's `config`):
 *   path   (string, required)  the file to append to; created 0640 if missing
 *   fsync  (bool, default false) fsync(2) after each line: slower, but a line
 *          is on disk before the event counts as delivered
 *
 * Thread: create() and destroy() run on the loop thread, deliver() on the
 * instance's worker, one event at a time, never at once with another call
 * of the same instance. So the state needs no lock.
 */
#define _POSIX_C_SOURCE 200809L /* open, writev, fsync, O_CLOEXEC in strict C11 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <ptrack/plugin.h>

/* One instance. */
typedef struct {
    const ptrack_host_t *host; /* valid until destroy() returns */
    ptrack_instance_t *inst;   /* ditto; passed back to host->log */
    const char *path;          /* borrowed from the host, valid until destroy() */
    int fsync_each;            /* the `fsync` option */
    int fd;                    /* -1 until the first deliver(), and after a write error */
} notify_file_t;

/* The options, checked by ptrackd before create(). The host fills in the
 * defaults, so opt_bool("fsync") always answers. The `events` filter
 * ("proposal.*", "proposal.overdue") is not declared here: ptrackd handles
 * it for every notifier and calls deliver() only with wanted events. */
static const ptrack_option_t notify_file_options[] = {
    {"path", PTRACK_OPT_STRING, 1, NULL, "the file to append one JSON line per event to"},
    {"fsync", PTRACK_OPT_BOOL, 0, "false", "fsync the file after each line"},
    PTRACK_OPTION_END,
};

/* Thread: loop. Must not block: no file is opened here. */
static int notify_file_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    notify_file_t *nf = calloc(1, sizeof(*nf));
    if (!nf) {
        host->log(inst, PTRACK_LOG_ERROR, "out of memory");
        return PTRACK_ERROR;
    }
    nf->host = host;
    nf->inst = inst;
    nf->fd = -1;
    /* The host has checked the options already; these calls cannot fail
     * for a required option or one with a default, but a plugin that
     * checks anyway gives a clear message if the table and the code ever
     * disagree. */
    if (host->opt_string(inst, "path", &nf->path) != PTRACK_OK || nf->path[0] == '\0') {
        host->log(inst, PTRACK_LOG_ERROR, "option \"path\" must name a file");
        free(nf);
        return PTRACK_ERROR;
    }
    if (host->opt_bool(inst, "fsync", &nf->fsync_each) != PTRACK_OK)
        nf->fsync_each = 0;
    *state = nf;
    return PTRACK_OK;
}

/* Thread: loop, after the worker has stopped: deliver() is not running. */
static void notify_file_destroy(void *state)
{
    notify_file_t *nf = state;
    if (nf->fd >= 0)
        close(nf->fd);
    free(nf);
}

/* Opens the file for appending. Thread: the worker, in deliver(). */
static int open_file(notify_file_t *nf)
{
    nf->fd = open(nf->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (nf->fd < 0) {
        /* The reason for the retry, which GET /v1/plugins shows as the
         * instance's last_error: set_error with no job, in deliver(),
         * before returning PTRACK_RETRY or PTRACK_ERROR. */
        nf->host->set_error(NULL, "cannot open %s: %s", nf->path, strerror(errno));
        return PTRACK_RETRY;
    }
    return PTRACK_OK;
}

/* Thread: the instance's worker. Ownership: ev and everything it points to
 * are borrowed for this call; copy what you keep. */
static int notify_file_deliver(void *state, const ptrack_event_t *ev)
{
    notify_file_t *nf = state;
    if (nf->fd < 0 && open_file(nf) != PTRACK_OK)
        return PTRACK_RETRY;

    /* The event's JSON and the newline go out in one writev(2): with
     * O_APPEND the line lands whole at the end of the file, even if
     * another process appends to it too. */
    struct iovec iov[2] = {
        {(void *)ev->json, ev->json_len},
        {(void *)"\n", 1},
    };
    size_t want = ev->json_len + 1;
    off_t before = lseek(nf->fd, 0, SEEK_END);
    ssize_t n = writev(nf->fd, iov, 2);
    if (n < 0 || (size_t)n != want) {
        int e = n < 0 ? errno : ENOSPC;
        /* A short write (a full disk) would leave half a line; cut it off
         * so that the retry writes the line whole. */
        if (n > 0 && before >= 0 && ftruncate(nf->fd, before) != 0)
            nf->host->log(nf->inst, PTRACK_LOG_WARN, "cannot cut a torn line off %s: %s", nf->path,
                          strerror(errno));
        nf->host->set_error(NULL, "cannot write to %s: %s", nf->path, strerror(e));
        /* Reopen on the next try: the file may have been moved or its disk
         * remounted. */
        close(nf->fd);
        nf->fd = -1;
        return PTRACK_RETRY;
    }
    if (nf->fsync_each && fsync(nf->fd) != 0) {
        nf->host->set_error(NULL, "cannot fsync %s: %s", nf->path, strerror(errno));
        /* The line may or may not be on disk; delivering it again is
         * allowed (at least once), losing it is not. */
        close(nf->fd);
        nf->fd = -1;
        return PTRACK_RETRY;
    }
    return PTRACK_OK;
}

static const ptrack_notifier_ops_t notify_file_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = notify_file_deliver,
};

static const ptrack_plugin_t notify_file_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "notify_file",
    .version = "1.0.0",
    .description = "appends every event as one JSON line to a file",
    .kinds = PTRACK_KIND_NOTIFIER,
    .options = notify_file_options,
    .create = notify_file_create,
    .destroy = notify_file_destroy,
    .notifier = &notify_file_ops,
};

/* The one exported symbol. ptrackd calls it once after dlopen() and keeps
 * the pointer while the plugin is loaded, so it returns a static object. */
PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &notify_file_plugin;
}

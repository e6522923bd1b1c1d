/*
 * notify_record.c - a fixture notifier that writes down what it is given.
 *
 * Each event becomes one line "<seq> <type>\n" appended to the file named
 * by the option `path`. The file is opened on the first deliver() (on the
 * instance's worker, never in create()), and each line is one write(2) with
 * O_APPEND, so that a kill -9 of the daemon loses no line already written:
 * the end-to-end tests compare the file with the events the daemon
 * committed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
    ptrack_instance_t *inst;
    const char *path; /* borrowed from the host until destroy() */
    int fd;           /* -1 until the first deliver() */
} record_t;

static int record_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    record_t *r = calloc(1, sizeof(*r));
    if (!r)
        return PTRACK_ENOMEM;
    r->host = host;
    r->inst = inst;
    r->fd = -1;
    if (host->opt_string(inst, "path", &r->path) != PTRACK_OK) {
        host->log(inst, PTRACK_LOG_ERROR, "option path is required");
        free(r);
        return PTRACK_ERROR;
    }
    *state = r;
    return PTRACK_OK;
}

static void record_destroy(void *state)
{
    record_t *r = state;
    if (r->fd >= 0)
        close(r->fd);
    free(r);
}

static int record_deliver(void *state, const ptrack_event_t *ev)
{
    record_t *r = state;
    if (r->fd < 0) {
        r->fd = open(r->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (r->fd < 0) {
            r->host->log(r->inst, PTRACK_LOG_WARN, "cannot open %s: %s", r->path, strerror(errno));
            return PTRACK_RETRY;
        }
    }
    char line[256];
    int n = snprintf(line, sizeof(line), "%lld %s\n", (long long)ev->seq, ev->type);
    if (n < 0 || (size_t)n >= sizeof(line))
        return PTRACK_ERROR;
    if (write(r->fd, line, (size_t)n) != n)
        return PTRACK_RETRY;
    return PTRACK_OK;
}

static const ptrack_option_t record_options[] = {
    {"path", PTRACK_OPT_STRING, 1, NULL, "the file to append \"<seq> <type>\" lines to"},
    PTRACK_OPTION_END,
};

static const ptrack_notifier_ops_t record_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = record_deliver,
};

static const ptrack_plugin_t record_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "notify_record",
    .version = "1.0",
    .description = "test fixture: appends each event's seq and type to a file",
    .kinds = PTRACK_KIND_NOTIFIER,
    .options = record_options,
    .create = record_create,
    .destroy = record_destroy,
    .notifier = &record_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &record_plugin;
}

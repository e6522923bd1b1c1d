/*
 * notify_flaky.c - a fixture notifier that fails before it succeeds, like a
 * gateway that is briefly down.
 *
 * deliver() returns PTRACK_RETRY on the first `fail` attempts of each event
 * (default 1), then PTRACK_OK. Every attempt is appended to the file named
 * by the option `path` as "<seq> <type> <attempt> retry|ok\n", so that a
 * test sees each event offered again after the back-off and in order.
 * A refused attempt says why with set_error(NULL, "the fixture refuses
 * attempt N of event SEQ"), which the host shows as the last error. With
 * the option `retry_in` (a duration) a refused attempt asks for that wait
 * instead of the host's back-off, so that a test of many refusals stays fast.
 * With the option `down` (a path), every attempt is refused too while that
 * file exists, as by a gateway that is down until the test brings it back:
 * a test reads what the failure shows for as long as it needs. With the
 * option `reason` (a string), a refusal gives that text to set_error
 * instead (a gateway's answer with its line breaks and escapes).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
    ptrack_instance_t *inst;
    const char *path;
    const char *down;   /* refuse while this file exists; NULL: no such file */
    const char *reason; /* set_error's text of a refusal; NULL: the fixture's own */
    int64_t fail;       /* attempts to refuse per event */
    int64_t retry_in;   /* the wait each refusal asks for; -1: the host's back-off */
    int fd;             /* -1 until the first deliver() */
    int64_t seq;        /* the event of the attempts counted */
    int64_t attempts;   /* attempts at it so far */
} flaky_t;

static int flaky_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    flaky_t *f = calloc(1, sizeof(*f));
    if (!f)
        return PTRACK_ENOMEM;
    f->host = host;
    f->inst = inst;
    f->fd = -1;
    f->retry_in = -1;
    if (host->opt_string(inst, "path", &f->path) != PTRACK_OK ||
        host->opt_int(inst, "fail", &f->fail) != PTRACK_OK) {
        host->log(inst, PTRACK_LOG_ERROR, "options path and fail are needed");
        free(f);
        return PTRACK_ERROR;
    }
    host->opt_duration(inst, "retry_in", &f->retry_in);
    if (host->opt_string(inst, "down", &f->down) != PTRACK_OK)
        f->down = NULL;
    if (host->opt_string(inst, "reason", &f->reason) != PTRACK_OK)
        f->reason = NULL;
    *state = f;
    return PTRACK_OK;
}

static void flaky_destroy(void *state)
{
    flaky_t *f = state;
    if (f->fd >= 0)
        close(f->fd);
    free(f);
}

static int flaky_deliver(void *state, const ptrack_event_t *ev)
{
    flaky_t *f = state;
    if (f->fd < 0) {
        f->fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (f->fd < 0) {
            f->host->log(f->inst, PTRACK_LOG_WARN, "cannot open %s: %s", f->path, strerror(errno));
            return PTRACK_RETRY;
        }
    }
    if (ev->seq != f->seq) {
        f->seq = ev->seq;
        f->attempts = 0;
    }
    f->attempts++;
    bool down = f->down && access(f->down, F_OK) == 0;
    int rc = f->attempts <= f->fail || down ? PTRACK_RETRY : PTRACK_OK;
    char line[256];
    int n = snprintf(line, sizeof(line), "%lld %s %lld %s\n", (long long)ev->seq, ev->type,
                     (long long)f->attempts, rc == PTRACK_OK ? "ok" : "retry");
    if (n < 0 || (size_t)n >= sizeof(line) || write(f->fd, line, (size_t)n) != n)
        return PTRACK_RETRY;
    if (rc == PTRACK_RETRY) {
        if (f->reason)
            f->host->set_error(NULL, "%s", f->reason);
        else
            f->host->set_error(NULL, "the fixture refuses attempt %lld of event %lld",
                               (long long)f->attempts, (long long)ev->seq);
        if (f->retry_in >= 0)
            f->host->retry_in(f->inst, f->retry_in);
    }
    return rc;
}

static const ptrack_option_t flaky_options[] = {
    {"path", PTRACK_OPT_STRING, 1, NULL, "the file to note each attempt in"},
    {"fail", PTRACK_OPT_INT, 0, "1", "how many attempts of each event to refuse"},
    {"retry_in", PTRACK_OPT_DURATION, 0, NULL,
     "the wait each refusal asks for with retry_in (default: the host's back-off)"},
    {"down", PTRACK_OPT_STRING, 0, NULL, "refuse every attempt while this file exists"},
    {"reason", PTRACK_OPT_STRING, 0, NULL, "the reason a refusal gives (default: the fixture's)"},
    PTRACK_OPTION_END,
};

static const ptrack_notifier_ops_t flaky_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = flaky_deliver,
};

static const ptrack_plugin_t flaky_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "notify_flaky",
    .version = "1.0",
    .description = "test fixture: refuses the first attempts of each event with PTRACK_RETRY",
    .kinds = PTRACK_KIND_NOTIFIER,
    .options = flaky_options,
    .create = flaky_create,
    .destroy = flaky_destroy,
    .notifier = &flaky_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &flaky_plugin;
}

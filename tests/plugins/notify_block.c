/*
 * notify_block.c - a fixture notifier whose deliver() never returns, like a
 * plugin stuck on a network write with no timeout.
 *
 * Before it blocks, it appends "<seq> blocked\n" to the file named by the
 * option `path` (when set), so that a test knows the worker is inside
 * deliver(). The tests check that such an instance slows neither the API
 * nor the other notifiers, and that unloading it is refused rather than
 * unmapping code that still runs.
 *
 * With the option `release`, deliver() returns PTRACK_OK as soon as a file
 * of that name exists (looked for every 50 ms): a test opens the gate when
 * it likes.
 *
 * With the option `block_on`, only an event whose JSON holds that text (a
 * proposal's title, say) blocks; the others are delivered at once, without
 * a note.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ptrack/plugin.h>

typedef struct {
    const char *path;    /* NULL: no file */
    const char *release; /* NULL: block forever */
    const char *on;      /* NULL: every event blocks */
} block_t;

static int block_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    block_t *b = calloc(1, sizeof(*b));
    if (!b)
        return PTRACK_ENOMEM;
    if (host->opt_string(inst, "path", &b->path) != PTRACK_OK)
        b->path = NULL;
    if (host->opt_string(inst, "release", &b->release) != PTRACK_OK)
        b->release = NULL;
    if (host->opt_string(inst, "block_on", &b->on) != PTRACK_OK)
        b->on = NULL;
    *state = b;
    return PTRACK_OK;
}

static void block_destroy(void *state)
{
    free(state);
}

static int block_deliver(void *state, const ptrack_event_t *ev)
{
    block_t *b = state;
    if (b->on && !strstr(ev->json, b->on))
        return PTRACK_OK;
    if (b->path) {
        int fd = open(b->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0) {
            char line[64];
            int n = snprintf(line, sizeof(line), "%lld blocked\n", (long long)ev->seq);
            if (n > 0 && write(fd, line, (size_t)n) != n)
                n = -1;
            close(fd);
        }
    }
    /* The worker's signals are blocked, so sleep in steps rather than wait
     * for one. */
    for (;;) {
        if (b->release && access(b->release, F_OK) == 0)
            return PTRACK_OK;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static const ptrack_option_t block_options[] = {
    {"path", PTRACK_OPT_STRING, 0, NULL, "a file to note each event that blocked in"},
    {"release", PTRACK_OPT_STRING, 0, NULL, "deliver() returns once this file exists"},
    {"block_on", PTRACK_OPT_STRING, 0, NULL, "only an event whose JSON holds this text blocks"},
    PTRACK_OPTION_END,
};

static const ptrack_notifier_ops_t block_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = block_deliver,
};

static const ptrack_plugin_t block_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "notify_block",
    .version = "1.0",
    .description = "test fixture: deliver() blocks forever, or until its release file exists",
    .kinds = PTRACK_KIND_NOTIFIER,
    .options = block_options,
    .create = block_create,
    .destroy = block_destroy,
    .notifier = &block_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &block_plugin;
}

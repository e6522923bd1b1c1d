/*
 * slow_create.c - a fixture notifier whose create() and destroy() block,
 * as a plugin that connects to its server there would: each sleeps for
 * its option `delay` (a duration, default 0). ptrackd runs both on its
 * loop, where every request waits for them, and must say so in its log.
 * With the option `until` (a path), create() instead waits until that
 * file exists (a minute at the most): a test holds the start there for as
 * long as it needs, however slow a loaded machine makes either side.
 * With PT_FIXTURE_LOAD_SLEEP_MS in the environment, its constructor
 * sleeps that long too, as a library that connects somewhere as it is
 * loaded would. With PT_FIXTURE_LOADS (a path) in the environment, its
 * constructor appends a line to that file: a test counts how many times
 * ptrackd loaded the file.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <ptrack/plugin.h>

static void pause_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

__attribute__((constructor)) static void slow_load(void)
{
    const char *ms = getenv("PT_FIXTURE_LOAD_SLEEP_MS");
    if (ms)
        pause_ms(atoll(ms));
    const char *loads = getenv("PT_FIXTURE_LOADS");
    FILE *f = loads ? fopen(loads, "a") : NULL;
    if (f) {
        fprintf(f, "loaded\n");
        fclose(f);
    }
}

static int slow_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    int64_t *delay = calloc(1, sizeof(*delay));
    if (!delay)
        return PTRACK_ENOMEM;
    host->opt_duration(inst, "delay", delay);
    const char *until = NULL;
    if (host->opt_string(inst, "until", &until) == PTRACK_OK && until && *until) {
        for (int i = 0; i < 6000 && access(until, F_OK) != 0; i++)
            pause_ms(10);
    } else {
        pause_ms(*delay);
    }
    *state = delay;
    return PTRACK_OK;
}

static void slow_destroy(void *state)
{
    pause_ms(*(int64_t *)state);
    free(state);
}

static int slow_deliver(void *state, const ptrack_event_t *ev)
{
    (void)state;
    (void)ev;
    return PTRACK_OK;
}

static const ptrack_option_t slow_options[] = {
    {"delay", PTRACK_OPT_DURATION, 0, "0ms", "how long create() and destroy() block"},
    {"until", PTRACK_OPT_STRING, 0, "", "create() waits until this file exists, in place of delay"},
    PTRACK_OPTION_END,
};

static const ptrack_notifier_ops_t slow_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = slow_deliver,
};

static const ptrack_plugin_t slow_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "slow_create",
    .version = "1.0",
    .description =
        "a fixture whose create() and destroy() block for `delay`, or until a file is made",
    .kinds = PTRACK_KIND_NOTIFIER,
    .options = slow_options,
    .create = slow_create,
    .destroy = slow_destroy,
    .notifier = &slow_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &slow_plugin;
}

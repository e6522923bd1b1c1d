/*
 * notify_crash.c - a fixture notifier with a bug: its deliver()
 * dereferences NULL, as a plugin that forgot a check would. ptrackd ends
 * with it (plugins run in its process), and its last words must name the
 * plugin, the instance and the call, as for an importer's crash: the
 * notifier's thread must not block the signal of the fault.
 */
#include <stddef.h>
#include <ptrack/plugin.h>

static int crash_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)host;
    (void)inst;
    *state = NULL;
    return PTRACK_OK;
}

static void crash_destroy(void *state)
{
    (void)state;
}

static int crash_deliver(void *state, const ptrack_event_t *ev)
{
    (void)ev;
    volatile int *none = state;
    return *none;
}

static const ptrack_notifier_ops_t crash_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = crash_deliver,
};

static const ptrack_plugin_t crash_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "notify_crash",
    .version = "1.0",
    .description = "test fixture: deliver() dereferences NULL",
    .kinds = PTRACK_KIND_NOTIFIER,
    .create = crash_create,
    .destroy = crash_destroy,
    .notifier = &crash_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &crash_plugin;
}

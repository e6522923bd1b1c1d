/*
 * bad_undefined.c - a fixture plugin that uses a function no library
 * defines (pt_fixture_nowhere), as a plugin that forgot to link its
 * office's SSO library does: dlopen(RTLD_NOW) refuses it with "undefined
 * symbol". The file itself is a good shared object.
 */
#include <ptrack/plugin.h>

extern int pt_fixture_nowhere(void);

static int create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)host;
    (void)inst;
    *state = NULL;
    return pt_fixture_nowhere();
}

static void destroy(void *state)
{
    (void)state;
}

static int deliver(void *state, const ptrack_event_t *ev)
{
    (void)state;
    (void)ev;
    return PTRACK_OK;
}

static const ptrack_notifier_ops_t ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = deliver,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "bad_undefined",
    .version = "1.0",
    .description = "uses a symbol no library defines (a test fixture)",
    .kinds = PTRACK_KIND_NOTIFIER,
    .create = create,
    .destroy = destroy,
    .notifier = &ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

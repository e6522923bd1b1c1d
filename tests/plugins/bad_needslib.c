/*
 * bad_needslib.c - a fixture plugin linked against a library,
 * libfixture_gone.so (tests/shims/gone.c), that the dynamic linker does
 * not find: it is built in a directory of its own, and this fixture has
 * no RUNPATH (tests/CMakeLists.txt), as a plugin is that was built where
 * its office's SSO library is installed and copied to a server where it
 * is not. dlopen refuses it with "libfixture_gone.so: cannot open shared
 * object file"; the file itself is a good shared object.
 */
#include <ptrack/plugin.h>

extern int pt_fixture_gone(void);

static int create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)host;
    (void)inst;
    *state = NULL;
    return pt_fixture_gone();
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
    .name = "bad_needslib",
    .version = "1.0",
    .description = "needs a library that is not installed (a test fixture)",
    .kinds = PTRACK_KIND_NOTIFIER,
    .create = create,
    .destroy = destroy,
    .notifier = &ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

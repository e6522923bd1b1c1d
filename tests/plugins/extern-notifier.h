/*
 * extern-notifier.h - the body of the fixture plugins that dlopen refuses
 * for a function of another library (bad_needslib, bad_undefined): a good
 * notifier whose create returns what EXTERN_FN, a function no file of the
 * fixture defines, returns; the file itself is a good shared object, so
 * that only the dynamic linker's search for EXTERN_FN can fail.
 *
 * The including file defines EXTERN_FN (the function), EXTERN_NAME (the
 * plugin's name) and EXTERN_WHAT (its description). Each fixture is a
 * shared object of its own, so the functions here are static.
 */
#ifndef PT_TEST_EXTERN_NOTIFIER_H
#define PT_TEST_EXTERN_NOTIFIER_H

#include <ptrack/plugin.h>

extern int EXTERN_FN(void);

static int create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)host;
    (void)inst;
    *state = NULL;
    return EXTERN_FN();
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
    .name = EXTERN_NAME,
    .version = "1.0",
    .description = EXTERN_WHAT,
    .kinds = PTRACK_KIND_NOTIFIER,
    .create = create,
    .destroy = destroy,
    .notifier = &ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

#endif

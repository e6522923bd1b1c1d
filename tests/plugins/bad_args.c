/*
 * bad_args.c - a fixture plugin the loader must refuse: it declares a query
 * parameter (ABI 1.1 args) with an empty name.
 * Apart from that it is a complete importer, so that the refusal can only
 * come from what the test is about.
 */
#include <stddef.h>
#include <ptrack/plugin.h>

static int bad_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)host;
    (void)inst;
    *state = NULL;
    return PTRACK_OK;
}

static void bad_destroy(void *state)
{
    (void)state;
}

static int bad_import(void *state, ptrack_job_t *job, const char *format)
{
    (void)state;
    (void)job;
    (void)format;
    return PTRACK_OK;
}

static const char *const bad_formats[] = {"fixture-bad_args", NULL};

static const char *const bad_args[] = {"sep", "", NULL};

static const ptrack_importer_ops_t bad_ops = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = bad_formats,
    .import = bad_import,
    .args = bad_args,
};

static const ptrack_plugin_t bad_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "bad_args",
    .version = "1.0",
    .description = "test fixture: declares a query parameter without a name.",
    .kinds = PTRACK_KIND_IMPORTER,
    .create = bad_create,
    .destroy = bad_destroy,
    .importer = &bad_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &bad_plugin;
}

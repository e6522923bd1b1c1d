/*
 * import_crash.c - a fixture importer with a bug: its import() reads the
 * upload and then dereferences NULL, as a plugin that forgot a check
 * would. ptrackd ends with it (plugins run in its process), and its last
 * words must name the plugin, the instance and the call.
 */
#include <stddef.h>
#include <stdlib.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
} crash_t;

static int crash_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)inst;
    crash_t *c = calloc(1, sizeof(*c));
    if (!c)
        return PTRACK_ENOMEM;
    c->host = host;
    *state = c;
    return PTRACK_OK;
}

static void crash_destroy(void *state)
{
    free(state);
}

static int crash_import(void *state, ptrack_job_t *job, const char *format)
{
    crash_t *c = state;
    (void)format;
    char buf[4096];
    while (c->host->job_read(job, buf, sizeof(buf)) > 0) {
    }
    volatile int *nowhere = NULL;
    *nowhere = 1;
    return PTRACK_OK;
}

static const char *const crash_formats[] = {"fixture-crash", NULL};
static const char *const crash_args[] = {NULL};

static const ptrack_importer_ops_t crash_ops = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = crash_formats,
    .import = crash_import,
    .args = crash_args,
};

static const ptrack_plugin_t crash_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "import_crash",
    .version = "1.0",
    .description = "a fixture importer that dereferences NULL",
    .kinds = PTRACK_KIND_IMPORTER,
    .create = crash_create,
    .destroy = crash_destroy,
    .importer = &crash_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &crash_plugin;
}

/*
 * import_crash.c - a fixture importer with a bug: its import() reads the
 * upload and then dereferences NULL, as a plugin that forgot a check
 * would; an upload that begins with "recurse" makes it recurse without
 * end instead, and one that begins with "exit" makes it call exit(3).
 * ptrackd ends with it (plugins run in its process), and its last words
 * must name the plugin, the instance and the call.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
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

/* Each level keeps a buffer the compiler cannot drop, and calls itself
 * where it cannot be made a loop. */
static int deeper(volatile char *above, int depth)
{
    volatile char here[1024];
    if (depth < 0) /* never: the stack ends long before */
        return 0;
    here[0] = above ? above[0] : (char)depth;
    here[sizeof(here) - 1] = (char)depth;
    return deeper(here, depth + 1) + here[0];
}

static int crash_import(void *state, ptrack_job_t *job, const char *format)
{
    crash_t *c = state;
    (void)format;
    char buf[4096], first[8] = "";
    ptrdiff_t n;
    while ((n = c->host->job_read(job, buf, sizeof(buf))) > 0)
        if (!first[0])
            memcpy(first, buf, n < 7 ? (size_t)n : 7);
    if (strncmp(first, "recurse", 7) == 0)
        return deeper(NULL, 0);
    if (strncmp(first, "exit", 4) == 0)
        exit(3);
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

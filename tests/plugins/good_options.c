/*
 * good_options.c - a fixture importer with one option of every type, for
 * the loader's option checks: a required string, and an int, a bool, a
 * duration and a string list with defaults. Its import() reads the upload
 * to its end and emits nothing: the tests of this fixture are about
 * loading, not importing.
 */
#include <stdlib.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
    ptrack_instance_t *inst;
} options_t;

static int options_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    const char *url;
    int64_t retries, timeout;
    int verbose;
    size_t ntags;
    /* Every option must be readable with its own getter: a default that the
     * host failed to fill in would show up here as a failed create(). */
    if (host->opt_string(inst, "url", &url) != PTRACK_OK ||
        host->opt_int(inst, "retries", &retries) != PTRACK_OK ||
        host->opt_bool(inst, "verbose", &verbose) != PTRACK_OK ||
        host->opt_duration(inst, "timeout", &timeout) != PTRACK_OK ||
        host->opt_strings_count(inst, "tags", &ntags) != PTRACK_OK) {
        host->log(inst, PTRACK_LOG_ERROR, "an option is not readable");
        return PTRACK_ERROR;
    }
    options_t *o = calloc(1, sizeof(*o));
    if (!o)
        return PTRACK_ENOMEM;
    o->host = host;
    o->inst = inst;
    *state = o;
    return PTRACK_OK;
}

static void options_destroy(void *state)
{
    free(state);
}

static int options_import(void *state, ptrack_job_t *job, const char *format)
{
    options_t *o = state;
    char buf[4096];
    ptrdiff_t n;
    (void)format;
    while ((n = o->host->job_read(job, buf, sizeof(buf))) > 0)
        ;
    return n == 0 ? PTRACK_OK : (int)n;
}

static const ptrack_option_t options_table[] = {
    {"url", PTRACK_OPT_STRING, 1, NULL, "where to send things"},
    {"retries", PTRACK_OPT_INT, 0, "3", "how often to try"},
    {"verbose", PTRACK_OPT_BOOL, 0, "false", "log more"},
    {"timeout", PTRACK_OPT_DURATION, 0, "10s", "how long to wait"},
    {"tags", PTRACK_OPT_STRINGS, 0, "a,b", "labels"},
    PTRACK_OPTION_END,
};

static const char *const options_formats[] = {"fixture-options", NULL};

static const ptrack_importer_ops_t options_ops = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = options_formats,
    .import = options_import,
};

static const ptrack_plugin_t options_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "good_options",
    .version = "1.0",
    .description = "test fixture: an importer with an option of every type",
    .kinds = PTRACK_KIND_IMPORTER,
    .options = options_table,
    .create = options_create,
    .destroy = options_destroy,
    .importer = &options_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &options_plugin;
}

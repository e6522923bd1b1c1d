/*
 * bad_text.c - a fixture exporter whose descriptor's text is not fit to
 * show: a name with a byte of GBK and a newline, a version with a byte
 * that is not UTF-8, a description with an escape sequence, and an
 * option's help with invalid UTF-8 and a newline. The loader must keep a
 * copy of the name, version and description with each invalid byte
 * written '?' and each control character a space, and GET /v1/plugins
 * must answer valid UTF-8.
 */
#include <stddef.h>
#include <ptrack/plugin.h>

static int text_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)host;
    (void)inst;
    *state = NULL;
    return PTRACK_OK;
}

static void text_destroy(void *state)
{
    (void)state;
}

static int text_export(void *state, ptrack_job_t *job, const char *format)
{
    (void)state;
    (void)job;
    (void)format;
    return PTRACK_ERROR;
}

static const char *const text_formats[] = {"badtext", NULL};

static const ptrack_option_t text_options[] = {
    {"sep", PTRACK_OPT_STRING, 0, ",", "\xff\xfe the separator\nof fields"},
    PTRACK_OPTION_END,
};

static const ptrack_exporter_ops_t text_ops = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = text_formats,
    .export = text_export,
};

static const ptrack_plugin_t text_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "oa\xff\n报表",
    .version = "1.0\xff",
    .description = "\x1b[31mred\x1b[0m",
    .kinds = PTRACK_KIND_EXPORTER,
    .options = text_options,
    .create = text_create,
    .destroy = text_destroy,
    .exporter = &text_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &text_plugin;
}

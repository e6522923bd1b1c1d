/*
 * export_jsonl.c - a fixture exporter: each proposal as one line of JSON,
 * in the order the host gives them (what import_jsonl reads back). Built
 * as an ABI 1.0 plugin, so every query parameter reaches it: `filename`
 * names the download (default proposals.jsonl).
 */
#include <stdlib.h>
#include <ptrack/plugin.h>

#include "host-state.h"

static int export(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const ptrack_host_t *h = ((state_t *)state)->host;
    const char *name = h->job_arg(job, "filename");
    int rc = h->export_begin(job, "application/x-ndjson; charset=utf-8",
                             name ? name : "proposals.jsonl");
    const ptrack_record_t *rec;
    while (rc == PTRACK_OK && (rc = h->export_next(job, &rec)) == 1) {
        size_t len;
        const char *json = h->rec_json(rec, "", &len);
        if (!json)
            return PTRACK_ERROR;
        rc = h->job_write(job, json, len);
        if (rc == PTRACK_OK)
            rc = h->job_write(job, "\n", 1);
    }
    return rc;
}

static const char *const formats[] = {"jsonl", NULL};

/* Built as a plugin of ABI 1.0 would be: its ops end before `args` (1.1)
 * and it says minor 0, so the host takes it as one that declares no query
 * parameters and lets every parameter through, as 1.0 did. */
static const ptrack_exporter_ops_t exporter = {
    .struct_size = offsetof(ptrack_exporter_ops_t, args),
    .formats = formats,
    .export = export,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = 0,
    .name = "export_jsonl",
    .version = "1.0",
    .description = "exports proposals as JSON lines (a test fixture)",
    .kinds = PTRACK_KIND_EXPORTER,
    .create = create,
    .destroy = destroy,
    .exporter = &exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

/*
 * import_unordered.c - a fixture importer (format "unordered") that gives
 * its records out of the file's order, as an importer that reads a block
 * whole and then gives its parts might: after reading the upload, whatever
 * it holds, it emits and rejects a fixed list of records whose `where`
 * names lines in no order (and two that name none), among them a record
 * that fails validation, one that repeats another's number and some it
 * rejects itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ptrack/plugin.h>

#include "host-state.h"

/* A record of the JSON json at where. */
static int emit(const ptrack_host_t *h, ptrack_job_t *job, const char *json, const char *where)
{
    ptrack_record_t *rec = h->rec_new();
    if (!rec)
        return PTRACK_ENOMEM;
    if (h->rec_set_json(rec, "", json) != PTRACK_OK) {
        h->rec_free(rec);
        return PTRACK_ERROR;
    }
    return h->import_emit(job, rec, where);
}

static int import(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const ptrack_host_t *h = ((state_t *)state)->host;
    char buf[4096];
    ptrdiff_t got;
    while ((got = h->job_read(job, buf, sizeof(buf))) > 0)
        ;
    if (got < 0)
        return (int)got;
    int rc = emit(h, job, "{\"title\": \"关于甲的建议\", \"session\": \"S\", \"number\": \"D1\"}",
                  "line 20");
    if (rc == PTRACK_OK)
        rc = h->import_reject(job, "line 9", "a block the importer could not read");
    if (rc == PTRACK_OK)
        rc = emit(h, job, "{\"session\": \"S\"}", "line 3");
    if (rc == PTRACK_OK)
        rc = h->import_reject(job, "第 2 篇", "an article with no line");
    if (rc == PTRACK_OK)
        rc = emit(h, job, "{\"title\": \"关于乙的建议\", \"session\": \"S\", \"number\": \"D1\"}",
                  "line 4");
    if (rc == PTRACK_OK)
        rc = h->import_reject(job, "lines 5-6", "a block cut in two");
    if (rc == PTRACK_OK)
        rc = emit(h, job, "{\"title\": \"\"}", "record 7 (line 12)");
    if (rc == PTRACK_OK)
        rc = emit(h, job, "{\"title\": \"关于丙的建议\"}", "line 1");
    if (rc == PTRACK_OK)
        rc = emit(h, job, "{\"session\": \"S\"}", "");
    return rc;
}

static const char *const formats[] = {"unordered", NULL};
static const char *const args[] = {NULL};

static const ptrack_importer_ops_t importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = formats,
    .import = import,
    .args = args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "import_unordered",
    .version = "1.0",
    .description = "a fixture importer: records given out of the file's order",
    .kinds = PTRACK_KIND_IMPORTER,
    .create = create,
    .destroy = destroy,
    .importer = &importer,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

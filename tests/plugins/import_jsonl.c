/*
 * import_jsonl.c - a fixture importer: one proposal per line, as JSON (what
 * export_jsonl writes). Each line goes to the host with import_emit and its
 * line number as its position; a line that is not a JSON object is
 * reported with import_reject ("line N: not a JSON object"). Empty lines
 * are skipped. Built as an ABI 1.0 plugin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ptrack/plugin.h>

#include "host-state.h"

/* Hands one complete line to the host. */
static int line_done(const ptrack_host_t *h, ptrack_job_t *job, char *line, size_t len, long no)
{
    while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
        len--;
    if (len == 0)
        return PTRACK_OK;
    line[len] = '\0';
    char where[32];
    snprintf(where, sizeof(where), "line %ld", no);
    ptrack_record_t *rec = h->rec_new();
    if (!rec)
        return PTRACK_ENOMEM;
    if (h->rec_set_json(rec, "", line) != PTRACK_OK) {
        h->rec_free(rec);
        char reason[64];
        snprintf(reason, sizeof(reason), "line %ld: not a JSON object", no);
        return h->import_reject(job, where, reason);
    }
    return h->import_emit(job, rec, where);
}

static int import(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const ptrack_host_t *h = ((state_t *)state)->host;
    size_t cap = 64 * 1024, len = 0;
    char *line = malloc(cap + 1);
    char buf[64 * 1024];
    long no = 1;
    int rc = PTRACK_OK;
    if (!line)
        return PTRACK_ENOMEM;
    for (;;) {
        ptrdiff_t n = h->job_read(job, buf, sizeof(buf));
        if (n < 0) {
            rc = (int)n;
            break;
        }
        if (n == 0) {
            rc = line_done(h, job, line, len, no);
            break;
        }
        for (ptrdiff_t i = 0; i < n && rc == PTRACK_OK; i++) {
            if (buf[i] == '\n') {
                rc = line_done(h, job, line, len, no++);
                len = 0;
                continue;
            }
            if (len == cap) {
                char *grown = realloc(line, cap * 2 + 1);
                if (!grown) {
                    rc = PTRACK_ENOMEM;
                    break;
                }
                line = grown;
                cap *= 2;
            }
            line[len++] = buf[i];
        }
        if (rc != PTRACK_OK)
            break;
    }
    free(line);
    return rc;
}

static const char *const formats[] = {"jsonl", NULL};

/* Built as a plugin of ABI 1.0 would be: its ops end before `args` (1.1)
 * and it says minor 0, so the host takes it as one that declares no query
 * parameters and lets every parameter through, as 1.0 did. */
static const ptrack_importer_ops_t importer = {
    .struct_size = offsetof(ptrack_importer_ops_t, args),
    .formats = formats,
    .import = import,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = 0,
    .name = "import_jsonl",
    .version = "1.0",
    .description = "imports proposals from JSON lines (a test fixture)",
    .kinds = PTRACK_KIND_IMPORTER,
    .create = create,
    .destroy = destroy,
    .importer = &importer,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

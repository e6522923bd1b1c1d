/*
 * export_json.c - the built-in exporter of JSON files: "json" (one array of
 * the full proposals, each as GET /v1/proposals/{id} returns it to the
 * office, without the unit_part a unit's view adds, which is computed and
 * not stored) and "jsonl" (the same objects, one per line).
 *
 * The output is streamed: each proposal is written as the host hands it
 * over, so an export of any size takes one proposal's text and one output
 * buffer of memory. The records come from the host already encoded by the
 * API's own encoder (rec_json(rec, "")), so the file holds every field the
 * API shows, in the API's order, and import_json reads it back.
 *
 * The json layout is "[" + the proposals joined by ",\n" + "]\n": valid
 * JSON that still has one proposal per line, which keeps diffs and grep
 * useful on exported files.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <ptrack/plugin.h>

#include "plugin-state.h"

/* Output is gathered into blocks of this size before job_write, which
 * takes a lock and wakes the loop on each call. */
#define OUT_BLOCK (64 * 1024)

typedef struct {
    const ptrack_host_t *h;
    ptrack_job_t *job;
    char *buf;
    size_t len;
} out_t;

static int out_flush(out_t *o)
{
    if (o->len == 0)
        return PTRACK_OK;
    int rc = o->h->job_write(o->job, o->buf, o->len);
    o->len = 0;
    return rc;
}

static int out_add(out_t *o, const char *p, size_t n)
{
    if (o->len + n > OUT_BLOCK) {
        int rc = out_flush(o);
        if (rc != PTRACK_OK)
            return rc;
        /* A proposal larger than a block goes out as it is. */
        if (n > OUT_BLOCK)
            return o->h->job_write(o->job, p, n);
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    return PTRACK_OK;
}

static int json_export(void *state, ptrack_job_t *job, const char *format)
{
    const ptrack_host_t *h = ((const pt_plugin_state_t *)state)->host;
    bool lines = strcmp(format, "jsonl") == 0;
    int rc = lines ? h->export_begin(job, "application/x-ndjson", "proposals.jsonl")
                   : h->export_begin(job, "application/json; charset=utf-8", "proposals.json");
    if (rc != PTRACK_OK)
        return rc;
    out_t o = {.h = h, .job = job, .buf = malloc(OUT_BLOCK)};
    if (!o.buf) {
        h->set_error(job, "out of memory");
        return PTRACK_ENOMEM;
    }
    if (!lines)
        rc = out_add(&o, "[", 1);
    const ptrack_record_t *rec;
    long n = 0;
    int next = 0;
    while (rc == PTRACK_OK && (next = h->export_next(job, &rec)) == 1) {
        size_t len;
        const char *text = h->rec_json(rec, "", &len);
        if (!text) {
            h->set_error(job, "proposal %s could not be written as JSON (out of memory)",
                         h->rec_get(rec, "id") ? h->rec_get(rec, "id") : "?");
            rc = PTRACK_ERROR;
            break;
        }
        if (!lines && n > 0)
            rc = out_add(&o, ",\n", 2);
        if (rc == PTRACK_OK)
            rc = out_add(&o, text, len);
        if (rc == PTRACK_OK && lines)
            rc = out_add(&o, "\n", 1);
        n++;
    }
    /* export_next returns 0 at the end; anything else is a failure that the
     * host turns into a cut-off response. */
    if (rc == PTRACK_OK && next < 0)
        rc = next;
    if (rc == PTRACK_OK && !lines)
        rc = out_add(&o, "]\n", 2);
    if (rc == PTRACK_OK)
        rc = out_flush(&o);
    free(o.buf);
    return rc;
}

static const char *const formats[] = {"json", "jsonl", NULL};

/* No query parameter besides the list filters. */
static const char *const args[] = {NULL};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = formats,
    .export = json_export,
    .args = args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "export_json",
    .version = "1.0",
    .description = "exports proposals as a JSON array or as JSON lines, as the API shows them",
    .kinds = PTRACK_KIND_EXPORTER,
    .options = NULL,
    .create = pt_plugin_state_create,
    .destroy = pt_plugin_state_destroy,
    .exporter = &exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

/*
 * good_lines.c - a fixture importer and exporter of the format
 * "fixture-lines": one proposal title per line. Small enough to read at a
 * glance, it serves the tests that look a plugin up by format and list its
 * kinds and formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ptrack/plugin.h>

/* good_nodelete.c builds this file under another name and format. */
#ifndef LINES_NAME
#define LINES_NAME "good_lines"
#define LINES_FORMAT "fixture-lines"
#endif

typedef struct {
    const ptrack_host_t *host;
} lines_t;

static int lines_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)inst;
    lines_t *l = calloc(1, sizeof(*l));
    if (!l)
        return PTRACK_ENOMEM;
    l->host = host;
    *state = l;
    return PTRACK_OK;
}

static void lines_destroy(void *state)
{
    free(state);
}

/* Emits the line in line[0..len) as a record {title}, or rejects it when
 * it is empty. */
static int emit_line(const ptrack_host_t *h, ptrack_job_t *job, const char *line, size_t len,
                     unsigned no)
{
    char where[32];
    snprintf(where, sizeof(where), "line %u", no);
    if (len == 0)
        return h->import_reject(job, where, "an empty line has no title");
    char *title = malloc(len + 1);
    ptrack_record_t *rec = h->rec_new();
    if (!title || !rec) {
        free(title);
        h->rec_free(rec);
        return PTRACK_ENOMEM;
    }
    memcpy(title, line, len);
    title[len] = '\0';
    int rc = h->rec_set(rec, "title", title);
    free(title);
    if (rc != PTRACK_OK) {
        h->rec_free(rec);
        return rc;
    }
    return h->import_emit(job, rec, where);
}

static int lines_import(void *state, ptrack_job_t *job, const char *format)
{
    const ptrack_host_t *h = ((lines_t *)state)->host;
    char buf[4096], line[1024];
    size_t len = 0;
    unsigned no = 1;
    ptrdiff_t n;
    (void)format;
    while ((n = h->job_read(job, buf, sizeof(buf))) > 0) {
        for (ptrdiff_t i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                int rc = emit_line(h, job, line, len, no++);
                if (rc != PTRACK_OK)
                    return rc;
                len = 0;
            } else if (len < sizeof(line)) {
                line[len++] = buf[i];
            }
        }
    }
    if (n < 0)
        return (int)n;
    return len ? emit_line(h, job, line, len, no) : PTRACK_OK;
}

static int lines_export(void *state, ptrack_job_t *job, const char *format)
{
    const ptrack_host_t *h = ((lines_t *)state)->host;
    const ptrack_record_t *rec;
    int rc;
    (void)format;
    if ((rc = h->export_begin(job, "text/plain; charset=utf-8", "proposals.txt")) != PTRACK_OK)
        return rc;
    while ((rc = h->export_next(job, &rec)) == 1) {
        const char *title = h->rec_get(rec, "title");
        if (!title)
            title = "";
        if ((rc = h->job_write(job, title, strlen(title))) != PTRACK_OK ||
            (rc = h->job_write(job, "\n", 1)) != PTRACK_OK)
            return rc;
    }
    return rc;
}

static const char *const lines_formats[] = {LINES_FORMAT, NULL};

/* The importer reads no query parameter and says so (ABI 1.1); the
 * exporter leaves args NULL, undeclared. */
static const char *const lines_args[] = {NULL};

static const ptrack_importer_ops_t lines_importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = lines_formats,
    .import = lines_import,
    .args = lines_args,
};

static const ptrack_exporter_ops_t lines_exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = lines_formats,
    .export = lines_export,
};

static const ptrack_plugin_t lines_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = LINES_NAME,
    .version = "0.3",
    .description = "test fixture: one title per line, in and out",
    .kinds = PTRACK_KIND_IMPORTER | PTRACK_KIND_EXPORTER,
    .options = NULL,
    .create = lines_create,
    .destroy = lines_destroy,
    .importer = &lines_importer,
    .exporter = &lines_exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &lines_plugin;
}

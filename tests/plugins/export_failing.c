/*
 * export_failing.c - a fixture exporter that fails midway: it writes the
 * first `after` proposals (option, default 3) as JSON lines, then returns
 * an error. The client must see a failed transfer, never a shorter file
 * that looks complete.
 */
#include <stdint.h>
#include <stdlib.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
    int64_t after;
} state_t;

static const ptrack_option_t options[] = {
    {"after", PTRACK_OPT_INT, 0, "3", "how many proposals to write before failing"},
    PTRACK_OPTION_END,
};

static int create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    state_t *s = calloc(1, sizeof(*s));
    if (!s)
        return PTRACK_ENOMEM;
    s->host = host;
    if (host->opt_int(inst, "after", &s->after) != PTRACK_OK)
        s->after = 3;
    *state = s;
    return PTRACK_OK;
}

static void destroy(void *state)
{
    free(state);
}

static int export(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    state_t *s = state;
    const ptrack_host_t *h = s->host;
    h->export_begin(job, "application/x-ndjson; charset=utf-8", "broken.jsonl");
    const ptrack_record_t *rec;
    int64_t n = 0;
    int rc;
    while ((rc = h->export_next(job, &rec)) == 1) {
        if (n++ == s->after) {
            h->set_error(job, "the disk of the fixture filled up after %lld proposals",
                         (long long)s->after);
            return PTRACK_ERROR;
        }
        size_t len;
        const char *json = h->rec_json(rec, "", &len);
        if ((rc = h->job_write(job, json, len)) != PTRACK_OK ||
            (rc = h->job_write(job, "\n", 1)) != PTRACK_OK)
            return rc;
    }
    if (rc == 0) {
        h->set_error(job, "fewer than %lld proposals to fail after", (long long)s->after);
        return PTRACK_ERROR;
    }
    return rc;
}

static const char *const formats[] = {"failing", NULL};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = formats,
    .export = export,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "export_failing",
    .version = "1.0",
    .description = "fails after writing some proposals (a test fixture)",
    .kinds = PTRACK_KIND_EXPORTER,
    .options = options,
    .create = create,
    .destroy = destroy,
    .exporter = &exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

/*
 * export_slow.c - a fixture exporter that takes its time: each proposal
 * as one line of JSON, as export_jsonl writes it, with a wait of `pause`
 * ms (option, default 200) after each, so that a test can act while the
 * transfer runs. It stops as soon as a job_write is refused (a cancelled
 * job), returning what job_write returned. With the query parameter
 * `bytes` it writes that many bytes of filler instead, in lines of 64, at
 * once, logs "<bytes> bytes written" and returns (it declares no
 * arguments, so the host lets these through). With `sloppy=true` it reads
 * with export_next until that returns anything but 1, as a careless
 * exporter does, and returns PTRACK_OK whatever it returned.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
    ptrack_instance_t *inst;
    int64_t pause_ms;
} state_t;

static const ptrack_option_t options[] = {
    {"pause", PTRACK_OPT_INT, 0, "200", "ms to wait after each proposal written"},
    PTRACK_OPTION_END,
};

static int create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    state_t *s = calloc(1, sizeof(*s));
    if (!s)
        return PTRACK_ENOMEM;
    s->host = host;
    s->inst = inst;
    s->pause_ms = 200;
    host->opt_int(inst, "pause", &s->pause_ms);
    if (s->pause_ms < 0)
        s->pause_ms = 0;
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
    const state_t *s = state;
    const ptrack_host_t *h = s->host;
    int rc = h->export_begin(job, "application/x-ndjson; charset=utf-8", "slow.jsonl");
    const char *bytes = h->job_arg(job, "bytes");
    if (bytes && rc == PTRACK_OK) {
        static const char line[] =
            "filler filler filler filler filler filler filler filler filler!\n";
        long long n = atoll(bytes);
        for (long long left = n; left > 0 && rc == PTRACK_OK; left -= 64)
            rc = h->job_write(job, line, left < 64 ? (size_t)left : 64);
        if (rc == PTRACK_OK)
            h->log(s->inst, PTRACK_LOG_INFO, "%lld bytes written", n);
        return rc;
    }
    const char *sloppy = h->job_arg(job, "sloppy");
    const ptrack_record_t *rec;
    if (sloppy && strcmp(sloppy, "true") == 0) {
        while (rc == PTRACK_OK && h->export_next(job, &rec) == 1) {
            size_t len;
            const char *json = h->rec_json(rec, "", &len);
            rc = json ? h->job_write(job, json, len) : PTRACK_ERROR;
            if (rc == PTRACK_OK)
                rc = h->job_write(job, "\n", 1);
        }
        return rc;
    }
    while (rc == PTRACK_OK && (rc = h->export_next(job, &rec)) == 1) {
        size_t len;
        const char *json = h->rec_json(rec, "", &len);
        if (!json)
            return PTRACK_ERROR;
        rc = h->job_write(job, json, len);
        if (rc == PTRACK_OK)
            rc = h->job_write(job, "\n", 1);
        struct timespec ts = {(time_t)(s->pause_ms / 1000), (long)(s->pause_ms % 1000) * 1000000};
        if (rc == PTRACK_OK)
            nanosleep(&ts, NULL);
    }
    return rc;
}

static const char *const formats[] = {"slow", NULL};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = formats,
    .export = export,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "export_slow",
    .version = "1.0",
    .description = "exports proposals as JSON lines, one every `pause` ms (a test fixture)",
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

/*
 * jobs_stubborn.c - a fixture importer and exporter that never ask
 * job_cancelled: like an office's plugin that sleeps between two records
 * of a slow OA system, they keep running `pause` (option, default 15 s)
 * after a stop has cancelled them. A stop must not wait for them longer
 * than its bound.
 *
 *   import "stubborn": reads the upload, emits `first` proposals (option,
 *     default 1; 2000 makes a partial import's first batch), logs
 *     "record <first> emitted", sleeps `pause`, emits one more. With
 *     `rounds` (option, default 1) above 1, it emits `first` proposals
 *     that many times, logging "round <n> emitted" after each, and before
 *     each round after the first waits until the file `gate`.<n> exists
 *     (a test makes it once it has done what it wants between two
 *     batches); the sleep comes after the last round.
 *   export "stubborn": logs "export begun", sleeps `pause`, then writes
 *     one line (so a stop finds it before its first byte).
 *   export "stubborn-midway": writes one line, logs "first line written",
 *     sleeps `pause`, writes another.
 * It is a notifier too, which takes every event at once: the stop must
 * still stop it and save its cursor while a job keeps the instance.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
    ptrack_instance_t *inst;
    int64_t pause_ms;
    int64_t first;
    int64_t rounds;
    char gate[512];
} state_t;

static const ptrack_option_t options[] = {
    {"pause", PTRACK_OPT_DURATION, 0, "15s", "how long to sleep without asking job_cancelled"},
    {"first", PTRACK_OPT_INT, 0, "1", "how many proposals an import emits before it sleeps"},
    {"rounds", PTRACK_OPT_INT, 0, "1", "how many times an import emits `first` proposals"},
    {"gate", PTRACK_OPT_STRING, 0, "", "the path whose .<n> an import waits for before round n"},
    PTRACK_OPTION_END,
};

static int create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    state_t *s = calloc(1, sizeof(*s));
    if (!s)
        return PTRACK_ENOMEM;
    s->host = host;
    s->inst = inst;
    if (host->opt_duration(inst, "pause", &s->pause_ms) != PTRACK_OK)
        s->pause_ms = 15000;
    if (host->opt_int(inst, "first", &s->first) != PTRACK_OK || s->first < 1)
        s->first = 1;
    if (host->opt_int(inst, "rounds", &s->rounds) != PTRACK_OK || s->rounds < 1)
        s->rounds = 1;
    const char *gate = NULL;
    if (host->opt_string(inst, "gate", &gate) == PTRACK_OK && gate)
        snprintf(s->gate, sizeof(s->gate), "%s", gate);
    *state = s;
    return PTRACK_OK;
}

static void destroy(void *state)
{
    free(state);
}

/* Sleeps the whole pause, whatever happens meanwhile. */
static void stubborn_sleep(const state_t *s)
{
    struct timespec ts = {(time_t)(s->pause_ms / 1000), (long)(s->pause_ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static int emit(const state_t *s, ptrack_job_t *job, int i)
{
    ptrack_record_t *rec = s->host->rec_new();
    char title[64], where[32];
    snprintf(title, sizeof(title), "关于慢速办公系统的建议 %d", i);
    snprintf(where, sizeof(where), "record %d", i);
    s->host->rec_set(rec, "title", title);
    return s->host->import_emit(job, rec, where);
}

static int import(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    state_t *s = state;
    char buf[4096];
    ptrdiff_t n;
    while ((n = s->host->job_read(job, buf, sizeof(buf))) > 0)
        ;
    if (n < 0)
        return (int)n;
    int rc = PTRACK_OK;
    int i = 1;
    for (int64_t round = 1; round <= s->rounds && rc == PTRACK_OK; round++) {
        if (round > 1) {
            char path[600];
            snprintf(path, sizeof(path), "%s.%lld", s->gate, (long long)round);
            struct timespec tick = {0, 10 * 1000000L};
            FILE *f;
            while (!(f = fopen(path, "r")))
                nanosleep(&tick, NULL);
            fclose(f);
        }
        for (int64_t k = 0; k < s->first && rc == PTRACK_OK; k++, i++)
            rc = emit(s, job, i);
        if (s->rounds > 1)
            s->host->log(s->inst, PTRACK_LOG_INFO, "round %lld emitted (%d)", (long long)round, rc);
    }
    s->host->log(s->inst, PTRACK_LOG_INFO, "record %d emitted (%d)", i - 1, rc);
    stubborn_sleep(s);
    rc = emit(s, job, i);
    s->host->log(s->inst, PTRACK_LOG_INFO, "record %d emitted (%d)", i, rc);
    return rc;
}

static int export(void *state, ptrack_job_t *job, const char *format)
{
    state_t *s = state;
    const ptrack_host_t *h = s->host;
    if (h->export_begin(job, "text/plain; charset=utf-8", "stubborn.txt") != PTRACK_OK)
        return PTRACK_ERROR;
    if (strcmp(format, "stubborn-midway") == 0) {
        int rc = h->job_write(job, "第一行\n", strlen("第一行\n"));
        h->log(s->inst, PTRACK_LOG_INFO, "first line written (%d)", rc);
    } else {
        h->log(s->inst, PTRACK_LOG_INFO, "export begun");
    }
    stubborn_sleep(s);
    return h->job_write(job, "最后一行\n", strlen("最后一行\n"));
}

static int deliver(void *state, const ptrack_event_t *ev)
{
    (void)state;
    (void)ev;
    return PTRACK_OK;
}

static const char *const import_formats[] = {"stubborn", NULL};
static const char *const export_formats[] = {"stubborn", "stubborn-midway", NULL};
static const char *const no_args[] = {NULL};

static const ptrack_importer_ops_t importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = import_formats,
    .import = import,
    .args = no_args,
};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = export_formats,
    .export = export,
    .args = no_args,
};

static const ptrack_notifier_ops_t notifier = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = deliver,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "jobs_stubborn",
    .version = "1.0",
    .description = "imports and exports that never ask job_cancelled (a test fixture)",
    .kinds = PTRACK_KIND_NOTIFIER | PTRACK_KIND_IMPORTER | PTRACK_KIND_EXPORTER,
    .options = options,
    .create = create,
    .destroy = destroy,
    .notifier = &notifier,
    .importer = &importer,
    .exporter = &exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

/*
 * jobs_late.c - a fixture importer and exporter that keep their job's
 * handle past the end of import() and export(): each starts a thread of
 * its own that, 300 ms after the job returned, calls every job function
 * of the host with that handle and logs what each returned, in one line
 * ("late_in: job_arg -> null, job_cancelled -> 1, job_read -> -5, ...").
 * The job is over by then, and ptrackd has freed it: a host that does not
 * refuse the calls writes into freed memory.
 *   late_in   reads the upload to its end, emits one record ("late"),
 *             then returns PTRACK_OK
 *   late_out  begins, writes "x\n", returns PTRACK_OK
 * destroy() joins the last thread.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
    ptrack_instance_t *inst;
    pthread_t thread;
    int running;
    ptrack_job_t *job; /* the handle kept past the end: the bug */
    int import;
} state_t;

static int create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    state_t *s = calloc(1, sizeof(*s));
    if (!s)
        return PTRACK_ENOMEM;
    s->host = host;
    s->inst = inst;
    *state = s;
    return PTRACK_OK;
}

static void join(state_t *s)
{
    if (s->running)
        pthread_join(s->thread, NULL);
    s->running = 0;
}

static void destroy(void *state)
{
    join(state);
    free(state);
}

static void *late(void *arg)
{
    state_t *s = arg;
    const ptrack_host_t *h = s->host;
    ptrack_job_t *job = s->job;
    nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
    const char *arg_v = h->job_arg(job, "x");
    int cancelled = h->job_cancelled(job);
    h->set_error(job, "late");
    if (s->import) {
        char buf[16];
        long rd = (long)h->job_read(job, buf, sizeof(buf));
        ptrack_record_t *rec = h->rec_new();
        if (rec)
            h->rec_set(rec, "title", "写在导入结束之后");
        int emit = h->import_emit(job, rec, "line 99");
        int reject = h->import_reject(job, "line 98", "late");
        int ignore = h->import_ignore(job, "line 97", "late");
        h->log(s->inst, PTRACK_LOG_INFO,
               "late_in: job_arg -> %s, job_cancelled -> %d, job_read -> %ld, import_emit -> "
               "%d, import_reject -> %d, import_ignore -> %d",
               arg_v ? arg_v : "null", cancelled, rd, emit, reject, ignore);
    } else {
        int begin = h->export_begin(job, "text/plain", "late.txt");
        const ptrack_record_t *rec;
        int next = h->export_next(job, &rec);
        int write = h->job_write(job, "late\n", 5);
        h->log(s->inst, PTRACK_LOG_INFO,
               "late_out: job_arg -> %s, job_cancelled -> %d, export_begin -> %d, export_next -> "
               "%d, job_write -> %d",
               arg_v ? arg_v : "null", cancelled, begin, next, write);
    }
    return NULL;
}

static void start_late(state_t *s, ptrack_job_t *job, int import)
{
    join(s);
    s->job = job;
    s->import = import;
    s->running = pthread_create(&s->thread, NULL, late, s) == 0;
}

static int import(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    state_t *s = state;
    const ptrack_host_t *h = s->host;
    char buf[4096];
    ptrdiff_t n;
    while ((n = h->job_read(job, buf, sizeof(buf))) > 0)
        ;
    if (n < 0)
        return (int)n;
    ptrack_record_t *rec = h->rec_new();
    if (!rec)
        return PTRACK_ENOMEM;
    h->rec_set(rec, "title", "关于按时导入的建议");
    int rc = h->import_emit(job, rec, "line 1");
    if (rc != PTRACK_OK)
        return rc;
    start_late(s, job, 1);
    return PTRACK_OK;
}

static int export(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    state_t *s = state;
    const ptrack_host_t *h = s->host;
    int rc = h->export_begin(job, "text/plain; charset=utf-8", "x.txt");
    if (rc == PTRACK_OK)
        rc = h->job_write(job, "x\n", 2);
    if (rc != PTRACK_OK)
        return rc;
    start_late(s, job, 0);
    return PTRACK_OK;
}

static const char *const in_formats[] = {"late_in", NULL};
static const char *const out_formats[] = {"late_out", NULL};
static const char *const no_args[] = {NULL};

static const ptrack_importer_ops_t importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = in_formats,
    .import = import,
    .args = no_args,
};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = out_formats,
    .export = export,
    .args = no_args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "jobs_late",
    .version = "1.0",
    .description = "calls the job functions after its job ended (a test fixture)",
    .kinds = PTRACK_KIND_IMPORTER | PTRACK_KIND_EXPORTER,
    .create = create,
    .destroy = destroy,
    .importer = &importer,
    .exporter = &exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

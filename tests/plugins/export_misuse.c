/*
 * export_misuse.c - a fixture exporter that breaks the header's contract of
 * export_begin, one way per format, and logs what each host call returned
 * ("<format>: <call> -> <rc>"), so that a test sees the host refuse it:
 *   nobegin   job_write without export_begin, then returns PTRACK_OK
 *   twice     export_begin three times, writes "x\n", returns PTRACK_OK
 *   badtype   a content type with a CR LF and a header after it
 *   badname   a file name with a quote and a CR LF
 *   slashname a file name with a '/'
 *   cnslash   a Chinese file name with a '/' (汇总/2025.txt)
 *   silent    no call at all, then returns PTRACK_OK
 * badtype, badname, slashname and cnslash go on to job_write and return
 * its code.
 */
#include <stdlib.h>
#include <string.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
    ptrack_instance_t *inst;
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

static void destroy(void *state)
{
    free(state);
}

static int export(void *state, ptrack_job_t *job, const char *format)
{
    state_t *s = state;
    const ptrack_host_t *h = s->host;
    int rc;
    if (strcmp(format, "nobegin") == 0) {
        rc = h->job_write(job, "hello\n", 6);
        h->log(s->inst, PTRACK_LOG_INFO, "nobegin: job_write -> %d", rc);
        return PTRACK_OK;
    }
    if (strcmp(format, "silent") == 0)
        return PTRACK_OK;
    if (strcmp(format, "twice") == 0) {
        int a = h->export_begin(job, "text/plain; charset=utf-8", "a.txt");
        int b = h->export_begin(job, "text/html", "b.html");
        int c = h->export_begin(job, "text/csv", "c.csv");
        h->log(s->inst, PTRACK_LOG_INFO, "twice: export_begin -> %d %d %d", a, b, c);
        return h->job_write(job, "x\n", 2);
    }
    const char *type = "text/plain", *name = "ok.txt";
    if (strcmp(format, "badtype") == 0)
        type = "text/plain\r\nX-Evil: 1";
    else if (strcmp(format, "badname") == 0)
        name = "a\"b\r\n.txt";
    else if (strcmp(format, "cnslash") == 0)
        name = "汇总/2025.txt";
    else
        name = "../etc/passwd";
    rc = h->export_begin(job, type, name);
    h->log(s->inst, PTRACK_LOG_INFO, "%s: export_begin -> %d", format, rc);
    rc = h->job_write(job, "x\n", 2);
    h->log(s->inst, PTRACK_LOG_INFO, "%s: job_write -> %d", format, rc);
    return rc;
}

static const char *const formats[] = {"nobegin",   "twice",   "badtype", "badname",
                                      "slashname", "cnslash", "silent",  NULL};
static const char *const no_args[] = {NULL};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = formats,
    .export = export,
    .args = no_args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "export_misuse",
    .version = "1.0",
    .description = "misuses export_begin and job_write (a test fixture)",
    .kinds = PTRACK_KIND_EXPORTER,
    .create = create,
    .destroy = destroy,
    .exporter = &exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

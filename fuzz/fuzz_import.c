/*
 * fuzz_import.c - an uploaded file, into a built-in importer plugin
 * (plugins/import_<name>/), driven through include/ptrack/plugin.h as
 * ptrackd drives it: the plugin file is dlopen()ed, its instance made with
 * create(), and each input is one import job. The host's records are
 * core/plugin-record.c's, and every record the plugin emits is checked and
 * rendered by the store's import check (pt_store_import_check), as a job
 * does before staging it. Only the job's I/O is the harness's own: the
 * upload comes from the input in pieces of varying size, as the HTTP
 * server's reads would queue it.
 *
 * Built once per importer: FZ_PLUGIN is the path of its .so.
 *
 * Input: a first line of query parameters, then the file:
 *   format=csv&sep=%3B&encoding=gbk&map=%7B%22title%22%3A%22%E9%A2%98%E7%9B%AE%22%7D\n<file>
 * decoded as the server decodes a query (%XX, '+' a space). "format" picks
 * one of the plugin's formats (its first when absent or unknown); the other
 * parameters reach the plugin through job_arg when it declares them, as
 * the host lets through only the declared ones. How the file is cut into
 * reads follows from a hash of the input.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json-strict.h"
#include "log.h"
#include "plugins.h"
#include "store.h"
#include "workflow.h"

#ifndef FZ_PLUGIN
#error "FZ_PLUGIN must name the importer's shared object"
#endif

#define MAX_ARGS 16

/* One import job: the harness's ptrack_job_t. */
struct ptrack_job {
    const uint8_t *file;
    size_t len, off;
    uint32_t seed;
    char *names[MAX_ARGS], *values[MAX_ARGS];
    size_t n_args;
    char *error;
    unsigned emitted, accepted, rejected, ignored;
};

static ptrack_host_t host;
static const ptrack_plugin_t *plugin;
static pt_instance_t instance;
static pt_plugins_t *registry;
static pt_store_t *store;
static pt_workflow_t *wf;
static uv_loop_t loop;
static char data_dir[64];

static uint32_t rnd(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* ---- The job's side of the host table -------------------------------- */

static const char *job_arg(ptrack_job_t *job, const char *name)
{
    if (!job || !name)
        return NULL;
    for (size_t i = 0; i < job->n_args; i++)
        if (strcmp(job->names[i], name) == 0)
            return job->values[i];
    return NULL;
}

static int job_cancelled(ptrack_job_t *job)
{
    (void)job;
    return 0;
}

static ptrdiff_t job_read(ptrack_job_t *job, void *buf, size_t len)
{
    if (!job || (!buf && len))
        return PTRACK_EINVAL;
    if (len == 0 || job->off == job->len)
        return 0;
    uint32_t r = rnd(&job->seed);
    size_t piece;
    switch (r % 6) {
    case 0:
        piece = 1 + (r >> 8) % 4;
        break;
    case 1:
    case 2:
        piece = 1 + (r >> 8) % 64;
        break;
    case 3:
        piece = 1 + (r >> 8) % 4096;
        break;
    default:
        piece = job->len - job->off;
        break;
    }
    if (piece > len)
        piece = len;
    if (piece > job->len - job->off)
        piece = job->len - job->off;
    memcpy(buf, job->file + job->off, piece);
    job->off += piece;
    return (ptrdiff_t)piece;
}

static void check_text(const char *what, const char *s)
{
    if (!s) {
        fprintf(stderr, "the plugin passed a NULL %s\n", what);
        abort();
    }
    (void)strlen(s);
}

static int import_emit(ptrack_job_t *job, ptrack_record_t *rec, const char *where)
{
    if (!job || !rec) {
        if (rec)
            pt_record_free(rec);
        return PTRACK_EINVAL;
    }
    check_text("where", where);
    job->emitted++;
    cJSON *json = pt_record_release(rec);
    pt_import_row_t *row = NULL;
    pt_error_t err = {0};
    if (json && pt_store_import_check(store, json, where, &row, &err) == PT_OK) {
        /* What is stored is sent as JSON later: its text must be UTF-8. */
        char *text = cJSON_PrintUnformatted(json);
        if (!text || !pt_utf8_valid(text, strlen(text))) {
            fprintf(stderr, "an accepted record is not UTF-8 (%s): %s\n", where,
                    text ? text : "(null)");
            abort();
        }
        free(text);
        job->accepted++;
        free(row);
    } else {
        /* A refusal is the record's fault; anything else is the host's. */
        if (json && err.code != PT_EVALIDATION) {
            char *text = cJSON_PrintUnformatted(json);
            fprintf(stderr, "the import check failed (%s): %s\n%s\n", pt_strerror(err.code),
                    err.message, text ? text : "");
            abort();
        }
        job->rejected++;
    }
    pt_error_clear(&err);
    cJSON_Delete(json);
    return PTRACK_OK;
}

static int import_reject(ptrack_job_t *job, const char *where, const char *reason)
{
    if (!job)
        return PTRACK_EINVAL;
    check_text("where", where);
    check_text("reason", reason);
    job->rejected++;
    return PTRACK_OK;
}

static int import_ignore(ptrack_job_t *job, const char *where, const char *reason)
{
    if (!job)
        return PTRACK_EINVAL;
    check_text("where", where);
    check_text("reason", reason);
    job->ignored++;
    return PTRACK_OK;
}

static void set_error(ptrack_job_t *job, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt ? fmt : "", ap);
    va_end(ap);
    if (!job)
        return;
    free(job->error);
    job->error = strdup(msg);
}

static int not_an_exporter(ptrack_job_t *job, ...)
{
    (void)job;
    fprintf(stderr, "an importer called an exporter's function\n");
    abort();
}

static int export_begin(ptrack_job_t *job, const char *ct, const char *fn)
{
    (void)ct;
    (void)fn;
    return not_an_exporter(job);
}

static int export_next(ptrack_job_t *job, const ptrack_record_t **rec)
{
    (void)rec;
    return not_an_exporter(job);
}

static int job_write(ptrack_job_t *job, const void *buf, size_t len)
{
    (void)buf;
    (void)len;
    return not_an_exporter(job);
}

/* ---- The instance ----------------------------------------------------- */

static void remove_data_dir(void)
{
    char path[128];
    static const char *const files[] = {"ptrack.db", "ptrack.db-wal", "ptrack.db-shm",
                                        "ptrack.seq"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", data_dir, files[i]);
        unlink(path);
    }
    rmdir(data_dir);
}

static void start(void)
{
    pt_log_set_level(PT_LOG_ERROR);
    pt_error_t err = {0};
    if (pt_workflow_load_default(&wf, &err) != PT_OK || uv_loop_init(&loop) != 0)
        abort();
    /* The store only for its import check, which does no I/O; the database
     * lives in a directory of its own and goes at exit. */
    snprintf(data_dir, sizeof(data_dir), "/tmp/ptrack-fuzz-XXXXXX");
    if (!mkdtemp(data_dir))
        abort();
    atexit(remove_data_dir);
    char db[128];
    snprintf(db, sizeof(db), "%s/ptrack.db", data_dir);
    static const char *const categories[] = {"交通运输", "乡村振兴", "教育", "财政", "农业农村"};
    pt_store_options_t so = {.path = db, .workflow = wf, .validate = {categories, 5}};
    pt_deadlines_default(&so.deadlines);
    if (pt_store_open(&loop, &so, &store, &err) != PT_OK) {
        fprintf(stderr, "fuzz: the store: %s\n", err.message);
        abort();
    }
    pt_plugins_options_t po = {.loop = &loop, .workflow = wf};
    if (pt_plugins_new(&po, &registry) != PT_OK)
        abort();

    host = pt_plugin_host;
    host.job_arg = job_arg;
    host.job_cancelled = job_cancelled;
    host.job_read = job_read;
    host.import_emit = import_emit;
    host.import_reject = import_reject;
    host.import_ignore = import_ignore;
    host.set_error = set_error;
    host.export_begin = export_begin;
    host.export_next = export_next;
    host.job_write = job_write;

    void *so_handle = dlopen(FZ_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    if (!so_handle) {
        fprintf(stderr, "fuzz: %s\n", dlerror());
        abort();
    }
    ptrack_plugin_entry_fn entry =
        (ptrack_plugin_entry_fn)(uintptr_t)dlsym(so_handle, PTRACK_PLUGIN_ENTRY_NAME);
    if (!entry || !(plugin = entry()) || !plugin->importer || !plugin->create) {
        fprintf(stderr, "fuzz: %s is not an importer\n", FZ_PLUGIN);
        abort();
    }
    instance.host = registry;
    instance.name = "fuzz";
    instance.options = cJSON_CreateObject();
    if (plugin->create(&host, &instance, &instance.state) != PTRACK_OK)
        abort();
}

/* ---- One job ----------------------------------------------------------- */

static int hexval(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static char *decode(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    if (!out)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i] == '+' ? ' ' : s[i];
        }
    }
    *o = '\0';
    return out;
}

static bool declared(const char *name)
{
    const char *const *args = plugin->importer->args;
    if (!args)
        return true;
    for (; *args; args++)
        if (strcmp(*args, name) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!plugin)
        start();
    const char *nl = memchr(data, '\n', size);
    size_t qlen = nl ? (size_t)((const uint8_t *)nl - data) : 0;
    ptrack_job_t job;
    memset(&job, 0, sizeof(job));
    job.file = nl ? (const uint8_t *)nl + 1 : data;
    job.len = nl ? size - qlen - 1 : size;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    job.seed = h;

    const char *format = plugin->importer->formats[0];
    char *format_owned = NULL;
    const char *q = (const char *)data;
    for (size_t i = 0; i < qlen;) {
        size_t seg = 0;
        while (i + seg < qlen && q[i + seg] != '&')
            seg++;
        const char *eq = memchr(q + i, '=', seg);
        size_t nlen = eq ? (size_t)(eq - (q + i)) : seg;
        char *name = decode(q + i, nlen);
        char *value = eq ? decode(eq + 1, seg - nlen - 1) : decode("", 0);
        bool taken = false;
        if (strcmp(name, "format") == 0) {
            for (const char *const *f = plugin->importer->formats; *f; f++)
                if (strcmp(*f, value) == 0 && !format_owned) {
                    format = format_owned = value;
                    taken = true;
                }
        } else if (seg > 0 && job.n_args < MAX_ARGS && declared(name) && !job_arg(&job, name)) {
            job.names[job.n_args] = name;
            job.values[job.n_args++] = value;
            name = value = NULL;
            taken = true;
        }
        free(name);
        if (!taken)
            free(value);
        i += seg + 1;
    }

    /* What an importer may answer: a file read, a file refused (ERROR,
     * EINVAL: 422), a query argument refused (EBADARG: 400), or no memory. */
    int rc = plugin->importer->import(instance.state, &job, format);
    if (rc != PTRACK_OK && rc != PTRACK_ERROR && rc != PTRACK_EINVAL && rc != PTRACK_EBADARG &&
        rc != PTRACK_ENOMEM) {
        fprintf(stderr, "the importer returned %d\n", rc);
        abort();
    }
    for (size_t i = 0; i < job.n_args; i++) {
        free(job.names[i]);
        free(job.values[i]);
    }
    free(format_owned);
    free(job.error);
    return 0;
}

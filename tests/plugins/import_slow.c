/*
 * import_slow.c - a fixture importer that must be cancelled: it reads the
 * whole upload, then emits one proposal every 50 ms, a thousand of them,
 * asking job_cancelled before each. Closing the client while it runs must
 * stop it within a moment and store nothing. The option `count` makes it
 * emit fewer (a job that ends by itself after count * 50 ms); create()
 * refuses a negative one. The option `fast` makes the first `fast` of them
 * come at once, without the wait (a partial import that has committed a
 * batch of 2,000 before it slows down). The query parameters count and
 * fast, when an import gives them, take the options' place for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
    ptrack_instance_t *inst;
    int64_t count;
    int64_t fast;
} state_t;

static int create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    state_t *s = calloc(1, sizeof(*s));
    if (!s)
        return PTRACK_ENOMEM;
    s->host = host;
    s->inst = inst;
    s->count = 1000;
    host->opt_int(inst, "count", &s->count);
    host->opt_int(inst, "fast", &s->fast);
    if (s->count < 0) {
        /* A value only the plugin can judge: the option table says int. */
        host->log(inst, PTRACK_LOG_ERROR, "count must not be negative");
        free(s);
        return PTRACK_ERROR;
    }
    *state = s;
    return PTRACK_OK;
}

static void destroy(void *state)
{
    free(state);
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
    int64_t count = s->count, fast = s->fast;
    const char *arg = h->job_arg(job, "count");
    if (arg)
        count = strtoll(arg, NULL, 10);
    if ((arg = h->job_arg(job, "fast")))
        fast = strtoll(arg, NULL, 10);
    for (int i = 1; i <= count; i++) {
        if (h->job_cancelled(job)) {
            h->log(s->inst, PTRACK_LOG_INFO, "cancelled after %d records", i - 1);
            return PTRACK_ECANCELED;
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        if (i > fast)
            nanosleep(&ts, NULL);
        ptrack_record_t *rec = h->rec_new();
        char title[64], where[32];
        snprintf(title, sizeof(title), "慢慢导入的建议 %d", i);
        snprintf(where, sizeof(where), "record %d", i);
        h->rec_set(rec, "title", title);
        int rc = h->import_emit(job, rec, where);
        if (rc != PTRACK_OK)
            return rc;
    }
    return PTRACK_OK;
}

static const char *const formats[] = {"slow", NULL};

static const ptrack_option_t options[] = {
    {"count", PTRACK_OPT_INT, 0, "1000", "how many proposals to emit, one every 50 ms"},
    {"fast", PTRACK_OPT_INT, 0, "0", "how many of them come first, without the wait"},
    PTRACK_OPTION_END,
};

static const ptrack_importer_ops_t importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = formats,
    .import = import,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "import_slow",
    .version = "1.0",
    .description = "emits a proposal every 50 ms until cancelled (a test fixture)",
    .kinds = PTRACK_KIND_IMPORTER,
    .options = options,
    .create = create,
    .destroy = destroy,
    .importer = &importer,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

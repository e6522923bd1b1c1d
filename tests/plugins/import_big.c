/*
 * import_big.c - a fixture importer (format "big") that reads the upload
 * and emits one proposal of a size the request names: `n` recommendations
 * (default 40) of `k` bytes each (default 100000), each built by the
 * fixture in a buffer of that size, so that no allocation of its own (nor
 * the host's copy of one recommendation) is larger than k, while the
 * host's rendering of the whole proposal is n times that. With a cap on
 * large allocations (tests/shims/failalloc.c) between the two, it is the
 * host that runs out of memory checking the record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ptrack/plugin.h>

#include "host-state.h"

static long arg(const ptrack_host_t *h, ptrack_job_t *job, const char *name, long def)
{
    const char *v = h->job_arg(job, name);
    return v ? strtol(v, NULL, 10) : def;
}

static int import(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const ptrack_host_t *h = ((state_t *)state)->host;
    char buf[4096];
    ptrdiff_t got;
    while ((got = h->job_read(job, buf, sizeof(buf))) > 0)
        ;
    if (got < 0)
        return (int)got;
    long n = arg(h, job, "n", 40), k = arg(h, job, "k", 100000);
    if (n < 1 || n > 1000 || k < 4 || k > 10000000) {
        h->set_error(job, "n must be 1 to 1000 and k 4 to 10000000");
        return PTRACK_EBADARG;
    }
    char *text = malloc((size_t)k + 1);
    ptrack_record_t *rec = h->rec_new();
    int rc = text && rec ? h->rec_set(rec, "title", "关于内存不足时导入的建议") : PTRACK_ENOMEM;
    for (long i = 0; i < n && rc == PTRACK_OK; i++) {
        /* "建" is three bytes: k bytes of it, less what does not fit. */
        size_t len = 0;
        while (len + 3 <= (size_t)k) {
            memcpy(text + len, "建", 3);
            len += 3;
        }
        text[len] = '\0';
        char path[48];
        snprintf(path, sizeof(path), "recommendations.%ld", i);
        rc = h->rec_set(rec, path, text);
    }
    free(text);
    if (rc != PTRACK_OK) {
        h->rec_free(rec);
        return PTRACK_ENOMEM;
    }
    return h->import_emit(job, rec, "record 1");
}

static const char *const formats[] = {"big", NULL};
static const char *const args[] = {"n", "k", NULL};

static const ptrack_importer_ops_t importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = formats,
    .import = import,
    .args = args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "import_big",
    .version = "1.0",
    .description = "a fixture importer: one proposal of n recommendations of k bytes",
    .kinds = PTRACK_KIND_IMPORTER,
    .create = create,
    .destroy = destroy,
    .importer = &importer,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

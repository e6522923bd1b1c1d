/*
 * jobs_failing.c - a fixture importer and exporter (format "fails") that
 * fail at once, returning the code that the request's `rc` parameter names
 * (error, einval, ebadarg, enomem, retry, notfound, and one: the code 1,
 * which no PTRACK_ code is; default error), after
 * set_error("the fixture was told to fail with <rc>") unless `silent=true`.
 * The importer reads the upload first, but with rc=unread it returns
 * PTRACK_OK at once, without reading it. How ptrackd answers each code is
 * what the tests check. With rc=emptyread it asks job_read for 0 bytes
 * first, reads the upload and fails with PTRACK_ERROR, saying what the
 * first call returned: "job_read of 0 bytes returned <code>". With
 * rc=ctlreject it reads the upload, rejects "line 3\r\nX-Evil: 1" as
 * "expected 3 fields,\ngot 2\t(a tab)", ignores "lines 1-2\n" as
 * "a heading\x1b[2J", and returns PTRACK_OK; with rc=ctlerror it fails
 * with set_error("line 7:\r\nunterminated\x1b[31m quote"). With
 * rc=longreject it rejects a record and ignores a passage whose where is
 * 1000 bytes ("第 3 行" and "行" again) and whose reason is a megabyte of
 * 办 (three bytes each), and returns PTRACK_OK.
 */
#include <stdlib.h>
#include <string.h>
#include <ptrack/plugin.h>

#include "host-state.h"

static int fail(const ptrack_host_t *h, ptrack_job_t *job)
{
    const char *name = h->job_arg(job, "rc");
    const char *silent = h->job_arg(job, "silent");
    if (!name)
        name = "error";
    int rc = strcmp(name, "einval") == 0     ? PTRACK_EINVAL
             : strcmp(name, "ebadarg") == 0  ? PTRACK_EBADARG
             : strcmp(name, "enomem") == 0   ? PTRACK_ENOMEM
             : strcmp(name, "retry") == 0    ? PTRACK_RETRY
             : strcmp(name, "notfound") == 0 ? PTRACK_ENOTFOUND
             : strcmp(name, "one") == 0      ? 1
                                             : PTRACK_ERROR;
    if (!silent || strcmp(silent, "true") != 0)
        h->set_error(job, "the fixture was told to fail with %s", name);
    return rc;
}

/* rc=longreject: see the top. */
static int long_passages(const ptrack_host_t *h, ptrack_job_t *job)
{
    static const char ban[] = "办";
    size_t n = 1 << 20;
    char *reason = malloc(n + 1), *where = malloc(1001);
    if (!reason || !where) {
        free(reason);
        free(where);
        return PTRACK_ENOMEM;
    }
    for (size_t i = 0; i + 3 <= n; i += 3)
        memcpy(reason + i, ban, 3);
    reason[n - n % 3] = '\0';
    strcpy(where, "第 3 行");
    for (size_t len = strlen(where); len + 3 <= 1000; len += 3)
        strcat(where, "行");
    int rc = h->import_reject(job, where, reason);
    if (rc == PTRACK_OK)
        rc = h->import_ignore(job, where, reason);
    free(reason);
    free(where);
    return rc;
}

static int import(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const ptrack_host_t *h = ((state_t *)state)->host;
    const char *rc = h->job_arg(job, "rc");
    if (rc && strcmp(rc, "unread") == 0)
        return PTRACK_OK;
    char buf[4096];
    ptrdiff_t empty = 0;
    if (rc && strcmp(rc, "emptyread") == 0)
        empty = h->job_read(job, buf, 0);
    ptrdiff_t n;
    while ((n = h->job_read(job, buf, sizeof(buf))) > 0)
        ;
    if (n < 0)
        return (int)n;
    if (rc && strcmp(rc, "ctlreject") == 0) {
        h->import_reject(job, "line 3\r\nX-Evil: 1", "expected 3 fields,\ngot 2\t(a tab)");
        h->import_ignore(job, "lines 1-2\n", "a heading\x1b[2J");
        return PTRACK_OK;
    }
    if (rc && strcmp(rc, "longreject") == 0)
        return long_passages(h, job);
    if (rc && strcmp(rc, "ctlerror") == 0) {
        h->set_error(job, "line 7:\r\nunterminated\x1b[31m quote");
        return PTRACK_ERROR;
    }
    if (rc && strcmp(rc, "emptyread") == 0) {
        h->set_error(job, "job_read of 0 bytes returned %td", empty);
        return PTRACK_ERROR;
    }
    return fail(h, job);
}

static int export(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const ptrack_host_t *h = ((state_t *)state)->host;
    if (h->export_begin(job, "text/plain; charset=utf-8", "fails.txt") != PTRACK_OK)
        return PTRACK_ERROR;
    return fail(h, job);
}

static const char *const formats[] = {"fails", NULL};
static const char *const args[] = {"rc", "silent", NULL};

static const ptrack_importer_ops_t importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = formats,
    .import = import,
    .args = args,
};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = formats,
    .export = export,
    .args = args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "jobs_failing",
    .version = "1.0",
    .description = "imports and exports that fail with the code asked for (a test fixture)",
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

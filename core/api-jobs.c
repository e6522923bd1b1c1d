/*
 * api-jobs.c - POST /v1/imports and GET /v1/exports: the endpoints of
 * import and export jobs (plugin-jobs.c).
 *
 * An import's body is a file of any size, so it is not read whole like
 * every other body: the daemon asks the HTTP server to stream it
 * (pt_api_wants_body_stream), and the job reads it as it arrives. Access
 * and the format are checked before a byte of it is read, so a refused
 * upload costs nothing (a client that sent Expect: 100-continue never sends
 * it at all). So are the query parameters: a plugin that declares the ones
 * it reads (ABI 1.1) gets those and the host's own, and any other is refused
 * as GET /v1/proposals refuses an unknown filter.
 */
#include "api-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plugin-jobs.h"

bool pt_api_wants_body_stream(const pt_http_request_t *req, void *ud)
{
    (void)ud;
    return strcmp(req->method, "POST") == 0 &&
           (strcmp(req->path, "/v1/imports") == 0 || strcmp(req->path, "/v1/imports/") == 0);
}

/* The formats served by importers ("import") or exporters ("export"), as
 * "csv, jsonl", each once, or "none". Ownership: the caller frees. */
static char *formats_served(pt_api_t *api, const char *kind)
{
    cJSON *all = api->opts.plugins ? pt_plugins_formats(api->opts.plugins) : NULL;
    size_t cap = 256, len = 0;
    char *out = malloc(cap);
    if (!out) {
        cJSON_Delete(all);
        return NULL;
    }
    out[0] = '\0';
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(all, kind))
    {
        size_t n = strlen(f->string);
        if (len + n + 3 > cap) {
            cap = (len + n + 3) * 2;
            char *grown = realloc(out, cap);
            if (!grown)
                break;
            out = grown;
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ", " : "", f->string);
    }
    cJSON_Delete(all);
    if (len == 0) {
        free(out);
        return strdup("none (no plugin of that kind is loaded)");
    }
    return out;
}

/* The longest format name (plugin-file.c, format_name_ok). */
#define FORMAT_NAME_MAX 64

/* The format a request names, as the plugins declare it. A format name is
 * lower case (plugin-file.c refuses any other), so ?format=CSV or
 * ?format=Json means csv or json: ASCII letters are folded to lower case,
 * nothing else is touched. The folded name is the one the job, the plugin
 * and the records (source.format) see, so an import asked for as CSV
 * stores what one asked for as csv does. A name too long to be a format
 * name is returned as it is; it matches none. */
static const char *format_fold(const char *format, char *buf, size_t len)
{
    size_t n = format ? strlen(format) : 0;
    if (!format || n >= len)
        return format;
    for (size_t i = 0; i <= n; i++) {
        char c = format[i];
        buf[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    return buf;
}

/* Answers 400 or 404 when the format is missing or not served; the 404
 * names the format as the request spelt it. */
static bool format_ok(pt_call_t *call, const char *format, pt_instance_t *inst, const char *kind)
{
    if (inst)
        return true;
    char *served = formats_served(call->api, kind);
    if (!format || !*format)
        pt_api_failf(call, PT_EBADREQUEST,
                     "format: say which format the file is in (?format=...); formats served: %s",
                     served ? served : "?");
    else
        pt_api_failf(call, PT_ENOTFOUND, "no %ser serves the format \"%s\"; formats served: %s",
                     kind, format, served ? served : "?");
    free(served);
    return false;
}

/* The parameters of POST /v1/imports that the host reads itself. */
static const char *const import_params[] = {"format", "partial", NULL};

void pt_api_imports(pt_call_t *call)
{
    if (!pt_api_require(call, PT_ROLE_CLERK))
        return;
    pt_http_request_t *req = call->req;
    const char *asked = pt_http_query(req, "format");
    char folded[FORMAT_NAME_MAX + 1];
    const char *format = format_fold(asked, folded, sizeof(folded));
    pt_instance_t *inst =
        format && *format ? pt_plugins_importer(call->api->opts.plugins, format) : NULL;
    if (!format_ok(call, asked, inst, "import"))
        return;
    pt_error_t err = {0};
    /* An importer that declares its arguments (ABI 1.1) gets those and no
     * others: a misspelt one is refused here, before the upload is read. */
    const char *const *args = pt_instance_job_args(inst, PTRACK_KIND_IMPORTER);
    if (args) {
        const char *const *known[] = {import_params, args, NULL};
        char what[120];
        snprintf(what, sizeof(what), "an import of %.80s", format);
        if (pt_query_known(req, known, what, &err) != PT_OK) {
            pt_api_fail(call, &err);
            return;
        }
    } else {
        /* One that declares none (1.0) gets every other parameter, but
         * format and partial are ptrackd's: which of two values counts
         * would be a guess, whatever the importer. */
        const char *const *known[] = {import_params, NULL};
        if (pt_query_once(req, known, &err) != PT_OK) {
            pt_api_fail(call, &err);
            return;
        }
    }
    int part;
    if (pt_query_bool(req, "partial", &part, &err) != PT_OK) {
        pt_api_fail(call, &err);
        return;
    }
    pt_job_options_t o = {
        .loop = call->api->opts.loop,
        .store = call->api->opts.store,
        .inst = inst,
        .format = format,
        .actor = call->who.name,
        .who = &call->who,
        .req = req,
        .metrics = call->api->metrics,
        .route = call->route,
        .start = call->start,
        .partial = part == 1,
    };
    if (pt_job_start_import(&o, &err) != PT_OK) {
        pt_api_fail(call, &err);
        return;
    }
    free(call); /* the job answers the request */
}

static int job_client_still(const pt_http_request_t *req, const pt_identity_t *who, void *ud)
{
    return pt_api_identified_as(ud, req, who);
}

void pt_api_jobs_recheck(pt_api_t *api)
{
    pt_jobs_recheck(job_client_still, api);
}

/* A unit or a delegate exports what it may list: its scope narrows the
 * filters as it narrows a list's, and asking for another unit or person is
 * refused the same way. */
void pt_api_exports(pt_call_t *call)
{
    if (!pt_api_require_reader(call))
        return;
    pt_http_request_t *req = call->req;
    const char *asked = pt_http_query(req, "format");
    char folded[FORMAT_NAME_MAX + 1];
    const char *format = format_fold(asked, folded, sizeof(folded));
    pt_instance_t *inst =
        format && *format ? pt_plugins_exporter(call->api->opts.plugins, format) : NULL;
    if (!format_ok(call, asked, inst, "export"))
        return;
    pt_list_query_t q;
    memset(&q, 0, sizeof(q));
    q.key_supervision = q.overdue = -1;
    pt_error_t err = {0};
    if (pt_query_export(req, call->api->opts.workflow, format,
                        pt_instance_job_args(inst, PTRACK_KIND_EXPORTER), &q, &err) != PT_OK) {
        pt_list_query_clear(&q);
        pt_api_fail(call, &err);
        return;
    }
    if (!pt_api_scope_query(call, &q)) {
        pt_list_query_clear(&q);
        return;
    }
    pt_job_options_t o = {
        .loop = call->api->opts.loop,
        .store = call->api->opts.store,
        .inst = inst,
        .format = format,
        .actor = call->who.name,
        .who = &call->who,
        .req = req,
        .metrics = call->api->metrics,
        .route = call->route,
        .start = call->start,
        .query = &q,
        .stall_ms = call->api->opts.config->limits.idle_timeout_ms,
    };
    if (pt_job_start_export(&o, &err) != PT_OK) {
        pt_list_query_clear(&q);
        pt_api_fail(call, &err);
        return;
    }
    free(call); /* the job answers the request */
}

/*
 * api-query.c - query parameters: the list filters, numbers and cursors.
 *
 * A parameter the endpoint does not know is refused rather than ignored:
 * a misspelt filter (`?stauts=closed`) would otherwise return everything and
 * look like an answer.
 */
#include "api-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "timefmt.h"

int pt_query_only(const pt_http_request_t *req, const char *const *known, pt_error_t *err)
{
    const char *name, *value;
    for (size_t i = 0; pt_http_query_at(req, i, &name, &value); i++) {
        bool ok = false;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(*k, name) == 0;
        if (!ok)
            return pt_error_set(err, PT_EBADREQUEST, "unknown query parameter \"%s\"", name);
    }
    return PT_OK;
}

int pt_query_int(const pt_http_request_t *req, const char *name, int64_t min, int64_t max,
                 int64_t def, int64_t *out, pt_error_t *err)
{
    const char *s = pt_http_query(req, name);
    *out = def;
    if (!s)
        return PT_OK;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < min || v > max || (*s < '0' || *s > '9'))
        return pt_error_set(err, PT_EBADREQUEST, "%s: \"%s\" is not a number from %lld to %lld",
                            name, s, (long long)min, (long long)max);
    *out = v;
    return PT_OK;
}

static int query_bool(const pt_http_request_t *req, const char *name, int *out, pt_error_t *err)
{
    const char *s = pt_http_query(req, name);
    *out = -1;
    if (!s)
        return PT_OK;
    if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
        *out = 1;
    else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
        *out = 0;
    else
        return pt_error_set(err, PT_EBADREQUEST, "%s: \"%s\" must be true or false", name, s);
    return PT_OK;
}

static int query_str(const pt_http_request_t *req, const char *name, char **out, pt_error_t *err)
{
    const char *s = pt_http_query(req, name);
    if (!s || !*s)
        return PT_OK;
    if (strlen(s) > 1000)
        return pt_error_set(err, PT_EBADREQUEST, "%s: longer than 1000 bytes", name);
    *out = strdup(s);
    return *out ? PT_OK : pt_error_set(err, PT_ENOMEM, "out of memory");
}

static const char *const list_params[] = {
    "status", "kind",    "session", "delegation", "unit",  "category", "tag",   "key_supervision",
    "overdue", "due_before", "q",     "sort",       "limit", "cursor",   "person", NULL};

int pt_query_list(const pt_http_request_t *req, const pt_workflow_t *wf, pt_list_query_t *q,
                  pt_error_t *err)
{
    int rc = pt_query_only(req, list_params, err);
    static const char *const strs[] = {"status",   "kind", "session", "delegation", "unit",
                                       "category", "tag",  "q",       "person"};
    char **dst[] = {&q->status,   &q->kind, &q->session, &q->delegation, &q->unit,
                    &q->category, &q->tag,  &q->q,       &q->person};
    for (size_t i = 0; rc == PT_OK && i < sizeof(strs) / sizeof(strs[0]); i++)
        rc = query_str(req, strs[i], dst[i], err);
    if (rc != PT_OK)
        return rc;
    if (q->status && !pt_workflow_has_state(wf, q->status))
        return pt_error_set(err, PT_EBADREQUEST, "status: \"%s\" is not a state of the workflow",
                            q->status);
    static const char *const kinds[] = {"suggestion", "motion", "proposal", "other"};
    if (q->kind) {
        bool ok = false;
        for (size_t i = 0; i < 4; i++)
            ok |= strcmp(q->kind, kinds[i]) == 0;
        if (!ok)
            return pt_error_set(err, PT_EBADREQUEST,
                                "kind: \"%s\" must be suggestion, motion, proposal or other",
                                q->kind);
    }
    if ((rc = query_bool(req, "key_supervision", &q->key_supervision, err)) != PT_OK ||
        (rc = query_bool(req, "overdue", &q->overdue, err)) != PT_OK)
        return rc;
    const char *due = pt_http_query(req, "due_before");
    if (due && pt_time_parse(due, &q->due_before) != 0)
        return pt_error_set(err, PT_EBADREQUEST,
                            "due_before: \"%s\" is not a time (use 2026-12-31 or RFC 3339)", due);
    int64_t limit;
    if ((rc = pt_query_int(req, "limit", 1, 500, 50, &limit, err)) != PT_OK)
        return rc;
    q->limit = (int)limit;
    const char *sort = pt_http_query(req, "sort");
    if (sort) {
        q->desc = sort[0] == '-';
        const char *key = sort + q->desc;
        if (strcmp(key, "id") == 0)
            q->sort = PT_SORT_ID;
        else if (strcmp(key, "created_at") == 0)
            q->sort = PT_SORT_CREATED;
        else if (strcmp(key, "updated_at") == 0)
            q->sort = PT_SORT_UPDATED;
        else if (strcmp(key, "due_at") == 0)
            q->sort = PT_SORT_DUE;
        else
            return pt_error_set(err, PT_EBADREQUEST,
                                "sort: \"%s\" must be id, created_at, updated_at or due_at, "
                                "with - in front for descending",
                                sort);
    }
    const char *cursor = pt_http_query(req, "cursor");
    if (cursor && *cursor) {
        long long v, id;
        int used = 0;
        if (sscanf(cursor, "%lld.%lld%n", &v, &id, &used) != 2 || cursor[used] || id < 0)
            return pt_error_set(err, PT_EBADREQUEST,
                                "cursor: \"%s\" is not a cursor this server gave out", cursor);
        q->has_cursor = true;
        q->cursor_value = v;
        q->cursor_id = id;
    }
    return PT_OK;
}

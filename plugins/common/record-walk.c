/*
 * record-walk.c - the exporters' pass over the records and the flat view of
 * one proposal (see record-walk.h).
 */
#include "record-walk.h"

#include <stdio.h>
#include <string.h>

#include "times.h"

/* ---- The view -------------------------------------------------------------- */

static void join(pt_str_t *s, const char *item)
{
    if (!item || !*item)
        return;
    if (s->len)
        pt_str_puts(s, "、");
    pt_str_puts(s, item);
}

int pt_record_reply_counts(const ptrack_host_t *h, const ptrack_record_t *rec, size_t k)
{
    int64_t from, at = 0;
    char path[64];
    snprintf(path, sizeof(path), "replies.%zu.kind", k);
    const char *kind = h->rec_get(rec, path);
    if (kind && strcmp(kind, "supplementary") == 0)
        return 0;
    if (pt_time_read(h, h->rec_get(rec, "replies_from"), &from) != 0)
        return 1;
    snprintf(path, sizeof(path), "replies.%zu.replied_at", k);
    pt_time_read(h, h->rec_get(rec, path), &at);
    return at >= from;
}

/* Whether the unit named name has a reply of rec's that counts. */
static int unit_replied(const ptrack_host_t *h, const ptrack_record_t *rec, size_t n_replies,
                        const char *name)
{
    char path[64];
    for (size_t k = 0; name && k < n_replies; k++) {
        snprintf(path, sizeof(path), "replies.%zu.unit", k);
        const char *unit = h->rec_get(rec, path);
        if (unit && strcmp(unit, name) == 0 && pt_record_reply_counts(h, rec, k))
            return 1;
    }
    return 0;
}

/* Whether the proposal is answered: see pt_view_t. */
static int answered(const ptrack_host_t *h, const ptrack_record_t *rec)
{
    size_t n_units = h->rec_count(rec, "units"), n_replies = h->rec_count(rec, "replies");
    int replied = 0;
    for (size_t k = 0; k < n_replies && !replied; k++)
        replied = pt_record_reply_counts(h, rec, k);
    if (!replied)
        return 0;
    const char *mode = h->rec_get(rec, "handling_mode");
    if (!mode || strcmp(mode, "separate") != 0)
        return 1;
    char path[64];
    for (size_t i = 0; i < n_units; i++) {
        snprintf(path, sizeof(path), "units.%zu.name", i);
        const char *name = h->rec_get(rec, path);
        if (name && !unit_replied(h, rec, n_replies, name))
            return 0;
    }
    return 1;
}

int pt_view_unit_answered(const pt_view_t *v, const ptrack_host_t *h, const ptrack_record_t *rec,
                          size_t i)
{
    char path[64];
    snprintf(path, sizeof(path), "units.%zu.role", i);
    const char *role = h->rec_get(rec, path);
    if (role && strcmp(role, "co") == 0) {
        snprintf(path, sizeof(path), "units.%zu.opinion_at", i);
        const char *at = h->rec_get(rec, path);
        return at && *at;
    }
    const char *mode = h->rec_get(rec, "handling_mode");
    snprintf(path, sizeof(path), "units.%zu.name", i);
    if (!mode || strcmp(mode, "separate") != 0 ||
        !unit_replied(h, rec, v->n_replies, h->rec_get(rec, path)))
        return 0;
    /* Replied, while the proposal waits for another unit. */
    return !v->answered;
}

int pt_view_unit_answer(const pt_view_t *v, const ptrack_host_t *h, const ptrack_record_t *rec,
                        const char *unit, const char **category)
{
    char path[64];
    *category = NULL;
    size_t i = 0;
    for (; i < v->n_units; i++) {
        snprintf(path, sizeof(path), "units.%zu.name", i);
        const char *name = h->rec_get(rec, path);
        if (name && strcmp(name, unit) == 0)
            break;
    }
    if (i == v->n_units)
        return -1;
    snprintf(path, sizeof(path), "units.%zu.role", i);
    const char *role = h->rec_get(rec, path);
    if (role && strcmp(role, "co") == 0)
        return -1;
    if (!role || strcmp(role, "separate") != 0) {
        *category = v->answered ? v->reply_category : NULL;
        return v->answered ? 1 : 0;
    }
    if (!unit_replied(h, rec, v->n_replies, unit))
        return 0;
    for (size_t k = v->n_replies; k > 0; k--) {
        snprintf(path, sizeof(path), "replies.%zu.unit", k - 1);
        const char *by = h->rec_get(rec, path);
        snprintf(path, sizeof(path), "replies.%zu.kind", k - 1);
        const char *kind = h->rec_get(rec, path);
        if (by && strcmp(by, unit) == 0 && (!kind || strcmp(kind, "supplementary") != 0)) {
            snprintf(path, sizeof(path), "replies.%zu.category", k - 1);
            *category = h->rec_get(rec, path);
            break;
        }
    }
    return 1;
}

int pt_view_read(pt_view_t *v, const ptrack_host_t *h, const ptrack_record_t *rec)
{
    pt_str_t lead = v->lead_units, co = v->co_units, signers = v->co_signers;
    memset(v, 0, sizeof(*v));
    v->lead_units = lead;
    v->co_units = co;
    v->co_signers = signers;
    pt_str_clear(&v->lead_units);
    pt_str_clear(&v->co_units);
    pt_str_clear(&v->co_signers);

    v->id = h->rec_get(rec, "id");
    v->number = h->rec_get(rec, "number");
    v->title = h->rec_get(rec, "title");
    v->kind = h->rec_get(rec, "kind");
    v->session = h->rec_get(rec, "session");
    v->delegation = h->rec_get(rec, "delegation");
    v->lead_author = h->rec_get(rec, "lead_author");
    v->category = h->rec_get(rec, "category");
    v->status = h->rec_get(rec, "status");
    v->created_at = h->rec_get(rec, "created_at");
    v->assigned_at = h->rec_get(rec, "assigned_at");
    v->due_at = h->rec_get(rec, "due_at");
    v->updated_at = h->rec_get(rec, "updated_at");
    const char *b = h->rec_get(rec, "overdue");
    v->overdue = b && strcmp(b, "true") == 0;
    b = h->rec_get(rec, "key_supervision");
    v->key_supervision = b && strcmp(b, "true") == 0;

    char path[64];
    v->n_co_signers = h->rec_count(rec, "co_signers");
    for (size_t i = 0; i < v->n_co_signers; i++) {
        snprintf(path, sizeof(path), "co_signers.%zu", i);
        join(&v->co_signers, h->rec_get(rec, path));
    }
    const char *mode = h->rec_get(rec, "handling_mode");
    v->mode = mode && *mode ? mode : NULL;
    v->separate = mode && strcmp(mode, "separate") == 0;
    v->n_units = h->rec_count(rec, "units");
    for (size_t i = 0; i < v->n_units; i++) {
        snprintf(path, sizeof(path), "units.%zu.role", i);
        const char *role = h->rec_get(rec, path);
        snprintf(path, sizeof(path), "units.%zu.name", i);
        const char *name = h->rec_get(rec, path);
        join(role && strcmp(role, "co") == 0 ? &v->co_units : &v->lead_units, name);
    }
    /* The formal answer is the latest reply that is not a supplementary
     * one, once the proposal is answered, as GET /v1/stats counts it. */
    v->n_replies = h->rec_count(rec, "replies");
    v->reply_unit = pt_record_answer(h, rec, "unit");
    v->reply_doc_no = pt_record_answer(h, rec, "doc_no");
    v->reply_category = pt_record_answer(h, rec, "category");
    v->replied_at = pt_record_answer(h, rec, "replied_at");
    v->answered = answered(h, rec);
    size_t n_feedback = h->rec_count(rec, "feedback");
    if (n_feedback) {
        snprintf(path, sizeof(path), "feedback.%zu.satisfaction", n_feedback - 1);
        v->satisfaction = h->rec_get(rec, path);
    }
    if (v->lead_units.oom || v->co_units.oom || v->co_signers.oom)
        return PTRACK_ENOMEM;
    return PTRACK_OK;
}

void pt_view_free(pt_view_t *v)
{
    pt_str_free(&v->lead_units);
    pt_str_free(&v->co_units);
    pt_str_free(&v->co_signers);
}

/* ---- The pass ------------------------------------------------------------------ */

int pt_records_walk(const ptrack_host_t *h, ptrack_job_t *job, pt_view_t *view, pt_record_fn fn,
                    void *ctx)
{
    const ptrack_record_t *rec;
    int rc;
    while ((rc = h->export_next(job, &rec)) == 1) {
        if (view && pt_view_read(view, h, rec) != PTRACK_OK)
            return PTRACK_ENOMEM;
        if ((rc = fn(ctx, rec)) != PTRACK_OK)
            return rc;
    }
    return rc;
}

const char *pt_record_last(const ptrack_host_t *h, const ptrack_record_t *rec, const char *field,
                           const char *member)
{
    size_t n = h->rec_count(rec, field);
    if (n == 0)
        return NULL;
    char path[96];
    snprintf(path, sizeof(path), "%s.%zu.%s", field, n - 1, member);
    return h->rec_get(rec, path);
}

const char *pt_record_answer(const ptrack_host_t *h, const ptrack_record_t *rec, const char *member)
{
    char path[96];
    if (!answered(h, rec))
        return NULL;
    for (size_t i = h->rec_count(rec, "replies"); i > 0; i--) {
        snprintf(path, sizeof(path), "replies.%zu.kind", i - 1);
        const char *kind = h->rec_get(rec, path);
        if (kind && strcmp(kind, "supplementary") == 0)
            continue;
        snprintf(path, sizeof(path), "replies.%zu.%s", i - 1, member);
        return h->rec_get(rec, path);
    }
    return NULL;
}

/*
 * proposal.c - the proposal model: lifetime, deep copy and small queries.
 *
 * Decoding and encoding live in proposal-json.c and the merge patch in
 * proposal-patch.c; this file only knows the struct. Every pointer member is
 * owned by the proposal, so a copy is always deep: the workflow engine works
 * on a copy and only swaps it in when an action has fully succeeded.
 */
#include <stdlib.h>
#include <string.h>

#include "proposal-fields.h"
#include "proposal.h"
#include "timefmt.h"

void pt_proposal_init(pt_proposal_t *p)
{
    memset(p, 0, sizeof(*p));
}

void pt_strv_free(pt_strv_t *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i]);
    free(v->v);
    v->v = NULL;
    v->n = 0;
    v->cap = 0;
}

/* The room doubles, so a long list (an office's enum of many values, a
 * proposal's 1,000 co-signers) costs a few reallocations, not one a name. */
int pt_strv_push(pt_strv_t *v, const char *s)
{
    char *copy = strdup(s ? s : "");

    if (copy == NULL)
        return PT_ENOMEM;
    if (v->n >= v->cap) {
        size_t cap = v->n < 4 ? 4 : v->n * 2;
        char **nv = cap > SIZE_MAX / sizeof(*nv) ? NULL : realloc(v->v, cap * sizeof(*nv));

        if (nv == NULL) {
            free(copy);
            return PT_ENOMEM;
        }
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = copy;
    return PT_OK;
}

static void unit_free(pt_unit_t *u)
{
    free(u->name);
    free(u->role);
    free(u->opinion);
}

static void reply_free(pt_reply_t *r)
{
    free(r->unit);
    free(r->doc_no);
    free(r->category);
    free(r->text);
    free(r->kind);
}

static void feedback_free(pt_feedback_t *f)
{
    free(f->person);
    free(f->satisfaction);
    free(f->comment);
}

void pt_proposal_free(pt_proposal_t *p)
{
    if (p == NULL)
        return;
    free(p->number);
    free(p->kind);
    free(p->session);
    free(p->title);
    free(p->background);
    pt_strv_free(&p->recommendations);
    free(p->submitter_type);
    free(p->lead_author);
    pt_strv_free(&p->co_signers);
    free(p->delegation);
    free(p->category);
    pt_strv_free(&p->tags);
    free(p->status);
    free(p->handling_mode);
    for (size_t i = 0; i < p->n_units; i++)
        unit_free(&p->units[i]);
    free(p->units);
    free(p->supervisor);
    for (size_t i = 0; i < p->n_replies; i++)
        reply_free(&p->replies[i]);
    free(p->replies);
    for (size_t i = 0; i < p->n_feedback; i++)
        feedback_free(&p->feedback[i]);
    free(p->feedback);
    free(p->source_format);
    free(p->source_ref);
    for (size_t i = 0; i < p->n_custom; i++) {
        free(p->custom[i].key);
        free(p->custom[i].value);
    }
    free(p->custom);
    pt_proposal_init(p);
}

/* A heap block of n bytes as the allocator holds it: with its header,
 * rounded up to 16 bytes, 32 at the least (glibc's malloc on a 64-bit
 * system; other allocators differ by a few bytes a block). */
static size_t block_bytes(size_t n)
{
    size_t b = (n + 8 + 15) & ~(size_t)15;
    return b < 32 ? 32 : b;
}

static size_t str_bytes(const char *s)
{
    return s ? block_bytes(strlen(s) + 1) : 0;
}

static size_t strv_bytes(const pt_strv_t *v)
{
    size_t n = v->n ? block_bytes(v->n * sizeof(*v->v)) : 0;
    for (size_t i = 0; i < v->n; i++)
        n += str_bytes(v->v[i]);
    return n;
}

/* Walks the members pt_proposal_free frees: a member added there belongs
 * here too. */
size_t pt_proposal_heap_bytes(const pt_proposal_t *p)
{
    size_t n = str_bytes(p->number) + str_bytes(p->kind) + str_bytes(p->session) +
               str_bytes(p->title) + str_bytes(p->background) + strv_bytes(&p->recommendations) +
               str_bytes(p->submitter_type) + str_bytes(p->lead_author) +
               strv_bytes(&p->co_signers) + str_bytes(p->delegation) + str_bytes(p->category) +
               strv_bytes(&p->tags) + str_bytes(p->status) + str_bytes(p->handling_mode) +
               str_bytes(p->supervisor) + str_bytes(p->source_format) + str_bytes(p->source_ref);
    if (p->n_units)
        n += block_bytes(p->n_units * sizeof(*p->units));
    for (size_t i = 0; i < p->n_units; i++)
        n += str_bytes(p->units[i].name) + str_bytes(p->units[i].role) +
             str_bytes(p->units[i].opinion);
    if (p->n_replies)
        n += block_bytes(p->n_replies * sizeof(*p->replies));
    for (size_t i = 0; i < p->n_replies; i++) {
        const pt_reply_t *r = &p->replies[i];
        n += str_bytes(r->unit) + str_bytes(r->doc_no) + str_bytes(r->category) +
             str_bytes(r->text) + str_bytes(r->kind);
    }
    if (p->n_feedback)
        n += block_bytes(p->n_feedback * sizeof(*p->feedback));
    for (size_t i = 0; i < p->n_feedback; i++)
        n += str_bytes(p->feedback[i].person) + str_bytes(p->feedback[i].satisfaction) +
             str_bytes(p->feedback[i].comment);
    if (p->n_custom)
        n += block_bytes(p->n_custom * sizeof(*p->custom));
    for (size_t i = 0; i < p->n_custom; i++)
        n += str_bytes(p->custom[i].key) + str_bytes(p->custom[i].value);
    return n;
}

/* Copies an optional string; *ok turns false when memory ran out, so that a
 * run of copies can be checked once at the end. */
static char *dup_opt(const char *s, bool *ok)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    if (d == NULL)
        *ok = false;
    return d;
}

static void strv_copy(pt_strv_t *dst, const pt_strv_t *src, bool *ok)
{
    dst->v = NULL;
    dst->n = 0;
    dst->cap = 0;
    for (size_t i = 0; i < src->n && *ok; i++)
        if (pt_strv_push(dst, src->v[i]) != PT_OK)
            *ok = false;
}

/* calloc of zero elements may return NULL legitimately; an empty array is
 * kept as NULL so that "NULL" never means "out of memory" by mistake. */
static void *array_dup(size_t n, size_t size, bool *ok)
{
    void *a;

    if (n == 0)
        return NULL;
    a = calloc(n, size);
    if (a == NULL)
        *ok = false;
    return a;
}

int pt_proposal_copy(pt_proposal_t *dst, const pt_proposal_t *src)
{
    bool ok = true;

    /* Scalars first, then every pointer member is replaced by its own copy;
     * on failure the partial copy is freed, which is safe because the
     * members not yet copied have been zeroed. */
    *dst = *src;
    dst->number = dup_opt(src->number, &ok);
    dst->kind = dup_opt(src->kind, &ok);
    dst->session = dup_opt(src->session, &ok);
    dst->title = dup_opt(src->title, &ok);
    dst->background = dup_opt(src->background, &ok);
    strv_copy(&dst->recommendations, &src->recommendations, &ok);
    dst->submitter_type = dup_opt(src->submitter_type, &ok);
    dst->lead_author = dup_opt(src->lead_author, &ok);
    strv_copy(&dst->co_signers, &src->co_signers, &ok);
    dst->delegation = dup_opt(src->delegation, &ok);
    dst->category = dup_opt(src->category, &ok);
    strv_copy(&dst->tags, &src->tags, &ok);
    dst->status = dup_opt(src->status, &ok);
    dst->handling_mode = dup_opt(src->handling_mode, &ok);
    dst->supervisor = dup_opt(src->supervisor, &ok);
    dst->source_format = dup_opt(src->source_format, &ok);
    dst->source_ref = dup_opt(src->source_ref, &ok);

    dst->n_units = dst->n_replies = dst->n_feedback = dst->n_custom = 0;
    dst->units = array_dup(src->n_units, sizeof(*dst->units), &ok);
    dst->replies = array_dup(src->n_replies, sizeof(*dst->replies), &ok);
    dst->feedback = array_dup(src->n_feedback, sizeof(*dst->feedback), &ok);
    dst->custom = array_dup(src->n_custom, sizeof(*dst->custom), &ok);
    if (!ok)
        goto fail;
    dst->n_units = src->n_units;
    for (size_t i = 0; i < src->n_units; i++) {
        const pt_unit_t *s = &src->units[i];
        pt_unit_t *d = &dst->units[i];

        d->name = dup_opt(s->name, &ok);
        d->role = dup_opt(s->role, &ok);
        d->signed_at = s->signed_at;
        d->opinion_at = s->opinion_at;
        d->opinion = dup_opt(s->opinion, &ok);
    }
    dst->n_replies = src->n_replies;
    for (size_t i = 0; i < src->n_replies; i++) {
        const pt_reply_t *s = &src->replies[i];
        pt_reply_t *d = &dst->replies[i];

        d->unit = dup_opt(s->unit, &ok);
        d->doc_no = dup_opt(s->doc_no, &ok);
        d->category = dup_opt(s->category, &ok);
        d->text = dup_opt(s->text, &ok);
        d->replied_at = s->replied_at;
        d->kind = dup_opt(s->kind, &ok);
    }
    dst->n_feedback = src->n_feedback;
    for (size_t i = 0; i < src->n_feedback; i++) {
        const pt_feedback_t *s = &src->feedback[i];
        pt_feedback_t *d = &dst->feedback[i];

        d->person = dup_opt(s->person, &ok);
        d->satisfaction = dup_opt(s->satisfaction, &ok);
        d->comment = dup_opt(s->comment, &ok);
        d->at = s->at;
    }
    dst->n_custom = src->n_custom;
    for (size_t i = 0; i < src->n_custom; i++) {
        dst->custom[i].key = dup_opt(src->custom[i].key, &ok);
        dst->custom[i].value = dup_opt(src->custom[i].value, &ok);
    }
    if (ok)
        return PT_OK;
fail:
    pt_proposal_free(dst);
    return PT_ENOMEM;
}

pt_unit_t *pt_proposal_find_unit(const pt_proposal_t *p, const char *name)
{
    if (p == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < p->n_units; i++)
        if (p->units[i].name && strcmp(p->units[i].name, name) == 0)
            return &p->units[i];
    return NULL;
}

/* "Open, due_at passed, not replied" (docs/api.md): the workflow says
 * through `clock` whether the state is one where the deadline runs, which
 * already excludes replied, closed and the other terminal states. The due
 * moment itself still counts as in time. */
bool pt_proposal_is_overdue(const pt_proposal_t *p, bool clock, int64_t now)
{
    return p != NULL && clock && p->due_at != 0 && now > p->due_at;
}

bool pt_proposal_reply_counts(const pt_proposal_t *p, const pt_reply_t *r)
{
    /* A supplementary reply (follow_up) adds to an answer; it is none. */
    if (r->kind && strcmp(r->kind, "supplementary") == 0)
        return false;
    return p->replies_from == 0 || r->replied_at >= p->replies_from;
}

bool pt_proposal_unit_replied(const pt_proposal_t *p, const char *unit)
{
    for (size_t k = 0; k < p->n_replies; k++)
        if (p->replies[k].unit && strcmp(p->replies[k].unit, unit) == 0 &&
            pt_proposal_reply_counts(p, &p->replies[k]))
            return true;
    return false;
}

/* Whether the unit at index i has answered its part, given whether it has
 * replied and how many of the proposal's units have not. */
static bool unit_answered_at(const pt_proposal_t *p, size_t i, bool replied, size_t waiting)
{
    const char *role = p->units[i].role;
    /* A co unit's part is its opinion, which the lead unit waits for. */
    if (role && strcmp(role, "co") == 0)
        return p->units[i].opinion_at != 0;
    /* Only separate mode waits for each unit's own reply. */
    return replied && waiting > 0 && p->handling_mode && strcmp(p->handling_mode, "separate") == 0;
}

void pt_proposal_units_answered(const pt_proposal_t *p, bool *answered)
{
    size_t waiting = 0;
    for (size_t i = 0; i < p->n_units; i++) {
        answered[i] = p->units[i].name && pt_proposal_unit_replied(p, p->units[i].name);
        waiting += !answered[i];
    }
    for (size_t i = 0; i < p->n_units; i++)
        answered[i] = unit_answered_at(p, i, answered[i], waiting);
}

bool pt_proposal_unit_answered(const pt_proposal_t *p, const char *unit)
{
    /* The first unit of that name, as the store keeps one row a name. */
    size_t at = p->n_units, waiting = 0;
    for (size_t i = 0; i < p->n_units; i++) {
        if (!p->units[i].name)
            continue;
        if (at == p->n_units && strcmp(p->units[i].name, unit) == 0)
            at = i;
        waiting += !pt_proposal_unit_replied(p, p->units[i].name);
    }
    return at < p->n_units && unit_answered_at(p, at, pt_proposal_unit_replied(p, unit), waiting);
}

bool pt_proposal_answered(const pt_proposal_t *p)
{
    bool replied = false;
    for (size_t k = 0; k < p->n_replies && !replied; k++)
        replied = pt_proposal_reply_counts(p, &p->replies[k]);
    if (!replied)
        return false;
    if (!p->handling_mode || strcmp(p->handling_mode, "separate") != 0)
        return true;
    for (size_t i = 0; i < p->n_units; i++)
        if (!pt_proposal_unit_replied(p, p->units[i].name))
            return false;
    return true;
}

void pt_proposal_units_replies(const pt_proposal_t *p, bool *replied, const char **category)
{
    bool answered = pt_proposal_answered(p);
    const char *answer = answered ? pt_proposal_reply_category(p) : NULL;
    for (size_t i = 0; i < p->n_units; i++) {
        const pt_unit_t *u = &p->units[i];
        replied[i] = false;
        category[i] = NULL;
        if (u->role && strcmp(u->role, "co") == 0)
            continue;
        if (!u->role || strcmp(u->role, "separate") != 0) {
            replied[i] = answered;
            category[i] = answer;
            continue;
        }
        replied[i] = u->name && pt_proposal_unit_replied(p, u->name);
        /* Its latest reply that is not supplementary, the last in the
         * list as the proposal's is (pt_proposal_reply_category). */
        for (size_t k = p->n_replies; replied[i] && k > 0; k--) {
            const pt_reply_t *r = &p->replies[k - 1];
            if (r->unit && strcmp(r->unit, u->name) == 0 &&
                (!r->kind || strcmp(r->kind, "supplementary") != 0)) {
                category[i] = r->category;
                break;
            }
        }
    }
}

bool pt_proposal_units_fit(const pt_proposal_t *p, pt_error_t *err)
{
    if (p->n_units == 0)
        return true;
    bool fit = true;
    size_t leads = 0, cos = 0, seps = 0;
    for (size_t i = 0; i < p->n_units; i++) {
        const char *role = p->units[i].role;
        leads += strcmp(role, "lead") == 0;
        cos += strcmp(role, "co") == 0;
        seps += strcmp(role, "separate") == 0;
        for (size_t k = 0; k < i; k++)
            if (strcmp(p->units[k].name, p->units[i].name) == 0) {
                pt_error_add_field(err, "units", "\"%s\" is given twice", p->units[i].name);
                fit = false;
                break;
            }
    }
    const char *mode = p->handling_mode;
    if (!mode) {
        pt_error_add_field(err, "handling_mode", "required when there are units");
        pt_error_summarize(err);
        return false;
    }
    if (strcmp(mode, "single") == 0 && (p->n_units != 1 || leads != 1)) {
        pt_error_add_field(err, "units",
                           "single mode takes one unit, its role lead (got %zu units)", p->n_units);
        fit = false;
    } else if (strcmp(mode, "lead_co") == 0 && (leads != 1 || seps != 0)) {
        pt_error_add_field(err, "units",
                           "lead_co mode takes one lead unit and co units (got %zu lead, %zu co, "
                           "%zu separate)",
                           leads, cos, seps);
        fit = false;
    } else if (strcmp(mode, "separate") == 0 && seps != p->n_units) {
        pt_error_add_field(err, "units",
                           "separate mode takes units whose role is separate (got %zu lead, %zu "
                           "co)",
                           leads, cos);
        fit = false;
    }
    if (!fit)
        pt_error_summarize(err);
    return fit;
}

bool pt_proposal_replies_from_fits(const pt_proposal_t *p, pt_error_t *err)
{
    if (p->replies_from == 0)
        return true;
    if (p->n_replies == 0) {
        pt_error_add_field(err, "replies_from",
                           "only an assignment that came after a reply sets it, and the record "
                           "has no replies");
        pt_error_summarize(err);
        return false;
    }
    int64_t latest = p->assigned_at;
    for (size_t k = 0; k < p->n_replies; k++)
        if (p->replies[k].replied_at + 1 > latest)
            latest = p->replies[k].replied_at + 1;
    if (p->replies_from <= latest)
        return true;
    char at[40];
    pt_error_add_field(err, "replies_from",
                       "later than the record's assigned_at and each of its replies (%s at the "
                       "latest): an assignment that came after a reply sets it to its own time",
                       pt_time_format(latest, at, sizeof(at)));
    pt_error_summarize(err);
    return false;
}

const char *pt_proposal_reply_category(const pt_proposal_t *p)
{
    for (size_t i = p->n_replies; i > 0; i--) {
        const pt_reply_t *r = &p->replies[i - 1];
        if (!r->kind || strcmp(r->kind, "supplementary") != 0)
            return r->category;
    }
    return NULL;
}

/*
 * proposal-patch.c - RFC 7396 JSON merge patch of a proposal's editable
 * fields (PATCH /v1/proposals/{id}).
 *
 * The patch is applied to a deep copy; only when every member of the patch
 * was valid is the copy swapped in. That is what makes "on error *p is
 * untouched" true without a second, separate validation pass that could
 * drift from the real decoding.
 */
#include <stdlib.h>
#include <string.h>

#include "proposal-fields.h"

/* Why a field that exists cannot be patched, in words a client can act on. */
static const char *not_editable_why(const pt_pfield_t *f)
{
    if (strcmp(f->name, "status") == 0)
        return "cannot be edited; it changes only through workflow actions";
    if (f->type == PF_OVERDUE)
        return "cannot be edited; it is computed from due_at";
    if (strcmp(f->name, "key_supervision") == 0 || strcmp(f->name, "supervisor") == 0)
        return "cannot be edited; use the supervise action";
    return "cannot be edited";
}

/* Adds {name: {from, to}} to changed when the field's JSON differs between
 * the two proposals. */
static int note_change(cJSON *changed, const pt_pfield_t *f, const pt_proposal_t *before,
                       const pt_proposal_t *after)
{
    cJSON *from = pt_pfield_encode(f, before, false, 0);
    cJSON *to = pt_pfield_encode(f, after, false, 0);
    cJSON *entry;

    if (from == NULL || to == NULL)
        goto oom;
    if (cJSON_Compare(from, to, true)) {
        cJSON_Delete(from);
        cJSON_Delete(to);
        return PT_OK;
    }
    entry = cJSON_CreateObject();
    if (entry == NULL)
        goto oom;
    cJSON_AddItemToObject(entry, "from", from);
    cJSON_AddItemToObject(entry, "to", to);
    cJSON_AddItemToObject(changed, f->name, entry);
    return PT_OK;
oom:
    cJSON_Delete(from);
    cJSON_Delete(to);
    return PT_ENOMEM;
}

int pt_proposal_patch(pt_proposal_t *p, const cJSON *patch, const pt_validate_opts_t *opts,
                      cJSON **changed, pt_error_t *err)
{
    pt_proposal_t tmp;
    const cJSON *m;
    cJSON *diff;
    int problems = 0, rc;

    static const pt_validate_opts_t any = {0};

    if (!opts)
        opts = &any; /* a patch is a client's: bounded (pt_pfield_decode) */
    if (changed)
        *changed = NULL;
    /* RFC 7396 lets a non-object patch replace the whole document, which is
     * never what a client of this API means; it is refused instead. */
    if (!cJSON_IsObject(patch)) {
        pt_error_add_field(err, "body", "must be a JSON object");
        pt_error_set(err, PT_EVALIDATION, "a merge patch must be a JSON object");
        return PT_EVALIDATION;
    }
    if (pt_proposal_copy(&tmp, p) != PT_OK)
        return pt_error_set(err, PT_ENOMEM, "out of memory while patching a proposal");

    cJSON_ArrayForEach(m, patch)
    {
        const pt_pfield_t *f = pt_pfield_find(m->string);

        if (f == NULL) {
            pt_error_add_field(err, m->string, "unknown field");
            problems++;
            continue;
        }
        if (!(f->flags & PF_EDIT)) {
            pt_error_add_field(err, f->name, "%s", not_editable_why(f));
            problems++;
            continue;
        }
        if (cJSON_IsNull(m)) {
            if (f->type == PF_TITLE) {
                pt_error_add_field(err, f->name, "cannot be cleared");
                problems++;
            } else {
                pt_pfield_clear(f, &tmp);
            }
            continue;
        }
        /* custom is merged key by key, as RFC 7396 does for nested objects. */
        if (f->type == PF_CUSTOM)
            rc = pt_custom_merge(m, true, true, &tmp.custom, &tmp.n_custom, err);
        else
            rc = pt_pfield_decode(f, m, &tmp, opts, err);
        if (rc == PT_ENOMEM)
            goto oom;
        if (rc != PT_OK)
            problems++;
    }
    if (problems) {
        pt_proposal_free(&tmp);
        pt_error_summarize(err);
        return PT_EVALIDATION;
    }

    diff = cJSON_CreateObject();
    if (diff == NULL)
        goto oom;
    for (size_t i = 0; i < pt_n_pfields; i++) {
        if (!(pt_pfields[i].flags & PF_EDIT))
            continue;
        if (note_change(diff, &pt_pfields[i], p, &tmp) != PT_OK) {
            cJSON_Delete(diff);
            goto oom;
        }
    }
    pt_proposal_free(p);
    *p = tmp;
    if (changed)
        *changed = diff;
    else
        cJSON_Delete(diff);
    return PT_OK;
oom:
    pt_proposal_free(&tmp);
    return pt_error_set(err, PT_ENOMEM, "out of memory while patching a proposal");
}

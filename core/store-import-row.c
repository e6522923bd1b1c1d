/*
 * store-import-row.c - an imported record, checked and rendered on the
 * import's thread, in the form it is staged in and stored from.
 *
 * A record is checked and rendered where the import reads its file, so
 * that the move on the writer's thread only inserts rows: it neither parses
 * JSON nor renders a document.
 */
#include "store-sqlite.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "timefmt.h"

/* The row holds the columns, the side tables' lists and the
 * document without its first member ("id") and its last three ("version",
 * "created_at", "updated_at"), which only the move knows; pt_import_row_doc
 * puts them around it. One allocation, so that it can be staged as it is and
 * freed with free(). */
struct pt_import_row_s {
    uint32_t size; /* of the whole row, this member included */
    uint32_t n_units, n_tags, n_people;
    int64_t created_at, updated_at, assigned_at, due_at; /* 0: none (created: the move's time) */
    /* The record's id and merged_into where it came from (an export of a
     * ptrack): 0 when it had none. The move maps a merge into a proposal of
     * the same import to that proposal's new id. */
    int64_t old_id, old_merged_into;
    /* The record's place among its import's records, counted from 1 (0:
     * not said): rejects are listed in this order. */
    int64_t record;
    uint8_t key_supervision, clock, replied, pad_;
    /* Then, one after another: the strings of ROW_TEXTS, each a byte that
     * says whether it is set and its NUL-ended text; the middle of the
     * document, NUL-ended; then the units (PT_ROW_UNIT_STRINGS each), the
     * tags and the people, NUL-ended each. */
    char text[];
};

_Static_assert(offsetof(pt_import_row_t, text) == PT_IMPORT_ROW_MIN,
               "PT_IMPORT_ROW_MIN is the size of a row's fixed part");

uint32_t pt_import_row_size(const pt_import_row_t *row)
{
    return row->size;
}

void pt_import_row_ids(const pt_import_row_t *row, int64_t *old_id, int64_t *old_merged_into)
{
    *old_id = row->old_id;
    *old_merged_into = row->old_merged_into;
}

void pt_import_row_set_record(pt_import_row_t *row, int64_t record)
{
    row->record = record;
}

int64_t pt_import_row_record(const pt_import_row_t *row)
{
    return row->record;
}

enum {
    ROW_NUMBER,
    ROW_SESSION,
    ROW_KIND,
    ROW_STATUS,
    ROW_DELEGATION,
    ROW_CATEGORY,
    ROW_REPLY_CATEGORY,
    ROW_SATISFACTION,
    ROW_SOURCE_FORMAT,
    ROW_SOURCE_REF,
    ROW_PLACE, /* where the record is in its file ("line 12"), for messages */
    ROW_TEXTS
};

/* The document's first member as rendered for the check, and where its
 * last three begin: pt_proposal_to_text writes the fields in their table's
 * order, id first and version, created_at, updated_at last. */
static const char doc_head[] = "{\"id\":1,";
static const char doc_tail[] = ",\"version\":";

typedef struct {
    char *d;
    size_t len, cap;
} rowbuf_t;

static bool rb_put(rowbuf_t *b, const void *s, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 2048;
        while (cap < b->len + n)
            cap *= 2;
        char *d = realloc(b->d, cap);
        if (!d)
            return false;
        b->d = d;
        b->cap = cap;
    }
    memcpy(b->d + b->len, s, n);
    b->len += n;
    return true;
}

static bool rb_str(rowbuf_t *b, const char *s)
{
    return rb_put(b, s, strlen(s) + 1);
}

/* A string of ROW_TEXTS: set or not, then its text. */
static bool rb_opt(rowbuf_t *b, const char *s)
{
    char set = s != NULL;
    return rb_put(b, &set, 1) && rb_str(b, s ? s : "");
}

/* Where the middle of a document rendered with id 1 ends (the comma
 * before "version"), or NULL when it is not laid out as pt_import_row_doc expects. */
static const char *doc_middle_end(const char *doc, size_t len)
{
    if (len < sizeof(doc_head) - 1 || memcmp(doc, doc_head, sizeof(doc_head) - 1) != 0)
        return NULL;
    for (const char *c = doc + len; c-- > doc;) {
        if (*c == ',' && strncmp(c, doc_tail, sizeof(doc_tail) - 1) == 0)
            return c;
    }
    return NULL;
}

/* Makes the row of a checked proposal whose document (rendered with id 1)
 * is doc, its middle ending at tail. NULL: out of memory. */
static pt_import_row_t *row_make(const pt_proposal_t *p, bool clock, const char *doc,
                                 const char *tail, int64_t old_id, int64_t old_merged_into,
                                 const char *place)
{
    size_t head = sizeof(doc_head) - 2; /* the comma stays with the middle */
    pt_import_row_t r = {
        .old_id = old_id,
        .old_merged_into = old_merged_into,
        .created_at = p->created_at,
        .updated_at = p->updated_at,
        .assigned_at = p->assigned_at,
        .due_at = p->due_at,
        .key_supervision = p->key_supervision,
        .clock = clock,
        .replied = pt_proposal_answered(p),
    };
    rowbuf_t b = {0};
    bool ok = rb_put(&b, &r, offsetof(pt_import_row_t, text));
    const char *texts[ROW_TEXTS] = {
        [ROW_NUMBER] = p->number,
        [ROW_SESSION] = p->session,
        [ROW_KIND] = p->kind,
        [ROW_STATUS] = p->status,
        [ROW_DELEGATION] = p->delegation,
        [ROW_CATEGORY] = p->category,
        [ROW_REPLY_CATEGORY] = pt_proposal_reply_category(p),
        [ROW_SATISFACTION] = p->n_feedback ? p->feedback[p->n_feedback - 1].satisfaction : NULL,
        [ROW_SOURCE_FORMAT] = p->source_format,
        [ROW_SOURCE_REF] = p->source_ref,
        [ROW_PLACE] = place,
    };
    for (int i = 0; i < ROW_TEXTS; i++)
        ok = ok && rb_opt(&b, texts[i]);
    char nul = '\0';
    ok = ok && rb_put(&b, doc + head, (size_t)(tail - doc) - head) && rb_put(&b, &nul, 1);
    /* Whether each unit has answered its part, and whether it has replied
     * as its figures count it (the second half), with what category. */
    bool *answered = p->n_units ? malloc(p->n_units * 2 * sizeof(*answered)) : NULL;
    const char **category = p->n_units ? malloc(p->n_units * sizeof(*category)) : NULL;
    ok = ok && (!p->n_units || (answered && category));
    if (ok && p->n_units) {
        pt_proposal_units_answered(p, answered);
        pt_proposal_units_replies(p, answered + p->n_units, category);
    }
    for (size_t i = 0; ok && i < p->n_units; i++)
        ok = rb_str(&b, p->units[i].name) &&
             rb_str(&b, p->units[i].role ? p->units[i].role : "lead") &&
             rb_str(&b, answered[i] ? "1" : "0") && rb_str(&b, p->units[i].signed_at ? "1" : "0") &&
             rb_str(&b, answered[p->n_units + i] ? "1" : "0") &&
             rb_str(&b, category[i] ? category[i] : "");
    free(answered);
    free(category);
    for (size_t i = 0; i < p->tags.n; i++)
        ok = ok && rb_str(&b, p->tags.v[i]);
    uint32_t people = 0;
    for (size_t i = 0; i <= p->co_signers.n; i++) {
        const char *person = i == 0 ? p->lead_author : p->co_signers.v[i - 1];
        if (person && *person) {
            ok = ok && rb_str(&b, person);
            people++;
        }
    }
    /* Padded to the row's alignment, so that rows staged one after
     * another each begin aligned. */
    static const char pad[_Alignof(pt_import_row_t)];
    size_t over = b.len % _Alignof(pt_import_row_t);
    ok = ok && (over == 0 || rb_put(&b, pad, sizeof(pad) - over));
    if (!ok || b.len > UINT32_MAX) {
        free(b.d);
        return NULL;
    }
    pt_import_row_t *row = (pt_import_row_t *)b.d;
    row->size = (uint32_t)b.len;
    row->n_units = (uint32_t)p->n_units;
    row->n_tags = (uint32_t)p->tags.n;
    row->n_people = people;
    return row;
}

void pt_import_row_read(const pt_import_row_t *row, pt_new_row_t *r, const char **mid,
                        size_t *mid_len, const char **place)
{
    const char *c = row->text;
    const char *texts[ROW_TEXTS];
    for (int i = 0; i < ROW_TEXTS; i++) {
        bool set = *c++ != 0;
        texts[i] = set ? c : NULL;
        c += strlen(c) + 1;
    }
    *place = texts[ROW_PLACE];
    *mid = c;
    *mid_len = strlen(c);
    c += *mid_len + 1;
    memset(r, 0, sizeof(*r));
    r->c = (pt_cols_t){
        .number = texts[ROW_NUMBER],
        .session = texts[ROW_SESSION],
        .kind = texts[ROW_KIND],
        .status = texts[ROW_STATUS],
        .delegation = texts[ROW_DELEGATION],
        .category = texts[ROW_CATEGORY],
        .reply_category = texts[ROW_REPLY_CATEGORY],
        .satisfaction = texts[ROW_SATISFACTION],
        .source_format = texts[ROW_SOURCE_FORMAT],
        .source_ref = texts[ROW_SOURCE_REF],
        .created_at = row->created_at,
        .updated_at = row->updated_at,
        .assigned_at = row->assigned_at,
        .due_at = row->due_at,
        .key_supervision = row->key_supervision,
        .clock = row->clock,
        .replied = row->replied,
    };
    r->n_units = row->n_units;
    r->units = c;
    for (uint32_t i = 0; i < PT_ROW_UNIT_STRINGS * row->n_units; i++)
        c += strlen(c) + 1;
    r->n_tags = row->n_tags;
    r->tags = c;
    for (uint32_t i = 0; i < row->n_tags; i++)
        c += strlen(c) + 1;
    r->n_people = row->n_people;
    r->people = c;
}

char *pt_import_row_doc(const char *mid, size_t mid_len, const pt_cols_t *c)
{
    char created[40], updated[40];
    pt_time_format(c->created_at, created, sizeof(created));
    pt_time_format(c->updated_at, updated, sizeof(updated));
    size_t cap = mid_len + 160;
    char *doc = malloc(cap);
    if (!doc)
        return NULL;
    int n = snprintf(doc, cap, "{\"id\":%lld", (long long)c->id);
    memcpy(doc + n, mid, mid_len);
    snprintf(doc + n + mid_len, cap - (size_t)n - mid_len,
             ",\"version\":%lld,\"created_at\":\"%s\",\"updated_at\":\"%s\"}",
             (long long)c->version, created, updated);
    return doc;
}

int pt_store_import_check(pt_store_t *s, const cJSON *record, const char *place,
                          pt_import_row_t **row, pt_error_t *err)
{
    const pt_workflow_t *wf = s->opts.workflow;
    *row = NULL;
    bool stored = cJSON_GetObjectItemCaseSensitive(record, "id") ||
                  cJSON_GetObjectItemCaseSensitive(record, "version") ||
                  cJSON_GetObjectItemCaseSensitive(record, "created_at");
    pt_proposal_t p;
    int rc = pt_proposal_from_json(record, stored ? PT_DECODE_STORED : PT_DECODE_CREATE,
                                   &s->opts.validate, &p, err);
    if (rc != PT_OK)
        return rc;
    if (!pt_proposal_units_fit(&p, err) || !pt_proposal_replies_from_fits(&p, err)) {
        pt_proposal_free(&p);
        return PT_EVALIDATION;
    }
    if (!p.status) {
        p.status = strdup(pt_workflow_default_state(wf));
        if (!p.status) {
            pt_proposal_free(&p);
            return pt_error_set(err, PT_ENOMEM, "out of memory");
        }
    } else if (stored ? !pt_workflow_has_state(wf, p.status)
                      : !pt_workflow_is_initial(wf, p.status)) {
        pt_error_set(err, PT_EVALIDATION, "status: \"%s\" is not a state %s", p.status,
                     stored ? "of the workflow" : "a proposal can be created in");
        pt_error_add_field(err, "status", "\"%s\" is not a state %s", p.status,
                           stored ? "of the workflow" : "a proposal can be created in");
        pt_proposal_free(&p);
        return PT_EVALIDATION;
    }
    /* A stored proposal is taken in its own state, which the workflow
     * could only have led it into with what that state implies: a record
     * in "handling" without units could then run no action but withdraw. */
    if (stored && pt_workflow_check_stored(wf, &p, err) != PT_OK) {
        pt_proposal_free(&p);
        return PT_EVALIDATION;
    }
    /* The proposal is new here: its old id means nothing in this store, nor
     * does a merge into another of the old ids, unless that one comes in
     * the same import (the move maps it). The id and version are
     * placeholders that the move replaces (pt_import_row_doc). */
    int64_t old_id = stored ? p.id : 0, old_merged_into = p.merged_into;
    p.id = 1;
    p.version = 1;
    p.merged_into = 0;
    size_t len;
    bool clock = pt_workflow_clock_runs(wf, p.status);
    char *doc = pt_proposal_to_text(&p, false, clock, 0, &len);
    const char *tail = doc ? doc_middle_end(doc, len) : NULL;
    if (doc && !tail)
        rc = pt_error_set(err, PT_EINTERNAL, "a proposal's document is not laid out as expected");
    else if (!doc || !(*row = row_make(&p, clock, doc, tail, old_id, old_merged_into, place)))
        rc = pt_error_set(err, PT_ENOMEM, "out of memory");
    free(doc);
    pt_proposal_free(&p);
    return rc;
}

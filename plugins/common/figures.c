/*
 * figures.c - tallies and the figures of an export (see figures.h).
 */
#include "figures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"

/* ---- Tallies ---------------------------------------------------------------- */

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

size_t pt_tallies_find(const pt_tallies_t *t, const char *name)
{
    if (!t->n_slots)
        return (size_t)-1;
    for (size_t i = hash(name) & (t->n_slots - 1);; i = (i + 1) & (t->n_slots - 1)) {
        if (!t->slots[i])
            return (size_t)-1;
        if (strcmp(t->items[t->slots[i] - 1].name, name) == 0)
            return t->slots[i] - 1;
    }
}

static int rehash(pt_tallies_t *t, size_t n_slots)
{
    size_t *slots = calloc(n_slots, sizeof(*slots));
    if (!slots)
        return PTRACK_ENOMEM;
    for (size_t k = 0; k < t->n; k++) {
        size_t i = hash(t->items[k].name) & (n_slots - 1);
        while (slots[i])
            i = (i + 1) & (n_slots - 1);
        slots[i] = k + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
    return PTRACK_OK;
}

int pt_tallies_add(pt_tallies_t *t, const char *name, size_t *index)
{
    size_t k = pt_tallies_find(t, name);
    if (k == (size_t)-1) {
        /* Keep the table at most half full so that probes stay short. */
        if ((t->n + 1) * 2 > t->n_slots && rehash(t, t->n_slots ? t->n_slots * 2 : 16) != 0)
            return PTRACK_ENOMEM;
        if (t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 16;
            pt_tally_t *items = realloc(t->items, cap * sizeof(*items));
            if (!items)
                return PTRACK_ENOMEM;
            t->items = items;
            t->cap = cap;
        }
        char *copy = strdup(name);
        if (!copy)
            return PTRACK_ENOMEM;
        k = t->n++;
        t->items[k].name = copy;
        t->items[k].count = 0;
        size_t i = hash(name) & (t->n_slots - 1);
        while (t->slots[i])
            i = (i + 1) & (t->n_slots - 1);
        t->slots[i] = k + 1;
    }
    t->items[k].count++;
    if (index)
        *index = k;
    return PTRACK_OK;
}

void pt_tallies_free(pt_tallies_t *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->items[i].name);
    free(t->items);
    free(t->slots);
    memset(t, 0, sizeof(*t));
}

/* qsort has no context argument in C11: the table being sorted is passed
 * in front of each index instead. */
typedef struct {
    const pt_tallies_t *t;
    size_t i;
    int state_order; /* by state: the state's place in the workflow */
} order_item_t;

static int by_count(const void *a, const void *b)
{
    const order_item_t *x = a, *y = b;
    const pt_tally_t *p = &x->t->items[x->i], *q = &y->t->items[y->i];
    if (p->count != q->count)
        return p->count > q->count ? -1 : 1;
    return strcmp(p->name, q->name);
}

static int by_state(const void *a, const void *b)
{
    const order_item_t *x = a, *y = b;
    const pt_tally_t *p = &x->t->items[x->i], *q = &y->t->items[y->i];
    if (x->state_order != y->state_order)
        return x->state_order < y->state_order ? -1 : 1;
    return strcmp(p->name, q->name);
}

size_t *pt_tallies_order(const pt_tallies_t *t, int count_order, const pt_wf_t *wf)
{
    if (!t->n)
        return NULL;
    order_item_t *items = malloc(t->n * sizeof(*items));
    size_t *out = malloc(t->n * sizeof(*out));
    if (!items || !out) {
        free(items);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < t->n; i++)
        items[i] = (order_item_t){t, i, count_order ? 0 : pt_wf_state_order(wf, t->items[i].name)};
    qsort(items, t->n, sizeof(*items), count_order ? by_count : by_state);
    for (size_t i = 0; i < t->n; i++)
        out[i] = items[i].i;
    free(items);
    return out;
}

/* ---- Figures ------------------------------------------------------------------ */

int pt_figures_add(pt_figures_t *f, const pt_view_t *v, const ptrack_host_t *h,
                   const ptrack_record_t *rec)
{
    f->total++;
    f->motions += v->kind && strcmp(v->kind, "motion") == 0;
    f->proposals += v->kind && strcmp(v->kind, "proposal") == 0;
    f->overdue += v->overdue;
    f->key_supervision += v->key_supervision;
    /* Answered counts as assigned, as GET /v1/stats counts it: an
     * imported ledger may have no 交办时间. A unit's figures count its own
     * answer, and none where it owes no reply (-1). */
    const char *category = v->reply_category;
    int answered = f->unit ? pt_view_unit_answer(v, h, rec, f->unit, &category) : v->answered;
    if (answered >= 0 && (v->assigned_at || answered)) {
        f->assigned++;
        f->replied += answered;
    }
    if (v->satisfaction) {
        f->rated++;
        f->satisfied += strcmp(v->satisfaction, "satisfied") == 0 ||
                        strcmp(v->satisfaction, "basically_satisfied") == 0;
    }
    /* Of the proposals answered (办复), as GET /v1/stats counts them. */
    if (answered > 0 && category && category[0] >= 'A' && category[0] <= 'D' && !category[1])
        f->categories[category[0] - 'A']++;
    if (pt_tallies_add(&f->by_status, v->status ? v->status : "", NULL) != PTRACK_OK)
        return PTRACK_ENOMEM;
    /* By unit: every unit a proposal is assigned to counts it once, as the
     * proposal_units rows of GET /v1/stats do. */
    char path[64];
    for (size_t i = 0; i < v->n_units; i++) {
        snprintf(path, sizeof(path), "units.%zu.name", i);
        const char *name = h->rec_get(rec, path);
        if (name && *name && pt_tallies_add(&f->by_unit, name, NULL) != PTRACK_OK)
            return PTRACK_ENOMEM;
    }
    return PTRACK_OK;
}

void pt_figures_free(pt_figures_t *f)
{
    pt_tallies_free(&f->by_status);
    pt_tallies_free(&f->by_unit);
}

int64_t pt_rate_tenths(int64_t num, int64_t den)
{
    /* Rounded half up in integers (4 of 6 is 66.7%), except that only all
     * is 100.0% and only none is 0.0%: 19,999 of 20,000 is 99.9%, 1 of
     * 20,000 is 0.1%. `ptrack stats` shows a rate by the same rule
     * (cli/cmd-stats.c). */
    int64_t tenths = (num * 2000 + den) / (den * 2);
    if (tenths >= 1000 && num < den)
        tenths = 999;
    else if (tenths <= 0 && num > 0)
        tenths = 1;
    return tenths;
}

void pt_rate_text(int64_t num, int64_t den, char buf[16])
{
    if (den <= 0)
        snprintf(buf, 16, "—");
    else
        snprintf(buf, 16, "%.1f%%", (double)pt_rate_tenths(num, den) / 10.0);
}

const char *pt_figures_noun(const pt_figures_t *f)
{
    if (f->total == 0)
        return pt_kind_noun(f->kind);
    if (f->proposals == f->total)
        return "提案";
    if (f->motions == f->total)
        return "议案";
    return "建议";
}

void pt_figures_summary(const pt_figures_t *f, pt_figure_line_t out[PT_SUMMARY_LINES])
{
    const char *noun = pt_figures_noun(f);
    const pt_figure_line_t lines[PT_SUMMARY_LINES] = {
        {strcmp(noun, "提案") == 0   ? "提案总数"
         : strcmp(noun, "议案") == 0 ? "议案总数"
                                     : "建议总数",
         f->total, -1},
        {"已交办", f->assigned, -1},
        {"已答复", f->replied, -1},
        {"办复率", f->replied, f->assigned},
        {"已评价", f->rated, -1},
        {"满意和基本满意", f->satisfied, -1},
        {"满意率", f->satisfied, f->rated},
        {"超期", f->overdue, -1},
        {"重点督办", f->key_supervision, -1},
    };
    memcpy(out, lines, sizeof(lines));
}

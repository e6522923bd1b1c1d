/*
 * figures.h - what the report-style exporters count while the proposals
 * stream past: tallies of names (states, units) and the figures of
 * GET /v1/stats, computed over the exported proposals (so an export's
 * filters apply to them too) with the same definitions.
 */
#ifndef PT_FIGURES_H
#define PT_FIGURES_H

#include <stddef.h>
#include <stdint.h>
#include <ptrack/plugin.h>

#include "labels.h"

#include "record-walk.h"

/* ---- Tallies: counts by name ---------------------------------------------
 * A small hash table of names (states, units) and their counts, in first-
 * seen order. Its size grows with the number of distinct names, which is
 * small (states, units of one government), not with the proposals. */
typedef struct {
    char *name;
    int64_t count;
} pt_tally_t;

typedef struct {
    pt_tally_t *items;
    size_t n, cap;
    size_t *slots; /* index + 1, 0 for empty; a power of two in size */
    size_t n_slots;
} pt_tallies_t;

/* Adds one to name's count (adding it at 0 first); *index (may be NULL)
 * gets its index in items. Returns PTRACK_OK or PTRACK_ENOMEM. */
int pt_tallies_add(pt_tallies_t *t, const char *name, size_t *index);
/* The index of name, or (size_t)-1 when it was never added. */
size_t pt_tallies_find(const pt_tallies_t *t, const char *name);
void pt_tallies_free(pt_tallies_t *t);
/* The indices of items in display order: by count, largest first, then by
 * name (by_count non-zero), or by the order of the states in the running
 * workflow wf (zero). Ownership: the caller frees; NULL on out of memory or
 * when empty. */
size_t *pt_tallies_order(const pt_tallies_t *t, int by_count, const pt_wf_t *wf);

/* ---- Figures -------------------------------------------------------------
 * 办复率 = replied / assigned (of the proposals ever assigned, those with a
 * reply); 满意率 = (satisfied + basically satisfied) / rated, by the latest
 * feedback; reply categories by the latest formal reply. A unit's figures
 * count its own answers (see unit below). */
typedef struct {
    int64_t total, overdue, assigned, replied, rated, satisfied, key_supervision;
    int64_t categories[4];      /* A B C D */
    int64_t motions, proposals; /* of kind motion (议案), proposal (提案) */
    const char *kind;           /* the export's kind filter (set by the caller), or NULL */
    /* The export's unit (its filter, or a unit's own export; set by the
     * caller), or NULL: its figures count its own answers
     * (pt_view_unit_answer), as GET /v1/stats?unit= does. */
    const char *unit;
    pt_tallies_t by_status, by_unit;
} pt_figures_t;

/* Counts one proposal. Returns PTRACK_OK or PTRACK_ENOMEM. */
int pt_figures_add(pt_figures_t *f, const pt_view_t *v, const ptrack_host_t *host,
                   const ptrack_record_t *rec);
void pt_figures_free(pt_figures_t *f);
/* A rate (den > 0) in tenths of a percent, as reports show it: 750 for
 * 3 of 4; 1000 only for all, 0 only for none. */
int64_t pt_rate_tenths(int64_t num, int64_t den);
/* A rate as "75.0%", or "—" when there is nothing to divide by. */
void pt_rate_text(int64_t num, int64_t den, char buf[16]);

/* What the proposals counted are called in a report's words: 提案 when
 * every one is a CPPCC proposal (a 政协's export), 议案 when every one is
 * a motion, else 建议, which also stands for a mix of kinds. With none,
 * the word of the export's kind filter (f->kind, pt_kind_noun). */
const char *pt_figures_noun(const pt_figures_t *f);

/* One line of the summary: a count (den < 0) or a rate num / den. */
typedef struct {
    const char *label;
    int64_t num, den;
} pt_figure_line_t;

#define PT_SUMMARY_LINES 9

/* The summary in the order reports show it: 建议总数 (提案总数, 议案总数:
 * pt_figures_noun), 已交办, 已答复,
 * 办复率, 已评价, 满意和基本满意, 满意率, 超期, 重点督办. */
void pt_figures_summary(const pt_figures_t *f, pt_figure_line_t out[PT_SUMMARY_LINES]);

#endif /* PT_FIGURES_H */

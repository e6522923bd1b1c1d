/*
 * record-walk.h - how the built-in exporters go through the proposals of an
 * export: one pass of export_next, each record read through the host's
 * record accessors, optionally into a flat view of what exporters show.
 */
#ifndef PT_RECORD_WALK_H
#define PT_RECORD_WALK_H

#include <stddef.h>
#include <ptrack/plugin.h>

#include "strbuf.h"

/* ---- One proposal, flattened ---------------------------------------------
 * Strings are borrowed from the record (valid until the next export_next)
 * except the three lists, which are built in the view's own buffers and
 * reused from one proposal to the next. Missing values are NULL. */
typedef struct {
    const char *id, *number, *title, *kind, *session, *delegation, *lead_author, *category;
    const char *status;
    const char *created_at, *assigned_at, *due_at, *updated_at;
    int overdue, key_supervision;
    size_t n_co_signers;
    /* The latest reply that is not supplementary (the formal answer),
     * once the proposal is answered (pt_record_answer). */
    const char *reply_unit, *reply_doc_no, *reply_category, *replied_at;
    size_t n_replies;
    /* Answered (办复), as GET /v1/stats counts it: a reply, and in separate
     * mode (分办) a reply from each unit; where an assignment came after a
     * reply (replies_from), only the replies from then on count. */
    int answered;
    /* The latest feedback. */
    const char *satisfaction;
    size_t n_units;
    const char *mode;    /* handling_mode: single, lead_co or separate; NULL before assign */
    int separate;        /* handled separately (分办): lead_units are 分办 units */
    pt_str_t lead_units; /* lead and separate units, joined with 、 */
    pt_str_t co_units;   /* co units, joined with 、 */
    pt_str_t co_signers; /* joined with 、 */
} pt_view_t;

/* Fills v from rec. Returns PTRACK_OK or PTRACK_ENOMEM. Thread: the job's
 * (the record's). */
int pt_view_read(pt_view_t *v, const ptrack_host_t *host, const ptrack_record_t *rec);
/* Whether the unit at index i of rec's units has answered its part, so
 * that it is not late while the proposal is overdue, as GET /v1/stats'
 * overdue_by_unit counts it: in separate mode (分办) it has replied while
 * another unit has not; a co unit (lead_co) has given its opinion. */
int pt_view_unit_answered(const pt_view_t *v, const ptrack_host_t *host, const ptrack_record_t *rec,
                          size_t i);
/* The answer (办复) that the figures of the unit named unit count, as GET
 * /v1/stats?unit= counts it: -1 when the unit owes no reply (a co unit in
 * lead_co mode, whose part is its opinion) or is not among rec's units, 1
 * when it has answered, else 0; *category (borrowed from rec) the
 * category of that answer, NULL when none. In separate mode (分办) the
 * unit's own reply, answered while the other units are awaited, and the
 * category of its latest one that is not supplementary; for the lead
 * unit, which replies for all, the proposal's (v->answered,
 * v->reply_category). */
int pt_view_unit_answer(const pt_view_t *v, const ptrack_host_t *host, const ptrack_record_t *rec,
                        const char *unit, const char **category);
void pt_view_free(pt_view_t *v);

/* ---- The pass --------------------------------------------------------------- */

/* Receives one proposal of the export. Returns PTRACK_OK to go on; any
 * other value ends the pass and is what pt_records_walk returns. */
typedef int (*pt_record_fn)(void *ctx, const ptrack_record_t *rec);

/* Hands each proposal of the export to fn, after reading it into *view
 * when view is not NULL (the view is reused; the caller frees it with
 * pt_view_free). Returns PTRACK_OK after the last proposal, export_next's
 * error (the host has set the message), PTRACK_ENOMEM when a view could
 * not be read (no message set), or what fn returned to stop.
 * Thread: the job's. */
int pt_records_walk(const ptrack_host_t *host, ptrack_job_t *job, pt_view_t *view, pt_record_fn fn,
                    void *ctx);

/* The member of the last element of an array field ("feedback",
 * "satisfaction"), or NULL when the array is empty. */
const char *pt_record_last(const ptrack_host_t *host, const ptrack_record_t *rec, const char *field,
                           const char *member);

/* Whether the reply at index k of rec's replies answers the proposal's
 * assignment, as the daemon counts it (GET /v1/stats): it is not a
 * supplementary one (补充答复, which adds to an answer and is none, also
 * where an office's workflow lets a unit make one while the proposal is
 * handled), and it came at or after replies_from, which an assignment
 * that came after a reply sets; without one, every other reply counts.
 * 1 or 0. Thread: the job's. */
int pt_record_reply_counts(const ptrack_host_t *host, const ptrack_record_t *rec, size_t k);

/* The member ("doc_no", "category", "replied_at", "unit") of the formal
 * answer: the latest reply that is not a supplementary one (补充答复), as
 * GET /v1/stats counts its category; NULL when there is none, and while
 * the proposal is not answered (办复): in separate mode (分办) until each
 * of its units has replied, as reply_categories counts it. A follow_up
 * after closing adds a reply, but does not change how the proposal was
 * answered. */
const char *pt_record_answer(const ptrack_host_t *host, const ptrack_record_t *rec,
                             const char *member);

#endif /* PT_RECORD_WALK_H */

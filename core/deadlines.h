/*
 * deadlines.h - the deadline engine: reminders when a reply is due soon
 * and when it is overdue, and the daily digest (docs/plugins.md, events
 * proposal.due_soon, proposal.overdue, digest.daily).
 *
 * It does not poll the store. One timer sleeps until the earliest moment
 * a reminder falls due, which the store computes; writes that set a
 * deadline wake it earlier through the store's hint
 * (pt_store_take_due_hint). At start it raises what fell due while
 * ptrackd was down. A second timer fires the digest at
 * deadlines.digest_at, local time, once a day. Neither sleeps more than a
 * minute at a time without looking at the wall clock again, so that a
 * change of the system clock moves them within a minute.
 *
 * Thread: loop.
 */
#ifndef PT_DEADLINES_H
#define PT_DEADLINES_H

#include <uv.h>
#include "store.h"
#include "workflow.h"

typedef struct pt_deadline_engine_s pt_deadline_engine_t;

/* Starts the engine: a first scan at once, and the digest's timer. */
int pt_deadline_engine_start(uv_loop_t *loop, pt_store_t *store, const pt_deadlines_t *deadlines,
                             pt_deadline_engine_t **out);
/* After each commit: looks at the store's hint and wakes earlier if a new
 * deadline needs it. */
void pt_deadline_engine_committed(pt_deadline_engine_t *e);
/* New windows (SIGHUP): scans again and re-plans the digest. */
void pt_deadline_engine_configure(pt_deadline_engine_t *e, const pt_deadlines_t *deadlines);
/* Stops the timers; the engine is freed once they have closed (run the
 * loop). Writes in flight finish on their own. */
void pt_deadline_engine_stop(pt_deadline_engine_t *e);

#endif

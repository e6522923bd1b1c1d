/*
 * event-view.c - the fields of a proposal event that the notifiers show
 * (see event-view.h).
 */
#include "event-view.h"

void pt_event_view_read(pt_event_view_t *v, const ptrack_host_t *h, const ptrack_record_t *rec)
{
    v->id = h->rec_get(rec, "proposal.id");
    v->number = h->rec_get(rec, "proposal.number");
    v->title = h->rec_get(rec, "proposal.title");
    v->status = h->rec_get(rec, "proposal.status");
    v->due_at = h->rec_get(rec, "proposal.due_at");
    v->action = h->rec_get(rec, "action");
    v->from = h->rec_get(rec, "from");
    v->to = h->rec_get(rec, "to");
    v->actor = h->rec_get(rec, "actor");
    v->at = h->rec_get(rec, "at");
}

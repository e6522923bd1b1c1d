/*
 * event-view.h - the fields of a proposal event that the notifiers which
 * write messages for people (mail, WeCom/DingTalk markdown) show, read once
 * from the event's record. The exporters' counterpart is pt_view_t in
 * record-walk.h.
 */
#ifndef PT_EVENT_VIEW_H
#define PT_EVENT_VIEW_H

#include <ptrack/plugin.h>

/* Strings are borrowed from the record, valid while the event is; a
 * missing value is NULL. */
typedef struct {
    /* The proposal's. */
    const char *id, *number, *title, *status, *due_at;
    /* The change: the workflow action and the states from and to. */
    const char *action, *from, *to;
    /* Who made the change, and when (RFC 3339). */
    const char *actor, *at;
} pt_event_view_t;

/* Fills v from an event's record. Thread: the notifier's worker.
 * Ownership: rec is borrowed, and so are the strings of v. */
void pt_event_view_read(pt_event_view_t *v, const ptrack_host_t *h, const ptrack_record_t *rec);

#endif /* PT_EVENT_VIEW_H */

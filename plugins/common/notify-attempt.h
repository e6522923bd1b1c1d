/*
 * notify-attempt.h - how the built-in notifiers (notify_webhook,
 * notify_email, notify_exec) count and log a failed delivery of an event,
 * one rule for the three.
 *
 * ptrackd warns when an instance starts failing, quoting the reason the
 * plugin gave with set_error(), again every 10 minutes while it fails, and
 * says at info when it delivers again (docs/operation.md, Logs). So a
 * failed attempt that is tried again is the plugin's line at debug alone,
 * carrying its detail; the reason set is what an operator at the default
 * level reads, so it holds the detail of the attempt (the receiver's
 * answer, the SMTP server's reply, the command's exit status and the last
 * line it wrote); and the attempt after which the plugin gives up on the
 * event (notify_webhook's `retries`) is an error line with that reason. A
 * warning of the plugin's own for every attempt came once a minute, at the
 * longest back-off, for as long as a receiver was down.
 */
#ifndef PT_NOTIFY_ATTEMPT_H
#define PT_NOTIFY_ATTEMPT_H

#include <stdint.h>

#include <ptrack/plugin.h>

/* The failed attempts on one event, kept by an instance. Zero it to start. */
typedef struct {
    int64_t seq;    /* the event counted; 0: none yet */
    int64_t failed; /* failed attempts on it */
} pt_attempts_t;

/* Counts a failed attempt on ev and gives why as the reason
 * (set_error(NULL, ...)). While fewer than retries (0: no limit) attempts
 * on ev have failed, logs "event SEQ (TYPE): WHY; attempt N [of R] failed,
 * will try again" at debug and returns PTRACK_RETRY; at the retries-th it
 * logs "event SEQ (TYPE): WHY; dropped after N failed attempts" at error,
 * starts the count again and returns PTRACK_ERROR.
 * Thread: the instance's worker, during deliver(). Ownership: all borrowed. */
int pt_attempt_failed(pt_attempts_t *a, const ptrack_host_t *host, ptrack_instance_t *inst,
                      const ptrack_event_t *ev, int64_t retries, const char *why);

#endif /* PT_NOTIFY_ATTEMPT_H */

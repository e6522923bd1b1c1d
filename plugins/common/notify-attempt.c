/*
 * notify-attempt.c - a notifier's failed attempt on an event: counted,
 * given as the reason, logged at debug, or at error when it is the last
 * (notify-attempt.h).
 */
#include "notify-attempt.h"

#include <inttypes.h>

int pt_attempt_failed(pt_attempts_t *a, const ptrack_host_t *host, ptrack_instance_t *inst,
                      const ptrack_event_t *ev, int64_t retries, const char *why)
{
    if (a->seq != ev->seq) {
        a->seq = ev->seq;
        a->failed = 0;
    }
    a->failed++;
    /* The reason GET /v1/plugins shows and ptrackd's warning quotes. */
    host->set_error(NULL, "%s", why);
    if (retries > 0 && a->failed >= retries) {
        host->log(inst, PTRACK_LOG_ERROR,
                  "event %" PRId64 " (%s): %s; dropped after %" PRId64 " failed attempts", ev->seq,
                  ev->type, why, a->failed);
        a->failed = 0;
        return PTRACK_ERROR;
    }
    if (retries > 0)
        host->log(inst, PTRACK_LOG_DEBUG,
                  "event %" PRId64 " (%s): %s; attempt %" PRId64 " of %" PRId64
                  " failed, will try again",
                  ev->seq, ev->type, why, a->failed, retries);
    else
        host->log(inst, PTRACK_LOG_DEBUG,
                  "event %" PRId64 " (%s): %s; attempt %" PRId64 " failed, will try again", ev->seq,
                  ev->type, why, a->failed);
    return PTRACK_RETRY;
}

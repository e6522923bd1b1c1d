/*
 * metrics.h - the API's counters for GET /metrics: requests by route and
 * status, and a latency histogram. Other figures (commits, proposals by
 * status, notifiers, plugins) are read from their owners when /metrics is
 * asked for.
 *
 * Thread: loop (no locks: only the loop counts and reads).
 */
#ifndef PT_METRICS_H
#define PT_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/* The routes requests are counted by, as their label shows them. */
typedef enum {
    PT_ROUTE_OTHER = 0,
    PT_ROUTE_HEALTH,
    PT_ROUTE_WORKFLOW,
    PT_ROUTE_STATS,
    PT_ROUTE_EVENTS,
    PT_ROUTE_PROPOSALS,
    PT_ROUTE_PROPOSAL,
    PT_ROUTE_HISTORY,
    PT_ROUTE_ACTION,
    PT_ROUTE_PLUGINS,
    PT_ROUTE_IMPORTS,
    PT_ROUTE_EXPORTS,
    PT_ROUTE_TOKENS,
    PT_ROUTE_METRICS,
    PT_ROUTE_COUNT_
} pt_route_t;

typedef struct pt_metrics_s pt_metrics_t;

pt_metrics_t *pt_metrics_new(void);
void pt_metrics_free(pt_metrics_t *m);
/* Counts one answered request and how long it took (nanoseconds). */
void pt_metrics_request(pt_metrics_t *m, pt_route_t route, const char *method, int status,
                        uint64_t ns);
/* Appends the request counters and the latency histogram in Prometheus text
 * format. */
void pt_metrics_write(const pt_metrics_t *m, pt_buf_t *out);

#endif

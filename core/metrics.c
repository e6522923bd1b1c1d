/*
 * metrics.c - the API's request counters (metrics.h).
 *
 * Requests are counted per (route, method, status): a handful of routes,
 * methods and statuses make at most a few hundred series, kept in a small
 * table searched linearly, which is cheaper than hashing at that size.
 */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 512

/* Upper bounds of the latency buckets, in seconds (Prometheus' defaults
 * shifted down: the API answers in milliseconds). */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define N_BUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static const char *const route_names[PT_ROUTE_COUNT_] = {
    [PT_ROUTE_OTHER] = "other",
    [PT_ROUTE_HEALTH] = "/v1/health",
    [PT_ROUTE_WORKFLOW] = "/v1/workflow",
    [PT_ROUTE_STATS] = "/v1/stats",
    [PT_ROUTE_EVENTS] = "/v1/events",
    [PT_ROUTE_PROPOSALS] = "/v1/proposals",
    [PT_ROUTE_PROPOSAL] = "/v1/proposals/{id}",
    [PT_ROUTE_HISTORY] = "/v1/proposals/{id}/history",
    [PT_ROUTE_ACTION] = "/v1/proposals/{id}/actions/{action}",
    [PT_ROUTE_PLUGINS] = "/v1/plugins",
    [PT_ROUTE_IMPORTS] = "/v1/imports",
    [PT_ROUTE_EXPORTS] = "/v1/exports",
    [PT_ROUTE_TOKENS] = "/v1/tokens",
    [PT_ROUTE_METRICS] = "/metrics",
};

typedef struct {
    pt_route_t route;
    char method[8];
    int status;
    uint64_t count;
} series_t;

struct pt_metrics_s {
    series_t series[MAX_SERIES];
    size_t n_series;
    uint64_t overflow; /* requests whose series did not fit */
    uint64_t hist[N_BUCKETS + 1];
    double sum_s;
    uint64_t count;
};

pt_metrics_t *pt_metrics_new(void)
{
    return calloc(1, sizeof(pt_metrics_t));
}

void pt_metrics_free(pt_metrics_t *m)
{
    free(m);
}

void pt_metrics_request(pt_metrics_t *m, pt_route_t route, const char *method, int status,
                        uint64_t ns)
{
    if (!m)
        return;
    if (route < 0 || route >= PT_ROUTE_COUNT_)
        route = PT_ROUTE_OTHER;
    /* A method the API does not serve is counted as OTHER, so that a
     * client cannot make new series by inventing methods. */
    static const char *const known[] = {"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD"};
    const char *mt = "OTHER";
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(method, known[i]) == 0)
            mt = known[i];
    series_t *s = NULL;
    for (size_t i = 0; i < m->n_series && !s; i++)
        if (m->series[i].route == route && m->series[i].status == status &&
            strcmp(m->series[i].method, mt) == 0)
            s = &m->series[i];
    if (!s && m->n_series < MAX_SERIES) {
        s = &m->series[m->n_series++];
        s->route = route;
        s->status = status;
        strcpy(s->method, mt);
    }
    if (s)
        s->count++;
    else
        m->overflow++;
    double secs = (double)ns / 1e9;
    size_t b = 0;
    while (b < N_BUCKETS && secs > buckets[b])
        b++;
    m->hist[b]++;
    m->sum_s += secs;
    m->count++;
}

void pt_metrics_write(const pt_metrics_t *m, pt_buf_t *out)
{
    pt_buf_puts(out, "# HELP ptrack_http_requests_total Requests answered, by route, method "
                     "and status.\n# TYPE ptrack_http_requests_total counter\n");
    for (size_t i = 0; i < m->n_series; i++) {
        const series_t *s = &m->series[i];
        pt_buf_printf(out,
                      "ptrack_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} "
                      "%llu\n",
                      route_names[s->route], s->method, s->status, (unsigned long long)s->count);
    }
    if (m->overflow)
        pt_buf_printf(out, "ptrack_http_requests_total{route=\"overflow\"} %llu\n",
                      (unsigned long long)m->overflow);
    pt_buf_puts(out, "# HELP ptrack_http_request_duration_seconds Time from a request's arrival "
                     "to its answer.\n# TYPE ptrack_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t b = 0; b < N_BUCKETS; b++) {
        cum += m->hist[b];
        pt_buf_printf(out, "ptrack_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                      buckets[b], (unsigned long long)cum);
    }
    cum += m->hist[N_BUCKETS];
    pt_buf_printf(out, "ptrack_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                  (unsigned long long)cum);
    pt_buf_printf(out, "ptrack_http_request_duration_seconds_sum %.6f\n", m->sum_s);
    pt_buf_printf(out, "ptrack_http_request_duration_seconds_count %llu\n",
                  (unsigned long long)m->count);
}

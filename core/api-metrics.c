/*
 * api-metrics.c - GET /metrics: ptrackd's figures in the Prometheus text
 * format (version 0.0.4).
 *
 * The request counters and latencies come from metrics.c; commits and their
 * group sizes from the store's counters; proposals by status and the
 * overdue count from a statistics read (so the figures are those of one
 * snapshot); notifier queues, deliveries and failures from the plugin host;
 * the memory SQLite, the writer's cache and the heap hold from the store
 * and heap.c.
 * Access: viewer or above, as for any read.
 */
#include "api-internal.h"
#include "heap.h"
#include "plugin-jobs.h"

#include <stdlib.h>
#include <string.h>

static void header(pt_buf_t *b, const char *name, const char *type, const char *help)
{
    pt_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslashes, quotes and newlines escaped. */
static void label(pt_buf_t *b, const char *v)
{
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == '\\' || *p == '"')
            pt_buf_append(b, "\\", 1);
        if (*p == '\n')
            pt_buf_puts(b, "\\n");
        else
            pt_buf_append(b, p, 1);
    }
}

static long long num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
}

static void store_figures(pt_buf_t *b, pt_store_t *store)
{
    uint64_t commits, writes;
    pt_store_counters(store, &commits, &writes);
    header(b, "ptrack_store_commits_total", "counter", "Transactions committed by the writer.");
    pt_buf_printf(b, "ptrack_store_commits_total %llu\n", (unsigned long long)commits);
    header(b, "ptrack_store_writes_total", "counter", "Writes run by the writer.");
    pt_buf_printf(b, "ptrack_store_writes_total %llu\n", (unsigned long long)writes);
    uint64_t checkpoints, wal_bytes;
    pt_store_wal_figures(store, &checkpoints, &wal_bytes);
    header(b, "ptrack_store_checkpoints_total", "counter",
           "Checkpoints that copied the whole WAL back into the database.");
    pt_buf_printf(b, "ptrack_store_checkpoints_total %llu\n", (unsigned long long)checkpoints);
    header(b, "ptrack_store_wal_bytes", "gauge", "The size of the database's WAL file.");
    pt_buf_printf(b, "ptrack_store_wal_bytes %llu\n", (unsigned long long)wal_bytes);
    /* Room on the disk, so that a dashboard warns before writes are
     * refused (a full disk: docs/operation.md). */
    int64_t db_bytes, free_bytes;
    pt_store_disk_figures(store, &db_bytes, &free_bytes);
    if (db_bytes >= 0) {
        header(b, "ptrack_store_db_bytes", "gauge",
               "The size of the database file (the WAL apart).");
        pt_buf_printf(b, "ptrack_store_db_bytes %lld\n", (long long)db_bytes);
    }
    if (free_bytes >= 0) {
        header(b, "ptrack_store_disk_free_bytes", "gauge",
               "Room left on the disk of the data directory; writes are refused when it runs out.");
        pt_buf_printf(b, "ptrack_store_disk_free_bytes %lld\n", (long long)free_bytes);
    }
    header(b, "ptrack_search_backlog", "gauge",
           "Imported proposals not yet in the full-text index (search finds them all the same).");
    pt_buf_printf(b, "ptrack_search_backlog %lld\n",
                  (long long)pt_store_search_backlog_size(store));
    header(b, "ptrack_jobs_running", "gauge", "Imports and exports running.");
    pt_buf_printf(b, "ptrack_jobs_running %u\n", pt_jobs_running());
    header(b, "ptrack_import_moves_total", "counter",
           "All-or-nothing imports moved into the store as their file was read (early), after "
           "it (late), or after an early move gave up for want of rows (gave_up; counted in late "
           "too).");
    static const char *const ways[PT_IMPORT_MOVE_COUNT] = {"early", "late", "gave_up"};
    for (int i = 0; i < PT_IMPORT_MOVE_COUNT; i++)
        pt_buf_printf(b, "ptrack_import_moves_total{way=\"%s\"} %llu\n", ways[i],
                      (unsigned long long)pt_store_import_moves(store, i));
    header(b, "ptrack_store_commit_writes", "histogram",
           "Writes per commit (the group commit's group sizes).");
    const uint64_t *h = pt_store_batch_histogram(store);
    uint64_t cum = 0;
    for (int i = 0; i < PT_STORE_BATCH_BUCKETS; i++) {
        cum += h[i];
        pt_buf_printf(b, "ptrack_store_commit_writes_bucket{le=\"%u\"} %llu\n",
                      pt_store_batch_bounds[i], (unsigned long long)cum);
    }
    cum += h[PT_STORE_BATCH_BUCKETS];
    pt_buf_printf(b, "ptrack_store_commit_writes_bucket{le=\"+Inf\"} %llu\n",
                  (unsigned long long)cum);
    pt_buf_printf(b, "ptrack_store_commit_writes_sum %llu\n", (unsigned long long)writes);
    pt_buf_printf(b, "ptrack_store_commit_writes_count %llu\n", (unsigned long long)cum);
    header(b, "ptrack_store_writable", "gauge",
           "1 when the last writes were stored without a storage error.");
    pt_buf_printf(b, "ptrack_store_writable %d\n", pt_store_writable(store) ? 1 : 0);
    header(b, "ptrack_events_last_seq", "gauge", "The seq of the newest committed event.");
    pt_buf_printf(b, "ptrack_events_last_seq %lld\n", (long long)pt_store_last_seq(store));
}

/* Proposals by status: every state of the workflow, 0 included, so that
 * a dashboard's series do not come and go, and after them any other state
 * a proposal is in (one that the workflow in force dropped, which the
 * start warns of), so that the series sum to what GET /v1/stats counts. */
static void proposal_figures(pt_buf_t *b, const pt_workflow_t *wf, const char *stats_json,
                             size_t len)
{
    cJSON *stats = cJSON_ParseWithLength(stats_json, len);
    const cJSON *by = cJSON_GetObjectItemCaseSensitive(stats, "by_status");
    header(b, "ptrack_proposals", "gauge", "Proposals by status.");
    cJSON *w = pt_workflow_to_json(wf);
    const cJSON *st;
    cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(w, "states"))
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(st, "name");
        if (!cJSON_IsString(name))
            continue;
        pt_buf_puts(b, "ptrack_proposals{status=\"");
        label(b, name->valuestring);
        pt_buf_printf(b, "\"} %lld\n", num(by, name->valuestring));
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, by)
    {
        if (!it->string || pt_workflow_has_state(wf, it->string))
            continue;
        pt_buf_puts(b, "ptrack_proposals{status=\"");
        label(b, it->string);
        pt_buf_printf(b, "\"} %lld\n", num(by, it->string));
    }
    cJSON_Delete(w);
    const cJSON *over = cJSON_GetObjectItemCaseSensitive(stats, "overdue");
    header(b, "ptrack_proposals_overdue", "gauge", "Proposals whose deadline has passed.");
    pt_buf_printf(b, "ptrack_proposals_overdue %lld\n",
                  cJSON_IsNumber(over) ? (long long)over->valuedouble : 0LL);
    cJSON_Delete(stats);
}

static void plugin_figures(pt_buf_t *b, pt_plugins_t *plugins)
{
    header(b, "ptrack_plugin_load_errors_total", "counter", "Plugin loads refused.");
    pt_buf_printf(b, "ptrack_plugin_load_errors_total %llu\n",
                  (unsigned long long)pt_plugins_load_errors(plugins));
    cJSON *list = pt_plugins_list(plugins);
    static const struct {
        const char *name, *type, *key, *help;
    } series[] = {
        {"ptrack_notifier_queue", "gauge", "queue", "Events read and not yet delivered."},
        {"ptrack_notifier_cursor", "gauge", "cursor", "The seq delivered up to."},
        {"ptrack_notifier_behind", "gauge", "behind",
         "Events committed after the cursor (the ones its filter skips included): what waits."},
        {"ptrack_notifier_deliveries_total", "counter", "delivered", "Events delivered."},
        {"ptrack_notifier_failures_total", "counter", "failed", "Events dropped after failing."},
        {"ptrack_notifier_retries_total", "counter", "retries", "Deliveries tried again."},
    };
    for (size_t i = 0; i < sizeof(series) / sizeof(series[0]); i++) {
        header(b, series[i].name, series[i].type, series[i].help);
        const cJSON *inst;
        cJSON_ArrayForEach(inst, list)
        {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(inst, "notifier");
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(inst, "instance");
            /* A cursor not known yet (null) has no sample, rather than 0. */
            if (!cJSON_IsObject(n) || !cJSON_IsString(name) ||
                !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(n, series[i].key)))
                continue;
            pt_buf_printf(b, "%s{instance=\"", series[i].name);
            label(b, name->valuestring);
            pt_buf_printf(b, "\"} %lld\n", num(n, series[i].key));
        }
    }
    cJSON_Delete(list);
}

/* What the HTTP layer did before any route: connections, and the errors
 * it answered itself, which ptrack_http_requests_total does not count. */
static void http_figures(pt_buf_t *b, const pt_http_counts_t *n)
{
    header(b, "ptrack_http_connections", "gauge", "Connections open.");
    pt_buf_printf(b, "ptrack_http_connections %zu\n", n->open);
    header(b, "ptrack_http_connections_total", "counter",
           "Connections accepted and served (closed = those accepted and closed at once, over "
           "limits.connections, or closed unanswered when accept failed).");
    pt_buf_printf(b, "ptrack_http_connections_total{closed=\"no\"} %llu\n",
                  (unsigned long long)n->accepted);
    pt_buf_printf(b, "ptrack_http_connections_total{closed=\"over_limit\"} %llu\n",
                  (unsigned long long)n->over_limit);
    pt_buf_printf(b, "ptrack_http_connections_total{closed=\"accept_failed\"} %llu\n",
                  (unsigned long long)n->dropped);
    header(b, "ptrack_http_accept_failures_total", "counter",
           "Accepts that failed (out of descriptors, of kernel memory).");
    pt_buf_printf(b, "ptrack_http_accept_failures_total %llu\n",
                  (unsigned long long)n->accept_failures);
    header(b, "ptrack_http_refused_total", "counter",
           "Requests the HTTP layer answered with an error before any route (malformed, a header "
           "or body over its limit, a timeout), by status and code.");
    for (size_t i = 0; i < n->n_refused; i++) {
        pt_buf_printf(b, "ptrack_http_refused_total{status=\"%d\",code=\"", n->refused[i].status);
        label(b, n->refused[i].code);
        pt_buf_printf(b, "\"} %llu\n", (unsigned long long)n->refused[i].count);
    }
}

/* What VmRSS is made of, so that memory that grows can be told apart:
 * SQLite's (its caches grow with the store up to their bounds), the
 * writer's cache of decoded proposals (up to its budget), the heap's in
 * use (a leak grows it), the heap's free but kept (fragmentation). */
static void memory_figures(pt_buf_t *b, pt_store_t *store)
{
    int64_t used, highwater;
    pt_store_sqlite_memory(&used, &highwater);
    header(b, "ptrack_sqlite_memory_bytes", "gauge",
           "Memory SQLite holds: page caches, schemas, statements, sorts, of every connection.");
    pt_buf_printf(b, "ptrack_sqlite_memory_bytes %lld\n", (long long)used);
    header(b, "ptrack_sqlite_memory_highwater_bytes", "gauge",
           "The most memory SQLite has held at once since ptrackd started.");
    pt_buf_printf(b, "ptrack_sqlite_memory_highwater_bytes %lld\n", (long long)highwater);
    uint64_t cache_bytes, cache_proposals;
    pt_store_writer_cache(store, &cache_bytes, &cache_proposals);
    header(b, "ptrack_writer_cache_bytes", "gauge",
           "Heap the writer's cache of decoded proposals holds (their strings and arrays, an "
           "estimate); kept under 16 MiB.");
    pt_buf_printf(b, "ptrack_writer_cache_bytes %llu\n", (unsigned long long)cache_bytes);
    header(b, "ptrack_writer_cache_proposals", "gauge",
           "Proposals in the writer's cache of decoded proposals (at most 4096).");
    pt_buf_printf(b, "ptrack_writer_cache_proposals %llu\n", (unsigned long long)cache_proposals);
    pt_heap_figures_t heap;
    if (pt_heap_figures(&heap)) {
        header(b, "ptrack_heap_in_use_bytes", "gauge",
               "Heap memory allocated and not freed (SQLite's included), as the C library's "
               "allocator counts it.");
        pt_buf_printf(b, "ptrack_heap_in_use_bytes %llu\n", (unsigned long long)heap.in_use);
        header(b, "ptrack_heap_free_bytes", "gauge",
               "Heap memory freed and kept by the allocator for later, not given back to the "
               "system.");
        pt_buf_printf(b, "ptrack_heap_free_bytes %llu\n", (unsigned long long)heap.free);
    }
}

static void on_figures(pt_read_t *r)
{
    pt_call_t *call = r->data;
    pt_api_t *api = call->api;
    if (r->err.code != PT_OK) {
        pt_api_fail(call, &r->err);
        pt_read_free(r);
        return;
    }
    pt_buf_t b;
    pt_buf_init(&b);
    proposal_figures(&b, api->opts.workflow, r->json, r->json_len);
    pt_read_free(r);
    store_figures(&b, api->opts.store);
    memory_figures(&b, api->opts.store);
    if (api->opts.plugins)
        plugin_figures(&b, api->opts.plugins);
    pt_http_counts_t counts = pt_http_request_server_counts(call->req);
    http_figures(&b, &counts);
    /* This request is counted before the counters are written, so that the
     * answer includes itself. */
    pt_api_count(call, 200);
    pt_metrics_write(api->metrics, &b);
    size_t len;
    char *text = pt_buf_take(&b, &len);
    if (!text) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    pt_http_respond(call->req, 200, "text/plain; version=0.0.4; charset=utf-8", NULL, text, len);
    free(text);
    free(call);
}

void pt_api_metrics(pt_call_t *call)
{
    if (!pt_api_require(call, PT_ROLE_VIEWER))
        return;
    pt_read_t *r = pt_read_new(PT_READ_FIGURES);
    if (!r) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    r->cb = on_figures;
    r->data = call;
    if (pt_store_read(call->api->opts.store, r) != PT_OK) {
        pt_read_free(r);
        pt_api_failf(call, PT_ESTORAGE, "the store cannot take reads right now");
    }
}

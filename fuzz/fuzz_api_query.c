/*
 * fuzz_api_query.c - a request's query string, into the query parameters
 * of core/api-query.c: the list's filters, limit, sort and cursor, the
 * export's and stats' filters and an exporter's declared arguments, and an
 * import's parameters, as a real request carries them (the HTTP server
 * splits and decodes the query; a pt_http_request_t comes only from it).
 *
 * Input: the first byte chooses the endpoint (list, stats, an export of a
 * format with declared arguments, one without, an import); the rest is the
 * query string, sent as it is but for the bytes a request target cannot
 * hold raw (controls, space, DEL, '#'), which are percent-encoded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api-internal.h"
#include "fuzz-http.h"
#include "workflow.h"

static pt_workflow_t *wf;

static void handler(pt_http_request_t *req, void *ud)
{
    (void)ud;
    static const char *const csv_args[] = {"lang", "formulas", NULL};
    pt_list_query_t q;
    memset(&q, 0, sizeof(q));
    q.key_supervision = q.overdue = -1;
    pt_error_t err = {0};
    int rc;
    switch (req->path[1]) {
    case '0':
        rc = pt_query_list(req, wf, &q, &err);
        break;
    case '1':
        rc = pt_query_stats(req, wf, &q, &err);
        break;
    case '2':
        rc = pt_query_export(req, wf, "csv", csv_args, &q, &err);
        break;
    case '3':
        rc = pt_query_export(req, wf, "csv", NULL, &q, &err);
        break;
    default: {
        static const char *const own[] = {"format", "partial", NULL};
        static const char *const plugin[] = {"sep", "map", "encoding", NULL};
        const char *const *known[] = {own, plugin, NULL};
        rc = pt_query_known(req, known, "an import of csv", &err);
        if (rc == PT_OK) {
            int64_t n;
            rc = pt_query_int(req, "partial", 0, 1, 0, &n, &err);
        }
        break;
    }
    }
    /* The answer carries the message, as the API's would. */
    cJSON *body = rc == PT_OK ? cJSON_CreateObject() : pt_error_to_json(&err);
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    pt_http_respond(req, rc == PT_OK ? 200 : 400, "application/json", NULL, text ? text : "{}",
                    text ? strlen(text) : 2);
    free(text);
    cJSON_Delete(body);
    pt_error_clear(&err);
    pt_list_query_clear(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!wf) {
        pt_error_t err = {0};
        if (pt_workflow_load_default(&wf, &err) != PT_OK)
            abort();
        pt_http_limits_t lim;
        pt_http_limits_default(&lim);
        lim.max_header = 64 * 1024;
        fz_http_start(&lim, handler, NULL);
    }
    if (size < 1 || size > 8192)
        return 0;
    static char req[3 * 8192 + 128];
    int n = snprintf(req, sizeof(req), "GET /%c?", '0' + data[0] % 5);
    size_t len = (size_t)n;
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 1; i < size; i++) {
        uint8_t c = data[i];
        if (c <= 0x20 || c == 0x7f || c == '#') {
            req[len++] = '%';
            req[len++] = hex[c >> 4];
            req[len++] = hex[c & 15];
        } else {
            req[len++] = (char)c;
        }
    }
    static const char tail[] = " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    memcpy(req + len, tail, sizeof(tail) - 1);
    len += sizeof(tail) - 1;
    fz_http_exchange((const uint8_t *)req, len, 7, false, NULL);
    return 0;
}

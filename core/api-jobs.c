/*
 * api-jobs.c - POST /v1/imports and GET /v1/exports.
 * (Being written: until then these answer that no format is served.)
 */
#include "api-internal.h"

void pt_api_imports(pt_call_t *call)
{
    pt_api_failf(call, PT_ENOTFOUND, "this ptrackd has no importers yet");
}

void pt_api_exports(pt_call_t *call)
{
    pt_api_failf(call, PT_ENOTFOUND, "this ptrackd has no exporters yet");
}

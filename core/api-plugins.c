/*
 * api-plugins.c - GET, POST /v1/plugins and DELETE /v1/plugins/{instance}.
 * (Being written: until then these answer that plugins cannot be managed.)
 */
#include "api-internal.h"

void pt_api_plugins(pt_call_t *call, const char *instance)
{
    (void)instance;
    pt_api_failf(call, PT_ENOTFOUND, "this ptrackd cannot manage plugins yet");
}

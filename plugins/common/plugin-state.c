/*
 * plugin-state.c - create() and destroy() for the built-in plugins that
 * keep no state of their own (see plugin-state.h).
 */
#include "plugin-state.h"

#include <stdlib.h>

int pt_plugin_state_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    pt_plugin_state_t *s = calloc(1, sizeof(*s));
    if (!s) {
        /* The loader shows what was logged as the reason of the refusal. */
        host->log(inst, PTRACK_LOG_ERROR, "out of memory");
        return PTRACK_ERROR;
    }
    s->host = host;
    s->inst = inst;
    *state = s;
    return PTRACK_OK;
}

void pt_plugin_state_destroy(void *state)
{
    free(state);
}

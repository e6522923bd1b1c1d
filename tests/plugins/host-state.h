/*
 * host-state.h - the instance state of the fixture plugins that need only
 * the host's table: create() keeps it, destroy() frees it. Each fixture is
 * a shared object of its own, so the functions here are static.
 */
#ifndef PT_TEST_HOST_STATE_H
#define PT_TEST_HOST_STATE_H

#include <stdlib.h>
#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host;
} state_t;

static int create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)inst;
    state_t *s = calloc(1, sizeof(*s));
    if (!s)
        return PTRACK_ENOMEM;
    s->host = host;
    *state = s;
    return PTRACK_OK;
}

static void destroy(void *state)
{
    free(state);
}

#endif /* PT_TEST_HOST_STATE_H */

/*
 * plugin-state.h - the instance state of a built-in plugin that keeps
 * nothing of its own between calls: the exporters and importers, whose
 * every job carries what it needs. Such a plugin names these two functions
 * as its descriptor's create and destroy, and its export() or import()
 * reads the host (and the instance, for log) from the state it is handed.
 */
#ifndef PT_PLUGIN_STATE_H
#define PT_PLUGIN_STATE_H

#include <ptrack/plugin.h>

typedef struct {
    const ptrack_host_t *host; /* valid until destroy() returns */
    ptrack_instance_t *inst;   /* for host->log; the same lifetime */
} pt_plugin_state_t;

/* A descriptor's create(): keeps host and inst in a pt_plugin_state_t and
 * reads no option. Returns PTRACK_OK, or PTRACK_ERROR after logging that
 * memory ran out. Thread: the loop. Ownership: *state is freed by
 * pt_plugin_state_destroy(). */
int pt_plugin_state_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state);

/* A descriptor's destroy(): frees what pt_plugin_state_create() made.
 * Thread: the loop. */
void pt_plugin_state_destroy(void *state);

#endif /* PT_PLUGIN_STATE_H */

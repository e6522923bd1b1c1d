/*
 * heap.h - the process's heap as the C library's allocator sees it, for
 * /metrics: what ptrackd holds, and what the allocator keeps free for later
 * without giving it back to the system.
 *
 * Together with VmRSS and SQLite's own figure (pt_store_sqlite_memory) they
 * tell apart the ways a daemon's memory grows: SQLite's caches filling as
 * the store grows (SQLite's figure grows), a leak (the bytes in use grow
 * and SQLite's do not), and fragmentation (VmRSS grows with the free bytes
 * while the bytes in use stand still).
 */
#ifndef PT_HEAP_H
#define PT_HEAP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    /* Bytes in chunks handed out and not freed, those the allocator mapped
     * on their own (large ones) included. */
    uint64_t in_use;
    /* Bytes free in the allocator's arenas: held by the process (and in
     * VmRSS as far as they were ever touched), not given back. */
    uint64_t free;
} pt_heap_figures_t;

/* Fills *out and returns true, or returns false where the C library cannot
 * tell (not glibc 2.33 or later), and /metrics then leaves the series out.
 * It walks every arena under its lock: a scrape's worth of work, not a
 * request's.
 * Thread: any. */
bool pt_heap_figures(pt_heap_figures_t *out);

#endif

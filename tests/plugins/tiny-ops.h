/*
 * tiny-ops.h - the body of the bad_tiny_* fixture plugins: a plugin of one
 * kind whose ops struct says it is 1 byte (struct_size = 1) and is no
 * larger than its struct_size member. The loader must refuse it as too
 * small, reading nothing of it but struct_size.
 *
 * The ops sit at the very end of a readable page that a page nobody may
 * read follows, so that a loader which reads a member past struct_size
 * (the deliver, import or export pointer, the formats) crashes the test
 * whether or not it runs under AddressSanitizer.
 *
 * The including file defines TINY_KIND (PTRACK_KIND_NOTIFIER, ...) and
 * TINY_MEMBER (notifier, importer or exporter).
 */
#ifndef PT_TEST_TINY_OPS_H
#define PT_TEST_TINY_OPS_H

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>
#include <ptrack/plugin.h>

static int tiny_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)host;
    (void)inst;
    *state = NULL;
    return PTRACK_OK;
}

static void tiny_destroy(void *state)
{
    (void)state;
}

static ptrack_plugin_t tiny_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "bad_tiny",
    .version = "1",
    .description = "its ops struct says it is 1 byte.",
    .kinds = TINY_KIND,
    .create = tiny_create,
    .destroy = tiny_destroy,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    /* Mapped once and never unmapped: the pages outlive a dlclose of the
     * fixture, and are too few to matter. */
    static void *ops;
    if (!ops) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED || mprotect(p + page, page, PROT_NONE) != 0)
            return NULL;
        size_t *size = (size_t *)(void *)(p + page - sizeof(size_t));
        *size = 1;
        ops = size;
    }
    tiny_plugin.TINY_MEMBER = ops;
    return &tiny_plugin;
}

#endif

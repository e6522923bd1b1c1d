/*
 * fixture-base.h - what the unit tests' fixtures share: a directory of a
 * test's own under /tmp, removed with all it holds, and the default
 * workflow and deadlines. Included after cmocka.h (its functions assert);
 * its functions are static (inline: a test need not use them all).
 */
#ifndef PT_TEST_FIXTURE_BASE_H
#define PT_TEST_FIXTURE_BASE_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "workflow.h"

/* Makes a new, empty directory /tmp/NAME-XXXXXX, its path in dir (size
 * bytes). */
static inline void fixture_dir_make(char *dir, size_t size, const char *name)
{
    snprintf(dir, size, "/tmp/%s-XXXXXX", name);
    assert_non_null(mkdtemp(dir));
}

/* Removes the directory dir with all it holds. */
static inline void fixture_dir_remove(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The default workflow (free it with pt_workflow_free) and deadlines. */
static inline void fixture_workflow_default(pt_workflow_t **wf, pt_deadlines_t *deadlines)
{
    pt_error_t err = {0};
    assert_int_equal(pt_workflow_load_default(wf, &err), PT_OK);
    pt_deadlines_default(deadlines);
}

#endif

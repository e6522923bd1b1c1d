/*
 * csv-items.h - the items a csv_split_* function of the csv importer gives
 * for a cell, joined with " | " into one string a test compares, for the
 * unit tests of its splitting. Included by one test file each (after
 * cmocka.h), so its functions are static.
 */
#ifndef PT_TEST_CSV_ITEMS_H
#define PT_TEST_CSV_ITEMS_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "csv-columns.h"

/* The items joined with " | ". */
typedef struct {
    char out[512];
    size_t len;
} items_t;

static int add_item(void *ctx, const char *s, size_t n)
{
    items_t *it = ctx;
    it->len += (size_t)snprintf(it->out + it->len, sizeof(it->out) - it->len, "%s%.*s",
                                it->len ? " | " : "", (int)n, s);
    return 0;
}

/* The items split makes of cell, joined in it (emptied first); the test
 * fails when split does. */
static inline const char *
split_items(items_t *it, int (*split)(const char *, size_t, csv_item_fn, void *), const char *cell)
{
    it->len = 0;
    it->out[0] = '\0';
    assert_int_equal(split(cell, strlen(cell), add_item, it), 0);
    return it->out;
}

#endif

/*
 * bad_small.c - a fixture plugin the loader must refuse: its descriptor says
 * it is smaller than the 1.0 layout.
 */
#define BAD_NAME "bad_small"
#define BAD_WHAT "its descriptor says it is smaller than the 1.0 layout."
#define BAD_STRUCT_SIZE offsetof(ptrack_plugin_t, create)
#include "bad-fixture.h"

/*
 * bad_noentry.c - a fixture plugin the loader must refuse: it exports its
 * descriptor under another name than ptrack_plugin_entry (a misspelt entry
 * point: exported, but not the name the host looks up).
 */
#define BAD_NAME "bad_noentry"
#define BAD_WHAT "it exports its descriptor under another name than ptrack_plugin_entry."
#define BAD_ENTRY ptrack_plugin_entri
#include "bad-fixture.h"

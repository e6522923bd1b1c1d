/*
 * good_nodelete.c - good_lines.c's importer and exporter under another
 * name and format ("fixture-nodelete"), linked with -z nodelete (as a
 * plugin with C++ unique symbols is marked by the linker): dlclose leaves
 * it mapped, with every name the dynamic linker knows it by. The tests
 * load, unload and load it again, then load another plugin, which must get
 * its own code and not this one's.
 */
#define LINES_NAME "good_nodelete"
#define LINES_FORMAT "fixture-nodelete"
#include "good_lines.c"

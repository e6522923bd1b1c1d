/*
 * bad_tiny_importer.c - a fixture plugin the loader must refuse: its importer
 * ops say they are 1 byte (see tiny-ops.h).
 */
#define TINY_KIND PTRACK_KIND_IMPORTER
#define TINY_MEMBER importer
#include "tiny-ops.h"

/*
 * bad_tiny_exporter.c - a fixture plugin the loader must refuse: its exporter
 * ops say they are 1 byte (see tiny-ops.h).
 */
#define TINY_KIND PTRACK_KIND_EXPORTER
#define TINY_MEMBER exporter
#include "tiny-ops.h"

/*
 * bad_tiny_notifier.c - a fixture plugin the loader must refuse: its notifier
 * ops say they are 1 byte (see tiny-ops.h).
 */
#define TINY_KIND PTRACK_KIND_NOTIFIER
#define TINY_MEMBER notifier
#include "tiny-ops.h"

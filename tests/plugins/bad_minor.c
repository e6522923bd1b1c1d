/*
 * bad_minor.c - a fixture plugin the loader must refuse: needs ABI minor one
 * newer than the host.
 */
#define BAD_NAME "bad_minor"
#define BAD_WHAT "needs ABI minor one newer than the host."
#define BAD_ABI_MINOR (PTRACK_ABI_MINOR + 1)
#include "bad-fixture.h"

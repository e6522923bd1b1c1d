/*
 * bad_major.c - a fixture plugin the loader must refuse: built for ABI 2.0,
 * another major.
 */
#define BAD_NAME "bad_major"
#define BAD_WHAT "built for ABI 2.0, another major."
#define BAD_ABI_MAJOR 2
#define BAD_ABI_MINOR 0
#include "bad-fixture.h"

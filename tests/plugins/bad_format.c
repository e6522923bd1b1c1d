/*
 * bad_format.c - a fixture plugin the loader must refuse: it imports a
 * format whose name is not lower case ("Upper"), which the client, which
 * lower-cases --format, could never ask for.
 */
#define BAD_NAME "bad_format"
#define BAD_WHAT "imports a format whose name is not lower case."
#define BAD_FORMATS                                                                                \
    {                                                                                              \
        "fixture-bad", "Upper", NULL                                                               \
    }
#include "bad-fixture.h"

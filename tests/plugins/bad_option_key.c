/*
 * bad_option_key.c - a fixture plugin the loader must refuse: its option
 * table declares an option with an empty key (and a good type).
 */
#define BAD_NAME "bad_option_key"
#define BAD_WHAT "declares an option with an empty key."
#define BAD_OPTIONS                                                                                \
    {                                                                                              \
        {"", PTRACK_OPT_STRING, 0, NULL, "nameless"},                                              \
        {                                                                                          \
            NULL, 0, 0, NULL, NULL                                                                 \
        }                                                                                          \
    }
#include "bad-fixture.h"

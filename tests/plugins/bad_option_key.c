/*
 * bad_option_key.c - a fixture plugin the loader must refuse: its option
 * table declares an option with an empty key (and a good type).
 */
#define BAD_NAME "bad_option_key"
#define BAD_WHAT "declares an option with an empty key."
#define BAD_OPTION_KEY ""
#define BAD_OPTION_TYPE PTRACK_OPT_STRING
#include "bad-fixture.h"

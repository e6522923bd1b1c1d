/*
 * bad_option_type.c - a fixture plugin the loader must refuse: its option
 * table declares an option of a type that ptrack_option_type_t does not have.
 */
#define BAD_NAME "bad_option_type"
#define BAD_WHAT "declares an option of an unknown type."
#define BAD_OPTION_KEY "mode"
#define BAD_OPTION_TYPE (ptrack_option_type_t)99
#include "bad-fixture.h"

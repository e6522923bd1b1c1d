/*
 * bad_option_control_type.c - a fixture plugin the loader must refuse: its
 * option table declares an option of an unknown type, whose key holds an
 * escape sequence and a line break; the refusal shows them as \xNN.
 */
#define BAD_NAME "bad_option_control_type"
#define BAD_WHAT "declares an option of an unknown type whose key holds control characters."
#define BAD_OPTION_KEY "mo\x1b[2Jd\ne"
#define BAD_OPTION_TYPE (ptrack_option_type_t)99
#include "bad-fixture.h"

/*
 * bad_format_control.c - a fixture plugin the loader must refuse: the
 * name of its format holds an escape sequence, which the refusal shows as
 * \xNN.
 */
#define BAD_NAME "bad_format_control"
#define BAD_WHAT "declares a format whose name holds an escape sequence."
#define BAD_FORMATS                                                                                \
    {                                                                                              \
        "csv\x1b[2J", NULL                                                                         \
    }
#include "bad-fixture.h"

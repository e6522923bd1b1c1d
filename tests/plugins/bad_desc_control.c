/*
 * bad_desc_control.c - a fixture plugin the loader must refuse: the
 * default of its one option is no integer, and holds an escape sequence,
 * as its name and the option's key do. The refusal shows their control
 * characters as \xNN and their Chinese as it is (a key's was \xNN too).
 */
#define BAD_NAME "报表\x1b[2J"
#define BAD_WHAT "its name, an option's key and its bad default hold an escape sequence."
#define BAD_FORMATS                                                                                \
    {                                                                                              \
        "fixture-desc-control", NULL                                                               \
    }
#define BAD_OPTION_KEY "次\x1b数"
#define BAD_OPTION_TYPE PTRACK_OPT_INT
#define BAD_OPTION_DEFAULT "3\x1b[31m次"
#include "bad-fixture.h"

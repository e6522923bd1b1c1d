/*
 * bad_option_help.c - a fixture plugin with a required option whose help
 * holds an escape sequence, a line break and a byte that is not UTF-8:
 * the loader's refusals that quote the help show those as \xNN and its
 * Chinese as it is.
 */
#define BAD_NAME "bad_option_help"
#define BAD_WHAT "declares an option whose help holds control characters."
#define BAD_OPTION_KEY "标题"
#define BAD_OPTION_TYPE PTRACK_OPT_STRING
#define BAD_OPTION_REQUIRED 1
#define BAD_OPTION_HELP "标题，\x1b[2J一行\n两行\xff"
#include "bad-fixture.h"

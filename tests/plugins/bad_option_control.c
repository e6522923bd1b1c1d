/*
 * bad_option_control.c - a fixture plugin whose option table declares a
 * required option whose key holds an escape sequence (ESC [31m, which
 * turns a terminal's text red) and a line break: the loader refuses a
 * config without it, or with a value of the wrong type, and its refusal
 * shows the key's control characters as \xNN, never as they are.
 */
#define BAD_NAME "bad_option_control"
#define BAD_WHAT "declares an option whose key holds control characters."
#define BAD_OPTION_KEY "ti\x1b[31mt\nle"
#define BAD_OPTION_TYPE PTRACK_OPT_STRING
#define BAD_OPTION_REQUIRED 1
#include "bad-fixture.h"

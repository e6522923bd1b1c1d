/*
 * bad_undefined.c - a fixture plugin that uses a function no library
 * defines (pt_fixture_nowhere), as a plugin that forgot to link its
 * office's SSO library does: dlopen(RTLD_NOW) refuses it with "undefined
 * symbol". The file itself is a good shared object.
 */
#define EXTERN_FN pt_fixture_nowhere
#define EXTERN_NAME "bad_undefined"
#define EXTERN_WHAT "uses a symbol no library defines (a test fixture)"
#include "extern-notifier.h"

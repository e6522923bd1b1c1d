/*
 * bad_needslib.c - a fixture plugin linked against a library,
 * libfixture_gone.so (tests/shims/gone.c), that the dynamic linker does
 * not find: it is built in a directory of its own, and this fixture has
 * no RUNPATH (tests/CMakeLists.txt), as a plugin is that was built where
 * its office's SSO library is installed and copied to a server where it
 * is not. dlopen refuses it with "libfixture_gone.so: cannot open shared
 * object file"; the file itself is a good shared object.
 */
#define EXTERN_FN pt_fixture_gone
#define EXTERN_NAME "bad_needslib"
#define EXTERN_WHAT "needs a library that is not installed (a test fixture)"
#include "extern-notifier.h"

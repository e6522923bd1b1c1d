/*
 * bad_args.c - a fixture plugin the loader must refuse: it declares a query
 * parameter (ABI 1.1 args) with an empty name.
 */
#define BAD_NAME "bad_args"
#define BAD_WHAT "declares a query parameter without a name."
#define BAD_ARGS                                                                                   \
    {                                                                                              \
        "sep", "", NULL                                                                            \
    }
#include "bad-fixture.h"

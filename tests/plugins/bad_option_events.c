/*
 * bad_option_events.c - a fixture plugin the loader must refuse: its option
 * table declares "events", the key the host keeps for a notifier's filter.
 */
#define BAD_NAME "bad_option_events"
#define BAD_WHAT "declares the option events."
#define BAD_OPTION_KEY "events"
#define BAD_OPTION_TYPE PTRACK_OPT_STRINGS
#include "bad-fixture.h"

/*
 * bad_create.c - a fixture notifier whose create() fails, after logging
 * why, whenever its option `fail` is true (the default): the loader must
 * refuse the instance with that reason and keep nothing loaded. With
 * `code` it returns that code instead of PTRACK_ERROR, and with `quiet`
 * it logs nothing. Its deliver() returns `deliver_rc` (default PTRACK_OK).
 */
#include <stddef.h>
#include <stdint.h>
#include <ptrack/plugin.h>

static int create_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    int fail = 1, quiet = 0;
    int64_t code = PTRACK_ERROR, deliver_rc = PTRACK_OK;
    host->opt_bool(inst, "fail", &fail);
    host->opt_bool(inst, "quiet", &quiet);
    host->opt_int(inst, "code", &code);
    host->opt_int(inst, "deliver_rc", &deliver_rc);
    *state = NULL;
    if (fail) {
        if (!quiet)
            host->log(inst, PTRACK_LOG_ERROR, "cannot reach the fixture's server (as designed)");
        return (int)code;
    }
    /* The state is the code deliver() returns. */
    *state = (void *)(intptr_t)deliver_rc;
    return PTRACK_OK;
}

static void create_destroy(void *state)
{
    (void)state;
}

static int create_deliver(void *state, const ptrack_event_t *ev)
{
    (void)ev;
    return (int)(intptr_t)state;
}

static const ptrack_option_t create_options[] = {
    {"fail", PTRACK_OPT_BOOL, 0, "true", "make create() fail"},
    {"code", PTRACK_OPT_INT, 0, "-1", "what a failing create() returns"},
    {"quiet", PTRACK_OPT_BOOL, 0, "false", "a failing create() logs nothing"},
    {"deliver_rc", PTRACK_OPT_INT, 0, "0", "what deliver() returns"},
    PTRACK_OPTION_END,
};

static const ptrack_notifier_ops_t create_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = create_deliver,
};

static const ptrack_plugin_t create_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "bad_create",
    .version = "1.0",
    .description = "test fixture: create() fails unless fail is false",
    .kinds = PTRACK_KIND_NOTIFIER,
    .options = create_options,
    .create = create_create,
    .destroy = create_destroy,
    .notifier = &create_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &create_plugin;
}

/*
 * bad-fixture.h - the body of the bad_* fixture plugins: a complete
 * importer whose descriptor is wrong in the one way the including file
 * chooses, so that the loader's refusal can only come from what its test is
 * about.
 *
 * The including file defines BAD_NAME ("bad_major") and BAD_WHAT (the
 * description's reason), and any of these to differ from a good plugin:
 * BAD_STRUCT_SIZE (the descriptor's struct_size), BAD_ABI_MAJOR,
 * BAD_ABI_MINOR, BAD_ARGS (the importer's args, an initializer list),
 * BAD_FORMATS (its formats, an initializer list), BAD_OPTION_KEY and BAD_OPTION_TYPE (the key
 * and the type of the one option it declares), BAD_OPTION_REQUIRED (1: that option is required),
 * BAD_OPTION_DEFAULT and BAD_OPTION_HELP (its default_text and help) and BAD_ENTRY (the name the
 * descriptor is exported under). Each fixture is a shared object of its own, so the functions here
 * are static.
 */
#ifndef PT_TEST_BAD_FIXTURE_H
#define PT_TEST_BAD_FIXTURE_H

#include <stddef.h>
#include <ptrack/plugin.h>

#ifndef BAD_STRUCT_SIZE
#define BAD_STRUCT_SIZE sizeof(ptrack_plugin_t)
#endif
#ifndef BAD_ABI_MAJOR
#define BAD_ABI_MAJOR PTRACK_ABI_MAJOR
#endif
#ifndef BAD_ABI_MINOR
#define BAD_ABI_MINOR PTRACK_ABI_MINOR
#endif
#ifndef BAD_ENTRY
#define BAD_ENTRY PTRACK_PLUGIN_ENTRY
#endif

static int bad_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    (void)host;
    (void)inst;
    *state = NULL;
    return PTRACK_OK;
}

static void bad_destroy(void *state)
{
    (void)state;
}

static int bad_import(void *state, ptrack_job_t *job, const char *format)
{
    (void)state;
    (void)job;
    (void)format;
    return PTRACK_OK;
}

#ifdef BAD_FORMATS
static const char *const bad_formats[] = BAD_FORMATS;
#else
static const char *const bad_formats[] = {"fixture-" BAD_NAME, NULL};
#endif
#ifdef BAD_ARGS
static const char *const bad_args[] = BAD_ARGS;
#endif

#ifdef BAD_OPTION_KEY
#ifndef BAD_OPTION_REQUIRED
#define BAD_OPTION_REQUIRED 0
#endif
#ifndef BAD_OPTION_DEFAULT
#define BAD_OPTION_DEFAULT NULL
#endif
#ifndef BAD_OPTION_HELP
#define BAD_OPTION_HELP "the fixture's one option"
#endif
static const ptrack_option_t bad_options[] = {
    {BAD_OPTION_KEY, BAD_OPTION_TYPE, BAD_OPTION_REQUIRED, BAD_OPTION_DEFAULT, BAD_OPTION_HELP},
    PTRACK_OPTION_END,
};
#endif

static const ptrack_importer_ops_t bad_ops = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = bad_formats,
    .import = bad_import,
#ifdef BAD_ARGS
    .args = bad_args,
#endif
};

static const ptrack_plugin_t bad_plugin = {
    .struct_size = BAD_STRUCT_SIZE,
    .abi_major = BAD_ABI_MAJOR,
    .abi_minor = BAD_ABI_MINOR,
    .name = BAD_NAME,
    .version = "1.0",
    .description = "test fixture: " BAD_WHAT,
    .kinds = PTRACK_KIND_IMPORTER,
    .create = bad_create,
    .destroy = bad_destroy,
    .importer = &bad_ops,
#ifdef BAD_OPTION_KEY
    .options = bad_options,
#endif
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *BAD_ENTRY(void);

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *BAD_ENTRY(void)
{
    return &bad_plugin;
}

#endif

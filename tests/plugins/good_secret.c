/*
 * good_secret.c - a fixture importer with a secret option (ABI 1.6), for
 * the loader's handling of secrets: a required string `url`, and a
 * `token` (PTRACK_OPT_SECRET) that create() reads with opt_string, as a
 * plugin reads a password. It imports nothing: its tests are about what
 * the host shows of the token, not about files.
 */
#include <ptrack/plugin.h>

static int secret_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    const char *url, *token = "";
    /* A secret is read with opt_string; a set token must be readable. */
    if (host->opt_string(inst, "url", &url) != PTRACK_OK) {
        host->log(inst, PTRACK_LOG_ERROR, "url is not readable");
        return PTRACK_ERROR;
    }
    int rc = host->opt_string(inst, "token", &token);
    if (rc != PTRACK_OK && rc != PTRACK_ENOTFOUND) {
        host->log(inst, PTRACK_LOG_ERROR, "token is not readable with opt_string");
        return PTRACK_ERROR;
    }
    *state = NULL;
    return PTRACK_OK;
}

static void secret_destroy(void *state)
{
    (void)state;
}

static int secret_import(void *state, ptrack_job_t *job, const char *format)
{
    (void)state;
    (void)job;
    (void)format;
    return PTRACK_OK;
}

static const ptrack_option_t secret_table[] = {
    {"url", PTRACK_OPT_STRING, 1, NULL, "where to send things"},
    {"token", PTRACK_OPT_SECRET, 0, NULL, "the receiver's key"},
    PTRACK_OPTION_END,
};

static const char *const secret_formats[] = {"fixture-secret", NULL};

static const ptrack_importer_ops_t secret_ops = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = secret_formats,
    .import = secret_import,
};

static const ptrack_plugin_t secret_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "good_secret",
    .version = "1.0",
    .description = "test fixture: an importer with a secret option",
    .kinds = PTRACK_KIND_IMPORTER,
    .options = secret_table,
    .create = secret_create,
    .destroy = secret_destroy,
    .importer = &secret_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &secret_plugin;
}

/*
 * fuzz_config.c - a config file, into core/config.c: every key's checks
 * (sizes, durations, times of day, roles, tokens, socket users, plugin
 * entries, listen addresses), then what ptrackd derives from it.
 *
 * Input: the file's bytes, as pt_config_load_file hands them on after
 * reading the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pt_config_t c;
    pt_config_init(&c);
    pt_error_t err = {0};
    if (pt_config_load_json(&c, (const char *)data, size, &err) != PT_OK) {
        if (err.message[0] == '\0') {
            fprintf(stderr, "a refused config without a message\n");
            abort();
        }
        pt_error_clear(&err);
        pt_config_free(&c);
        return 0;
    }
    pt_config_finish(&c);
    if (c.listen)
        (void)pt_listen_is_loopback(c.listen);
    const cJSON *entry;
    cJSON_ArrayForEach(entry, c.plugins)
    {
        char field[128], why[256];
        if (pt_config_plugin_entry_check(entry, field, sizeof(field), why, sizeof(why)) != 0) {
            fprintf(stderr, "a loaded config holds a plugin entry its check refuses: %s: %s\n",
                    field, why);
            abort();
        }
    }
    for (size_t i = 0; i < c.n_tokens; i++)
        (void)pt_role_name(c.tokens[i].role);
    pt_config_free(&c);
    return 0;
}

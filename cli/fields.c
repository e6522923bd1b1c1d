/*
 * fields.c - the types of the fields `--set` can give (see fields.h).
 */
#include "fields.h"

#include <string.h>

#include "json.h"

pt_field_type_t pt_field_type_proposal(const char *key, void *ud)
{
    /* PRODUCT.md §1: the proposal's string fields. Lists (tags, co_signers,
     * recommendations), booleans (key_supervision) and numbers
     * (merged_into) keep the JSON rule. */
    static const char *const text[] = {
        "number",     "kind",          "session",     "title",    "background",
        "status",     "lead_author",   "delegation",  "category", "submitter_type",
        "supervisor", "handling_mode", "assigned_at", "due_at",   NULL};
    (void)ud;
    /* custom is string → string, source is {format, ref}: every member of
     * them is text. */
    if (strncmp(key, "custom.", 7) == 0 || strncmp(key, "source.", 7) == 0)
        return PT_FIELD_TEXT;
    for (size_t i = 0; text[i]; i++)
        if (strcmp(key, text[i]) == 0)
            return PT_FIELD_TEXT;
    return PT_FIELD_ANY;
}

pt_field_type_t pt_field_type_action(const char *key, void *ud)
{
    static const char *const text_types[] = {"string", "text", "enum", "time", NULL};
    const pt_action_fields_t *a = ud;
    const cJSON *it, *f;
    if (strcmp(key, "note") == 0)
        return PT_FIELD_TEXT;
    cJSON_ArrayForEach(it, pt_json_get(pt_cli_workflow(a->cli), "actions"))
    {
        const char *name = pt_json_str(it, "name");
        if (!name || strcmp(name, a->action) != 0)
            continue;
        cJSON_ArrayForEach(f, pt_json_get(it, "fields"))
        {
            const char *fname = pt_json_str(f, "name");
            const char *type = pt_json_str(f, "type");
            if (!fname || !type || strcmp(fname, key) != 0)
                continue;
            for (size_t i = 0; text_types[i]; i++)
                if (strcmp(type, text_types[i]) == 0)
                    return PT_FIELD_TEXT;
            return PT_FIELD_ANY;
        }
    }
    return PT_FIELD_ANY;
}

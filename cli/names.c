/*
 * names.c - a list of names typed as one value (see names.h).
 */
#include "names.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv-columns.h"
#include "json.h"

static int push_name(void *ctx, const char *s, size_t n)
{
    char *name = pt_xstrndup(s, n);
    pt_json_push(ctx, cJSON_CreateString(name));
    free(name);
    return 0;
}

void pt_names_append(cJSON *arr, const char *text)
{
    csv_split_names(text, strlen(text), push_name, arr);
}

void pt_people_append(cJSON *arr, const char *text)
{
    csv_split_people(text, strlen(text), push_name, arr);
}

void pt_names_field(cJSON *obj, const char *key)
{
    const cJSON *v = pt_json_get(obj, key);
    if (!cJSON_IsString(v))
        return;
    cJSON *arr = pt_xcheck(cJSON_CreateArray());
    if (strcmp(key, "co_signers") == 0)
        pt_people_append(arr, v->valuestring);
    else
        pt_names_append(arr, v->valuestring);
    cJSON_ReplaceItemInObjectCaseSensitive(obj, key, arr);
}

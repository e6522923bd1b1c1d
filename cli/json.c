/*
 * json.c - small helpers for reading and building cJSON values (see json.h).
 */
#include "json.h"

#include <stdlib.h>

#include "buf.h"

const char *pt_json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

double pt_json_num(const cJSON *obj, const char *key, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

bool pt_json_bool(const cJSON *obj, const char *key, bool def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : def;
}

cJSON *pt_json_get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

void pt_json_add(cJSON *obj, const char *key, cJSON *item)
{
    if (!item || !cJSON_AddItemToObject(obj, key, item))
        pt_oom();
}

void pt_json_add_str(cJSON *obj, const char *key, const char *s)
{
    pt_json_add(obj, key, cJSON_CreateString(s));
}

void pt_json_push(cJSON *arr, cJSON *item)
{
    if (!item || !cJSON_AddItemToArray(arr, item))
        pt_oom();
}

void pt_json_print(const cJSON *v, FILE *out)
{
    if (!v) {
        /* No document at all (callers check answers first): JSON's word for
         * nothing, rather than a failed print taken for lack of memory. */
        fputs("null\n", out);
        return;
    }
    char *s = pt_xcheck(cJSON_Print(v));
    pt_buf_t b = {0};
    bool line_start = true;
    /* cJSON indents with tabs and puts a tab after each colon. Two spaces
     * and one space read better and are what other tools print. A raw tab
     * can only be formatting: inside strings cJSON writes it as \t. */
    for (const char *p = s; *p; p++) {
        /* An empty object comes as "{", a line break, the indent and "}":
         * it is {}, as an empty array is []. */
        if (*p == '{' && p[1] == '\n') {
            const char *q = p + 2;
            while (*q == '\t')
                q++;
            if (*q == '}') {
                pt_buf_puts(&b, "{}");
                line_start = false;
                p = q;
                continue;
            }
        }
        if (*p == '\t') {
            pt_buf_puts(&b, line_start ? "  " : " ");
            continue;
        }
        line_start = *p == '\n';
        pt_buf_putc(&b, *p);
    }
    fprintf(out, "%s\n", pt_buf_str(&b));
    pt_buf_free(&b);
    cJSON_free(s);
}

void pt_json_print_line(const cJSON *v, FILE *out)
{
    char *s = pt_xcheck(cJSON_PrintUnformatted(v));
    fprintf(out, "%s\n", s);
    cJSON_free(s);
}

char *pt_json_join(const cJSON *arr, const char *sep)
{
    pt_buf_t b = {0};
    const cJSON *it;
    bool first = true;
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsString(it))
            continue;
        if (!first)
            pt_buf_puts(&b, sep);
        pt_buf_puts(&b, it->valuestring);
        first = false;
    }
    return pt_buf_take(&b);
}

const char **pt_json_strings(const cJSON *arr, size_t *n)
{
    const char **out = NULL;
    const cJSON *it;
    *n = 0;
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsString(it))
            continue;
        out = pt_xrealloc(out, (*n + 1) * sizeof *out);
        out[(*n)++] = it->valuestring;
    }
    return out;
}

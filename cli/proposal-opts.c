/*
 * proposal-opts.c - a proposal's fields as options (see proposal-opts.h).
 */
#include "proposal-opts.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "names.h"

/* Every field option and the member it sets. */
static const struct {
    const char *opt, *field;
    bool list;
} fields[] = {
    {"title", "title", false},
    {"kind", "kind", false},
    {"session", "session", false},
    {"number", "number", false},
    {"delegation", "delegation", false},
    {"lead-author", "lead_author", false},
    {"co-signer", "co_signers", true},
    {"submitter-type", "submitter_type", false},
    {"category", "category", false},
    {"background", "background", false},
    {"recommendation", "recommendations", true},
    {"tag", "tags", true},
};

#define N_FIELDS (sizeof fields / sizeof fields[0])

/* True when every one of the n values is "". */
static bool all_empty(const char **values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (values[i][0] != '\0')
            return false;
    return true;
}

/* The array of a list option's values. Co-signers and tags are often
 * pasted or typed as one value, "王秀英，张建军" or "交通，民生": each
 * --co-signer and --tag is split as the CSV importer splits a cell of
 * either (names.h). Recommendations take each value whole: one holds
 * commas. */
static cJSON *list_value(const char *field, const char **values, size_t n)
{
    bool names = strcmp(field, "co_signers") == 0 || strcmp(field, "tags") == 0;
    cJSON *arr = pt_xcheck(cJSON_CreateArray());
    for (size_t i = 0; i < n; i++) {
        if (names && strcmp(field, "co_signers") == 0)
            pt_people_append(arr, values[i]);
        else if (names)
            pt_names_append(arr, values[i]);
        else
            pt_json_push(arr, cJSON_CreateString(values[i]));
    }
    return arr;
}

/* The text of --background: as typed, or the text of FILE for @FILE, read
 * as --set-file reads it (pt_args_read_field_text). NULL after a message.
 * Ownership: the caller frees. */
static char *background_text(pt_cli_t *cli, const char *v)
{
    if (!(v[0] == '@' && v[1]))
        return pt_xstrdup(v);
    return pt_args_read_field_text(v + 1, cli->cmd);
}

int pt_proposal_opts_body(pt_cli_t *cli, const pt_args_t *args, cJSON *body, bool empty_clears)
{
    for (size_t i = 0; i < N_FIELDS; i++) {
        const char *field = fields[i].field;
        cJSON *value;
        if (fields[i].list) {
            size_t n;
            const char **values = pt_args_list(args, fields[i].opt, &n);
            if (n == 0)
                continue;
            value = empty_clears && all_empty(values, n) ? pt_xcheck(cJSON_CreateNull())
                                                         : list_value(field, values, n);
        } else {
            const char *v = pt_args_value(args, fields[i].opt);
            if (!v)
                continue;
            if (empty_clears && v[0] == '\0') {
                value = pt_xcheck(cJSON_CreateNull());
            } else if (strcmp(field, "background") == 0) {
                char *text = background_text(cli, v);
                if (!text)
                    return PT_EXIT_USAGE;
                value = pt_xcheck(cJSON_CreateString(text));
                free(text);
            } else {
                value = pt_xcheck(cJSON_CreateString(v));
            }
        }
        cJSON_DeleteItemFromObjectCaseSensitive(body, field);
        pt_json_add(body, field, value);
    }
    return PT_EXIT_OK;
}

const char *pt_proposal_opts_given(const pt_args_t *args)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (pt_args_flag(args, fields[i].opt))
            return fields[i].opt;
    return NULL;
}

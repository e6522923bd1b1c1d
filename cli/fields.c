/*
 * fields.c - the types of the fields `--set` can give (see fields.h).
 */
#include "fields.h"

#include <string.h>

#include "buf.h"
#include "json.h"
#include "labels.h"
#include "times.h"
#include "width.h"

pt_field_type_t pt_field_type_proposal(const char *key, void *ud)
{
    /* The proposal's string fields (docs/api.md, The proposal). Lists (tags, co_signers,
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

const char *pt_action_field_type(pt_cli_t *cli, const char *action, const char *field)
{
    const cJSON *it, *f;
    cJSON_ArrayForEach(it, pt_json_get(pt_cli_workflow(cli), "actions"))
    {
        const char *name = pt_json_str(it, "name");
        if (!name || strcmp(name, action) != 0)
            continue;
        cJSON_ArrayForEach(f, pt_json_get(it, "fields"))
        {
            const char *fname = pt_json_str(f, "name");
            if (fname && strcmp(fname, field) == 0)
                return pt_json_str(f, "type");
        }
    }
    return NULL;
}

/* The Chinese names an office says and writes for the built-in actions'
 * fields (a reply's 答复文号, a feedback's 满意度), '|'-separated. One name
 * may stand for fields of different actions (意见: a co unit's opinion, a
 * delegate's comment); it is taken for the one the action declares. */
static const struct {
    const char *field;
    const char *names;
} field_names[] = {
    {"doc_no", "答复文号|文号"},
    {"category", "答复类别|办理结果|类别"},
    {"text", "答复内容|答复正文|内容|正文"},
    {"reason", "理由|原因|退回理由"},
    {"opinion", "协办意见|意见"},
    {"satisfaction", "满意度|满意程度|评价"},
    {"comment", "评价意见|意见"},
    {"person", "代表|评价代表|评价人"},
    {"due_at", "期限|答复期限|办理期限|截止日期"},
    {"key_supervision", "重点督办|督办"},
    {"supervisor", "督办人|督办领导"},
    {"merged_into", "并入|并案至"},
    {"mode", "办理方式|交办方式"},
    {"unit", "承办单位|单位"},
    {"units", "承办单位|单位"},
    {"note", "备注"},
};

/* The column at which a field's names begin, and the least room they
 * get however narrow the width: the widest name (four characters) and
 * its 、, so that no name is broken. */
#define NAMES_AT 18
#define NAMES_ROOM 10

void pt_action_field_names(const cJSON *wf, size_t width, pt_buf_t *b)
{
    for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
        const char *f = field_names[i].field;
        bool used = false;
        const cJSON *a, *it;
        cJSON_ArrayForEach(a, pt_json_get(wf, "actions"))
        {
            cJSON_ArrayForEach(it, pt_json_get(a, "fields"))
            {
                const char *name = pt_json_str(it, "name");
                used |= name && strcmp(name, f) == 0;
            }
        }
        if (!used)
            continue;
        /* The names, 、-joined, wrapped between two of them under the
         * first (pt_text_wrap_names), which begins after the field. */
        const char *names[8];
        char copy[128];
        size_t n = 0;
        snprintf(copy, sizeof copy, "%s", field_names[i].names);
        for (char *p = copy; p && n < sizeof names / sizeof names[0]; n++) {
            names[n] = p;
            p = strchr(p, '|');
            if (p)
                *p++ = '\0';
        }
        pt_buf_t wrapped = {0};
        pt_text_wrap_names(&wrapped, names, n, "、", NAMES_AT,
                           width > NAMES_AT + NAMES_ROOM ? width : NAMES_AT + NAMES_ROOM);
        pt_buf_printf(b, "  %-*s%s", (int)(NAMES_AT - 2), f, pt_buf_str(&wrapped) + NAMES_AT);
        pt_buf_free(&wrapped);
    }
}

/* Whether name is one of the '|'-separated names. */
static bool names_hold(const char *names, const char *name, size_t len)
{
    for (const char *p = names; *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && memcmp(p, name, len) == 0)
            return true;
        p += n + (bar != NULL);
    }
    return false;
}

/* The first Chinese name of field f, or NULL. */
static const char *chinese_name(const char *f, size_t *len)
{
    for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
        if (strcmp(field_names[i].field, f) == 0) {
            *len = strcspn(field_names[i].names, "|");
            return field_names[i].names;
        }
    }
    return NULL;
}

/* --set NAME= where NAME is the Chinese name of field `known` (or of
 * `other` too, 意见 of opinion and comment), which the action does not
 * declare (理由= for a feedback, whose words are its comment): a usage
 * error naming the fields it does take, with their Chinese names, rather
 * than ptrackd's refusal of an unknown field in English codes. Without
 * the workflow the key goes as typed. */
static int not_taken(pt_cli_t *cli, const char *action, int len, const char *kv, const char *known,
                     const char *other)
{
    const cJSON *it, *f, *wf = pt_cli_workflow(cli), *fields = NULL;
    cJSON_ArrayForEach(it, pt_json_get(wf, "actions"))
    {
        const char *name = pt_json_str(it, "name");
        if (name && strcmp(name, action) == 0)
            fields = pt_json_get(it, "fields");
    }
    if (!fields)
        return PT_EXIT_OK;
    pt_buf_t takes = {0};
    bool note = false;
    cJSON_ArrayForEach(f, fields)
    {
        const char *name = pt_json_str(f, "name");
        if (!name)
            continue;
        size_t n;
        const char *zh = chinese_name(name, &n);
        pt_buf_printf(&takes, "%s%s", takes.len ? ", " : "", name);
        if (zh)
            pt_buf_printf(&takes, " (%.*s)", (int)n, zh);
        note |= strcmp(name, "note") == 0;
    }
    if (!note)
        pt_buf_printf(&takes, "%snote (备注)", takes.len ? ", " : "");
    int rc = other
                 ? pt_cli_usage(cli,
                                "--set %.*s=: %.*s is %s or %s, neither of which %s takes; it "
                                "takes %s",
                                len, kv, len, kv, known, other, action, pt_buf_str(&takes))
                 : pt_cli_usage(cli, "--set %.*s=: %.*s is %s, which %s does not take; it takes %s",
                                len, kv, len, kv, known, action, pt_buf_str(&takes));
    pt_buf_free(&takes);
    return rc;
}

int pt_action_field_from_input(pt_cli_t *cli, const char *action, const char *kv, char **out)
{
    *out = NULL;
    size_t len = strcspn(kv, "=.");
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        ascii &= (unsigned char)kv[i] < 0x80;
    /* Without an = there is no KEY=VALUE to name: left as typed, for the
     * refusal to show what was typed (内容, not text). */
    if (ascii || len == 0 || !strchr(kv, '='))
        return PT_EXIT_OK;
    const char *found = NULL, *known = NULL, *other = NULL;
    for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
        const char *f = field_names[i].field;
        if (!names_hold(field_names[i].names, kv, len))
            continue;
        if (!known)
            known = f;
        else if (!other && strcmp(known, f) != 0)
            other = f;
        if (strcmp(f, "note") != 0 && !pt_action_field_type(cli, action, f))
            continue;
        if (found && strcmp(found, f) != 0)
            return pt_cli_usage(cli, "--set %.*s= may be %s or %s of %s; give the field's code",
                                (int)len, kv, found, f, action);
        found = f;
    }
    if (!found && known)
        return not_taken(cli, action, (int)len, kv, known, other);
    if (!found)
        return PT_EXIT_OK; /* as typed: a field of the office's own, or ptrackd's to refuse */
    pt_buf_t b = {0};
    pt_buf_printf(&b, "%s%s", found, kv + len);
    *out = pt_buf_take(&b);
    return PT_EXIT_OK;
}

pt_field_type_t pt_field_type_action(const char *key, void *ud)
{
    static const char *const text_types[] = {"string", "text", "enum", "time", NULL};
    const pt_action_fields_t *a = ud;
    if (strcmp(key, "note") == 0)
        return PT_FIELD_TEXT;
    const char *type = pt_action_field_type(a->cli, a->action, key);
    for (size_t i = 0; type && text_types[i]; i++)
        if (strcmp(type, text_types[i]) == 0)
            return PT_FIELD_TEXT;
    return PT_FIELD_ANY;
}

/* Replaces body[key] with a string. */
static void set_str(cJSON *body, const char *key, const char *s)
{
    cJSON_ReplaceItemInObjectCaseSensitive(body, key, pt_xcheck(cJSON_CreateString(s)));
}

int pt_fields_action_input(pt_cli_t *cli, const char *action, cJSON *body)
{
    const cJSON *it, *f;
    cJSON_ArrayForEach(it, pt_json_get(pt_cli_workflow(cli), "actions"))
    {
        const char *name = pt_json_str(it, "name");
        if (!name || strcmp(name, action) != 0)
            continue;
        cJSON_ArrayForEach(f, pt_json_get(it, "fields"))
        {
            const char *fname = pt_json_str(f, "name");
            const char *type = pt_json_str(f, "type");
            const char *v = fname ? pt_json_str(body, fname) : NULL;
            if (!v || !type)
                continue;
            if (strcmp(type, "enum") == 0) {
                set_str(body, fname, pt_value_from_input(cli, fname, pt_json_get(f, "values"), v));
            } else if (strcmp(type, "time") == 0) {
                char day[16];
                const char *t = pt_time_day_canon(pt_input_fold(cli, v), day, sizeof day);
                if (!pt_time_input_ok(t))
                    return pt_cli_usage(cli, "%s takes " PT_TIME_INPUT_HINT ", not \"%s\"", fname,
                                        v);
                set_str(body, fname, t);
            } else if (strcmp(type, "proposal_id") == 0) {
                /* "--set merged_into=＃２０": the id as a number, as the
                 * command line takes an id anywhere. */
                const char *id = pt_input_fold(cli, v);
                long long n;
                if (id[0] == '#')
                    id++;
                if (pt_args_int(id, &n) == 0)
                    cJSON_ReplaceItemInObjectCaseSensitive(
                        body, fname, pt_xcheck(cJSON_CreateNumber((double)n)));
            } else if (strcmp(type, "bool") == 0) {
                const char *b = pt_input_fold(cli, v);
                if (strcmp(b, "是") == 0 || strcmp(b, "true") == 0)
                    cJSON_ReplaceItemInObjectCaseSensitive(body, fname,
                                                           pt_xcheck(cJSON_CreateTrue()));
                else if (strcmp(b, "否") == 0 || strcmp(b, "false") == 0)
                    cJSON_ReplaceItemInObjectCaseSensitive(body, fname,
                                                           pt_xcheck(cJSON_CreateFalse()));
            }
        }
        return PT_EXIT_OK;
    }
    return PT_EXIT_OK;
}

void pt_fields_proposal_input(pt_cli_t *cli, cJSON *body)
{
    static const char *const coded[] = {"kind", "submitter_type"};
    for (size_t i = 0; i < sizeof coded / sizeof coded[0]; i++) {
        const char *v = pt_json_str(body, coded[i]);
        if (v)
            set_str(body, coded[i], pt_value_from_input(cli, coded[i], NULL, v));
    }
}

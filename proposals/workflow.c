/*
 * workflow.c - loading and checking a workflow document, and the queries
 * and JSON the rest of ptrack asks of it.
 *
 * A workflow file is written by an office, not by us, so the loader assumes
 * nothing: every key is checked, unknown keys are refused (a misspelt
 * "gaurds" must not silently drop a guard), and the document is checked as a
 * whole (states exist, every state is reachable, each effect has the body
 * fields it needs) before ptrackd agrees to run with it. Every message names
 * the state, action or field at fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json-strict.h"
#include "proposal-fields.h"
#include "timefmt.h"
#include "workflow-internal.h"

void pt_deadlines_default(pt_deadlines_t *d)
{
    const int64_t day = INT64_C(86400000);

    d->reply = 90 * day;
    d->ret = 10 * day;
    d->rehandle = 30 * day;
    d->max = 180 * day;
    d->feedback = 30 * day;
    d->remind_before = 7 * day;
    d->digest_at = (8 * 60 + 30) * INT64_C(60000);
}

/* What an effect needs from the action's body. A workflow file may rename
 * labels, drop steps or add states, but an effect reads its inputs by name,
 * so the loader insists that those fields exist, are required and have a
 * type the effect can use. Enumerations are limited to the values the
 * proposal model can store (a reply category "E" could never be read back). */
typedef enum { NEED_STRING, NEED_BOOL, NEED_TIME, NEED_ID, NEED_UNITS } need_class_t;

typedef struct {
    const char *field;
    need_class_t cls;
    const char *const *values; /* the field must be an enum within these */
} need_t;

static const char *const modes[] = {"lead_co", "separate", "single", NULL};
static const char *const reply_categories[] = {"A", "B", "C", "D", NULL};
static const char *const satisfactions[] = {"satisfied", "basically_satisfied", "unsatisfied",
                                            NULL};

static const struct {
    const char *name;
    wf_effect_t effect;
    need_t needs[4];
} effects[] = {
    {"none", EF_NONE, {{NULL, NEED_STRING, NULL}}},
    {"submit", EF_SUBMIT, {{NULL, NEED_STRING, NULL}}},
    {"review", EF_REVIEW, {{NULL, NEED_STRING, NULL}}},
    {"file", EF_FILE, {{NULL, NEED_STRING, NULL}}},
    {"reject", EF_REJECT, {{NULL, NEED_STRING, NULL}}},
    {"merge", EF_MERGE, {{"merged_into", NEED_ID, NULL}}},
    {"convert", EF_CONVERT, {{NULL, NEED_STRING, NULL}}},
    {"assign", EF_ASSIGN, {{"mode", NEED_STRING, modes}, {"units", NEED_UNITS, NULL}}},
    {"reassign", EF_ASSIGN, {{"mode", NEED_STRING, modes}, {"units", NEED_UNITS, NULL}}},
    {"sign", EF_SIGN, {{"unit", NEED_STRING, NULL}}},
    {"return", EF_RETURN, {{"unit", NEED_STRING, NULL}}},
    {"opinion", EF_OPINION, {{"unit", NEED_STRING, NULL}, {"opinion", NEED_STRING, NULL}}},
    {"extend", EF_EXTEND, {{"due_at", NEED_TIME, NULL}}},
    {"reply",
     EF_REPLY,
     {{"unit", NEED_STRING, NULL},
      {"doc_no", NEED_STRING, NULL},
      {"category", NEED_STRING, reply_categories},
      {"text", NEED_STRING, NULL}}},
    {"feedback",
     EF_FEEDBACK,
     {{"person", NEED_STRING, NULL}, {"satisfaction", NEED_STRING, satisfactions}}},
    {"close", EF_CLOSE, {{NULL, NEED_STRING, NULL}}},
    {"follow_up",
     EF_FOLLOW_UP,
     {{"unit", NEED_STRING, NULL},
      {"doc_no", NEED_STRING, NULL},
      {"category", NEED_STRING, reply_categories},
      {"text", NEED_STRING, NULL}}},
    {"reopen", EF_REOPEN, {{NULL, NEED_STRING, NULL}}},
    {"withdraw", EF_WITHDRAW, {{NULL, NEED_STRING, NULL}}},
    {"supervise", EF_SUPERVISE, {{"key_supervision", NEED_BOOL, NULL}}},
};

#define N_EFFECTS (sizeof(effects) / sizeof(effects[0]))

static const struct {
    const char *name;
    unsigned bit;
} guards[] = {
    {"return_window", WF_G_RETURN_WINDOW},
    {"co_opinions", WF_G_CO_OPINIONS},
    {"extend_cap", WF_G_EXTEND_CAP},
    {"feedback_window", WF_G_FEEDBACK_WINDOW},
};

#define N_GUARDS (sizeof(guards) / sizeof(guards[0]))

static const char *const ftype_names[] = {"string",      "text", "bool", "time",
                                          "proposal_id", "enum", "units"};

#define N_FTYPES (sizeof(ftype_names) / sizeof(ftype_names[0]))

static int state_name_cmp(const void *a, const void *b)
{
    return strcmp((*(const wf_state_t *const *)a)->name, (*(const wf_state_t *const *)b)->name);
}

long pt_wf_state_index(const pt_workflow_t *wf, const char *name)
{
    if (wf == NULL || name == NULL)
        return -1;
    if (wf->by_name) {
        const wf_state_t key = {.name = (char *)name}, *kp = &key;
        const wf_state_t **hit =
            bsearch(&kp, wf->by_name, wf->n_states, sizeof(*wf->by_name), state_name_cmp);
        return hit ? (long)(*hit - wf->states) : -1;
    }
    for (size_t i = 0; i < wf->n_states; i++)
        if (strcmp(wf->states[i].name, name) == 0)
            return (long)i;
    return -1;
}

long pt_wf_action_index(const pt_workflow_t *wf, const char *name)
{
    if (wf == NULL || name == NULL)
        return -1;
    for (size_t i = 0; i < wf->n_actions; i++)
        if (strcmp(wf->actions[i].name, name) == 0)
            return (long)i;
    return -1;
}

void pt_wf_allowed_list(const pt_workflow_t *wf, size_t state, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < wf->n_actions && used < len; i++)
        if (wf->actions[i].from[state])
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                                     wf->actions[i].name);
    if (used == 0)
        snprintf(buf, len, "none");
}

static void action_free(wf_action_t *a)
{
    free(a->name);
    free(a->zh);
    free(a->en);
    free(a->from);
    free(a->map_field);
    for (size_t i = 0; i < a->n_map; i++)
        free(a->map[i].value);
    free(a->map);
    for (size_t i = 0; i < a->n_fields; i++) {
        free(a->fields[i].name);
        pt_strv_free(&a->fields[i].values);
    }
    free(a->fields);
}

void pt_workflow_free(pt_workflow_t *wf)
{
    if (wf == NULL)
        return;
    for (size_t i = 0; i < wf->n_states; i++) {
        free(wf->states[i].name);
        free(wf->states[i].zh);
        free(wf->states[i].en);
    }
    free(wf->states);
    free(wf->by_name);
    for (size_t i = 0; i < wf->n_actions; i++)
        action_free(&wf->actions[i]);
    free(wf->actions);
    free(wf->name);
    free(wf);
}

/* The loader's error helpers. Each returns PT_ECONFIG so that a check reads
 * as "return bad(err, ...)". */
static int bad(pt_error_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(pt_error_t *err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    pt_error_vset(err, PT_ECONFIG, fmt, ap);
    va_end(ap);
    return PT_ECONFIG;
}

static int oom(pt_error_t *err)
{
    return pt_error_set(err, PT_ENOMEM, "out of memory while loading the workflow");
}

/* Refuses any member of obj not in `keys` (NULL-terminated). */
static int check_keys(const cJSON *obj, const char *const *keys, const char *where, pt_error_t *err)
{
    const cJSON *m;

    cJSON_ArrayForEach(m, obj)
    {
        size_t i;

        for (i = 0; keys[i]; i++)
            if (strcmp(keys[i], m->string) == 0)
                break;
        if (keys[i] == NULL)
            return bad(err, "%s: unknown key \"%s\"", where, m->string);
    }
    return PT_OK;
}

/* Names travel in URLs (/actions/{name}) and on command lines, so they are
 * kept to letters, digits, '_' and '-'. */
static bool good_name(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return false;
    return true;
}

/* The entry's name, which the messages about it give. An entry without
 * one is named by its place, and a key it should not have is said first:
 * a misspelt "nmae" is what the author has to mend, not a missing name.
 * `keys` are the keys the entry may have. */
static int get_name(const cJSON *obj, const char *what, size_t index, const char *const *keys,
                    char **out, pt_error_t *err)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, "name");
    char where[160];
    int rc;

    /* Counted from 1, as a person counts the entries of the file. */
    snprintf(where, sizeof(where), "%s %zu (counted from 1)", what, index + 1);
    if (!cJSON_IsObject(obj))
        return bad(err, "%s: must be an object", where);
    if (!cJSON_IsString(n) && (rc = check_keys(obj, keys, where, err)) != PT_OK)
        return rc;
    if (!cJSON_IsString(n))
        return bad(err, "%s: \"name\" must be a string", where);
    if (!good_name(n->valuestring))
        return bad(err, "%s \"%s\": a name must be 1 to 64 letters, digits, '_' or '-'", what,
                   n->valuestring);
    *out = strdup(n->valuestring);
    return *out ? PT_OK : oom(err);
}

/* A label is what people read in a table, a mail's subject or a
 * workbook's cell, and type after --status: a line of text that shows;
 * so is a value of an enum field, typed after --set. One of blanks alone
 * (an ideographic space U+3000 too) shows as nothing, and a control
 * character or a line break would break the line it is shown in. `key`
 * says which text it is ("\"zh\"", "value 2 (counted from 1)"), `what`
 * what it is ("a label"). */
static int check_line_text(const char *s, const char *where, const char *key, const char *what,
                           pt_error_t *err)
{
    char why[192];
    size_t at = 0;
    uint32_t cp = 0;

    if (pt_str_blank(s))
        return bad(err, "%s: %s is blank; give the words people read", where, key);
    /* The tab and the line breaks, which a proposal's text may hold and a
     * label may not; then what no text may hold. */
    for (size_t i = 0; s[i] && !cp; i++)
        if (strchr("\t\n\v\f\r", s[i])) {
            char *head = strndup(s, i);

            cp = (unsigned char)s[i];
            at = head ? pt_utf8_length(head) + 1 : 0;
            free(head);
        }
    if (!cp && (cp = pt_text_control(s, &at)) != 0 && cp > 0x9f)
        return bad(err, "%s: %s %s", where, key, pt_text_refusal(s, why, sizeof(why)));
    if (cp)
        return bad(err,
                   "%s: %s holds the control character U+%04X (character %zu); %s is one "
                   "line, without line breaks, tabs or other control characters",
                   where, key, (unsigned)cp, at, what);
    return PT_OK;
}

static int get_label(const cJSON *obj, const char *what, const char *name, char **zh, char **en,
                     pt_error_t *err)
{
    static const char *const keys[] = {"zh", "en", NULL};
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(obj, "label");
    const cJSON *z, *e;
    char where[128];
    int rc;

    snprintf(where, sizeof(where), "%s \"%s\": label", what, name);
    if (!cJSON_IsObject(l))
        return bad(err, "%s must be an object {\"zh\", \"en\"}", where);
    if ((rc = check_keys(l, keys, where, err)) != PT_OK)
        return rc;
    z = cJSON_GetObjectItemCaseSensitive(l, "zh");
    e = cJSON_GetObjectItemCaseSensitive(l, "en");
    if (!cJSON_IsString(z) || z->valuestring[0] == '\0')
        return bad(err, "%s: \"zh\" must be a non-empty string", where);
    if (!cJSON_IsString(e) || e->valuestring[0] == '\0')
        return bad(err, "%s: \"en\" must be a non-empty string", where);
    if ((rc = check_line_text(z->valuestring, where, "\"zh\"", "a label", err)) != PT_OK ||
        (rc = check_line_text(e->valuestring, where, "\"en\"", "a label", err)) != PT_OK)
        return rc;
    *zh = strdup(z->valuestring);
    *en = strdup(e->valuestring);
    return *zh && *en ? PT_OK : oom(err);
}

static int get_bool(const cJSON *obj, const char *key, const char *what, const char *name,
                    bool *out, pt_error_t *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = false;
    if (v == NULL)
        return PT_OK;
    if (!cJSON_IsBool(v))
        return bad(err, "%s \"%s\": \"%s\" must be true or false", what, name, key);
    *out = cJSON_IsTrue(v);
    return PT_OK;
}

static int load_states(pt_workflow_t *wf, const cJSON *arr, pt_error_t *err)
{
    static const char *const keys[] = {"name",    "label", "terminal", "initial",
                                       "default", "clock", NULL};
    const cJSON *s;
    size_t i = 0, n_default = 0;
    bool any_initial = false;
    int rc;

    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
        return bad(err, "workflow: \"states\" must be a non-empty array");
    wf->states = calloc((size_t)cJSON_GetArraySize(arr), sizeof(*wf->states));
    if (wf->states == NULL)
        return oom(err);
    cJSON_ArrayForEach(s, arr)
    {
        wf_state_t *st = &wf->states[i];
        char where[96];

        if ((rc = get_name(s, "state", i, keys, &st->name, err)) != PT_OK)
            return rc;
        wf->n_states = ++i;
        snprintf(where, sizeof(where), "state \"%s\"", st->name);
        if ((rc = check_keys(s, keys, where, err)) != PT_OK)
            return rc;
        if (pt_wf_state_index(wf, st->name) != (long)(i - 1))
            return bad(err, "state \"%s\": defined twice", st->name);
        if ((rc = get_label(s, "state", st->name, &st->zh, &st->en, err)) != PT_OK ||
            (rc = get_bool(s, "terminal", "state", st->name, &st->terminal, err)) != PT_OK ||
            (rc = get_bool(s, "initial", "state", st->name, &st->initial, err)) != PT_OK ||
            (rc = get_bool(s, "default", "state", st->name, &st->is_default, err)) != PT_OK ||
            (rc = get_bool(s, "clock", "state", st->name, &st->clock, err)) != PT_OK)
            return rc;
        if (st->is_default && !st->initial)
            return bad(err, "state \"%s\": the default state must also be initial", st->name);
        if (st->terminal && st->clock)
            return bad(err, "state \"%s\": a terminal state cannot have a running deadline clock",
                       st->name);
        /* A proposal created in it would have ended before anyone saw it;
         * one brought in already ended comes by an import, which needs no
         * initial state. */
        if (st->terminal && st->initial)
            return bad(err,
                       "state \"%s\": a terminal state cannot be initial (a proposal would be "
                       "created already ended); an import brings in ended proposals",
                       st->name);
        if (st->is_default && n_default++ > 0)
            return bad(err,
                       "state \"%s\": marked \"default\", and so is state \"%s\"; at most one "
                       "state is the default",
                       st->name, wf->states[wf->default_state].name);
        if (st->is_default)
            wf->default_state = i - 1;
        any_initial = any_initial || st->initial;
    }
    if (!any_initial)
        return bad(err, "workflow: no state is initial (mark at least one with \"initial\": true)");
    if (n_default == 0) {
        /* Without an explicit default, the first initial state serves. */
        for (i = 0; i < wf->n_states && !wf->states[i].initial; i++)
            ;
        wf->default_state = i;
    }
    const wf_state_t **by_name = malloc(wf->n_states * sizeof(*by_name));
    if (by_name == NULL)
        return oom(err);
    for (i = 0; i < wf->n_states; i++)
        by_name[i] = &wf->states[i];
    qsort(by_name, wf->n_states, sizeof(*by_name), state_name_cmp);
    wf->by_name = by_name;
    return PT_OK;
}

typedef struct {
    const char *s;
    size_t i;
} placed_t;

static int placed_cmp(const void *a, const void *b)
{
    const placed_t *x = a, *y = b;
    int c = strcmp(x->s, y->s);

    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The place of the first string of v, in v's order, that an earlier one
 * repeats; -1 when none does, -2 when out of memory. Sorted rather than
 * compared pairwise: an enum of tens of thousands of values (every unit
 * of a province) would otherwise take minutes to load. */
static long first_repeat(const pt_strv_t *v)
{
    placed_t *p = malloc((v->n ? v->n : 1) * sizeof(*p));
    long first = -1;

    if (p == NULL)
        return -2;
    for (size_t i = 0; i < v->n; i++)
        p[i] = (placed_t){v->v[i], i};
    qsort(p, v->n, sizeof(*p), placed_cmp);
    for (size_t i = 1; i < v->n; i++)
        if (strcmp(p[i - 1].s, p[i].s) == 0 && (first < 0 || p[i].i < (size_t)first))
            first = (long)p[i].i;
    free(p);
    return first;
}

static int load_fields(wf_action_t *a, const cJSON *arr, pt_error_t *err)
{
    static const char *const keys[] = {"name", "type", "required", "values", NULL};
    const cJSON *f;
    size_t i = 0;
    int rc;

    if (arr == NULL)
        return PT_OK;
    if (!cJSON_IsArray(arr))
        return bad(err, "action \"%s\": \"fields\" must be an array", a->name);
    if (cJSON_GetArraySize(arr) == 0)
        return PT_OK;
    a->fields = calloc((size_t)cJSON_GetArraySize(arr), sizeof(*a->fields));
    if (a->fields == NULL)
        return oom(err);
    cJSON_ArrayForEach(f, arr)
    {
        wf_field_t *fd = &a->fields[i];
        const cJSON *t, *vals;
        char what[96], where[192];
        size_t k;

        snprintf(what, sizeof(what), "action \"%s\": field", a->name);
        if ((rc = get_name(f, what, i, keys, &fd->name, err)) != PT_OK)
            return rc;
        a->n_fields = ++i;
        snprintf(where, sizeof(where), "action \"%s\": field \"%s\"", a->name, fd->name);
        if ((rc = check_keys(f, keys, where, err)) != PT_OK)
            return rc;
        if (strcmp(fd->name, "note") == 0)
            return bad(err, "%s: \"note\" is reserved; every action takes it already", where);
        for (k = 0; k + 1 < i; k++)
            if (strcmp(a->fields[k].name, fd->name) == 0)
                return bad(err, "%s: defined twice", where);
        t = cJSON_GetObjectItemCaseSensitive(f, "type");
        if (!cJSON_IsString(t))
            return bad(err, "%s: \"type\" must be a string", where);
        for (k = 0; k < N_FTYPES; k++)
            if (strcmp(ftype_names[k], t->valuestring) == 0)
                break;
        if (k == N_FTYPES)
            return bad(err,
                       "%s: unknown field type \"%s\" (known: string, text, bool, time, "
                       "proposal_id, enum, units)",
                       where, t->valuestring);
        fd->type = (wf_ftype_t)k;
        if ((rc = get_bool(f, "required", what, fd->name, &fd->required, err)) != PT_OK)
            return rc;
        vals = cJSON_GetObjectItemCaseSensitive(f, "values");
        if (fd->type != FT_ENUM) {
            if (vals)
                return bad(err, "%s: \"values\" is only for fields of type enum", where);
            continue;
        }
        if (!cJSON_IsArray(vals) || cJSON_GetArraySize(vals) == 0)
            return bad(err, "%s: an enum needs \"values\", a non-empty array of strings", where);
        const cJSON *v;
        cJSON_ArrayForEach(v, vals)
        {
            char which[48];

            if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
                return bad(err, "%s: \"values\" must hold non-empty strings", where);
            snprintf(which, sizeof(which), "value %zu (counted from 1)", fd->values.n + 1);
            if ((rc = check_line_text(v->valuestring, where, which, "a value", err)) != PT_OK)
                return rc;
            if (pt_strv_push(&fd->values, v->valuestring) != PT_OK)
                return oom(err);
        }
        long twice = first_repeat(&fd->values);
        if (twice == -2)
            return oom(err);
        if (twice >= 0)
            return bad(err, "%s: value \"%s\" listed twice", where, fd->values.v[twice]);
    }
    return PT_OK;
}

static const wf_field_t *find_field(const wf_action_t *a, const char *name)
{
    for (size_t i = 0; i < a->n_fields; i++)
        if (strcmp(a->fields[i].name, name) == 0)
            return &a->fields[i];
    return NULL;
}

static bool enum_has(const wf_field_t *f, const char *value)
{
    for (size_t i = 0; i < f->values.n; i++)
        if (strcmp(f->values.v[i], value) == 0)
            return true;
    return false;
}

static int load_from(pt_workflow_t *wf, wf_action_t *a, const cJSON *from, pt_error_t *err)
{
    const cJSON *s;

    a->from = calloc(wf->n_states, sizeof(*a->from));
    if (a->from == NULL)
        return oom(err);
    /* "*" is every state that is not terminal: the states where anything
     * can still happen to a proposal. */
    if (cJSON_IsString(from) && strcmp(from->valuestring, "*") == 0) {
        for (size_t i = 0; i < wf->n_states; i++)
            a->from[i] = !wf->states[i].terminal;
        return PT_OK;
    }
    if (!cJSON_IsArray(from) || cJSON_GetArraySize(from) == 0)
        return bad(err, "action \"%s\": \"from\" must be \"*\" or a non-empty array of states",
                   a->name);
    cJSON_ArrayForEach(s, from)
    {
        long k;

        if (!cJSON_IsString(s))
            return bad(err, "action \"%s\": \"from\" must hold state names", a->name);
        k = pt_wf_state_index(wf, s->valuestring);
        if (k < 0)
            return bad(err, "action \"%s\": unknown state \"%s\" in \"from\"", a->name,
                       s->valuestring);
        if (a->from[k])
            return bad(err, "action \"%s\": state \"%s\" listed twice in \"from\"", a->name,
                       s->valuestring);
        a->from[k] = true;
    }
    return PT_OK;
}

/* Appends the map entry m ("key": "state") to a's map, which has room. */
static int map_add(pt_workflow_t *wf, wf_action_t *a, const cJSON *m, const char *where,
                   const char *what, pt_error_t *err)
{
    long k;
    if (!cJSON_IsString(m) || (k = pt_wf_state_index(wf, m->valuestring)) < 0)
        return bad(err, "%s: %s \"%s\": unknown state \"%s\"", where, what, m->string,
                   cJSON_IsString(m) ? m->valuestring : "(not a string)");
    size_t i = a->n_map;
    a->map[i].value = strdup(m->string);
    a->map[i].state = (size_t)k;
    a->n_map = i + 1;
    return a->map[i].value ? PT_OK : oom(err);
}

/* "to": {"status": {"assigned": "handling"}}: from each state listed (one
 * of the action's "from") to its state; from the others it stays. */
static int load_to_by_state(pt_workflow_t *wf, wf_action_t *a, const cJSON *to, const char *where,
                            pt_error_t *err)
{
    static const char *const keys[] = {"status", NULL};
    const cJSON *map = cJSON_GetObjectItemCaseSensitive(to, "status"), *m;
    long from;
    int rc;

    if ((rc = check_keys(to, keys, where, err)) != PT_OK)
        return rc;
    if (!cJSON_IsObject(map) || cJSON_GetArraySize(map) == 0)
        return bad(err, "%s: \"status\" must be an object of state: state", where);
    a->to_kind = TO_BY_STATE;
    a->map = calloc((size_t)cJSON_GetArraySize(map), sizeof(*a->map));
    if (a->map == NULL)
        return oom(err);
    cJSON_ArrayForEach(m, map)
    {
        from = pt_wf_state_index(wf, m->string);
        if (from < 0 || !a->from[from])
            return bad(err, "%s: \"status\" key \"%s\" is not one of the action's \"from\"", where,
                       m->string);
        if ((rc = map_add(wf, a, m, where, "\"status\"", err)) != PT_OK)
            return rc;
        a->map[a->n_map - 1].key = (size_t)from;
    }
    return PT_OK;
}

static int load_to(pt_workflow_t *wf, wf_action_t *a, const cJSON *to, pt_error_t *err)
{
    static const char *const keys[] = {"field", "map", NULL};
    const cJSON *field, *map, *m;
    const wf_field_t *fd;
    char where[96];
    size_t i = 0;
    long k;
    int rc;

    if (to == NULL || cJSON_IsNull(to)) {
        a->to_kind = TO_STAY;
        return PT_OK;
    }
    if (cJSON_IsString(to)) {
        k = pt_wf_state_index(wf, to->valuestring);
        if (k < 0)
            return bad(err, "action \"%s\": unknown state \"%s\" in \"to\"", a->name,
                       to->valuestring);
        a->to_kind = TO_STATE;
        a->to = (size_t)k;
        return PT_OK;
    }
    snprintf(where, sizeof(where), "action \"%s\": to", a->name);
    if (!cJSON_IsObject(to))
        return bad(err, "%s: must be a state, null, {\"field\", \"map\"} or {\"status\"}", where);
    if (cJSON_GetObjectItemCaseSensitive(to, "status"))
        return load_to_by_state(wf, a, to, where, err);
    if ((rc = check_keys(to, keys, where, err)) != PT_OK)
        return rc;
    field = cJSON_GetObjectItemCaseSensitive(to, "field");
    map = cJSON_GetObjectItemCaseSensitive(to, "map");
    if (!cJSON_IsString(field))
        return bad(err, "%s: \"field\" must name a field of the action", where);
    fd = find_field(a, field->valuestring);
    if (fd == NULL || fd->type != FT_ENUM || !fd->required)
        return bad(err, "%s: \"field\" \"%s\" must be a required enum field of the action", where,
                   field->valuestring);
    if (!cJSON_IsObject(map) || cJSON_GetArraySize(map) == 0)
        return bad(err, "%s: \"map\" must be an object of value: state", where);
    a->to_kind = TO_MAP;
    a->map_field = strdup(fd->name);
    a->map = calloc((size_t)cJSON_GetArraySize(map), sizeof(*a->map));
    if (a->map_field == NULL || a->map == NULL)
        return oom(err);
    cJSON_ArrayForEach(m, map)
    {
        if (!enum_has(fd, m->string))
            return bad(err, "%s: map key \"%s\" is not a value of field \"%s\"", where, m->string,
                       fd->name);
        if ((rc = map_add(wf, a, m, where, "map", err)) != PT_OK)
            return rc;
    }
    for (i = 0; i < fd->values.n; i++) {
        size_t j;

        for (j = 0; j < a->n_map; j++)
            if (strcmp(a->map[j].value, fd->values.v[i]) == 0)
                break;
        if (j == a->n_map)
            return bad(err, "%s: map has no state for %s \"%s\"", where, fd->name, fd->values.v[i]);
    }
    return PT_OK;
}

/* Checks that the action declares what its effect and guards read. */
static int check_needs(const wf_action_t *a, size_t effect_row, pt_error_t *err)
{
    const need_t *nd = effects[effect_row].needs;
    const char *ename = effects[effect_row].name;

    for (size_t i = 0; i < 4 && nd[i].field; i++) {
        const wf_field_t *fd = find_field(a, nd[i].field);
        bool ok;

        if (fd == NULL || !fd->required)
            return bad(err, "action \"%s\": effect \"%s\" needs a required field \"%s\"", a->name,
                       ename, nd[i].field);
        switch (nd[i].cls) {
        case NEED_STRING:
            ok = fd->type == FT_STRING || fd->type == FT_TEXT || fd->type == FT_ENUM;
            if (nd[i].values)
                ok = fd->type == FT_ENUM;
            break;
        case NEED_BOOL:
            ok = fd->type == FT_BOOL;
            break;
        case NEED_TIME:
            ok = fd->type == FT_TIME;
            break;
        case NEED_ID:
            ok = fd->type == FT_PROPOSAL_ID;
            break;
        case NEED_UNITS:
        default:
            ok = fd->type == FT_UNITS;
            break;
        }
        if (!ok)
            return bad(err, "action \"%s\": field \"%s\" cannot be of type %s for effect \"%s\"",
                       a->name, fd->name, ftype_names[fd->type], ename);
        if (nd[i].values) {
            for (size_t v = 0; v < fd->values.n; v++) {
                size_t k;

                for (k = 0; nd[i].values[k]; k++)
                    if (strcmp(nd[i].values[k], fd->values.v[v]) == 0)
                        break;
                if (nd[i].values[k] == NULL)
                    return bad(err,
                               "action \"%s\": field \"%s\": value \"%s\" is not one effect "
                               "\"%s\" can record",
                               a->name, fd->name, fd->values.v[v], ename);
            }
        }
    }
    /* The text an effect takes when the action has it (feedback's comment,
     * supervise's supervisor) is read as text: of another type, its value
     * would be taken and then kept nowhere, neither in the proposal nor in
     * the history, which keeps only what the effect does not read. */
    const char *optional = a->effect == EF_FEEDBACK    ? "comment"
                           : a->effect == EF_SUPERVISE ? "supervisor"
                                                       : NULL;
    const wf_field_t *opt = optional ? find_field(a, optional) : NULL;
    if (opt && opt->type != FT_STRING && opt->type != FT_TEXT && opt->type != FT_ENUM)
        return bad(err,
                   "action \"%s\": field \"%s\" cannot be of type %s for effect \"%s\", which "
                   "keeps it as text (string, text or enum)",
                   a->name, opt->name, ftype_names[opt->type], ename);
    if (a->guards & WF_G_EXTEND_CAP) {
        const wf_field_t *fd = find_field(a, "due_at");

        if (fd == NULL || fd->type != FT_TIME || !fd->required)
            return bad(err,
                       "action \"%s\": guard \"extend_cap\" needs a required time field "
                       "\"due_at\"",
                       a->name);
    }
    return PT_OK;
}

static const char *const action_keys[] = {"name",   "label",  "from",   "to",
                                          "fields", "guards", "effect", NULL};

static int load_action(pt_workflow_t *wf, wf_action_t *a, const cJSON *obj, pt_error_t *err)
{
    const cJSON *g, *gs, *eff;
    const char *ename;
    char where[96];
    size_t k;
    int rc;

    snprintf(where, sizeof(where), "action \"%s\"", a->name);
    if ((rc = check_keys(obj, action_keys, where, err)) != PT_OK ||
        (rc = get_label(obj, "action", a->name, &a->zh, &a->en, err)) != PT_OK ||
        (rc = load_fields(a, cJSON_GetObjectItemCaseSensitive(obj, "fields"), err)) != PT_OK ||
        (rc = load_from(wf, a, cJSON_GetObjectItemCaseSensitive(obj, "from"), err)) != PT_OK ||
        (rc = load_to(wf, a, cJSON_GetObjectItemCaseSensitive(obj, "to"), err)) != PT_OK)
        return rc;

    gs = cJSON_GetObjectItemCaseSensitive(obj, "guards");
    if (gs && !cJSON_IsArray(gs))
        return bad(err, "%s: \"guards\" must be an array", where);
    cJSON_ArrayForEach(g, gs)
    {
        if (!cJSON_IsString(g))
            return bad(err, "%s: \"guards\" must hold guard names", where);
        for (k = 0; k < N_GUARDS; k++)
            if (strcmp(guards[k].name, g->valuestring) == 0)
                break;
        if (k == N_GUARDS)
            return bad(err,
                       "%s: unknown guard \"%s\" (known: return_window, co_opinions, "
                       "extend_cap, feedback_window)",
                       where, g->valuestring);
        if (a->guards & guards[k].bit)
            return bad(err, "%s: guard \"%s\" listed twice", where, g->valuestring);
        a->guards |= guards[k].bit;
    }

    eff = cJSON_GetObjectItemCaseSensitive(obj, "effect");
    if (eff && !cJSON_IsString(eff))
        return bad(err, "%s: \"effect\" must be a string", where);
    ename = eff ? eff->valuestring : a->name;
    for (k = 0; k < N_EFFECTS; k++)
        if (strcmp(effects[k].name, ename) == 0)
            break;
    if (k == N_EFFECTS) {
        if (eff)
            return bad(err, "%s: unknown effect \"%s\"", where, ename);
        return bad(err,
                   "%s: no built-in effect has this name; give \"effect\" (\"none\" to only "
                   "change the state)",
                   where);
    }
    a->effect = effects[k].effect;
    if ((rc = check_needs(a, k, err)) != PT_OK)
        return rc;
    /* A field the effect does not record is kept in the history under its
     * name (workflow-apply.c), where a proposal field's name would read as
     * a change of that field: "title" on an urging action would say the
     * title changed. */
    for (size_t i = 0; i < a->n_fields; i++)
        if (pt_pfield_find(a->fields[i].name) && !pt_wf_effect_reads(a->effect, a->fields[i].name))
            return bad(err,
                       "%s: field \"%s\" is named as a field of the proposal, which effect "
                       "\"%s\" does not set; name it otherwise (only its history entry keeps it)",
                       where, a->fields[i].name, effects[k].name);
    return PT_OK;
}

/* Whether action a, allowed in state k, may take a proposal out of it: to
 * another state; by a field's value (TO_MAP) to a state other than k, or
 * with any_map by a field's value at all (a terminal state takes no action
 * that picks its state by a value, whatever the values); by the state it
 * is in (TO_BY_STATE), from k to another. */
static bool action_leaves(const wf_action_t *a, size_t k, bool any_map)
{
    if (a->to_kind == TO_STATE)
        return a->to != k;
    for (size_t m = 0; m < a->n_map; m++) {
        if (a->to_kind == TO_MAP && (any_map || a->map[m].state != k))
            return true;
        if (a->to_kind == TO_BY_STATE && a->map[m].key == k && a->map[m].state != k)
            return true;
    }
    return false;
}

static int load_actions(pt_workflow_t *wf, const cJSON *arr, pt_error_t *err)
{
    const cJSON *o;
    size_t i = 0;
    int rc;

    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
        return bad(err, "workflow: \"actions\" must be a non-empty array");
    wf->actions = calloc((size_t)cJSON_GetArraySize(arr), sizeof(*wf->actions));
    if (wf->actions == NULL)
        return oom(err);
    cJSON_ArrayForEach(o, arr)
    {
        wf_action_t *a = &wf->actions[i];

        if ((rc = get_name(o, "action", i, action_keys, &a->name, err)) != PT_OK)
            return rc;
        wf->n_actions = ++i;
        if (pt_wf_action_index(wf, a->name) != (long)(i - 1))
            return bad(err, "action \"%s\": defined twice", a->name);
        if ((rc = load_action(wf, a, o, err)) != PT_OK)
            return rc;
        /* A terminal state is an end: only a reopen leads out of one (an
         * action may act there and stay, as a supplementary reply does). */
        for (size_t k = 0; k < wf->n_states; k++) {
            if (!a->from[k] || !wf->states[k].terminal || a->effect == EF_REOPEN)
                continue;
            if (action_leaves(a, k, true))
                return bad(err,
                           "action \"%s\": it leads out of the terminal state \"%s\"; only "
                           "an action with effect reopen may (or make the state not terminal)",
                           a->name, wf->states[k].name);
        }
    }
    return PT_OK;
}

/* The states reachable from an initial one through the actions, leaving
 * out those for which skip(action) is true (NULL: none), into seen (one per
 * state). Each state is taken from the list once, when it is first
 * reached, and the actions that run in it are followed from it: the work
 * grows with states times actions, so that a workflow of thousands of
 * states loads in a moment (a pass over every action until nothing more
 * is reached would take one pass per step of the longest course). False
 * when out of memory. */
static bool reach(const pt_workflow_t *wf, bool (*skip)(const wf_action_t *), bool *seen)
{
    size_t *todo = malloc(wf->n_states * sizeof(*todo)), n = 0;

    if (todo == NULL)
        return false;
    for (size_t i = 0; i < wf->n_states; i++)
        if ((seen[i] = wf->states[i].initial))
            todo[n++] = i;
#define SEE(k)                                                                                     \
    do {                                                                                           \
        if (!seen[k]) {                                                                            \
            seen[k] = true;                                                                        \
            todo[n++] = (k);                                                                       \
        }                                                                                          \
    } while (0)
    while (n > 0) {
        size_t s = todo[--n];

        for (size_t a = 0; a < wf->n_actions; a++) {
            const wf_action_t *ac = &wf->actions[a];

            if (!ac->from[s] || (skip && skip(ac)))
                continue;
            if (ac->to_kind == TO_STATE)
                SEE(ac->to);
            for (size_t m = 0; ac->to_kind == TO_MAP && m < ac->n_map; m++)
                SEE(ac->map[m].state);
            for (size_t m = 0; ac->to_kind == TO_BY_STATE && m < ac->n_map; m++)
                if (ac->map[m].key == s)
                    SEE(ac->map[m].state);
        }
    }
#undef SEE
    free(todo);
    return true;
}

/* Every state must be reachable from an initial one through the actions;
 * an unreachable state is almost always a typo in a "to". */
static int check_reachable(const pt_workflow_t *wf, pt_error_t *err)
{
    bool *seen = calloc(wf->n_states, sizeof(*seen));

    if (seen == NULL || !reach(wf, NULL, seen)) {
        free(seen);
        return oom(err);
    }
    for (size_t i = 0; i < wf->n_states; i++) {
        if (!seen[i]) {
            free(seen);
            return bad(err, "state \"%s\": unreachable from any initial state", wf->states[i].name);
        }
    }
    free(seen);
    return PT_OK;
}

/* The co_opinions guard holds a lead unit's reply back until every co unit
 * has given its opinion, and only an action with effect opinion records
 * one. Without such an action in a state the guarded action runs in, a
 * lead_co proposal with a co unit could never be replied to: the guard
 * would wait for what no one can give. */
static int check_co_opinions(const pt_workflow_t *wf, pt_error_t *err)
{
    for (size_t a = 0; a < wf->n_actions; a++) {
        const wf_action_t *g = &wf->actions[a];
        bool given = false;

        if (!(g->guards & WF_G_CO_OPINIONS))
            continue;
        for (size_t o = 0; o < wf->n_actions && !given; o++) {
            if (wf->actions[o].effect != EF_OPINION)
                continue;
            for (size_t s = 0; s < wf->n_states && !given; s++)
                given = g->from[s] && wf->actions[o].from[s];
        }
        if (!given)
            return bad(err,
                       "action \"%s\": guard \"co_opinions\" waits for the co units' opinions, "
                       "but no action with effect opinion runs in a state it runs in; add one "
                       "(as the default workflow's opinion) or drop the guard",
                       g->name);
    }
    return PT_OK;
}

/* The actions that give a proposal what it then keeps: nothing takes
 * units, replies or merged_into away again. */
static bool gives_units(const wf_action_t *a)
{
    /* Only the assign effect sets units; a field of type units on an
     * action of another effect is read and left alone. */
    return a->effect == EF_ASSIGN;
}

static bool gives_reply(const wf_action_t *a)
{
    return a->effect == EF_REPLY || a->effect == EF_FOLLOW_UP;
}

static bool gives_merge(const wf_action_t *a)
{
    return a->effect == EF_MERGE;
}

/* What a proposal in each state must have: a state that the actions reach
 * from an initial state only through an action that gives units (a reply,
 * a merged_into) is one where every proposal has them. An import of
 * proposals as they stand elsewhere is held to this
 * (pt_workflow_check_stored), whatever the office named its states.
 *
 * A due_at is not among them, though the clock states' actions set one: a
 * proposal without one can still run every action (it is only never
 * overdue), and an office's spreadsheet of proposals in handling often has
 * no deadline column. Units are: without them no unit can sign or reply. */
static int derive_needs(pt_workflow_t *wf, pt_error_t *err)
{
    bool *seen = calloc(wf->n_states, sizeof(*seen));

    bool ok = seen && reach(wf, gives_units, seen);
    for (size_t i = 0; ok && i < wf->n_states; i++)
        wf->states[i].needs_units = !seen[i];
    ok = ok && reach(wf, gives_reply, seen);
    for (size_t i = 0; ok && i < wf->n_states; i++)
        wf->states[i].needs_reply = !seen[i];
    ok = ok && reach(wf, gives_merge, seen);
    for (size_t i = 0; ok && i < wf->n_states; i++)
        wf->states[i].needs_merge = !seen[i];
    free(seen);
    return ok ? PT_OK : oom(err);
}

int pt_workflow_load(const char *json, size_t len, pt_workflow_t **out, pt_error_t *err)
{
    static const char *const keys[] = {"name", "description", "states", "actions", NULL};
    pt_error_t perr = {0};
    pt_workflow_t *wf;
    cJSON *doc;
    const cJSON *name, *desc;
    int rc;

    *out = NULL;
    doc = pt_json_parse_file(json, len, &perr);
    if (doc == NULL) {
        rc = bad(err, "workflow: %s", perr.message);
        pt_error_clear(&perr);
        return rc;
    }
    wf = calloc(1, sizeof(*wf));
    if (wf == NULL) {
        cJSON_Delete(doc);
        return oom(err);
    }
    if (!cJSON_IsObject(doc)) {
        rc = bad(err, "workflow: the document must be a JSON object");
        goto done;
    }
    if ((rc = check_keys(doc, keys, "workflow", err)) != PT_OK)
        goto done;
    name = cJSON_GetObjectItemCaseSensitive(doc, "name");
    desc = cJSON_GetObjectItemCaseSensitive(doc, "description");
    if (!cJSON_IsString(name) || name->valuestring[0] == '\0') {
        rc = bad(err, "workflow: \"name\" must be a non-empty string");
        goto done;
    }
    /* Shown as a label is: ptrackd's start line, GET /v1/workflow. */
    if ((rc = check_line_text(name->valuestring, "workflow", "\"name\"", "a name", err)) != PT_OK)
        goto done;
    if (desc && !cJSON_IsString(desc)) {
        rc = bad(err, "workflow: \"description\" must be a string");
        goto done;
    }
    wf->name = strdup(name->valuestring);
    if (wf->name == NULL) {
        rc = oom(err);
        goto done;
    }
    if ((rc = load_states(wf, cJSON_GetObjectItemCaseSensitive(doc, "states"), err)) != PT_OK ||
        (rc = load_actions(wf, cJSON_GetObjectItemCaseSensitive(doc, "actions"), err)) != PT_OK ||
        (rc = check_reachable(wf, err)) != PT_OK || (rc = check_co_opinions(wf, err)) != PT_OK ||
        (rc = derive_needs(wf, err)) != PT_OK)
        goto done;
done:
    cJSON_Delete(doc);
    if (rc != PT_OK) {
        pt_workflow_free(wf);
        return rc;
    }
    *out = wf;
    return PT_OK;
}

int pt_workflow_load_default(pt_workflow_t **out, pt_error_t *err)
{
    return pt_workflow_load(pt_workflow_default_json, pt_workflow_default_json_len, out, err);
}

const char *pt_workflow_name(const pt_workflow_t *wf)
{
    return wf ? wf->name : NULL;
}

bool pt_workflow_has_state(const pt_workflow_t *wf, const char *state)
{
    return pt_wf_state_index(wf, state) >= 0;
}

bool pt_workflow_is_terminal(const pt_workflow_t *wf, const char *state)
{
    long i = pt_wf_state_index(wf, state);

    return i >= 0 && wf->states[i].terminal;
}

bool pt_workflow_is_initial(const pt_workflow_t *wf, const char *state)
{
    long i = pt_wf_state_index(wf, state);

    return i >= 0 && wf->states[i].initial;
}

bool pt_workflow_is_draft(const pt_workflow_t *wf, const char *state)
{
    (void)wf;
    return state != NULL && strcmp(state, "draft") == 0;
}

bool pt_workflow_clock_runs(const pt_workflow_t *wf, const char *state)
{
    long i = pt_wf_state_index(wf, state);

    return i >= 0 && wf->states[i].clock;
}

const char *pt_workflow_default_state(const pt_workflow_t *wf)
{
    return wf ? wf->states[wf->default_state].name : NULL;
}

bool pt_workflow_has_action(const pt_workflow_t *wf, const char *action)
{
    return pt_wf_action_index(wf, action) >= 0;
}

bool pt_wf_effect_reads(wf_effect_t effect, const char *field)
{
    if ((effect == EF_FEEDBACK && strcmp(field, "comment") == 0) ||
        (effect == EF_SUPERVISE && strcmp(field, "supervisor") == 0))
        return true;
    for (size_t k = 0; k < N_EFFECTS; k++)
        for (size_t i = 0; effects[k].effect == effect && i < 4 && effects[k].needs[i].field; i++)
            if (strcmp(effects[k].needs[i].field, field) == 0)
                return true;
    return false;
}

/* An effect's name: the first of the table's names for it ("assign" for
 * reassign too). */
static const char *effect_name(wf_effect_t effect)
{
    for (size_t k = 0; k < N_EFFECTS; k++)
        if (effects[k].effect == effect)
            return effects[k].name;
    return NULL;
}

const char *pt_workflow_action_effect(const pt_workflow_t *wf, const char *action)
{
    long i = pt_wf_action_index(wf, action);
    return i < 0 ? NULL : effect_name(wf->actions[i].effect);
}

/* The names of the states s of wf for which is(wf, s, arg) holds,
 * comma-separated in the workflow's order ("" for none); NULL when out of
 * memory. */
static char *states_where(const pt_workflow_t *wf,
                          bool (*is)(const pt_workflow_t *wf, size_t s, const void *arg),
                          const void *arg)
{
    size_t len = 0;
    for (size_t s = 0; wf && s < wf->n_states; s++)
        len += strlen(wf->states[s].name) + 1;
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    len = 0;
    out[0] = '\0';
    for (size_t s = 0; wf && s < wf->n_states; s++)
        if (is(wf, s, arg))
            len += (size_t)sprintf(out + len, "%s%s", len ? "," : "", wf->states[s].name);
    return out;
}

static bool effect_allowed(const pt_workflow_t *wf, size_t s, const void *effect)
{
    for (size_t i = 0; i < wf->n_actions; i++) {
        const char *name = effect_name(wf->actions[i].effect);
        if (wf->actions[i].from[s] && name && strcmp(name, effect) == 0)
            return true;
    }
    return false;
}

char *pt_workflow_effect_states(const pt_workflow_t *wf, const char *effect)
{
    return states_where(wf, effect_allowed, effect);
}

static bool reply_awaits(const pt_workflow_t *wf, size_t s, const void *unused)
{
    (void)unused;
    bool guarded = false, free_reply = false;
    for (size_t i = 0; i < wf->n_actions; i++) {
        if (wf->actions[i].effect != EF_REPLY || !wf->actions[i].from[s])
            continue;
        if (wf->actions[i].guards & WF_G_CO_OPINIONS)
            guarded = true;
        else
            free_reply = true;
    }
    return guarded && !free_reply;
}

char *pt_workflow_awaiting_states(const pt_workflow_t *wf)
{
    return states_where(wf, reply_awaits, NULL);
}

static bool dead_end(const pt_workflow_t *wf, size_t s, const void *unused)
{
    (void)unused;
    if (wf->states[s].terminal)
        return false;
    for (size_t i = 0; i < wf->n_actions; i++)
        if (wf->actions[i].from[s] && action_leaves(&wf->actions[i], s, false))
            return false;
    return true;
}

char *pt_workflow_dead_ends(const pt_workflow_t *wf)
{
    return states_where(wf, dead_end, NULL);
}

/* Whether text is the label (Chinese, or English in any case) zh/en. */
static bool is_label(const char *text, const char *zh, const char *en)
{
    return (zh && strcmp(zh, text) == 0) || (en && strcasecmp(en, text) == 0);
}

bool pt_workflow_state_info(const pt_workflow_t *wf, const char *state, pt_wf_info_t *out)
{
    long i = wf ? pt_wf_state_index(wf, state) : -1;
    for (size_t k = 0; i < 0 && state && wf && k < wf->n_states; k++)
        if (is_label(state, wf->states[k].zh, wf->states[k].en))
            i = (long)k;
    if (i < 0)
        return false;
    const wf_state_t *s = &wf->states[i];
    *out = (pt_wf_info_t){s->name, s->zh, s->en, s->terminal, s->clock, (int)i};
    return true;
}

bool pt_workflow_action_info(const pt_workflow_t *wf, const char *action, pt_wf_info_t *out)
{
    long i = wf ? pt_wf_action_index(wf, action) : -1;
    for (size_t k = 0; i < 0 && action && wf && k < wf->n_actions; k++)
        if (is_label(action, wf->actions[k].zh, wf->actions[k].en))
            i = (long)k;
    if (i < 0)
        return false;
    const wf_action_t *a = &wf->actions[i];
    *out = (pt_wf_info_t){a->name, a->zh, a->en, false, false, (int)i};
    return true;
}

cJSON *pt_workflow_allowed(const pt_workflow_t *wf, const char *state)
{
    cJSON *arr = cJSON_CreateArray();
    long s = pt_wf_state_index(wf, state);

    if (arr == NULL || s < 0)
        return arr;
    for (size_t i = 0; i < wf->n_actions; i++) {
        if (!wf->actions[i].from[s])
            continue;
        cJSON *name = cJSON_CreateString(wf->actions[i].name);
        if (name == NULL) {
            cJSON_Delete(arr);
            return NULL;
        }
        cJSON_AddItemToArray(arr, name);
    }
    return arr;
}

void pt_workflow_allowed_for_unit(const pt_workflow_t *wf, const pt_proposal_t *p, const char *unit,
                                  cJSON *allowed)
{
    const pt_unit_t *u = pt_proposal_find_unit(p, unit);
    const char *role = u ? u->role : NULL;
    bool co = role && strcmp(role, "co") == 0;
    bool lead_co = p->handling_mode && strcmp(p->handling_mode, "lead_co") == 0;
    bool lead = role && strcmp(role, "lead") == 0;
    bool signed_for = u && u->signed_at != 0;
    /* In separate mode a unit answers once a round: one that has replied
     * while others are awaited would have a second reply refused. */
    bool separate = p->handling_mode && strcmp(p->handling_mode, "separate") == 0;
    bool answered = separate && u && pt_proposal_unit_answered(p, unit);
    cJSON *a, *next;

    if (!cJSON_IsArray(allowed))
        return;
    for (a = allowed->child; a; a = next) {
        next = a->next;
        long i = cJSON_IsString(a) ? pt_wf_action_index(wf, a->valuestring) : -1;
        if (i < 0)
            continue;
        wf_effect_t e = wf->actions[i].effect;
        if ((e == EF_OPINION && !co) || (e == EF_REPLY && lead_co && !lead) ||
            (e == EF_REPLY && answered) || (e == EF_SIGN && signed_for))
            cJSON_Delete(cJSON_DetachItemViaPointer(allowed, a));
    }
}

static cJSON *label_json(const char *zh, const char *en)
{
    cJSON *l = cJSON_CreateObject();

    if (l == NULL)
        return NULL;
    if (!cJSON_AddStringToObject(l, "zh", zh) || !cJSON_AddStringToObject(l, "en", en)) {
        cJSON_Delete(l);
        return NULL;
    }
    return l;
}

static cJSON *action_json(const pt_workflow_t *wf, const wf_action_t *a)
{
    cJSON *o = cJSON_CreateObject(), *from, *fields, *guards_arr, *to;

    if (o == NULL)
        return NULL;
    cJSON_AddStringToObject(o, "name", a->name);
    cJSON_AddItemToObject(o, "label", label_json(a->zh, a->en));
    /* What the action does, whatever the office named it: a client judges
     * by it as the server does (the todo filter, a unit's part). */
    cJSON_AddStringToObject(o, "effect", effect_name(a->effect));
    from = cJSON_AddArrayToObject(o, "from");
    for (size_t s = 0; from && s < wf->n_states; s++)
        if (a->from[s])
            cJSON_AddItemToArray(from, cJSON_CreateString(wf->states[s].name));
    if (a->to_kind == TO_STAY) {
        to = cJSON_CreateNull();
    } else if (a->to_kind == TO_STATE) {
        to = cJSON_CreateString(wf->states[a->to].name);
    } else if (a->to_kind == TO_BY_STATE) {
        cJSON *map;

        to = cJSON_CreateObject();
        map = cJSON_AddObjectToObject(to, "status");
        for (size_t m = 0; map && m < a->n_map; m++)
            cJSON_AddStringToObject(map, a->map[m].value, wf->states[a->map[m].state].name);
    } else {
        cJSON *map;

        to = cJSON_CreateObject();
        cJSON_AddStringToObject(to, "field", a->map_field);
        map = cJSON_AddObjectToObject(to, "map");
        for (size_t m = 0; map && m < a->n_map; m++)
            cJSON_AddStringToObject(map, a->map[m].value, wf->states[a->map[m].state].name);
    }
    cJSON_AddItemToObject(o, "to", to);
    fields = cJSON_AddArrayToObject(o, "fields");
    for (size_t i = 0; fields && i < a->n_fields; i++) {
        const wf_field_t *fd = &a->fields[i];
        cJSON *f = cJSON_CreateObject();

        if (f == NULL)
            break;
        cJSON_AddStringToObject(f, "name", fd->name);
        cJSON_AddStringToObject(f, "type", ftype_names[fd->type]);
        cJSON_AddBoolToObject(f, "required", fd->required);
        if (fd->type == FT_ENUM) {
            cJSON *vals = cJSON_AddArrayToObject(f, "values");

            for (size_t v = 0; vals && v < fd->values.n; v++)
                cJSON_AddItemToArray(vals, cJSON_CreateString(fd->values.v[v]));
        }
        cJSON_AddItemToArray(fields, f);
    }
    guards_arr = cJSON_AddArrayToObject(o, "guards");
    for (size_t g = 0; guards_arr && g < N_GUARDS; g++)
        if (a->guards & guards[g].bit)
            cJSON_AddItemToArray(guards_arr, cJSON_CreateString(guards[g].name));
    return o;
}

/* The tree is made of many small allocations. cJSON's Add functions ignore
 * a NULL item, so when memory runs out midway the answer lacks a member
 * instead of crashing; only the root is checked, because a process that
 * cannot allocate a few hundred bytes is failing anyway and the store's next
 * write will report it properly. */
cJSON *pt_workflow_to_json(const pt_workflow_t *wf)
{
    cJSON *o = cJSON_CreateObject(), *states, *actions;

    if (o == NULL)
        return NULL;
    cJSON_AddStringToObject(o, "name", wf->name);
    states = cJSON_AddArrayToObject(o, "states");
    for (size_t i = 0; states && i < wf->n_states; i++) {
        const wf_state_t *s = &wf->states[i];
        cJSON *so = cJSON_CreateObject();

        if (so == NULL)
            break;
        cJSON_AddStringToObject(so, "name", s->name);
        cJSON_AddItemToObject(so, "label", label_json(s->zh, s->en));
        cJSON_AddBoolToObject(so, "terminal", s->terminal);
        cJSON_AddBoolToObject(so, "initial", s->initial);
        cJSON_AddBoolToObject(so, "default", s->is_default || i == wf->default_state);
        cJSON_AddBoolToObject(so, "clock", s->clock);
        cJSON_AddItemToArray(states, so);
    }
    actions = cJSON_AddArrayToObject(o, "actions");
    for (size_t i = 0; actions && i < wf->n_actions; i++)
        cJSON_AddItemToArray(actions, action_json(wf, &wf->actions[i]));
    return o;
}

void pt_history_free(pt_history_t *h)
{
    if (h == NULL)
        return;
    free(h->actor);
    free(h->action);
    free(h->from);
    free(h->to);
    free(h->note);
    cJSON_Delete(h->changes);
    memset(h, 0, sizeof(*h));
}

cJSON *pt_history_to_json(const pt_history_t *h)
{
    char tbuf[40];
    cJSON *o = cJSON_CreateObject();

    if (o == NULL)
        return NULL;
    cJSON_AddNumberToObject(o, "seq", (double)h->seq);
    if (h->at)
        cJSON_AddStringToObject(o, "at", pt_time_format(h->at, tbuf, sizeof(tbuf)));
    else
        cJSON_AddNullToObject(o, "at");
#define STR_OR_NULL(key, v)                                                                        \
    ((v) ? cJSON_AddStringToObject(o, key, v) : cJSON_AddNullToObject(o, key))
    STR_OR_NULL("actor", h->actor);
    STR_OR_NULL("action", h->action);
    STR_OR_NULL("from", h->from);
    STR_OR_NULL("to", h->to);
    STR_OR_NULL("note", h->note);
#undef STR_OR_NULL
    cJSON_AddItemToObject(o, "changes",
                          h->changes ? cJSON_Duplicate(h->changes, 1) : cJSON_CreateObject());
    return o;
}

int pt_workflow_check_stored(const pt_workflow_t *wf, const pt_proposal_t *p, pt_error_t *err)
{
    long i = p->status ? pt_wf_state_index(wf, p->status) : -1;
    const wf_state_t *st;
    const char *field = NULL, *why = NULL, *what = NULL;

    if (i < 0)
        return PT_OK; /* the caller checks that the state exists */
    st = &wf->states[i];
    if (st->needs_units && p->n_units == 0) {
        field = "units";
        what = "units";
        why = "only an assignment leads there";
    } else if (st->needs_reply && p->n_replies == 0) {
        field = "replies";
        what = "a reply";
        why = "only a reply leads there";
    } else if (st->needs_merge && p->merged_into == 0) {
        field = "merged_into";
        what = "the proposal it was merged into";
        why = "only a merge leads there";
    }
    if (!field)
        return PT_OK;
    pt_error_set(err, PT_EVALIDATION,
                 "%s: a proposal in state \"%s\" has %s (%s); the record has none", field,
                 p->status, what, why);
    pt_error_add_field(err, field, "a proposal in state \"%s\" has %s (%s); the record has none",
                       p->status, what, why);
    return PT_EVALIDATION;
}

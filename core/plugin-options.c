/*
 * plugin-options.c - an instance's `config` checked against its plugin's
 * option table (step 4 of plugin-loader.c's list): the types, the keys,
 * the required options, the defaults filled in; every problem at once.
 */
#include "plugin-file.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "config.h"
#include "json-strict.h"
#include "timefmt.h"
#include "url-mask.h"

/* The longest refusal of one option, and the most of it that the words
 * around a hint (set_hint) take besides the key and the plugin's name. */
#define PROBLEM_MAX 400
#define HINT_TEXT_MAX 160
/* The most of an option's help that a refusal of its value quotes, and
 * the room its note takes with the key and the words around it. */
#define HELP_SHOWN_MAX 100
#define HELP_NOTE_MAX (HELP_SHOWN_MAX + 96)
/* The most of the first problem that the message of several keeps. */
#define SUMMARY_KEEP 460

const char *pt_plugin_option_type_name(ptrack_option_type_t t)
{
    switch (t) {
    case PTRACK_OPT_STRING:
        return "string";
    case PTRACK_OPT_INT:
        return "int";
    case PTRACK_OPT_BOOL:
        return "bool";
    case PTRACK_OPT_DURATION:
        return "duration";
    case PTRACK_OPT_STRINGS:
        return "strings";
    case PTRACK_OPT_SECRET:
        return "secret";
    }
    return NULL;
}

/* The length of the character that s (n bytes, n > 0) starts with when
 * it is one a message may quote as it is: valid UTF-8 and no control
 * character (C0, DEL, C1); 0 otherwise. */
static size_t plain_char(const unsigned char *s, size_t n)
{
    size_t w = 1;
    while (w < 4 && w < n && !pt_utf8_valid((const char *)s, w))
        w++;
    if (!pt_utf8_valid((const char *)s, w) || s[0] < 0x20 || s[0] == 0x7f ||
        (s[0] == 0xC2 && s[1] <= 0x9F))
        return 0;
    return w;
}

const char *pt_plugin_text_shown(const char *text, char *buf, size_t size)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text), i = 0, w;
    while (i < len && (w = plain_char(s + i, len - i)) > 0)
        i += w;
    if (i == len)
        return text;
    size_t n = 0;
    for (i = 0; i < len; i += w ? w : 1) {
        w = plain_char(s + i, len - i);
        if (n + (w ? w : 4) + 4 > size) {
            memcpy(buf + n, "...", 3);
            n += 3;
            break;
        }
        if (w)
            memcpy(buf + n, s + i, w);
        else
            snprintf(buf + n, 5, "\\x%02x", s[i]);
        n += w ? w : 4;
    }
    buf[n] = '\0';
    return buf;
}

/* Whether t is a duration an option may hold: "<n><unit>", at most
 * PT_DURATION_MAX_MS, so that a plugin may add it to a time. */
static bool duration_ok(const char *t)
{
    int64_t ms;
    return pt_duration_parse(t, &ms) == 0 && ms <= PT_DURATION_MAX_MS;
}

/* A value of the option's type from config text, or NULL when the text is
 * not one. STRINGS take a JSON array ("[\"a\",\"b\"]") or a comma-separated
 * list ("a,b"). */
cJSON *pt_plugin_option_default(const ptrack_option_t *o)
{
    const char *t = o->default_text;
    if (!t)
        return NULL;
    switch (o->type) {
    case PTRACK_OPT_STRING:
    case PTRACK_OPT_SECRET:
        return cJSON_CreateString(t);
    case PTRACK_OPT_INT: {
        char *end;
        errno = 0;
        long long v = strtoll(t, &end, 10);
        if (!*t || *end || errno || llabs(v) > (1LL << 53))
            return NULL;
        return cJSON_CreateNumber((double)v);
    }
    case PTRACK_OPT_BOOL:
        if (strcmp(t, "true") == 0 || strcmp(t, "false") == 0)
            return cJSON_CreateBool(strcmp(t, "true") == 0);
        return NULL;
    case PTRACK_OPT_DURATION:
        return duration_ok(t) ? cJSON_CreateString(t) : NULL;
    case PTRACK_OPT_STRINGS: {
        cJSON *a;
        if (t[0] == '[') {
            a = cJSON_Parse(t);
            const cJSON *e;
            bool ok = cJSON_IsArray(a);
            cJSON_ArrayForEach(e, a) ok = ok && cJSON_IsString(e);
            if (!ok) {
                cJSON_Delete(a);
                return NULL;
            }
            return a;
        }
        if (!(a = cJSON_CreateArray()))
            return NULL;
        const char *s = t;
        while (*s) {
            size_t n = strcspn(s, ",");
            char *item = strndup(s, n);
            cJSON *e = item ? cJSON_CreateString(item) : NULL;
            free(item);
            if (!e) {
                cJSON_Delete(a);
                return NULL;
            }
            cJSON_AddItemToArray(a, e);
            s += n + (s[n] == ',');
        }
        return a;
    }
    }
    return NULL;
}

/* "an integer", ... for the message that says what was expected. */
const char *pt_plugin_option_expected(ptrack_option_type_t t)
{
    switch (t) {
    case PTRACK_OPT_STRING:
        return "a string";
    case PTRACK_OPT_INT:
        return "an integer";
    case PTRACK_OPT_BOOL:
        return "true or false";
    case PTRACK_OPT_DURATION:
        return "a duration such as \"10s\" (units ms s m h d, at most 36500d)";
    case PTRACK_OPT_STRINGS:
        return "an array of strings";
    case PTRACK_OPT_SECRET:
        return "a string (a secret, which is never shown)";
    }
    return "?";
}

/* The largest integer an INT option holds either way: options are kept
 * as JSON numbers, which are exact up to 2^53. */
#define OPTION_INT_MAX 9007199254740992.0

/* What a refused value v of an option of type t is, for "must be ...,
 * not <given>": its JSON type, or, where that alone would not say what
 * is wrong ("must be an integer, not a number"), the value itself (1.5),
 * with the limit it passes, or the element of a list that is no string. */
static void value_given(ptrack_option_type_t t, const cJSON *v, char *buf, size_t size)
{
    snprintf(buf, size, "%s", pt_json_type_name(v));
    if (t == PTRACK_OPT_INT && cJSON_IsNumber(v)) {
        /* As few digits as read back as the value: 0.1, not 0.10000000000000001. */
        char num[32];
        snprintf(num, sizeof(num), "%.15g", v->valuedouble);
        if (strtod(num, NULL) != v->valuedouble)
            snprintf(num, sizeof(num), "%.17g", v->valuedouble);
        if (fabs(v->valuedouble) > OPTION_INT_MAX && v->valuedouble == floor(v->valuedouble))
            snprintf(buf, size, "%s (an option's integer is at most %.0f either way)", num,
                     OPTION_INT_MAX);
        else
            snprintf(buf, size, "%s", num);
    } else if (t == PTRACK_OPT_STRINGS && cJSON_IsArray(v)) {
        const cJSON *e;
        int i = 0;
        cJSON_ArrayForEach(e, v)
        {
            if (!cJSON_IsString(e)) {
                snprintf(buf, size, "an array with %s at [%d]", pt_json_type_name(e), i);
                return;
            }
            i++;
        }
    }
}

static bool value_ok(ptrack_option_type_t t, const cJSON *v)
{
    switch (t) {
    case PTRACK_OPT_STRING:
    case PTRACK_OPT_SECRET:
        return cJSON_IsString(v);
    case PTRACK_OPT_INT:
        return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
               fabs(v->valuedouble) <= OPTION_INT_MAX;
    case PTRACK_OPT_BOOL:
        return cJSON_IsBool(v);
    case PTRACK_OPT_DURATION:
        return cJSON_IsString(v) && duration_ok(v->valuestring);
    case PTRACK_OPT_STRINGS: {
        if (!cJSON_IsArray(v))
            return false;
        const cJSON *e;
        cJSON_ArrayForEach(e, v) if (!cJSON_IsString(e)) return false;
        return true;
    }
    }
    return false;
}

/* The help of option o as a refusal of its value quotes it, " (retries:
 * how often to try)", into buf: at most HELP_SHOWN_MAX bytes of it, cut
 * on a character's boundary; "" when o is NULL or has no help. */
static void help_note(const ptrack_option_t *o, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!o || !o->help || !o->help[0])
        return;
    char key[PT_PLUGIN_TEXT_SHOWN], help_buf[HELP_SHOWN_MAX + 1];
    const char *help = pt_plugin_text_shown(o->help, help_buf, sizeof(help_buf));
    size_t n = strlen(help);
    if (n > HELP_SHOWN_MAX)
        n = pt_utf8_floor(help, HELP_SHOWN_MAX);
    snprintf(buf, size, " (%.80s: %.*s%s)", pt_plugin_text_shown(o->key, key, sizeof(key)), (int)n,
             help, n < strlen(help) ? "…" : "");
}

/* Adds one option problem: the first one becomes the message, every one a
 * field, so that a client sees all of them at once. With `o`, the option
 * whose value was refused, the message ends with its help (help_note), as
 * the plugin header promises, so that whoever wrote the value learns what
 * the option is for and not only its type. */
static void option_problem(pt_error_t *err, int *n, const char *key, const ptrack_option_t *o,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void option_problem(pt_error_t *err, int *n, const char *key, const ptrack_option_t *o,
                           const char *fmt, ...)
{
    char msg[PROBLEM_MAX + HELP_NOTE_MAX], field[96], help[HELP_NOTE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(msg, PROBLEM_MAX, fmt, ap);
    va_end(ap);
    help_note(o, help, sizeof(help));
    if (len >= 0 && (size_t)len < PROBLEM_MAX)
        snprintf(msg + len, sizeof(msg) - (size_t)len, "%s", help);
    snprintf(field, sizeof(field), "config.%.80s", key);
    if ((*n)++ == 0)
        pt_error_set(err, PT_EVALIDATION, "%s", msg);
    pt_error_add_field(err, field, "%s", msg);
}

/* How to write option o: the JSON value `text` (a string, or a list of
 * one, made of the value the request held) for the configuration, and
 * the --set argument of `ptrack plugins load` that gives it, as one shell
 * word that can be pasted whatever the text holds (a quote, a $, a
 * space; Chinese stays as it is). Fills both into *json and *word, and
 * returns false when the refusal of plugin d would not hold them whole
 * (or memory is short): a hint cut short could not be pasted. */
static bool set_hint(const ptrack_plugin_t *d, const ptrack_option_t *o, const char *text,
                     bool list, pt_buf_t *json, pt_buf_t *word)
{
    if (list)
        pt_buf_puts(json, "[");
    pt_buf_json_str(json, text);
    if (list)
        pt_buf_puts(json, "]");
    pt_buf_t arg;
    pt_buf_init(&arg);
    pt_buf_printf(&arg, "%s=%s", o->key, json->data ? json->data : "");
    pt_buf_sh_word(word, arg.data ? arg.data : "");
    bool ok =
        !pt_buf_failed(&arg) && !pt_buf_failed(json) && !pt_buf_failed(word) &&
        json->len + word->len + strlen(o->key) + strlen(d->name) + HINT_TEXT_MAX < PROBLEM_MAX;
    pt_buf_free(&arg);
    return ok;
}

/* A value of the wrong type, given as `given` ("a number"), that can be
 * written as option o wants: text, as a string or, with `list`, a list of
 * one. The refusal says how after `advice`, in the configuration's JSON
 * and as a --set argument (set_hint); when those are too long for it, or
 * when text is a URL with credentials in it (pt_url_mask), which the
 * refusal, logged too, must not quote, `fallback` says it alone. */
static void hint_problem(pt_error_t *err, int *problems, const ptrack_plugin_t *d,
                         const ptrack_option_t *o, const char *given, const char *text, bool list,
                         const char *advice, const char *fallback)
{
    pt_buf_t json, word;
    pt_buf_init(&json);
    pt_buf_init(&word);
    char *shown = pt_url_mask(text), key_buf[PT_PLUGIN_TEXT_SHOWN];
    /* A key shown otherwise than as it is cannot be pasted either. */
    const char *key = pt_plugin_text_shown(o->key, key_buf, sizeof(key_buf));
    if (shown && strcmp(shown, text) == 0 && key == o->key &&
        set_hint(d, o, text, list, &json, &word))
        option_problem(err, problems, o->key, o,
                       "option \"%s\" of %s must be %s, not %s (%s: %s; with ptrack plugins load, "
                       "--set %s)",
                       key, d->name, pt_plugin_option_expected(o->type), given, advice, json.data,
                       word.data);
    else
        option_problem(err, problems, o->key, o, "option \"%s\" of %s must be %s, not %s (%s)", key,
                       d->name, pt_plugin_option_expected(o->type), given, fallback);
    free(shown);
    pt_buf_free(&json);
    pt_buf_free(&word);
}

/* Masks the credentials of the URL that the string v may hold
 * (pt_url_mask). Returns false when memory runs out. */
static bool url_shown(cJSON *v)
{
    char *shown = pt_url_mask(v->valuestring);
    bool ok = shown && (strcmp(shown, v->valuestring) == 0 || cJSON_SetValuestring(v, shown));
    free(shown);
    return ok;
}

cJSON *pt_plugin_options_shown(const ptrack_plugin_t *d, const cJSON *options)
{
    cJSON *out = cJSON_Duplicate(options, true);
    if (!out)
        return NULL;
    for (const ptrack_option_t *o = d->options; o && o->key; o++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(out, o->key), *e;
        bool ok = true;
        if (o->type == PTRACK_OPT_SECRET && cJSON_IsString(v)) {
            cJSON *mask = cJSON_CreateString(PT_PLUGIN_SECRET_SHOWN);
            ok = mask && cJSON_ReplaceItemInObjectCaseSensitive(out, o->key, mask);
            if (!ok)
                cJSON_Delete(mask);
        } else if (o->type == PTRACK_OPT_STRING && cJSON_IsString(v)) {
            ok = url_shown(v);
        } else if (o->type == PTRACK_OPT_STRINGS && cJSON_IsArray(v)) {
            cJSON_ArrayForEach(e, v) ok = ok && (!cJSON_IsString(e) || url_shown(e));
        }
        if (!ok) {
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
}

/* Checks the instance's `config` against the plugin's option table and
 * returns the options with the defaults filled in, or NULL with err set. */
cJSON *pt_plugin_options_check(const ptrack_plugin_t *d, const cJSON *config, pt_error_t *err)
{
    int problems = 0;
    char list[300];
    size_t len = 0;
    list[0] = '\0';
    char key_buf[PT_PLUGIN_TEXT_SHOWN];
    for (const ptrack_option_t *o = d->options; o && o->key; o++) {
        int w = snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "",
                         pt_plugin_text_shown(o->key, key_buf, sizeof(key_buf)));
        if (w < 0 || (size_t)w >= sizeof(list) - len) {
            snprintf(list + (len < sizeof(list) - 5 ? len : sizeof(list) - 5),
                     sizeof(list) - (len < sizeof(list) - 5 ? len : sizeof(list) - 5), ", …");
            break;
        }
        len += (size_t)w;
    }

    cJSON *out = cJSON_CreateObject();
    if (!out) {
        pt_error_set(err, PT_ENOMEM, "out of memory");
        return NULL;
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, config)
    {
        /* The host reads "events" itself (see entry_events). */
        if (strcmp(v->string, "events") == 0)
            continue;
        const ptrack_option_t *o = d->options;
        while (o && o->key && strcmp(o->key, v->string) != 0)
            o++;
        if (!o || !o->key) {
            const char *key = pt_plugin_text_shown(v->string, key_buf, sizeof(key_buf));
            if (list[0])
                option_problem(err, &problems, v->string, NULL,
                               "option \"%s\" is not an option of %s (its options: %s)", key,
                               d->name, list);
            else
                option_problem(err, &problems, v->string, NULL,
                               "option \"%s\" is not an option of %s (it has no options)", key,
                               d->name);
            continue;
        }
        if (!value_ok(o->type, v)) {
            const char *key = pt_plugin_text_shown(o->key, key_buf, sizeof(key_buf));
            if (o->type == PTRACK_OPT_SECRET)
                /* Only the JSON type: a password of digits, given as a
                 * number, must not end up in a log or a ticket. */
                option_problem(
                    err, &problems, v->string, o, "option \"%s\" of %s must be %s, not %s%s", key,
                    d->name, pt_plugin_option_expected(o->type), pt_json_type_name(v),
                    cJSON_IsNumber(v) ? " (write text that looks like a number in quotes)" : "");
            else if (cJSON_IsString(v) && o->type == PTRACK_OPT_DURATION) {
                /* As GET /v1/plugins would show it: a URL put here by
                 * mistake keeps its credentials out of the refusal. */
                char *shown = pt_url_mask(v->valuestring);
                option_problem(err, &problems, v->string, o,
                               "option \"%s\" of %s must be %s, not \"%.60s\"", key, d->name,
                               pt_plugin_option_expected(o->type), shown ? shown : "…");
                free(shown);
            } else if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15 &&
                       v->valuedouble == (double)(int64_t)v->valuedouble &&
                       (o->type == PTRACK_OPT_STRING || o->type == PTRACK_OPT_STRINGS)) {
                /* A phone number, a session's number: text that reads as
                 * a number, also to `ptrack plugins load --set`. Only a
                 * whole number is written back as it was. */
                char digits[32];
                snprintf(digits, sizeof(digits), "%.0f", v->valuedouble);
                hint_problem(err, &problems, d, o, "a number", digits,
                             o->type == PTRACK_OPT_STRINGS,
                             "write text that looks like a number in quotes",
                             "write text that looks like a number in quotes");
            } else if (cJSON_IsString(v) && o->type == PTRACK_OPT_STRINGS)
                /* One value where a list is wanted: how to write it. */
                hint_problem(err, &problems, d, o, "a string", v->valuestring, true,
                             "a list of one", "a list of one: the string in [ and ]");
            else {
                char given[96];
                value_given(o->type, v, given, sizeof(given));
                option_problem(err, &problems, v->string, o,
                               "option \"%s\" of %s must be %s, not %s", key, d->name,
                               pt_plugin_option_expected(o->type), given);
            }
            continue;
        }
        cJSON *copy = cJSON_Duplicate(v, true);
        if (!copy || !cJSON_AddItemToObject(out, o->key, copy)) {
            cJSON_Delete(copy);
            cJSON_Delete(out);
            pt_error_set(err, PT_ENOMEM, "out of memory");
            return NULL;
        }
    }
    for (const ptrack_option_t *o = d->options; o && o->key; o++) {
        if (cJSON_GetObjectItemCaseSensitive(out, o->key) ||
            cJSON_GetObjectItemCaseSensitive(config, o->key))
            continue;
        if (o->required) {
            char help[HELP_SHOWN_MAX + 1];
            option_problem(err, &problems, o->key, NULL, "option \"%s\" of %s is required%s%s%s",
                           pt_plugin_text_shown(o->key, key_buf, sizeof(key_buf)), d->name,
                           o->help ? " (" : "",
                           o->help ? pt_plugin_text_shown(o->help, help, sizeof(help)) : "",
                           o->help ? ")" : "");
            continue;
        }
        cJSON *def = pt_plugin_option_default(o);
        if (def)
            cJSON_AddItemToObject(out, o->key, def);
    }
    if (problems > 1) {
        char first[sizeof(err->message)];
        snprintf(first, sizeof(first), "%s", err->message);
        /* Room for the count, whatever the first problem's help took. */
        size_t keep = strlen(first) < SUMMARY_KEEP ? strlen(first) : SUMMARY_KEEP;
        pt_error_set(err, PT_EVALIDATION, "%.*s (and %d more problems with the options)",
                     (int)pt_utf8_floor(first, keep), first, problems - 1);
    }
    if (problems) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* ---- How long a stop waits for deliver() ------------------------------ */

uint64_t pt_notifier_wait_ms(const pt_instance_t *inst, uint64_t least, uint64_t most)
{
    const ptrack_option_t *o = inst && inst->file ? inst->file->desc->options : NULL;
    while (o && o->key && strcmp(o->key, "timeout") != 0)
        o++;
    /* inst->options holds the table's default when the instance sets none,
     * and a duration as its text, checked at load (at most
     * PT_DURATION_MAX_MS: the sum below cannot overflow). */
    const cJSON *v = o && o->key && o->type == PTRACK_OPT_DURATION
                         ? cJSON_GetObjectItemCaseSensitive(inst->options, "timeout")
                         : NULL;
    int64_t ms;
    if (!cJSON_IsString(v) || pt_duration_parse(v->valuestring, &ms) != 0 || ms <= 0)
        return least;
    uint64_t wait = (uint64_t)ms + PT_DELIVER_WAIT_MARGIN_MS;
    return wait < least ? least : wait > most ? most : wait;
}

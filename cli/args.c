/*
 * args.c - command-line options, declared as tables (see args.h).
 */
#include "args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "width.h"

/* A file name is bytes to the system and may be in any encoding; every
 * other value is text that goes to ptrackd. An option whose help offers
 * @FILE takes a file name after the @. */
static bool value_is_text(const pt_opt_t *o, const char *value)
{
    if (o->metavar && (strstr(o->metavar, "FILE") || strstr(o->metavar, "PATH")))
        return false;
    return !(value[0] == '@' && o->help && strstr(o->help, "@FILE"));
}

/* ptrackd takes UTF-8 only. Text typed in a GBK terminal (or pasted from a
 * GBK file) would be refused as "invalid JSON" at a byte the user never
 * sees, or find nothing in a search, or be echoed back as mojibake in a
 * message ("unknown action"), so it is stopped here, by name: an option's
 * value and a positional argument alike. */
bool pt_args_check_text(const char *what, const char *value, const char *cmd)
{
    size_t bad;
    if (pt_utf8_check(value, strlen(value), &bad))
        return true;
    pt_text_sayf("ptrack %s: %s is not UTF-8 text (byte %zu); ptrack sends UTF-8: use a UTF-8 "
                 "locale (LANG=zh_CN.UTF-8) in the terminal, or convert the text with iconv -f GBK "
                 "-t UTF-8",
                 cmd, what, bad + 1);
    return false;
}

static bool check_utf8(const pt_opt_t *o, const char *value, const char *cmd)
{
    if (!value_is_text(o, value))
        return true;
    pt_buf_t what = {0};
    pt_buf_printf(&what, "the value of --%s", o->name);
    bool ok = pt_args_check_text(pt_buf_str(&what), value, cmd);
    pt_buf_free(&what);
    return ok;
}

/* The name of positional argument i in a usage line such as "ID ACTION",
 * "FILE" or "[list | load | unload NAME]" (a subcommand, then its NAME):
 * the metavars (upper case) in order, after "the subcommand" when the line
 * names subcommands (lower case); past them "argument N". */
static void positional_name(pt_buf_t *b, const char *usage, size_t i)
{
    bool subcommands = false;
    size_t k = 0;
    const char *p = usage ? usage : "";
    for (const char *q = p; *q; q++)
        if (*q >= 'a' && *q <= 'z')
            subcommands = true;
    if (subcommands && i == 0) {
        pt_buf_puts(b, "the subcommand");
        return;
    }
    size_t want = subcommands ? i - 1 : i;
    while (*p) {
        p += strspn(p, " []|");
        size_t n = strcspn(p, " []|");
        if (n > 0 && *p >= 'A' && *p <= 'Z' && k++ == want) {
            pt_buf_printf(b, "%.*s (argument %zu)", (int)n, p, i + 1);
            return;
        }
        p += n;
    }
    pt_buf_printf(b, "argument %zu", i + 1);
}

int pt_args_check_positional(const pt_args_t *a, const char *usage, const char *cmd)
{
    for (size_t i = 0; i < a->n_pos; i++) {
        pt_buf_t what = {0};
        positional_name(&what, usage, i);
        /* A file name is bytes to the system (ptrack import FILE). */
        bool file = strstr(pt_buf_str(&what), "FILE") || strstr(pt_buf_str(&what), "PATH");
        bool ok = file || pt_args_check_text(pt_buf_str(&what), a->pos[i], cmd);
        pt_buf_free(&what);
        if (!ok)
            return -1;
    }
    return 0;
}

int pt_args_parse(pt_args_t *a, const pt_opt_t *const *tables, int argc, char **argv,
                  const char *cmd)
{
    memset(a, 0, sizeof *a);
    for (size_t t = 0; tables[t]; t++)
        for (const pt_opt_t *o = tables[t]; o->name; o++)
            a->n_flat++;
    a->flat = pt_xmalloc(a->n_flat * sizeof *a->flat);
    a->slots = pt_xmalloc(a->n_flat * sizeof *a->slots);
    memset(a->slots, 0, a->n_flat * sizeof *a->slots);
    size_t k = 0;
    for (size_t t = 0; tables[t]; t++)
        for (const pt_opt_t *o = tables[t]; o->name; o++)
            a->flat[k++] = o;
    a->pos = pt_xmalloc(((size_t)argc + 1) * sizeof *a->pos);

    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        char *arg = argv[i];
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            a->pos[a->n_pos++] = arg; /* "-" alone means stdin to some commands */
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        /* "-h" and "-y" (--yes, where a command asks) are the only short
         * options: people type them by habit. */
        bool is_short = strcmp(arg, "-h") == 0 || strcmp(arg, "-y") == 0;
        const char *name = strcmp(arg, "-h") == 0   ? "help"
                           : strcmp(arg, "-y") == 0 ? "yes"
                                                    : arg + 2;
        if (arg[1] != '-' && !is_short) {
            char *shown = pt_utf8_shown(arg);
            pt_text_sayf("ptrack %s: unknown option %s (options are long: see ptrack %s --help)",
                         cmd, shown, cmd);
            free(shown);
            return -1;
        }
        const char *eq = strchr(name, '=');
        size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
        size_t found = a->n_flat;
        for (size_t j = 0; j < a->n_flat; j++) {
            if (strlen(a->flat[j]->name) == name_len &&
                memcmp(a->flat[j]->name, name, name_len) == 0) {
                found = j;
                break;
            }
        }
        if (found == a->n_flat) {
            /* Named as it was typed: "-y" to a command that asks nothing
             * is "-y", not the "--yes" it stands for. */
            char *typed = pt_xstrndup(arg, is_short ? strlen(arg) : name_len + 2);
            char *shown = pt_utf8_shown(typed);
            pt_text_sayf("ptrack %s: unknown option %s (see ptrack %s --help)", cmd, shown, cmd);
            free(shown);
            free(typed);
            return -1;
        }
        const pt_opt_t *o = a->flat[found];
        pt_opt_slot_t *s = &a->slots[found];
        const char *value = NULL;
        if (o->kind == PT_OPT_FLAG) {
            if (eq) {
                pt_text_sayf("ptrack %s: option --%s takes no value", cmd, o->name);
                return -1;
            }
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            pt_text_sayf("ptrack %s: option --%s needs a value (%s)", cmd, o->name,
                         o->metavar ? o->metavar : "VALUE");
            return -1;
        }
        if (value && !check_utf8(o, value, cmd))
            return -1;
        /* KEY=VALUE typed with a Chinese input method gets its ＝ (U+FF1D):
         * --set 答复文号＝晋函〔2026〕1号. A ＝ before any = is the one
         * meant (no key holds one), and becomes =, in argv's own bytes
         * (which are the program's to change), as ：is taken in --unit
         * NAME：ROLE; an = or ＝ after it is the value's. */
        if (value && o->metavar && strchr(o->metavar, '=')) {
            char *wide = strstr((char *)value, "\xEF\xBC\x9D");
            const char *ascii = strchr(value, '=');
            if (wide && (!ascii || wide < ascii)) {
                wide[0] = '=';
                memmove(wide + 1, wide + 3, strlen(wide + 3) + 1);
            }
        }
        s->count++;
        s->value = value;
        if (o->kind == PT_OPT_LIST) {
            s->values = pt_xrealloc(s->values, (s->n_values + 1) * sizeof *s->values);
            s->values[s->n_values++] = value;
        }
    }
    a->pos[a->n_pos] = NULL;
    return 0;
}

void pt_args_free(pt_args_t *a)
{
    for (size_t i = 0; i < a->n_flat && a->slots; i++)
        free(a->slots[i].values);
    free(a->slots);
    free(a->flat);
    free(a->pos);
    memset(a, 0, sizeof *a);
}

static const pt_opt_slot_t *slot(const pt_args_t *a, const char *name)
{
    for (size_t j = 0; j < a->n_flat; j++)
        if (strcmp(a->flat[j]->name, name) == 0)
            return &a->slots[j];
    return NULL;
}

bool pt_args_flag(const pt_args_t *a, const char *name)
{
    const pt_opt_slot_t *s = slot(a, name);
    return s && s->count > 0;
}

const char *pt_args_value(const pt_args_t *a, const char *name)
{
    const pt_opt_slot_t *s = slot(a, name);
    return s ? s->value : NULL;
}

const char **pt_args_list(const pt_args_t *a, const char *name, size_t *n)
{
    const pt_opt_slot_t *s = slot(a, name);
    *n = s ? s->n_values : 0;
    return s ? s->values : NULL;
}

/* Help lines fit the line (pt_line_width), as the tables do, but an
 * option's help wraps at no fewer columns than this. */
#define HELP_MIN 20

void pt_args_help(const pt_opt_t *opts, FILE *out)
{
    size_t widest = 0;
    for (const pt_opt_t *o = opts; o->name; o++) {
        size_t w = strlen(o->name) + 2 + (o->metavar ? strlen(o->metavar) + 1 : 0);
        if (w > widest)
            widest = w;
    }
    /* The help starts at one column for every option of the table, and a
     * help too long for the line goes on under itself, at that column. */
    size_t col = widest + 2 + 4;
    size_t line = pt_line_width(fileno(out));
    size_t width = col + HELP_MIN < line ? line : col + HELP_MIN;
    for (const pt_opt_t *o = opts; o->name; o++) {
        pt_buf_t b = {0}, text = {0}, wrapped = {0};
        pt_buf_printf(&b, "  --%s", o->name);
        if (o->metavar)
            pt_buf_printf(&b, " %s", o->metavar);
        pt_text_pad(&b, col - pt_text_width(pt_buf_str(&b)));
        pt_buf_puts(&text, o->help ? o->help : "");
        if (o->kind == PT_OPT_LIST)
            pt_buf_puts(&text, " (repeatable)");
        /* Every line of it starts with col blanks: the first one's are
         * the option's place. An empty first line (an empty help, or one
         * that begins with a line break) is only its line break, with no
         * blanks to step over: the option then stands alone on its line,
         * without the padding, and the help goes on under it. */
        pt_text_wrap_labels(&wrapped, pt_buf_str(&text), col, width);
        const char *lines = pt_buf_str(&wrapped);
        if (strspn(lines, " ") >= col) {
            lines += col;
        } else {
            while (b.len > 0 && b.s[b.len - 1] == ' ')
                b.s[--b.len] = '\0';
        }
        pt_buf_puts(&b, lines);
        fputs(pt_buf_str(&b), out);
        pt_buf_free(&b);
        pt_buf_free(&text);
        pt_buf_free(&wrapped);
    }
}

/* True when s is exactly a JSON number (RFC 8259 §6). cJSON's own number
 * parser is laxer (it takes "0123", "+1", ".5", "1."), which would turn an
 * office's 编号 "0123" into the number 123. */
static bool is_json_number(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return false;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

cJSON *pt_args_json_value(const char *text)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    bool looks_json = *p == '{' || *p == '[' || *p == '"' || strcmp(p, "true") == 0 ||
                      strcmp(p, "false") == 0 || strcmp(p, "null") == 0 || is_json_number(p);
    if (looks_json) {
        const char *end = NULL;
        cJSON *v = cJSON_ParseWithOpts(text, &end, 1);
        if (v)
            return v;
    }
    return pt_xcheck(cJSON_CreateString(text));
}

/* Sets the member at the dotted path key to value (which it takes over).
 * custom holds text by name, nothing nested (docs/api.md, The proposal), so below it
 * the rest of the path is one name, dots and all: custom.备注.1 is the
 * member "备注.1" of custom, as an office's own column names it. */
static int set_path(cJSON *obj, const char *key, size_t key_len, cJSON *value, const char *cmd)
{
    char *copy = pt_xstrndup(key, key_len);
    cJSON *at = obj;
    char *part = copy;
    int rc = 0;
    bool in_custom = false; /* part is the name of a member of custom */
    for (;;) {
        char *dot = in_custom ? NULL : strchr(part, '.');
        if (dot)
            *dot = '\0';
        if (*part == '\0') {
            char *typed = pt_xstrndup(key, key_len);
            char *shown = pt_utf8_shown(typed);
            pt_text_sayf("ptrack %s: key \"%s\" has an empty part", cmd, shown);
            free(shown);
            free(typed);
            cJSON_Delete(value);
            rc = -1;
            break;
        }
        if (!dot) {
            cJSON_DeleteItemFromObjectCaseSensitive(at, part);
            pt_json_add(at, part, value);
            break;
        }
        /* An intermediate part becomes an object, replacing whatever an
         * earlier --set put there that was not one. */
        cJSON *next = cJSON_GetObjectItemCaseSensitive(at, part);
        if (!cJSON_IsObject(next)) {
            cJSON_DeleteItemFromObjectCaseSensitive(at, part);
            next = pt_xcheck(cJSON_CreateObject());
            pt_json_add(at, part, next);
        }
        in_custom = at == obj && strcmp(part, "custom") == 0;
        at = next;
        part = dot + 1;
    }
    free(copy);
    return rc;
}

char *pt_args_read_text(const char *path, const char *cmd, size_t *len)
{
    bool from_stdin = strcmp(path, "-") == 0;
    const char *name = from_stdin ? "stdin" : path;
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    /* The name as typed is bytes in any encoding: quoted, it is shown
     * (pt_utf8_shown_line). */
    if (!f) {
        pt_utf8_shown_line(stderr, "ptrack %s: cannot read %s: %s", cmd, path, strerror(errno));
        return NULL;
    }
    pt_buf_t b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        pt_buf_add(&b, chunk, n);
    bool failed = ferror(f);
    int why = errno;
    if (!from_stdin)
        fclose(f);
    if (failed) {
        /* A directory opens, and says why only when read. */
        pt_utf8_shown_line(stderr, "ptrack %s: cannot read %s: %s", cmd, name, strerror(why));
        pt_buf_free(&b);
        return NULL;
    }
    /* Notepad and other Windows editors start a UTF-8 file with a byte
     * order mark; it is not part of the text. */
    if (b.len >= 3 && memcmp(b.s, "\xEF\xBB\xBF", 3) == 0) {
        memmove(b.s, b.s + 3, b.len - 2);
        b.len -= 3;
    }
    size_t bad;
    if (!pt_utf8_check(pt_buf_str(&b), b.len, &bad)) {
        /* The command to convert it names the file as the shell reads
         * it (pt_shell_name). */
        pt_buf_t q = {0}, out = {0};
        const char *file = pt_shell_name(&q, from_stdin ? NULL : path);
        /* 'my file.csv'.utf8 is my file.csv.utf8. */
        pt_buf_puts(&out, file);
        pt_buf_puts(&out, ".utf8");
        pt_utf8_shown_line(stderr,
                           "ptrack %s: %s is not UTF-8 text (byte %zu); save it as UTF-8, or "
                           "convert it: iconv -f GBK -t UTF-8 %s > %s",
                           cmd, name, bad + 1, file, pt_buf_str(&out));
        pt_buf_free(&q);
        pt_buf_free(&out);
        pt_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return pt_buf_take(&b);
}

char *pt_args_read_field_text(const char *path, const char *cmd)
{
    size_t len;
    char *text = pt_args_read_text(path, cmd, &len);
    if (!text)
        return NULL;
    /* An editor's final line break is not part of the text. */
    if (len > 0 && text[len - 1] == '\n')
        text[--len] = '\0';
    if (len > 0 && text[len - 1] == '\r')
        text[--len] = '\0';
    return text;
}

int pt_args_set_file(cJSON *obj, const char *kv, const char *cmd)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv || eq[1] == '\0') {
        char *shown = pt_utf8_shown(kv);
        pt_text_sayf("ptrack %s: --set-file needs key=FILE, not \"%s\"", cmd, shown);
        free(shown);
        return -1;
    }
    char *text = pt_args_read_field_text(eq + 1, cmd);
    if (!text)
        return -1;
    cJSON *value = pt_xcheck(cJSON_CreateString(text));
    free(text);
    return set_path(obj, kv, (size_t)(eq - kv), value, cmd);
}

cJSON *pt_args_value_as(const char *text, pt_field_type_t type)
{
    if (type == PT_FIELD_TEXT) {
        if (strcmp(text, "null") == 0)
            return pt_xcheck(cJSON_CreateNull());
        if (text[0] == '"') {
            cJSON *v = cJSON_ParseWithOpts(text, NULL, 1);
            if (cJSON_IsString(v))
                return v;
            cJSON_Delete(v);
        }
        return pt_xcheck(cJSON_CreateString(text));
    }
    return pt_args_json_value(text);
}

int pt_args_set_typed(cJSON *obj, const char *kv, const char *cmd, pt_field_type_fn type_of,
                      void *ud)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        char *shown = pt_utf8_shown(kv);
        pt_text_sayf("ptrack %s: --set needs key=value, not \"%s\"", cmd, shown);
        free(shown);
        return -1;
    }
    pt_field_type_t type = PT_FIELD_ANY;
    if (type_of) {
        char *key = pt_xstrndup(kv, (size_t)(eq - kv));
        type = type_of(key, ud);
        free(key);
    }
    return set_path(obj, kv, (size_t)(eq - kv), pt_args_value_as(eq + 1, type), cmd);
}

int pt_args_set(cJSON *obj, const char *kv, const char *cmd)
{
    return pt_args_set_typed(obj, kv, cmd, NULL, NULL);
}

int pt_args_int(const char *s, long long *out)
{
    char *end;
    if (!s || !(*s >= '0' && *s <= '9'))
        return -1;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

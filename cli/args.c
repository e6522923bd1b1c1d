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

/* Help lines fit the line (pt_line_width), as the tables do; an option's
 * help wraps beside the options at no fewer columns than this. */
#define HELP_MIN 20
/* Where it would have fewer, or a word of it (a list of values,
 * suggestion|motion|proposal|other,) would not fit beside them and be
 * split, every option's help goes on the line below the option, at this
 * indent, and takes the whole line. */
#define HELP_BELOW 6

/* The widest run of ASCII with no blank in the options' help: a word, a
 * list of values, which pt_text_wrap_labels breaks only where nothing
 * else fits. */
static size_t widest_word(const pt_opt_t *opts)
{
    size_t widest = 0;
    for (const pt_opt_t *o = opts; o->name; o++) {
        size_t run = 0;
        for (const char *c = o->help ? o->help : ""; *c; c++) {
            run = (unsigned char)*c < 0x80 && *c != ' ' ? run + 1 : 0;
            if (run > widest)
                widest = run;
        }
    }
    return widest;
}

/* Appends term and text to b as one entry of a table of help: text wrapped
 * at width (pt_text_wrap_labels, or pt_text_flow when `whole`), every line
 * of it starting at column col, the first one's blanks being term's place
 * (term padded to col; it is not wider). An empty first line of text (an
 * empty text, or one that begins with a line break) is only its line
 * break, with no blanks to step over: the term then stands alone on its
 * line, without the padding, and the text goes on under it. */
static void hang(pt_buf_t *b, const char *term, const char *text, size_t col, size_t width,
                 bool whole)
{
    pt_buf_t first = {0}, wrapped = {0};
    pt_buf_puts(&first, term);
    pt_text_pad(&first, col - pt_text_width(term));
    if (whole)
        pt_text_flow(&wrapped, text, col, width);
    else
        pt_text_wrap_labels(&wrapped, text, col, width);
    const char *lines = pt_buf_str(&wrapped);
    if (strspn(lines, " ") >= col) {
        lines += col;
    } else {
        while (first.len > 0 && first.s[first.len - 1] == ' ')
            first.s[--first.len] = '\0';
    }
    pt_buf_puts(b, pt_buf_str(&first));
    pt_buf_puts(b, lines);
    pt_buf_free(&first);
    pt_buf_free(&wrapped);
}

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
    size_t word = widest_word(opts);
    bool below = col + HELP_MIN > line || col + (word > HELP_MIN ? word : HELP_MIN) > line;
    for (const pt_opt_t *o = opts; o->name; o++) {
        pt_buf_t b = {0}, term = {0}, text = {0};
        pt_buf_printf(&term, "  --%s", o->name);
        if (o->metavar)
            pt_buf_printf(&term, " %s", o->metavar);
        pt_buf_puts(&text, o->help ? o->help : "");
        if (o->kind == PT_OPT_LIST)
            pt_buf_puts(&text, " (repeatable)");
        if (below) {
            pt_buf_printf(&b, "%s\n", pt_buf_str(&term));
            pt_text_wrap_labels(&b, pt_buf_str(&text), HELP_BELOW, line);
        } else {
            hang(&b, pt_buf_str(&term), pt_buf_str(&text), col, width, false);
        }
        fputs(pt_buf_str(&b), out);
        pt_buf_free(&b);
        pt_buf_free(&term);
        pt_buf_free(&text);
    }
}

/* A line of help text, without its line break. */
typedef struct {
    const char *s;
    size_t n;
} help_line_t;

/* A copy of line's bytes [from, to), NUL-terminated. */
static void help_part(pt_buf_t *b, help_line_t line, size_t from, size_t to)
{
    pt_buf_reset(b);
    pt_buf_add(b, line.s + from, to - from);
}

static size_t help_width(help_line_t line)
{
    pt_buf_t b = {0};
    help_part(&b, line, 0, line.n);
    pt_buf_replace(&b, "\t", "");
    size_t w = pt_text_width(pt_buf_str(&b));
    pt_buf_free(&b);
    return w;
}

static size_t help_blanks(help_line_t line)
{
    size_t i = 0;
    while (i < line.n && line.s[i] == ' ')
        i++;
    return i;
}

static const char *help_tab(help_line_t line)
{
    return memchr(line.s, '\t', line.n);
}

/* Whether line goes on with an entry above it: blanks, a tab, text. */
static bool help_goes_on(help_line_t line)
{
    const char *tab = help_tab(line);
    return tab && (size_t)(tab - line.s) == help_blanks(line);
}

/* Whether every one of lines[0..n) fits width as it is written. */
static bool help_fits(const help_line_t *lines, size_t n, size_t width)
{
    for (size_t i = 0; i < n; i++)
        if (help_width(lines[i]) > width)
            return false;
    return true;
}

/* Appends lines[0..n) as written, a tab taken out. */
static void help_as_written(pt_buf_t *b, const help_line_t *lines, size_t n)
{
    pt_buf_t l = {0};
    for (size_t i = 0; i < n; i++) {
        help_part(&l, lines[i], 0, lines[i].n);
        pt_buf_replace(&l, "\t", "");
        pt_buf_puts(b, pt_buf_str(&l));
        pt_buf_putc(b, '\n');
    }
    pt_buf_free(&l);
}

/* A command line (an example) wider than the line: broken at its blanks,
 * but not between an option and its value, each piece but the last ending with " \\" so that it
 * still runs when copied, the pieces after the first 4 columns further in. A remark after it, past
 * a run of three blanks ("   (by the end of that day)"), goes under it, flowing at that indent. */
static void help_command(pt_buf_t *b, help_line_t line, size_t width)
{
    size_t indent = help_blanks(line), end = line.n, remark = line.n;
    for (size_t i = indent; i + 3 < line.n; i++)
        if (memcmp(line.s + i, "   ", 3) == 0) {
            end = i;
            remark = i;
            while (remark < line.n && line.s[remark] == ' ')
                remark++;
            break;
        }
    pt_buf_t word = {0};
    size_t used = 0, i = indent;
    pt_text_pad(b, indent);
    used = indent;
    bool empty = true; /* no word on this line yet */
    while (i < end) {
        size_t j = i;
        while (j < end && line.s[j] != ' ')
            j++;
        if (line.s[i] == '-' && j + 1 < end && memcmp(line.s + j + 1, "--", 2) != 0 &&
            line.s[j + 1] != '\\' && line.s[j + 1] != '|' && line.s[j + 1] != ' ') {
            /* An option and its value go together: --set opinion=同意, and
             * --sort -due_at or --out - too, a value beginning with one
             * dash; what begins with two is the next option. */
            j++;
            while (j < end && line.s[j] != ' ')
                j++;
        }
        help_part(&word, line, i, j);
        size_t w = pt_text_width(pt_buf_str(&word)), next = j;
        while (next < end && line.s[next] == ' ')
            next++;
        bool last = next >= end;
        if (!empty && used + 1 + w + (last ? 0 : 2) > width) {
            pt_buf_puts(b, " \\\n");
            pt_text_pad(b, indent + 4);
            used = indent + 4;
            empty = true;
        }
        if (!empty) {
            pt_buf_putc(b, ' ');
            used++;
        }
        pt_buf_puts(b, pt_buf_str(&word));
        used += w;
        empty = false;
        i = next;
    }
    pt_buf_putc(b, '\n');
    if (remark < line.n) {
        help_part(&word, line, remark, line.n);
        pt_text_flow(b, pt_buf_str(&word), indent + 4, width);
    }
    pt_buf_free(&word);
}

/* Appends text flowing at width (pt_text_flow), its first line starting at
 * column first, the others at col. */
static void help_flow(pt_buf_t *b, const char *text, size_t first, size_t col, size_t width)
{
    pt_buf_t w = {0};
    pt_text_flow(&w, text, col, width);
    const char *s = pt_buf_str(&w);
    size_t skip = strspn(s, " ");
    pt_text_pad(b, first);
    pt_buf_puts(b, s + (skip < col ? skip : col));
    pt_buf_free(&w);
}

/* An entry of a table in help text (a subcommand and what it does, an exit
 * code and what it means): its first line's lead, up to a tab, then its
 * text, and lines that go on with it, each blanks, a tab and more text,
 * at the column the text goes on at. Wider than the line, the text flows
 * under itself at that column, or, where that would leave it less than
 * HELP_MIN columns, 4 columns in, the lead on a line of its own. A lead
 * with no text after it on its line (a subcommand's usage) stands on a
 * line of its own, going on 4 columns further in where it must. */
static void help_entry(pt_buf_t *b, const help_line_t *lines, size_t n, size_t width)
{
    pt_buf_t lead = {0}, text = {0}, part = {0};
    size_t at = (size_t)(help_tab(lines[0]) - lines[0].s);
    help_part(&lead, lines[0], 0, at);
    while (lead.len > 0 && lead.s[lead.len - 1] == ' ')
        lead.s[--lead.len] = '\0';
    bool bare = lead.len == 0; /* only blanks: the text goes on from an entry above */
    size_t indent = bare ? 0 : help_blanks(lines[0]);
    size_t lead_w = bare ? 0 : pt_text_width(pt_buf_str(&lead)) + (at - lead.len);
    size_t col = n > 1 ? help_blanks(lines[1]) : bare ? help_blanks(lines[0]) : lead_w;
    for (size_t i = 0; i < n; i++) {
        const char *t = help_tab(lines[i]) + 1;
        help_part(&part, lines[i], (size_t)(t - lines[i].s), lines[i].n);
        if (text.len > 0 && part.len > 0)
            pt_buf_putc(&text, ' ');
        pt_buf_puts(&text, pt_buf_str(&part));
    }
    bool narrow = col + HELP_MIN > width;
    if (narrow)
        col = indent + 4;
    if (!bare && (at == lines[0].n - 1 || narrow)) {
        help_flow(b, pt_buf_str(&lead) + indent, indent, indent + 4, width);
        help_flow(b, pt_buf_str(&text), col, col, width);
    } else if (lead_w <= col) {
        hang(b, pt_buf_str(&lead), pt_buf_str(&text), col, width, true);
    } else {
        /* A lead wider than the column ("  130, 143, 129  " over text
         * that goes on at 5): the text follows it on its first line. */
        pt_buf_t all = {0};
        help_part(&all, lines[0], indent, at);
        pt_buf_puts(&all, pt_buf_str(&text));
        help_flow(b, pt_buf_str(&all), indent, col, width);
        pt_buf_free(&all);
    }
    pt_buf_free(&lead);
    pt_buf_free(&text);
    pt_buf_free(&part);
}

void pt_help_text(const char *text, FILE *out)
{
    size_t width = pt_line_width(fileno(out)), n = 0, cap = 0;
    help_line_t *lines = NULL;
    for (const char *s = text; *s;) {
        size_t len = strcspn(s, "\n");
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            lines = pt_xrealloc(lines, cap * sizeof *lines);
        }
        lines[n++] = (help_line_t){s, len};
        s += len + (s[len] == '\n');
    }
    pt_buf_t b = {0}, para = {0};
    for (size_t i = 0; i < n;) {
        help_line_t l = lines[i];
        size_t j = i + 1;
        if (l.n == 0) {
            pt_buf_putc(&b, '\n');
        } else if (help_tab(l)) {
            /* An entry of a table, and the lines that go on with it. */
            while (j < n && help_goes_on(lines[j]) &&
                   (j == i + 1 || help_blanks(lines[j]) == help_blanks(lines[i + 1])))
                j++;
            if (help_fits(lines + i, j - i, width))
                help_as_written(&b, lines + i, j - i);
            else
                help_entry(&b, lines + i, j - i, width);
        } else if (l.s[0] == ' ') {
            /* An example, a command: kept as it is, but where it is wider
             * than the line. */
            if (help_fits(&l, 1, width))
                help_as_written(&b, &l, 1);
            else
                help_command(&b, l, width);
        } else {
            /* A paragraph: its lines as written when they fit, else it
             * flows, its lines joined. */
            while (j < n && lines[j].n > 0 && lines[j].s[0] != ' ' && !help_tab(lines[j]))
                j++;
            if (help_fits(lines + i, j - i, width)) {
                help_as_written(&b, lines + i, j - i);
            } else {
                pt_buf_reset(&para);
                for (size_t k = i; k < j; k++) {
                    if (k > i)
                        pt_buf_putc(&para, ' ');
                    pt_buf_add(&para, lines[k].s, lines[k].n);
                }
                help_flow(&b, pt_buf_str(&para), 0, 0, width);
            }
        }
        i = j;
    }
    fputs(pt_buf_str(&b), out);
    pt_buf_free(&b);
    pt_buf_free(&para);
    free(lines);
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

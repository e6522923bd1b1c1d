/*
 * args.h - command-line options, declared as tables.
 *
 * Every command declares its options as a table of pt_opt_t, which both the
 * parser and `--help` read, so the help can never drift from what is
 * accepted. Options are long only (`--title TEXT` or `--title=TEXT`); `--`
 * ends the options; everything else is a positional argument, wherever it
 * stands. The parsed values point into argv and live as long as it does.
 */
#ifndef PT_CLI_ARGS_H
#define PT_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>

typedef enum {
    PT_OPT_FLAG,  /* --draft: present or not */
    PT_OPT_VALUE, /* --title TEXT: the last one given counts */
    PT_OPT_LIST,  /* --tag TEXT, repeatable: every one counts, in order */
} pt_opt_kind_t;

typedef struct {
    const char *name; /* without the leading "--"; NULL ends a table */
    pt_opt_kind_t kind;
    const char *metavar; /* "TEXT", "ID", ...; NULL for flags */
    const char *help;    /* one line */
} pt_opt_t;

typedef struct {
    const char *value;   /* PT_OPT_VALUE: the last value */
    const char **values; /* PT_OPT_LIST: every value */
    size_t n_values;
    unsigned count; /* times given */
} pt_opt_slot_t;

typedef struct {
    const pt_opt_t **opts; /* the tables searched, NULL-terminated */
    const pt_opt_t **flat; /* every option of those tables, in order */
    pt_opt_slot_t *slots;  /* one per entry of flat */
    size_t n_flat;
    char **pos; /* positional arguments */
    size_t n_pos;
} pt_args_t;

/* Parses argv[0..argc) against the option tables in `tables` (a
 * NULL-terminated list, e.g. the command's own and the global ones). On an
 * unknown option or a missing value writes one line to stderr, naming `cmd`,
 * and returns -1; otherwise 0. Free with pt_args_free either way. */
int pt_args_parse(pt_args_t *a, const pt_opt_t *const *tables, int argc, char **argv,
                  const char *cmd);
void pt_args_free(pt_args_t *a);

/* Whether value is UTF-8 text; when it is not, writes one line to stderr
 * that names it as `what` ("the value of --title", "ACTION (argument 2)")
 * and says how to send UTF-8. pt_args_parse checks every option's value
 * so, but a file name's (a FILE or PATH metavar, @FILE), which is bytes to
 * the system. */
bool pt_args_check_text(const char *what, const char *value, const char *cmd);

/* Checks a's positional arguments with pt_args_check_text, each named
 * after the command's usage line `usage` ("ID ACTION"), but a FILE or
 * PATH. Returns 0, or -1 after the message. */
int pt_args_check_positional(const pt_args_t *a, const char *usage, const char *cmd);

bool pt_args_flag(const pt_args_t *a, const char *name);
const char *pt_args_value(const pt_args_t *a, const char *name);
const char **pt_args_list(const pt_args_t *a, const char *name, size_t *n);

/* Writes the option table as help lines: "  --title TEXT    help". */
void pt_args_help(const pt_opt_t *opts, FILE *out);

/* Writes help text (a command's description, the exit codes) to out within
 * the line (pt_line_width: a terminal's width, 100 columns for a pipe), as
 * cli.md's "The line" says. Lines are separated by \n; an empty one stays.
 * Consecutive lines that start with neither a blank nor hold a tab are a
 * paragraph: as written when every line fits, else joined and wrapped at
 * the width (pt_text_flow: Chinese by its display width, no word split).
 * A line that starts with a blank is an example, a command: as written
 * when it fits, else broken at its blanks, continued with " \\". A line
 * with a tab is an entry of a table: its lead up to the tab, then its
 * text, which lines of blanks, a tab and more text continue, at the column
 * their blanks give (else the lead's width): as written when it fits, else
 * flowing at that column. The tabs are never printed. */
void pt_help_text(const char *text, FILE *out);

/* Turns a command-line value into JSON by the rule every command shares:
 * text that is a complete JSON value (a number, true, false, null, "a quoted
 * string", an object or an array) is that value; anything else is a string.
 * Numbers must follow JSON's own grammar, so "0123" stays the string "0123".
 * Ownership: the caller frees. */
cJSON *pt_args_json_value(const char *text);

/* What a field holds, as far as the command line needs to know. */
typedef enum {
    PT_FIELD_ANY,  /* unknown, or not text: the value is JSON when it parses as JSON */
    PT_FIELD_TEXT, /* a string (title, number, doc_no, custom.*): the value is text */
} pt_field_type_t;

/* The type of the field at a (dotted) key, for pt_args_set_typed. */
typedef pt_field_type_t (*pt_field_type_fn)(const char *key, void *ud);

/* A command-line value for a field of the given type. A text field takes
 * the text as typed, so that 编号 1002 or a phone number 13800138000 stays a
 * string; only "null" (which clears a field in an edit) and a "quoted" JSON
 * string are read as JSON. Any other field follows pt_args_json_value.
 * Ownership: the caller frees. */
cJSON *pt_args_value_as(const char *text, pt_field_type_t type);

/* Applies "key=value" to obj: the key may be a dotted path ("custom.联系人")
 * whose parts become nested objects, as a JSON merge patch expects. Returns
 * 0, or -1 after writing one line to stderr when there is no '=' or a part
 * of the key is empty. The value is JSON when it parses as JSON
 * (pt_args_json_value). */
int pt_args_set(cJSON *obj, const char *kv, const char *cmd);

/* Like pt_args_set, with the value read as type_of(key, ud) says
 * (pt_args_value_as); type_of NULL means PT_FIELD_ANY for every key. */
int pt_args_set_typed(cJSON *obj, const char *kv, const char *cmd, pt_field_type_fn type_of,
                      void *ud);

/* Reads the whole text file at path ("-": stdin) for a field or an input
 * file: a UTF-8 byte order mark at its start is dropped, and text that is
 * not UTF-8 is refused with a message that names the file and says how to
 * convert it. Returns the text (NUL-terminated, *len bytes), or NULL after
 * one line on stderr. Ownership: the caller frees. */
char *pt_args_read_text(const char *path, const char *cmd, size_t *len);

/* The text of a field read from the file at path (--set-file KEY=FILE,
 * --background @FILE): as pt_args_read_text reads it, with one final line
 * break (an editor's: \n, \r\n or \r) dropped and any other kept, so that one
 * file gives one text whichever option reads it. NULL after a message.
 * Ownership: the caller frees. */
char *pt_args_read_field_text(const char *path, const char *cmd);

/* Like pt_args_set, but "key=FILE" sets key to the text of FILE (a string,
 * never parsed as JSON; one final line break dropped; "-" is stdin), for
 * long texts such as a reply. Returns 0 or -1 after a message. */
int pt_args_set_file(cJSON *obj, const char *kv, const char *cmd);

/* Parses a positive integer (an id, a version, a limit). Returns 0 or -1. */
int pt_args_int(const char *s, long long *out);

#endif

/*
 * test_cli_args.c - the help lines an option table gives (cli/args.c,
 * pt_args_help): each option's help starts at one column for the table and
 * wraps under itself there, and an option whose help is empty (or NULL),
 * or begins with a line break, is its name alone on its line, with nothing
 * read past the help's end; a label in brackets (办理中) is never broken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

/* The help of opts as pt_args_help writes it. Ownership: the caller frees. */
static char *help_of(const pt_opt_t *opts)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    pt_args_help(opts, f);
    assert_int_equal(fclose(f), 0);
    return text;
}

static void each_help_starts_at_the_tables_column(void **state)
{
    (void)state;
    static const pt_opt_t opts[] = {
        {"title", PT_OPT_VALUE, "TEXT", "the proposal's title"},
        {"tag", PT_OPT_LIST, "TAG", "a tag"},
        {"draft", PT_OPT_FLAG, NULL, "keep it a draft"},
        {NULL, 0, NULL, NULL},
    };
    char *text = help_of(opts);
    assert_string_equal(text, "  --title TEXT    the proposal's title\n"
                              "  --tag TAG       a tag (repeatable)\n"
                              "  --draft         keep it a draft\n");
    free(text);
}

static void an_empty_help_is_the_option_alone(void **state)
{
    (void)state;
    static const pt_opt_t opts[] = {
        {"title", PT_OPT_VALUE, "TEXT", "the proposal's title"},
        {"quiet", PT_OPT_FLAG, NULL, ""},
        {"verbose", PT_OPT_FLAG, NULL, NULL},
        {"unit", PT_OPT_VALUE, "UNIT", "\nthe handling unit"},
        {"draft", PT_OPT_FLAG, NULL, "keep it a draft"},
        {NULL, 0, NULL, NULL},
    };
    char *text = help_of(opts);
    assert_string_equal(text, "  --title TEXT    the proposal's title\n"
                              "  --quiet\n"
                              "  --verbose\n"
                              "  --unit UNIT\n"
                              "                  the handling unit\n"
                              "  --draft         keep it a draft\n");
    free(text);
}

static void a_label_in_brackets_is_not_broken(void **state)
{
    (void)state;
    static const pt_opt_t opts[] = {
        {"status", PT_OPT_VALUE, "STATE",
         "only this state, a code (handling) or its label (办理中), or several (办理中，重新办理)"},
        {NULL, 0, NULL, NULL},
    };
    char *text = help_of(opts);
    assert_string_equal(text, "  --status STATE    only this state, a code (handling) or its label "
                              "(办理中), or several (办理中，\n"
                              "                    重新办理)\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_help_starts_at_the_tables_column),
        cmocka_unit_test(an_empty_help_is_the_option_alone),
        cmocka_unit_test(a_label_in_brackets_is_not_broken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

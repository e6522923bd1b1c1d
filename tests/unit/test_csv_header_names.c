/*
 * test_csv_header_names.c - the CSV importer reads a column by its header:
 * the English key, the Chinese header of the export or a common variant,
 * and a header that joins names of one field, as a sheet shared by the
 * people's congress and the CPPCC writes it (领衔代表/第一提案人, 标题（案
 * 由）, 领衔代表 and （第一提案人） on two lines of the cell). A header that
 * joins names of two fields, or a name and a word of no field, names no
 * column, and its cells are kept in custom.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "csv-columns.h"

/* The key of the column the header names, or "-" for none. */
static const char *column(const char *header)
{
    const csv_column_t *c = csv_column_by_header(header, strlen(header));
    return c ? c->key : "-";
}

static void one_name_names_its_column(void **state)
{
    (void)state;
    assert_string_equal(column("领衔代表"), "lead_author");
    assert_string_equal(column("第一提案人"), "lead_author");
    assert_string_equal(column("lead_author"), "lead_author");
    assert_string_equal(column(" 案由　"), "title");
    assert_string_equal(column("联系电话"), "-");
}

static void names_of_one_field_joined_name_it(void **state)
{
    (void)state;
    assert_string_equal(column("领衔代表/第一提案人"), "lead_author");
    assert_string_equal(column("领衔代表 / 第一提案人"), "lead_author");
    assert_string_equal(column("领衔代表／第一提案人"), "lead_author");
    assert_string_equal(column("领衔代表、第一提案人"), "lead_author");
    assert_string_equal(column("领衔代表\n（第一提案人）"), "lead_author");
    assert_string_equal(column("标题（案由）"), "title");
    assert_string_equal(column("案由(标题)"), "title");
    assert_string_equal(column("编号/number"), "number");
    assert_string_equal(column("联名代表/附议人"), "co_signers");
    assert_string_equal(column("建议编号/提案编号"), "number");
}

static void names_of_two_fields_or_other_words_name_none(void **state)
{
    (void)state;
    assert_string_equal(column("主办单位/协办单位"), "-");
    assert_string_equal(column("领衔代表（签名）"), "-");
    assert_string_equal(column("领衔代表/联系电话"), "-");
    assert_string_equal(column("编号/"), "-");
    assert_string_equal(column("（标题）"), "-");
    assert_string_equal(column("/"), "-");
    assert_string_equal(column(""), "-");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_name_names_its_column),
        cmocka_unit_test(names_of_one_field_joined_name_it),
        cmocka_unit_test(names_of_two_fields_or_other_words_name_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

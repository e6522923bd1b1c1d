/*
 * test_csv_split_recommendations.c - a cell of recommendations (建议) is
 * split on its numbering as offices write it: the forms the csv importer
 * read before (一、 （一） 1. 一是), and the numbers of one character
 * (① ②, ⑴ ⑵, ⒈ ⒉), 第一， and 一. or 一． typed for 一、, which it left
 * whole: "①加大投入；②完善机制。" was one ask holding both. A figure
 * (一.5, 1.5亿), a lone marker and a footnote mark after a word are no
 * numbering, nor is 2、 before a digit at the start of a line that goes on
 * an open sentence (2、3号线, which made an ask of its own); one that
 * begins an ask (1、2025年底前…；2、3年内…) is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "csv-items.h"

static const char *asks(const char *cell)
{
    static items_t it;
    return split_items(&it, csv_split_recommendations, cell);
}

static void the_forms_read_before_still_split(void **state)
{
    (void)state;
    assert_string_equal(asks("一是加大投入；二是完善机制。"), "加大投入 | 完善机制");
    assert_string_equal(asks("（一）加大投入；（二）完善机制。"), "加大投入 | 完善机制");
    assert_string_equal(asks("一、加大投入。\n二、完善机制。"), "加大投入。 | 完善机制。");
    assert_string_equal(asks("1.加大投入；\n2.完善机制。"), "加大投入 | 完善机制");
}

static void numbers_of_one_character_split(void **state)
{
    (void)state;
    assert_string_equal(asks("①加大投入；②完善机制；③强化考核。"),
                        "加大投入 | 完善机制 | 强化考核");
    assert_string_equal(asks("⑴加大投入；⑵完善机制。"), "加大投入 | 完善机制");
    assert_string_equal(asks("⒈加大投入。\n⒉完善机制。"), "加大投入。 | 完善机制。");
    assert_string_equal(asks("建议：①加大投入；②完善机制。"), "加大投入 | 完善机制");
}

static void di_and_a_numeral_with_a_full_stop_split(void **state)
{
    (void)state;
    assert_string_equal(asks("第一，加大投入；第二，完善机制。"), "加大投入 | 完善机制");
    assert_string_equal(asks("一.加大投入；二.完善机制。"), "加大投入 | 完善机制");
    assert_string_equal(asks("一．加大投入。\n二．完善机制。"), "加大投入。 | 完善机制。");
}

static void figures_lone_markers_and_footnotes_are_no_numbering(void **state)
{
    (void)state;
    assert_string_equal(asks("第一次会议提出加大投入。"), "第一次会议提出加大投入。");
    assert_string_equal(asks("①加大投入。"), "①加大投入。");
    assert_string_equal(asks("加大投入①，完善机制②。"), "加大投入①，完善机制②。");
    assert_string_equal(asks("一.5倍的投入；二.完善机制。"), "一.5倍的投入；二.完善机制。");
}

/* A line of the cell that begins with a list of numbers (2、3号线) goes on
 * the ask before it: 2、 is no marker before a digit, as 1. is none in
 * 1.5亿. */
static void a_list_of_numbers_at_a_lines_start_is_no_marker(void **state)
{
    (void)state;
    assert_string_equal(asks("1、加快推进地铁\n2、3号线延伸段建设；\n2、完善换乘枢纽。"),
                        "加快推进地铁\n2、3号线延伸段建设 | 完善换乘枢纽");
    assert_string_equal(asks("1、加快推进地铁；\n2、完善换乘枢纽。"),
                        "加快推进地铁 | 完善换乘枢纽");
}

/* An ask that begins with a figure (2、3年内建成…, 1、2025年底前…) is
 * numbered as any other: after the start of the cell, a clause that ended
 * or a line that ended its sentence, 2、 before a digit is its number. */
static void an_ask_that_begins_with_a_figure_keeps_its_number(void **state)
{
    (void)state;
    assert_string_equal(asks("1、2025年底前完成可研；2、2026年开工建设。"),
                        "2025年底前完成可研 | 2026年开工建设");
    assert_string_equal(asks("1、加大投入；\n2、3年内建成网络。"), "加大投入 | 3年内建成网络");
    assert_string_equal(asks("1、2025年底前完成可研。\r\n2、3年内建成网络。"),
                        "2025年底前完成可研。 | 3年内建成网络。");
    assert_string_equal(asks("1、加快推进地铁\r\n2、3号线延伸段建设；\r\n2、完善换乘枢纽。"),
                        "加快推进地铁\r\n2、3号线延伸段建设 | 完善换乘枢纽");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_forms_read_before_still_split),
        cmocka_unit_test(numbers_of_one_character_split),
        cmocka_unit_test(di_and_a_numeral_with_a_full_stop_split),
        cmocka_unit_test(figures_lone_markers_and_footnotes_are_no_numbering),
        cmocka_unit_test(a_list_of_numbers_at_a_lines_start_is_no_marker),
        cmocka_unit_test(an_ask_that_begins_with_a_figure_keeps_its_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

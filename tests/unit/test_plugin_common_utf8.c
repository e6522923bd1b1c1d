/*
 * test_plugin_common_utf8.c - a character beyond the BMP written as two
 * UTF-8-encoded surrogates (CESU-8) is rewritten in place as its UTF-8
 * (plugins/common/utf8.c), where the pair is a high surrogate and then a
 * low one; a surrogate without its pair, a pair the wrong way round and a
 * pair cut by the end stay as they are, and so does text without any.
 * And the width a spreadsheet's column is made for (pt_utf8_width): two
 * for an ideograph, a full-width form and an office's 造字 (a private use
 * character, which its font draws as an ideograph), one for the rest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

/* s joined, as a string of its new length. */
static const char *joined(const char *s)
{
    static char buf[128];
    size_t n = strlen(s);
    memcpy(buf, s, n + 1);
    size_t m = pt_utf8_join_surrogates(buf, n);
    assert_true(m <= n);
    assert_int_equal(buf[m], '\0');
    return buf;
}

static void a_cesu8_pair_becomes_its_character(void **state)
{
    (void)state;
    assert_string_equal(joined("\xED\xA1\x82\xED\xBE\xB7"), "\U00020BB7");
    assert_string_equal(joined("王\xED\xA1\x82\xED\xBE\xB7明、\xED\xA0\x80\xED\xB0\x80"),
                        "王\U00020BB7明、\U00010000");
    assert_string_equal(joined("\xED\xAF\xBF\xED\xBF\xBF"), "\U0010FFFF");
    assert_true(pt_utf8_ok(joined("a\xED\xA1\x82\xED\xBE\xB7z"), strlen("a\U00020BB7z")));
}

static void what_is_no_pair_stays(void **state)
{
    (void)state;
    assert_string_equal(joined("王芳 \U00020BB7"), "王芳 \U00020BB7");
    assert_string_equal(joined("\xED\x9F\xBF"), "\xED\x9F\xBF"); /* U+D7FF, no surrogate */
    assert_string_equal(joined("王\xED\xA1\x82明"), "王\xED\xA1\x82明");
    assert_string_equal(joined("\xED\xBE\xB7\xED\xA1\x82"), "\xED\xBE\xB7\xED\xA1\x82");
    assert_string_equal(joined("\xED\xA1\x82\xED\xBE"), "\xED\xA1\x82\xED\xBE");
    assert_string_equal(joined("\xED\xA1\x82\xED\xA1\x82"), "\xED\xA1\x82\xED\xA1\x82");
    assert_true(pt_utf8_has_surrogate("王\xED\xA1\x82明", strlen("王\xED\xA1\x82明")));
    assert_false(pt_utf8_has_surrogate("\xED\x9F\xBF", 3));
    assert_false(pt_utf8_has_surrogate("\U00020BB7", 4));
}

static void a_zaozi_is_as_wide_as_an_ideograph(void **state)
{
    (void)state;
    assert_int_equal(pt_utf8_width("王芳"), 4);
    assert_int_equal(pt_utf8_width("Wi-Fi 6"), 7);
    assert_int_equal(pt_utf8_width("（一）"), 6);
    assert_int_equal(pt_utf8_width("王\U00020BB7明"), 6);
    /* 造字: the Private Use Area (GBK's AAA1 is U+E000) and planes 15, 16. */
    assert_int_equal(pt_utf8_width("李\uE000"), 4);
    assert_int_equal(pt_utf8_width("\uF8FF"), 2);
    assert_int_equal(pt_utf8_width("\U000F0000\U0010FFFD"), 4);
    /* The noncharacters that end a plane are no 造字. */
    assert_int_equal(pt_utf8_width("\U000FFFFF"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_cesu8_pair_becomes_its_character),
        cmocka_unit_test(what_is_no_pair_stays),
        cmocka_unit_test(a_zaozi_is_as_wide_as_an_ideograph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

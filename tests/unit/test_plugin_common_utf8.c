/*
 * test_plugin_common_utf8.c - a character beyond the BMP written as two
 * UTF-8-encoded surrogates (CESU-8) is rewritten in place as its UTF-8
 * (plugins/common/utf8.c), where the pair is a high surrogate and then a
 * low one; a surrogate without its pair, a pair the wrong way round and a
 * pair cut by the end stay as they are, and so does text without any.
 * And the width a spreadsheet's column is made for (pt_utf8_width): two
 * for an ideograph, a full-width form and an office's 造字 (a private use
 * character, which its font draws as an ideograph), one for the rest.
 * And the judgement of a file's first bytes (pt_utf8_judged): an overlong
 * form and a code beyond U+10FFFF, which the importers refuse, are no
 * UTF-8 character there either, so that GBK text whose bytes happen to
 * make such forms is read as GBK; a surrogate is one, so that half of a
 * CESU-8 pair is refused by name. And a message cut to its buffer
 * (pt_utf8_format) ends after a whole character, with … when there is
 * room for it. And what is blank (pt_utf8_blank): spaces of any kind and
 * the characters that show nothing alone (zero-width ones, variation
 * selectors, bidirectional marks, the Hangul fillers, ...), never text
 * with a character that shows beside them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* GBK text, as a whole file: s. */
static int judged(const char *s)
{
    return pt_utf8_judged((const unsigned char *)s, strlen(s), 1);
}

static void overlong_forms_are_no_utf8(void **state)
{
    (void)state;
    /* GBK text whose bytes make forms that are no UTF-8 character: 一簪。
     * is D2 BB, a character, then F4 A2 A1 A3, beyond U+10FFFF. */
    assert_false(judged("\xD2\xBB\xF4\xA2\xA1\xA3"));
    assert_false(judged("\xE0\x9F\xBF\xE0\x80\x80"));
    assert_false(judged("\xF0\x8F\xBF\xBF"));
    /* UTF-8 at the edges of those ranges, a CESU-8 pair, and half of one,
     * which the importers name. */
    assert_true(judged("\xE0\xA0\x80\xED\x9F\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"));
    assert_true(judged("王\xED\xA1\x82\xED\xBE\xB7明"));
    assert_true(judged("王\xED\xA1\x82明"));
    /* A character cut by the end of a sample that is not the whole file
     * counts as neither; at the end of the file it is a stray byte. */
    assert_true(pt_utf8_judged((const unsigned char *)"王\xE0\xA0", 5, 0));
    assert_false(pt_utf8_judged((const unsigned char *)"王\xE0\xA0", 5, 1));
    assert_false(pt_utf8_judged((const unsigned char *)"王\xE0\x9F", 5, 0));
    assert_false(pt_utf8_judged((const unsigned char *)"王\xF4\x90", 5, 0));
}

/* pt_utf8_format into a buffer of size bytes, checked to be UTF-8 of
 * the length it says. */
static const char *formatted(size_t size, const char *text)
{
    static char buf[64];
    assert_true(size <= sizeof(buf));
    size_t n = pt_utf8_format(buf, size, "%s", text);
    assert_int_equal(n, strlen(buf));
    assert_true(n < size);
    assert_true(pt_utf8_ok(buf, n));
    return buf;
}

static void a_message_is_cut_between_characters(void **state)
{
    (void)state;
    /* What fits is written whole. */
    assert_string_equal(formatted(19, "关于加强农村"), "关于加强农村");
    assert_string_equal(formatted(8, "abcdefg"), "abcdefg");
    /* What does not is cut after a whole character, with … after it. */
    assert_string_equal(formatted(18, "关于加强农村"), "关于加强…");
    assert_string_equal(formatted(11, "关于加强农村"), "关于…");
    assert_string_equal(formatted(10, "关于加强农村"), "关于…");
    assert_string_equal(formatted(9, "关于加强农村"), "关…");
    assert_string_equal(formatted(8, "abcdefgh"), "abcd…");
    assert_string_equal(formatted(8, "\U00020BB7\U00020BB7"), "\U00020BB7…");
    assert_string_equal(formatted(7, "\U00020BB7\U00020BB7"), "…");
    /* No room for …: the whole characters that fit. */
    assert_string_equal(formatted(4, "关于"), "…");
    assert_string_equal(formatted(3, "a关于"), "a");
    assert_string_equal(formatted(1, "关于"), "");
    char buf[8];
    assert_int_equal(pt_utf8_format(buf, sizeof(buf), "第%d行：%s", 3, "标题"), 7);
    assert_string_equal(buf, "第3…");
}

/* pt_utf8_prefix moves a cut back to the start of the character it would
 * split, and only then: stray continuation bytes (a webhook's answer of
 * raw bytes) keep the cut where it is, where they were cut to nothing. */
static void a_prefix_ends_between_characters_and_keeps_stray_bytes(void **state)
{
    (void)state;
    assert_int_equal(pt_utf8_prefix("全国", 0), 0);
    assert_int_equal(pt_utf8_prefix("全国", 2), 0);
    assert_int_equal(pt_utf8_prefix("全国", 3), 3);
    assert_int_equal(pt_utf8_prefix("全国", 5), 3);
    assert_int_equal(pt_utf8_prefix("全国", 6), 6);
    assert_int_equal(pt_utf8_prefix("全国", 100), 6);
    assert_int_equal(pt_utf8_prefix("a😀", 4), 1);
    /* Continuation bytes that nothing starts, alone or after a whole
     * character: none is half a character, the cut stays. */
    const char stray[] = "\x80\x81\x82\x83\x84\x85\x86\x87";
    for (size_t max = 0; max < sizeof(stray) - 1; max++)
        assert_int_equal(pt_utf8_prefix(stray, max), max);
    assert_int_equal(pt_utf8_prefix("\xc3\xa9\x80\x80", 3), 3);
    assert_int_equal(pt_utf8_prefix("ab\xa9\xa9", 3), 3);
    /* A first byte whose sequence would reach the cut, after strays. */
    assert_int_equal(pt_utf8_prefix("\x80\x80\xe5\x85\xa8", 4), 2);
}

/* cp as UTF-8 at buf (at least 5 bytes), NUL-terminated. */
static const char *encoded(uint32_t cp, char *buf)
{
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    for (size_t i = n - 1; i > 0; i--, cp >>= 6)
        buf[i] = (char)(0x80 | (cp & 0x3F));
    buf[0] = (char)(lead[n] | cp);
    buf[n] = '\0';
    return buf;
}

/* Text of the characters that show nothing alone (a variation selector
 * left from an emoji, an LRM or an RLO of a web page, the Hangul filler
 * an input method puts in an "empty" name, an invisible operator of a
 * formula), with or without spaces, is blank, as text of spaces is; the
 * same characters beside one that shows are text. */
static void text_of_what_shows_nothing_is_blank(void **state)
{
    (void)state;
    static const uint32_t unseen[] = {
        0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x180B, 0x180E,  0x180F,  0x200B, 0x200D,
        0x200E, 0x200F, 0x202A, 0x202C, 0x202E, 0x2060, 0x2061,  0x2064,  0x2066, 0x2069,
        0x3164, 0xFE00, 0xFE0E, 0xFE0F, 0xFEFF, 0xFFA0, 0xE0100, 0xE01EF,
    };
    char c[5], text[64];
    for (size_t i = 0; i < sizeof(unseen) / sizeof(unseen[0]); i++) {
        encoded(unseen[i], c);
        assert_true(pt_utf8_blank(c, strlen(c)));
        snprintf(text, sizeof(text), " %s\xe3\x80\x80%s\xe2\x80\x83", c, c); /* U+3000, U+2003 */
        assert_true(pt_utf8_blank(text, strlen(text)));
        snprintf(text, sizeof(text), "%s\xe5\xbb\xba\xe8\xae\xae", c); /* 建议 */
        assert_false(pt_utf8_blank(text, strlen(text)));
        snprintf(text, sizeof(text), "\xe5\xbb\xba%s", c);
        assert_false(pt_utf8_blank(text, strlen(text)));
    }
    /* Those a copy brings along together: an RLM, an isolate and its
     * end, a VS16, the Hangul filler and a word joiner. */
    static const char mixed[] = "\xe2\x80\x8f\xe2\x81\xa7\xe2\x81\xa9\xef\xb8\x8f"
                                "\xe3\x85\xa4\xe2\x81\xa0";
    assert_true(pt_utf8_blank(mixed, sizeof(mixed) - 1));
    /* What shows something is no blank: a combining acute (U+0301)
     * alone, 。, and the neighbours of the Hangul filler and of the
     * variation selectors. */
    assert_false(pt_utf8_blank("\xcc\x81", 2));
    assert_false(pt_utf8_blank("\xe3\x80\x82", 3));
    assert_false(pt_utf8_blank("\xe3\x85\xa5", 3)); /* U+3165 ㅥ */
    assert_false(pt_utf8_blank("\xef\xb8\x90", 3)); /* U+FE10 ︐ */
    assert_true(pt_utf8_blank("", 0));
    assert_false(pt_utf8_blank("\xe2\x80", 2)); /* a cut character */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_cesu8_pair_becomes_its_character),
        cmocka_unit_test(what_is_no_pair_stays),
        cmocka_unit_test(a_zaozi_is_as_wide_as_an_ideograph),
        cmocka_unit_test(overlong_forms_are_no_utf8),
        cmocka_unit_test(a_message_is_cut_between_characters),
        cmocka_unit_test(a_prefix_ends_between_characters_and_keeps_stray_bytes),
        cmocka_unit_test(text_of_what_shows_nothing_is_blank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

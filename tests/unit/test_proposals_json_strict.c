/*
 * test_proposals_json_strict.c - the RFC 8259 validator in front of cJSON:
 * what cJSON would let through is refused, with the byte offset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json-strict.h"

/* Parses text (of explicit length, so that NUL bytes can be tested) and
 * expects a refusal whose message holds `want`. */
static void refused(const char *text, size_t len, const char *want)
{
    pt_error_t err = {0};
    cJSON *j = pt_json_parse(text, len, &err);

    if (j != NULL) {
        cJSON_Delete(j);
        fail_msg("accepted: %.*s", (int)len, text);
    }
    assert_int_equal(err.code, PT_EINVALID_JSON);
    if (strstr(err.message, want) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.message, want);
    pt_error_clear(&err);
}

#define REFUSED(lit, want) refused(lit, sizeof(lit) - 1, want)

static void accepted(const char *text)
{
    pt_error_t err = {0};
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    if (j == NULL)
        fail_msg("refused %s: %s", text, err.message);
    cJSON_Delete(j);
}

static void valid_documents_parse(void **state)
{
    (void)state;
    accepted(
        "{\"title\": \"关于加强基层医疗的建议\", \"n\": -0.5e+10, \"a\": [true, false, null]}");
    accepted("  [1, 0, -0, 0.25, 1E3, \"\\u4e2d\\u6587\", \"\\ud83d\\ude00\", "
             "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]\r\n");
    accepted("\"just a string\"");
    accepted("0");
    accepted("{}");
    accepted("[[]]");
    accepted("\"😀 emoji and 𠀀 (U+20000)\"");
}

static void the_parsed_value_is_what_the_text_says(void **state)
{
    pt_error_t err = {0};
    const char *text = "{\"标题\": \"测试\\u3000\", \"n\": 42}";
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    (void)state;
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "标题")->valuestring, "测试\xE3\x80\x80");
    assert_int_equal(cJSON_GetObjectItem(j, "n")->valueint, 42);
    cJSON_Delete(j);
}

static void empty_input_is_an_error(void **state)
{
    (void)state;
    REFUSED("", "empty document");
    REFUSED("   \n\t", "empty document");
    refused(NULL, 0, "empty document");
}

static void leading_zeros_are_refused_with_the_offset(void **state)
{
    (void)state;
    REFUSED("{\"a\": 1, \"b\": 017}", "invalid JSON at byte 14: leading zero in number");
    REFUSED("-01", "leading zero");
    REFUSED("[00]", "leading zero");
}

static void malformed_numbers_are_refused(void **state)
{
    (void)state;
    REFUSED("1.", "decimal point");
    REFUSED(".5", "unexpected character '.'");
    REFUSED("-", "digit");
    REFUSED("1e", "exponent");
    REFUSED("+1", "unexpected character '+'");
    REFUSED("0x10", "unexpected data after");
    REFUSED("NaN", "unexpected character 'N'");
    REFUSED("Infinity", "unexpected");
}

/* A number a double cannot hold was read as infinity and stored as null;
 * one too small to hold is 0, and the largest double is taken. */
static void numbers_out_of_range_are_refused(void **state)
{
    (void)state;
    REFUSED("{\"custom\": {\"n\": 1e999}}", "invalid JSON at byte 17: number too large");
    REFUSED("[-2E+400]", "number too large");
    REFUSED("[1.0e309]", "number too large");
    char digits[400] = "[";
    memset(digits + 1, '9', 320);
    strcpy(digits + 321, "]");
    refused(digits, strlen(digits), "number too large");
    accepted("[1.7976931348623157e308, -1.7976931348623157e308, 1e-999, 0e999999]");
    memset(digits + 1, '9', 300);
    strcpy(digits + 301, "]");
    accepted(digits);
}

static void raw_control_characters_in_strings_are_refused(void **state)
{
    (void)state;
    REFUSED("[\"a\nb\"]", "invalid JSON at line 1, column 4 (byte 3): raw control character 0x0A");
    REFUSED("\"tab\there\"", "raw control character 0x09");
    REFUSED("\"nul\0here\"", "raw control character 0x00");
}

static void bad_escapes_are_refused(void **state)
{
    (void)state;
    REFUSED("\"\\x41\"", "invalid escape \\x");
    REFUSED("\"\\u12\"", "four hex digits");
    REFUSED("\"\\u12G4\"", "four hex digits");
    REFUSED("\"\\'\"", "invalid escape");
}

static void lone_and_misordered_surrogates_are_refused(void **state)
{
    (void)state;
    REFUSED("\"\\ud83d\"", "invalid JSON at byte 1: high surrogate \\uD83D not followed");
    REFUSED("\"\\ud83dx\"", "not followed by a low surrogate");
    REFUSED("\"\\ud83d\\u0041\"", "not followed by a low surrogate");
    REFUSED("\"\\ude00\\ud83d\"", "lone low surrogate \\uDE00");
}

static void escaped_nul_is_refused(void **state)
{
    (void)state;
    REFUSED("{\"title\": \"a\\u0000b\"}", "\\u0000 (NUL) is not allowed");
}

static void invalid_utf8_bytes_are_refused(void **state)
{
    (void)state;
    REFUSED("\"\xff\"", "invalid JSON at byte 1: invalid UTF-8 byte (0xFF)");
    REFUSED("\"\x80\"", "invalid UTF-8 byte");
    REFUSED("\"\xe4\xb8\"", "truncated UTF-8 sequence");
    REFUSED("\"\xe4\x41\x41\"", "truncated UTF-8 sequence");
    REFUSED("\"\xf5\x80\x80\x80\"", "invalid UTF-8 byte");
    REFUSED("\"\xf4\x90\x80\x80\"", "beyond U+10FFFF");
    /* A raw non-ASCII byte outside a string is not a token either. */
    REFUSED("[\xe4\xb8\xad]", "unexpected byte 0xE4");
}

static void overlong_utf8_and_encoded_surrogates_are_refused(void **state)
{
    (void)state;
    REFUSED("\"\xc0\xaf\"", "overlong UTF-8 sequence"); /* '/' in two bytes */
    REFUSED("\"\xc1\xbf\"", "overlong UTF-8 sequence");
    REFUSED("\"\xe0\x80\xaf\"", "overlong UTF-8 sequence");     /* '/' in three */
    REFUSED("\"\xf0\x80\x80\xaf\"", "overlong UTF-8 sequence"); /* '/' in four */
    REFUSED("\"\xed\xa0\x80\"", "UTF-8 encoded surrogate");     /* U+D800 */
}

static void trailing_garbage_is_refused(void **state)
{
    (void)state;
    REFUSED("{} x", "invalid JSON at byte 3: unexpected data after the JSON value");
    /* A text of several lines (a file a person edits) names the line and
     * the column, in characters. */
    REFUSED("{\n  \"标题\": 1,\n}", "invalid JSON at line 3, column 1 (byte 17): trailing comma");
    REFUSED("[1] [2]", "unexpected data after");
    REFUSED("{}\0", "unexpected data after");
    accepted("{} \n");
}

static void structural_errors_name_what_was_expected(void **state)
{
    (void)state;
    REFUSED("{\"a\" 1}", "expected ':'");
    REFUSED("{a: 1}", "member name");
    REFUSED("[1, 2,]", "trailing comma in array");
    REFUSED("{\"a\": 1,}", "trailing comma in object");
    REFUSED("[1 2]", "expected ',' or ']'");
    REFUSED("{\"a\": 1", "unexpected end of input");
    REFUSED("\"open", "unterminated string");
    REFUSED("tru", "unexpected");
    REFUSED("\xef\xbb\xbf{}", "byte order mark");
}

static void duplicate_member_names_are_refused(void **state)
{
    (void)state;
    REFUSED("{\"title\": \"a\", \"kind\": \"motion\", \"title\": \"b\"}",
            "member \"title\" appears twice");
    /* The same name spelt with an escape is the same name. */
    REFUSED("{\"a\": 1, \"\\u0061\": 2}", "member \"a\" appears twice");
    REFUSED("[{\"x\": {\"y\": 1, \"y\": 2}}]", "member \"y\" appears twice in the object at [0].x");
    REFUSED("{\"limits\": {\"body\": 1, \"body\": 2}}",
            "member \"body\" appears twice in the object at limits");
    accepted("[{\"a\": 1}, {\"a\": 2}]");
    /* Where the second one is: its byte, and in a text of lines (a
     * configuration file) its line and column, past objects and arrays
     * before it, members of the same name in other objects, names with
     * escapes and strings that look like names. */
    REFUSED("{\"a\": 1, \"b\": 2, \"a\": 3}", "invalid JSON at byte 17: member \"a\"");
    REFUSED("{\"x\": [{\"a\": \"\\\"a\\\":\"}, {\"a\": 1}], \"y\": {\"a\": 1, \"b\": {}, "
            "\"\\u0061\": 2}}",
            "invalid JSON at byte 58: member \"a\" appears twice in the object at y");
    REFUSED("{\n  \"标题\": \"甲\",\n  \"limits\": {\"body\": 1},\n  \"标题\": \"乙\"\n}",
            "invalid JSON at line 4, column 3 (byte 48): member \"标题\" appears twice");
}

/* A name too long for the message is cut in its middle with …, on a
 * character's boundary, and the message still says where and what: the
 * name, its closing quote and that it appears twice. */
static void a_long_duplicate_name_is_cut_in_the_message(void **state)
{
    (void)state;
    char name[300 * 3 + 1], text[2 * sizeof name + 64], want[128];
    size_t k = 0;
    for (int i = 0; i < 300; i++, k += 3)
        memcpy(name + k, i % 2 ? "标" : "题", 3);
    name[k] = '\0';
    int n = snprintf(text, sizeof text, "{\"%s\": 1,\n \"%s\": 2}", name, name);
    snprintf(want, sizeof want, "invalid JSON at line 2, column 2 (byte %zu): member \"题标",
             k + 9);
    refused(text, (size_t)n, want);
    refused(text, (size_t)n, "…");
    refused(text, (size_t)n, "标\" appears twice in an object");
    n = snprintf(text, sizeof text, "{\"limits\": {\"%s\": 1, \"%s\": 2}}", name, name);
    refused(text, (size_t)n, "标\" appears twice in the object at limits");
}

static void nesting_is_limited(void **state)
{
    char buf[2 * (PT_JSON_MAX_DEPTH + 1) + 1];
    size_t n;

    (void)state;
    n = 0;
    for (int i = 0; i < PT_JSON_MAX_DEPTH; i++)
        buf[n++] = '[';
    for (int i = 0; i < PT_JSON_MAX_DEPTH; i++)
        buf[n++] = ']';
    buf[n] = '\0';
    accepted(buf);

    n = 0;
    for (int i = 0; i <= PT_JSON_MAX_DEPTH; i++)
        buf[n++] = '[';
    for (int i = 0; i <= PT_JSON_MAX_DEPTH; i++)
        buf[n++] = ']';
    buf[n] = '\0';
    refused(buf, n, "invalid JSON at byte 64: nesting deeper than 64 levels");
}

static void utf8_helpers_validate_and_count_code_points(void **state)
{
    (void)state;
    assert_true(pt_utf8_valid("全国人大 ok", strlen("全国人大 ok")));
    assert_false(pt_utf8_valid("\xc0\x80", 2));
    assert_false(pt_utf8_valid("\xed\xbf\xbf", 3));
    assert_false(pt_utf8_valid("\xe4\xb8", 2));
    assert_true(pt_utf8_valid("", 0));
    assert_int_equal(pt_utf8_length("全国人大 ok"), 7);
    assert_int_equal(pt_utf8_length("😀"), 1);
    assert_int_equal(pt_utf8_length(""), 0);
}

/* pt_utf8_floor moves a cut back to the start of the character it would
 * split, and only then: stray continuation bytes (a notifier's reason of
 * raw bytes) keep the cut where it is, where they were cut to nothing. */
static void utf8_floor_cuts_between_characters_and_keeps_stray_bytes(void **state)
{
    (void)state;
    assert_int_equal(pt_utf8_floor("全国", 0), 0);
    assert_int_equal(pt_utf8_floor("全国", 1), 0);
    assert_int_equal(pt_utf8_floor("全国", 2), 0);
    assert_int_equal(pt_utf8_floor("全国", 3), 3);
    assert_int_equal(pt_utf8_floor("全国", 5), 3);
    assert_int_equal(pt_utf8_floor("a😀", 4), 1);
    assert_int_equal(pt_utf8_floor("a\xc3\xa9", 2), 1);
    /* Continuation bytes that nothing starts, alone or after a whole
     * character: none is half a character, the cut stays. */
    const char stray[] = "\x80\x81\x82\x83\x84\x85\x86\x87";
    for (size_t len = 0; len < sizeof(stray) - 1; len++)
        assert_int_equal(pt_utf8_floor(stray, len), len);
    assert_int_equal(pt_utf8_floor("\xc3\xa9\x80\x80", 2), 2);
    assert_int_equal(pt_utf8_floor("\xc3\xa9\x80\x80", 3), 3);
    assert_int_equal(pt_utf8_floor("ab\xa9\xa9", 3), 3);
    /* A first byte whose sequence would reach the cut, after strays. */
    assert_int_equal(pt_utf8_floor("\x80\x80\xe5\x85\xa8", 4), 2);
}

static void text_control_finds_what_text_may_not_hold(void **state)
{
    (void)state;
    size_t at = 0;
    assert_int_equal(pt_text_control("关于\t加强\n饮水\r\n\v\f安全", &at), 0);
    assert_int_equal(pt_text_control("", &at), 0);
    assert_int_equal(pt_text_control("关于\a响铃", &at), 7);
    assert_int_equal(at, 3);
    assert_int_equal(pt_text_control("\x1b[31m", &at), 0x1b);
    assert_int_equal(at, 1);
    assert_int_equal(pt_text_control("ab\x7f", &at), 0x7f);
    assert_int_equal(at, 3);
    /* C1: U+009B, the one-byte CSI, is C2 9B in UTF-8; U+00A0 is not one. */
    assert_int_equal(pt_text_control("全\xc2\x9b", &at), 0x9b);
    assert_int_equal(at, 2);
    assert_int_equal(pt_text_control("a\xc2\xa0"
                                     "b",
                                     NULL),
                     0);
    /* Noncharacters: U+FDD0..U+FDEF and the last two of every plane; the
     * characters beside them are not. */
    assert_int_equal(pt_text_control("标题\xef\xbf\xbe", &at), 0xFFFE);
    assert_int_equal(at, 3);
    assert_int_equal(pt_text_control("\xef\xbf\xbf", &at), 0xFFFF);
    assert_int_equal(pt_text_control("a\xef\xb7\x90", &at), 0xFDD0);
    assert_int_equal(at, 2);
    assert_int_equal(pt_text_control("\xef\xb7\xaf", NULL), 0xFDEF);
    assert_int_equal(pt_text_control("\xf0\x9f\xbf\xbe", NULL), 0x1FFFE);
    assert_int_equal(pt_text_control("\xf4\x8f\xbf\xbf", NULL), 0x10FFFF);
    assert_int_equal(pt_text_control("\xef\xb7\x8f\xef\xb7\xb0\xef\xbf\xbd\xef\xbc\xa1"
                                     "\xf0\xa0\x80\x80\xf0\x9f\x98\x80",
                                     NULL),
                     0); /* U+FDCF, U+FDF0, U+FFFD, U+FF21, U+20000, an emoji */
    char why[200];
    assert_null(pt_text_refusal("关于", why, sizeof(why)));
    assert_non_null(strstr(pt_text_refusal("关\xef\xbf\xbe", why, sizeof(why)),
                           "holds the noncharacter U+FFFE (character 2)"));
    assert_non_null(strstr(pt_text_refusal("\a", why, sizeof(why)),
                           "holds the control character U+0007 (character 1)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_documents_parse),
        cmocka_unit_test(the_parsed_value_is_what_the_text_says),
        cmocka_unit_test(empty_input_is_an_error),
        cmocka_unit_test(leading_zeros_are_refused_with_the_offset),
        cmocka_unit_test(malformed_numbers_are_refused),
        cmocka_unit_test(numbers_out_of_range_are_refused),
        cmocka_unit_test(raw_control_characters_in_strings_are_refused),
        cmocka_unit_test(bad_escapes_are_refused),
        cmocka_unit_test(lone_and_misordered_surrogates_are_refused),
        cmocka_unit_test(escaped_nul_is_refused),
        cmocka_unit_test(invalid_utf8_bytes_are_refused),
        cmocka_unit_test(overlong_utf8_and_encoded_surrogates_are_refused),
        cmocka_unit_test(trailing_garbage_is_refused),
        cmocka_unit_test(structural_errors_name_what_was_expected),
        cmocka_unit_test(duplicate_member_names_are_refused),
        cmocka_unit_test(a_long_duplicate_name_is_cut_in_the_message),
        cmocka_unit_test(nesting_is_limited),
        cmocka_unit_test(utf8_helpers_validate_and_count_code_points),
        cmocka_unit_test(utf8_floor_cuts_between_characters_and_keeps_stray_bytes),
        cmocka_unit_test(text_control_finds_what_text_may_not_hold),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

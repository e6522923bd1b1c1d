/*
 * test_config_values.c - the value syntaxes of the configuration: sizes,
 * roles and log levels.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "log.h"

static void sizes_take_bytes_and_binary_and_decimal_units(void **state)
{
    static const struct {
        const char *text;
        size_t bytes;
    } good[] = {
        {"0", 0},
        {"16384", 16384},
        {"512B", 512},
        {"1KiB", 1024},
        {"16KiB", 16 * 1024},
        {"1MiB", 1024 * 1024},
        {"3GiB", (size_t)3 << 30},
        {"1KB", 1000},
        {"2MB", 2000000},
        {"4GB", (size_t)4000000000u},
        {"007KiB", 7 * 1024},
        {"18446744073709551615", SIZE_MAX},
        {"17179869183GiB", (size_t)17179869183u << 30},
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        size_t got = 12345;
        if (pt_size_parse(good[i].text, &got) != 0)
            fail_msg("\"%s\" was refused", good[i].text);
        if (got != good[i].bytes)
            fail_msg("\"%s\" gave %zu, not %zu", good[i].text, got, good[i].bytes);
    }
}

static void sizes_refuse_signs_fractions_garbage_and_overflow(void **state)
{
    static const char *const bad[] = {
        "",
        "-1",
        "+1",
        "1.5MiB",
        "1 MiB",
        " 1",
        "1 ",
        "1mib",
        "1kb",
        "MiB",
        "1XB",
        "1KiBB",
        "1TiB",
        "0x10",
        "1e3",
        "1,024",
        "１２",
        "18446744073709551616",
        "17179869184GiB",
        "99999999999999999999999999B",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t got = 12345;
        if (pt_size_parse(bad[i], &got) == 0)
            fail_msg("\"%s\" was accepted as %zu", bad[i], got);
        assert_int_equal(got, 12345);
    }
    size_t got;
    assert_int_equal(pt_size_parse(NULL, &got), -1);
    /* Too big to hold is told from no size at all. */
    assert_int_equal(pt_size_parse("18446744073709551616", &got), -2);
    assert_int_equal(pt_size_parse("17179869184GiB", &got), -2);
    assert_int_equal(pt_size_parse("99999999999999999999999999B", &got), -2);
    assert_int_equal(pt_size_parse("99999999999999999999999999XB", &got), -1);
}

static void roles_parse_and_name_each_other(void **state)
{
    static const pt_role_t roles[] = {PT_ROLE_VIEWER, PT_ROLE_CLERK, PT_ROLE_ADMIN, PT_ROLE_UNIT,
                                      PT_ROLE_DELEGATE};
    static const char *const names[] = {"viewer", "clerk", "admin", "unit", "delegate"};
    for (size_t i = 0; i < 5; i++) {
        pt_role_t r = PT_ROLE_NONE;
        assert_string_equal(pt_role_name(roles[i]), names[i]);
        assert_int_equal(pt_role_parse(names[i], &r), 0);
        assert_int_equal(r, roles[i]);
    }
    assert_string_equal(pt_role_name(PT_ROLE_NONE), "none");
    assert_string_equal(pt_role_name((pt_role_t)42), "none");
    assert_string_equal(pt_role_name((pt_role_t)-1), "none");
}

static void roles_refuse_what_is_not_a_role(void **state)
{
    static const char *const bad[] = {"",     "root",      "Viewer", "ADMIN", "none",
                                      "Unit", "delegates", "clerk ", "管理员"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        pt_role_t r = PT_ROLE_CLERK;
        if (pt_role_parse(bad[i], &r) == 0)
            fail_msg("\"%s\" was accepted as a role", bad[i]);
        assert_int_equal(r, PT_ROLE_CLERK);
    }
    pt_role_t r;
    assert_int_equal(pt_role_parse(NULL, &r), -1);
}

static void log_levels_parse(void **state)
{
    static const struct {
        const char *text;
        pt_log_level_t level;
    } good[] = {{"debug", PT_LOG_DEBUG},
                {"info", PT_LOG_INFO},
                {"warn", PT_LOG_WARN},
                {"error", PT_LOG_ERROR}};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        pt_log_level_t l = (pt_log_level_t)-1;
        assert_int_equal(pt_log_level_parse(good[i].text, &l), 0);
        assert_int_equal(l, good[i].level);
    }
    static const char *const bad[] = {"", "INFO", "warning", "err", "trace", "info "};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        pt_log_level_t l = PT_LOG_WARN;
        if (pt_log_level_parse(bad[i], &l) == 0)
            fail_msg("\"%s\" was accepted as a log level", bad[i]);
        assert_int_equal(l, PT_LOG_WARN);
    }
    pt_log_level_t l;
    assert_int_equal(pt_log_level_parse(NULL, &l), -1);
}

static void config_sizes_and_roles_go_through_the_same_parsers(void **state)
{
    static const struct {
        const char *json;
        size_t body;
    } sizes[] = {
        {"{\"limits\": {\"body\": \"2MiB\"}}", 2 * 1024 * 1024},
        {"{\"limits\": {\"body\": \"2MB\"}}", 2000000},
        {"{\"limits\": {\"body\": \"100B\"}}", 100},
        {"{\"limits\": {\"body\": \"100\"}}", 100},
        {"{\"limits\": {\"body\": 100}}", 100},
    };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        pt_config_t c;
        pt_error_t err = {0};
        pt_config_init(&c);
        if (pt_config_load_json(&c, sizes[i].json, strlen(sizes[i].json), &err) != 0)
            fail_msg("%s: %s", sizes[i].json, err.message);
        assert_int_equal(c.limits.max_body, sizes[i].body);
        pt_config_free(&c);
    }

    const char *json = "{\"socket_users\": {\"1000\": {\"name\": \"王秘书\", \"role\": \"viewer\"},"
                       " \"1001\": {\"name\": \"李主任\", \"role\": \"admin\"}}}";
    pt_config_t c;
    pt_error_t err = {0};
    pt_config_init(&c);
    assert_int_equal(pt_config_load_json(&c, json, strlen(json), &err), 0);
    assert_int_equal(c.n_socket_users, 2);
    assert_int_equal(c.socket_users[0].uid, 1000);
    assert_int_equal(c.socket_users[0].role, PT_ROLE_VIEWER);
    assert_int_equal(c.socket_users[1].uid, 1001);
    assert_string_equal(c.socket_users[1].name, "李主任");
    assert_int_equal(c.socket_users[1].role, PT_ROLE_ADMIN);
    pt_config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sizes_take_bytes_and_binary_and_decimal_units),
        cmocka_unit_test(sizes_refuse_signs_fractions_garbage_and_overflow),
        cmocka_unit_test(roles_parse_and_name_each_other),
        cmocka_unit_test(roles_refuse_what_is_not_a_role),
        cmocka_unit_test(log_levels_parse),
        cmocka_unit_test(config_sizes_and_roles_go_through_the_same_parsers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_proposals_timefmt.c - RFC 3339 times and config durations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "timefmt.h"

/* 2026-11-28T16:21:55Z, worked out independently: 20785 days after the
 * epoch, plus 16:21:55. */
#define T_2026_11_28 (INT64_C(20785) * 86400000 + (16 * 3600 + 21 * 60 + 55) * INT64_C(1000))

static void format_writes_utc_with_milliseconds_only_when_set(void **state)
{
    char buf[32];

    (void)state;
    assert_string_equal(pt_time_format(T_2026_11_28, buf, sizeof(buf)), "2026-11-28T16:21:55Z");
    assert_string_equal(pt_time_format(T_2026_11_28 + 123, buf, sizeof(buf)),
                        "2026-11-28T16:21:55.123Z");
    assert_string_equal(pt_time_format(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z");
    assert_string_equal(pt_time_format(-1, buf, sizeof(buf)), "1969-12-31T23:59:59.999Z");
    assert_string_equal(pt_time_format(951782400000, buf, sizeof(buf)), "2000-02-29T00:00:00Z");
}

static void parse_reads_utc_offsets_and_fractions(void **state)
{
    int64_t t;

    (void)state;
    assert_int_equal(pt_time_parse("2026-11-28T16:21:55Z", &t), 0);
    assert_int_equal(t, T_2026_11_28);
    assert_int_equal(pt_time_parse("2026-11-29T00:21:55+08:00", &t), 0);
    assert_int_equal(t, T_2026_11_28);
    assert_int_equal(pt_time_parse("2026-11-28T11:51:55-04:30", &t), 0);
    assert_int_equal(t, T_2026_11_28);
    assert_int_equal(pt_time_parse("2026-11-28T16:21:55.5Z", &t), 0);
    assert_int_equal(t, T_2026_11_28 + 500);
    assert_int_equal(pt_time_parse("2026-11-28t16:21:55.123456z", &t), 0);
    assert_int_equal(t, T_2026_11_28 + 123);
    assert_int_equal(pt_time_parse("2026-11-28", &t), 0);
    assert_int_equal(t, INT64_C(20785) * 86400000);
}

static void parse_then_format_round_trips(void **state)
{
    static const char *const times[] = {"2024-02-29T23:59:59.999Z", "1999-12-31T00:00:00Z",
                                        "2100-03-01T12:00:00.001Z"};
    char buf[32];
    int64_t t;

    (void)state;
    for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        assert_int_equal(pt_time_parse(times[i], &t), 0);
        assert_string_equal(pt_time_format(t, buf, sizeof(buf)), times[i]);
    }
}

static void parse_rejects_garbage_and_impossible_dates(void **state)
{
    static const char *const bad[] = {
        "",
        "yesterday",
        "2026-11-28T16:21:55",      /* no offset */
        "2026-11-28T16:21Z",        /* no seconds */
        "2026-13-01T00:00:00Z",     /* month 13 */
        "2026-02-29T00:00:00Z",     /* not a leap year */
        "2100-02-29",               /* not a leap year either */
        "2026-11-31",               /* November has 30 days */
        "2026-11-28T24:00:00Z",     /* hour 24 */
        "2026-11-28T16:60:00Z",     /* minute 60 */
        "2026-11-28T16:21:60Z",     /* leap second */
        "2026-11-28T16:21:55.Z",    /* empty fraction */
        "2026-11-28T16:21:55+0800", /* offset without a colon */
        "2026-11-28T16:21:55Z ",    /* trailing space */
        "2026-1-28",                /* one-digit month */
        "２０２６-11-28",           /* full-width digits */
    };
    int64_t t;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (pt_time_parse(bad[i], &t) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(pt_time_parse(NULL, &t), -1);
}

static void durations_take_each_unit(void **state)
{
    int64_t ms;

    (void)state;
    assert_int_equal(pt_duration_parse("90d", &ms), 0);
    assert_int_equal(ms, INT64_C(90) * 86400000);
    assert_int_equal(pt_duration_parse("36h", &ms), 0);
    assert_int_equal(ms, INT64_C(36) * 3600000);
    assert_int_equal(pt_duration_parse("15m", &ms), 0);
    assert_int_equal(ms, 900000);
    assert_int_equal(pt_duration_parse("4s", &ms), 0);
    assert_int_equal(ms, 4000);
    assert_int_equal(pt_duration_parse("250ms", &ms), 0);
    assert_int_equal(ms, 250);
    assert_int_equal(pt_duration_parse("0s", &ms), 0);
    assert_int_equal(ms, 0);
}

static void durations_reject_garbage_negatives_and_overflow(void **state)
{
    static const char *const bad[] = {"",
                                      "d",
                                      "90",
                                      "-1d",
                                      "+1d",
                                      "1.5d",
                                      " 90d",
                                      "90d ",
                                      "90D",
                                      "90 d",
                                      "90days",
                                      "1w",
                                      "99999999999999999999x"};
    int64_t ms;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (pt_duration_parse(bad[i], &ms) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(pt_duration_parse("9223372036854775807ms", &ms), 0);
    assert_int_equal(ms, INT64_MAX);
}

static void durations_too_long_to_hold_are_told_from_garbage(void **state)
{
    /* Well formed, but past int64 milliseconds: -2, so that a message
     * can say "too long" rather than "not a duration". */
    static const char *const big[] = {"9223372036854775807d", "9223372036854775808ms",
                                      "99999999999999999999ms", "9999999999999d", "106751991168d"};
    (void)state;
    for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
        int64_t ms = 42;
        int rc = pt_duration_parse(big[i], &ms);
        if (rc != -2)
            fail_msg("\"%s\" gave %d, not -2", big[i], rc);
        assert_int_equal(ms, 42);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_writes_utc_with_milliseconds_only_when_set),
        cmocka_unit_test(parse_reads_utc_offsets_and_fractions),
        cmocka_unit_test(parse_then_format_round_trips),
        cmocka_unit_test(parse_rejects_garbage_and_impossible_dates),
        cmocka_unit_test(durations_take_each_unit),
        cmocka_unit_test(durations_reject_garbage_negatives_and_overflow),
        cmocka_unit_test(durations_too_long_to_hold_are_told_from_garbage),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

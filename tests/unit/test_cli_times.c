/*
 * test_cli_times.c - how the client shows the API's times (cli/times.c):
 * in the local time zone, in the ISO order, a bare date as it is, anything
 * it cannot read unchanged; which typed times it sends at all (a day
 * written with blanks around 年, 月 and 日 too); and the time a number of
 * days ahead (--due-within). The zones are POSIX TZ strings, so no zone
 * database is needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <time.h>

#include "times.h"

static void zone(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static const char *show(const char *s, pt_time_style_t style)
{
    static char buf[64];
    return pt_time_show(s, style, buf, sizeof(buf));
}

static void utc_times_are_shown_in_local_time(void **state)
{
    (void)state;
    zone("CST-8"); /* Beijing: UTC+8, no summer time */
    assert_string_equal(show("2026-03-12T02:30:00Z", PT_TIME_MINUTE), "2026-03-12 10:30");
    assert_string_equal(show("2026-03-12T02:30:05.123Z", PT_TIME_SECOND), "2026-03-12 10:30:05");
    assert_string_equal(show("2026-03-12T10:30:00+08:00", PT_TIME_MINUTE), "2026-03-12 10:30");
    /* The day changes with the zone. */
    assert_string_equal(show("2026-03-11T17:00:00Z", PT_TIME_DATE), "2026-03-12");
    zone("UTC0");
    assert_string_equal(show("2026-03-11T17:00:00Z", PT_TIME_DATE), "2026-03-11");
    assert_string_equal(show("1969-12-31T23:59:59Z", PT_TIME_SECOND), "1969-12-31 23:59:59");
}

static void dates_and_the_unreadable_are_shown_as_they_are(void **state)
{
    (void)state;
    zone("HST10"); /* UTC-10: midnight UTC is the day before here */
    assert_string_equal(show("2026-03-12", PT_TIME_MINUTE), "2026-03-12");
    assert_string_equal(show(NULL, PT_TIME_DATE), "");
    assert_string_equal(show("", PT_TIME_DATE), "");
    assert_string_equal(show("下周一", PT_TIME_DATE), "下周一");
    assert_string_equal(show("2026-13-01T00:00:00Z", PT_TIME_DATE), "2026-13-01T00:00:00Z");
}

static void typed_times_are_days_that_exist_or_rfc3339(void **state)
{
    (void)state;
    zone("CST-8");
    assert_true(pt_time_input_ok("2027-03-01"));
    assert_true(pt_time_input_ok("2028-02-29"));
    assert_true(pt_time_input_ok("2027-03-01T09:00:00+08:00"));
    assert_true(pt_time_input_ok("2027-03-01T01:00:00Z"));
    /* A day as people write one. */
    assert_true(pt_time_input_ok("2027年3月1日"));
    assert_true(pt_time_input_ok("2027年03月01号"));
    assert_true(pt_time_input_ok("2027/3/1"));
    assert_true(pt_time_input_ok("2027.3.1"));
    assert_true(pt_time_input_ok("2027-3-1"));
    assert_false(pt_time_input_ok("2027-02-30"));
    assert_false(pt_time_input_ok("2027年2月29日"));
    assert_false(pt_time_input_ok("2027年3月"));
    assert_false(pt_time_input_ok("2027年3月1"));
    assert_false(pt_time_input_ok("2027年3月1日 "));
    assert_false(pt_time_input_ok("2027/3-1"));
    assert_false(pt_time_input_ok("2027/003/1"));
    assert_false(pt_time_input_ok("27/3/1"));
    assert_false(pt_time_input_ok("20270/3/1"));
    assert_false(pt_time_input_ok("三月一日"));
    assert_false(pt_time_input_ok("next monday"));
    assert_false(pt_time_input_ok(""));
    assert_false(pt_time_input_ok(NULL));
}

static void typed_days_are_written_as_the_api_takes_them(void **state)
{
    char buf[40];
    (void)state;
    zone("CST-8");
    assert_string_equal(pt_time_day_canon("2027年3月1日", buf, sizeof buf), "2027-03-01");
    assert_string_equal(pt_time_day_canon("2027/12/31", buf, sizeof buf), "2027-12-31");
    assert_string_equal(pt_time_day_canon("2027.3.01", buf, sizeof buf), "2027-03-01");
    /* Anything else is left as it is, a full time included. */
    const char *full = "2027-03-01T09:00:00+08:00";
    assert_ptr_equal(pt_time_day_canon(full, buf, sizeof buf), full);
    assert_string_equal(pt_time_day_canon("3月1日", buf, sizeof buf), "3月1日");
    /* The start or the end of the local day, as for 2027-03-01. */
    assert_string_equal(pt_time_local_day("2027年3月1日", PT_DAY_END, buf, sizeof buf),
                        "2027-03-01T23:59:59+08:00");
    assert_string_equal(pt_time_local_day("2027/3/1", PT_DAY_START, buf, sizeof buf),
                        "2027-03-01T00:00:00+08:00");
}

/* A formal document sets a date with a blank around each mark, as a
 * space or an ideographic one (U+3000): 2027 年 3 月 1 日 is the day
 * 2027年3月1日 is. Blanks inside the digits, or around - and /, are not
 * a day. */
static void a_day_may_be_typed_with_blanks_around_its_marks(void **state)
{
    char buf[40];
    (void)state;
    zone("CST-8");
    assert_string_equal(pt_time_day_canon("2027 年 3 月 1 日", buf, sizeof buf), "2027-03-01");
    assert_string_equal(pt_time_day_canon("2027 年 3 月 1 号", buf, sizeof buf), "2027-03-01");
    assert_string_equal(
        pt_time_day_canon("2027\u3000年\u30003\u3000月\u30001\u3000日", buf, sizeof buf),
        "2027-03-01");
    assert_string_equal(pt_time_day_canon("2027年 12 月31日", buf, sizeof buf), "2027-12-31");
    assert_string_equal(pt_time_day_canon("2027  年\u3000 3月1 日", buf, sizeof buf), "2027-03-01");
    assert_string_equal(pt_time_local_day("2027 年 3 月 1 日", PT_DAY_END, buf, sizeof buf),
                        "2027-03-01T23:59:59+08:00");
    assert_true(pt_time_input_ok("2027 年 3 月 1 日"));
    assert_true(pt_time_input_ok("2027\u3000年\u30003\u3000月\u30001\u3000号"));
    assert_false(pt_time_input_ok("2027 年 2 月 29 日"));
    /* Not inside the digits, nor with a mark missing. */
    assert_false(pt_time_input_ok("20 27年3月1日"));
    assert_false(pt_time_input_ok("2027年3 1月1日"));
    assert_false(pt_time_input_ok("2027年0 3月1日"));
    assert_false(pt_time_input_ok("2027 年 3 月 1"));
    assert_false(pt_time_input_ok("2027 年 3 月"));
    assert_false(pt_time_input_ok("2027 年 3 月 1 日 日"));
    /* Nor around the marks of the other ways to write a day. */
    assert_false(pt_time_input_ok("2027 - 3 - 1"));
    assert_false(pt_time_input_ok("2027 /3/1"));
    assert_false(pt_time_input_ok("2027. 3.1"));
}

static void days_ahead_are_whole_days_in_utc(void **state)
{
    char buf[40];
    (void)state;
    /* The zone does not matter: it is an instant, sent as UTC. */
    zone("CST-8");
    time_t now = 1772937000; /* 2026-03-08T02:30:00Z */
    assert_string_equal(pt_time_after_days(now, 7, buf, sizeof buf), "2026-03-15T02:30:00Z");
    assert_string_equal(pt_time_after_days(now, 1, buf, sizeof buf), "2026-03-09T02:30:00Z");
    /* Across the end of a month and of a year, and 36500 days on. */
    assert_string_equal(pt_time_after_days(now, 300, buf, sizeof buf), "2027-01-02T02:30:00Z");
    assert_string_equal(pt_time_after_days(now, 36500, buf, sizeof buf), "2126-02-12T02:30:00Z");
    assert_true(pt_time_input_ok(pt_time_after_days(now, 90, buf, sizeof buf)));
}

static void times_in_a_message_are_found_whole(void **state)
{
    (void)state;
    assert_int_equal(pt_time_span("2026-11-29T11:38:20.979Z, then"), 24);
    assert_int_equal(pt_time_span("2026-11-29T11:38:20Z"), 20);
    assert_int_equal(pt_time_span("2026-11-29T19:38:20+08:00;"), 25);
    /* A date alone, a time without its zone, or something like one. */
    assert_int_equal(pt_time_span("2026-11-29 is the day"), 0);
    assert_int_equal(pt_time_span("2026-11-29T11:38:20"), 0);
    assert_int_equal(pt_time_span("2026-11-29T11:38:20.Z"), 0);
    assert_int_equal(pt_time_span("2026-11-29T11:38:20+0800"), 0);
    assert_int_equal(pt_time_span("晋交函〔2026〕15号"), 0);
    assert_int_equal(pt_time_span(""), 0);
    assert_int_equal(pt_time_span(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utc_times_are_shown_in_local_time),
        cmocka_unit_test(dates_and_the_unreadable_are_shown_as_they_are),
        cmocka_unit_test(typed_times_are_days_that_exist_or_rfc3339),
        cmocka_unit_test(typed_days_are_written_as_the_api_takes_them),
        cmocka_unit_test(a_day_may_be_typed_with_blanks_around_its_marks),
        cmocka_unit_test(days_ahead_are_whole_days_in_utc),
        cmocka_unit_test(times_in_a_message_are_found_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

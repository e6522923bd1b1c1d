/*
 * test_plugin_common_times.c - the times the built-in plugins read and
 * write (plugins/common/times.c), through the host table ptrackd hands
 * them: a time is read as the API reads it, so what the API refuses
 * (2025-02-31, hour 24, a leap second) is no time here either and is shown
 * as it is, and its fraction is shown as the API writes it (milliseconds);
 * pt_zone_time writes an instant as the office reads it, in a fixed offset
 * or the daemon's local zone, with its offset, and the text is always the
 * same instant again, also for a zone whose offset is not whole minutes
 * (local mean time before standard time); pt_local_time writes the local
 * date and clock of a notifier's message; a bare date and what is not a
 * time are copied as they are.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "times.h"

/* ptrackd's own host table (core/plugin-host.c), whose time_parse and
 * time_format are the API's. */
extern const ptrack_host_t pt_plugin_host;
static const ptrack_host_t *const host = &pt_plugin_host;

static void set_tz(const char *tz)
{
    if (tz)
        setenv("TZ", tz, 1);
    else
        unsetenv("TZ");
    tzset();
}

static pt_zone_t zone_of(const char *text)
{
    pt_zone_t z;
    assert_int_equal(pt_zone_parse(text, &z), 0);
    return z;
}

static void fixed_offsets(void **state)
{
    (void)state;
    char out[64];
    pt_zone_t east = zone_of("+08:00"), west = zone_of("-03:45");

    pt_zone_time(host, &east, "2026-03-15T01:00:00Z", out, sizeof(out));
    assert_string_equal(out, "2026-03-15 09:00:00+08:00");
    pt_zone_time(host, &east, "2026-12-31T16:30:00.250Z", out, sizeof(out));
    assert_string_equal(out, "2027-01-01 00:30:00.250+08:00");
    pt_zone_time(host, &west, "2026-03-15T01:00:00.007Z", out, sizeof(out));
    assert_string_equal(out, "2026-03-14 21:15:00.007-03:45");
    /* From another offset to this one. */
    pt_zone_time(host, &east, "2026-03-15T09:00:00+02:00", out, sizeof(out));
    assert_string_equal(out, "2026-03-15 15:00:00+08:00");
    /* UTC is written as an offset, as every fixed zone is. */
    pt_zone_t utc = zone_of("UTC");
    pt_zone_time(host, &utc, "2026-03-15T01:00:00Z", out, sizeof(out));
    assert_string_equal(out, "2026-03-15 01:00:00+00:00");
}

/* The forms of tz= a request may give, and what is none. */
static void zone_arguments(void **state)
{
    (void)state;
    static const struct {
        const char *text, *name;
    } good[] = {
        {NULL, "local"},   {"", "local"},        {"Z", "+00:00"},      {"utc", "+00:00"},
        {"+8", "+08:00"},  {"-0530", "-05:30"},  {" 08:00", "+08:00"}, {"-0", "+00:00"},
        {"+14", "+14:00"}, {"-03:45", "-03:45"},
    };
    static const char *const bad[] = {"Beijing", "+15", "+08:60", "+0800x", "08:00", "+"};
    pt_zone_t z;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(pt_zone_parse(good[i].text, &z), 0);
        assert_string_equal(z.name, good[i].name);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (pt_zone_parse(bad[i], &z) != -1)
            fail_msg("tz=%s was taken as a zone", bad[i]);
}

/* The fraction of a second as the API keeps and writes it: milliseconds,
 * none when they are zero, digits past them dropped. */
static void fractions_as_the_api_writes_them(void **state)
{
    (void)state;
    char out[64];
    int64_t ms;
    pt_zone_t east = zone_of("+08:00");

    assert_int_equal(pt_time_read(host, "2026-03-15T01:00:00.5Z", &ms), 0);
    assert_int_equal(ms % 1000, 500);
    pt_zone_time(host, &east, "2026-03-15T01:00:00.5Z", out, sizeof(out));
    assert_string_equal(out, "2026-03-15 09:00:00.500+08:00");
    pt_zone_time(host, &east, "2026-03-15T01:00:00.123456Z", out, sizeof(out));
    assert_string_equal(out, "2026-03-15 09:00:00.123+08:00");
    pt_zone_time(host, &east, "2026-03-15T01:00:00.000Z", out, sizeof(out));
    assert_string_equal(out, "2026-03-15 09:00:00+08:00");
}

/* What the API refuses is no time: shown as it is, never moved to a day
 * the calendar has (2025-02-31 is not 2025-03-03). */
static void refused_as_the_api_refuses(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "2025-02-31T00:00:00Z", "2025-02-29T12:00:00Z", "2026-03-15T24:00:00Z",
        "2026-06-30T23:59:60Z", "2026-03-15T01:00:00",  "2026-03-15T01:00:00+24:00",
    };
    char out[64];
    int64_t ms = 42;
    pt_zone_t east = zone_of("+08:00");
    set_tz("Asia/Shanghai");
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        if (pt_time_read(host, refused[i], &ms) != -1)
            fail_msg("%s was read as a time", refused[i]);
        assert_int_equal(ms, 42);
        pt_zone_time(host, &east, refused[i], out, sizeof(out));
        assert_string_equal(out, refused[i]);
        pt_local_time(host, refused[i], PT_LOCAL_DATE, out, sizeof(out));
        assert_string_equal(out, refused[i]);
        pt_local_time(host, refused[i], PT_LOCAL_MONTH_DAY, out, sizeof(out));
        assert_string_equal(out, refused[i]);
    }
    assert_int_equal(pt_time_read(host, NULL, &ms), -1);
    set_tz(NULL);
}

static void copied_as_they_are(void **state)
{
    (void)state;
    char out[64];
    pt_zone_t east = zone_of("+08:00");

    pt_zone_time(host, &east, "2026-03-15", out, sizeof(out));
    assert_string_equal(out, "2026-03-15");
    pt_zone_time(host, &east, "明天", out, sizeof(out));
    assert_string_equal(out, "明天");
    pt_zone_time(host, &east, NULL, out, sizeof(out));
    assert_string_equal(out, "");
    pt_local_time(host, "2026-03-15", PT_LOCAL_MONTH_DAY, out, sizeof(out));
    assert_string_equal(out, "2026-03-15");
}

/* A notifier's local date and clock, in ptrackd's zone, of the instant the
 * text names, its offset included. */
static void local_forms(void **state)
{
    (void)state;
    char out[64];
    set_tz("Asia/Shanghai");
    pt_local_time(host, "2026-03-15T16:30:59.999Z", PT_LOCAL_DATE, out, sizeof(out));
    assert_string_equal(out, "2026-03-16");
    pt_local_time(host, "2026-03-15T16:30:59.999Z", PT_LOCAL_MINUTE, out, sizeof(out));
    assert_string_equal(out, "2026-03-16 00:30");
    pt_local_time(host, "2026-03-15T16:30:59.999Z", PT_LOCAL_MONTH_DAY, out, sizeof(out));
    assert_string_equal(out, "03-16");
    pt_local_time(host, "2026-03-15T01:00:00+08:00", PT_LOCAL_MINUTE, out, sizeof(out));
    assert_string_equal(out, "2026-03-15 01:00");
    set_tz("America/New_York");
    pt_local_time(host, "2026-03-15T03:59:00Z", PT_LOCAL_MINUTE, out, sizeof(out));
    assert_string_equal(out, "2026-03-14 23:59");
    set_tz(NULL);
}

/* The date and the clock of an instant in a zone, as the reports and the
 * spreadsheet show them. */
static void dates_and_clocks(void **state)
{
    (void)state;
    char date[16];
    int64_t ms, clock, want;
    pt_zone_t east = zone_of("+08:00"), west = zone_of("-05:00");
    assert_int_equal(pt_time_read(host, "2026-12-31T16:30:00.250Z", &ms), 0);
    pt_zone_date(host, &east, ms, date);
    assert_string_equal(date, "2027-01-01");
    pt_zone_date(host, &west, ms, date);
    assert_string_equal(date, "2026-12-31");
    assert_int_equal(pt_zone_clock(host, &east, ms, &clock), 0);
    assert_int_equal(pt_time_read(host, "2027-01-01T00:30:00.250Z", &want), 0);
    assert_int_equal(clock, want);
    /* Before 1970 too, and none for an instant whose year RFC 3339 cannot
     * write. */
    assert_int_equal(pt_time_read(host, "1969-12-31T23:59:59.500Z", &ms), 0);
    assert_int_equal(pt_zone_clock(host, &east, ms, &clock), 0);
    assert_int_equal(clock, ms + 8 * 3600 * 1000);
    assert_int_equal(pt_zone_clock(host, &east, INT64_C(253402300800000), &clock), -1);
    pt_zone_date(host, &east, INT64_C(253402300800000), date);
    assert_string_equal(date, "");
}

/* Every text it writes in the local zone reads back as the instant it was
 * given, across a change of the zone's offset and before standard time. */
static void local_zone_reads_back(void **state)
{
    (void)state;
    static const char *const zones[] = {"Asia/Shanghai", "Europe/Berlin", "America/St_Johns"};
    static const char *const times[] = {
        "1900-01-01T00:00:00Z",     "1901-06-01T12:34:56.789Z", "1987-04-12T18:00:00Z",
        "2026-03-29T00:59:59.999Z", "2026-03-29T01:00:00Z",     "2026-10-25T00:30:00.5Z",
    };
    char out[64];
    pt_zone_t local = zone_of(NULL);
    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        set_tz(zones[z]);
        for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
            int64_t want, got;
            assert_int_equal(pt_time_read(host, times[i], &want), 0);
            pt_zone_time(host, &local, times[i], out, sizeof(out));
            assert_int_equal(pt_time_read(host, out, &got), 0);
            if (got != want)
                fail_msg("%s in %s is written %s, which is another instant", times[i], zones[z],
                         out);
        }
    }
    set_tz(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed_offsets),
        cmocka_unit_test(zone_arguments),
        cmocka_unit_test(fractions_as_the_api_writes_them),
        cmocka_unit_test(refused_as_the_api_refuses),
        cmocka_unit_test(copied_as_they_are),
        cmocka_unit_test(local_forms),
        cmocka_unit_test(dates_and_clocks),
        cmocka_unit_test(local_zone_reads_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_plugin_common_times.c - the times the built-in plugins write
 * (plugins/common/times.c): pt_zone_time writes an instant as the office
 * reads it, in a fixed offset or the daemon's local zone, with its offset
 * and the fraction of seconds it has, and the text is always the same
 * instant again (pt_time_parse), also for a zone whose offset is not whole
 * minutes (local mean time before standard time); a bare date and what is
 * not a time are copied as they are.
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

static void fixed_offsets(void **state)
{
    (void)state;
    char out[64];
    pt_zone_t east = {.fixed = 1, .offset_sec = 8 * 3600};
    pt_zone_t west = {.fixed = 1, .offset_sec = -(3 * 3600 + 45 * 60)};

    pt_zone_time(&east, "2026-03-15T01:00:00Z", out, sizeof(out));
    assert_string_equal(out, "2026-03-15 09:00:00+08:00");
    pt_zone_time(&east, "2026-12-31T16:30:00.250Z", out, sizeof(out));
    assert_string_equal(out, "2027-01-01 00:30:00.250+08:00");
    pt_zone_time(&west, "2026-03-15T01:00:00.007Z", out, sizeof(out));
    assert_string_equal(out, "2026-03-14 21:15:00.007-03:45");
    /* From another offset to this one. */
    pt_zone_time(&east, "2026-03-15T09:00:00+02:00", out, sizeof(out));
    assert_string_equal(out, "2026-03-15 15:00:00+08:00");
}

static void copied_as_they_are(void **state)
{
    (void)state;
    char out[64];
    pt_zone_t east = {.fixed = 1, .offset_sec = 8 * 3600};

    pt_zone_time(&east, "2026-03-15", out, sizeof(out));
    assert_string_equal(out, "2026-03-15");
    pt_zone_time(&east, "明天", out, sizeof(out));
    assert_string_equal(out, "明天");
    pt_zone_time(&east, NULL, out, sizeof(out));
    assert_string_equal(out, "");
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
    pt_zone_t local = {0};
    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        setenv("TZ", zones[z], 1);
        tzset();
        for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
            int64_t want, got;
            assert_int_equal(pt_time_parse(times[i], &want), 0);
            pt_zone_time(&local, times[i], out, sizeof(out));
            assert_int_equal(pt_time_parse(out, &got), 0);
            if (got != want)
                fail_msg("%s in %s is written %s, which is another instant", times[i], zones[z],
                         out);
            /* The fraction of seconds as given. */
            const char *dot = strchr(times[i], '.'), *out_dot = strchr(out, '.');
            if (dot) {
                size_t n = 1 + strspn(dot + 1, "0123456789");
                assert_non_null(out_dot);
                assert_int_equal(strncmp(out_dot, dot, n), 0);
            }
        }
    }
    unsetenv("TZ");
    tzset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed_offsets),
        cmocka_unit_test(copied_as_they_are),
        cmocka_unit_test(local_zone_reads_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_plugin_host_times.c - the host's times (ABI 1.3) as plugins see them
 * through the host table: time_parse reads what the API writes and refuses
 * what it refuses; time_format writes UTC, a fixed offset and the daemon's
 * zone (summer time, an old local mean time), reads back as the same
 * instant, and is safe on several threads at once.
 *
 * The daemon's zone is the process's TZ, set here with POSIX rules that
 * need no zone database: "CST-8" (China), "EST5EDT,M3.2.0,M11.1.0" (New
 * York's summer time), "LMT-8:05:43" (a local mean time in seconds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <cmocka.h>

#include "plugins.h"

static const ptrack_host_t *h = &pt_plugin_host;

static void use_zone(const char *tz)
{
    assert_int_equal(setenv("TZ", tz, 1), 0);
    tzset();
}

/* 2025-06-30T15:59:59.250Z */
#define DUE_MS INT64_C(1751299199250)

static void the_host_table_has_the_time_functions(void **s)
{
    (void)s;
    assert_true(PTRACK_HOST_HAS(h, time_parse));
    assert_true(PTRACK_HOST_HAS(h, time_format));
    assert_int_equal(h->abi_minor, 6);
    /* A table as a 1.2 host has it ends before them. */
    ptrack_host_t old = *h;
    old.struct_size = offsetof(ptrack_host_t, time_parse);
    assert_false(PTRACK_HOST_HAS(&old, time_parse));
    assert_false(PTRACK_HOST_HAS(&old, time_format));
}

static void parse_reads_times_as_the_api_does(void **s)
{
    (void)s;
    int64_t ms = 0;
    assert_int_equal(h->time_parse("2025-06-30T15:59:59.250Z", &ms), PTRACK_OK);
    assert_true(ms == DUE_MS);
    assert_int_equal(h->time_parse("2025-06-30T23:59:59.25+08:00", &ms), PTRACK_OK);
    assert_true(ms == DUE_MS);
    /* Digits past the millisecond are dropped; t, z and a space are taken. */
    assert_int_equal(h->time_parse("2025-06-30 15:59:59.250999z", &ms), PTRACK_OK);
    assert_true(ms == DUE_MS);
    assert_int_equal(h->time_parse("2025-06-30t10:29:59.250-05:30", &ms), PTRACK_OK);
    assert_true(ms == DUE_MS);
    /* A bare date is its midnight UTC. */
    assert_int_equal(h->time_parse("2025-06-30", &ms), PTRACK_OK);
    assert_true(ms == INT64_C(1751241600000));
    assert_int_equal(h->time_parse("1969-12-31", &ms), PTRACK_OK);
    assert_true(ms == -INT64_C(86400000));
    assert_int_equal(h->time_parse("2024-02-29", &ms), PTRACK_OK);
}

static void parse_refuses_what_is_no_instant_and_leaves_ms(void **s)
{
    (void)s;
    static const char *const bad[] = {
        "2025-02-29",                 /* not a leap year */
        "2025-06-31",                 /* June has 30 days */
        "2025-06-30T15:59:59",        /* no offset: no zone says which instant */
        "2025-06-30T23:59:60Z",       /* a leap second */
        "2025-06-30T24:00:00Z",       /* no hour 24 */
        "2025-6-30",                  /* not RFC 3339 */
        "2025年6月30日",              /* ditto */
        "2025-06-30T15:59:59+0800",   /* an offset needs its colon */
        "2025-06-30T15:59:59Z trail", /* nothing after it */
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms = 42;
        assert_int_equal(h->time_parse(bad[i], &ms), PTRACK_EINVAL);
        assert_true(ms == 42);
    }
    int64_t ms = 42;
    assert_int_equal(h->time_parse(NULL, &ms), PTRACK_EINVAL);
    assert_int_equal(h->time_parse("2025-06-30", NULL), PTRACK_EINVAL);
}

static void format_writes_utc_and_fixed_offsets(void **s)
{
    (void)s;
    char buf[PTRACK_TIME_MAX];
    assert_int_equal(h->time_format(DUE_MS, NULL, buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2025-06-30T15:59:59.250Z");
    assert_int_equal(h->time_format(DUE_MS, "UTC", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2025-06-30T15:59:59.250Z");
    /* Whole seconds are written without a fraction, as the API does. */
    assert_int_equal(h->time_format(DUE_MS - 250, "Z", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2025-06-30T15:59:59Z");
    /* The offset's clock: the next day in Beijing, the date first. */
    assert_int_equal(h->time_format(DUE_MS, "+08:00", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2025-06-30T23:59:59.250+08:00");
    assert_int_equal(h->time_format(DUE_MS + 1000, "+08:00", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2025-07-01T00:00:00.250+08:00");
    assert_int_equal(h->time_format(DUE_MS, "-05:30", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2025-06-30T10:29:59.250-05:30");
    assert_int_equal(h->time_format(0, "+00:00", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "1970-01-01T00:00:00+00:00");
    /* Before 1970, the clock still counts forward within its second. */
    assert_int_equal(h->time_format(-1, "Z", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
    /* The longest text fits PTRACK_TIME_MAX. */
    assert_int_equal(h->time_format(DUE_MS, "-23:59", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2025-06-29T16:00:59.250-23:59");
    assert_true(strlen(buf) < PTRACK_TIME_MAX);
}

/* Every text reads back as the instant it was written from, and its first
 * ten bytes are the date in the zone, a day number once parsed. */
static void format_reads_back_as_the_same_instant(void **s)
{
    (void)s;
    use_zone("EST5EDT,M3.2.0,M11.1.0");
    static const char *const zones[] = {NULL, "Z", "+08:00", "-05:30", "+23:59", "-23:59", "local"};
    static const int64_t instants[] = {
        0,
        -1,
        DUE_MS,
        INT64_C(1710054000000), /* 2024-03-10T07:00:00Z, EDT begins */
        INT64_C(-2208988800001),
        INT64_C(253402300799999)};
    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++) {
            char buf[PTRACK_TIME_MAX];
            int rc = h->time_format(instants[i], zones[z], buf, sizeof(buf));
            if (rc != PTRACK_OK) {
                /* Only past 9999-12-31 in a zone east of UTC. */
                assert_true(instants[i] == INT64_C(253402300799999));
                assert_string_equal(buf, "");
                continue;
            }
            int64_t back = 0, midnight = 0;
            assert_int_equal(h->time_parse(buf, &back), PTRACK_OK);
            assert_true(back == instants[i]);
            char date[11];
            memcpy(date, buf, 10);
            date[10] = '\0';
            assert_int_equal(h->time_parse(date, &midnight), PTRACK_OK);
            assert_true(midnight % INT64_C(86400000) == 0);
        }
    }
}

static void local_follows_the_daemons_zone_and_its_summer_time(void **s)
{
    (void)s;
    char buf[PTRACK_TIME_MAX];
    use_zone("CST-8");
    assert_int_equal(h->time_format(DUE_MS, "local", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2025-06-30T23:59:59.250+08:00");

    use_zone("EST5EDT,M3.2.0,M11.1.0");
    /* Summer time in June, standard time in January. */
    assert_int_equal(h->time_format(DUE_MS, "local", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2025-06-30T11:59:59.250-04:00");
    assert_int_equal(h->time_format(INT64_C(1736899200000), "local", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2025-01-14T19:00:00-05:00");
    /* The hour the clocks skip: 06:59:59Z is 01:59:59 EST, 07:00:00Z is
     * 03:00:00 EDT. */
    assert_int_equal(h->time_format(INT64_C(1710053999000), "local", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2024-03-10T01:59:59-05:00");
    assert_int_equal(h->time_format(INT64_C(1710054000000), "local", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "2024-03-10T03:00:00-04:00");

    /* An offset in seconds is cut to whole minutes, and the clock follows,
     * so that the text still reads back as the instant. */
    use_zone("LMT-8:05:43");
    assert_int_equal(h->time_format(0, "local", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "1970-01-01T08:05:00+08:05");
    use_zone("UTC0");
    assert_int_equal(h->time_format(0, "local", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "1970-01-01T00:00:00+00:00");
}

static void format_refuses_a_bad_zone_a_short_buffer_and_other_years(void **s)
{
    (void)s;
    char buf[PTRACK_TIME_MAX];
    static const char *const bad[] = {"8",       "+8",    "+0800", "+08:0", "+24:00",
                                      "+08:60",  "utc",   "Local", "",      "Asia/Shanghai",
                                      "+08:00 ", "08:00", "CST-8"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        strcpy(buf, "x");
        assert_int_equal(h->time_format(DUE_MS, bad[i], buf, sizeof(buf)), PTRACK_EINVAL);
        assert_string_equal(buf, "");
    }
    /* A buffer one byte short of the text and its NUL. */
    strcpy(buf, "x");
    assert_int_equal(h->time_format(DUE_MS, "Z", buf, 24), PTRACK_EINVAL);
    assert_string_equal(buf, "");
    assert_int_equal(h->time_format(DUE_MS, "Z", buf, 25), PTRACK_OK);
    assert_int_equal(h->time_format(DUE_MS, "Z", NULL, 32), PTRACK_EINVAL);
    assert_int_equal(h->time_format(DUE_MS, "Z", buf, 0), PTRACK_EINVAL);
    /* Years RFC 3339 cannot write, in UTC or in the zone's clock. */
    assert_int_equal(h->time_format(INT64_C(253402300800000), "Z", buf, sizeof(buf)),
                     PTRACK_EINVAL);
    assert_int_equal(h->time_format(INT64_C(-62167219200001), "Z", buf, sizeof(buf)),
                     PTRACK_EINVAL);
    assert_int_equal(h->time_format(INT64_C(-62167219200000), "Z", buf, sizeof(buf)), PTRACK_OK);
    assert_string_equal(buf, "0000-01-01T00:00:00Z");
    assert_int_equal(h->time_format(INT64_C(-62167219200000), "-00:01", buf, sizeof(buf)),
                     PTRACK_EINVAL);
    assert_int_equal(h->time_format(INT64_MAX, "Z", buf, sizeof(buf)), PTRACK_EINVAL);
    assert_int_equal(h->time_format(INT64_MIN, "+23:59", buf, sizeof(buf)), PTRACK_EINVAL);
}

/* Job threads and notifier workers call the host at once: each thread's
 * text is its own instant's, never another's half-written one. */
typedef struct {
    int64_t ms;
    const char *zone;
    const char *want;
    int bad;
} worker_t;

static void *format_many(void *arg)
{
    worker_t *w = arg;
    for (int i = 0; i < 20000; i++) {
        char buf[PTRACK_TIME_MAX];
        if (h->time_format(w->ms, w->zone, buf, sizeof(buf)) != PTRACK_OK ||
            strcmp(buf, w->want) != 0)
            w->bad++;
    }
    return NULL;
}

static void format_is_safe_on_several_threads(void **s)
{
    (void)s;
    use_zone("EST5EDT,M3.2.0,M11.1.0");
    worker_t w[4] = {
        {DUE_MS, "local", "2025-06-30T11:59:59.250-04:00", 0},
        {INT64_C(1736899200000), "local", "2025-01-14T19:00:00-05:00", 0},
        {DUE_MS, "+08:00", "2025-06-30T23:59:59.250+08:00", 0},
        {0, "Z", "1970-01-01T00:00:00Z", 0},
    };
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, format_many, &w[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].bad, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_host_table_has_the_time_functions),
        cmocka_unit_test(parse_reads_times_as_the_api_does),
        cmocka_unit_test(parse_refuses_what_is_no_instant_and_leaves_ms),
        cmocka_unit_test(format_writes_utc_and_fixed_offsets),
        cmocka_unit_test(format_reads_back_as_the_same_instant),
        cmocka_unit_test(local_follows_the_daemons_zone_and_its_summer_time),
        cmocka_unit_test(format_refuses_a_bad_zone_a_short_buffer_and_other_years),
        cmocka_unit_test(format_is_safe_on_several_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

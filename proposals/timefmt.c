/*
 * timefmt.c - RFC 3339 times and config durations.
 *
 * The calendar arithmetic is done here by hand (days from a civil date and
 * back, after Howard Hinnant's algorithms) rather than with timegm() and
 * gmtime_r(): those depend on the width of time_t and on the C library, and a
 * time that went through the API must come back exactly, on every platform.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t pt_time_now(void)
{
    return clock_ms(CLOCK_REALTIME);
}

int64_t pt_time_mono(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

#define MS_PER_DAY INT64_C(86400000)

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dim[m - 1];
}

char *pt_time_format(int64_t ms, char *buf, size_t len)
{
    int64_t days, rem, y;
    int m, d, msec, sec, min, hour;

    if (buf == NULL || len == 0)
        return buf;
    /* Floor division, so that times before 1970 come out right too. */
    days = ms / MS_PER_DAY;
    rem = ms % MS_PER_DAY;
    if (rem < 0) {
        rem += MS_PER_DAY;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    msec = (int)(rem % 1000);
    rem /= 1000;
    sec = (int)(rem % 60);
    min = (int)(rem / 60 % 60);
    hour = (int)(rem / 3600);
    /* Written digit by digit: this runs for every time of every proposal
     * the store writes, and snprintf is most of its cost. Years outside
     * 0..9999 are not RFC 3339 times; they are written with snprintf. */
    if (y < 0 || y > 9999 || len < 25) {
        if (msec != 0)
            snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)y, m, d, hour,
                     min, sec, msec);
        else
            snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d, hour, min,
                     sec);
        return buf;
    }
    char *o = buf;
    int yy = (int)y;
    *o++ = (char)('0' + yy / 1000);
    *o++ = (char)('0' + yy / 100 % 10);
    *o++ = (char)('0' + yy / 10 % 10);
    *o++ = (char)('0' + yy % 10);
    const int parts[5] = {m, d, hour, min, sec};
    const char seps[5] = {'-', '-', 'T', ':', ':'};
    for (int i = 0; i < 5; i++) {
        *o++ = seps[i];
        *o++ = (char)('0' + parts[i] / 10);
        *o++ = (char)('0' + parts[i] % 10);
    }
    if (msec != 0) {
        *o++ = '.';
        *o++ = (char)('0' + msec / 100);
        *o++ = (char)('0' + msec / 10 % 10);
        *o++ = (char)('0' + msec % 10);
    }
    *o++ = 'Z';
    *o = '\0';
    return buf;
}

/* Reads exactly n decimal digits at *s. */
static bool digits(const char **s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        char c = (*s)[i];

        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *s += n;
    *out = v;
    return true;
}

int pt_time_parse(const char *s, int64_t *ms)
{
    int year, mon, day, hour = 0, min = 0, sec = 0, frac = 0, off = 0;
    int64_t t;

    if (s == NULL || ms == NULL)
        return -1;
    if (!digits(&s, 4, &year) || *s++ != '-' || !digits(&s, 2, &mon) || *s++ != '-' ||
        !digits(&s, 2, &day))
        return -1;
    if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon))
        return -1;
    if (*s == '\0')
        goto done; /* a bare date: midnight UTC */

    /* RFC 3339 §5.6 allows a lower-case t and z; the separator may be a
     * space in the ABNF's note, which people type, so that is taken too. */
    if (*s != 'T' && *s != 't' && *s != ' ')
        return -1;
    s++;
    if (!digits(&s, 2, &hour) || *s++ != ':' || !digits(&s, 2, &min) || *s++ != ':' ||
        !digits(&s, 2, &sec))
        return -1;
    /* A leap second (:60) cannot be represented in Unix time, so it is
     * refused rather than silently folded into the next minute. */
    if (hour > 23 || min > 59 || sec > 59)
        return -1;
    if (*s == '.') {
        int n = 0;

        s++;
        if (*s < '0' || *s > '9')
            return -1;
        /* Digits beyond milliseconds are read and dropped (truncated). */
        for (; *s >= '0' && *s <= '9'; s++, n++)
            if (n < 3)
                frac = frac * 10 + (*s - '0');
        for (; n < 3; n++)
            frac *= 10;
    }
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        int sign = *s++ == '-' ? -1 : 1, oh, om;

        if (!digits(&s, 2, &oh) || *s++ != ':' || !digits(&s, 2, &om) || oh > 23 || om > 59)
            return -1;
        off = sign * (oh * 60 + om);
    } else {
        /* A time without an offset is a local time of unknown zone. */
        return -1;
    }
    if (*s != '\0')
        return -1;
done:
    t = days_from_civil(year, mon, day) * MS_PER_DAY;
    t += ((int64_t)hour * 3600 + min * 60 + sec) * 1000 + frac;
    t -= (int64_t)off * 60000;
    *ms = t;
    return 0;
}

int pt_duration_parse(const char *s, int64_t *ms)
{
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = {
        {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", MS_PER_DAY},
    };
    int64_t n = 0;
    const char *p = s;

    if (s == NULL || ms == NULL)
        return -1;
    /* Only plain digits: no sign, no spaces, no fraction ("1.5d" is
     * refused rather than guessed at; write "36h"). */
    if (*p < '0' || *p > '9')
        return -1;
    /* A number too big to hold is read to its end all the same, so that
     * "9999999999999d" is told from "90x": the first is a duration, only
     * too long for any use, and its message must say that. */
    bool too_big = false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (too_big || n > (INT64_MAX - (*p - '0')) / 10)
            too_big = true;
        else
            n = n * 10 + (*p - '0');
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(p, units[i].unit) == 0) {
            if (too_big || n > INT64_MAX / units[i].ms)
                return -2;
            *ms = n * units[i].ms;
            return 0;
        }
    }
    return -1;
}

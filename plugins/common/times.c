/*
 * times.c - RFC 3339 times, zones and local dates for the built-in plugins
 * (see times.h).
 */
#include "times.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so that no call depends on the process's zone. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int pt_time_parse(const char *s, int64_t *secs)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!s || strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
        s[7] != '-' || digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return -1;
    const char *p = s + 10;
    int offset = 0;
    if (*p) {
        if ((*p != 'T' && *p != 't' && *p != ' ') || digits(p + 1, 2, &h) || p[3] != ':' ||
            digits(p + 4, 2, &mi) || p[6] != ':' || digits(p + 7, 2, &se))
            return -1;
        p += 9;
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
                return -1;
            offset = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
            p += 6;
        } else {
            return -1;
        }
        if (*p)
            return -1;
    }
    *secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
    return 0;
}

int pt_zone_parse(const char *text, pt_zone_t *zone)
{
    zone->fixed = 0;
    zone->offset_sec = 0;
    if (!text || !*text)
        return 0;
    zone->fixed = 1;
    if (strcmp(text, "Z") == 0 || strcmp(text, "UTC") == 0 || strcmp(text, "utc") == 0)
        return 0;
    /* In a query string an unescaped '+' may arrive as a space. */
    if (text[0] != '+' && text[0] != '-' && text[0] != ' ')
        return -1;
    int sign = text[0] == '-' ? -1 : 1, h = 0, m = 0;
    const char *p = text + 1;
    size_t n = strlen(p);
    if (n == 1 || n == 2) {
        if (digits(p, (int)n, &h))
            return -1;
    } else if (n == 4) {
        if (digits(p, 2, &h) || digits(p + 2, 2, &m))
            return -1;
    } else if (n == 5 && p[2] == ':') {
        if (digits(p, 2, &h) || digits(p + 3, 2, &m))
            return -1;
    } else {
        return -1;
    }
    if (h > 14 || m > 59)
        return -1;
    zone->offset_sec = sign * (h * 3600 + m * 60);
    return 0;
}

int pt_zone_arg(const ptrack_host_t *host, ptrack_job_t *job, pt_zone_t *zone)
{
    const char *tz = host->job_arg(job, "tz");
    if (pt_zone_parse(tz, zone) != 0) {
        host->set_error(job, "tz: \"%s\" is not a zone offset; say tz=+08:00, tz=-05:00 or tz=UTC",
                        tz);
        return PTRACK_EBADARG;
    }
    return PTRACK_OK;
}

int pt_zone_offset(const pt_zone_t *zone, int64_t secs)
{
    if (zone->fixed)
        return zone->offset_sec;
    time_t t = (time_t)secs;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 0;
    return (int)tm.tm_gmtoff;
}

/* The calendar date of a day since 1970-01-01 (civil_from_days, the
 * inverse of days_from_civil). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)((yoe + era * 400 + (*m <= 2)) % 10000);
}

void pt_zone_date(const pt_zone_t *zone, int64_t secs, char buf[16])
{
    int64_t z = secs + pt_zone_offset(zone, secs);
    int y, m, d;
    civil_from_days((z >= 0 ? z : z - 86399) / 86400, &y, &m, &d);
    snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

void pt_zone_time(const pt_zone_t *zone, const char *rfc3339, char *out, size_t size)
{
    int64_t secs;
    /* A bare date stays a date; only a time has a clock to move. */
    if (!rfc3339 || strlen(rfc3339) <= 10 || pt_time_parse(rfc3339, &secs) != 0) {
        snprintf(out, size, "%s", rfc3339 ? rfc3339 : "");
        return;
    }
    /* The fraction as written (the API writes milliseconds), so that the
     * text reads back as the same instant. */
    const char *frac = rfc3339 + 19;
    size_t frac_n = *frac == '.' ? 1 + strspn(frac + 1, "0123456789") : 0;
    /* An offset is written in whole minutes; a zone's local mean time
     * before standard time (Shanghai's +08:05:43 until 1901) is cut to
     * them, and the clock follows, so that the text is still the instant. */
    int off = pt_zone_offset(zone, secs);
    off -= off % 60;
    int64_t z = secs + off;
    int64_t day = (z >= 0 ? z : z - 86399) / 86400, rem = z - day * 86400;
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    int a = off < 0 ? -off : off;
    snprintf(out, size, "%04d-%02d-%02d %02d:%02d:%02d%.*s%c%02d:%02d", y, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60), (int)frac_n, frac, off < 0 ? '-' : '+',
             a / 3600, a / 60 % 60);
}

void pt_local_time(const char *rfc3339, const char *fmt, char *out, size_t size)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, s;
    if (sscanf(rfc3339, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) == 6) {
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = s;
        time_t t = timegm(&tm);
        struct tm local;
        if (t != (time_t)-1 && localtime_r(&t, &local) && strftime(out, size, fmt, &local))
            return;
    }
    snprintf(out, size, "%s", rfc3339);
}

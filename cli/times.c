/*
 * times.c - the API's RFC 3339 times, shown in local time (see times.h).
 */
#include "times.h"

#include <stdio.h>
#include <string.h>

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

int pt_time_parse_api(const char *s, time_t *out)
{
    struct tm tm;
    int y, mo, d, h = 0, mi = 0, se = 0, off = 0;

    if (!s || strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
        s[7] != '-' || digits(s + 8, 2, &d))
        return -1;
    const char *p = s + 10;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        if (strlen(p) < 9 || digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi) ||
            p[6] != ':' || digits(p + 7, 2, &se))
            return -1;
        p += 9;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++)
                ; /* Fractions of a second do not show. */
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
                return -1;
            off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
            p += 6;
        } else {
            return -1;
        }
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    *out = timegm(&tm) - off;
    return 0;
}

const char *pt_time_show(const char *s, pt_time_style_t style, char *buf, size_t len)
{
    static const char *const formats[] = {"%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"};
    time_t t;
    struct tm tm;

    if (len == 0)
        return "";
    buf[0] = '\0';
    if (!s || !*s)
        return buf;
    /* A bare date is a calendar day, not an instant: shifting it into the
     * local zone could move it to the day before. */
    if (strlen(s) == 10 && pt_time_parse_api(s, &t) == 0) {
        snprintf(buf, len, "%s", s);
        return buf;
    }
    if (pt_time_parse_api(s, &t) != 0 || !localtime_r(&t, &tm) ||
        strftime(buf, len, formats[style], &tm) == 0) {
        snprintf(buf, len, "%s", s);
    }
    return buf;
}

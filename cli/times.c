/*
 * times.c - the API's RFC 3339 times, shown in local time (see times.h).
 * They are parsed as the daemon parses them (proposals/timefmt.c).
 */
#include "times.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "timefmt.h"

/* An API time as a time_t (proposals/timefmt.c parses it). */
static int parse_api(const char *s, time_t *out)
{
    int64_t ms;
    if (!s || pt_time_parse(s, &ms) != 0)
        return -1;
    *out = (time_t)(ms / 1000 - (ms % 1000 < 0));
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
    if (strlen(s) == 10 && parse_api(s, &t) == 0) {
        snprintf(buf, len, "%s", s);
        return buf;
    }
    if (parse_api(s, &t) != 0 || !localtime_r(&t, &tm) ||
        strftime(buf, len, formats[style], &tm) == 0) {
        snprintf(buf, len, "%s", s);
    }
    return buf;
}

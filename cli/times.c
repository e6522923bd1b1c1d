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

/* Reads at most `most` digits (at least one) at *s into *n and moves *s
 * past them. */
static bool digits(const char **s, int most, int *n)
{
    int k = 0;
    *n = 0;
    for (; k < most && **s >= '0' && **s <= '9'; k++, (*s)++)
        *n = *n * 10 + (**s - '0');
    return k > 0 && !(**s >= '0' && **s <= '9');
}

/* Moves *s past `mark` if it begins with it. */
static bool skip(const char **s, const char *mark)
{
    size_t n = strlen(mark);
    if (strncmp(*s, mark, n) != 0)
        return false;
    *s += n;
    return true;
}

/* s past its blanks: spaces, tabs and the ideographic space U+3000. */
static const char *past_blanks(const char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t')
            s++;
        else if (!skip(&s, "\u3000"))
            return s;
    }
}

/* Moves *s past `mark` if it begins with it, after blanks or none, and
 * past the blanks between it and the digits that follow: 2027 年 3 月 1 日,
 * as a formal document sets a date. Blanks after the last mark are not
 * taken: they are no part of a day. */
static bool skip_spaced(const char **s, const char *mark)
{
    const char *t = past_blanks(*s);
    if (!skip(&t, mark))
        return false;
    const char *u = past_blanks(t);
    *s = *u >= '0' && *u <= '9' ? u : t;
    return true;
}

/* Reads a day as people write one: 2027-03-01, 2027-3-1, 2027/3/1,
 * 2027.3.1 or 2027年3月1日 (or 号), with blanks around 年, 月 and 日 or
 * not (2027 年 3 月 1 日), the whole of s. */
static bool typed_day(const char *s, int *y, int *m, int *d)
{
    static const char *const seps[] = {"-", "/", "."};
    if (!s || !(s[0] >= '0' && s[0] <= '9') || !digits(&s, 4, y) || *y < 1000)
        return false;
    if (skip_spaced(&s, "年"))
        return digits(&s, 2, m) && skip_spaced(&s, "月") && digits(&s, 2, d) &&
               (skip_spaced(&s, "日") || skip_spaced(&s, "号")) && !*s;
    for (size_t i = 0; i < sizeof seps / sizeof *seps; i++)
        if (skip(&s, seps[i]))
            return digits(&s, 2, m) && skip(&s, seps[i]) && digits(&s, 2, d) && !*s;
    return false;
}

const char *pt_time_day_canon(const char *s, char *buf, size_t len)
{
    int y, m, d;
    if (!typed_day(s, &y, &m, &d))
        return s;
    snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
    return buf;
}

const char *pt_time_local_day(const char *s, pt_day_edge_t edge, char *buf, size_t len)
{
    int y, m, d;
    if (!typed_day(s, &y, &m, &d))
        return s;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    if (edge == PT_DAY_END) {
        tm.tm_hour = 23;
        tm.tm_min = 59;
        tm.tm_sec = 59;
    }
    /* mktime moves a day that does not exist (02-30) into the next month:
     * such a date is left for ptrackd to refuse, not quietly changed. */
    if (mktime(&tm) == (time_t)-1 || tm.tm_year != y - 1900 || tm.tm_mon != m - 1 ||
        tm.tm_mday != d)
        return s;
    char zone[8];
    if (strftime(zone, sizeof zone, "%z", &tm) != 5)
        return s;
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%.3s:%.2s", y, m, d, tm.tm_hour, tm.tm_min,
             tm.tm_sec, zone, zone + 3);
    return buf;
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

/* Whether s begins with the characters of `shape`, where 9 stands for a
 * digit and any other character for itself. */
static bool shaped(const char *s, const char *shape)
{
    for (; *shape; s++, shape++)
        if (*shape == '9' ? !(*s >= '0' && *s <= '9') : *s != *shape)
            return false;
    return true;
}

size_t pt_time_span(const char *s)
{
    size_t n = 19;
    if (!s || !shaped(s, "9999-99-99T99:99:99"))
        return 0;
    if (s[n] == '.' && s[n + 1] >= '0' && s[n + 1] <= '9')
        for (n++; s[n] >= '0' && s[n] <= '9'; n++)
            ;
    if (s[n] == 'Z')
        return n + 1;
    if ((s[n] == '+' || s[n] == '-') && shaped(s + n + 1, "99:99"))
        return n + 6;
    return 0;
}

bool pt_time_input_ok(const char *s)
{
    char day[40];
    time_t t;
    if (!s || !*s)
        return false;
    /* A day that exists becomes a full time; one that does not (02-30) is
     * returned as it is and fails the parse below. */
    if (pt_time_local_day(s, PT_DAY_START, day, sizeof day) != s)
        return true;
    return strlen(s) > 10 && parse_api(s, &t) == 0;
}

const char *pt_time_after_days(time_t now, long long days, char *buf, size_t len)
{
    time_t t = now + (time_t)(days * 86400);
    struct tm tm;
    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (gmtime_r(&t, &tm))
        strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

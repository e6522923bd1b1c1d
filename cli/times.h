/*
 * times.h - the API's RFC 3339 times, shown the way an office reads them.
 *
 * The API speaks UTC ("2026-03-12T02:30:00Z"); people in the office think in
 * their own time zone, so tables show local time (TZ, /etc/localtime) in the
 * ISO order 2026-03-12 10:30, which needs no locale and sorts as text. --json
 * output is never converted.
 */
#ifndef PT_CLI_TIMES_H
#define PT_CLI_TIMES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef enum {
    PT_TIME_DATE,   /* 2026-03-12 */
    PT_TIME_MINUTE, /* 2026-03-12 10:30 */
    PT_TIME_SECOND, /* 2026-03-12 10:30:05 */
} pt_time_style_t;

/* Writes s as local time in buf and returns buf; "" for NULL or "", and s
 * itself, unchanged, when it is not a time this parser knows. */
const char *pt_time_show(const char *s, pt_time_style_t style, char *buf, size_t len);

/* The length of the full RFC 3339 time that s begins with, as ptrackd
 * writes one in a message ("2026-11-29T11:38:20.979Z", "...+08:00"), or
 * 0 when s begins with anything else (a date alone, a time without its
 * zone): what pt_time_show can then show in local time. */
size_t pt_time_span(const char *s);

/* Which instant of a day a date typed without a time stands for. */
typedef enum {
    PT_DAY_START, /* 00:00:00: "due before 2027-05-02" is before that day begins */
    PT_DAY_END,   /* 23:59:59: "due 2027-04-30" is by the end of that day */
} pt_day_edge_t;

/* A day as people type one: 2027-03-01, 2027-3-1, 2027/3/1, 2027.3.1 or
 * 2027年3月1日 (or 3月1号), also with blanks around 年, 月 and 日 (2027 年
 * 3 月 1 日, spaces or U+3000), digits folded from fullwidth beforehand
 * (pt_input_fold). For one, writes it into buf as YYYY-MM-DD and returns
 * buf; anything else is returned unchanged. Whether the day exists is not
 * looked at. */
const char *pt_time_day_canon(const char *s, char *buf, size_t len);

/* A day typed as above names a day of the local calendar, not UTC's: for
 * one, writes into buf that local day's start or end as RFC 3339 with the
 * local offset ("2027-04-30T23:59:59+08:00") and returns buf. Anything else
 * (a full time, a date that does not exist) is returned unchanged, for
 * ptrackd to take or refuse. */
const char *pt_time_local_day(const char *s, pt_day_edge_t edge, char *buf, size_t len);

/* Whether s is a time the client can send for a person: a day typed as
 * above that exists, or a full RFC 3339 time as ptrackd reads it
 * (proposals/timefmt.c). Anything else (三月一日, 2027-02-30, 2027年3月)
 * is a bad command line, told before anything is sent. */
bool pt_time_input_ok(const char *s);

/* The instant `days` whole days (of 86400 seconds) after now, as an RFC
 * 3339 UTC time ("2027-03-08T02:30:00Z"), written into buf, which is
 * returned: the due_before of "due within the next N days". */
const char *pt_time_after_days(time_t now, long long days, char *buf, size_t len);

/* The usage message for a time option that is not one. */
#define PT_TIME_INPUT_HINT                                                                         \
    "a day (2027-03-01, 2027/3/1, 2027年3月1日) or an RFC 3339 time (2027-03-01T09:00:00+08:00)"

#endif

/*
 * timefmt.h - times as ptrack keeps them and shows them.
 *
 * Inside ptrack a time is an int64 count of milliseconds since the Unix epoch
 * (UTC); 0 means "not set". On the API a time is an RFC 3339 string in UTC.
 */
#ifndef PT_TIMEFMT_H
#define PT_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* The time of day now (CLOCK_REALTIME), as ptrack keeps times. */
int64_t pt_time_now(void);
/* Milliseconds on the monotonic clock (CLOCK_MONOTONIC), for waits and
 * durations, which a change of the time of day must not stretch. */
int64_t pt_time_mono(void);

/* Writes "2026-11-28T16:21:55Z" (or "...55.123Z" when ms != 0) into buf
 * (at least 32 bytes). Returns buf. */
char *pt_time_format(int64_t ms, char *buf, size_t len);
/* Parses RFC 3339 ("2026-11-28T16:21:55Z", fractions, "+08:00" offsets, and a
 * bare date "2026-11-28" as midnight UTC). Returns 0 or -1. */
int pt_time_parse(const char *s, int64_t *ms);
/* Parses a duration "<number><unit>", units ms s m h d ("90d", "4s").
 * Returns 0; -1 when s is not of that form; -2 when it is, but is too long
 * for int64 milliseconds ("9999999999999d"), which *ms is then not set
 * to. */
int pt_duration_parse(const char *s, int64_t *ms);
/* The longest duration a config or a plugin's option may give: a century
 * is past any deadline or timeout, and keeps every time computed from one
 * far inside the int64 milliseconds of a time. */
#define PT_DURATION_MAX_MS (36500LL * 24 * 3600 * 1000)

#endif

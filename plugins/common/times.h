/*
 * times.h - the times the built-in plugins read and show: RFC 3339 times
 * from records, the zone dates are shown in (the daemon's local zone or a
 * fixed offset a request asks for), and local times in messages.
 */
#ifndef PT_TIMES_H
#define PT_TIMES_H

#include <stddef.h>
#include <stdint.h>
#include <ptrack/plugin.h>

/* Parses an RFC 3339 time ("2026-03-15T01:00:00Z", fractions and offsets
 * allowed) or a bare date (midnight UTC) into seconds since the epoch.
 * Returns 0, or -1 when s is not such a time. */
int pt_time_parse(const char *s, int64_t *secs);

/* The zone dates are shown in: the daemon's local zone, or a fixed offset
 * given by the request (`tz=+08:00`). */
typedef struct {
    int fixed;      /* 0: the daemon's local zone */
    int offset_sec; /* with fixed: east of UTC */
} pt_zone_t;

/* Reads "+08:00", "-0530", "+8", "Z" or "UTC" into a fixed zone; NULL or ""
 * is the local zone. Returns 0, or -1 when the text is none of these. */
int pt_zone_parse(const char *text, pt_zone_t *zone);
/* Reads the job's `tz` query argument into zone (none: the local zone).
 * Returns PTRACK_OK, or PTRACK_EBADARG after telling the caller through
 * set_error what the argument should look like (return it: 400
 * bad_request). Thread: the job's. */
int pt_zone_arg(const ptrack_host_t *host, ptrack_job_t *job, pt_zone_t *zone);
/* The zone's offset from UTC at that instant, in seconds. */
int pt_zone_offset(const pt_zone_t *zone, int64_t secs);
/* Writes the instant's calendar date in the zone as "2026-03-15". */
void pt_zone_date(const pt_zone_t *zone, int64_t secs, char buf[16]);

/* Writes an RFC 3339 time as the same instant in the zone, as people read
 * it and every parser of ptrack reads it back exactly: "2026-03-15
 * 09:00:00+08:00", with the fraction of seconds the text has
 * ("...:00.250+08:00"). A bare date, or text that is not such a time, is
 * copied as it is. */
void pt_zone_time(const pt_zone_t *zone, const char *rfc3339, char *out, size_t size);

/* Writes an RFC 3339 UTC time ("2026-03-15T01:00:00Z") as the daemon's
 * local time into out, in strftime's `fmt`; copies the text as it is when
 * it is not in that form. */
void pt_local_time(const char *rfc3339, const char *fmt, char *out, size_t size);

#endif /* PT_TIMES_H */

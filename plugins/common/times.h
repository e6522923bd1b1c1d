/*
 * times.h - the times the built-in plugins read and show: RFC 3339 times
 * from records, the zone dates are shown in (the daemon's local zone or a
 * fixed offset a request asks for), and local times in messages.
 *
 * Every time is read with the host's time_parse and written from the
 * host's time_format (ABI 1.3), so that a plugin reads a record's time
 * exactly as the API does, and refuses what the API refuses (2025-02-31,
 * a leap second), and there is no calendar arithmetic here. The built-in
 * plugins declare PTRACK_ABI_MINOR, which makes an older host refuse them,
 * so the host has both; each function below still treats a host without
 * them as one that reads no time. Thread: any, as the host's functions.
 */
#ifndef PT_TIMES_H
#define PT_TIMES_H

#include <stddef.h>
#include <stdint.h>
#include <ptrack/plugin.h>

/* Reads a time as the API reads it (host->time_parse): RFC 3339 with its
 * offset, its fraction kept as milliseconds, or a bare date as its
 * midnight UTC, into milliseconds since the epoch. Returns 0, or -1 when
 * text is NULL or not such a time (*ms is then left as it was). */
int pt_time_read(const ptrack_host_t *h, const char *text, int64_t *ms);

/* The zone dates are shown in: the daemon's local zone, or a fixed offset
 * given by the request (`tz=+08:00`), as the zone host->time_format
 * takes. */
typedef struct {
    char name[8]; /* "local", or "+08:00" */
} pt_zone_t;

/* Reads "+08:00", "-0530", "+8", "Z" or "UTC" into a fixed zone; NULL or ""
 * is the local zone. Returns 0, or -1 when the text is none of these. */
int pt_zone_parse(const char *text, pt_zone_t *zone);
/* Reads the job's `tz` query argument into zone (none: the local zone).
 * Returns PTRACK_OK, or PTRACK_EBADARG after telling the caller through
 * set_error what the argument should look like (return it: 400
 * bad_request). Thread: the job's. */
int pt_zone_arg(const ptrack_host_t *host, ptrack_job_t *job, pt_zone_t *zone);
/* The clock of the instant ms in the zone, as milliseconds since
 * 1970-01-01T00:00 of that clock: the instant moved by the zone's offset
 * at that instant, in whole minutes as the host writes it. Returns 0, or
 * -1 when the host cannot write the instant (a year out of 0000-9999). */
int pt_zone_clock(const ptrack_host_t *h, const pt_zone_t *zone, int64_t ms, int64_t *clock);
/* Writes the instant's calendar date in the zone as "2026-03-15"; "" when
 * the host cannot write it. */
void pt_zone_date(const ptrack_host_t *h, const pt_zone_t *zone, int64_t ms, char buf[16]);

/* Writes an RFC 3339 time as the same instant in the zone, as people read
 * it and every parser of ptrack reads it back exactly: "2026-03-15
 * 09:00:00+08:00", with the milliseconds when they are not zero
 * ("...:00.250+08:00"), as the API writes them. A bare date, and text
 * that the API does not read as a time, are copied as they are. */
void pt_zone_time(const ptrack_host_t *h, const pt_zone_t *zone, const char *rfc3339, char *out,
                  size_t size);

/* What pt_local_time writes of a time. */
typedef enum {
    PT_LOCAL_DATE,      /* "2026-03-15" */
    PT_LOCAL_MINUTE,    /* "2026-03-15 09:00" */
    PT_LOCAL_MONTH_DAY, /* "03-15" */
} pt_local_form_t;

/* Writes an RFC 3339 time as the daemon's local time into out, in the
 * form asked for; copies the text as it is when it is a bare date or not a
 * time the API reads. */
void pt_local_time(const ptrack_host_t *h, const char *rfc3339, pt_local_form_t form, char *out,
                   size_t size);

#endif /* PT_TIMES_H */

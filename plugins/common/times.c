/*
 * times.c - RFC 3339 times, zones and local dates for the built-in plugins
 * (see times.h), read and written by the host.
 */
#include "times.h"

#include <stdio.h>
#include <string.h>

int pt_time_read(const ptrack_host_t *h, const char *text, int64_t *ms)
{
    if (!text || !PTRACK_HOST_HAS(h, time_parse))
        return -1;
    return h->time_parse(text, ms) == PTRACK_OK ? 0 : -1;
}

/* Writes the instant in the zone as host->time_format does
 * ("2026-03-15T09:00:00.250+08:00"). Returns 0, or -1. */
static int write_time(const ptrack_host_t *h, const pt_zone_t *zone, int64_t ms,
                      char buf[PTRACK_TIME_MAX])
{
    buf[0] = '\0';
    if (!PTRACK_HOST_HAS(h, time_format))
        return -1;
    return h->time_format(ms, zone->name, buf, PTRACK_TIME_MAX) == PTRACK_OK ? 0 : -1;
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

int pt_zone_parse(const char *text, pt_zone_t *zone)
{
    snprintf(zone->name, sizeof(zone->name), "local");
    if (!text || !*text)
        return 0;
    if (strcmp(text, "Z") == 0 || strcmp(text, "UTC") == 0 || strcmp(text, "utc") == 0) {
        /* Written as an offset, as every other fixed zone is. */
        snprintf(zone->name, sizeof(zone->name), "+00:00");
        return 0;
    }
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
    snprintf(zone->name, sizeof(zone->name), "%c%02d:%02d", sign < 0 && (h || m) ? '-' : '+', h, m);
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

int pt_zone_clock(const ptrack_host_t *h, const pt_zone_t *zone, int64_t ms, int64_t *clock)
{
    char text[PTRACK_TIME_MAX];
    if (write_time(h, zone, ms, text) != 0)
        return -1;
    /* The clock is what the text says before its offset ("+08:00", the
     * last six bytes: a zone of pt_zone_t is never written 'Z'), read as
     * UTC's. */
    size_t n = strlen(text);
    if (n < 7 || (text[n - 6] != '+' && text[n - 6] != '-'))
        return -1;
    memcpy(text + n - 6, "Z", 2);
    return pt_time_read(h, text, clock);
}

void pt_zone_date(const ptrack_host_t *h, const pt_zone_t *zone, int64_t ms, char buf[16])
{
    char text[PTRACK_TIME_MAX];
    buf[0] = '\0';
    /* The text's first 10 bytes are the instant's date in the zone. */
    if (write_time(h, zone, ms, text) == 0)
        snprintf(buf, 16, "%.10s", text);
}

void pt_zone_time(const ptrack_host_t *h, const pt_zone_t *zone, const char *rfc3339, char *out,
                  size_t size)
{
    int64_t ms;
    char text[PTRACK_TIME_MAX];
    /* A bare date stays a date; only a time has a clock to move. */
    if (!rfc3339 || strlen(rfc3339) <= 10 || pt_time_read(h, rfc3339, &ms) != 0 ||
        write_time(h, zone, ms, text) != 0) {
        snprintf(out, size, "%s", rfc3339 ? rfc3339 : "");
        return;
    }
    /* The host writes an offset in whole minutes: a zone's local mean time
     * before standard time (Shanghai's +08:05:43 until 1901) is cut to
     * them, and the clock follows, so that the text is still the instant.
     * A space for the 'T', as people write it and the parsers read it. */
    text[10] = ' ';
    snprintf(out, size, "%s", text);
}

void pt_local_time(const ptrack_host_t *h, const char *rfc3339, pt_local_form_t form, char *out,
                   size_t size)
{
    static const pt_zone_t local = {"local"};
    int64_t ms;
    char text[PTRACK_TIME_MAX];
    if (!rfc3339 || strlen(rfc3339) <= 10 || pt_time_read(h, rfc3339, &ms) != 0 ||
        write_time(h, &local, ms, text) != 0) {
        snprintf(out, size, "%s", rfc3339 ? rfc3339 : "");
        return;
    }
    /* "2026-03-15T09:00:00+08:00": the date, then the clock from byte 11. */
    switch (form) {
    case PT_LOCAL_MINUTE:
        snprintf(out, size, "%.10s %.5s", text, text + 11);
        break;
    case PT_LOCAL_MONTH_DAY:
        snprintf(out, size, "%.5s", text + 5);
        break;
    default:
        snprintf(out, size, "%.10s", text);
        break;
    }
}

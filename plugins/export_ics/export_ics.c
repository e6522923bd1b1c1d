/*
 * export_ics.c - the "ics" exporter: the deadlines of open proposals as an
 * iCalendar file (RFC 5545), so that staff can subscribe from a calendar.
 *
 * One VTODO per proposal whose deadline is running, that is whose state has
 * the workflow's clock (in the default workflow: assigned, handling and
 * rehandling). A unit's calendar (unit=, or a unit's export) leaves out
 * the proposals whose part that unit has done while others have not: a co
 * unit's opinion given, a separate-mode unit's reply.
 * Proposals before assignment have no deadline, a replied one waits for the
 * delegate and not for the unit, and terminal ones are done; none of them is
 * a task. Each VTODO has a UID made of the proposal's id and the store's
 * (proposal-<id>-<store id>@ptrack: host->store_id, ABI 1.4), so a
 * calendar that subscribes updates the task instead of adding another, and
 * one that subscribes to two offices' ptrack keeps the tasks of each apart
 * (until ABI 1.4 the UID was proposal-<id>@ptrack, the same for proposal 7
 * of every office); and a SEQUENCE that is the proposal's version,
 * so that it takes the update; DUE is the deadline in UTC, DTSTART the
 * start of its round (the assignment, or the rehandling); SUMMARY the title;
 * DESCRIPTION the number, status, units (主办/协办, or 分办), delegation and lead
 * author; STATUS NEEDS-ACTION until a unit has signed for it, IN-PROCESS
 * after (in a unit's calendar, until that unit has signed for its part);
 * PRIORITY 1 for a key-supervision (重点督办) proposal.
 *
 * The format's rules that calendars are strict about: lines end in CRLF;
 * a content line longer than 75 octets is folded (CRLF and a space), never
 * inside a UTF-8 sequence; TEXT values escape backslash, semicolon, comma
 * and line breaks; and a calendar holds at least one component (3.4,
 * icalbody), which a calendar with no deadline that runs (an office with
 * nothing assigned yet, a unit that has answered all, a filter that
 * matches none) would not: it holds the VTIMEZONE of UTC instead, the
 * zone its times are written in, which calendars take without showing
 * anything.
 *
 * Many calendars show no to-dos of a subscribed file (Google Calendar,
 * Outlook, Apple's Calendar): as=event writes each deadline as an all-day
 * event (VEVENT) on its date in the zone of tz (the daemon's by default),
 * free time, its UID the to-do's with "-due" (proposal-<id>-<store
 * id>-due@ptrack), its SUMMARY the title after 办理期限：.
 *
 * Query arguments: title (the calendar's name, default 建议办理期限, or
 * 提案办理期限 or 议案办理期限 for an export of that kind), as
 * (todo, the default, or event), tz (the zone of the events' dates).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ptrack/plugin.h>

#include "labels.h"
#include "plugin-state.h"
#include "record-walk.h"
#include "strbuf.h"
#include "times.h"
#include "utf8.h"

/* The default name: the kind filter's word (建议, 提案, 议案) and this. */
#define DEFAULT_CALNAME "办理期限"
#define FOLD_AT 75
#define FLUSH_AT (32 * 1024)

typedef struct {
    const ptrack_host_t *h;
    ptrack_job_t *job;
    pt_wf_t wf;    /* the workflow's states: which are running, their labels */
    pt_str_t out;  /* output not yet written */
    pt_str_t line; /* the content line being built */
    pt_view_t view;
    int64_t now;
    const char *store_id; /* host->store_id, or NULL: a host without a store */
    const char *unit;     /* the unit whose calendar it is (unit=, a unit's own), or NULL */
    int events;           /* as=event: all-day events on the deadlines' dates */
    pt_zone_t zone;       /*   in this zone */
    size_t written;       /* the to-dos (events) written */
} run_t;

/* Appends r->line to the output, folded: at most 75 octets a line, the
 * continuation lines starting with a space (which counts), the cut moved
 * back to the start of a UTF-8 sequence. */
static void emit_line(run_t *r)
{
    const char *p = pt_str_get(&r->line);
    size_t n = r->line.len, room = FOLD_AT;
    for (;;) {
        size_t take = n > room ? pt_utf8_prefix(p, room) : n;
        pt_str_append(&r->out, p, take);
        pt_str_puts(&r->out, "\r\n");
        p += take;
        n -= take;
        if (n == 0)
            break;
        pt_str_puts(&r->out, " ");
        room = FOLD_AT - 1;
    }
    pt_str_clear(&r->line);
}

/* A property whose value is already in the format's syntax. */
static void prop_raw(run_t *r, const char *name, const char *value)
{
    pt_str_printf(&r->line, "%s:%s", name, value);
    emit_line(r);
}

/* Appends a TEXT value, escaped (RFC 5545 3.3.11). Other control
 * characters are not allowed in TEXT and become spaces. */
static void text_esc(pt_str_t *s, const char *text)
{
    if (!text)
        return;
    const char *start = text;
    for (const char *p = text; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '\\':
            rep = "\\\\";
            break;
        case ';':
            rep = "\\;";
            break;
        case ',':
            rep = "\\,";
            break;
        case '\n':
            rep = "\\n";
            break;
        case '\r':
            rep = p[1] == '\n' ? "" : "\\n";
            break;
        case '\t':
            break;
        default:
            if ((unsigned char)*p < 0x20 || *p == 0x7F)
                rep = " ";
        }
        if (rep) {
            pt_str_append(s, start, (size_t)(p - start));
            pt_str_puts(s, rep);
            start = p + 1;
        }
    }
    pt_str_puts(s, start);
}

static void prop_text(run_t *r, const char *name, const char *value)
{
    pt_str_printf(&r->line, "%s:", name);
    text_esc(&r->line, value);
    emit_line(r);
}

/* A UTC time in the basic format, 20260313T010203Z, made of the host's
 * "2026-03-13T01:02:03.250Z": its digits to the seconds, whose fraction
 * the format has no place for. */
static void utc_basic(const ptrack_host_t *h, int64_t ms, char buf[24])
{
    char text[PTRACK_TIME_MAX];
    buf[0] = '\0';
    if (!PTRACK_HOST_HAS(h, time_format) ||
        h->time_format(ms, "Z", text, sizeof(text)) != PTRACK_OK)
        return;
    size_t n = 0;
    for (size_t i = 0; i < 19; i++)
        if (text[i] != '-' && text[i] != ':')
            buf[n++] = text[i];
    memcpy(buf + n, "Z", 2);
}

/* The second an instant is in, as the basic format writes it. */
static int64_t whole_secs(int64_t ms)
{
    return ms / 1000 - (ms % 1000 < 0);
}

static void prop_time(run_t *r, const char *name, int64_t ms)
{
    char buf[24];
    utc_basic(r->h, ms, buf);
    if (buf[0])
        prop_raw(r, name, buf);
}

/* The deadline's date in the export's zone, and the next day's, in the
 * basic format (20260315, 20260316): an all-day event's DTSTART and DTEND,
 * which is not part of it (3.6.1). Returns 0, or -1. */
static int due_dates(const run_t *r, int64_t due, char day[16], char next[16])
{
    const int64_t day_ms = 86400000;
    int64_t clock;
    if (pt_zone_clock(r->h, &r->zone, due, &clock) != 0)
        return -1;
    /* The clock read as UTC's: its day starts at a whole day since the
     * epoch, which UTC writes as that date. */
    int64_t start = (clock / day_ms - (clock % day_ms < 0)) * day_ms;
    char text[PTRACK_TIME_MAX];
    char *out[2] = {day, next};
    for (int i = 0; i < 2; i++) {
        if (r->h->time_format(start + i * day_ms, "Z", text, sizeof(text)) != PTRACK_OK)
            return -1;
        snprintf(out[i], 16, "%.4s%.2s%.2s", text, text + 5, text + 8);
    }
    return 0;
}

/* One line of the description: "主办：山西省水利厅", skipped when empty. */
static void describe(pt_str_t *d, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    if (d->len)
        pt_str_puts(d, "\n");
    pt_str_printf(d, "%s：%s", label, value);
}

/* The index of the unit of a unit's calendar among rec's units; -1 in
 * the office's calendar, or when the unit is not among them. */
static long calendar_unit(const run_t *r, const ptrack_record_t *rec)
{
    char path[64];
    for (size_t i = 0; r->unit && i < r->view.n_units; i++) {
        snprintf(path, sizeof(path), "units.%zu.name", i);
        const char *name = r->h->rec_get(rec, path);
        if (name && strcmp(name, r->unit) == 0)
            return (long)i;
    }
    return -1;
}

/* Whether the unit of a unit's calendar has done its part of the
 * proposal, while the proposal waits for others: a co unit has given its
 * opinion, a separate-mode unit has replied (pt_view_unit_answered, as
 * overdue_by_unit and a unit's `overdue` count it). */
static int unit_part_done(const run_t *r, const ptrack_record_t *rec)
{
    long i = calendar_unit(r, rec);
    return i >= 0 && pt_view_unit_answered(&r->view, r->h, rec, (size_t)i);
}

/* Whether the proposal is being worked on, as STATUS says: once a unit
 * has signed for it (handling) and in a rehandling round; not while it
 * waits to be signed for (assigned) or came back (returned). In a unit's
 * calendar, whether that unit has signed for its part: the proposal of
 * several units is in handling from the first signature, and a unit that
 * has not signed yet (another 分办 unit, the lead unit beside a co unit
 * that signed first) has not begun. */
static int working_on(const run_t *r, const ptrack_record_t *rec)
{
    const char *status = r->view.status;
    if (strcmp(status, "rehandling") == 0)
        return 1;
    if (strcmp(status, "handling") != 0)
        return 0;
    long i = calendar_unit(r, rec);
    if (i < 0)
        return r->unit == NULL;
    char path[64];
    snprintf(path, sizeof(path), "units.%ld.signed_at", i);
    const char *at = r->h->rec_get(rec, path);
    return at && *at;
}

static int write_todo(run_t *r, const ptrack_record_t *rec)
{
    const pt_view_t *v = &r->view;
    int64_t due, at;
    /* Open, with a deadline that runs: in the states of the running
     * workflow whose clock runs (an office's own states included); in a
     * unit's calendar, while the unit still owes its part. */
    if (!v->status || !pt_wf_state_clock(&r->wf, v->status) || !v->due_at ||
        pt_time_read(r->h, v->due_at, &due) != 0 || unit_part_done(r, rec))
        return PTRACK_OK;
    char day[16], next[16];
    if (r->events && due_dates(r, due, day, next) != 0)
        return PTRACK_OK;
    const char *component = r->events ? "VEVENT" : "VTODO";
    prop_raw(r, "BEGIN", component);
    r->written++;
    /* An event is not the proposal's to-do, which another calendar may
     * hold: its UID says it is the deadline. */
    const char *what = r->events ? "-due" : "";
    if (r->store_id)
        pt_str_printf(&r->line, "UID:proposal-%s-%s%s@ptrack", v->id ? v->id : "0", r->store_id,
                      what);
    else
        pt_str_printf(&r->line, "UID:proposal-%s%s@ptrack", v->id ? v->id : "0", what);
    emit_line(r);
    /* Without a METHOD, DTSTAMP is when the information last changed
     * (RFC 5545 3.8.7.2): the proposal's updated_at, or its deadline once
     * that has passed, when the description took its 提醒：已超期 without
     * the proposal changing. A calendar that keeps what it has until
     * LAST-MODIFIED moves then takes the note. */
    int64_t changed;
    int known = pt_time_read(r->h, v->updated_at, &changed) == 0;
    if (v->overdue && (!known || changed < due)) {
        changed = due;
        known = 1;
    }
    prop_time(r, "DTSTAMP", known ? changed : r->now);
    if (pt_time_read(r->h, v->created_at, &at) == 0)
        prop_time(r, "CREATED", at);
    if (known)
        prop_time(r, "LAST-MODIFIED", changed);
    if (r->events) {
        /* All day on the deadline's date, which takes no time of anyone's
         * (TRANSP below). */
        pt_str_printf(&r->line, "DTSTART;VALUE=DATE:%s", day);
        emit_line(r);
        pt_str_printf(&r->line, "DTEND;VALUE=DATE:%s", next);
        emit_line(r);
    } else {
        /* DTSTART is when the round whose deadline DUE is began: the
         * assignment, or in a rehandling round (rehandling_at after the
         * assignment, as the workflow counts an extension's limit from
         * it) its start, not the assignment months before. DUE must be
         * later than DTSTART (3.8.2.3), in the whole seconds both are
         * written in: a deadline in the second of its round's start (an
         * imported one, a reply window of less than a second) or before
         * it (an assignment after an extension's deadline cannot happen,
         * but a bad import could) has no DTSTART. */
        int64_t again;
        int began = pt_time_read(r->h, v->assigned_at, &at) == 0;
        if (pt_time_read(r->h, r->h->rec_get(rec, "rehandling_at"), &again) == 0 &&
            (!began || again > at)) {
            at = again;
            began = 1;
        }
        if (began && whole_secs(at) < whole_secs(due))
            prop_time(r, "DTSTART", at);
        prop_time(r, "DUE", due);
    }
    /* A revision that matters to a calendar (an extension moves DUE)
     * must raise SEQUENCE (3.8.7.4): a client that already has the task
     * takes the new one only then. The proposal's version rises with
     * every change. */
    const char *version = r->h->rec_get(rec, "version");
    if (version && *version && strspn(version, "0123456789") == strlen(version))
        prop_raw(r, "SEQUENCE", version);
    if (r->events) {
        /* Among a calendar's meetings it must say what it is. */
        pt_str_printf(&r->line, "SUMMARY:");
        text_esc(&r->line, "办理期限：");
        text_esc(&r->line, v->title);
        emit_line(r);
    } else {
        prop_text(r, "SUMMARY", v->title);
    }

    pt_str_t d = {0};
    describe(&d, pt_field_label("number"), v->number);
    describe(&d, pt_field_label("status"), pt_wf_state_label(&r->wf, v->status));
    describe(&d, pt_role_label(v->separate ? "separate" : "lead"), pt_str_get(&v->lead_units));
    describe(&d, pt_role_label("co"), pt_str_get(&v->co_units));
    describe(&d, pt_field_label("delegation"), v->delegation);
    describe(&d, pt_field_label("lead_author"), v->lead_author);
    if (v->key_supervision)
        describe(&d, "督办", "重点督办");
    if (v->overdue)
        describe(&d, "提醒", "已超期");
    int oom = d.oom;
    prop_text(r, "DESCRIPTION", pt_str_get(&d));
    pt_str_free(&d);

    int working = working_on(r, rec);
    if (r->events)
        prop_raw(r, "TRANSP", "TRANSPARENT");
    else
        prop_raw(r, "STATUS", working ? "IN-PROCESS" : "NEEDS-ACTION");
    if (v->key_supervision)
        prop_raw(r, "PRIORITY", "1");
    prop_raw(r, "END", component);
    return oom ? PTRACK_ENOMEM : PTRACK_OK;
}

/* The calendar's one component when it has no deadline: RFC 5545 has no
 * calendar without a component, and strict readers (some versions of
 * Outlook, a parser in strict mode) refuse the file, which an office that
 * has assigned nothing yet subscribes to all the same. A VTIMEZONE is no
 * entry: calendars show nothing of it. UTC's is the zone of the times the
 * to-dos would have (DUE, DTSTAMP), and has no summer time to get wrong. */
static void write_utc_zone(run_t *r)
{
    prop_raw(r, "BEGIN", "VTIMEZONE");
    prop_raw(r, "TZID", "UTC");
    prop_raw(r, "BEGIN", "STANDARD");
    prop_raw(r, "DTSTART", "19700101T000000");
    prop_raw(r, "TZOFFSETFROM", "+0000");
    prop_raw(r, "TZOFFSETTO", "+0000");
    prop_raw(r, "TZNAME", "UTC");
    prop_raw(r, "END", "STANDARD");
    prop_raw(r, "END", "VTIMEZONE");
}

static int flush(run_t *r, int force)
{
    if (r->out.oom || r->line.oom) {
        r->h->set_error(r->job, "out of memory");
        return PTRACK_ENOMEM;
    }
    if (!r->out.len || (!force && r->out.len < FLUSH_AT))
        return PTRACK_OK;
    int rc = r->h->job_write(r->job, r->out.p, r->out.len);
    pt_str_clear(&r->out);
    return rc;
}

/* One proposal of the walk: its VTODO, if its deadline runs. */
static int todo(void *ctx, const ptrack_record_t *rec)
{
    run_t *r = ctx;
    int rc = write_todo(r, rec);
    return rc == PTRACK_OK ? flush(r, 0) : rc;
}

static int run(run_t *r)
{
    const char *name = r->h->job_arg(r->job, "title");
    char named[64];
    if (!name || !*name) {
        /* Named before the proposals are read: by the kind filter. */
        snprintf(named, sizeof(named), "%s%s", pt_kind_noun(r->h->job_arg(r->job, "kind")),
                 DEFAULT_CALNAME);
        name = named;
    }
    int rc = r->h->export_begin(r->job, "text/calendar; charset=utf-8", "proposals.ics");
    if (rc != PTRACK_OK)
        return rc;
    prop_raw(r, "BEGIN", "VCALENDAR");
    prop_raw(r, "VERSION", "2.0");
    prop_raw(r, "PRODID", "-//ptrack//ptrack export_ics 1.0//ZH");
    prop_raw(r, "CALSCALE", "GREGORIAN");
    /* RFC 7986's NAME, and X-WR-CALNAME for the calendars that read
     * only that one (Outlook, Apple's older ones). */
    prop_text(r, "NAME", name);
    prop_text(r, "X-WR-CALNAME", name);
    rc = pt_records_walk(r->h, r->job, &r->view, todo, r);
    if (rc == PTRACK_ENOMEM)
        r->h->set_error(r->job, "out of memory");
    if (rc != 0)
        return rc;
    if (!r->written)
        write_utc_zone(r);
    prop_raw(r, "END", "VCALENDAR");
    return flush(r, 1);
}

static int export(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const pt_plugin_state_t *ps = state;
    run_t r = {
        .h = ps->host, .job = job, .wf = {ps->host, ps->inst}, .now = (int64_t)time(NULL) * 1000};
    if (PTRACK_HOST_HAS(r.h, store_id))
        r.store_id = r.h->store_id(ps->inst);
    /* A unit's export has its unit here, also when the request did not
     * name it. */
    r.unit = r.h->job_arg(job, "unit");
    if (r.unit && !*r.unit)
        r.unit = NULL;
    const char *as = r.h->job_arg(job, "as");
    if (as && *as && strcmp(as, "todo") != 0 && strcmp(as, "event") != 0) {
        r.h->set_error(job,
                       "as: \"%s\" must be todo (a to-do per deadline, the default) or event (an "
                       "all-day event on each deadline's date, for calendars that show no to-dos)",
                       as);
        return PTRACK_EBADARG;
    }
    r.events = as && strcmp(as, "event") == 0;
    int rc = pt_zone_arg(r.h, job, &r.zone);
    if (rc != PTRACK_OK)
        return rc;
    rc = run(&r);
    pt_view_free(&r.view);
    pt_str_free(&r.out);
    pt_str_free(&r.line);
    return rc;
}

static const char *const formats[] = {"ics", NULL};

/* The query parameters read with job_arg besides the list filters. */
static const char *const args[] = {"title", "as", "tz", NULL};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = formats,
    .export = export,
    .args = args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "export_ics",
    .version = "1.0",
    .description = "exports the deadlines of open proposals as an iCalendar file of to-dos, or "
                   "of all-day events (args: title, the calendar's name; as=todo|event; tz, the "
                   "zone of the events' dates)",
    .kinds = PTRACK_KIND_EXPORTER,
    .create = pt_plugin_state_create,
    .destroy = pt_plugin_state_destroy,
    .exporter = &exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}

/*
 * export-shared.h - what the report-style exporters share: the labels of the
 * default workflow's states, reading one exported proposal into a flat view,
 * the figures an office reports (counted while the proposals stream past),
 * times and zones, and a growable string.
 *
 * It lives with export_report and is compiled into export_xlsx and
 * export_ics as well (each plugin is its own shared object, loaded with
 * RTLD_LOCAL and hidden symbols, so each carries its own copy). Like every
 * plugin file it uses include/ptrack/plugin.h and libc only.
 */
#ifndef PT_EXPORT_SHARED_H
#define PT_EXPORT_SHARED_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <ptrack/plugin.h>

/* ---- A growable string -------------------------------------------------
 * Appends never fail loudly: on out of memory `oom` is set and the string
 * stops growing, so a caller checks once at the end. */
typedef struct {
    char *p; /* NUL-terminated when len > 0 or after the first append */
    size_t len, cap;
    int oom;
} pt_str_t;

void pt_str_clear(pt_str_t *s);
void pt_str_free(pt_str_t *s);
void pt_str_append(pt_str_t *s, const char *text, size_t len);
void pt_str_puts(pt_str_t *s, const char *text);
void pt_str_printf(pt_str_t *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The text, "" when nothing was appended. */
const char *pt_str_get(const pt_str_t *s);

/* ---- States and other labels ------------------------------------------
 * A plugin cannot read the active workflow through the ABI, so the labels of
 * the default workflow (proposals/workflow-default.json) are embedded here.
 * A state the table does not know (an office's own workflow) is shown by its
 * raw name. */
typedef struct {
    const char *name;
    const char *zh;
    const char *en;
    int clock; /* the deadline runs in this state (the workflow's "clock") */
} pt_state_info_t;

/* The state's entry, or NULL when the table does not know it. */
const pt_state_info_t *pt_state_find(const char *name);
/* The Chinese label, the raw name for an unknown state, "" for NULL. */
const char *pt_state_label(const char *name);
/* The state's place in the workflow (for ordering groups); unknown states
 * sort after every known one. */
int pt_state_order(const char *name);
/* 建议, 议案, 提案, 其他; the raw value otherwise. */
const char *pt_kind_label(const char *kind);
/* 满意, 基本满意, 不满意; the raw value otherwise. */
const char *pt_satisfaction_label(const char *satisfaction);
/* The meaning of a reply category A..D ("已解决或基本解决"), "" otherwise. */
const char *pt_category_meaning(char category);

/* ---- Times ------------------------------------------------------------- */

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
/* The zone's offset from UTC at that instant, in seconds. */
int pt_zone_offset(const pt_zone_t *zone, int64_t secs);
/* Writes the instant's calendar date in the zone as "2026-03-15". */
void pt_zone_date(const pt_zone_t *zone, int64_t secs, char buf[16]);

/* ---- One proposal, flattened ---------------------------------------------
 * What the exporters show of a proposal. Strings are borrowed from the
 * record (valid until the next export_next) except the two unit lists,
 * which are built in the view's own buffers and reused from one proposal to
 * the next. Missing values are NULL (times: has_* is 0). */
typedef struct {
    const char *id, *number, *title, *kind, *session, *delegation, *lead_author, *category;
    const char *status;
    const char *created_at, *assigned_at, *due_at, *updated_at;
    int overdue, key_supervision;
    size_t n_co_signers;
    /* The latest reply that is not supplementary (the formal answer). */
    const char *reply_unit, *reply_doc_no, *reply_category, *replied_at;
    size_t n_replies;
    /* The latest feedback. */
    const char *satisfaction;
    size_t n_units;
    pt_str_t lead_units; /* lead and separate units, joined with 、 */
    pt_str_t co_units;   /* co units, joined with 、 */
    pt_str_t co_signers; /* joined with 、 */
} pt_view_t;

/* Fills v from rec. Returns PTRACK_OK or PTRACK_ENOMEM. Thread: the job's
 * (the record's). */
int pt_view_read(pt_view_t *v, const ptrack_host_t *host, const ptrack_record_t *rec);
void pt_view_free(pt_view_t *v);

/* ---- Tallies: counts by name ---------------------------------------------
 * A small hash table of names (states, units) and their counts, in first-
 * seen order. Its size grows with the number of distinct names, which is
 * small (states, units of one government), not with the proposals. */
typedef struct {
    char *name;
    int64_t count;
} pt_tally_t;

typedef struct {
    pt_tally_t *items;
    size_t n, cap;
    size_t *slots; /* index + 1, 0 for empty; a power of two in size */
    size_t n_slots;
} pt_tallies_t;

/* Adds one to name's count (adding it at 0 first); *index (may be NULL)
 * gets its index in items. Returns PTRACK_OK or PTRACK_ENOMEM. */
int pt_tallies_add(pt_tallies_t *t, const char *name, size_t *index);
/* The index of name, or (size_t)-1 when it was never added. */
size_t pt_tallies_find(const pt_tallies_t *t, const char *name);
void pt_tallies_free(pt_tallies_t *t);
/* The indices of items in display order: by count, largest first, then by
 * name (by_count non-zero), or by workflow order of the states (zero).
 * Ownership: the caller frees; NULL on out of memory or when empty. */
size_t *pt_tallies_order(const pt_tallies_t *t, int by_count);

/* ---- Figures -------------------------------------------------------------
 * The figures of GET /v1/stats, computed over the exported proposals (so an
 * export's filters apply to them too), with the same definitions:
 * 办复率 = replied / assigned (of the proposals ever assigned, those with a
 * reply); 满意率 = (satisfied + basically satisfied) / rated, by the latest
 * feedback; reply categories by the latest formal reply. */
typedef struct {
    int64_t total, overdue, assigned, replied, rated, satisfied, key_supervision;
    int64_t categories[4]; /* A B C D */
    pt_tallies_t by_status, by_unit;
} pt_figures_t;

/* Counts one proposal. Returns PTRACK_OK or PTRACK_ENOMEM. */
int pt_figures_add(pt_figures_t *f, const pt_view_t *v, const ptrack_host_t *host,
                   const ptrack_record_t *rec);
void pt_figures_free(pt_figures_t *f);
/* A rate as "75.0%", or "—" when there is nothing to divide by. */
void pt_rate_text(int64_t num, int64_t den, char buf[16]);

/* ---- UTF-8 ---------------------------------------------------------------- */

/* The width of s on a screen or in a spreadsheet column: wide (CJK) code
 * points count 2, others 1. */
size_t pt_utf8_width(const char *s);
/* The length of s's longest prefix of at most max bytes that does not end
 * inside a UTF-8 sequence. */
size_t pt_utf8_prefix(const char *s, size_t max);

#endif /* PT_EXPORT_SHARED_H */

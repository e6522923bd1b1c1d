/*
 * store-deadlines.c - the deadline engine's writes: reminders and the
 * daily digest.
 *
 * Both run on the writer as custom writes, so that what they raise and the
 * marks that keep them from being raised twice commit together: a reminder
 * is raised once for a deadline as it stands, whether ptrackd was running
 * when it fell due or started later, and a deadline that moves (extend,
 * re-handling) gets reminders of its own. History is not touched: a
 * reminder is an event, not a change of the proposal.
 */
#include "store-sqlite.h"

#include <stdlib.h>
#include <string.h>
#include "timefmt.h"

#define SYSTEM_ACTOR "ptrackd"

/* The reminders a scan raises, one kind at a time. */
typedef struct {
    const char *kind;   /* the mark: "due_soon" or "overdue" */
    const char *event;  /* "proposal.due_soon" or "proposal.overdue" */
    const char *select; /* the proposals to look at */
    const char *found;  /* marks the column of those found marked */
} reminder_t;

/* The proposals a scan looks at for a kind are those of the index
 * proposals_reminders (PT_SQL_REMINDERS: a running deadline whose overdue
 * reminder is not marked) whose deadline is before `limit` (?1) and whose
 * column for the kind does not hold that deadline. The marks decide: a
 * proposal is raised only when deadline_marks has no mark of the kind for
 * its deadline, and one found marked (a deadline moved back to one marked
 * before, a store from before schema 28 whose marks the migration did not
 * copy) gets its column. A proposal whose reminders were raised, overdue
 * for years, is so not read again, where every scan read each one. */
#define SCAN_SELECT(MARK)                                                                          \
    "SELECT p.id, p.due_at, p.status, p.doc FROM proposals p INDEXED BY proposals_reminders"       \
    " WHERE " PT_SQL_REMINDERS " AND p.due_at < ?1 AND p." MARK " IS NOT p.due_at"                 \
    " AND NOT EXISTS (SELECT 1 FROM deadline_marks m WHERE m.proposal_id = p.id"                   \
    "                 AND m.kind = ?2 AND m.due_at = p.due_at)"
#define SCAN_FOUND(MARK)                                                                           \
    "UPDATE proposals INDEXED BY proposals_reminders SET " MARK " = due_at"                        \
    " WHERE " PT_SQL_REMINDERS " AND due_at >= ?3 AND due_at < ?1 AND " MARK " IS NOT due_at"      \
    " AND EXISTS (SELECT 1 FROM deadline_marks m WHERE m.proposal_id = proposals.id"               \
    "             AND m.kind = ?2 AND m.due_at = proposals.due_at)"

static int raise_kind(sqlite3 *db, pt_write_t *w, const reminder_t *r, int64_t limit, int64_t now,
                      bool overdue, int *raised)
{
    /* Every proposal whose running deadline is before `limit` and has no
     * mark of this kind for that deadline yet. */
    sqlite3_stmt *st = NULL, *mark = NULL, *found = NULL;
    int rc = PT_OK;
    if (sqlite3_prepare_v2(db, r->select, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO deadline_marks (proposal_id, kind, due_at)"
                           " VALUES (?1, ?2, ?3)",
                           -1, &mark, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, r->found, -1, &found, NULL) != SQLITE_OK) {
        rc = pt_sqlite_error(&w->err, db, "looking for deadlines");
        goto done;
    }
    sqlite3_bind_int64(st, 1, limit);
    sqlite3_bind_text(st, 2, r->kind, -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0), due = sqlite3_column_int64(st, 1);
        /* A deadline that has passed already gets its overdue reminder,
         * not a late "due soon". */
        if (overdue || due > now) {
            const char *doc = (const char *)sqlite3_column_text(st, 3);
            size_t len;
            char *full =
                pt_doc_with_overdue(doc, (size_t)sqlite3_column_bytes(st, 3), overdue, &len);
            if (!full) {
                rc = pt_error_set(&w->err, PT_ENOMEM, "out of memory");
                goto done;
            }
            rc = pt_store_add_event(db, r->event, SYSTEM_ACTOR, id,
                                    (const char *)sqlite3_column_text(st, 2), full, NULL, &w->err);
            free(full);
            if (rc != PT_OK)
                goto done;
            (*raised)++;
        }
        sqlite3_bind_int64(mark, 1, id);
        sqlite3_bind_text(mark, 2, r->kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(mark, 3, due);
        int mrc = sqlite3_step(mark);
        sqlite3_reset(mark);
        if (mrc != SQLITE_DONE) {
            rc = pt_sqlite_error(&w->err, db, "marking a reminder");
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        rc = pt_sqlite_error(&w->err, db, "looking for deadlines");
        goto done;
    }
    /* Each proposal looked at is marked now: its column says so, which
     * takes an overdue one out of proposals_reminders. Not while the
     * SELECT above walks that index. A deadline that has passed gets no
     * due_soon column: the overdue pass after this one marks it and takes
     * it out (writing a row costs as much as the document it holds). */
    sqlite3_bind_int64(found, 1, limit);
    sqlite3_bind_text(found, 2, r->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(found, 3, overdue ? INT64_MIN : now);
    if (sqlite3_step(found) != SQLITE_DONE)
        rc = pt_sqlite_error(&w->err, db, "marking a reminder");
done:
    sqlite3_finalize(st);
    sqlite3_finalize(mark);
    sqlite3_finalize(found);
    return rc;
}

/* The next moment a reminder falls due: for each running deadline not yet
 * marked overdue, its due_soon moment if that is not marked, else the
 * moment it passes. 0 when there is none. The deadlines are read from
 * proposals_reminders in the order they fall due, and only until no later
 * one can come sooner: a due_soon moment is the earlier of a deadline's
 * two (remind_before is positive). */
static int next_wake(sqlite3 *db, pt_write_t *w, int64_t remind_before, int64_t *wake)
{
    static const char *const sql =
        "SELECT p.due_at, p.due_soon_mark IS p.due_at OR EXISTS (SELECT 1 FROM deadline_marks m"
        "  WHERE m.proposal_id = p.id AND m.kind = 'due_soon' AND m.due_at = p.due_at)"
        " FROM proposals p INDEXED BY proposals_reminders WHERE " PT_SQL_REMINDERS
        " AND NOT EXISTS (SELECT 1 FROM deadline_marks m WHERE m.proposal_id = p.id"
        "                 AND m.kind = 'overdue' AND m.due_at = p.due_at)"
        " ORDER BY p.due_at";
    sqlite3_stmt *st;
    *wake = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(&w->err, db, "planning reminders");
    int64_t least = remind_before > 0 ? remind_before : 0;
    bool found = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t due = sqlite3_column_int64(st, 0);
        if (found && due - least >= *wake)
            break;
        int64_t at = sqlite3_column_int(st, 1) ? due + 1 : due - remind_before;
        if (!found || at < *wake)
            *wake = at;
        found = true;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? PT_OK
               : pt_sqlite_error(&w->err, db, "planning reminders");
}

static int run_scan(void *conn, pt_write_t *w)
{
    sqlite3 *db = conn;
    int64_t now = pt_store_writer_now();
    int64_t remind_before = w->seq;
    static const reminder_t soon = {"due_soon", "proposal.due_soon", SCAN_SELECT("due_soon_mark"),
                                    SCAN_FOUND("due_soon_mark")};
    static const reminder_t late = {"overdue", "proposal.overdue", SCAN_SELECT("overdue_mark"),
                                    SCAN_FOUND("overdue_mark")};
    int raised = 0;
    int rc = raise_kind(db, w, &soon, now + remind_before + 1, now, false, &raised);
    if (rc == PT_OK)
        rc = raise_kind(db, w, &late, now, now, true, &raised);
    int64_t wake = 0;
    if (rc == PT_OK)
        rc = next_wake(db, w, remind_before, &wake);
    if (rc == PT_OK) {
        w->seq = wake;
        w->id = raised;
    }
    return rc;
}

pt_write_t *pt_write_deadline_scan(int64_t remind_before_ms)
{
    pt_write_t *w = pt_write_new(PT_WRITE_CUSTOM);
    if (w) {
        w->run_ = run_scan;
        w->seq = remind_before_ms;
    }
    return w;
}

/* ---- The daily digest ------------------------------------------------ */

/* Adds, per unit, the proposals a query finds whose deadline runs for that
 * unit (one that has answered its part is not listed), as an array (a
 * plugin can walk arrays by index through the record paths, not keys):
 * "name": [{"unit", "count", "items": [{id, number, title, due_at}]}], and
 * "name_count": the number of proposals. */
static int digest_group(sqlite3 *db, pt_write_t *w, cJSON *into, const char *name, int64_t from,
                        int64_t to)
{
    static const char *const sql =
        "SELECT u.name, p.id, p.number, json_extract(p.doc, '$.title'), p.due_at"
        " FROM proposals p JOIN proposal_units u ON u.proposal_id = p.id"
        " WHERE p.clock = 1 AND p.due_at IS NOT NULL AND p.due_at >= ?1 AND p.due_at < ?2"
        " AND u.answered = 0"
        " ORDER BY u.name, p.due_at, p.id";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(&w->err, db, "making the digest");
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    cJSON *units = cJSON_AddArrayToObject(into, name);
    cJSON *group = NULL, *items = NULL;
    int rc, in_group = 0;
    const char *last = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *unit = (const char *)sqlite3_column_text(st, 0);
        if (!group || strcmp(unit, last) != 0) {
            if (group)
                cJSON_AddNumberToObject(group, "count", in_group);
            group = cJSON_CreateObject();
            cJSON_AddItemToArray(units, group);
            cJSON_AddStringToObject(group, "unit", unit);
            items = cJSON_AddArrayToObject(group, "items");
            last = cJSON_GetObjectItemCaseSensitive(group, "unit")->valuestring;
            in_group = 0;
        }
        cJSON *item = cJSON_CreateObject();
        char t[40];
        cJSON_AddNumberToObject(item, "id", (double)sqlite3_column_int64(st, 1));
        if (sqlite3_column_type(st, 2) == SQLITE_NULL)
            cJSON_AddNullToObject(item, "number");
        else
            cJSON_AddStringToObject(item, "number", (const char *)sqlite3_column_text(st, 2));
        cJSON_AddStringToObject(item, "title", (const char *)sqlite3_column_text(st, 3));
        cJSON_AddStringToObject(item, "due_at",
                                pt_time_format(sqlite3_column_int64(st, 4), t, sizeof(t)));
        cJSON_AddItemToArray(items, item);
        in_group++;
    }
    if (group)
        cJSON_AddNumberToObject(group, "count", in_group);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return pt_sqlite_error(&w->err, db, "making the digest");
    /* The proposals, each once: one with a lead and a co unit is listed
     * under both, and counted as one, as GET /v1/stats counts it. */
    static const char *const count_sql =
        "SELECT count(*) FROM proposals"
        " WHERE clock = 1 AND due_at IS NOT NULL AND due_at >= ?1 AND due_at < ?2";
    if (sqlite3_prepare_v2(db, count_sql, -1, &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(&w->err, db, "making the digest");
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    rc = sqlite3_step(st);
    int64_t proposals = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return pt_sqlite_error(&w->err, db, "making the digest");
    char count[64];
    snprintf(count, sizeof(count), "%s_count", name);
    cJSON_AddNumberToObject(into, count, (double)proposals);
    return PT_OK;
}

static int run_digest(void *conn, pt_write_t *w)
{
    sqlite3 *db = conn;
    int64_t now = pt_store_writer_now();
    int64_t day = w->seq;
    const int64_t week = INT64_C(7) * 24 * 3600 * 1000;
    sqlite3_stmt *mark;
    w->id = 0;
    if (w->first) {
        /* A day's digest missed while ptrackd was down: only in a store
         * that has raised digests before (a new one, or one that had none,
         * starts with the next digest_at). */
        if (sqlite3_prepare_v2(db,
                               "SELECT 1 FROM deadline_marks WHERE proposal_id = 0"
                               " AND kind = 'digest' AND due_at < ?1 LIMIT 1",
                               -1, &mark, NULL) != SQLITE_OK)
            return pt_sqlite_error(&w->err, db, "looking for earlier digests");
        sqlite3_bind_int64(mark, 1, day);
        int found = sqlite3_step(mark);
        sqlite3_finalize(mark);
        if (found == SQLITE_DONE)
            return PT_OK;
        if (found != SQLITE_ROW)
            return pt_sqlite_error(&w->err, db, "looking for earlier digests");
    }
    if (sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO deadline_marks (proposal_id, kind, due_at)"
                           " VALUES (0, 'digest', ?1)",
                           -1, &mark, NULL) != SQLITE_OK)
        return pt_sqlite_error(&w->err, db, "marking the digest");
    sqlite3_bind_int64(mark, 1, day);
    int rc = sqlite3_step(mark);
    sqlite3_finalize(mark);
    if (rc != SQLITE_DONE)
        return pt_sqlite_error(&w->err, db, "marking the digest");
    if (sqlite3_changes(db) == 0)
        return PT_OK; /* today's digest has been raised already */
    cJSON *data = cJSON_CreateObject();
    if (!data)
        return pt_error_set(&w->err, PT_ENOMEM, "out of memory");
    cJSON_AddStringToObject(data, "date", w->name ? w->name : "");
    rc = digest_group(db, w, data, "overdue", 0, now);
    if (rc == PT_OK)
        rc = digest_group(db, w, data, "due_this_week", now, now + week);
    char *text = rc == PT_OK ? cJSON_PrintUnformatted(data) : NULL;
    cJSON_Delete(data);
    if (rc == PT_OK && !text)
        rc = pt_error_set(&w->err, PT_ENOMEM, "out of memory");
    if (rc == PT_OK)
        rc = pt_store_add_event(db, "digest.daily", SYSTEM_ACTOR, 0, NULL, NULL, text, &w->err);
    free(text);
    if (rc == PT_OK)
        w->id = 1;
    return rc;
}

pt_write_t *pt_write_digest(int64_t day_ms, const char *date, bool missed)
{
    pt_write_t *w = pt_write_new(PT_WRITE_CUSTOM);
    if (w) {
        w->run_ = run_digest;
        w->first = missed;
        w->seq = day_ms;
        w->name = date ? strdup(date) : NULL;
    }
    return w;
}

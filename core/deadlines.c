/*
 * deadlines.c - the deadline engine of deadlines.h.
 *
 * What must stay true: at most one scan is in flight (a request for another
 * while one runs is remembered and run after it), and the timer is always
 * set for the earliest moment anything falls due, as far as the engine
 * knows: the store's answer after each scan, made earlier by hints of new
 * deadlines. Waking too early costs one scan that raises nothing; waking
 * too late would be a bug, which is why every hint is taken.
 */
#include "deadlines.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "log.h"
#include "timefmt.h"

/* Both timers count on the monotonic clock, which a change of the system
 * clock (an NTP step at boot, `date -s`) does not move: each sleeps at
 * most this long, and wakes to look at the wall clock again, so that a
 * reminder or a digest whose moment the clock stepped past comes within
 * a minute, not hours later. A wake before its moment only arms the timer
 * again; it reads nothing of the store. */
#define MAX_SLEEP_MS INT64_C(60000)

struct pt_deadline_engine_s {
    uv_loop_t *loop;
    pt_store_t *store;
    pt_deadlines_t deadlines;
    uv_timer_t timer;  /* the next reminder */
    uv_timer_t digest; /* the next digest */
    int64_t wake_at;   /* when `timer` fires (wall clock ms); 0: not armed */
    /* The digest `digest` is armed for: its time (wall clock ms; 0: none),
     * its day (local_day_at) and that day's date. */
    int64_t digest_time, digest_day;
    char digest_date[16];
    int64_t digest_fired; /* the digest_time of the last digest raised */
    bool scanning;
    bool rescan;
    bool stopped;
    int closing; /* timers still closing */
    int writes;  /* writes in flight */
};

static void maybe_free(pt_deadline_engine_t *e)
{
    if (e->stopped && e->closing == 0 && e->writes == 0)
        free(e);
}

static void scan(pt_deadline_engine_t *e);

static void wake_at(pt_deadline_engine_t *e, int64_t at);

static void on_timer(uv_timer_t *t)
{
    pt_deadline_engine_t *e = t->data;
    int64_t at = e->wake_at;
    e->wake_at = 0;
    /* Woken by MAX_SLEEP_MS before its moment (or after the clock was set
     * back): sleep on. */
    if (at > pt_time_now()) {
        wake_at(e, at);
        return;
    }
    scan(e);
}

/* The timeout that makes a libuv timer fire at `at` (wall clock ms) and not
 * before, `now` being the wall clock's ms. Both clocks are counted in whole
 * milliseconds, each cut down from a finer one: now may be up to 1 ms behind
 * the real time, and the loop's time, from which libuv counts, as well. A
 * timeout of exactly at - now may so fire up to 1 ms before `at`, which would
 * give the digest a time before its own; one more millisecond never does. */
static int64_t timer_delay(int64_t at, int64_t now)
{
    return at < now ? 0 : at - now + 1;
}

/* Arms the timer for `at` (wall clock ms) unless it is armed earlier. */
static void wake_at(pt_deadline_engine_t *e, int64_t at)
{
    if (e->stopped || at <= 0)
        return;
    if (e->wake_at && e->wake_at <= at)
        return;
    /* libuv counts a timeout from the loop's cached time, which may be
     * behind: bring it up to date so that the timer does not fire early. */
    uv_update_time(e->loop);
    int64_t delay = timer_delay(at, pt_time_now());
    if (delay > MAX_SLEEP_MS)
        delay = MAX_SLEEP_MS;
    e->wake_at = at;
    uv_timer_start(&e->timer, on_timer, (uint64_t)delay, 0);
}

static void on_scanned(pt_write_t *w)
{
    pt_deadline_engine_t *e = w->data;
    e->writes--;
    e->scanning = false;
    if (w->err.code != PT_OK) {
        /* A storage error is retried a little later rather than lost. */
        pt_warn("deadline reminders: %s; trying again in a minute", w->err.message);
        wake_at(e, pt_time_now() + 60000);
    } else {
        if (w->id > 0)
            pt_info("deadline reminders: %lld raised", (long long)w->id);
        wake_at(e, w->seq);
    }
    pt_write_free(w);
    if (e->rescan && !e->stopped) {
        e->rescan = false;
        scan(e);
    }
    maybe_free(e);
}

static void scan(pt_deadline_engine_t *e)
{
    if (e->stopped)
        return;
    if (e->scanning) {
        e->rescan = true;
        return;
    }
    pt_write_t *w = pt_write_deadline_scan(e->deadlines.remind_before);
    if (!w) {
        wake_at(e, pt_time_now() + 1000);
        return;
    }
    w->actor = strdup("ptrackd");
    w->cb = on_scanned;
    w->data = e;
    if (pt_store_write(e->store, w) != PT_OK) {
        pt_write_free(w);
        return;
    }
    e->scanning = true;
    e->writes++;
}

/* ---- The digest ------------------------------------------------------ */

/* The local time `ms_of_day` (digest_at: ms after midnight, as a clock
 * shows it) on the day `days` after the one that holds `t`, with that day's
 * date in date and the day in *day: the date's midnight UTC, which the
 * store marks the day's digest with. The date, not the local midnight:
 * ptrackd moved to another zone (a service given TZ=Asia/Shanghai, or a
 * container without it) still knows the day's digest for raised. mktime()
 * takes the day's own offset, so a change of summer time is neither added
 * nor lost, whatever the hour. */
static int64_t local_day_at(int64_t t, int days, int64_t ms_of_day, int64_t *day, char *date,
                            size_t len)
{
    time_t s = (time_t)(t / 1000);
    struct tm tm;
    localtime_r(&s, &tm);
    tm.tm_mday += days;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    mktime(&tm); /* normalizes tm to that day */
    strftime(date, len, "%Y-%m-%d", &tm);
    if (pt_time_parse(date, day) != 0)
        *day = 0;
    tm.tm_hour = (int)(ms_of_day / 3600000);
    tm.tm_min = (int)(ms_of_day / 60000 % 60);
    tm.tm_sec = (int)(ms_of_day / 1000 % 60);
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm) * 1000 + ms_of_day % 1000;
}

static void plan_digest(pt_deadline_engine_t *e);

static void on_digested(pt_write_t *w)
{
    pt_deadline_engine_t *e = w->data;
    e->writes--;
    if (w->err.code != PT_OK)
        pt_warn("the daily digest was not raised: %s", w->err.message);
    else if (w->id)
        pt_info("the daily digest for %s was raised", w->name);
    pt_write_free(w);
    maybe_free(e);
}

/* Raises the digest of the day `day` (local_day_at). The
 * store raises each day's once, whoever asks; a missed one only in a store
 * that has raised digests before. */
static void raise_digest(pt_deadline_engine_t *e, int64_t day, const char *date, bool missed)
{
    pt_write_t *w = pt_write_digest(day, date, missed);
    if (w) {
        w->actor = strdup("ptrackd");
        w->cb = on_digested;
        w->data = e;
        if (pt_store_write(e->store, w) == PT_OK)
            e->writes++;
        else
            pt_write_free(w);
    }
}

static void on_digest_timer(uv_timer_t *t)
{
    pt_deadline_engine_t *e = t->data;
    int64_t now = pt_time_now(), day;
    /* Fired before its time: a sleep is cut at MAX_SLEEP_MS, libuv may
     * count from a coarse clock (CLOCK_MONOTONIC_COARSE, when its tick is
     * 1 ms) that lags the wall clock by up to a tick more than timer_delay
     * allows for, or the wall clock was set back. Planned again from now,
     * it waits for the rest, so that a digest never bears a time before
     * its own; a clock set forward past it is found at the next wake. */
    if (now < e->digest_time) {
        plan_digest(e);
        return;
    }
    /* The day it was planned for: a timer may fire a moment after
     * midnight, late, and the digest is that day's. */
    e->digest_fired = e->digest_time;
    /* Fired late past a later day's digest time (the machine slept, the
     * clock jumped): that day's is the one to raise, with what stands now. */
    char date[sizeof(e->digest_date)];
    int64_t today_at = local_day_at(now, 0, e->deadlines.digest_at, &day, date, sizeof(date));
    if (day > e->digest_day && today_at <= now) {
        e->digest_fired = today_at;
        raise_digest(e, day, date, false);
    } else {
        raise_digest(e, e->digest_day, e->digest_date, false);
    }
    plan_digest(e);
}

/* Arms the digest for the next digest_at, local time, after now and after
 * the last one raised (whose timer may have fired a little early). */
static void plan_digest(pt_deadline_engine_t *e)
{
    uv_timer_stop(&e->digest);
    if (e->stopped || e->deadlines.digest_at < 0)
        return;
    uv_update_time(e->loop); /* see wake_at */
    int64_t now = pt_time_now();
    /* The last digest's time counts only while it is a moment ahead (its
     * timer fired early); after the clock was set back it is not waited
     * for. */
    int64_t from = e->digest_fired > now && e->digest_fired - now < 60000 ? e->digest_fired : now;
    int64_t day;
    char date[sizeof(e->digest_date)];
    int64_t at = local_day_at(from, 0, e->deadlines.digest_at, &day, date, sizeof(date));
    if (at <= from)
        at = local_day_at(from, 1, e->deadlines.digest_at, &day, date, sizeof(date));
    int64_t delay = timer_delay(at, now);
    /* A timer that fires before the digest's time plans it again
     * (on_digest_timer), from the wall clock as it then stands. */
    if (delay > MAX_SLEEP_MS)
        delay = MAX_SLEEP_MS;
    e->digest_time = at;
    e->digest_day = day;
    memcpy(e->digest_date, date, sizeof(date));
    uv_timer_start(&e->digest, on_digest_timer, (uint64_t)delay, 0);
}

/* Raises today's digest when its time has passed: at a start, and at a
 * reload that sets digest_at to a time passed today, which the next
 * digest_at would otherwise leave a day without one. It is raised once a
 * day, so when today's was raised already (before a restart, or at the
 * time digest_at named before the reload) nothing is. */
static void missed_digest(pt_deadline_engine_t *e)
{
    if (e->deadlines.digest_at < 0)
        return;
    int64_t now = pt_time_now(), day;
    char date[sizeof(e->digest_date)];
    if (local_day_at(now, 0, e->deadlines.digest_at, &day, date, sizeof(date)) <= now)
        raise_digest(e, day, date, true);
}

/* ---- Life cycle ------------------------------------------------------ */

int pt_deadline_engine_start(uv_loop_t *loop, pt_store_t *store, const pt_deadlines_t *deadlines,
                             pt_deadline_engine_t **out)
{
    pt_deadline_engine_t *e = calloc(1, sizeof(*e));
    if (!e)
        return PT_ENOMEM;
    e->loop = loop;
    e->store = store;
    e->deadlines = *deadlines;
    uv_timer_init(loop, &e->timer);
    uv_timer_init(loop, &e->digest);
    e->timer.data = e->digest.data = e;
    /* What fell due while ptrackd was down is raised now, and so is
     * today's digest if its time has passed (missed_digest). */
    scan(e);
    missed_digest(e);
    plan_digest(e);
    *out = e;
    return PT_OK;
}

void pt_deadline_engine_committed(pt_deadline_engine_t *e)
{
    if (!e || e->stopped)
        return;
    int64_t due = pt_store_take_due_hint(e->store);
    if (due)
        wake_at(e, due - e->deadlines.remind_before);
}

void pt_deadline_engine_configure(pt_deadline_engine_t *e, const pt_deadlines_t *deadlines)
{
    if (!e || e->stopped)
        return;
    bool digest_moved = e->deadlines.digest_at != deadlines->digest_at;
    e->deadlines = *deadlines;
    uv_timer_stop(&e->timer);
    e->wake_at = 0;
    scan(e);
    if (digest_moved)
        missed_digest(e);
    plan_digest(e);
}

static void on_closed(uv_handle_t *h)
{
    pt_deadline_engine_t *e = h->data;
    e->closing--;
    maybe_free(e);
}

void pt_deadline_engine_stop(pt_deadline_engine_t *e)
{
    if (!e || e->stopped)
        return;
    e->stopped = true;
    e->closing = 2;
    uv_close((uv_handle_t *)&e->timer, on_closed);
    uv_close((uv_handle_t *)&e->digest, on_closed);
}

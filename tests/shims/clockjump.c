/*
 * clockjump.c - an LD_PRELOAD shim for the tests: the wall clock (what
 * clock_gettime gives for CLOCK_REALTIME, gettimeofday and time) runs
 * CLOCKJUMP_FILE's number of milliseconds ahead of the machine's (behind
 * when negative), read again at most every 50 ms, so that a test moves
 * the wall clock of one process as an NTP step or an operator's `date -s`
 * moves the machine's: at once, while the monotonic clock, which libuv's
 * timers count, goes on as it was. No file, or no number in it: no shift.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static clock_gettime_fn real_clock_gettime(void)
{
    static _Atomic(clock_gettime_fn) real;
    clock_gettime_fn f = atomic_load(&real);
    if (!f) {
        *(void **)&f = dlsym(RTLD_NEXT, "clock_gettime");
        atomic_store(&real, f);
    }
    return f;
}

/* The shift in ms, read from the file at most every 50 ms. */
static int64_t shift_ms(void)
{
    static _Atomic int64_t shift, read_at;
    struct timespec mono;
    real_clock_gettime()(CLOCK_MONOTONIC, &mono);
    int64_t now = (int64_t)mono.tv_sec * 1000 + mono.tv_nsec / 1000000;
    int64_t last = atomic_load(&read_at);
    if (last && now - last < 50)
        return atomic_load(&shift);
    atomic_store(&read_at, now);
    const char *path = getenv("CLOCKJUMP_FILE");
    FILE *f = path ? fopen(path, "re") : NULL;
    long long v = 0;
    if (f) {
        if (fscanf(f, "%lld", &v) != 1)
            v = 0;
        fclose(f);
    }
    atomic_store(&shift, (int64_t)v);
    return (int64_t)v;
}

static void add_ms(struct timespec *ts, int64_t ms)
{
    int64_t ns = (int64_t)ts->tv_nsec + (ms % 1000) * 1000000;
    ts->tv_sec += (time_t)(ms / 1000);
    if (ns < 0) {
        ns += 1000000000;
        ts->tv_sec--;
    } else if (ns >= 1000000000) {
        ns -= 1000000000;
        ts->tv_sec++;
    }
    ts->tv_nsec = (long)ns;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    int rc = real_clock_gettime()(id, ts);
    if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
        add_ms(ts, shift_ms());
    return rc;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    struct timespec ts;
    int rc = clock_gettime(CLOCK_REALTIME, &ts);
    if (rc == 0 && tv) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return rc;
}

time_t time(time_t *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (t)
        *t = ts.tv_sec;
    return ts.tv_sec;
}

/*
 * log.h - ptrackd's log: one line per message on stderr, with a level, or
 * one message per line to syslog(3) after pt_log_use_syslog().
 *
 * Thread: any (each line is written with one write(2), or one syslog(3)
 * call, which is safe from any thread).
 */
#ifndef PT_LOG_H
#define PT_LOG_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { PT_LOG_DEBUG = 0, PT_LOG_INFO, PT_LOG_WARN, PT_LOG_ERROR } pt_log_level_t;

/* The longest line pt_log writes, its time and level included: PIPE_BUF,
 * so that one write(2) puts it whole into a pipe (log.c). */
#define PT_LOG_LINE_MAX 4096

void pt_log_set_level(pt_log_level_t level);
/* Parses "debug", "info", "warn", "error". Returns 0 or -1. */
int pt_log_level_parse(const char *s, pt_log_level_t *out);
/* Sends every later message to syslog(3) instead of stderr, with the ident
 * `ident` (which must stay valid as long as the process logs: openlog(3)
 * keeps the pointer), the facility LOG_DAEMON and the pid; the levels map to
 * LOG_DEBUG, LOG_INFO, LOG_WARNING and LOG_ERR. syslog adds the time, so the
 * message goes without one. Called once, at start-up, before other threads
 * log. */
void pt_log_use_syslog(const char *ident);
/* Whether stderr is systemd's journal (JOURNAL_STREAM names it); when it
 * is, every later line on stderr starts with its level as a priority
 * ("<6>" info, "<4>" warning...), which the journal records as the
 * entry's priority instead of showing it. Called once, at start-up,
 * before other threads log. */
bool pt_log_detect_journal(void);
/* Whether stderr is the journal (pt_log_detect_journal): a line written
 * there other than by pt_log starts with its own priority ("<3>").
 * Thread: any; async-signal-safe (one lock-free atomic load). */
bool pt_log_journal(void);
void pt_log(pt_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Blanks what would break a line or act on a terminal in the len bytes at
 * s, as pt_log does in every message: C0 and C1 controls, DEL, U+2028 and
 * U+2029 become a space (a tab stays). Returns the new length (a two- or
 * three-byte character becomes one space). Thread: any. */
size_t pt_log_blank(char *s, size_t len);

#define pt_debug(...) pt_log(PT_LOG_DEBUG, __VA_ARGS__)
#define pt_info(...) pt_log(PT_LOG_INFO, __VA_ARGS__)
#define pt_warn(...) pt_log(PT_LOG_WARN, __VA_ARGS__)
#define pt_error(...) pt_log(PT_LOG_ERROR, __VA_ARGS__)

#endif

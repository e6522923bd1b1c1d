/*
 * log.h - ptrackd's log: one line per message on stderr, with a level.
 *
 * Thread: any (each line is written with one write(2)).
 */
#ifndef PT_LOG_H
#define PT_LOG_H

typedef enum { PT_LOG_DEBUG = 0, PT_LOG_INFO, PT_LOG_WARN, PT_LOG_ERROR } pt_log_level_t;

void pt_log_set_level(pt_log_level_t level);
/* Parses "debug", "info", "warn", "error". Returns 0 or -1. */
int pt_log_level_parse(const char *s, pt_log_level_t *out);
void pt_log(pt_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pt_debug(...) pt_log(PT_LOG_DEBUG, __VA_ARGS__)
#define pt_info(...) pt_log(PT_LOG_INFO, __VA_ARGS__)
#define pt_warn(...) pt_log(PT_LOG_WARN, __VA_ARGS__)
#define pt_error(...) pt_log(PT_LOG_ERROR, __VA_ARGS__)

#endif

/*
 * notify-text.h - what the built-in notifiers share to write their
 * messages: a growable string, the default workflow's Chinese labels, and
 * local times. Compiled into each notifier that uses it (a plugin is one
 * shared object, built against include/ptrack/plugin.h only), so nothing
 * here is shared at run time.
 */
#ifndef NOTIFY_TEXT_H
#define NOTIFY_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <ptrack/plugin.h>

/* A growable string. After an allocation failure `oom` is set, later
 * appends do nothing, and the text is incomplete. */
typedef struct {
    char *s;
    size_t len, cap;
    bool oom;
} nt_buf_t;

void nt_buf_add(nt_buf_t *b, const char *s, size_t n);
void nt_buf_puts(nt_buf_t *b, const char *s);
void nt_buf_printf(nt_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nt_buf_free(nt_buf_t *b);

/* The Chinese label of a state or an action of the default workflow
 * (proposals/workflow-default.json: the ABI hands a plugin the event, not
 * the workflow); a name it does not know is returned as it is. */
const char *nt_state_zh(const char *name);
const char *nt_action_zh(const char *name);
/* 主办, 协办, 分办; 承办 for none; an unknown role as it is. */
const char *nt_role_zh(const char *role);

/* Writes an RFC 3339 UTC time as local time into out, in strftime's `fmt`;
 * copies the text as it is when it is not in that form. */
void nt_local_time(const char *rfc3339, const char *fmt, char *out, size_t size);

/* Writes the body of a digest.daily event: what is overdue and what is due
 * within a week, per unit, naming up to a few proposals of each. Every line
 * starts with `quote` ("> " in markdown, "" in mail) and ends with `eol`.
 * Thread: the notifier's worker. Ownership: rec is borrowed. */
void nt_digest_text(nt_buf_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                    const char *quote, const char *eol);

#endif

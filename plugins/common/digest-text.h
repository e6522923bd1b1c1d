/*
 * digest-text.h - the text of the events of no proposal (the daily digest,
 * a restored store), as the notifiers that write messages for people
 * (WeCom/DingTalk markdown, mail) show them.
 */
#ifndef PT_DIGEST_TEXT_H
#define PT_DIGEST_TEXT_H

#include <ptrack/plugin.h>

#include "strbuf.h"

/* Writes the body of a digest.daily event: what is overdue and what is due
 * within a week, per unit, naming up to a few proposals of each. Every line
 * starts with `quote` ("> " in markdown, "" in mail) and ends with `eol`.
 * Times are shown in the daemon's local zone. Thread: the notifier's
 * worker. Ownership: rec is borrowed. */
void pt_digest_text(pt_str_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                    const char *quote, const char *eol);
/* As pt_digest_text(), for a robot's markdown message: the units, numbers
 * and titles are written by pt_str_md_line(), so that their markup shows as
 * text (strbuf.h). */
void pt_digest_md_text(pt_str_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                       const char *quote, const char *eol);

/* The heading of a store.restored event. */
#define PT_RESTORED_HEADING "建议系统数据已从备份恢复"

/* Writes the body of a store.restored event: which of the change feed's
 * numbers the restored store lost, and what to do about it, as one line
 * that starts with `quote` and ends with `eol`. Thread: the notifier's
 * worker. Ownership: rec is borrowed. */
void pt_restored_text(pt_str_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                      const char *quote, const char *eol);

#endif /* PT_DIGEST_TEXT_H */

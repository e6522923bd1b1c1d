/*
 * digest-text.h - the text of a digest.daily event, as the notifiers that
 * write messages for people (WeCom/DingTalk markdown, mail) show it.
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

#endif /* PT_DIGEST_TEXT_H */

/*
 * temp-file.h - the temporary files of the exporters that cannot stream
 * what they make as they go (xlsx's workbook, the report's spool): where
 * they are made, and how a failure to make or write one is told.
 */
#ifndef PT_TEMP_FILE_H
#define PT_TEMP_FILE_H

#include <ptrack/plugin.h>

/* The directory they go in: $TMPDIR when set, else /tmp. */
const char *pt_temp_dir(void);

/* The room for `what` below when it names the directory: the host keeps
 * this much of a plugin's message, so that a directory's name is not cut
 * (a cut one names a directory that is not there, and may end inside a
 * character). */
#define PT_TEMP_WHAT_MAX 512

/* Says, with set_error on job, why a temporary file in dir could not be
 * made or written (err, the errno taken right after the failing call).
 * No room (ENOSPC, EDQUOT) is the server's passing trouble, not the
 * request's nor the plugin's: the message names dir and what to do, and
 * PTRACK_RETRY is returned, which the host answers 503 storage_error. So
 * is a directory that is not there or may not be written (ENOENT, ENOTDIR,
 * EACCES, EPERM, EROFS), told as `what` and what to do: the server's
 * setting. Anything else is told as `what` and PTRACK_ERROR is returned. `whose`
 * names the file in the message ("the workbook's temporary files"). */
int pt_temp_failed(const ptrack_host_t *h, ptrack_job_t *job, const char *dir, const char *whose,
                   int err, const char *what);

#endif /* PT_TEMP_FILE_H */

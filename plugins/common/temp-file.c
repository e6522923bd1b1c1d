/*
 * temp-file.c - the exporters' temporary files (temp-file.h).
 */
#include "temp-file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *pt_temp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

int pt_temp_failed(const ptrack_host_t *h, ptrack_job_t *job, const char *dir, const char *whose,
                   int err, const char *what)
{
    if (err == ENOSPC || err == EDQUOT) {
        h->set_error(job,
                     "no room for %s in %s (%s): free room there, or give ptrackd a TMPDIR on a "
                     "disk with room, and export again",
                     whose, dir, strerror(err));
        return PTRACK_RETRY;
    }
    /* A directory that is not there or may not be written is the
     * server's setting, not the plugin's fault. */
    if (err == ENOENT || err == ENOTDIR || err == EACCES || err == EPERM || err == EROFS) {
        h->set_error(job,
                     "%s: give ptrackd a TMPDIR that exists and that it may write, and export "
                     "again",
                     what);
        return PTRACK_RETRY;
    }
    h->set_error(job, "%s", what);
    return PTRACK_ERROR;
}

/*
 * chunk-reader.c - an upload read in chunks (see chunk-reader.h).
 */
#include "chunk-reader.h"

#include <string.h>

void pt_chunk_init(pt_chunk_reader_t *in, const ptrack_host_t *host, ptrack_job_t *job)
{
    in->host = host;
    in->job = job;
    in->pos = in->len = 0;
    in->eof = 0;
    in->status = 0;
}

int pt_chunk_fill(pt_chunk_reader_t *in)
{
    if (in->status < 0)
        return in->status;
    if (in->eof)
        return 0;
    memmove(in->buf, in->buf + in->pos, in->len - in->pos);
    in->len -= in->pos;
    in->pos = 0;
    if (in->len == PT_CHUNK)
        return 1;
    ptrdiff_t n = in->host->job_read(in->job, in->buf + in->len, PT_CHUNK - in->len);
    if (n < 0) {
        in->status = (int)n;
        return in->status;
    }
    if (n == 0) {
        in->eof = 1;
        return 0;
    }
    in->len += (size_t)n;
    return 1;
}

int pt_chunk_fill_to(pt_chunk_reader_t *in, size_t want)
{
    if (want > PT_CHUNK)
        want = PT_CHUNK;
    int rc = 1;
    while (in->len - in->pos < want && (rc = pt_chunk_fill(in)) > 0)
        ;
    return rc;
}

int pt_chunk_peek(pt_chunk_reader_t *in)
{
    if (in->pos == in->len && pt_chunk_fill(in) <= 0)
        return -1;
    return in->buf[in->pos];
}

void pt_chunk_skip_bom(pt_chunk_reader_t *in)
{
    while (in->len - in->pos < 3 && pt_chunk_fill(in) > 0)
        ;
    if (in->len - in->pos >= 3 && memcmp(in->buf + in->pos, "\xEF\xBB\xBF", 3) == 0)
        in->pos += 3;
}

/*
 * chunk-reader.h - an importer's upload read in chunks with job_read, for
 * the built-in importers that parse it byte by byte or line by line.
 *
 * Memory is flat: one chunk. The bytes not yet consumed stay at the front
 * of the chunk when it is refilled, so that a reader may look ahead (a byte
 * order mark, a header line to sniff) or keep a character cut by the end
 * of a chunk for the next one.
 */
#ifndef PT_CHUNK_READER_H
#define PT_CHUNK_READER_H

#include <stddef.h>
#include <ptrack/plugin.h>

#define PT_CHUNK (64 * 1024)

typedef struct {
    const ptrack_host_t *host;
    ptrack_job_t *job;
    unsigned char buf[PT_CHUNK];
    size_t pos, len; /* the unread bytes are buf[pos..len) */
    int eof;         /* job_read said the end */
    int status;      /* a negative job_read result, kept */
} pt_chunk_reader_t;

void pt_chunk_init(pt_chunk_reader_t *in, const ptrack_host_t *host, ptrack_job_t *job);
/* Moves the unread bytes to the front and reads more after them. Returns 1
 * with new bytes (or a full chunk), 0 at the end, or job_read's error (kept
 * in in->status). Thread: the job's. */
int pt_chunk_fill(pt_chunk_reader_t *in);
/* Reads until want bytes (at most PT_CHUNK) are unread or the file ends,
 * for a look at the file's first bytes (file-kind.h). Returns the last
 * pt_chunk_fill's result: 1, 0 at the end, or an error. Thread: the
 * job's. */
int pt_chunk_fill_to(pt_chunk_reader_t *in, size_t want);
/* The next byte without consuming it, or -1 at the end or on failure
 * (in->status < 0 then). */
int pt_chunk_peek(pt_chunk_reader_t *in);
/* Drops a UTF-8 byte order mark at the current position. */
void pt_chunk_skip_bom(pt_chunk_reader_t *in);

#endif /* PT_CHUNK_READER_H */

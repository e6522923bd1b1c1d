/*
 * text_input.h - the text importer's input: the uploaded bytes as UTF-8
 * lines, numbered from 1.
 *
 * The upload is read in chunks with job_read (the plugins' chunk reader,
 * plugins/common/chunk-reader.h) and, when the request says encoding=gbk
 * (or gb18030, gb2312), or says nothing and the first chunk has no
 * UTF-8 BOM and is no UTF-8 (pt_utf8_judged: a document saved as "ANSI"
 * text on a Chinese Windows, which is GBK), converted with iconv chunk by chunk, keeping a
 * character cut by a chunk boundary for the next chunk. Memory is
 * flat: one chunk, its conversion and the current line. A line longer than
 * TEXT_LINE_MAX bytes is refused: a document with such lines is not running
 * text. So is an upload whose first bytes show a workbook, a document, a
 * PDF or an archive (plugins/common/file-kind.h) or UTF-16 text without
 * encoding=utf-16: the error names what it is.
 */
#ifndef IMPORT_TEXT_INPUT_H
#define IMPORT_TEXT_INPUT_H

#include <iconv.h>
#include <stddef.h>
#include <ptrack/plugin.h>

#include "chunk-reader.h"

#define TEXT_LINE_MAX (256 * 1024)

typedef struct {
    pt_chunk_reader_t chunk; /* the bytes read; with iconv, those not yet converted */
    iconv_t cd;              /* (iconv_t)-1 when the input is UTF-8 */
    char *dec;               /* converted bytes; with UTF-8, the chunk's own */
    size_t dec_len, dec_pos;
    char *line;
    size_t line_len, line_cap;
    long line_no;    /* the number of the line last returned */
    int pending_cr;  /* the last byte was a CR: a following LF belongs to it */
    int first;       /* the next line is the first (a BOM is dropped) */
    int sniffed;     /* the upload's first bytes were looked at (sniff) */
    int utf16;       /* the request said encoding=utf-16: its BOM is expected */
    int gb;          /* read as GB18030: GBK, GB2312, code page 936 or GB18030 */
    int asked;       /* the request named the encoding */
    int guessed;     /* read as GBK though not asked: the first bytes are no UTF-8 */
    char named[24];  /* the encoding as messages name it: GBK, UTF-16LE, ... */
    char error[512]; /* why text_input_next failed */
} text_input_t;

/* Prepares reading. encoding is job_arg("encoding") (NULL: UTF-8).
 * Returns PTRACK_OK, PTRACK_EBADARG (an unknown encoding; in->error says
 * so) or PTRACK_ENOMEM. Thread: the job's. */
int text_input_open(text_input_t *in, const ptrack_host_t *host, ptrack_job_t *job,
                    const char *encoding);

/* The next line, without its line ending: 1 and *line, *len (borrowed
 * until the next call), 0 at the end, PTRACK_ECANCELED, or PTRACK_EINVAL
 * with in->error set (invalid bytes, a line too long). */
int text_input_next(text_input_t *in, const char **line, size_t *len);

void text_input_close(text_input_t *in);

#endif

/*
 * text_input.c - the uploaded document as numbered UTF-8 lines (see
 * text_input.h).
 */
#include "text_input.h"

#include "file-kind.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Converted text is at most four times the input (a one-byte GB18030 code
 * can become three UTF-8 bytes); E2BIG is handled all the same. */
#define DEC_CAP (PT_CHUNK * 4)

int text_input_open(text_input_t *in, const ptrack_host_t *host, ptrack_job_t *job,
                    const char *encoding)
{
    memset(in, 0, sizeof(*in));
    pt_chunk_init(&in->chunk, host, job);
    in->cd = (iconv_t)-1;
    in->first = 1;
    in->asked = encoding && *encoding;
    if (encoding && *encoding && strcasecmp(encoding, "utf-8") != 0 &&
        strcasecmp(encoding, "utf8") != 0) {
        /* GB18030 is a superset of GBK and GB2312: one converter reads all three. */
        const char *from = encoding;
        if (strcasecmp(encoding, "gbk") == 0 || strcasecmp(encoding, "gb2312") == 0 ||
            strcasecmp(encoding, "cp936") == 0 || strcasecmp(encoding, "gb18030") == 0)
            from = "GB18030";
        in->gb = from != encoding;
        in->utf16 =
            strncasecmp(encoding, "utf-16", 6) == 0 || strncasecmp(encoding, "utf16", 5) == 0;
        snprintf(in->named, sizeof(in->named), "%s", from == encoding ? encoding : "GBK");
        for (char *c = in->named; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                *c = (char)(*c - 'a' + 'A');
        in->cd = iconv_open("UTF-8", from);
        if (in->cd == (iconv_t)-1) {
            char name[64]; /* cut between characters after 60 bytes, with … */
            pt_utf8_format(name, sizeof(name), "%s", encoding);
            pt_utf8_format(in->error, sizeof(in->error),
                           "encoding: \"%s\" is not an encoding this system knows (use utf-8 or "
                           "gbk)",
                           name);
            return PTRACK_EBADARG;
        }
    }
    in->dec = in->cd == (iconv_t)-1 ? (char *)in->chunk.buf : malloc(DEC_CAP);
    in->line_cap = 4096;
    in->line = malloc(in->line_cap);
    if (!in->dec || !in->line) {
        text_input_close(in);
        return PTRACK_ENOMEM;
    }
    return PTRACK_OK;
}

void text_input_close(text_input_t *in)
{
    if (in->cd != (iconv_t)-1) {
        iconv_close(in->cd);
        free(in->dec);
    }
    in->cd = (iconv_t)-1;
    free(in->line);
    in->dec = in->line = NULL;
}

/* What the text importer says of a file that is no text (file-kind.h). */
static const pt_file_advice_t not_text = {
    .reads = "text",
    .sheet = "import a sheet with format=csv, saved as CSV (另存为 → CSV UTF-8)",
    .document = "save the document as plain text (另存为 → 纯文本 .txt, UTF-8) and import that",
    .pdf = "copy its text into a plain text file (.txt, UTF-8) and import that",
};

/* Refuses an upload whose first bytes show it is no text file at all,
 * naming what it is: otherwise the user would be told of bytes that are
 * not UTF-8 and sent to encoding=gbk, which fails as well. Returns
 * PTRACK_OK or PTRACK_EINVAL with in->error set. */
static int sniff(text_input_t *in, const unsigned char *b, size_t n)
{
    if (pt_file_not_text(b, n, &not_text, in->error, sizeof(in->error)))
        return PTRACK_EINVAL;
    if (!in->utf16 && n >= 2 && (memcmp(b, "\xFF\xFE", 2) == 0 || memcmp(b, "\xFE\xFF", 2) == 0)) {
        snprintf(in->error, sizeof(in->error),
                 "the file is UTF-16 text: send encoding=utf-16, or save the document as UTF-8");
        return PTRACK_EINVAL;
    }
    return PTRACK_OK;
}

/* Reads a document that did not say its encoding, and whose first bytes
 * are no UTF-8, as GBK (GB18030, which holds it): what Notepad, Word and
 * WPS on a Chinese Windows save as "ANSI" text. Returns PTRACK_OK or
 * PTRACK_ENOMEM or PTRACK_ERROR (no converter; in->error says so). */
static int read_as_gbk(text_input_t *in)
{
    in->cd = iconv_open("UTF-8", "GB18030");
    if (in->cd == (iconv_t)-1) {
        snprintf(in->error, sizeof(in->error),
                 "the document is not UTF-8, and this system cannot read it as GBK (iconv "
                 "has no GB18030)");
        return PTRACK_ERROR;
    }
    in->dec = malloc(DEC_CAP);
    if (!in->dec) {
        iconv_close(in->cd);
        in->cd = (iconv_t)-1;
        in->dec = (char *)in->chunk.buf;
        return PTRACK_ENOMEM;
    }
    in->gb = in->guessed = 1;
    snprintf(in->named, sizeof(in->named), "GBK");
    return PTRACK_OK;
}

/* Refills dec. Returns 1 with new bytes, 0 at the end, or an error. */
static int fill(text_input_t *in)
{
    pt_chunk_reader_t *c = &in->chunk;
    in->dec_pos = in->dec_len = 0;
    /* With iconv, bytes left at the end are a character cut off, also in
     * a document shorter than a chunk, whose end the first fill saw:
     * refused below, not dropped. */
    if (c->eof && (in->cd == (iconv_t)-1 || c->len == c->pos))
        return 0;
    if (in->cd == (iconv_t)-1)
        c->pos = c->len; /* dec is the chunk, all of it handed out */
    int rc = pt_chunk_fill(c);
    if (rc > 0 && !in->sniffed) {
        in->sniffed = 1;
        /* The first bytes, as many as tell what a file is (a ZIP's
         * entries, an OLE2 file's streams). */
        int more = pt_chunk_fill_to(c, PT_FILE_KIND_SNIFF);
        if (more < 0)
            return more;
        /* UTF-8's byte order mark says the document is UTF-8, however
         * few characters it has beside its stray bytes, as the csv
         * importer takes it. */
        const unsigned char *b = c->buf + c->pos;
        size_t n = c->len - c->pos;
        int bom = n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0;
        int bad = sniff(in, b, n);
        if (bad == PTRACK_OK && !in->asked && !bom && !pt_utf8_judged(b, n, c->eof))
            bad = read_as_gbk(in);
        if (bad != PTRACK_OK)
            return bad;
    }
    if (in->cd == (iconv_t)-1) {
        in->dec_len = rc > 0 ? c->len : 0;
        return rc;
    }
    if (rc < 0)
        return rc;
    if (rc == 0) {
        if (c->len > c->pos) {
            snprintf(in->error, sizeof(in->error),
                     "line %ld: the file ends inside a character (it is not complete %s text)",
                     in->line_no + 1, in->named);
            return PTRACK_EINVAL;
        }
        return 0;
    }
    char *src = (char *)c->buf + c->pos, *dst = in->dec;
    size_t src_left = c->len - c->pos, dst_left = DEC_CAP;
    while (src_left > 0) {
        size_t r = iconv(in->cd, &src, &src_left, &dst, &dst_left);
        if (r != (size_t)-1)
            break;
        if (errno == EINVAL)
            break; /* a character cut by the chunk's end: keep it for the next chunk */
        if (errno == E2BIG)
            break; /* the rest waits for the next fill */
        if (in->gb && (unsigned char)*src == 0x80 && dst_left >= 3) {
            /* The euro sign of Windows' code page 936, the "GBK" that Word
             * and WPS write, which GB18030 moved elsewhere; browsers read
             * it so in either (the WHATWG Encoding Standard). */
            memcpy(dst, "\xE2\x82\xAC", 3);
            dst += 3;
            dst_left -= 3;
            src++;
            src_left--;
            continue;
        }
        /* The bad bytes stand on the line being read, after the lines
         * this chunk converted before them (not handed out yet). */
        long line = in->line_no + 1;
        for (const char *d = in->dec; d < dst; d++) {
            /* The LF of a CRLF whose CR ended the last chunk ends no line. */
            if (d == in->dec && *d == '\n' && in->pending_cr)
                continue;
            if (*d == '\n' || (*d == '\r' && (d + 1 == dst || d[1] != '\n')))
                line++;
        }
        snprintf(in->error, sizeof(in->error), "line %ld: bytes that are not %s text (%s)", line,
                 in->named,
                 in->utf16     ? "is it UTF-16 of the other byte order? say encoding=utf-16le or "
                                 "encoding=utf-16be"
                 : in->guessed ? "nor UTF-8, which its first bytes are not: it was read as GBK; "
                                 "say what it is with encoding="
                               : "is the file UTF-8? then leave out encoding");
        return PTRACK_EINVAL;
    }
    c->pos = c->len - src_left;
    in->dec_len = DEC_CAP - dst_left;
    return 1;
}

/* Ends the current line: checks it and hands it out. */
static int line_out(text_input_t *in, const char **line, size_t *len)
{
    in->line_no++;
    char *p = in->line;
    size_t n = in->line_len;
    if (in->first) {
        in->first = 0;
        if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
            p += 3;
            n -= 3;
        }
    }
    /* A character beyond the BMP written as CESU-8 (see utf8.h) is made
     * UTF-8; the line is ours until the next one is read. */
    if (in->cd == (iconv_t)-1)
        n = pt_utf8_join_surrogates(p, n);
    if (in->cd == (iconv_t)-1 && !pt_utf8_ok(p, n)) {
        if (pt_utf8_has_surrogate(p, n))
            snprintf(in->error, sizeof(in->error),
                     "line %ld holds a UTF-8-encoded surrogate (ED A0..ED BF) without its pair: "
                     "half of a character beyond the BMP as CESU-8 writes it, no character "
                     "alone",
                     in->line_no);
        else
            snprintf(in->error, sizeof(in->error),
                     "line %ld is not valid UTF-8 (send encoding=gbk if the document is GBK)",
                     in->line_no);
        return PTRACK_EINVAL;
    }
    *line = p;
    *len = n;
    in->line_len = 0;
    return 1;
}

int text_input_next(text_input_t *in, const char **line, size_t *len)
{
    for (;;) {
        while (in->dec_pos < in->dec_len) {
            char c = in->dec[in->dec_pos++];
            if (in->pending_cr) {
                in->pending_cr = 0;
                if (c == '\n')
                    continue; /* the LF of a CRLF whose CR ended the line */
            }
            if (c == '\n' || c == '\r') {
                in->pending_cr = c == '\r';
                return line_out(in, line, len);
            }
            if (in->line_len == in->line_cap) {
                if (in->line_cap >= TEXT_LINE_MAX) {
                    snprintf(in->error, sizeof(in->error),
                             "line %ld is longer than %d KB: this is not a text document",
                             in->line_no + 1, TEXT_LINE_MAX / 1024);
                    return PTRACK_EINVAL;
                }
                char *grown = realloc(in->line, in->line_cap * 2);
                if (!grown)
                    return PTRACK_ENOMEM;
                in->line = grown;
                in->line_cap *= 2;
            }
            in->line[in->line_len++] = c;
        }
        int rc = fill(in);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            if (in->line_len > 0)
                return line_out(in, line, len);
            return 0;
        }
    }
}

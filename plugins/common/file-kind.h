/*
 * file-kind.h - what an upload sent to a text importer (csv, text, json,
 * decidim) is when its first bytes show that it is no text at all: an
 * Excel or WPS workbook, a Word or WPS document, a PDF, an archive.
 *
 * Offices keep their proposals in spreadsheets and documents, and send the
 * .xlsx itself where the CSV saved from it was asked for. Read as text,
 * such a file was refused for bytes that are not GB18030 or not JSON,
 * which sends the clerk to the wrong fix (encoding=gbk). Its first bytes
 * say what it is: a ZIP (PK 03 04: .xlsx, .docx, WPS's newer files, whose
 * first entries' names tell a workbook from a document), an OLE2 compound
 * file (D0 CF 11 E0 A1 B1 1A E1: the old .xls, .doc and WPS's .et, .wps,
 * whose directory names its streams), a PDF (%PDF-), gzip, RAR or 7-Zip.
 * The importer is told so, in words that say what to do, and refuses the
 * file as broken as a whole (422), as it refuses any file it cannot read.
 */
#ifndef PT_FILE_KIND_H
#define PT_FILE_KIND_H

#include <stddef.h>

/* How many of the first bytes are worth looking at: a ZIP's first entries
 * and an OLE2 file's directory are usually within them. Fewer still tell
 * a ZIP, an OLE2 file or a PDF, only less exactly. */
#define PT_FILE_KIND_SNIFF (64 * 1024)

/* What an importer reads and what to do instead, in the words of its
 * messages. Each advice follows a colon: "save the sheet as CSV ...". */
typedef struct {
    const char *reads;    /* after "not": "CSV text" */
    const char *sheet;    /* for a workbook (.xlsx, .xls, .et, .ods) */
    const char *document; /* for a word processor's document (.docx, .doc, .wps, .odt) */
    const char *pdf;      /* for a PDF */
} pt_file_advice_t;

/* When head[0..n), the first bytes of an upload (PT_FILE_KIND_SNIFF of
 * them, or the whole file when it is shorter), shows a file that is no
 * text, writes to msg (size bytes) what it looks like and what to do
 * ("the file looks like an Excel or WPS workbook (.xlsx), not CSV text:
 * save the sheet as CSV ...") and returns 1; otherwise returns 0 and
 * leaves msg as it was. Text in any encoding, UTF-16 with its byte order
 * mark too, is none of these. Thread: any. */
int pt_file_not_text(const void *head, size_t n, const pt_file_advice_t *advice, char *msg,
                     size_t size);

#endif /* PT_FILE_KIND_H */

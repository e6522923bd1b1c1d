/*
 * file-kind.c - what an upload is when it is no text (see file-kind.h).
 */
#include "file-kind.h"

#include <stdio.h>
#include <string.h>

/* What to tell the user to do with a file of a kind. */
typedef enum {
    DO_SHEET,    /* the importer's advice for a workbook */
    DO_DOCUMENT, /* ... for a document */
    DO_PDF,      /* ... for a PDF */
    DO_EITHER,   /* a workbook or a document, which the bytes seen do not tell */
    DO_UNPACK,   /* an archive: what is inside may be the file */
} todo_t;

typedef struct {
    const char *looks; /* after "looks like" */
    todo_t todo;
} kind_t;

static const kind_t xlsx = {"an Excel or WPS workbook (.xlsx)", DO_SHEET};
static const kind_t docx = {"a Word or WPS document (.docx)", DO_DOCUMENT};
static const kind_t pptx = {"a PowerPoint or WPS presentation (.pptx)", DO_DOCUMENT};
static const kind_t ods = {"an OpenDocument spreadsheet (.ods)", DO_SHEET};
static const kind_t odt = {"an OpenDocument text (.odt)", DO_DOCUMENT};
static const kind_t office_zip = {"an Office or WPS file (.xlsx, .docx)", DO_EITHER};
static const kind_t zip = {"a ZIP archive (.zip)", DO_UNPACK};
static const kind_t xls = {"an Excel or WPS workbook of the old kind (.xls, .et)", DO_SHEET};
static const kind_t doc = {"a Word or WPS document of the old kind (.doc, .wps)", DO_DOCUMENT};
static const kind_t ppt = {"a PowerPoint or WPS presentation of the old kind (.ppt, .dps)",
                           DO_DOCUMENT};
static const kind_t ole2 = {"an Office or WPS file of the old kind (.xls, .doc, .et, .wps)",
                            DO_EITHER};
static const kind_t pdf = {"a PDF", DO_PDF};
static const kind_t gzip = {"a gzip-compressed file (.gz)", DO_UNPACK};
static const kind_t rar = {"a RAR archive (.rar)", DO_UNPACK};
static const kind_t sevenzip = {"a 7-Zip archive (.7z)", DO_UNPACK};

static int starts(const unsigned char *b, size_t n, const char *sig, size_t n_sig)
{
    return n >= n_sig && memcmp(b, sig, n_sig) == 0;
}

/* The first place in b[0..n) that holds the len bytes of s, or NULL. */
static const unsigned char *find(const unsigned char *b, size_t n, const char *s, size_t len)
{
    if (n < len)
        return NULL;
    const unsigned char *p = b, *last = b + (n - len);
    while (p <= last && (p = memchr(p, (unsigned char)s[0], (size_t)(last - p) + 1)) != NULL) {
        if (memcmp(p, s, len) == 0)
            return p;
        p++;
    }
    return NULL;
}

/* A ZIP's kind, from the names of the entries whose local headers (PK 03
 * 04, the name 30 bytes on, its length at 26) are among the bytes seen:
 * an Office Open XML file keeps its parts under xl/, word/ or ppt/, and
 * an OpenDocument file starts with the entry "mimetype", stored as it is. */
static const kind_t *zip_kind(const unsigned char *b, size_t n)
{
    const kind_t *k = &zip;
    size_t at = 0;
    const unsigned char *p;
    while ((p = find(b + at, n - at, "PK\3\4", 4)) != NULL) {
        size_t off = (size_t)(p - b), name_len, extra;
        at = off + 4;
        if (n - off < 30)
            break;
        name_len = (size_t)p[26] | (size_t)p[27] << 8;
        extra = (size_t)p[28] | (size_t)p[29] << 8;
        if (n - off - 30 < name_len)
            break;
        const unsigned char *name = p + 30;
        if (starts(name, name_len, "xl/", 3))
            return &xlsx;
        if (starts(name, name_len, "word/", 5))
            return &docx;
        if (starts(name, name_len, "ppt/", 4))
            return &pptx;
        if (name_len == 8 && memcmp(name, "mimetype", 8) == 0 && n - off - 30 - name_len >= extra) {
            const unsigned char *data = name + name_len + extra;
            size_t left = n - (size_t)(data - b);
            static const char od[] = "application/vnd.oasis.opendocument.";
            if (starts(data, left, od, sizeof(od) - 1)) {
                data += sizeof(od) - 1;
                left -= sizeof(od) - 1;
                if (starts(data, left, "spreadsheet", 11))
                    return &ods;
                if (starts(data, left, "text", 4))
                    return &odt;
            }
        }
        if (name_len == 19 && memcmp(name, "[Content_Types].xml", 19) == 0)
            k = &office_zip;
    }
    return k;
}

/* An OLE2 compound file's kind, from the names of its streams in its
 * directory (UTF-16LE, NUL-ended) when the directory is among the bytes
 * seen: Excel's and WPS's workbooks hold "Workbook" (Excel 5's "Book"),
 * Word's documents "WordDocument", PowerPoint's "PowerPoint Document". */
static const kind_t *ole2_kind(const unsigned char *b, size_t n)
{
    static const struct {
        const char *name;
        size_t len;
        const kind_t *kind;
    } streams[] = {
        {"W\0o\0r\0k\0b\0o\0o\0k\0\0\0", 18, &xls},
        {"B\0o\0o\0k\0\0\0", 10, &xls},
        {"W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0\0\0", 26, &doc},
        {"P\0o\0w\0e\0r\0P\0o\0i\0n\0t\0 \0D\0o\0c\0u\0m\0e\0n\0t\0\0\0", 40, &ppt},
    };
    for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++)
        if (find(b, n, streams[i].name, streams[i].len))
            return streams[i].kind;
    return &ole2;
}

static const kind_t *kind_of(const unsigned char *b, size_t n)
{
    if (starts(b, n, "PK\3\4", 4) || starts(b, n, "PK\5\6", 4)) /* an empty ZIP too */
        return zip_kind(b, n);
    if (starts(b, n, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return ole2_kind(b, n);
    if (starts(b, n, "%PDF-", 5))
        return &pdf;
    if (starts(b, n, "\x1F\x8B", 2))
        return &gzip;
    if (starts(b, n, "Rar!\x1A\x07", 6))
        return &rar;
    if (starts(b, n, "7z\xBC\xAF\x27\x1C", 6))
        return &sevenzip;
    return NULL;
}

int pt_file_not_text(const void *head, size_t n, const pt_file_advice_t *advice, char *msg,
                     size_t size)
{
    const kind_t *k = kind_of((const unsigned char *)head, n);
    if (!k)
        return 0;
    const char *looks = k->looks, *reads = advice->reads;
    switch (k->todo) {
    case DO_SHEET:
        snprintf(msg, size, "the file looks like %s, not %s: %s", looks, reads, advice->sheet);
        break;
    case DO_DOCUMENT:
        snprintf(msg, size, "the file looks like %s, not %s: %s", looks, reads, advice->document);
        break;
    case DO_PDF:
        snprintf(msg, size, "the file looks like %s, not %s: %s", looks, reads, advice->pdf);
        break;
    case DO_EITHER:
        snprintf(msg, size,
                 "the file looks like %s, not %s: if it is a workbook, %s; if a document, %s",
                 looks, reads, advice->sheet, advice->document);
        break;
    case DO_UNPACK:
        snprintf(msg, size, "the file looks like %s, not %s: unpack it and import the file inside",
                 looks, reads);
        break;
    }
    return 1;
}

/*
 * test_plugin_common_file_kind.c - what a file sent to a text importer is
 * when its first bytes show it is no text (plugins/common/file-kind.c): a
 * ZIP told by its entries' names (an .xlsx, a .docx, an .ods, another
 * ZIP), an OLE2 file by its streams' (an .xls or .et, a .doc or .wps, one
 * that does not say), a PDF, gzip, RAR and 7-Zip, each named with the
 * importer's advice; and text of every encoding the importers read (UTF-8
 * with or without its BOM, GBK, UTF-16 with its BOM, JSON) is none of them.
 * The files are built here, byte by byte, as their writers lay them out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "file-kind.h"

static const pt_file_advice_t advice = {
    .reads = "CSV text",
    .sheet = "SHEET",
    .document = "DOCUMENT",
    .pdf = "PDF",
};

static unsigned char buf[4096];

/* A ZIP's local file header for an entry `name` holding `data` (stored),
 * at buf + at; returns the offset after it. */
static size_t zip_entry(size_t at, const char *name, const char *data)
{
    size_t name_len = strlen(name), data_len = strlen(data);
    unsigned char *p = buf + at;
    memset(p, 0, 30);
    memcpy(p, "PK\3\4", 4);
    p[4] = 20;                               /* version needed */
    p[18] = p[22] = (unsigned char)data_len; /* sizes, compressed and not */
    p[26] = (unsigned char)name_len;
    memcpy(p + 30, name, name_len);
    memcpy(p + 30 + name_len, data, data_len);
    return at + 30 + name_len + data_len;
}

/* An OLE2 compound file: its header, then a directory sector naming the
 * root and `stream` (NULL: no stream of a known name). */
static size_t ole2(const char *stream)
{
    memset(buf, 0, 2048);
    memcpy(buf, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    const char *names[] = {"Root Entry", stream};
    for (size_t e = 0; e < 2 && names[e]; e++)
        for (size_t i = 0; names[e][i]; i++)
            buf[512 + e * 128 + i * 2] = (unsigned char)names[e][i]; /* UTF-16LE */
    return 2048;
}

static const char *kind(const void *b, size_t n)
{
    static char msg[512];
    strcpy(msg, "<text>");
    pt_file_not_text(b, n, &advice, msg, sizeof msg);
    return msg;
}

static void a_zip_is_named_by_its_entries(void **state)
{
    (void)state;
    size_t n = zip_entry(0, "[Content_Types].xml", "<Types/>");
    n = zip_entry(n, "_rels/.rels", "<Relationships/>");
    size_t office = n;
    n = zip_entry(n, "xl/workbook.xml", "<workbook/>");
    assert_string_equal(kind(buf, n), "the file looks like an Excel or WPS workbook (.xlsx), not "
                                      "CSV text: SHEET");
    n = zip_entry(office, "word/document.xml", "<w:document/>");
    assert_string_equal(kind(buf, n), "the file looks like a Word or WPS document (.docx), not CSV "
                                      "text: DOCUMENT");
    /* The parts are beyond the bytes seen: an Office file, one or the other. */
    assert_string_equal(kind(buf, office),
                        "the file looks like an Office or WPS file (.xlsx, .docx), not CSV text: "
                        "if it is a workbook, SHEET; if a document, DOCUMENT");
    n = zip_entry(0, "mimetype", "application/vnd.oasis.opendocument.spreadsheet");
    assert_string_equal(kind(buf, n), "the file looks like an OpenDocument spreadsheet (.ods), not "
                                      "CSV text: SHEET");
    n = zip_entry(0, "建议.csv", "标题\n");
    assert_string_equal(kind(buf, n), "the file looks like a ZIP archive (.zip), not CSV text: "
                                      "unpack it and import the file inside");
    /* Its first four bytes are enough to tell a ZIP. */
    assert_string_equal(kind("PK\3\4", 4), "the file looks like a ZIP archive (.zip), not CSV "
                                           "text: unpack it and import the file inside");
}

static void an_ole2_file_is_named_by_its_streams(void **state)
{
    (void)state;
    size_t n = ole2("Workbook");
    assert_string_equal(kind(buf, n), "the file looks like an Excel or WPS workbook of the old "
                                      "kind (.xls, .et), not CSV text: SHEET");
    n = ole2("WordDocument");
    assert_string_equal(kind(buf, n), "the file looks like a Word or WPS document of the old kind "
                                      "(.doc, .wps), not CSV text: DOCUMENT");
    n = ole2(NULL);
    assert_string_equal(kind(buf, n),
                        "the file looks like an Office or WPS file of the old kind (.xls, .doc, "
                        ".et, .wps), not CSV text: if it is a workbook, SHEET; if a document, "
                        "DOCUMENT");
    /* Seven bytes of the signature are not one. */
    assert_string_equal(kind(buf, 7), "<text>");
}

static void a_pdf_and_archives_are_named(void **state)
{
    (void)state;
    assert_string_equal(kind("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 15),
                        "the file looks like a PDF, not CSV text: PDF");
    assert_string_equal(kind("\x1F\x8B\x08\x00", 4), "the file looks like a gzip-compressed file "
                                                     "(.gz), not CSV text: unpack it and import "
                                                     "the file inside");
    assert_string_equal(kind("Rar!\x1A\x07\x01\x00", 8),
                        "the file looks like a RAR archive (.rar), not CSV text: unpack it and "
                        "import the file inside");
    assert_string_equal(kind("7z\xBC\xAF\x27\x1C", 6), "the file looks like a 7-Zip archive (.7z), "
                                                       "not CSV text: unpack it and import the "
                                                       "file inside");
}

static void text_is_none_of_them(void **state)
{
    (void)state;
    assert_string_equal(kind("", 0), "<text>");
    assert_string_equal(kind("标题,编号\n", strlen("标题,编号\n")), "<text>");
    assert_string_equal(kind("\xEF\xBB\xBF标题\n", strlen("\xEF\xBB\xBF标题\n")), "<text>");
    assert_string_equal(kind("\xB1\xEA\xCC\xE2\n", 5), "<text>");       /* 标题 in GBK */
    assert_string_equal(kind("\xFF\xFE\x07\x68\x98\x98", 6), "<text>"); /* UTF-16LE with its BOM */
    assert_string_equal(kind("[{\"title\": \"PK\"}]", 17), "<text>");
    assert_string_equal(kind("%PDF", 4), "<text>"); /* not the signature whole */
    assert_string_equal(kind("PK,编号\n", strlen("PK,编号\n")), "<text>");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_zip_is_named_by_its_entries),
        cmocka_unit_test(an_ole2_file_is_named_by_its_streams),
        cmocka_unit_test(a_pdf_and_archives_are_named),
        cmocka_unit_test(text_is_none_of_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

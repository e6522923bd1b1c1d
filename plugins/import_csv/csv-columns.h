/*
 * csv-columns.h - what the CSV importer and exporter agree on: the columns
 * of a proposal in a spreadsheet, their English and Chinese headers, the
 * Chinese labels of the enumerated values, and how list fields are written
 * into one cell and read back out of it.
 *
 * The exporter (plugins/export_csv) compiles this file too, so that what it
 * writes is, by construction, what the importer reads: the round trip of
 * issue 4 ("CSV exported then imported reproduces every field") rests on
 * both sides using one table and one pair of join/split functions. The
 * client (cli/names.c) compiles it for csv_split_names, so that names
 * typed as one value (`--co-signer "王秀英，张建军"`) are split as a cell
 * of them is.
 *
 * The headers and the labels of the values are plugins/common/labels.h's,
 * which the other plugins show too.
 *
 * Nothing here calls the host or allocates.
 */
#ifndef PT_CSV_COLUMNS_H
#define PT_CSV_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "labels.h"
#include "strbuf.h"

/* Appends s (n bytes) as a JSON string literal, quotes included. */
void csv_json_str(pt_str_t *b, const char *s, size_t n);

/* How a column's cell becomes part of a proposal. */
typedef enum {
    CC_IGNORE = 1,   /* written for people (overdue), not read back */
    CC_ID,           /* the proposal's id where it was exported */
    CC_MERGED_INTO,  /* the id (there) of the proposal it was merged into */
    CC_TEXT,         /* a string field, taken as it is (title, background) */
    CC_NAME,         /* a short string field, trimmed (number, session) */
    CC_ENUM,         /* a name or its Chinese label (status, kind) */
    CC_LIST,         /* names joined with 、 (tags) */
    CC_PEOPLE,       /* names of people joined with 、 (co_signers): csv_split_people */
    CC_RECS,         /* numbered asks (recommendations) */
    CC_LEAD_UNITS,   /* names of the lead (or separate) units */
    CC_CO_UNITS,     /* names of the co units */
    CC_TIME,         /* an RFC 3339 time or a date */
    CC_BOOL,         /* 是/否, true/false */
    CC_DOC_NO,       /* the last reply's doc_no */
    CC_REPLY_CAT,    /* the last reply's category A/B/C/D */
    CC_REPLIED_AT,   /* the last reply's time */
    CC_SATISFACTION, /* the last feedback's satisfaction */
    CC_SOURCE_FORMAT,
    CC_SOURCE_REF,
    CC_JSON_UNITS, /* the full JSON of units, replies, feedback, custom: */
    CC_JSON_REPLIES,
    CC_JSON_FEEDBACK,
    CC_JSON_CUSTOM, /* what the readable columns cannot hold exactly */
} csv_col_kind_t;

/* A column. Its Chinese header (what the exporter writes by default) and
 * the other headers read as it are pt_field_find(key)'s. */
typedef struct {
    const char *key; /* the header with lang=en, and the name `map` uses */
    csv_col_kind_t kind;
    const char *path;         /* the record path of CC_TEXT/NAME/ENUM/LIST/RECS/TIME/BOOL */
    const pt_label_t *labels; /* CC_ENUM */
} csv_column_t;

/* Every column, in the order the exporter writes them; ends with a NULL
 * key. */
extern const csv_column_t csv_columns[];

/* The Chinese header of a column. */
const char *csv_column_zh(const csv_column_t *col);
/* The column a header names (English key, Chinese header or alias,
 * compared after trimming white space), or NULL. A header that joins
 * names of one field (领衔代表/第一提案人, 标题（案由）) names that field. */
const csv_column_t *csv_column_by_header(const char *header, size_t n);
/* The column of a `map` key ("title", "lead_units"), or NULL. */
const csv_column_t *csv_column_by_key(const char *key);

/* Receives one item of a split cell (not NUL-terminated). Returns 0 to go
 * on, anything else to stop (and csv_split_* returns it). */
typedef int (*csv_item_fn)(void *ctx, const char *s, size_t n);

/* Splits names (tags, units) on 、 ， , ; ； and line breaks; items are
 * trimmed, empty ones dropped. */
int csv_split_names(const char *s, size_t n, csv_item_fn fn, void *ctx);
/* Splits the names of people (co_signers) as csv_split_names does, and
 * then an item that holds white space (ASCII or U+3000) on its runs of it,
 * when every piece looks like the name of a Chinese person
 * (pt_person_name_zh): "张三 李四　王五" is three names, as spreadsheets of
 * offices often write them, while "John Smith", "张　三" (a name padded to
 * line up) and "张三 John" stay one item each. */
int csv_split_people(const char *s, size_t n, csv_item_fn fn, void *ctx);

/* Splits recommendations on their numbering, the first style that has
 * markers 1 and 2 of all: 一、二、, paragraphs (一)…(二)… or （一）…（二）…,
 * numbered 1. 2. / 1、2、 / １．２． / (1)(2), inline 一是…二是…. 一、 and 1.
 * start a line or a clause (after 。；：); 一是 and (一) may follow any
 * punctuation. No marker counts inside quotes (“” 「」 『』 "), where they pair
 * up. One marker alone is no list. Without numbering, one item per
 * non-empty line. The markers are dropped, items are trimmed of white space
 * and of a trailing ；; or ，. A preamble before the first marker that ends
 * with a colon ("建议：") introduces the list and is dropped; any other
 * preamble is kept as the first item. */
int csv_split_recommendations(const char *s, size_t n, csv_item_fn fn, void *ctx);

/* Writes recommendation number k (1-based) as the exporter numbers them,
 * "（一）", into buf (at least 32 bytes). Returns false above 99. */
bool csv_recs_marker(int k, char *buf, size_t len);

/* True when s is blank: spaces of any kind and the characters that show
 * nothing alone, or nothing (pt_utf8_blank, as ptrackd takes a field). */
bool csv_blank(const char *s, size_t n);
/* Trims ASCII white space and U+3000 from both ends. */
void csv_trim(const char **s, size_t *n);

#endif

/*
 * text_norm.h - one line of a document made regular, and page furniture
 * told apart from text.
 *
 * Newspaper text reaches us typed on every kind of keyboard and cut from
 * every kind of layout: full-width digits (１２３) next to half-width ones,
 * Latin commas and brackets between Chinese words, spaces that justified
 * columns put between characters, and lines that are not text at all (page
 * headers, editors' names, captions, classified ads). The importer matches
 * its markers on the normalised line only, so one form of each mark is
 * enough there.
 */
#ifndef IMPORT_TEXT_NORM_H
#define IMPORT_TEXT_NORM_H

#include "text_ustr.h"

/* Normalises line in place:
 * - full-width digits, letters and . % - / + = become ASCII (１２３ → 123,
 *   "1．" → "1.");
 * - half-width , ; : ( ) ! ? next to Chinese text become the Chinese marks
 *   (，；：（）！？), except between digits (10:30, 1,000);
 * - ideographic and no-break spaces and tabs become spaces, spaces next to
 *   Chinese text go, runs of spaces become one, both ends are trimmed;
 * - control characters go. A form feed (a page break) sets *page_break. */
void tn_normalise(ustr_t *line, int *page_break);

typedef enum {
    TN_TEXT = 0,  /* text (possibly with captions cut out of it) */
    TN_BLANK,     /* nothing */
    TN_FURNITURE, /* a page header, an editor's line, a caption, an ad line */
    TN_AD_HEADER, /* "广告", "分类广告": the lines up to the next blank are ads */
    TN_AD_LINE,   /* a short line with a telephone number and a sentence
                   * after it: an ad's, unless it goes on with a sentence
                   * that the line before left open, as a narrow column
                   * wraps 群众拨打 / 0351-12345678等号码常常占线，… */
} tn_kind_t;

/* Cuts captions and continuation notes （图为…） （…摄） （下转第4版） out of
 * a normalised line and says what remains; *continued is set when a note
 * cut says that the line's text continues one from another page
 * (（上接第1版）…): a page break before it. A line that ends with a
 * photographer's credit (…。本报记者 李某某 摄, …。（记者 张某某 摄）) is a
 * caption as a whole, a reporter's byline (本报记者 王某某, 记者 王某某
 * 李某某) is furniture; a short line with a telephone number (0351-7654321,
 * 0351—7654321, 0351 7654321, 138 0013 8000) an ad's. */
tn_kind_t tn_furniture(ustr_t *line, int *continued);

#endif

/*
 * text_markers.h - the marks that give a proposal its structure, found in
 * a normalised paragraph (text_norm.h): the numbering of asks, section
 * headings (背景, 建议), source lines, title and delegation lines, and the
 * names in them. Pure functions of the text; the importer's state machine
 * (import_text.c) decides what they mean where they stand.
 */
#ifndef IMPORT_TEXT_MARKERS_H
#define IMPORT_TEXT_MARKERS_H

#include "text_ustr.h"

/* Whether the paragraph's last character ends a sentence or a bracket, so
 * that the next line starts a new paragraph: 。！？；：… and closing brackets
 * and quotes. */
int tm_terminated(const uint32_t *s, size_t n);

/* The length of a leading ask number, with the spaces after it: （一）(1)
 * 一、 一. 1. 1、 ① ⑴ ⒈ 第一，; 0 when there is none. "1.5亿元" and "2024年" are not
 * numbers of asks. */
size_t tm_numbering(const uint32_t *s, size_t n);

/* Whether s begins with a list of numbers, 2、3 (2、3号线延伸段…): the
 * number of an ask (2、3年内建成…) where a paragraph begins, but the
 * middle of a sentence where a narrow column wrapped the line before it
 * (1．加快推进地铁 / 2、3号线延伸段建设…), which the caller knows. */
int tm_number_list(const uint32_t *s, size_t n);

enum { TM_NONE = 0, TM_BACKGROUND = 1, TM_RECS = 2 };
/* A section heading at the start: 背景： 【背景】 案由： 建议： 【具体建议】
 * (also after a number: 一、背景), or a line made only of the words of
 * headings (几点建议, 三、对策与建议, 一、现状与问题, 存在的主要问题).
 * Returns TM_BACKGROUND or TM_RECS (…建议, 对策, 措施) with *content the
 * index of the text after the heading (n when the heading stands alone),
 * or TM_NONE. "建议国家…" (a sentence) is not a heading. */
int tm_section(const uint32_t *s, size_t n, size_t *content);

/* A source note: the whole paragraph （据《山西日报》） / （来源：…） / 来源：…
 * / 据新华社, or such a note in brackets at the paragraph's end, also a
 * dateline （新华社太原3月8日电） or a reporter's credit （记者 刘某某）,
 * which end an article too. Returns 1 with *start where the note starts
 * (0: the whole paragraph) and the source's name in name ("山西日报",
 * "山西代表团简报第5期", "新华社"; nothing for a reporter's credit). */
int tm_source(const uint32_t *s, size_t n, size_t *start, ustr_t *name);

/* A line that can be a proposal's title: short, no sentence inside, and
 * starting with 关于 or ending with 的建议/的议案/的提案 (not a heading such
 * as 具体建议, not a delegation line), or a headline naming its author
 * (tm_headline). A whole 关于…的建议 may hold a comma. */
int tm_title(const uint32_t *s, size_t n);

enum { TM_SUGGESTION = 1, TM_MOTION = 2, TM_PROPOSAL = 3 };
/* What a title's last word makes the proposal: TM_SUGGESTION (…建议),
 * TM_MOTION (…议案), TM_PROPOSAL (…提案), a document number after it
 * (…的提案（第0123号）) left aside; TM_NONE when it ends otherwise. */
int tm_title_kind(const uint32_t *s, size_t n);

/* The end of a title without the document number in brackets after it:
 * 关于加强农村养老服务的建议（第0088号） (also (第0088号), （第三一〇五号）)
 * ends before the bracket. The number's digits are appended to number
 * (0088, 3105, as tm_ident_line gives them) unless it is NULL. Returns n
 * when the title ends with no such number. */
size_t tm_title_number(const uint32_t *s, size_t n, ustr_t *number);

/* Where the title starts in a headline that names its author before a
 * colon (全国人大代表王某某：建议加快推进县域医共体建设 → 建议…); 0 when s
 * is not such a headline. */
size_t tm_headline(const uint32_t *s, size_t n);

/* A short line that names the delegation or the people behind the
 * proposal: 山西团代表提出建议—— / 山西代表团 / 领衔代表：王某某 / 王某某代表
 * / 全国人大代表王某某 / 王某某等10名代表 / 提案人：全国政协委员 孙某某 /
 * 联名代表：李某某、张某某. */
int tm_delegation_line(const uint32_t *s, size_t n);

/* The delegation named in s ("山西代表团" for 山西团代表… and 山西代表团…),
 * appended to out. Returns 1 when found. */
int tm_delegation(const uint32_t *s, size_t n, ustr_t *out);

/* The lead author named in a delegation line (领衔代表 王某某, 王某某代表,
 * 全国人大代表王某某, 山西代表团代表 王某某, 王某某等10名代表, 提案人：
 * 全国政协委员 孙某某), appended to out. Returns 1 when found. */
int tm_lead_author(const uint32_t *s, size_t n, ustr_t *out);

/* The names that follow the lead author's, joined to it by 、, in a
 * delegation line: 全国人大代表张某某、李某某等10名代表提出建议 gives 李某某
 * (等10名代表 names no one more). lead[0..lead_n) is the lead author
 * tm_lead_author found in s. Each name is appended to out followed by a
 * line feed. Returns 1 when there was one. */
int tm_named_co_signers(const uint32_t *s, size_t n, const uint32_t *lead, size_t lead_n,
                        ustr_t *out);

/* The co-signers named in a line 联名代表：李某某、张某某、王某某等32名代表
 * (also 联名委员, 附议代表, 附议人), each appended to out followed by a
 * line feed: what looks like a Chinese person's name (pt_person_name_zh,
 * as the CSV importer reads a cell of co-signers), 阿卜杜拉·买买提 whole.
 * Returns 1 when s is such a line, names or not. */
int tm_co_signers(const uint32_t *s, size_t n, ustr_t *out);

/* What tm_ident_line makes of a line. */
enum {
    TM_ID_NONE = 0,   /* a line of another kind, or of more than these */
    TM_ID_READ,       /* a number, a session, or both, appended */
    TM_ID_DATE,       /* a form's number that is a date (编号：2026-03-05) */
    TM_ID_NOT_NUMBER, /* a form's number that is no number (编号：待定) */
    TM_ID_STANDING    /* a meeting of a standing committee, no session */
};

/* A line that gives a proposal's number or its session, or both, and
 * nothing else, as an office's documents print them above the title or in
 * the form lines of its header: 第3105号, 第3105号建议, 建议第3105号,
 * 编号：3105, 提案编号：0123 (also 编号：D-12: digits, Latin letters and
 * hyphens), 第十四届全国人民代表大会第二次会议, 十四届全国人大二次会议第3105号
 * 建议, 全国人大十四届二次会议, 届次：十四届二次, 会议：省十四届人大三次会议,
 * （第0088号） (the bracket after a title, on the line below it). The
 * counts of a session are Chinese numerals or digits (第14届…第2次会议); a
 * number's are digits, or Chinese numerals digit by digit (第三一〇五号:
 * 3105) or with units (第一百零五号: 105).
 * The number's digits (3105, 0123) and the session as written are appended
 * to number and session, and TM_ID_READ returned. A form's number that is
 * a date or no number at all, and a meeting of a standing committee
 * (十四届全国人大常委会第十次会议, alone or as a form's 会议), which is no
 * congress's session, are lines of the form that give nothing:
 * TM_ID_DATE, TM_ID_NOT_NUMBER, TM_ID_STANDING. A line with anything else
 * in it (第3号文件, a telephone number, a date) is TM_ID_NONE. */
int tm_ident_line(const uint32_t *s, size_t n, ustr_t *number, ustr_t *session);

/* The highest inline ask number: 九十九是, 99. (⑳ is the last circled
 * number, ⒇ the last in parentheses.) */
#define TM_INLINE_MAX 99

/* The forms an inline ask number takes; a series keeps one form. */
typedef enum {
    TM_F_SHI,    /* 一是 二是 */
    TM_F_YAO,    /* 一要 二要 */
    TM_F_PAREN,  /* （一） （二） */
    TM_F_PARNUM, /* （1） （2） */
    TM_F_DOT,    /* 1. 2. */
    TM_F_DUN,    /* 1、 2、 */
    TM_F_DI,     /* 第一， 第二， */
    TM_F_CIRCLE, /* ① ② */
    TM_F_PNUM,   /* ⑴ ⑵, the numbers in parentheses of one character */
    TM_F_NDOT,   /* ⒈ ⒉, the numbers with a full stop of one character */
    TM_F_CNDOT,  /* 一. 二. (一． typed with a full stop for 、) */
    TM_F_COUNT
} tm_form_t;

/* Where the inline ask number k of the given form (1: 一是, 2: 二是, …)
 * starts at or after from, at a clause boundary (the start, or after
 * punctuation, a space or 建议; number 1 also at the end of a short clause
 * that speaks of 建议: 建议国家有关部门一是…), not inside quotes “…”, and
 * with text of the ask after it (1、2号 is no number); -1 when there is
 * none or k is out of the form's range. *len is the marker's length with
 * the punctuation after it. */
long tm_inline(const uint32_t *s, size_t n, size_t from, int form, int k, size_t *len);

/* Where the first inline series at or after from starts: a number 1 with
 * the number 2 of the same form after it (a lone "1." or 一是 is none).
 * Returns -1 when there is none, else the position with its form in *form
 * and the first marker's length in *len. */
long tm_series(const uint32_t *s, size_t n, size_t from, int *form, size_t *len);

/* What tm_series found in one text, kept so that a walk through the
 * series of a long paragraph does not search it again from each series
 * for forms it does not hold. Valid for one text; set up with
 * tm_scan_init. */
typedef struct {
    int known[TM_F_COUNT];
    size_t from[TM_F_COUNT]; /* where the search for number 1 started */
    long at1[TM_F_COUNT];    /* the first number 1 from there, or -1 */
    size_t len1[TM_F_COUNT];
    long at2[TM_F_COUNT]; /* the number 2 after at1, or -1 */
} tm_scan_t;

void tm_scan_init(tm_scan_t *sc);

/* tm_series with what sc holds of s. */
long tm_series_scan(const uint32_t *s, size_t n, size_t from, tm_scan_t *sc, int *form,
                    size_t *len);

/* The length of an inline ask number at the start of s (二是, 十一是) with
 * the punctuation after it, and the number in *k; 0 when s does not start
 * with one. */
size_t tm_inline_lead(const uint32_t *s, size_t n, int *k);

/* The length of the text before the first inline ask once a closing
 * introduction (为此，代表们建议：) is cut from it. */
size_t tm_intro_cut(const uint32_t *s, size_t n);

/* Whether the paragraph introduces asks that follow as paragraphs: it ends
 * with a colon and speaks of 建议 (为此，提出如下建议：). */
int tm_intro(const uint32_t *s, size_t n);

/* The end of an ask without the punctuation that separated it from the
 * next one (；，。、 and spaces). */
size_t tm_ask_end(const uint32_t *s, size_t a, size_t b);

/* Whether the text names problems (问题, 不足, 短板, …): a list it
 * introduces is background, not asks. */
int tm_names_problems(const uint32_t *s, size_t n);

/* Whether the paragraph is the formula that closes the asks (以上建议，供
 * 有关部门参考。), which is none of them. */
int tm_closing(const uint32_t *s, size_t n);

#endif

/*
 * test_cli_width.c - how many columns the client counts for text (cli/width.c),
 * which is what keeps its tables in line: Chinese and fullwidth signs two,
 * marks none, and an emoji sequence (a family joined by ZWJ, a skin tone, a
 * flag, VS16) two, as one emoji, never cut or wrapped in the middle; a
 * private use character (an office's 造字) two, as the ideograph it
 * stands for; and a paragraph wrapped at any width keeps every character,
 * with no line that starts with closing punctuation or ends with opening
 * punctuation where the width leaves a choice, and no line that ends with
 * a date whose time starts the next; a list of labels in brackets breaks
 * only between labels where the caller asks, and one of labels with their
 * codes (草稿 draft、…) only between pairs. What a usage error quotes
 * has its controls and bidirectional characters as escapes, and a
 * paragraph is cleaned and fits its width, but for a path or a URL wider
 * than the line, which it does not cut.
 *
 * The emoji are written as universal character names, so that the joiners
 * and selectors, which show nothing, can be read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "width.h"

#define ZWJ "\u200D"
#define VS15 "\uFE0E"
#define VS16 "\uFE0F"
#define MAN "\U0001F468"
#define WOMAN "\U0001F469"
#define GIRL "\U0001F467"
#define FAMILY MAN ZWJ WOMAN ZWJ GIRL        /* 👨‍👩‍👧 */
#define THUMBS_MEDIUM "\U0001F44D\U0001F3FD" /* 👍🏽 */
#define FLAG_CN "\U0001F1E8\U0001F1F3"       /* 🇨🇳 */
#define FLAG_US "\U0001F1FA\U0001F1F8"       /* 🇺🇸 */

static size_t cut(const char *s, size_t max, char *out, size_t cap)
{
    pt_buf_t b = {0};
    size_t w = pt_text_truncate(&b, s, max);
    snprintf(out, cap, "%s", pt_buf_str(&b));
    pt_buf_free(&b);
    return w;
}

static char *clean(const char *s)
{
    static char out[256];
    pt_buf_t b = {0};
    pt_text_clean(&b, s);
    snprintf(out, sizeof out, "%s", pt_buf_str(&b));
    pt_buf_free(&b);
    return out;
}

/* What was typed, quoted in a usage error: a byte that is not UTF-8 and a
 * control character as \xNN, a C1 control and a bidirectional formatting
 * character as \uNNNN, so that the message is UTF-8 and one line and
 * nothing in it acts on the terminal; Chinese, emoji and a backslash as
 * they are, and what is shown already is shown the same again. */
static void shown_escapes_what_would_act_on_a_terminal(void **state)
{
    static const struct {
        const char *typed, *shown;
    } cases[] = {
        {"省交通运输厅", "省交通运输厅"},
        {"\xbd\xbb\xb0\xec", "\\xbd\\xbb\\xb0\\xec"},
        {"2026-12-01\n", "2026-12-01\\x0a"},
        {"a\tb\rc\x1b[31m\x7f", "a\\x09b\\x0dc\\x1b[31m\\x7f"},
        {"汇\xC2\x85"
         "总\xC2\x9B",
         "汇\\u0085总\\u009B"},
        {"省\u202E交通厅\u2067\u200F", "省\\u202E交通厅\\u2067\\u200F"},
        {"\u00A0\u00A1" FAMILY ZWJ "\\x0a", "\u00A0\u00A1" FAMILY ZWJ "\\x0a"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *shown = pt_utf8_shown(cases[i].typed);
        assert_string_equal(shown, cases[i].shown);
        char *again = pt_utf8_shown(shown);
        assert_string_equal(again, shown);
        /* A name shown otherwise cannot be typed from the message. */
        pt_buf_t q = {0};
        assert_int_equal(strcmp(pt_shell_name(&q, cases[i].typed), "FILE") != 0,
                         *cases[i].typed && strcmp(cases[i].typed, cases[i].shown) == 0);
        pt_buf_reset(&q);
        assert_string_not_equal(pt_shell_name(&q, shown), "FILE");
        pt_buf_free(&q);
        free(again);
        free(shown);
    }
}

/* A file name in a command to type is as the shell reads it back. */
static void a_file_name_in_a_command_is_quoted_for_the_shell(void **state)
{
    static const struct {
        const char *path, *typed;
    } cases[] = {
        {"提案汇总.csv", "提案汇总.csv"},
        {"/srv/导入/a_b-1.2+3,4:5@6%7.csv", "/srv/导入/a_b-1.2+3,4:5@6%7.csv"},
        {"my file.csv", "'my file.csv'"},
        {"$HOME/x.csv", "'$HOME/x.csv'"},
        {"王's.csv", "'王'\\''s.csv'"},
        {"~/a.csv", "'~/a.csv'"},
        {"-x.csv", "'./-x.csv'"},
        {"-", "-"},
        {"\xb4\xf0.csv", "FILE"},
        {"a\x1b[2J.csv", "FILE"},
        {"", "FILE"},
        {NULL, "FILE"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pt_buf_t q = {0};
        assert_string_equal(pt_shell_name(&q, cases[i].path), cases[i].typed);
        pt_buf_free(&q);
    }
}

/* A paragraph (a plugin's reason, what token create made): on one line to
 * the last column when it fits; else wrapped, the lines after the first
 * indented by 2 and none wider than the width; cleaned as a cell is; and
 * ended by a newline either way. */
static void a_paragraph_fits_its_width(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    pt_text_paragraph(&b, "已创建 made token 收文 (unit, 财政部)", 40);
    assert_string_equal(pt_buf_str(&b), "已创建 made token 收文 (unit, 财政部)\n");
    pt_buf_reset(&b);
    pt_text_paragraph(&b, "0123456789", 10);
    assert_string_equal(pt_buf_str(&b), "0123456789\n");
    pt_buf_reset(&b);
    pt_text_paragraph(&b, "a\u202Eb\nc", 10);
    assert_string_equal(pt_buf_str(&b), "ab c\n");
    pt_buf_reset(&b);
    pt_text_paragraph(&b, "山西省住房和城乡建设厅城市建设处联络办公室", 20);
    assert_string_equal(pt_buf_str(&b), "山西省住房和城乡建\n  设厅城市建设处联络\n  办公室\n");
    pt_buf_reset(&b);
    pt_text_paragraph(&b, "", 10);
    assert_string_equal(pt_buf_str(&b), "\n");
    pt_buf_free(&b);
}

/* A bidirectional formatting character in a title (U+202E RLO) turned the
 * rest of a table's row around on a terminal: the cleaning of a cell, of
 * a one-line field and of each wrapped line drops them all, and they take
 * no column. */
static void bidi_controls_are_dropped_from_what_is_shown(void **state)
{
    static const char *const bidi[] = {"\u061C", "\u200E", "\u200F", "\u202A", "\u202B", "\u202C",
                                       "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"};
    (void)state;
    for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
        char s[64];
        snprintf(s, sizeof s, "关于%s加强管理的建议", bidi[i]);
        assert_string_equal(clean(s), "关于加强管理的建议");
        assert_int_equal(pt_text_width(s), 18);
    }
    assert_string_equal(clean("\u202E"
                              "txt.exe\u202C 1001"),
                        "txt.exe 1001");
    /* What shows something, or joins an emoji, stays. */
    assert_string_equal(clean("农村"
                              "\u200B"
                              "公路 " FAMILY),
                        "农村"
                        "\u200B"
                        "公路 " FAMILY);

    pt_buf_t b = {0};
    pt_text_wrap(&b,
                 "第一行"
                 "\u202E"
                 "倒过来"
                 "\u2067"
                 "的文字",
                 2, 80);
    assert_string_equal(pt_buf_str(&b), "  第一行倒过来的文字\n");
    pt_buf_free(&b);
}

static void chinese_and_fullwidth_take_two_columns(void **state)
{
    (void)state;
    assert_int_equal(pt_text_width("abc"), 3);
    assert_int_equal(pt_text_width("建议"), 4);
    assert_int_equal(pt_text_width("（一）、。"), 10);
    assert_int_equal(pt_text_width("“办理”…"), 7); /* “ ” …: Ambiguous, one column */
    assert_int_equal(pt_text_width("e\u0301"), 1); /* é as e and a combining accent */
    assert_int_equal(pt_text_width("\xFF"), 1);    /* an invalid byte, shown as U+FFFD */
    assert_int_equal(pt_text_width(""), 0);
}

/* An office's 造字: a rare character of a name that GBK's user-defined
 * area (AAA1 is U+E000) or the office's own input method put in the
 * private use area, drawn by its font as an ideograph. */
#define ZAOZI "\uE000"
#define ZAOZI_LAST "\uF8FF"
#define ZAOZI_15 "\U000F0000"
#define ZAOZI_16 "\U0010FFFD"

static void a_private_use_character_takes_two_columns_as_an_ideograph(void **state)
{
    (void)state;
    assert_int_equal(pt_text_width(ZAOZI), 2);
    assert_int_equal(pt_text_width(ZAOZI_LAST), 2);
    assert_int_equal(pt_text_width(ZAOZI_15), 2);
    assert_int_equal(pt_text_width(ZAOZI_16), 2);
    assert_int_equal(pt_text_width("王" ZAOZI "明"), 6); /* a name with one */
    /* Beside the private use area: U+D7FF (Hangul Jamo Extended-B) and
     * the planes' noncharacters stay one column. */
    assert_int_equal(pt_text_width("\uD7FB"), 1);
    assert_int_equal(pt_text_width("\U000FFFFE"), 1);
    /* Cut and wrapped as an ideograph is: whole, and a line may break
     * beside it. */
    char out[64];
    assert_int_equal(cut("王" ZAOZI "明", 5, out, sizeof out), 5);
    assert_string_equal(out, "王" ZAOZI "…");
    assert_int_equal(cut("王" ZAOZI "明", 4, out, sizeof out), 3);
    assert_string_equal(out, "王…");
    pt_buf_t b = {0};
    pt_text_wrap(&b, "王" ZAOZI "明" ZAOZI, 0, 4);
    assert_string_equal(pt_buf_str(&b), "王" ZAOZI "\n明" ZAOZI "\n");
    pt_buf_free(&b);
}

static void an_emoji_sequence_takes_the_columns_of_one_emoji(void **state)
{
    (void)state;
    assert_int_equal(pt_text_width(FAMILY), 2);
    assert_int_equal(pt_text_width(THUMBS_MEDIUM), 2);
    /* 👩🏽‍💻: a skin tone, then a joined laptop. */
    assert_int_equal(pt_text_width(WOMAN "\U0001F3FD" ZWJ "\U0001F4BB"), 2);
    /* 👩‍❤️‍💋‍👨: a selector inside the sequence. */
    assert_int_equal(pt_text_width(WOMAN ZWJ "\u2764" VS16 ZWJ "\U0001F48B" ZWJ MAN), 2);
    /* 🏳️‍🌈: a flag that is one column without VS16. */
    assert_int_equal(pt_text_width("\U0001F3F3" VS16 ZWJ "\U0001F308"), 2);
    /* A skin tone alone is drawn as a swatch. */
    assert_int_equal(pt_text_width("\U0001F3FD"), 2);
    /* A table cell: a name and a family. */
    assert_int_equal(pt_text_width("张三" FAMILY "a"), 7);
    /* A joiner between letters joins no columns. */
    assert_int_equal(pt_text_width("a" ZWJ "b"), 2);
}

static void two_regional_indicators_are_one_flag(void **state)
{
    (void)state;
    assert_int_equal(pt_text_width(FLAG_CN), 2);
    assert_int_equal(pt_text_width(FLAG_CN FLAG_US), 4);
    /* A third letter starts a flag that never comes: one column. */
    assert_int_equal(pt_text_width(FLAG_CN "\U0001F1FA"), 3);
}

static void vs16_asks_for_an_emoji_two_columns_wide(void **state)
{
    (void)state;
    assert_int_equal(pt_text_width("\u2764"), 1);          /* ❤ as text */
    assert_int_equal(pt_text_width("\u2764" VS16), 2);     /* ❤️ */
    assert_int_equal(pt_text_width("1" VS16 "\u20E3"), 2); /* 1️⃣ */
    assert_int_equal(pt_text_width("1\u20E3"), 1);         /* 1⃣ without it */
    assert_int_equal(pt_text_width("a" VS16), 1);          /* nothing to ask for */
    assert_int_equal(pt_text_width("\u263A" VS15), 1);     /* ☺︎ keeps its width */
    assert_int_equal(pt_text_width("\u231A" VS15), 2);     /* ⌚︎ too */
    assert_int_equal(pt_text_width("建" VS16 "议"), 4);    /* and a CJK character */
}

static void a_cluster_is_measured_whole(void **state)
{
    (void)state;
    size_t cols;
    assert_int_equal(pt_text_cluster(FAMILY "x", strlen(FAMILY "x"), &cols), strlen(FAMILY));
    assert_int_equal(cols, 2);
    assert_int_equal(pt_text_cluster(FLAG_CN FLAG_US, strlen(FLAG_CN FLAG_US), &cols),
                     strlen(FLAG_CN));
    assert_int_equal(cols, 2);
    /* A control character and an invalid byte stand alone. */
    assert_int_equal(pt_text_cluster("\n\u0301", 3, &cols), 1);
    assert_int_equal(pt_text_cluster("\xE5\xBB", 2, &cols), 1);
    assert_int_equal(cols, 1);
    /* Only the n bytes given are looked at: a joiner at the end joins
     * nothing. */
    assert_int_equal(pt_text_cluster(FAMILY, strlen(MAN ZWJ), &cols), strlen(MAN ZWJ));
    assert_int_equal(cols, 2);
}

static void a_cut_never_splits_a_sequence(void **state)
{
    (void)state;
    char out[128];
    assert_int_equal(cut(FAMILY FAMILY, 4, out, sizeof out), 4);
    assert_string_equal(out, FAMILY FAMILY);
    assert_int_equal(cut(FAMILY FAMILY, 3, out, sizeof out), 3);
    assert_string_equal(out, FAMILY "…");
    assert_int_equal(cut(FLAG_CN FLAG_US, 3, out, sizeof out), 3);
    assert_string_equal(out, FLAG_CN "…");
    assert_int_equal(cut(FLAG_CN FLAG_US, 2, out, sizeof out), 1);
    assert_string_equal(out, "…"); /* not C and … */
    assert_int_equal(cut(THUMBS_MEDIUM THUMBS_MEDIUM, 2, out, sizeof out), 1);
    assert_string_equal(out, "…");
}

static void a_wrap_never_splits_a_sequence(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    /* Six families, twelve columns, at ten: five and one. */
    pt_text_wrap(&b, FAMILY FAMILY FAMILY FAMILY FAMILY FAMILY, 0, 10);
    assert_string_equal(pt_buf_str(&b), FAMILY FAMILY FAMILY FAMILY FAMILY "\n" FAMILY "\n");
    pt_buf_reset(&b);
    pt_text_wrap(&b, "abcdefghi" THUMBS_MEDIUM, 0, 10);
    assert_string_equal(pt_buf_str(&b), "abcdefghi\n" THUMBS_MEDIUM "\n");
    pt_buf_free(&b);
}

static void a_narrow_wrap_keeps_every_character(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    /* Narrower than ten columns, the lines are as narrow as asked. */
    pt_text_wrap(&b, "标题: 饮水安全", 0, 8);
    assert_string_equal(pt_buf_str(&b), "标题: 饮\n水安全\n");
    pt_buf_reset(&b);
    pt_text_wrap(&b, "饮水安全", 0, 3);
    assert_string_equal(pt_buf_str(&b), "饮\n水\n安\n全\n");
    pt_buf_reset(&b);
    /* Too narrow for a wide character: it has a line of its own, whole. */
    pt_text_wrap(&b, "饮水" FAMILY, 0, 1);
    assert_string_equal(pt_buf_str(&b), "饮\n水\n" FAMILY "\n");
    pt_buf_reset(&b);
    /* The indent leaves the text what is left of the width. */
    pt_text_wrap(&b, "abcdef", 2, 5);
    assert_string_equal(pt_buf_str(&b), "  abc\n  def\n");
    pt_buf_free(&b);
}

static void no_wrapped_line_starts_with_closing_punctuation(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    /* "一是加大投入" fills the twelve columns, and "，" would start the
     * next line: the break comes a character earlier, 入 goes with it. */
    pt_text_wrap(&b, "一是加大投入，二是完善管护", 0, 12);
    assert_string_equal(pt_buf_str(&b), "一是加大投\n入，二是完善\n管护\n");
    pt_buf_reset(&b);
    /* So for 、 and a closing bracket. */
    pt_text_wrap(&b, "省财政厅、省水利厅（协办）", 0, 8);
    assert_string_equal(pt_buf_str(&b), "省财政\n厅、省水\n利厅（协\n办）\n");
    pt_buf_reset(&b);
    /* Where nothing else fits the column, the line is cut where it must. */
    pt_text_wrap(&b, "厅，", 0, 2);
    assert_string_equal(pt_buf_str(&b), "厅\n，\n");
    pt_buf_free(&b);
}

/* s wrapped at width into b, as a string. */
static const char *wrapped(pt_buf_t *b, const char *s, size_t indent, size_t width)
{
    pt_buf_reset(b);
    pt_text_wrap(b, s, indent, width);
    return pt_buf_str(b);
}

static void a_closing_mark_takes_the_character_before_it_down(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    /* 一二三四五 fills the ten columns and the mark would start the next
     * line: 五 goes down with it. */
    assert_string_equal(wrapped(&b, "一二三四五，六", 0, 10), "一二三四\n五，六\n");
    assert_string_equal(wrapped(&b, "一二三四五。六", 0, 10), "一二三四\n五。六\n");
    assert_string_equal(wrapped(&b, "一二三四五、六", 0, 10), "一二三四\n五、六\n");
    assert_string_equal(wrapped(&b, "（一二三四五）", 0, 10), "（一二三四\n五）\n");
    assert_string_equal(wrapped(&b, "「一二三四五」", 0, 10), "「一二三四\n五」\n");
    /* ” is one column wide, and closes as ） does. */
    assert_string_equal(wrapped(&b, "一二三四五”六", 0, 10), "一二三四\n五”六\n");
    /* A space before the mark does not let it start a line either. */
    assert_string_equal(wrapped(&b, "一二三 ，四", 0, 8), "一二\n三 ，四\n");
    /* So under an indent, as show prints a reply. */
    assert_string_equal(wrapped(&b, "已完成管网改造。", 6, 20), "      已完成管网改\n      造。\n");
    pt_buf_free(&b);
}

static void an_opening_mark_goes_down_to_the_line_it_opens(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    /* 一二三四（ would fill the ten columns. */
    assert_string_equal(wrapped(&b, "一二三四（五）", 0, 10), "一二三四\n（五）\n");
    assert_string_equal(wrapped(&b, "一二三四「五」", 0, 10), "一二三四\n「五」\n");
    assert_string_equal(wrapped(&b, "关于《条例》", 0, 6), "关于\n《条\n例》\n");
    /* “ is one column wide and never ended a line. */
    assert_string_equal(wrapped(&b, "请在“办理”后，回复", 0, 10), "请在“办理”\n后，回复\n");
    pt_buf_free(&b);
}

static void a_run_of_marks_stays_together(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    /* Neither 。 nor ” may start a line: 二 takes both down. */
    assert_string_equal(wrapped(&b, "他说一二。”然后", 0, 10), "他说一\n二。”然后\n");
    /* Nor ） nor 。. */
    assert_string_equal(wrapped(&b, "承办单位（协办）。下一步", 0, 16),
                        "承办单位（协\n办）。下一步\n");
    /* A closing and an opening mark may part: between 。 and “. */
    assert_string_equal(wrapped(&b, "一二三四。“五”", 0, 10), "一二三四。\n“五”\n");
    pt_buf_free(&b);
}

static void a_column_too_narrow_for_the_rules_is_cut_where_it_must(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    /* At 2 columns each wide character has a line, marks too. */
    assert_string_equal(wrapped(&b, "（协办）。", 0, 2), "（\n协\n办\n）\n。\n");
    assert_string_equal(wrapped(&b, "说“好”", 0, 2), "说\n“\n好\n”\n");
    /* At 4, 办）。 is 6 columns: the line is cut where it must, never
     * wider than asked. */
    assert_string_equal(wrapped(&b, "（协办）。", 0, 4), "（协\n办）\n。\n");
    /* Where a break that keeps the rules fits, it is taken. */
    assert_string_equal(wrapped(&b, "一（二", 0, 4), "一\n（二\n");
    assert_string_equal(wrapped(&b, "请「立即」办理", 0, 4), "请\n「立\n即」\n办理\n");
    assert_string_equal(wrapped(&b, "好，是。", 0, 4), "好，\n是。\n");
    pt_buf_free(&b);
}

static void mixed_text_keeps_the_rules_and_english_breaks_at_spaces(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    /* A bracket may go down from after an English word. */
    assert_string_equal(wrapped(&b, "使用API（试点），效果好", 0, 10),
                        "使用API\n（试点），\n效果好\n");
    /* An English ) or comma before Chinese holds to what it follows and
     * lets the line break after it. */
    assert_string_equal(wrapped(&b, "数据(data)，中文", 0, 10), "数据\n(data)，中\n文\n");
    assert_string_equal(wrapped(&b, "一二三(a)b，", 0, 8), "一二三\n(a)b，\n");
    assert_string_equal(wrapped(&b, "三d饮.安！七", 0, 8), "三d饮.\n安！七\n");
    /* English wraps at its spaces, punctuation and all. */
    assert_string_equal(wrapped(&b, "see (this) and [that] too, ok.", 0, 7),
                        "see\n(this)\nand\n[that]\ntoo,\nok.\n");
    assert_string_equal(wrapped(&b, "Water supply, (rural) areas.", 0, 14),
                        "Water supply,\n(rural) areas.\n");
    /* A word that ends at the width stays on its line: the blank after
     * it is not shown, so it does not push the word down. */
    assert_string_equal(wrapped(&b, "ab cd ef", 0, 5), "ab cd\nef\n");
    assert_string_equal(wrapped(&b, "ab cd  ef", 2, 7), "  ab cd\n  ef\n");
    assert_string_equal(wrapped(&b, "水利 饮水 安全", 0, 9), "水利 饮水\n安全\n");
    pt_buf_free(&b);
}

static void a_date_and_its_time_go_down_together(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    /* ptrack plugins list's line under a notifier's row: the width once
     * broke it as "failing since 2026-12-02" / "08:00:05". */
    assert_string_equal(
        wrapped(&b, "failed 3, failing since 2026-12-02 08:00:05; 运行时加载", 2, 37),
        "  failed 3, failing since\n  2026-12-02 08:00:05; 运行时加载\n");
    /* In a Chinese sentence, and to the minute. */
    assert_string_equal(wrapped(&b, "自 2026-12-02 08:00 起", 0, 16), "自\n2026-12-02 08:00\n起\n");
    /* Where the date and time alone are wider than the line (show's
     * card at --width 40), the hour goes under the date rather than be
     * cut inside: "2026-12-02 08:1" then "4" read as another time. */
    assert_string_equal(wrapped(&b, "2026-12-02 08:00", 0, 12), "2026-12-02\n08:00\n");
    assert_string_equal(wrapped(&b, "交办 2026-12-02 08:14", 2, 17),
                        "  交办\n  2026-12-02\n  08:14\n");
    /* A time that fits whole before the width goes on as it did. */
    assert_string_equal(wrapped(&b, "2026-12-02 08:00 起", 0, 16), "2026-12-02 08:00\n起\n");
    /* Other numbers still break at their spaces. */
    assert_string_equal(wrapped(&b, "12026-12-02 08:00", 0, 14), "12026-12-02\n08:00\n");
    assert_string_equal(wrapped(&b, "2026-12-02 0800", 0, 12), "2026-12-02\n0800\n");
    assert_string_equal(wrapped(&b, "2026-12-02 and 08:00", 0, 12), "2026-12-02\nand 08:00\n");
    pt_buf_free(&b);
}

static const char *labels_wrapped(pt_buf_t *b, const char *s, size_t indent, size_t width)
{
    pt_buf_reset(b);
    pt_text_wrap_labels(b, s, indent, width);
    return pt_buf_str(b);
}

static void labels_in_brackets_break_only_between_labels(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    const char *help = "or several (办理中，重新办理)";
    /* pt_text_wrap breaks a label between any two characters. */
    assert_string_equal(wrapped(&b, help, 0, 20), "or several (办理中，\n重新办理)\n");
    assert_string_equal(wrapped(&b, help, 0, 16), "or several (办理\n中，重新办理)\n");
    assert_string_equal(labels_wrapped(&b, help, 0, 20), "or several (办理中，\n重新办理)\n");
    assert_string_equal(labels_wrapped(&b, help, 0, 18), "or several\n(办理中，重新办理)\n");
    /* A list wider than the line breaks after its separators, ， or 、. */
    assert_string_equal(labels_wrapped(&b, help, 0, 12), "or several\n(办理中，\n重新办理)\n");
    assert_string_equal(labels_wrapped(&b, "状态（已交办、办理中）", 0, 14),
                        "状态（已交办、\n办理中）\n");
    /* And at its spaces. */
    assert_string_equal(labels_wrapped(&b, "(交办 assign，签收 sign)", 0, 14),
                        "(交办 assign，\n签收 sign)\n");
    /* And after the | between a field's values (ptrack workflow), where
     * it broke inside 现场督查. */
    assert_string_equal(labels_wrapped(&b, "channel*(电话|函件|现场督查)", 0, 22),
                        "channel*(电话|函件|\n现场督查)\n");
    /* Between ASCII words, only where nothing else fits: a long list
     * of them is not cut inside one, a short one stays whole. */
    assert_string_equal(labels_wrapped(&b, "(phone|letter|visit)", 0, 16),
                        "(phone|letter|\nvisit)\n");
    assert_string_equal(labels_wrapped(&b, "(ROLE lead|co|separate)", 0, 20),
                        "(ROLE\nlead|co|separate)\n");
    /* Outside brackets, and after them, Chinese breaks as pt_text_wrap
     * breaks it. */
    assert_string_equal(labels_wrapped(&b, "(办理中)重新办理", 0, 10), "(办理中)重\n新办理\n");
    /* A label wider than the line is broken where it must be. */
    assert_string_equal(labels_wrapped(&b, "(办理中办理中)", 0, 8), "(办理中\n办理中)\n");
    pt_buf_free(&b);
}

/* The states in a usage error are listed pair by pair, label and code
 * (草稿 draft、已提出 submitted、…): a line breaks only after a 、, where it
 * broke between 已交办 and assigned. A pair wider than the line breaks at
 * its blank, where nothing else fits. */
static void a_list_of_pairs_breaks_only_between_pairs(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    assert_string_equal(
        labels_wrapped(&b, "(草稿 draft、已登记 registered、办理中 handling)", 0, 20),
        "(草稿 draft、\n已登记 registered、\n办理中 handling)\n");
    /* A label with a blank of its own stays with its code too. */
    assert_string_equal(labels_wrapped(&b, "(签收 登记 sign、答复 reply)", 0, 18),
                        "(签收 登记 sign、\n答复 reply)\n");
    /* As ptrackd's refusal lists the actions it allows. */
    assert_string_equal(
        labels_wrapped(&b, "不能进行此操作（可进行：审查 review、交办 assign）", 0, 40),
        "不能进行此操作（可进行：审查 review、\n交办 assign）\n");
    assert_string_equal(labels_wrapped(&b, "(已交办承办单位 assigned、草稿 draft)", 0, 16),
                        "(已交办承办单位\nassigned、\n草稿 draft)\n");
    /* A list without 、 still breaks at its blanks. */
    assert_string_equal(
        labels_wrapped(&b, "(ROLE lead|co|separate) (草稿 draft、已登记 registered)", 0, 24),
        "(ROLE lead|co|separate)\n(草稿 draft、\n已登记 registered)\n");
    /* So in a message on a terminal, at 100 columns. */
    pt_buf_reset(&b);
    pt_text_paragraph_labels(
        &b,
        "ptrack list: --status \"办里中\" is not a state; the states are (草稿 "
        "draft、已提出 submitted、审查中 reviewing、已立案 filed、不予立案 "
        "not_filed、并案 merged、转为意见建议 converted、已交办 assigned、退回 "
        "returned)",
        100);
    assert_string_equal(pt_buf_str(&b),
                        "ptrack list: --status \"办里中\" is not a state; the states are (草稿 "
                        "draft、已提出 submitted、\n  审查中 reviewing、已立案 filed、不予立案 "
                        "not_filed、并案 merged、转为意见建议 converted、\n  已交办 assigned、退回 "
                        "returned)\n");
    pt_buf_free(&b);
}

/* A message on a terminal (pt_text_paragraph) does not cut a path, a URL
 * or a command that is wider than its line: copied, it would take the
 * line break with it. It starts a line of its own, which runs past the
 * width as far as it must; the text around it wraps as before. A path
 * with Chinese in it is not broken between its characters where it fits
 * a line. A table's cell (pt_text_wrap) is still cut at its width. */
static void a_message_does_not_cut_a_path_or_a_url(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    pt_text_paragraph(
        &b, "ptrack import: cannot read /var/lib/ptrack/imports/2027/first/batch.csv: not found",
        30);
    assert_string_equal(pt_buf_str(&b), "ptrack import: cannot read\n"
                                        "  /var/lib/ptrack/imports/2027/first/batch.csv:\n"
                                        "  not found\n");
    pt_buf_reset(&b);
    pt_text_paragraph(&b, "详见https://example.org/ptrack/docs/cli.md#errors 的说明", 24);
    assert_string_equal(pt_buf_str(&b),
                        "详见\n  https://example.org/ptrack/docs/cli.md#errors\n  的说明\n");
    pt_buf_reset(&b);
    /* At the start of the message too, and in one with labels. */
    pt_text_paragraph_labels(&b, "http://127.0.0.1:8470/v1/proposals?status=handling (办理中)", 20);
    assert_string_equal(pt_buf_str(&b),
                        "http://127.0.0.1:8470/v1/proposals?status=handling\n  (办理中)\n");
    pt_buf_reset(&b);
    /* A path with Chinese in it is not broken between its characters
     * either: it starts a line of its own where it fits there, and one
     * wider than a line starts one and is broken where the line is full.
     * The Chinese words glued before it are not the path's. */
    pt_text_paragraph(&b, "ptrack import: cannot read /tmp/办公室/建议汇总.csv: not found", 40);
    assert_string_equal(pt_buf_str(&b),
                        "ptrack import: cannot read\n  /tmp/办公室/建议汇总.csv: not found\n");
    pt_buf_reset(&b);
    pt_text_paragraph(&b, "文件/home/王秘书/二〇二七年第一批建议清单.csv", 20);
    assert_string_equal(pt_buf_str(&b),
                        "文件\n  /home/王秘书/二〇\n  二七年第一批建议清\n  单.csv\n");
    pt_buf_reset(&b);
    /* Chinese text around it breaks between its characters, as ever. */
    pt_text_paragraph(&b, "无法读取文件夹中的建议汇总表 /tmp/建议.csv 请检查", 20);
    assert_string_equal(pt_buf_str(&b),
                        "无法读取文件夹中的\n  建议汇总表\n  /tmp/建议.csv 请检\n  查\n");
    pt_buf_reset(&b);
    /* A path a little wider than its line, whose last wide character
     * comes before the line is full (建议.json.utf8): cut there, beside
     * it, not run past the line's end. */
    pt_text_paragraph(&b, "convert it: /tmp/办公室/建议.json.utf8", 24);
    assert_string_equal(pt_buf_str(&b), "convert it:\n  /tmp/办公室/建议\n  .json.utf8\n");
    pt_buf_reset(&b);
    pt_text_wrap(&b, "/var/lib/ptrack/imports", 0, 10);
    assert_string_equal(pt_buf_str(&b), "/var/lib/p\ntrack/impo\nrts\n");
    pt_buf_free(&b);
}

static const char *names_wrapped(pt_buf_t *b, const char *const *names, size_t n, const char *sep,
                                 size_t indent, size_t width)
{
    pt_buf_reset(b);
    pt_text_wrap_names(b, names, n, sep, indent, width);
    return pt_buf_str(b);
}

static void a_list_of_names_breaks_between_names(void **state)
{
    (void)state;
    pt_buf_t b = {0};
    /* The 、 inside a unit's full name is no place to break: the name
     * goes down whole, its own 、 after it. */
    const char *units[] = {"省水利厅", "省发展改革委（省能源局、省粮食局）", "省住房城乡建设厅"};
    assert_string_equal(
        names_wrapped(&b, units, 3, "、", 2, 40),
        "  省水利厅、\n  省发展改革委（省能源局、省粮食局）、\n  省住房城乡建设厅\n");
    /* Where pt_text_wrap would have cut 省住房城 / 乡建设厅. */
    const char *two[] = {"省财政厅", "省住房城乡建设厅"};
    assert_string_equal(names_wrapped(&b, two, 2, "、", 0, 16), "省财政厅、\n省住房城乡建设厅\n");
    /* A name that fills the line leaves out its mark; the next starts a
     * line. */
    assert_string_equal(names_wrapped(&b, two, 2, "、", 0, 8), "省财政厅\n省住房城\n乡建设厅\n");
    const char *tags[] = {"water", "rural roads", "health"};
    assert_string_equal(names_wrapped(&b, tags, 3, ", ", 0, 14), "water,\nrural roads,\nhealth\n");
    assert_string_equal(names_wrapped(&b, tags, 0, ", ", 0, 14), "");
    /* An empty name still opens its line, with its indent: one alone is a
     * line of the indent (a caller that skips the indent of the first
     * line finds it), and the next name does not get the indent twice. */
    const char *empty[] = {""};
    assert_string_equal(names_wrapped(&b, empty, 1, "、", 4, 20), "    \n");
    const char *first_empty[] = {"", "省财政厅"};
    assert_string_equal(names_wrapped(&b, first_empty, 2, "、", 4, 20), "    、省财政厅\n");
    pt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chinese_and_fullwidth_take_two_columns),
        cmocka_unit_test(bidi_controls_are_dropped_from_what_is_shown),
        cmocka_unit_test(shown_escapes_what_would_act_on_a_terminal),
        cmocka_unit_test(a_file_name_in_a_command_is_quoted_for_the_shell),
        cmocka_unit_test(a_paragraph_fits_its_width),
        cmocka_unit_test(a_private_use_character_takes_two_columns_as_an_ideograph),
        cmocka_unit_test(an_emoji_sequence_takes_the_columns_of_one_emoji),
        cmocka_unit_test(two_regional_indicators_are_one_flag),
        cmocka_unit_test(vs16_asks_for_an_emoji_two_columns_wide),
        cmocka_unit_test(a_cluster_is_measured_whole),
        cmocka_unit_test(a_cut_never_splits_a_sequence),
        cmocka_unit_test(a_wrap_never_splits_a_sequence),
        cmocka_unit_test(a_narrow_wrap_keeps_every_character),
        cmocka_unit_test(no_wrapped_line_starts_with_closing_punctuation),
        cmocka_unit_test(a_closing_mark_takes_the_character_before_it_down),
        cmocka_unit_test(an_opening_mark_goes_down_to_the_line_it_opens),
        cmocka_unit_test(a_run_of_marks_stays_together),
        cmocka_unit_test(a_column_too_narrow_for_the_rules_is_cut_where_it_must),
        cmocka_unit_test(mixed_text_keeps_the_rules_and_english_breaks_at_spaces),
        cmocka_unit_test(a_list_of_names_breaks_between_names),
        cmocka_unit_test(a_date_and_its_time_go_down_together),
        cmocka_unit_test(labels_in_brackets_break_only_between_labels),
        cmocka_unit_test(a_list_of_pairs_breaks_only_between_pairs),
        cmocka_unit_test(a_message_does_not_cut_a_path_or_a_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_plugin_common_md_line.c - text from a proposal or an office goes into
 * a WeCom or DingTalk robot's markdown message as text (pt_str_md_line,
 * plugins/common/strbuf.c): a link, an HTML tag, emphasis, code, a table's
 * bar, a formula's $, an entity's & show as their full-width forms; a
 * heading's #, a list's - + or 1. and a rule's = only where the text starts
 * a markdown line (after a line break or a robot's "> "), so that a date or
 * a figure elsewhere reads as typed; line breaks become spaces as in
 * pt_str_line, which itself (the mail's plain text) is left as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "strbuf.h"

/* text written by pt_str_md_line after prefix; the result is static. */
static const char *md(const char *prefix, const char *text)
{
    static char out[512];
    pt_str_t s = {0};
    pt_str_puts(&s, prefix);
    pt_str_md_line(&s, text);
    assert_false(s.oom);
    assert_true(s.len < sizeof(out));
    memcpy(out, pt_str_get(&s), s.len + 1);
    pt_str_free(&s);
    return out;
}

/* text written by pt_str_line after prefix. */
static const char *plain(const char *prefix, const char *text)
{
    static char out[512];
    pt_str_t s = {0};
    pt_str_puts(&s, prefix);
    pt_str_line(&s, text);
    memcpy(out, pt_str_get(&s), s.len + 1);
    pt_str_free(&s);
    return out;
}

static void a_link_a_tag_and_emphasis_show_as_text(void **state)
{
    (void)state;
    assert_string_equal(md("> 标题：", "[点此领取](http://evil)"),
                        "> 标题：［点此领取］(http://evil)");
    assert_string_equal(md("> 标题：", "<font color=\"red\">紧急</font>"),
                        "> 标题：＜font color=\"red\"＞紧急＜/font＞");
    assert_string_equal(md("", "**加急**_斜体_~~删除~~`代码`"),
                        "＊＊加急＊＊＿斜体＿～～删除～～｀代码｀");
    assert_string_equal(md("", "a|b\\c$x$&lt;"), "a｜b＼c＄x＄＆lt;");
    assert_string_equal(md("> ", "<https://evil.example>"), "> ＜https://evil.example＞");
}

static void line_marks_only_at_a_line_start(void **state)
{
    (void)state;
    /* After a robot's quote mark, and at the very start: markup. */
    assert_string_equal(md("> ", "# 省水利厅"), "> ＃ 省水利厅");
    assert_string_equal(md("", "## 标题"), "＃# 标题");
    assert_string_equal(md("> ", "- 一"), "> － 一");
    assert_string_equal(md("> ", "+ 二"), "> ＋ 二");
    assert_string_equal(md("### 摘要\n", "==="), "### 摘要\n＝==");
    assert_string_equal(md("> ", "  1. 第一条"), ">   1． 第一条");
    assert_string_equal(md("> ", "2026) 年度"), "> 2026） 年度");
    assert_string_equal(md("", ">引用"), "＞引用");
    /* Inside a line: as typed. */
    assert_string_equal(md("> 标题：", "# 关于2026-2030年规划的建议"),
                        "> 标题：# 关于2026-2030年规划的建议");
    assert_string_equal(md("> 编号：", "1001"), "> 编号：1001");
    assert_string_equal(md("> 标题：", "1. 第1.2条 a+b=c"), "> 标题：1. 第1.2条 a+b=c");
    assert_string_equal(md("> ", "第1.2条 a-b"), "> 第1.2条 a-b");
    assert_string_equal(md("> ", "12a. x"), "> 12a. x");
    /* A number and a point without a blank after them is no list: an
     * amount at the start of a unit's line stays as typed. */
    assert_string_equal(md("> ", "1.5亿元专项资金"), "> 1.5亿元专项资金");
    assert_string_equal(md("> ", "3)项"), "> 3)项");
    assert_string_equal(md("> ", "2026."), "> 2026．");
}

static void a_line_break_is_a_space_and_starts_no_line(void **state)
{
    (void)state;
    assert_string_equal(md("> 标题：", "关于停车\n# 伪造\r\n> 办理期限"),
                        "> 标题：关于停车 # 伪造  ＞ 办理期限");
    assert_string_equal(md("", "\t- 项"), " － 项");
    pt_str_t s = {0};
    pt_str_md_line(&s, NULL);
    assert_string_equal(pt_str_get(&s), "");
    pt_str_free(&s);
}

static void chinese_text_and_full_width_forms_are_kept(void **state)
{
    (void)state;
    assert_string_equal(md("> ", "山西省水利厅（主办）：《办法》＊＃"),
                        "> 山西省水利厅（主办）：《办法》＊＃");
    assert_string_equal(md("> ", "王\U00020BB7明"), "> 王\U00020BB7明");
}

static void the_plain_line_keeps_its_markup(void **state)
{
    (void)state;
    assert_string_equal(plain("  ", "# [点此](http://x) <b>*a*</b>\n- b"),
                        "  # [点此](http://x) <b>*a*</b> - b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_link_a_tag_and_emphasis_show_as_text),
        cmocka_unit_test(line_marks_only_at_a_line_start),
        cmocka_unit_test(a_line_break_is_a_space_and_starts_no_line),
        cmocka_unit_test(chinese_text_and_full_width_forms_are_kept),
        cmocka_unit_test(the_plain_line_keeps_its_markup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

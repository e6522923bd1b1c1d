/*
 * test_csv_split_people.c - a cell of co-signers (联名代表, 附议代表) is
 * split into names as offices write them: on 、 ， , ; ； and line breaks,
 * and on blanks (ASCII or the ideographic space U+3000) when every piece
 * looks like a Chinese person's name (two to four characters, or parts
 * joined by a middle dot, 阿卜杜拉·买买提); "John Smith", a name padded
 * to line up ("张　三") and a piece that is not a name keep their item
 * whole. Tags and units are split on the separators only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "csv-items.h"
#include "person-name.h"

static const char *people(const char *cell)
{
    static items_t it;
    return split_items(&it, csv_split_people, cell);
}

static const char *names(const char *cell)
{
    static items_t it;
    return split_items(&it, csv_split_names, cell);
}

static bool is_name(const char *s)
{
    return pt_person_name_zh(s, strlen(s));
}

static void co_signers_separated_by_blanks_are_split(void **state)
{
    (void)state;
    assert_string_equal(people("张三 李四　王五"), "张三 | 李四 | 王五");
    assert_string_equal(people("  张三   李四\t欧阳娜娜  "), "张三 | 李四 | 欧阳娜娜");
    assert_string_equal(people("张三　　李四"), "张三 | 李四");
    assert_string_equal(people("阿卜杜拉·买买提 王芳"), "阿卜杜拉·买买提 | 王芳");
    assert_string_equal(people("热依拉・买买提　刘丽萍"), "热依拉・买买提 | 刘丽萍");
    assert_string_equal(people("王〇〇 李〇"), "王〇〇 | 李〇");
    /* Blanks and separators together. */
    assert_string_equal(people("王秀英、张建军 刘丽萍，赵敏"), "王秀英 | 张建军 | 刘丽萍 | 赵敏");
    assert_string_equal(people("王秀英；张建军\n刘丽萍 赵敏"), "王秀英 | 张建军 | 刘丽萍 | 赵敏");
}

static void an_item_that_is_not_all_names_stays_whole(void **state)
{
    (void)state;
    assert_string_equal(people("John Smith"), "John Smith");
    assert_string_equal(people("张三 John"), "张三 John");
    assert_string_equal(people("John Smith、张三 李四"), "John Smith | 张三 | 李四");
    /* A two-character name padded to line up with three-character ones. */
    assert_string_equal(people("张　三"), "张　三");
    assert_string_equal(people("张　三、李　四"), "张　三 | 李　四");
    assert_string_equal(people("张　三 王五"), "张　三 王五");
    assert_string_equal(people("王五 等32名代表"), "王五 等32名代表");
    assert_string_equal(people("王五 （代表）"), "王五 （代表）");
    assert_string_equal(people("王五 李四5"), "王五 李四5");
    assert_string_equal(people("太原代表团 全体代表"), "太原代表团 全体代表");
    assert_string_equal(people("张三"), "张三");
    assert_string_equal(people(""), "");
    assert_string_equal(people("　 "), "");
}

static void tags_and_units_are_not_split_on_blanks(void **state)
{
    (void)state;
    assert_string_equal(names("张三 李四　王五"), "张三 李四　王五");
    assert_string_equal(names("省水利厅 省交通厅、民生"), "省水利厅 省交通厅 | 民生");
    assert_string_equal(names("交通，民生;教育"), "交通 | 民生 | 教育");
}

static void what_looks_like_a_chinese_persons_name(void **state)
{
    (void)state;
    assert_true(is_name("王芳"));
    assert_true(is_name("欧阳娜娜"));
    assert_true(is_name("阿卜杜拉·买买提"));
    assert_true(is_name("热依拉・买买提"));
    assert_true(is_name("爱新觉罗·溥仪"));
    assert_true(is_name("阿卜杜热合曼·阿卜杜克热木"));
    assert_true(is_name("𠮷明"));   /* an ideograph beyond the BMP */
    assert_true(is_name("王〇〇")); /* 〇 (U+3007) where a name is withheld */
    assert_true(is_name("李〇"));
    assert_false(is_name("王"));
    assert_false(is_name("太原代表团"));
    assert_false(is_name("John"));
    assert_false(is_name("王芳A"));
    assert_false(is_name("王 芳"));
    assert_false(is_name("·买买提"));
    assert_false(is_name("买买提·"));
    assert_false(is_name("阿卜杜拉··买买提"));
    assert_false(is_name("王、芳"));
    assert_false(is_name(""));
    assert_false(is_name("\xE7\x8E\x8B\xE8")); /* 王 and a cut sequence */
    assert_false(is_name("阿卜杜热合曼·阿卜杜克热木·阿卜杜拉买买提"));
}

static void names_with_rare_characters_are_names(void **state)
{
    (void)state;
    assert_true(is_name("\U00030EDE明"));           /* 𰻞, CJK Extension G */
    assert_true(is_name("王\U00031350"));           /* 𱍐, CJK Extension H */
    assert_true(is_name("\U0002EBF0小红"));         /* CJK Extension I */
    assert_true(is_name("王\uE000"));               /* an office's 造字 (GBK AAA1) */
    assert_true(is_name("\U00020BB7\U000E0100明")); /* 𠮷 and a variation selector */
    assert_true(is_name("葛\uFE00优"));
    assert_true(is_name("阿卜杜拉·\U00030EDE提"));
    assert_false(is_name("\U000E0100王芳")); /* a selector after nothing */
    assert_false(is_name("王·\U000E0100芳"));
    assert_false(is_name("王\U000E0100")); /* one character still */
    assert_false(is_name("王\U00040000")); /* beyond the ideographs */
    assert_string_equal(people("\U00030EDE明 王\U00031350　王\uE000"),
                        "\U00030EDE明 | 王\U00031350 | 王\uE000");
    assert_string_equal(people("\U00020BB7\U000E0100明 李四"), "\U00020BB7\U000E0100明 | 李四");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(co_signers_separated_by_blanks_are_split),
        cmocka_unit_test(an_item_that_is_not_all_names_stays_whole),
        cmocka_unit_test(tags_and_units_are_not_split_on_blanks),
        cmocka_unit_test(what_looks_like_a_chinese_persons_name),
        cmocka_unit_test(names_with_rare_characters_are_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

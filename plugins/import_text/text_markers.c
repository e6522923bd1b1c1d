/*
 * text_markers.c - the structural marks of a proposal (see
 * text_markers.h).
 */
#include "text_markers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "person-name.h"

static const char CN_DIGITS[] = "一二三四五六七八九十";
#define PUNCT_BOUNDARY "，。；：、！？（）【】《》“”‘’——…· "

int tm_terminated(const uint32_t *s, size_t n)
{
    if (n == 0)
        return 1;
    return u_in(s[n - 1], "。！？；：…）】」』”’》.!?;:)]");
}

/* The length of a run of Chinese numerals (一 … 十九, 二十) at s[at..]. */
static size_t cn_number(const uint32_t *s, size_t n, size_t at)
{
    size_t k = 0;
    while (at + k < n && k < 3 && u_in(s[at + k], CN_DIGITS))
        k++;
    return k;
}

static size_t skip_spaces(const uint32_t *s, size_t n, size_t at)
{
    while (at < n && u_is_space(s[at]))
        at++;
    return at;
}

size_t tm_numbering(const uint32_t *s, size_t n)
{
    if (n == 0)
        return 0;
    size_t k;
    /* （一） (一) （1） (1) */
    if (s[0] == 0xFF08 || s[0] == '(') {
        k = cn_number(s, n, 1);
        if (k == 0)
            while (1 + k < n && k < 3 && u_is_digit(s[1 + k]))
                k++;
        if (k > 0 && 1 + k < n && (s[1 + k] == 0xFF09 || s[1 + k] == ')'))
            return skip_spaces(s, n, k + 2);
        return 0;
    }
    /* ①..⑳, ⑴..⒇ and ⒈..⒛ (a number and its full stop in one
     * character) */
    if (s[0] >= 0x2460 && s[0] <= 0x249B)
        return skip_spaces(s, n, 1);
    /* 第一， 第一、 */
    if (u_match(s, n, 0, "第")) {
        k = cn_number(s, n, 1);
        if (k > 0 && 1 + k < n && u_in(s[1 + k], "，、：") && !u_match(s, n, 1 + k, "是"))
            return skip_spaces(s, n, k + 2);
        return 0;
    }
    /* 一、 and 一. (一． typed for 一、; text_norm made ． a .) */
    k = cn_number(s, n, 0);
    if (k > 0)
        return k < n && (s[k] == 0x3001 /* 、 */ || s[k] == '.') ? skip_spaces(s, n, k + 1) : 0;
    /* 1. 1、 1． 1) — and not 1.5 (2、3号线 is one: see tm_number_list) */
    k = 0;
    while (k < n && k < 3 && u_is_digit(s[k]))
        k++;
    if (k > 0 && k < n && (s[k] == '.' || s[k] == 0x3001 || s[k] == ')' || s[k] == 0xFF09)) {
        if (s[k] == '.' && k + 1 < n && u_is_digit(s[k + 1]))
            return 0;
        return skip_spaces(s, n, k + 1);
    }
    return 0;
}

int tm_number_list(const uint32_t *s, size_t n)
{
    size_t k = 0;
    while (k < n && k < 3 && u_is_digit(s[k]))
        k++;
    return k > 0 && k + 1 < n && s[k] == 0x3001 && u_is_digit(s[k + 1]);
}

/* A heading made of the words of headings only, as papers vary them:
 * 几点建议, 对策与建议, 现状与问题, 存在的主要问题, 问题及原因. Any other
 * word (加强, 解决) makes the line a sentence or an ask: 化解历史遗留问题 is
 * no heading. The line holds nothing else, or its text after a colon. */
static int heading_words(const uint32_t *s, size_t n, size_t at, int bracket, size_t *content)
{
    static const char *const words[] = {
        "存在的", "存在", "当前", "目前", "面临的", "主要", "突出",     "几点",
        "几个",   "有关", "相关", "具体", "工作",   "政策", "意见",     "对策",
        "措施",   "举措", "建议", "问题", "现状",   "背景", "基本情况", "情况",
        "原因",   "分析", "与",   "和",   "及",     "的",   NULL};
    int recs = 0, background = 0;
    size_t e = at;
    while (e < n && e - at <= 12) {
        size_t m = 0;
        for (size_t i = 0; words[i] && !m; i++)
            m = u_match(s, n, e, words[i]);
        if (!m)
            break;
        recs |= u_match(s, n, e, "建议") || u_match(s, n, e, "对策") || u_match(s, n, e, "措施") ||
                u_match(s, n, e, "举措");
        background |= u_match(s, n, e, "问题") || u_match(s, n, e, "现状") ||
                      u_match(s, n, e, "背景") || u_match(s, n, e, "情况") ||
                      u_match(s, n, e, "原因");
        e += m;
    }
    if (!recs && !background)
        return TM_NONE;
    e = skip_spaces(s, n, e);
    if (bracket) {
        if (e < n && (s[e] == 0x3011 /* 】 */ || s[e] == ']'))
            e++;
        else
            return TM_NONE;
    }
    if (e < n && (s[e] == 0xFF1A /* ： */ || s[e] == ':'))
        e++;
    else if (e < n)
        return TM_NONE;
    *content = skip_spaces(s, n, e);
    return recs ? TM_RECS : TM_BACKGROUND;
}

int tm_section(const uint32_t *s, size_t n, size_t *content)
{
    static const struct {
        const char *word;
        int kind;
    } heads[] = {
        /* Longer words first, so that 建议内容 is not read as 建议 + 内容. */
        {"案由分析", TM_BACKGROUND}, {"基本情况", TM_BACKGROUND}, {"存在问题", TM_BACKGROUND},
        {"主要问题", TM_BACKGROUND}, {"问题分析", TM_BACKGROUND}, {"情况分析", TM_BACKGROUND},
        {"背景情况", TM_BACKGROUND}, {"背景", TM_BACKGROUND},     {"案由", TM_BACKGROUND},
        {"理由", TM_BACKGROUND},     {"现状", TM_BACKGROUND},     {"具体建议", TM_RECS},
        {"主要建议", TM_RECS},       {"对策建议", TM_RECS},       {"意见建议", TM_RECS},
        {"建议内容", TM_RECS},       {"措施建议", TM_RECS},       {"有关建议", TM_RECS},
        {"解决办法", TM_RECS},       {"具体办法", TM_RECS},       {"建议", TM_RECS},
        {"办法", TM_RECS},
    };
    size_t at = tm_numbering(s, n); /* 一、背景 */
    int bracket = 0;
    if (at < n && (s[at] == 0x3010 /* 【 */ || s[at] == '[')) {
        bracket = 1;
        at++;
    }
    for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
        size_t m = u_match(s, n, at, heads[i].word);
        if (!m)
            continue;
        size_t e = skip_spaces(s, n, at + m);
        if (bracket) {
            if (e < n && (s[e] == 0x3011 /* 】 */ || s[e] == ']'))
                e++;
            else
                break;
        }
        if (e < n && (s[e] == 0xFF1A /* ： */ || s[e] == ':'))
            e++;
        else if (!bracket && e < n)
            break; /* 建议国家…: a sentence, not a heading; or 现状与问题 */
        *content = skip_spaces(s, n, e);
        return heads[i].kind;
    }
    return heading_words(s, n, at, bracket, content);
}

/* The source's name from the note's content c[0..m): the title in 《》 when
 * the note is only that ("据《山西日报》", "《人民日报》报道"), else the whole
 * content ("山西代表团简报第5期"). */
static void source_name(const uint32_t *c, size_t m, ustr_t *name)
{
    size_t a = 0, b = m;
    if (u_match(c, m, 0, "据"))
        a++;
    if (u_ends(c, m, "报道"))
        b -= 2;
    u_trim(c, &a, &b);
    if (b > a + 2 && c[a] == 0x300A /* 《 */ && c[b - 1] == 0x300B /* 》 */) {
        size_t inner = 0;
        for (size_t i = a + 1; i < b - 1; i++)
            if (c[i] == 0x300A || c[i] == 0x300B)
                inner = 1;
        if (!inner) {
            a++;
            b--;
        }
    }
    ustr_append(name, c + a, b - a);
}

/* A news agency's dateline, 新华社太原3月8日电: the agency's name ends at
 * 社, *end; 0 when c[0..m) is no dateline. */
static int dateline(const uint32_t *c, size_t m, size_t *end)
{
    if (m < 4 || c[m - 1] != 0x7535 /* 电 */)
        return 0;
    long at = u_find(c, m, 0, "社");
    if (at < 2 || at > 6)
        return 0;
    *end = (size_t)at + 1;
    return 1;
}

/* A reporter's credit, （记者 刘某某） or （本报记者 王某某 通讯员 李某某）:
 * it closes an article but names no publication. */
static int reporter_credit(const uint32_t *c, size_t m)
{
    return m <= 30 &&
           (u_match(c, m, 0, "记者") || u_match(c, m, 0, "本报记者") || u_match(c, m, 0, "通讯员"));
}

/* Whether the bracketed content c[0..m) is a source note, and where its
 * name starts. */
static int note_at(const uint32_t *c, size_t m, size_t *from)
{
    static const char *const heads[] = {"来源：", "来源:", "稿件来源：", "原载",
                                        "转自",   "据",    NULL};
    for (size_t i = 0; heads[i]; i++) {
        size_t k = u_match(c, m, 0, heads[i]);
        if (k) {
            /* 据 alone is a source only when a publication follows: 据《…》,
             * not 据统计. */
            if (i == 5 && !(k < m && c[k] == 0x300A))
                return 0;
            *from = i == 5 ? 0 : k;
            return 1;
        }
    }
    return 0;
}

/* Whether s holds punctuation other than the title marks 《》. */
static int has_marks(const uint32_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (u_in(s[i], "，。；：、！？（）“”:;,.!?()"))
            return 1;
    return 0;
}

int tm_source(const uint32_t *s, size_t n, size_t *start, ustr_t *name)
{
    if (n == 0)
        return 0;
    size_t from = 0;
    /* 来源：… on a line of its own. */
    if (n <= 60 && (u_match(s, n, 0, "来源：") || u_match(s, n, 0, "稿件来源："))) {
        note_at(s, n, &from);
        *start = 0;
        source_name(s + from, n - from, name);
        return 1;
    }
    /* 据新华社 / 据人民网报道 on a line of its own. */
    if (n <= 16 && u_match(s, n, 0, "据") && !has_marks(s, n) &&
        (u_ends(s, n, "社") || u_ends(s, n, "网") || u_ends(s, n, "报") || u_ends(s, n, "台") ||
         u_ends(s, n, "报道"))) {
        *start = 0;
        source_name(s, n, name);
        return 1;
    }
    if (s[n - 1] != 0xFF09)
        return 0;
    size_t open = n - 1;
    while (open > 0 && s[open - 1] != 0xFF08)
        open--;
    if (open == 0)
        return 0;
    open--; /* the （ */
    const uint32_t *c = s + open + 1;
    size_t m = n - 1 - (open + 1);
    if (m == 0 || m > 60)
        return 0;
    size_t end;
    if (dateline(c, m, &end)) {
        *start = open;
        ustr_append(name, c, end);
        return 1;
    }
    if (reporter_credit(c, m)) {
        *start = open;
        return 1;
    }
    if (!note_at(c, m, &from))
        return 0;
    *start = open;
    source_name(c + from, m - from, name);
    return 1;
}

int tm_title_kind(const uint32_t *s, size_t n)
{
    size_t e = tm_title_number(s, n, NULL);
    if (u_ends(s, e, "议案"))
        return TM_MOTION;
    if (u_ends(s, e, "提案"))
        return TM_PROPOSAL;
    if (u_ends(s, e, "建议"))
        return TM_SUGGESTION;
    return TM_NONE;
}

size_t tm_headline(const uint32_t *s, size_t n)
{
    size_t c = 0;
    while (c < n && c <= 20 && s[c] != 0xFF1A /* ： */ && s[c] != ':')
        c++;
    if (c < 3 || c > 20 || c + 5 > n)
        return 0;
    /* The part before the colon is a person: 全国人大代表王某某, 李某某委员. */
    if (u_find(s, c, 0, "代表") < 0 && u_find(s, c, 0, "委员") < 0)
        return 0;
    for (size_t i = 0; i < c; i++)
        if (!u_is_han(s[i]) && !u_is_space(s[i]) && s[i] != 0x3001 /* 、 */)
            return 0;
    size_t t = skip_spaces(s, n, c + 1);
    if (!u_match(s, n, t, "建议") && !u_match(s, n, t, "呼吁"))
        return 0;
    for (size_t i = t; i < n; i++)
        if (u_in(s[i], "。！？；：:;"))
            return 0;
    return t;
}

int tm_title(const uint32_t *s, size_t n)
{
    if (n < 4 || n > 80)
        return 0;
    if (tm_headline(s, n))
        return 1;
    /* A comma may join two aims in a whole 关于…的建议 (关于加强…保护，推动…
     * 的建议); elsewhere it makes the line a sentence. */
    int about = u_match(s, n, 0, "关于") > 0;
    int comma_ok = about && tm_title_kind(s, n) != TM_NONE;
    for (size_t i = 0; i < n; i++)
        if (u_in(s[i], "。！？；：:;") || (!comma_ok && u_in(s[i], "，,")))
            return 0;
    if (about)
        return 1;
    if (tm_delegation_line(s, n))
        return 0;
    size_t dummy;
    if (tm_section(s, n, &dummy) != TM_NONE)
        return 0;
    /* …的建议, not a clause that a narrow column wrapped before the asks
     * (为此王某某代表建议 / 一是…). */
    size_t e = tm_title_number(s, n, NULL);
    return n >= 6 && tm_title_kind(s, n) != TM_NONE && e > 3 && s[e - 3] == 0x7684 /* 的 */;
}

/* Whether c ends a run of a name or place when walking over it. */
static int name_char(uint32_t c)
{
    return u_is_han(c) && !u_in(c, "的由在据从和与及、等团");
}

/* Prefixes that stand before a delegation's place but are not part of it. */
static size_t strip_lead_words(const uint32_t *s, size_t a, size_t b)
{
    static const char *const words[] = {"记者从", "本报讯", "来自", "全国人大", NULL};
    for (size_t i = 0; words[i]; i++) {
        size_t k = u_match(s, b, a, words[i]);
        if (k && a + k < b)
            return a + k;
    }
    return a;
}

int tm_delegation(const uint32_t *s, size_t n, ustr_t *out)
{
    /* A form's label before the name: 代表团：山西代表团, 代表团：山西. */
    size_t k = u_match(s, n, 0, "代表团");
    if (k && k < n && u_in(s[k], "：:")) {
        while (k < n && u_in(s[k], "：: "))
            k++;
        size_t b = k;
        while (b < n && u_is_han(s[b]))
            b++;
        if (b == k)
            return 0;
        ustr_append(out, s + k, b - k);
        if (!u_ends(s, b, "代表团"))
            ustr_append_utf8(out, "代表团", 9);
        return 1;
    }
    long at = u_find(s, n, 0, "代表团");
    size_t end;
    if (at < 0) {
        at = u_find(s, n, 0, "团代表");
        if (at < 0)
            return 0;
        end = (size_t)at; /* 山西团代表: the place is before 团 */
    } else {
        end = (size_t)at;
    }
    size_t a = end;
    while (a > 0 && end - a < 10 && name_char(s[a - 1]))
        a--;
    /* The one delegation whose name holds 和, which ends a place elsewhere. */
    if (end >= 8 && u_match(s, n, end - 8, "解放军和武警部队"))
        a = end - 8;
    a = strip_lead_words(s, a, end);
    if (a == end)
        return 0;
    ustr_append(out, s + a, end - a);
    ustr_append_utf8(out, "代表团", 9);
    return 1;
}

/* Words that stand before 代表 without being a person's name. */
static int not_a_name(const uint32_t *s, size_t a, size_t b)
{
    static const char *const words[] = {"人大", "全国人大", "各位", "多位",   "部分",
                                        "与会", "政协",     "领衔", "省人大", "市人大",
                                        "这位", "一些",     "广大", NULL};
    for (size_t i = 0; words[i]; i++)
        if (u_match(s, b, a, words[i]) == b - a)
            return 1;
    return 0;
}

/* Whether s[at..] begins with a verb a byline puts after the name:
 * 全国人大代表王某某提出建议, 全国政协委员孙某某提交提案. */
static int byline_verb_at(const uint32_t *s, size_t n, size_t at)
{
    static const char *const verbs[] = {"提出", "提交", "建议", "呼吁", "领衔", "联名", NULL};
    for (size_t i = 0; verbs[i]; i++)
        if (u_match(s, n, at, verbs[i]))
            return 1;
    return 0;
}

/* Whether s[at..] begins with a compound surname (欧阳, 司马, 诸葛). A name
 * is taken to four characters only after one (欧阳某某: the surname and a
 * given name of two): elsewhere four characters before a verb or 代表 are
 * as often a word or a place and a name of three. */
static int compound_surname_at(const uint32_t *s, size_t n, size_t at)
{
    static const char *const surnames[] = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容",
                                           "令狐", "公孙", "夏侯", "尉迟", "长孙", "宇文", "司徒",
                                           "司空", "端木", "独孤", "南宫", "西门", "轩辕", "呼延",
                                           "澹台", "公冶", "宗政", "濮阳", "太史", "申屠", "钟离",
                                           "百里", "闻人", "赫连", "拓跋", "万俟", NULL};
    for (size_t i = 0; surnames[i]; i++)
        if (u_match(s, n, at, surnames[i]))
            return 1;
    return 0;
}

/* The length of a person's name at s[at..] (two or three characters, four
 * after a compound surname: 欧阳某某), standing alone: the end, a space,
 * punctuation or 等 after it, or the verb of a byline (王某某提出建议: the
 * longest name before the verb first); 0 when there is none (代表提出建议,
 * 代表们). */
static size_t name_at(const uint32_t *s, size_t n, size_t at)
{
    size_t b = at;
    while (b < n && b - at < 4 && name_char(s[b]))
        b++;
    if (b - at < 2 || u_in(s[at], "提建认表呼们说在对代委"))
        return 0;
    size_t most = compound_surname_at(s, n, at) ? 4 : 3;
    if (b - at <= most && (b == n || u_in(s[b], " ，、：（:,(等")))
        return b - at;
    /* Words that stand where the name would, before the verb: 代表联名提出,
     * 委员再次呼吁. */
    static const char *const words[] = {"联名", "领衔", "共同", "联合", "积极", "再次", "多次",
                                        "今年", "去年", "纷纷", "一致", "专门", "集体", NULL};
    for (size_t i = 0; words[i]; i++)
        if (u_match(s, n, at, words[i]))
            return 0;
    for (size_t m = most; m >= 2; m--)
        if (at + m <= b && byline_verb_at(s, n, at + m))
            return m;
    return 0;
}

/* The name after the last 代表 or 委员 of a person's line: 全国人大代表
 * 王某某, 山西代表团代表 王某某, 全国政协委员 孙某某. */
static int name_after_title(const uint32_t *s, size_t n, ustr_t *out)
{
    static const char *const titles[] = {"代表", "委员", NULL};
    for (size_t i = 0; titles[i]; i++)
        for (long at = u_find(s, n, 0, titles[i]); at >= 0;
             at = u_find(s, n, (size_t)at + 2, titles[i])) {
            size_t a = skip_spaces(s, n, (size_t)at + 2), m = name_at(s, n, a);
            if (m) {
                ustr_append(out, s + a, m);
                return 1;
            }
        }
    return 0;
}

/* The start of a name of two to four characters that ends at e: a longer
 * run of characters is words and then a name, of which the last three
 * are taken, or four after a compound surname (欧阳某某); e when there is
 * none. */
static size_t name_ending_at(const uint32_t *s, size_t e)
{
    size_t a = e;
    while (a > 0 && e - a < 4 && name_char(s[a - 1]))
        a--;
    if (e - a == 4 && !compound_surname_at(s, e, a))
        a++;
    return e - a >= 2 ? a : e;
}

/* 王某某等10名代表: the name before 等, or the first of the names joined
 * by 、 before it (张某某、李某某等10名代表: 张某某, whom the line names
 * first). */
static int name_before_others(const uint32_t *s, size_t n, ustr_t *out)
{
    for (long at = u_find(s, n, 0, "等"); at > 0; at = u_find(s, n, (size_t)at + 1, "等")) {
        size_t e = (size_t)at, a = name_ending_at(s, e), k = e + 1;
        while (k < n && (u_is_digit(s[k]) || u_in(s[k], CN_DIGITS)))
            k++;
        if (a < e && k > e + 1 && (u_match(s, n, k, "名") || u_match(s, n, k, "位"))) {
            size_t len = e - a;
            while (a > 1 && s[a - 1] == 0x3001 /* 、 */) {
                size_t p = name_ending_at(s, a - 1);
                if (p == a - 1 || name_at(s, n, p) != a - 1 - p)
                    break;
                len = a - 1 - p;
                a = p;
            }
            ustr_append(out, s + a, len);
            return 1;
        }
    }
    return 0;
}

/* The length of the head of a co-signers' line, 联名代表：, 0 when s is not
 * one. */
static size_t co_signers_head(const uint32_t *s, size_t n)
{
    static const char *const heads[] = {"联名代表", "联名委员", "联名人", "附议代表",
                                        "附议委员", "附议人",   NULL};
    for (size_t i = 0; heads[i]; i++) {
        size_t k = u_match(s, n, 0, heads[i]);
        if (k) {
            k = skip_spaces(s, n, k);
            return k < n && (s[k] == 0xFF1A /* ： */ || s[k] == ':') ? k + 1 : 0;
        }
    }
    return 0;
}

/* Whether s[0..n) looks like a Chinese person's name (person-name.h). */
static bool person_name(const uint32_t *s, size_t n)
{
    char *utf8 = u_utf8(s, n);
    bool name = utf8 && pt_person_name_zh(utf8, strlen(utf8));
    free(utf8);
    return name;
}

int tm_co_signers(const uint32_t *s, size_t n, ustr_t *out)
{
    size_t at = co_signers_head(s, n);
    if (!at)
        return 0;
    while (at < n) {
        while (at < n && u_in(s[at], "、，,; ；"))
            at++;
        size_t b = at;
        /* Chinese characters, and a middle dot between two of them
         * (阿卜杜拉·买买提). */
        while (b < n &&
               ((u_is_han(s[b]) && !u_in(s[b], "、等")) ||
                ((s[b] == 0xB7 || s[b] == 0x30FB) && b > at && b + 1 < n && u_is_han(s[b + 1]))))
            b++;
        /* A name is what the CSV importer takes for one (two to four
         * characters, 欧阳某某, or parts joined by a middle dot); 等32名代表
         * ends the list. */
        if (b > at && person_name(s + at, b - at)) {
            ustr_append(out, s + at, b - at);
            ustr_push(out, '\n');
        }
        if (b < n && s[b] == 0x7B49 /* 等 */)
            break;
        if (b == at)
            at++;
        else
            at = b;
    }
    return 1;
}

/* The name at the end of a line that introduces a deputy by office and
 * job: 全国人大代表、山西省晋城市某某公司董事长王某某. The name is what
 * follows the last job title. */
static int name_after_job(const uint32_t *s, size_t n, ustr_t *out)
{
    static const char *const offices[] = {
        "全国人大代表", "全国政协委员", "省人大代表", "市人大代表", "人大代表", "政协委员", NULL};
    static const char *const jobs[] = {"董事长", "总经理", "经理", "院长", "校长",   "主任",
                                       "书记",   "局长",   "厂长", "社长", "会长",   "主席",
                                       "总裁",   "教授",   "医生", "教师", "研究员", "工程师",
                                       "理事长", "村长",   "所长", "馆长", "站长",   NULL};
    size_t k = 0;
    for (size_t i = 0; offices[i] && !k; i++)
        k = u_match(s, n, 0, offices[i]);
    if (!k || k >= n || !u_in(s[k], "、，,") || n > 40 || u_find(s, n, 0, "。") >= 0)
        return 0;
    /* The name (two or three characters) ends the line, after a job. */
    for (size_t m = 2; m <= 3 && k + m < n; m++) {
        size_t a = n - m;
        for (size_t i = 0; jobs[i]; i++) {
            if (!u_ends(s, a, jobs[i]))
                continue;
            for (size_t c = a; c < n; c++)
                if (!name_char(s[c]))
                    return 0;
            ustr_append(out, s + a, m);
            return 1;
        }
    }
    return 0;
}

int tm_delegation_line(const uint32_t *s, size_t n)
{
    if (n == 0 || n > 60 || u_match(s, n, 0, "关于"))
        return 0;
    if (u_find(s, n, 0, "代表团") >= 0 || u_find(s, n, 0, "团代表") >= 0 ||
        u_find(s, n, 0, "领衔代表") >= 0 || u_find(s, n, 0, "代表提出") >= 0 ||
        u_match(s, n, 0, "提案人") || u_match(s, n, 0, "第一提案人") || u_match(s, n, 0, "联名") ||
        co_signers_head(s, n))
        return 1;
    /* 全国人大代表王某某 / 全国政协委员 孙某某 / 王某某等10名代表 */
    if (n <= 30 && u_find(s, n, 0, "。") < 0 && u_find(s, n, 0, "，") < 0) {
        ustr_t name = {0};
        int person = name_after_title(s, n, &name) || name_before_others(s, n, &name);
        ustr_free(&name);
        if (person)
            return 1;
    }
    /* 全国人大代表、某某公司董事长王某某 */
    ustr_t name = {0};
    int person = name_after_job(s, n, &name);
    ustr_free(&name);
    if (person)
        return 1;
    /* 王某某代表 / 王某某代表—— */
    size_t b = n;
    while (b > 0 && u_in(s[b - 1], "—-：: "))
        b--;
    return b >= 3 && b <= 12 && u_ends(s, b, "代表") && u_find(s, b, 0, "。") < 0;
}

int tm_lead_author(const uint32_t *s, size_t n, ustr_t *out)
{
    /* 领衔代表：王某某 / 领衔代表 王某某 / 领衔代表王某某等10名代表 */
    long at = u_find(s, n, 0, "领衔代表");
    if (at >= 0) {
        size_t a = (size_t)at + 4;
        while (a < n && u_in(s[a], "：: "))
            a++;
        size_t b = a;
        while (b < n && b - a < 4 && name_char(s[b]) && !u_in(s[b], "代提领联"))
            b++;
        if (b - a >= 2) {
            ustr_append(out, s + a, b - a);
            return 1;
        }
    }
    /* 王某某代表 (not 代表团, not 团代表, not 人大代表) */
    for (at = u_find(s, n, 0, "代表"); at >= 0; at = u_find(s, n, (size_t)at + 2, "代表")) {
        size_t e = (size_t)at;
        if (e + 2 < n && s[e + 2] == 0x56E2 /* 团 */)
            continue;
        size_t a = e;
        while (a > 0 && e - a < 4 && name_char(s[a - 1]))
            a--;
        if (e - a == 4 && !not_a_name(s, a, e) && !compound_surname_at(s, e, a))
            a++; /* a four-character run before 代表 is mostly a place and a name; keep three */
        if (e - a >= 2 && !not_a_name(s, a, e)) {
            ustr_append(out, s + a, e - a);
            return 1;
        }
    }
    /* 提案人：孙某某 */
    size_t k = u_match(s, n, 0, "提案人");
    if (!k)
        k = u_match(s, n, 0, "第一提案人");
    if (k) {
        while (k < n && u_in(s[k], "：: "))
            k++;
        size_t m = name_at(s, n, k);
        if (m) {
            ustr_append(out, s + k, m);
            return 1;
        }
    }
    return name_after_title(s, n, out) || name_before_others(s, n, out) ||
           name_after_job(s, n, out);
}

int tm_named_co_signers(const uint32_t *s, size_t n, const uint32_t *lead, size_t lead_n,
                        ustr_t *out)
{
    int found = 0;
    for (size_t at = 0; lead_n > 0 && at + lead_n < n && !found; at++) {
        if (s[at + lead_n] != 0x3001 /* 、 */ || memcmp(s + at, lead, lead_n * sizeof(*s)) != 0)
            continue;
        /* Each name after a 、, up to 等 (等10名代表 names no one more), a
         * verb or whatever is no name. */
        for (size_t k = at + lead_n; k < n && s[k] == 0x3001;) {
            k = skip_spaces(s, n, k + 1);
            size_t m = name_at(s, n, k);
            if (!m)
                break;
            ustr_append(out, s + k, m);
            ustr_push(out, '\n');
            found = 1;
            k += m;
        }
    }
    return found;
}

/* The Chinese numeral of k (1..TM_INLINE_MAX) into buf as UTF-8. */
static void cn_numeral(int k, char *buf, size_t cap)
{
    static const char *const d[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (k < 1 || k > TM_INLINE_MAX)
        buf[0] = '\0';
    else if (k < 10)
        snprintf(buf, cap, "%s", d[k]);
    else if (k < 20)
        snprintf(buf, cap, "十%s", d[k - 10]);
    else
        snprintf(buf, cap, "%s十%s", d[k / 10], d[k % 10]);
}

/* The text of the inline number k in the given form into buf as UTF-8,
 * without the punctuation that may follow it; 0 when k is out of the
 * form's range. */
static int marker_text(int form, int k, char *buf, size_t cap)
{
    char cn[12]; /* the longest is 九十九, 9 bytes */
    int glyph = form == TM_F_CIRCLE || form == TM_F_PNUM || form == TM_F_NDOT;
    if (k < 1 || k > TM_INLINE_MAX || (glyph && k > 20))
        return 0;
    cn_numeral(k, cn, sizeof(cn));
    switch (form) {
    case TM_F_SHI:
        snprintf(buf, cap, "%s是", cn);
        return 1;
    case TM_F_YAO:
        snprintf(buf, cap, "%s要", cn);
        return 1;
    case TM_F_PAREN:
        snprintf(buf, cap, "（%s）", cn);
        return 1;
    case TM_F_PARNUM:
        snprintf(buf, cap, "（%d）", k);
        return 1;
    case TM_F_DOT:
        snprintf(buf, cap, "%d.", k);
        return 1;
    case TM_F_DUN:
        snprintf(buf, cap, "%d、", k);
        return 1;
    case TM_F_DI:
        snprintf(buf, cap, "第%s", cn);
        return 1;
    case TM_F_CIRCLE:
    case TM_F_PNUM:
    case TM_F_NDOT: {
        /* ① … ⑳, ⑴ … ⒇, ⒈ … ⒛: three bytes in UTF-8 */
        uint32_t first = form == TM_F_CIRCLE ? 0x2460 : form == TM_F_PNUM ? 0x2474 : 0x2488;
        uint32_t c = first + (uint32_t)(k - 1);
        snprintf(buf, cap, "%c%c%c", (char)(0xE0 | (c >> 12)), (char)(0x80 | ((c >> 6) & 0x3F)),
                 (char)(0x80 | (c & 0x3F)));
        return 1;
    }
    case TM_F_CNDOT:
        snprintf(buf, cap, "%s.", cn);
        return 1;
    default:
        return 0;
    }
}

/* Whether s[i] stands inside quotes: a “ before it, in the 200 characters
 * before, that no ” closes. A quoted slogan (“一要…，二要…”) is one
 * thing, not a list. */
static int in_quotes(const uint32_t *s, size_t i)
{
    int depth = 0;
    for (size_t j = i > 200 ? i - 200 : 0; j < i; j++) {
        if (s[j] == 0x201C /* “ */ || s[j] == 0x300C /* 「 */ || s[j] == 0x300E /* 『 */)
            depth++;
        else if ((s[j] == 0x201D || s[j] == 0x300D || s[j] == 0x300F) && depth > 0)
            depth--;
    }
    return depth > 0;
}

/* Whether s[i] ends a short clause that speaks of 建议 (建议国家有关部门|一是),
 * so that the first number may follow a word rather than punctuation. */
static int after_intro(const uint32_t *s, size_t i)
{
    size_t a = i;
    while (a > 0 && i - a < 24 && !u_in(s[a - 1], "。！？；，："))
        a--;
    return u_find(s, i, a, "建议") >= 0 || u_find(s, i, a, "呼吁") >= 0;
}

long tm_inline(const uint32_t *s, size_t n, size_t from, int form, int k, size_t *len)
{
    char m[32];
    if (!marker_text(form, k, m, sizeof(m)))
        return -1;
    for (long at = u_find(s, n, from, m); at >= 0; at = u_find(s, n, (size_t)at + 1, m)) {
        size_t i = (size_t)at, e = i + u_match(s, n, i, m);
        /* 十一是 contains 一是 and 12. contains 2.: a number is not preceded
         * by a numeral, and 统一是 is no number at all: only a boundary may
         * stand before it. */
        if (!(i == 0 || u_in(s[i - 1], PUNCT_BOUNDARY) ||
              (i >= 2 && u_match(s, n, i - 2, "建议")) ||
              (form == TM_F_SHI && u_match(s, n, i - 1, "要")) || (k == 1 && after_intro(s, i))))
            continue;
        if (form == TM_F_SHI || form == TM_F_YAO) {
            while (e < n && u_in(s[e], "，、："))
                e++;
        } else if (form == TM_F_DI) {
            if (e >= n || !u_in(s[e], "，、：")) /* 第一次, 第一批 */
                continue;
            e++;
        }
        e = skip_spaces(s, n, e);
        /* The text of the ask follows: not a figure (1.5亿, 1、2号) or
         * punctuation. */
        if (e >= n || u_is_digit(s[e]) || u_in(s[e], "，。；：、！？）.") || in_quotes(s, i))
            continue;
        *len = e - i;
        return at;
    }
    return -1;
}

void tm_scan_init(tm_scan_t *sc)
{
    for (int f = 0; f < TM_F_COUNT; f++)
        sc->known[f] = 0;
}

long tm_series_scan(const uint32_t *s, size_t n, size_t from, tm_scan_t *sc, int *form, size_t *len)
{
    long best = -1;
    for (int f = 0; f < TM_F_COUNT; f++) {
        /* The number 1 found before still is the first from here when the
         * search started at or before here and it stands at or after. */
        if (!sc->known[f] || from < sc->from[f] || (sc->at1[f] >= 0 && (size_t)sc->at1[f] < from)) {
            size_t l2;
            /* The first 2 after the 1 found before is also the first after
             * a later 1 that stands before it: no 2 lies between them.
             * Searching anew each time would make a paragraph of many 1s
             * and one 2 far off quadratic. */
            int again = sc->known[f] && from >= sc->from[f];
            long at2 = again ? sc->at2[f] : -1;
            sc->known[f] = 1;
            sc->from[f] = from;
            sc->at1[f] = tm_inline(s, n, from, f, 1, &sc->len1[f]);
            if (sc->at1[f] < 0)
                sc->at2[f] = -1;
            else if (!(at2 >= 0 && (size_t)at2 >= (size_t)sc->at1[f] + sc->len1[f]))
                sc->at2[f] = tm_inline(s, n, (size_t)sc->at1[f] + sc->len1[f], f, 2, &l2);
        }
        /* A later 1 has no more 2s after it than the first one. */
        long at = sc->at1[f];
        if (at >= 0 && sc->at2[f] >= 0 && (best < 0 || at < best)) {
            best = at;
            *form = f;
            *len = sc->len1[f];
        }
    }
    return best;
}

long tm_series(const uint32_t *s, size_t n, size_t from, int *form, size_t *len)
{
    tm_scan_t sc;
    tm_scan_init(&sc);
    return tm_series_scan(s, n, from, &sc, form, len);
}

size_t tm_inline_lead(const uint32_t *s, size_t n, int *k)
{
    if (n == 0 || !u_in(s[0], CN_DIGITS))
        return 0;
    for (int i = 1; i <= TM_INLINE_MAX; i++) {
        char m[32];
        marker_text(TM_F_SHI, i, m, sizeof(m));
        size_t len = u_match(s, n, 0, m);
        if (len) {
            *k = i;
            while (len < n && u_in(s[len], "，、：, "))
                len++;
            return len;
        }
    }
    return 0;
}

size_t tm_intro_cut(const uint32_t *s, size_t n)
{
    size_t b = n;
    while (b > 0 && u_in(s[b - 1], "：:，, "))
        b--;
    if (!u_ends(s, b, "建议") && !u_ends(s, b, "提出") && !u_ends(s, b, "如下")) {
        /* 建议国家有关部门|一是…: a short sentence of 建议 up to the first
         * number names whom the asks address; it is no background. */
        size_t a = b;
        while (a > 0 && !u_in(s[a - 1], "。；！？") && b - a <= 24)
            a--;
        if ((a == 0 || u_in(s[a - 1], "。；！？")) && u_find(s, b, a, "建议") >= 0)
            return a;
        return b == 0 ? 0 : n;
    }
    /* Back to the last sentence end, if the clause is a short introduction. */
    size_t a = b;
    while (a > 0 && !u_in(s[a - 1], "。；！？") && b - a <= 16)
        a--;
    if (a == 0 || u_in(s[a - 1], "。；！？"))
        return a;
    /* A long clause ending in 建议: keep it, without the word that only
     * announces the asks. */
    b -= 2;
    while (b > 0 && u_in(s[b - 1], "，, "))
        b--;
    return b;
}

int tm_intro(const uint32_t *s, size_t n)
{
    if (n == 0 || (s[n - 1] != 0xFF1A && s[n - 1] != ':'))
        return 0;
    size_t a = n;
    while (a > 0 && !u_in(s[a - 1], "。；！？"))
        a--;
    return u_find(s, n, a, "建议") >= 0 || u_find(s, n, a, "如下") >= 0;
}

size_t tm_ask_end(const uint32_t *s, size_t a, size_t b)
{
    while (b > a && u_in(s[b - 1], "；，。、;,. "))
        b--;
    return b;
}

int tm_names_problems(const uint32_t *s, size_t n)
{
    static const char *const words[] = {"问题", "不足", "困难", "短板",
                                        "差距", "矛盾", "瓶颈", NULL};
    for (size_t i = 0; words[i]; i++)
        if (u_find(s, n, 0, words[i]) >= 0)
            return 1;
    return 0;
}

int tm_closing(const uint32_t *s, size_t n)
{
    static const char *const words[] = {"以上建议", "以上意见", "以上提案",
                                        "特此建议", "妥否",     NULL};
    if (n > 30)
        return 0;
    for (size_t i = 0; words[i]; i++)
        if (u_match(s, n, 0, words[i]))
            return 1;
    return 0;
}

/* ---- A proposal's number and session ------------------------------------ */

/* The length of a count at s[at..]: Chinese numerals (十四, 二) or digits
 * (14, 2). */
static size_t count_at(const uint32_t *s, size_t n, size_t at)
{
    size_t k = 0;
    while (at + k < n && k < 4 && u_in(s[at + k], "〇零一二三四五六七八九十百两"))
        k++;
    if (k == 0)
        while (at + k < n && k < 3 && u_is_digit(s[at + k]))
            k++;
    return k;
}

/* The length of [第]N届 or [第]N次 at s[at..], unit the UTF-8 of 届 or 次;
 * 0 when there is none. */
static size_t ordinal_at(const uint32_t *s, size_t n, size_t at, const char *unit)
{
    size_t a = at + u_match(s, n, at, "第");
    size_t k = count_at(s, n, a);
    size_t u = k ? u_match(s, n, a + k, unit) : 0;
    return u ? a + k + u - at : 0;
}

/* Whether the han text s[a..b) may stand before a session's 第N届: a
 * place or a body (山西省, 省, 政协, 中国人民政治协商会议, 全国人大, 省人大). */
static int session_prefix(const uint32_t *s, size_t a, size_t b)
{
    if (a == b)
        return 1;
    if (b - a > 14)
        return 0;
    for (size_t i = a; i < b; i++)
        if (!u_is_han(s[i]))
            return 0;
    return u_in(s[b - 1], "省市县区州旗盟协议") || u_ends(s + a, b - a, "人大");
}

/* The length of a session at s[at..]: 第十四届全国人民代表大会第二次会议,
 * 十四届全国人大二次会议, 省十四届人大三次会议, 政协第十四届全国委员会第二次
 * 会议, 第14届全国人大第2次会议; with bare set, also 十四届二次 (a form's
 * value). 0 when s[at..] does not start with one; when it starts with a
 * meeting of a standing committee instead (十四届全国人大常委会第十次会议),
 * *standing is set to that meeting's length. */
static size_t session_at(const uint32_t *s, size_t n, size_t at, int bare, size_t *standing)
{
    /* The place or body before 第N届. */
    size_t p = at;
    while (p < n && p - at <= 14 && u_is_han(s[p]) && !ordinal_at(s, n, p, "届"))
        p++;
    size_t k = p < n ? ordinal_at(s, n, p, "届") : 0;
    if (!k || !session_prefix(s, at, p))
        return 0;
    /* The body between 届 and 第N次: 全国人民代表大会, 人大, 全国委员会. */
    size_t b = p + k, e = b;
    while (e < n && e - b <= 16 && u_is_han(s[e]) && !ordinal_at(s, n, e, "次"))
        e++;
    k = e < n ? ordinal_at(s, n, e, "次") : 0;
    if (!k)
        return 0;
    if (e > b && u_find(s, e, b, "人大") < 0 && u_find(s, e, b, "代表大会") < 0 &&
        u_find(s, e, b, "委员会") < 0 && u_find(s, e, b, "政协") < 0)
        return 0;
    size_t end = e + k;
    size_t m = u_match(s, n, end, "会议");
    if (!m)
        m = u_match(s, n, end, "全体会议");
    /* 十四届全国人大常委会第十次会议 is a meeting of the standing committee,
     * no session of the congress. */
    if (u_find(s, e, b, "常委会") >= 0 || u_find(s, e, b, "常务委员会") >= 0) {
        *standing = end + m - at;
        return 0;
    }
    if (!m && !bare)
        return 0;
    return end + m - at;
}

/* The kind word that may stand before or after a number: 建议, 议案, 提案. */
static size_t kind_word(const uint32_t *s, size_t n, size_t at)
{
    size_t k = u_match(s, n, at, "建议");
    if (!k)
        k = u_match(s, n, at, "议案");
    if (!k)
        k = u_match(s, n, at, "提案");
    return k;
}

/* The value of a Chinese numeral digit (〇 and 零 are 0), -1 for any other
 * character. */
static int cn_digit(uint32_t c)
{
    static const uint32_t digits[] = {
        0x3007 /* 〇 */, 0x4E00 /* 一 */, 0x4E8C /* 二 */, 0x4E09 /* 三 */, 0x56DB /* 四 */,
        0x4E94 /* 五 */, 0x516D /* 六 */, 0x4E03 /* 七 */, 0x516B /* 八 */, 0x4E5D /* 九 */};
    if (c == 0x96F6 /* 零 */)
        return 0;
    for (int i = 0; i < 10; i++)
        if (digits[i] == c)
            return i;
    return -1;
}

/* The value of a unit, 十 百 千; 0 for any other character. */
static long cn_unit(uint32_t c)
{
    return c == 0x5341 ? 10 : c == 0x767E ? 100 : c == 0x5343 ? 1000 : 0;
}

/* The value of s[0..n) written with units (一百零五, 三千一百零五, 一百一十,
 * 十二): each unit lower than the one before, one left out marked by a 零
 * (一百零五), none ending the number (一百五, which speech reads as 150,
 * and 一百零 are none); -1 when s is not so written. */
static long cn_positional(const uint32_t *s, size_t n)
{
    long v = 0, last = 0;
    int zero = 0;
    size_t i = 0;
    while (i < n) {
        int d = cn_digit(s[i]);
        if (d == 0) {
            if (zero || !last)
                return -1;
            zero = 1;
            i++;
            continue;
        }
        if (d > 0)
            i++;
        else if (i == 0 && cn_unit(s[i]) == 10)
            d = 1; /* 十二 */
        else
            return -1;
        long u = i < n ? cn_unit(s[i]) : 0;
        if (u)
            i++;
        else
            u = 1;
        /* The unit next below the last, or a lower one after a 零. */
        if ((last && u >= last) || (last && (u * 10 == last) == zero) || (u == 1 && i < n))
            return -1;
        v += d * u;
        last = u;
        zero = 0;
    }
    return zero ? -1 : v;
}

/* A document number's digits, as ASCII: 8 at most. */
typedef char doc_no_t[9];

/* The length of a number in Chinese numerals at s[at..], digit by digit
 * (三一〇五, 〇〇八八) or with units (一百零五), its digits written to no
 * (3105, 0088, 105); 0 when there is none. */
static size_t cn_doc_no(const uint32_t *s, size_t n, size_t at, doc_no_t no)
{
    size_t k = 0;
    int units = 0;
    while (at + k < n && k < 8 && (cn_digit(s[at + k]) >= 0 || cn_unit(s[at + k]))) {
        units |= cn_unit(s[at + k]) != 0;
        k++;
    }
    if (k == 0)
        return 0;
    if (units) {
        long v = cn_positional(s + at, k);
        if (v < 0)
            return 0;
        snprintf(no, sizeof(doc_no_t), "%d", (int)v % 10000); /* 9999 at most */
    } else {
        for (size_t i = 0; i < k; i++)
            no[i] = (char)('0' + cn_digit(s[at + i]));
        no[k] = '\0';
    }
    return k;
}

/* Whether the number no is zeros alone (0, 0000, 第〇号): a form's blank
 * or a template's placeholder, no proposal's number. */
static int zeros(const char *no)
{
    return no[strspn(no, "0")] == '\0';
}

/* 第3105号 (also 第 3105 号, 第三一〇五号, 第一百零五号) at s[at..]: its
 * length, with its digits written to no; 0 when there is none, or it is
 * zeros alone. */
static size_t doc_no_at(const uint32_t *s, size_t n, size_t at, doc_no_t no)
{
    size_t a = at + u_match(s, n, at, "第");
    if (a == at)
        return 0;
    a = skip_spaces(s, n, a);
    size_t b = a;
    while (b < n && b - a < 8 && u_is_digit(s[b])) {
        no[b - a] = (char)s[b];
        b++;
    }
    no[b - a] = '\0';
    if (b == a)
        b += cn_doc_no(s, n, a, no);
    size_t e = skip_spaces(s, n, b);
    if (b == a || !u_match(s, n, e, "号") || zeros(no))
        return 0;
    return e + 1 - at;
}

size_t tm_title_number(const uint32_t *s, size_t n, ustr_t *number)
{
    if (n < 4 || s[n - 1] != 0xFF09 /* ） */)
        return n;
    size_t open = n - 1;
    while (open > 0 && n - open < 20 && s[open] != 0xFF08 /* （ */)
        open--;
    doc_no_t no;
    size_t a = skip_spaces(s, n, open + 1);
    size_t k = s[open] == 0xFF08 ? doc_no_at(s, n, a, no) : 0;
    if (!k || skip_spaces(s, n, a + k) != n - 1)
        return n;
    if (number)
        ustr_append_utf8(number, no, strlen(no));
    while (open > 0 && u_is_space(s[open - 1]))
        open--;
    return open;
}

/* A character of a number a form gives: a digit, a Latin letter, a hyphen
 * (3105, D-12). */
static int id_char(uint32_t c)
{
    return u_is_digit(c) || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Whether s[at..n) is a date and nothing more: 2026-03-05, 2026.3.5,
 * 2026/03/05, 2026年3月5日, also one mistyped (2026-13-05): a year of the
 * calendar's, a month and a day of one or two digits. */
static int is_date(const uint32_t *s, size_t n, size_t at)
{
    static const char *const marks[][3] = {
        {"-", "-", NULL}, {".", ".", NULL}, {"/", "/", NULL}, {"年", "月", "日"}};
    static const size_t widths[] = {4, 2, 2};
    static const long lowest[] = {1900, 0, 0}, highest[] = {2099, 99, 99};
    for (size_t f = 0; f < sizeof(marks) / sizeof(marks[0]); f++) {
        size_t i = at;
        int ok = 1;
        for (int p = 0; p < 3 && ok; p++) {
            size_t k = 0;
            long v = 0;
            while (i + k < n && k < widths[p] && u_is_digit(s[i + k]))
                v = v * 10 + (long)(s[i + k++] - '0');
            ok = (p ? k > 0 : k == 4) && v >= lowest[p] && v <= highest[p];
            i += k;
            size_t m = marks[f][p] ? u_match(s, n, i, marks[f][p]) : 0;
            ok = ok && (m || p == 2);
            i += m;
        }
        if (ok && i == n)
            return 1;
    }
    return 0;
}

/* A form's label: 编号：, 提案编号：, 届次：, 会议：. Returns the index
 * after the colon and the spaces after it, 0 when s starts with none of
 * the labels; *session says whether the label is of a session. */
static size_t ident_label(const uint32_t *s, size_t n, int *session)
{
    static const char *const numbers[] = {"建议编号", "提案编号", "议案编号", "编号", "建议号",
                                          "提案号",   "议案号",   "案号",     NULL};
    static const char *const sessions[] = {"届次", "会议", "会次", NULL};
    for (int w = 0; w < 2; w++) {
        const char *const *labels = w ? sessions : numbers;
        for (size_t i = 0; labels[i]; i++) {
            size_t m = u_match(s, n, 0, labels[i]);
            size_t k = skip_spaces(s, n, m);
            if (m && k < n && u_in(s[k], "：:")) {
                *session = w;
                return skip_spaces(s, n, k + 1);
            }
        }
    }
    return 0;
}

/* The value of a form's number label at s[v..n): 3105, 第3105号, D-12
 * appended to number; what else it is when it is none of them (a date,
 * or no number: 待定, zeros alone). */
static int ident_number_value(const uint32_t *s, size_t n, size_t v, ustr_t *number)
{
    doc_no_t no;
    size_t k = doc_no_at(s, n, v, no);
    if (k && v + k == n) {
        ustr_append_utf8(number, no, strlen(no));
        return TM_ID_READ;
    }
    size_t d = v;
    int digit = 0, not_zero = 0; /* 0000 is a blank */
    while (v < n && v - d < 20 && id_char(s[v])) {
        digit |= u_is_digit(s[v]);
        not_zero |= s[v] != '0';
        v++;
    }
    v += u_match(s, n, v, "号");
    if (!k && digit && not_zero && v == n && !is_date(s, n, d)) {
        ustr_append(number, s + d, v - d - (s[v - 1] == 0x53F7 /* 号 */));
        return TM_ID_READ;
    }
    return is_date(s, n, d) ? TM_ID_DATE : TM_ID_NOT_NUMBER;
}

int tm_ident_line(const uint32_t *s, size_t n, ustr_t *number, ustr_t *session)
{
    size_t a = 0, b = n;
    u_trim(s, &a, &b);
    if (a > 0 || b < n || n == 0 || n > 60)
        return TM_ID_NONE;
    /* （第0088号） alone: the bracket after a title, on the line below it. */
    if (tm_title_number(s, n, NULL) == 0) {
        tm_title_number(s, n, number);
        return TM_ID_READ;
    }
    int is_session;
    size_t standing = 0;
    size_t v = ident_label(s, n, &is_session);
    if (v > 0 && is_session) {
        /* 届次：十四届二次 / 会议：省十四届人大三次会议 */
        size_t k = session_at(s, n, v, 1, &standing);
        if (standing && v + standing == n)
            return TM_ID_STANDING;
        if (!k || v + k != n)
            return TM_ID_NONE;
        ustr_append(session, s + v, k);
        return TM_ID_READ;
    }
    /* 编号：3105 / 提案编号：0123 / 编号：第3105号 / 编号：D-12; an empty
     * field is none. */
    if (v > 0)
        return v < n ? ident_number_value(s, n, v, number) : TM_ID_NONE;
    /* [session] [建议]第3105号[建议] / session alone */
    size_t at = session_at(s, n, 0, 0, &standing);
    if (standing == n)
        return TM_ID_STANDING;
    if (at == n) {
        ustr_append(session, s, at);
        return TM_ID_READ;
    }
    doc_no_t no;
    size_t before = kind_word(s, n, at);
    size_t k = doc_no_at(s, n, at + before, no);
    if (!k)
        return TM_ID_NONE;
    size_t e = at + before + k;
    if (!before)
        e += kind_word(s, n, e);
    if (e != n)
        return TM_ID_NONE;
    ustr_append(session, s, at);
    ustr_append_utf8(number, no, strlen(no));
    return TM_ID_READ;
}

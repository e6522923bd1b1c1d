/*
 * labels.c - the Chinese labels of the default workflow and of a
 * proposal's fields (see labels.h).
 */
#include "labels.h"

#include <stdio.h>
#include <string.h>

/* The states in the workflow's order. The first label is written; the
 * aliases are what people also write in a spreadsheet. */
const pt_label_t pt_status_labels[] = {
    {"draft", "草稿", NULL, "Draft", 0},
    {"submitted", "已提出", "已提交", "Submitted", 0},
    {"reviewing", "审查中", NULL, "Under review", 0},
    {"filed", "已立案", NULL, "Filed", 0},
    {"not_filed", "不予立案", NULL, "Not filed", 0},
    {"merged", "并案", NULL, "Merged", 0},
    {"converted", "转为意见建议", NULL, "Converted to an opinion", 0},
    {"assigned", "已交办", NULL, "Assigned", 1},
    {"returned", "退回", "已退回", "Returned", 0},
    {"handling", "办理中", NULL, "Handling", 1},
    {"replied", "已答复", NULL, "Replied", 0},
    {"rehandling", "重新办理", NULL, "Rehandling", 1},
    {"closed", "办结", "已办结", "Closed", 0},
    {"withdrawn", "撤回", "已撤回", "Withdrawn", 0},
    {NULL, NULL, NULL, NULL, 0},
};

const pt_label_t pt_action_labels[] = {
    {"submit", "提交", NULL, NULL, 0},
    {"review", "审查", NULL, NULL, 0},
    {"file", "立案", NULL, NULL, 0},
    {"reject", "不予立案", NULL, NULL, 0},
    {"merge", "并案", NULL, NULL, 0},
    {"convert", "转为意见建议", NULL, NULL, 0},
    {"assign", "交办", NULL, NULL, 0},
    {"sign", "签收", NULL, NULL, 0},
    {"return", "退回", NULL, NULL, 0},
    {"reassign", "重新交办", NULL, NULL, 0},
    {"opinion", "协办意见", NULL, NULL, 0},
    {"extend", "延期", NULL, NULL, 0},
    {"reply", "答复", NULL, NULL, 0},
    {"feedback", "评价", NULL, NULL, 0},
    {"close", "办结", NULL, NULL, 0},
    {"follow_up", "补充答复", NULL, NULL, 0},
    {"reopen", "重新办理", NULL, NULL, 0},
    {"withdraw", "撤回", NULL, NULL, 0},
    {"supervise", "督办", NULL, NULL, 0},
    /* Not workflow actions: what the feed's events name besides them. */
    {"create", "登记", NULL, NULL, 0},
    {"import", "导入", NULL, NULL, 0},
    {"edit", "修改", NULL, NULL, 0},
    {"delete", "删除", NULL, NULL, 0},
    {"due_soon", "到期提醒", NULL, NULL, 0},
    {"overdue", "超期提醒", NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, 0},
};

const pt_label_t pt_kind_labels[] = {
    {"suggestion", "建议", NULL, NULL, 0}, {"motion", "议案", NULL, NULL, 0},
    {"proposal", "提案", NULL, NULL, 0},   {"other", "其他", NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, 0},
};

const pt_label_t pt_submitter_labels[] = {
    {"individual", "个人", NULL, NULL, 0},
    {"joint", "联名", NULL, NULL, 0},
    {"delegation", "代表团", NULL, NULL, 0},
    {"group", "集体", NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, 0},
};

const pt_label_t pt_mode_labels[] = {
    {"lead_co", "主办+协办", "主协办", NULL, 0},
    {"separate", "分办", NULL, NULL, 0},
    {"single", "单办", "独办", NULL, 0},
    {NULL, NULL, NULL, NULL, 0},
};

const pt_label_t pt_satisfaction_labels[] = {
    {"satisfied", "满意", NULL, NULL, 0},
    {"basically_satisfied", "基本满意", NULL, NULL, 0},
    {"unsatisfied", "不满意", NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, 0},
};

const pt_label_t pt_role_labels[] = {
    {"lead", "主办", NULL, NULL, 0},
    {"co", "协办", NULL, NULL, 0},
    {"separate", "分办", NULL, NULL, 0},
    {NULL, NULL, NULL, NULL, 0},
};

const pt_label_t *pt_label_find(const pt_label_t *labels, const char *name)
{
    for (const pt_label_t *l = labels; name && l->name; l++)
        if (strcmp(l->name, name) == 0)
            return l;
    return NULL;
}

const char *pt_label_zh(const pt_label_t *labels, const char *name)
{
    const pt_label_t *l = pt_label_find(labels, name);
    return l ? l->zh : name;
}

/* Whether text is one of a '|'-separated list. */
static int one_of(const char *list, const char *text)
{
    size_t n = strlen(text);
    for (const char *a = list; a && *a;) {
        const char *bar = strchr(a, '|');
        size_t an = bar ? (size_t)(bar - a) : strlen(a);
        if (an == n && memcmp(a, text, n) == 0)
            return 1;
        a += an + (bar ? 1 : 0);
    }
    return 0;
}

const char *pt_label_name(const pt_label_t *labels, const char *text)
{
    for (const pt_label_t *l = labels; text && l->name; l++)
        if (strcmp(l->name, text) == 0 || strcmp(l->zh, text) == 0 || one_of(l->aliases, text))
            return l->name;
    return NULL;
}

const pt_label_t *pt_state_find(const char *name)
{
    return pt_label_find(pt_status_labels, name);
}

const char *pt_state_label(const char *name)
{
    return name ? pt_label_zh(pt_status_labels, name) : "";
}

int pt_state_order(const char *name)
{
    const pt_label_t *s = pt_state_find(name);
    if (s)
        return (int)(s - pt_status_labels);
    int n = 0;
    while (pt_status_labels[n].name)
        n++;
    return n;
}

/* The running workflow's entry for name, where the host has the call. */
static bool wf_item(const pt_wf_t *wf, int kind, const char *name, ptrack_workflow_item_t *it)
{
    memset(it, 0, sizeof(*it));
    it->struct_size = sizeof(*it);
    return name && wf && PTRACK_HOST_HAS(wf->host, workflow_item) &&
           wf->host->workflow_item(wf->inst, kind, name, it) == PTRACK_OK && it->label_zh;
}

const char *pt_wf_state_label(const pt_wf_t *wf, const char *state)
{
    ptrack_workflow_item_t it;
    return wf_item(wf, PTRACK_WF_STATE, state, &it) ? it.label_zh : pt_state_label(state);
}

const char *pt_wf_action_label(const pt_wf_t *wf, const char *action)
{
    ptrack_workflow_item_t it;
    /* create, import, edit and delete are not the workflow's actions. */
    return wf_item(wf, PTRACK_WF_ACTION, action, &it) ? it.label_zh : pt_action_label(action);
}

const char *pt_wf_state_name(const pt_wf_t *wf, const char *text)
{
    ptrack_workflow_item_t it;
    if (wf_item(wf, PTRACK_WF_STATE, text, &it) &&
        it.struct_size >= offsetof(ptrack_workflow_item_t, name) + sizeof(it.name) && it.name)
        return it.name;
    return pt_label_name(pt_status_labels, text);
}

bool pt_wf_state_clock(const pt_wf_t *wf, const char *state)
{
    ptrack_workflow_item_t it;
    if (wf_item(wf, PTRACK_WF_STATE, state, &it))
        return it.clock != 0;
    const pt_label_t *l = pt_state_find(state);
    return l && l->clock;
}

int pt_wf_state_order(const pt_wf_t *wf, const char *state)
{
    ptrack_workflow_item_t it;
    if (wf_item(wf, PTRACK_WF_STATE, state, &it))
        return it.order;
    /* Without the host's answer the default workflow's order, which an
     * office's own workflow may not share: unknown ones after. */
    return pt_state_order(state) + (wf && PTRACK_HOST_HAS(wf->host, workflow_item) ? 1000 : 0);
}

const char *pt_kind_label(const char *kind)
{
    return pt_label_zh(pt_kind_labels, kind);
}

const char *pt_kind_noun(const char *kind)
{
    if (kind && strcmp(kind, "proposal") == 0)
        return "提案";
    if (kind && strcmp(kind, "motion") == 0)
        return "议案";
    return "建议";
}

const char *pt_satisfaction_label(const char *satisfaction)
{
    return pt_label_zh(pt_satisfaction_labels, satisfaction);
}

const char *pt_action_label(const char *name)
{
    return pt_label_zh(pt_action_labels, name);
}

const char *pt_role_label(const char *role)
{
    return role ? pt_label_zh(pt_role_labels, role) : "承办";
}

const char *pt_category_meaning(char category)
{
    /* The categories offices use for a handling result. */
    switch (category) {
    case 'A':
        return "所提问题已经解决或基本解决";
    case 'B':
        return "正在解决或列入计划逐步解决";
    case 'C':
        return "因条件限制需以后解决";
    case 'D':
        return "留作参考";
    default:
        return "";
    }
}

void pt_category_label(char category, char *buf, size_t size)
{
    snprintf(buf, size, "%c类（%s）", category, pt_category_meaning(category));
}

/* ---- Field headers ---------------------------------------------------------- */

static const pt_field_label_t fields[] = {
    {"id", "ID", NULL, ""},
    {"number", "编号", NULL, "建议编号|提案编号"},
    {"session", "届次", NULL, "会议"},
    {"kind", "类型", NULL, "种类"},
    {"title", "标题", NULL, "案由|题目|建议标题|提案标题"},
    {"lead_author", "领衔代表", NULL, "第一提案人|领衔人|提出人|提案人"},
    {"co_signers", "联名代表", NULL, "附议代表|联名人|附议人"},
    {"submitter_type", "提出方式", NULL, ""},
    {"delegation", "代表团", NULL, ""},
    {"category", "类别", NULL, "分类"},
    {"tags", "标签", NULL, "关键词"},
    {"background", "背景", NULL, "案由分析|背景情况|理由"},
    {"recommendations", "建议", NULL, "办法|具体建议|建议内容"},
    {"status", "状态", NULL, "办理状态"},
    {"merged_into", "并入ID", NULL, ""},
    {"handling_mode", "办理方式", NULL, ""},
    {"lead_units", "主办单位", NULL, "承办单位"},
    {"co_units", "协办单位", NULL, "会办单位"},
    {"unit", "承办单位", NULL, ""},
    {"assigned_at", "交办时间", NULL, ""},
    {"due_at", "办理期限", NULL, "截止时间|答复期限"},
    {"rehandling_at", "重新办理时间", NULL, ""},
    {"replies_from", "答复起算时间", NULL, ""},
    {"overdue", "是否超期", "超期", "超期"},
    {"key_supervision", "重点督办", NULL, ""},
    {"supervisor", "督办人", NULL, "督办领导"},
    {"reply_unit", "答复单位", NULL, ""},
    {"doc_no", "答复文号", NULL, ""},
    {"reply_category", "办理结果", NULL, "答复类别"},
    {"replied_at", "答复时间", NULL, ""},
    {"satisfaction", "满意度", NULL, "评价"},
    {"source.format", "来源格式", NULL, "source_format"},
    {"source.ref", "来源编号", NULL, "ref|source_ref"},
    {"created_at", "创建时间", "提出时间", "提出时间"},
    {"updated_at", "更新时间", NULL, ""},
    {"units", "单位明细", NULL, ""},
    {"replies", "答复记录", NULL, ""},
    {"feedback", "评价记录", NULL, ""},
    {"custom", "自定义字段", NULL, ""},
};

const pt_field_label_t *pt_field_find(const char *key)
{
    for (size_t i = 0; key && i < sizeof(fields) / sizeof(fields[0]); i++)
        if (strcmp(fields[i].key, key) == 0)
            return &fields[i];
    return NULL;
}

const char *pt_field_label(const char *key)
{
    const pt_field_label_t *f = pt_field_find(key);
    return f ? f->zh : key;
}

const char *pt_field_brief(const char *key)
{
    const pt_field_label_t *f = pt_field_find(key);
    return !f ? key : f->brief ? f->brief : f->zh;
}

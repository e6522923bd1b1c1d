/*
 * labels.c - the Chinese names of the API's codes (see labels.h).
 */
#include "labels.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "json.h"
#include "timefmt.h"
#include "width.h"

typedef struct {
    const char *code, *zh;
} label_t;

static const label_t kinds[] = {
    {"suggestion", "建议"}, {"motion", "议案"}, {"proposal", "提案"}, {"other", "其他"}, {0}};
static const label_t submitters[] = {
    {"individual", "个人"}, {"joint", "联名"}, {"delegation", "代表团"}, {"group", "集体"}, {0}};
static const label_t modes[] = {
    {"lead_co", "主办+协办"}, {"separate", "分办"}, {"single", "单独办理"}, {0}};
static const label_t roles[] = {{"lead", "主办"}, {"co", "协办"}, {"separate", "分办"}, {0}};
static const label_t satisfactions[] = {
    {"satisfied", "满意"}, {"basically_satisfied", "基本满意"}, {"unsatisfied", "不满意"}, {0}};
static const label_t reply_kinds[] = {
    {"first", "首次答复"}, {"again", "再次答复"}, {"supplementary", "补充答复"}, {0}};
/* The usual meaning of the answer categories in NPC and CPPCC practice, in
 * the words the reports use (plugins/common/labels.c, pt_category_meaning),
 * so that a table and a report never explain a letter two ways. */
static const label_t reply_categories[] = {{"A", "所提问题已经解决或基本解决"},
                                           {"B", "正在解决或列入计划逐步解决"},
                                           {"C", "因条件限制需以后解决"},
                                           {"D", "留作参考"},
                                           {0}};
/* A token's roles. The first label of a role is shown; the others are
 * also taken. */
static const label_t token_roles[] = {
    {"viewer", "只读"},  {"clerk", "经办"},  {"unit", "承办单位"}, {"delegate", "代表"},
    {"admin", "管理员"}, {"viewer", "查看"}, {"unit", "单位"},     {0}};
static const label_t events[] = {{"proposal.created", "新增"},
                                 {"proposal.updated", "修改"},
                                 {"proposal.status_changed", "状态变更"},
                                 {"proposal.deleted", "删除"},
                                 {"proposal.due_soon", "即将到期"},
                                 {"proposal.overdue", "已逾期"},
                                 {"digest.daily", "每日摘要"},
                                 {"store.restored", "数据恢复"},
                                 {0}};
/* What an error code of the API means for the person who sees it; the
 * daemon's message after it says what exactly (the codes of docs/api.md, Errors). */
static const label_t errors[] = {{"invalid_json", "请求内容不是有效的 JSON"},
                                 {"validation_failed", "内容有误"},
                                 {"not_found", "未找到"},
                                 {"invalid_transition", "当前状态下不能进行此操作"},
                                 {"version_conflict", "已被他人修改，请重新读取后再试"},
                                 {"unauthorized", "身份未认证"},
                                 {"forbidden", "无权进行此操作"},
                                 {"payload_too_large", "内容过大"},
                                 {"unsupported_media_type", "内容类型不受支持"},
                                 {"idempotency_conflict", "同一请求键的内容不同"},
                                 {"storage_error", "存储出错"},
                                 {"bad_request", "请求参数有误"},
                                 {"headers_too_large", "请求头过大"},
                                 {"method_not_allowed", "不支持此请求方法"},
                                 {"conflict", "与现有内容冲突"},
                                 {"internal_error", "服务内部出错"},
                                 {"config_error", "配置有误"},
                                 {"shutting_down", "服务正在停止，请稍后再试"},
                                 {"plugin_error", "插件出错"},
                                 {0}};

/* The words of the card (cmd-show.c) where it has the field, else those of
 * the reports (plugins/common/labels.c). */
static const label_t fields[] = {{"number", "编号"},
                                 {"kind", "类型"},
                                 {"session", "届次"},
                                 {"title", "标题"},
                                 {"background", "背景"},
                                 {"recommendations", "建议内容"},
                                 {"submitter_type", "提出方式"},
                                 {"lead_author", "领衔"},
                                 {"co_signers", "联名"},
                                 {"delegation", "代表团"},
                                 {"category", "类别"},
                                 {"tags", "标签"},
                                 {"handling_mode", "办理方式"},
                                 {"units", "承办单位"},
                                 {"assigned_at", "交办"},
                                 {"rehandling_at", "重新办理"},
                                 {"replies_from", "答复起算"},
                                 {"due_at", "期限"},
                                 {"key_supervision", "重点督办"},
                                 {"supervisor", "督办人"},
                                 {"merged_into", "并入"},
                                 {"replies", "答复"},
                                 {"feedback", "评价"},
                                 {"custom", "自定义"},
                                 {"reason", "原因"},
                                 {"returned_by", "退回单位"},
                                 {"awaiting_replies", "待答复单位"},
                                 {0}};

static const cJSON *wf_entry(pt_cli_t *cli, const char *list, const char *name);

/* A unit's parts still to do (ptrack list --todo, the 本单位 column). */
static const label_t todo_parts[] = {
    {"sign", "未签收"}, {"opinion", "待意见"}, {"reply", "待答复"}, {0}};
/* What a person may type for them besides: the actions' usual names. */
static const label_t todo_inputs[] = {{"sign", "签收"},    {"sign", "待签收"},
                                      {"opinion", "意见"}, {"opinion", "协办意见"},
                                      {"reply", "答复"},   {0}};

static const char *lookup(const label_t *t, const char *code)
{
    if (!code)
        return "";
    for (; t->code; t++)
        if (strcmp(t->code, code) == 0)
            return t->zh;
    return code;
}

/* The code that s names, by a label or by the code itself in any case
 * (Proposal, ADMIN: a code typed with the shift key held is still it);
 * s itself when it names none. */
static const char *reverse(const label_t *t, const char *s)
{
    for (; t->code; t++)
        if (strcmp(t->zh, s) == 0 || strcasecmp(t->code, s) == 0)
            return t->code;
    return s;
}

const char *pt_label_todo(const char *part)
{
    return lookup(todo_parts, part);
}

const char *pt_todo_from_input(pt_cli_t *cli, const char *s)
{
    s = pt_input_fold(cli, s);
    for (const label_t *t = todo_parts; t->code; t++)
        if (strcmp(t->code, s) == 0 || strcmp(t->zh, s) == 0)
            return t->code;
    const char *code = reverse(todo_inputs, s);
    if (code != s)
        return code;
    /* An action of the office's workflow, by its name or label, that does
     * one of the parts (its effect): 签收登记 where sign is so called. */
    const char *effect =
        pt_json_str(wf_entry(cli, "actions", pt_action_from_input(cli, s)), "effect");
    for (const label_t *t = todo_parts; effect && t->code; t++)
        if (strcmp(t->code, effect) == 0)
            return t->code;
    return NULL;
}

const char *pt_label_kind(const char *kind)
{
    return lookup(kinds, kind);
}

const char *pt_label_submitter(const char *type)
{
    return lookup(submitters, type);
}

const char *pt_label_mode(const char *mode)
{
    return lookup(modes, mode);
}

const char *pt_label_role(const char *role)
{
    return lookup(roles, role);
}

const char *pt_label_satisfaction(const char *s)
{
    return lookup(satisfactions, s);
}

const char *pt_label_reply_kind(const char *kind)
{
    return lookup(reply_kinds, kind);
}

const char *pt_label_reply_category(const char *cat)
{
    return lookup(reply_categories, cat);
}

const char *pt_label_error(const char *code)
{
    for (const label_t *t = errors; code && t->code; t++)
        if (strcmp(t->code, code) == 0)
            return t->zh;
    return NULL;
}

const char *pt_label_event(const char *type)
{
    return lookup(events, type);
}

const char *pt_label_field(const char *key)
{
    const char *zh = lookup(fields, key);
    return key && zh != key ? zh : NULL;
}

const char *pt_label_token_role(const char *role)
{
    return lookup(token_roles, role);
}

const char *pt_label_token_source(const char *source)
{
    static const label_t sources[] = {{"config", "配置"}, {"store", "运行时"}, {0}};
    return lookup(sources, source);
}

const char *pt_input_fold(pt_cli_t *cli, const char *s)
{
    pt_buf_t b = {0};
    size_t n = strlen(s), i = 0;
    bool changed = false;
    while (i < n) {
        int32_t cp;
        size_t k = pt_utf8_decode(s + i, n - i, &cp);
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            pt_buf_putc(&b, (char)(cp - 0xFF01 + 0x21));
            changed = true;
        } else if (cp == 0x3000) {
            pt_buf_putc(&b, ' ');
            changed = true;
        } else {
            pt_buf_add(&b, s + i, k);
        }
        i += k;
    }
    /* Blanks around a code are never part of it. */
    size_t start = 0, end = b.len;
    while (start < end && (b.s[start] == ' ' || b.s[start] == '\t'))
        start++;
    while (end > start && (b.s[end - 1] == ' ' || b.s[end - 1] == '\t'))
        end--;
    if (!changed && start == 0 && end == b.len) {
        pt_buf_free(&b);
        return s;
    }
    char *out = pt_xstrndup(pt_buf_str(&b) + start, end - start);
    pt_buf_free(&b);
    cli->kept = pt_xrealloc(cli->kept, (cli->n_kept + 1) * sizeof *cli->kept);
    cli->kept[cli->n_kept++] = out;
    return out;
}

const char *pt_kind_from_input(pt_cli_t *cli, const char *s)
{
    return reverse(kinds, pt_input_fold(cli, s));
}

const char *pt_token_role_from_input(pt_cli_t *cli, const char *s)
{
    return reverse(token_roles, pt_input_fold(cli, s));
}

/* The label table of an enumerated field, by its name. */
static const label_t *value_labels(const char *field)
{
    static const struct {
        const char *field;
        const label_t *labels;
    } map[] = {{"satisfaction", satisfactions}, {"mode", modes},
               {"handling_mode", modes},        {"kind", kinds},
               {"submitter_type", submitters},  {"role", roles}};
    for (size_t i = 0; field && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].field, field) == 0)
            return map[i].labels;
    return NULL;
}

/* Whether field, a path of an API refusal, is a unit's role in `units`
 * (units[0].role), where assign and reassign refuse one. */
static bool is_unit_role(const char *field)
{
    const char *s = field;
    if (!s || strncmp(s, "units[", 6) != 0)
        return false;
    s += 6;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    return strcmp(s, "].role") == 0;
}

bool pt_value_labels_describe(const char *field, pt_buf_t *b)
{
    /* The fields of a refusal are paths of the API's bodies: a unit's
     * role is refused as units[N].role, and the one field named "role"
     * alone is a token's (POST /v1/tokens), whose roles are not a unit's
     * (主办, 协办, 分办 after a token's refused role told the admin to
     * type what no token takes). */
    const label_t *t;
    if (field && strcmp(field, "role") == 0)
        t = token_roles;
    else if (is_unit_role(field))
        t = roles;
    else
        t = value_labels(field);
    if (!t)
        return false;
    for (const label_t *l = t; l->code; l++) {
        /* A code's first label only (token_roles takes 查看 for viewer
         * too): each role is named once. */
        const label_t *e = t;
        while (e < l && strcmp(e->code, l->code) != 0)
            e++;
        if (e == l)
            pt_buf_printf(b, "%s%s", l == t ? "" : "、", l->zh);
    }
    return true;
}

const char *pt_value_from_input(pt_cli_t *cli, const char *field, const cJSON *values,
                                const char *s)
{
    const cJSON *v;
    s = pt_input_fold(cli, s);
    cJSON_ArrayForEach(v, values)
    {
        if (cJSON_IsString(v) && strcmp(v->valuestring, s) == 0)
            return v->valuestring;
    }
    cJSON_ArrayForEach(v, values)
    {
        if (cJSON_IsString(v) && strcasecmp(v->valuestring, s) == 0)
            return v->valuestring;
    }
    /* A reply's category as show, history and the reports write it, and
     * as an office's sheet has it (A类): the CSV importer takes it too. */
    size_t n = strlen(s), cut = strlen("类");
    if (field && strcmp(field, "category") == 0 && n > cut && strcmp(s + n - cut, "类") == 0) {
        cJSON_ArrayForEach(v, values)
        {
            if (cJSON_IsString(v) && strlen(v->valuestring) == n - cut &&
                strncasecmp(v->valuestring, s, n - cut) == 0)
                return v->valuestring;
        }
    }
    const label_t *labels = value_labels(field);
    return labels ? reverse(labels, s) : s;
}

/* The workflow's entry named `name` in its `list` ("states" or "actions"). */
static const cJSON *wf_entry(pt_cli_t *cli, const char *list, const char *name)
{
    const cJSON *wf = pt_cli_workflow(cli);
    const cJSON *it;
    if (!wf || !name)
        return NULL;
    cJSON_ArrayForEach(it, pt_json_get(wf, list))
    {
        const char *n = pt_json_str(it, "name");
        if (n && strcmp(n, name) == 0)
            return it;
    }
    return NULL;
}

static const char *wf_label(pt_cli_t *cli, const char *list, const char *name, const char *lang)
{
    const cJSON *e = wf_entry(cli, list, name);
    const char *l = e ? pt_json_str(pt_json_get(e, "label"), lang) : NULL;
    return l && *l ? l : name ? name : "";
}

const char *pt_label_state(pt_cli_t *cli, const char *state)
{
    return wf_label(cli, "states", state, "zh");
}

const char *pt_label_state_en(pt_cli_t *cli, const char *state)
{
    return wf_label(cli, "states", state, "en");
}

const char *pt_label_named(const char *label, const char *code, pt_buf_t *b)
{
    if (!code)
        pt_buf_puts(b, "?");
    else if (!label || strcmp(label, code) == 0)
        pt_buf_puts(b, code);
    else
        pt_buf_printf(b, "%s %s", label, code);
    return pt_buf_str(b);
}

const char *pt_label_state_named(pt_cli_t *cli, const char *state, pt_buf_t *b)
{
    return pt_label_named(pt_label_state(cli, state), state, b);
}

bool pt_state_known(pt_cli_t *cli, const char *state)
{
    return wf_entry(cli, "states", state) != NULL;
}

bool pt_action_known(pt_cli_t *cli, const char *action)
{
    return wf_entry(cli, "actions", action) != NULL;
}

/* "label code、label code…" of the workflow's `list`. */
static void describe(pt_cli_t *cli, const char *list, pt_buf_t *b)
{
    const cJSON *it;
    bool first = true;
    cJSON_ArrayForEach(it, pt_json_get(pt_cli_workflow(cli), list))
    {
        const char *name = pt_json_str(it, "name");
        if (!name)
            continue;
        pt_buf_printf(b, "%s%s %s", first ? "" : "、", wf_label(cli, list, name, "zh"), name);
        first = false;
    }
}

void pt_states_describe(pt_cli_t *cli, pt_buf_t *b)
{
    describe(cli, "states", b);
}

void pt_actions_describe(pt_cli_t *cli, pt_buf_t *b)
{
    describe(cli, "actions", b);
}

bool pt_state_clock_runs(pt_cli_t *cli, const char *state)
{
    const cJSON *e = wf_entry(cli, "states", state);
    /* A workflow that cannot be read: the deadline is shown, as it was. */
    return e ? pt_json_bool(e, "clock", true) : true;
}

const char *pt_action_effect(pt_cli_t *cli, const char *action)
{
    const char *effect = pt_json_str(wf_entry(cli, "actions", action), "effect");
    return effect ? effect : action;
}

/* What the history and the feed name besides the workflow's actions, in
 * the words of the reports (plugins/common/labels.c, pt_action_labels). */
static const label_t other_actions[] = {
    {"create", "登记"}, {"import", "导入"}, {"edit", "修改"}, {"delete", "删除"}, {0}};

const char *pt_label_action(pt_cli_t *cli, const char *action)
{
    const char *l = wf_label(cli, "actions", action, "zh");
    return action && l == action ? lookup(other_actions, action) : l;
}

/* Finds the workflow entry of `list` whose zh label is s. Plain ASCII is
 * taken to be a code already and sent as it is, without asking for the
 * workflow. The label is folded as what was typed is (pt_input_fold), so
 * that an office's label with a full-width space in it (暂缓　办理) is
 * found as typed. */
static const char *from_label(pt_cli_t *cli, const char *list, const char *s)
{
    const cJSON *wf;
    const cJSON *it;
    s = pt_input_fold(cli, s);
    for (const char *p = s;; p++) {
        if (*p == '\0')
            return s;
        if ((unsigned char)*p >= 0x80)
            break;
    }
    wf = pt_cli_workflow(cli);
    cJSON_ArrayForEach(it, pt_json_get(wf, list))
    {
        const char *zh = pt_json_str(pt_json_get(it, "label"), "zh");
        const char *name = pt_json_str(it, "name");
        if (zh && name && strcmp(pt_input_fold(cli, zh), s) == 0)
            return name;
    }
    return s;
}

const char *pt_state_from_input(pt_cli_t *cli, const char *s)
{
    return from_label(cli, "states", s);
}

const char *pt_action_from_input(pt_cli_t *cli, const char *s)
{
    return from_label(cli, "actions", s);
}

/* The entry of `list` whose code or English label is s in any case. */
static const char *from_name(pt_cli_t *cli, const char *list, const char *s)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, pt_json_get(pt_cli_workflow(cli), list))
    {
        const char *name = pt_json_str(it, "name");
        const char *en = pt_json_str(pt_json_get(it, "label"), "en");
        if (name &&
            (strcasecmp(name, s) == 0 || (en && strcasecmp(pt_input_fold(cli, en), s) == 0)))
            return name;
    }
    return NULL;
}

const char *pt_state_from_name(pt_cli_t *cli, const char *s)
{
    return from_name(cli, "states", s);
}

const char *pt_action_from_name(pt_cli_t *cli, const char *s)
{
    return from_name(cli, "actions", s);
}

/* Whether the unit of this name has a reply of p (in any round) that
 * answers its assignment: a supplementary one does not, nor one from
 * before an assignment that came after it (replies_from), as the daemon
 * counts them (pt_proposal_reply_counts). */
static bool unit_replied(const cJSON *p, const char *name)
{
    const cJSON *r;
    int64_t from = 0, at;
    const char *s = pt_json_str(p, "replies_from");
    if (s && pt_time_parse(s, &from) != 0)
        from = 0;
    cJSON_ArrayForEach(r, pt_json_get(p, "replies"))
    {
        const char *unit = pt_json_str(r, "unit");
        const char *kind = pt_json_str(r, "kind");
        s = pt_json_str(r, "replied_at");
        if (!s || pt_time_parse(s, &at) != 0)
            at = 0;
        if (name && unit && strcmp(unit, name) == 0 && at >= from &&
            !(kind && strcmp(kind, "supplementary") == 0))
            return true;
    }
    return false;
}

const char **pt_awaiting_replies(const cJSON *p, size_t *n)
{
    const char **out = NULL;
    const char *mode = pt_json_str(p, "handling_mode");
    *n = 0;
    if (!mode || strcmp(mode, "separate") != 0)
        return NULL;
    const cJSON *u;
    bool any = false;
    cJSON_ArrayForEach(u, pt_json_get(p, "units"))
    {
        any |= unit_replied(p, pt_json_str(u, "name"));
    }
    /* None has replied: the round has not begun to wait for anyone. */
    if (!any)
        return NULL;
    cJSON_ArrayForEach(u, pt_json_get(p, "units"))
    {
        const char *name = pt_json_str(u, "name");
        if (name && !unit_replied(p, name)) {
            out = pt_xrealloc(out, (*n + 1) * sizeof *out);
            out[(*n)++] = name;
        }
    }
    return out;
}

void pt_label_unit_part(const cJSON *p, pt_buf_t *out)
{
    const cJSON *part = pt_json_get(p, "unit_part"), *it;
    if (!cJSON_IsObject(part))
        return;
    const char *name = pt_json_str(part, "name");
    pt_buf_puts(out, pt_label_role(pt_json_str(part, "role")));
    /* A lead unit whose reply waits for a co unit's opinion cannot reply
     * yet: what it waits for is said, not that its reply is due. */
    bool awaiting = cJSON_GetArraySize(pt_json_get(part, "awaiting")) > 0;
    cJSON_ArrayForEach(it, pt_json_get(part, "todo"))
    {
        if (cJSON_IsString(it) && awaiting && strcmp(it->valuestring, "reply") == 0)
            pt_buf_puts(out, "·等协办意见");
        else if (cJSON_IsString(it))
            pt_buf_printf(out, "·%s", pt_label_todo(it->valuestring));
    }
    if (cJSON_GetArraySize(pt_json_get(part, "todo")) > 0 || !name)
        return;
    const cJSON *own = NULL;
    cJSON_ArrayForEach(it, pt_json_get(p, "units"))
    {
        const char *n = pt_json_str(it, "name");
        if (!own && n && strcmp(n, name) == 0)
            own = it;
    }
    if (pt_json_str(own, "opinion_at"))
        pt_buf_puts(out, "·已提意见");
    else if (unit_replied(p, name))
        pt_buf_puts(out, "·已答复");
    else if (pt_json_str(own, "signed_at"))
        pt_buf_puts(out, "·已签收");
}

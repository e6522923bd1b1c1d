/*
 * workflow-apply.c - running one action on one proposal.
 *
 * The order of work is what keeps a refused action from changing anything:
 *   1. the action must exist and the current state must allow it;
 *   2. the body is checked against the action's fields, without touching
 *      the proposal;
 *   3. guards and the effect run on a deep copy, and may still refuse
 *      (a unit that is not assigned, a window that has closed);
 *   4. only then is the copy swapped in, and the history entry built from
 *      the difference between the old and the new proposal's JSON.
 * Every problem found in steps 2 and 3 is reported, not only the first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-strict.h"
#include "proposal-fields.h"
#include "timefmt.h"
#include "workflow-internal.h"

#define STRING_MAX 500  /* code points in a field of type "string" */
#define PT_STATE_BUF 72 /* a state's name: at most 64 bytes (workflow.c) */

/* The state of one run of an action. */
typedef struct {
    const pt_action_ctx_t *ctx;
    pt_deadlines_t dl;
    const wf_action_t *a;
    const cJSON *body;
    pt_proposal_t *p; /* the working copy, once step 3 starts */
    size_t to;        /* the state the action leads to */
    cJSON *extra;     /* changes that are not fields of the proposal */
    pt_error_t *err;
    int problems;
    bool oom;
} run_t;

static void problem(run_t *r, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(run_t *r, const char *field, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pt_error_add_field(r->err, field, "%s", msg);
    r->problems++;
}

/* Formats a field path such as "units[2].name". A path that does not fit is
 * cut short, which only shortens a message; going through vsnprintf keeps
 * GCC's truncation warning, meant for text that matters, quiet about it. */
static void pathf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void pathf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

/* The body value of a declared field; NULL when absent or null. Only valid
 * after the body has been checked. */
static const cJSON *val(const run_t *r, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->body, name);

    return v == NULL || cJSON_IsNull(v) ? NULL : v;
}

static const char *sval(const run_t *r, const char *name)
{
    return cJSON_GetStringValue(val(r, name));
}

/* An optional text of the body (a note, a feedback's comment), none when
 * blank: spaces alone say nothing, and a history or a feedback showed
 * them as if they did. */
static const char *optional_text(const run_t *r, const char *name)
{
    const char *s = sval(r, name);
    return s && !pt_str_blank(s) ? s : NULL;
}

/* "10 days", "36 hours": a deadline window as a person reads it. */
static const char *fmt_duration(int64_t ms, char *buf, size_t len)
{
    static const struct {
        int64_t ms;
        const char *unit;
    } units[] = {{86400000, "day"}, {3600000, "hour"}, {60000, "minute"}, {1000, "second"}};

    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (ms >= units[i].ms && ms % units[i].ms == 0) {
            long long n = (long long)(ms / units[i].ms);

            snprintf(buf, len, "%lld %s%s", n, units[i].unit, n == 1 ? "" : "s");
            return buf;
        }
    }
    snprintf(buf, len, "%lld ms", (long long)ms);
    return buf;
}

static bool json_int64(const cJSON *v, int64_t *out)
{
    double d;

    if (!cJSON_IsNumber(v))
        return false;
    d = v->valuedouble;
    if (!(d >= 1.0 && d <= 9007199254740992.0) || d != (double)(int64_t)d)
        return false;
    *out = (int64_t)d;
    return true;
}

static bool is_text(const cJSON *v)
{
    return cJSON_IsString(v) && v->valuestring &&
           pt_utf8_valid(v->valuestring, strlen(v->valuestring));
}

/* What is wrong with v as text an action takes (a string of UTF-8 with no
 * control character but tabs and line breaks, and no noncharacter:
 * pt_text_control), written into buf; NULL when nothing is. */
static const char *text_problem(const cJSON *v, char *buf, size_t size)
{
    if (!is_text(v))
        return "must be a string";
    return pt_text_refusal(v->valuestring, buf, size);
}

static bool role_known(const char *role)
{
    return strcmp(role, "lead") == 0 || strcmp(role, "co") == 0 || strcmp(role, "separate") == 0;
}

/* The [{name, role}] of assign, apart from the rules that depend on the
 * mode, which the effect checks. */
/* Whether two unit names are one as assign keeps them (pt_unit_name_clean):
 * without the spaces around them, the invisible characters a copy brought
 * along, a Kangxi radical for its ideograph. */
static bool same_name(run_t *r, const char *a, const char *b)
{
    char *ca = pt_unit_name_clean(a), *cb = pt_unit_name_clean(b);
    bool same = ca && cb && strcmp(ca, cb) == 0;

    if (!ca || !cb)
        r->oom = true;
    free(ca);
    free(cb);
    return same;
}

static bool check_units(run_t *r, const char *field, const cJSON *v)
{
    char path[128], why_buf[160];
    const char *why;
    const cJSON *u;
    size_t i = 0;
    int before = r->problems;

    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0) {
        problem(r, field, "must be a non-empty array of {name, role}");
        return false;
    }
    if (cJSON_GetArraySize(v) > PT_UNITS_MAX) {
        problem(r, field, "at most %d units, not %d", PT_UNITS_MAX, cJSON_GetArraySize(v));
        return false;
    }
    cJSON_ArrayForEach(u, v)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(u, "name");
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(u, "role");
        const cJSON *m;

        pathf(path, sizeof(path), "%s[%zu]", field, i);
        if (!cJSON_IsObject(u)) {
            problem(r, path, "must be an object {name, role}");
            i++;
            continue;
        }
        cJSON_ArrayForEach(m, u)
        {
            if (strcmp(m->string, "name") != 0 && strcmp(m->string, "role") != 0) {
                pathf(path, sizeof(path), "%s[%zu].%s", field, i, m->string);
                problem(r, path, "unknown field");
            }
        }
        pathf(path, sizeof(path), "%s[%zu].name", field, i);
        if (name == NULL || cJSON_IsNull(name))
            problem(r, path, "required");
        else if ((why = text_problem(name, why_buf, sizeof(why_buf))) != NULL)
            problem(r, path, "%s", why);
        else if (pt_str_blank(name->valuestring))
            problem(r, path, "must not be blank");
        else if (pt_utf8_length(name->valuestring) > STRING_MAX)
            problem(r, path, "longer than %d characters", STRING_MAX);
        else {
            /* Names are compared with every earlier one: a unit list is a
             * handful of entries (PT_UNITS_MAX at most), so quadratic is
             * the simple right choice. */
            const cJSON *prev = v->child;

            for (size_t k = 0; k < i; k++, prev = prev->next) {
                const char *pn =
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(prev, "name"));

                if (pn && same_name(r, pn, name->valuestring)) {
                    problem(r, path, "\"%s\" is listed twice", name->valuestring);
                    break;
                }
            }
        }
        pathf(path, sizeof(path), "%s[%zu].role", field, i);
        if (role != NULL && !cJSON_IsNull(role) &&
            (!cJSON_IsString(role) || !role_known(role->valuestring)))
            problem(r, path, "must be one of lead, co, separate");
        i++;
    }
    return r->problems == before;
}

/* "unit, reason, note": the fields an action takes, for messages. */
static void field_list(const wf_action_t *a, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < a->n_fields && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s, ", a->fields[i].name);
    if (used < len)
        snprintf(buf + used, len - used, "note");
}

static void required_problem(run_t *r, const wf_action_t *a, const char *field);

/* Step 2: every member of the body is a declared field (or "note") of the
 * right type, and every required field is there. */
static void check_body(run_t *r)
{
    const wf_action_t *a = r->a;
    const cJSON *m;
    char list[256], path[128], why_buf[160];
    const char *why;

    cJSON_ArrayForEach(m, r->body)
    {
        bool known = strcmp(m->string, "note") == 0;

        for (size_t i = 0; !known && i < a->n_fields; i++)
            known = strcmp(a->fields[i].name, m->string) == 0;
        if (!known) {
            field_list(a, list, sizeof(list));
            problem(r, m->string, "unknown field; action \"%s\" takes %s", a->name, list);
        }
    }
    m = cJSON_GetObjectItemCaseSensitive(r->body, "note");
    if (m && !cJSON_IsNull(m) && (why = text_problem(m, why_buf, sizeof(why_buf))) != NULL)
        problem(r, "note", "%s", why);

    for (size_t i = 0; i < a->n_fields; i++) {
        const wf_field_t *fd = &a->fields[i];
        const cJSON *v = val(r, fd->name);
        int64_t n;

        if (v == NULL) {
            if (fd->required)
                required_problem(r, a, fd->name);
            continue;
        }
        switch (fd->type) {
        case FT_STRING:
        case FT_TEXT:
            if ((why = text_problem(v, why_buf, sizeof(why_buf))) != NULL)
                problem(r, fd->name, "%s", why);
            else if (fd->required && pt_str_blank(v->valuestring))
                problem(r, fd->name, "must not be blank");
            else if (fd->type == FT_STRING && pt_utf8_length(v->valuestring) > STRING_MAX)
                problem(r, fd->name, "longer than %d characters", STRING_MAX);
            break;
        case FT_BOOL:
            if (!cJSON_IsBool(v))
                problem(r, fd->name, "must be true or false");
            break;
        case FT_TIME:
            if (!cJSON_IsString(v) || pt_time_parse(v->valuestring, &n) != 0)
                problem(r, fd->name, "must be an RFC 3339 time such as 2026-06-30T00:00:00Z");
            break;
        case FT_PROPOSAL_ID: {
            char st[PT_STATE_BUF];

            if (!json_int64(v, &n))
                problem(r, fd->name, "must be a proposal id (a positive integer)");
            else if (r->ctx->proposal_state &&
                     !r->ctx->proposal_state(n, st, sizeof(st), r->ctx->ud))
                problem(r, fd->name, "proposal %lld does not exist", (long long)n);
            break;
        }
        case FT_ENUM: {
            bool ok = false;

            for (size_t k = 0; cJSON_IsString(v) && !ok && k < fd->values.n; k++)
                ok = strcmp(fd->values.v[k], v->valuestring) == 0;
            if (!ok) {
                size_t used = 0;

                list[0] = '\0';
                for (size_t k = 0; k < fd->values.n && used < sizeof(list); k++)
                    used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
                                             k ? ", " : "", fd->values.v[k]);
                problem(r, fd->name, "must be one of %s", list);
            }
            break;
        }
        case FT_UNITS:
            snprintf(path, sizeof(path), "%s", fd->name);
            check_units(r, path, v);
            break;
        }
    }
}

static char *xstrdup(run_t *r, const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    if (d == NULL)
        r->oom = true;
    return d;
}

/* A unit named by the body's `field` that must be assigned to the proposal. */
/* The assigned unit a body's field names, as assign keeps unit names
 * (pt_unit_name_clean). */
static pt_unit_t *find_unit(run_t *r, const char *name)
{
    char *clean = name ? pt_unit_name_clean(name) : NULL;
    pt_unit_t *u;

    if (name && !clean) {
        r->oom = true;
        return NULL;
    }
    u = pt_proposal_find_unit(r->p, clean);
    free(clean);
    return u;
}

/* The names of the proposal's units, joined with ", " into list (cut at
 * its end). */
static void units_list(const run_t *r, char *list, size_t size)
{
    size_t used = 0;

    list[0] = '\0';
    for (size_t i = 0; i < r->p->n_units && used < size; i++)
        used +=
            (size_t)snprintf(list + used, size - used, "%s%s", i ? ", " : "", r->p->units[i].name);
}

static pt_unit_t *assigned_unit(run_t *r, const char *field)
{
    const char *name = sval(r, field);
    pt_unit_t *u = find_unit(r, name);
    char list[300];

    if (u || r->oom)
        return u;
    units_list(r, list, sizeof(list));
    if (r->p->n_units == 0)
        problem(r, field, "\"%s\" is not assigned to this proposal (no unit is)", name);
    else
        problem(r, field, "\"%s\" is not assigned to this proposal (assigned: %s)", name, list);
    return NULL;
}

/* Records a change that is not a field of the proposal, such as the reason
 * of a withdrawal, so that the history still says why. */
static void extra_change(run_t *r, const char *key, const char *value)
{
    cJSON *e;

    if (value == NULL)
        return;
    e = cJSON_CreateObject();
    if (e == NULL || !cJSON_AddNullToObject(e, "from") ||
        !cJSON_AddStringToObject(e, "to", value)) {
        cJSON_Delete(e);
        r->oom = true;
        return;
    }
    cJSON_AddItemToObject(r->extra, key, e);
}

/* As extra_change, for any JSON value. */
static void extra_value(run_t *r, const char *key, const cJSON *value)
{
    cJSON *e = cJSON_CreateObject(), *v = cJSON_Duplicate(value, true);

    if (e == NULL || v == NULL || !cJSON_AddNullToObject(e, "from")) {
        cJSON_Delete(e);
        cJSON_Delete(v);
        r->oom = true;
        return;
    }
    cJSON_AddItemToObject(e, "to", v);
    cJSON_AddItemToObject(r->extra, key, e);
}

static void effect_assign(run_t *r)
{
    const char *mode = sval(r, "mode");
    const cJSON *units = val(r, "units"), *u;
    size_t n = (size_t)cJSON_GetArraySize(units), i = 0, leads = 0;
    pt_unit_t *nu;
    char path[64];
    int before = r->problems;

    nu = calloc(n, sizeof(*nu));
    if (nu == NULL) {
        r->oom = true;
        return;
    }
    cJSON_ArrayForEach(u, units)
    {
        const char *role = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "role"));

        snprintf(path, sizeof(path), "units[%zu].role", i);
        /* The role follows from the mode in single and separate modes, so it
         * may be left out there; in lead_co mode it says who leads. */
        if (role == NULL) {
            if (strcmp(mode, "single") == 0)
                role = "lead";
            else if (strcmp(mode, "separate") == 0)
                role = "separate";
            else
                problem(r, path, "required in lead_co mode (lead or co)");
        }
        if (role && strcmp(mode, "lead_co") == 0 && strcmp(role, "lead") != 0 &&
            strcmp(role, "co") != 0)
            problem(r, path, "must be lead or co in lead_co mode");
        if (role && strcmp(mode, "single") == 0 && strcmp(role, "lead") != 0)
            problem(r, path, "must be lead in single mode");
        if (role && strcmp(mode, "separate") == 0 && strcmp(role, "separate") != 0)
            problem(r, path, "must be separate in separate mode");
        if (role && strcmp(role, "lead") == 0)
            leads++;
        /* A unit's name is kept without the spaces around it, as the
         * proposal's names are, and without what a copy brought along:
         * "财政部 ", "财政部<U+200B>" and "⼯信厅" (a Kangxi radical) are
         * no units of their own (pt_unit_name_clean). */
        const char *given = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "name"));
        nu[i].name = given ? pt_unit_name_clean(given) : NULL;
        if (given && !nu[i].name)
            r->oom = true;
        nu[i].role = xstrdup(r, role ? role : "co");
        i++;
    }
    if (strcmp(mode, "single") == 0 && n != 1)
        problem(r, "units", "single mode takes exactly one unit (got %zu)", n);
    if (strcmp(mode, "lead_co") == 0 && leads != 1)
        problem(r, "units", "lead_co mode needs exactly one unit with role lead (got %zu)", leads);

    if (r->problems != before || r->oom) {
        for (i = 0; i < n; i++) {
            free(nu[i].name);
            free(nu[i].role);
        }
        free(nu);
        return;
    }
    pt_pfield_clear(pt_pfield_find("units"), r->p);
    r->p->units = nu;
    r->p->n_units = n;
    free(r->p->handling_mode);
    r->p->handling_mode = xstrdup(r, mode);
    r->p->assigned_at = r->ctx->now;
    r->p->due_at = r->ctx->now + r->dl.reply;
    /* An assignment after a reply (an office's workflow may assign a
     * replied or rehandled proposal anew) asks the units it names for an
     * answer to it: the replies of before stay, but answer no unit's
     * part of it, and the proposal is answered (办复) again only by
     * replies from now on. Later than each of them, should two writes
     * share a millisecond or the clock have stepped back. */
    if (r->p->n_replies > 0) {
        r->p->replies_from = r->ctx->now;
        for (size_t k = 0; k < r->p->n_replies; k++)
            if (r->p->replies[k].replied_at >= r->p->replies_from)
                r->p->replies_from = r->p->replies[k].replied_at + 1;
    }
}

/* Each unit signs for its part once. The default workflow lets the
 * others sign after the first, whose signature started the handling, so
 * that every unit's signed_at is kept; a second signature would move it. */
static void effect_sign(run_t *r)
{
    char tbuf[40];
    pt_unit_t *u = assigned_unit(r, "unit");

    if (u == NULL)
        return;
    if (u->signed_at) {
        problem(r, "unit", "\"%s\" signed for the proposal at %s; a unit signs once", u->name,
                pt_time_format(u->signed_at, tbuf, sizeof(tbuf)));
        return;
    }
    u->signed_at = r->ctx->now;
}

static void effect_opinion(run_t *r)
{
    pt_unit_t *u = assigned_unit(r, "unit");

    if (u == NULL)
        return;
    if (strcmp(u->role, "co") != 0) {
        problem(r, "unit", "\"%s\" is not a co unit (its role is %s); only co units give opinions",
                u->name, u->role);
        return;
    }
    free(u->opinion);
    u->opinion = xstrdup(r, sval(r, "opinion"));
    u->opinion_at = r->ctx->now;
}

static void effect_extend(run_t *r)
{
    char tbuf[40];
    int64_t due;

    pt_time_parse(sval(r, "due_at"), &due);
    if (due <= r->ctx->now) {
        problem(r, "due_at", "must be in the future");
        return;
    }
    if (r->p->due_at && due <= r->p->due_at) {
        problem(r, "due_at", "must be later than the current deadline %s",
                pt_time_format(r->p->due_at, tbuf, sizeof(tbuf)));
        return;
    }
    r->p->due_at = due;
}

static void append_reply(run_t *r, const char *kind)
{
    pt_reply_t *nr = realloc(r->p->replies, (r->p->n_replies + 1) * sizeof(*nr));
    pt_reply_t *e;

    if (nr == NULL) {
        r->oom = true;
        return;
    }
    r->p->replies = nr;
    e = &nr[r->p->n_replies++];
    memset(e, 0, sizeof(*e));
    /* The unit's name as assigned, whatever spaces the body put around it. */
    const pt_unit_t *u = find_unit(r, sval(r, "unit"));
    e->unit = xstrdup(r, u ? u->name : sval(r, "unit"));
    e->doc_no = xstrdup(r, sval(r, "doc_no"));
    e->category = xstrdup(r, sval(r, "category"));
    e->text = xstrdup(r, sval(r, "text"));
    /* A reply answers the assignment it follows, even on a clock that
     * stepped back since (effect_assign). */
    e->replied_at = r->ctx->now < r->p->replies_from ? r->p->replies_from : r->ctx->now;
    e->kind = xstrdup(r, kind);
}

/* In separate mode (分办) each unit answers for its own part: the proposal
 * moves on (to replied) with the last of them to answer; until then it
 * stays where it is, its deadline running, and the history names the units
 * still to answer. */
static void await_separate_replies(run_t *r)
{
    /* The units without a reply, "、"-separated: measured, then written. */
    size_t need = 0;
    char *waiting = NULL;
    for (int pass = 0; pass < 2; pass++) {
        size_t len = 0;
        for (size_t i = 0; i < r->p->n_units; i++) {
            const pt_unit_t *u = &r->p->units[i];
            if (pt_proposal_unit_replied(r->p, u->name))
                continue;
            if (pass == 1)
                len += (size_t)sprintf(waiting + len, "%s%s", len ? "、" : "", u->name);
            else
                need += strlen(u->name) + strlen("、");
        }
        if (pass == 0 && need == 0)
            return;
        if (pass == 0 && !(waiting = malloc(need + 1))) {
            r->oom = true;
            return;
        }
    }
    long here = pt_wf_state_index(r->ctx->wf, r->p->status);
    if (here >= 0)
        r->to = (size_t)here;
    extra_change(r, "awaiting_replies", waiting);
    free(waiting);
}

/* In separate mode a round of replies lasts until every unit has answered
 * (await_separate_replies); a unit that has answered once in it has given
 * its reply. A second one would be recorded as "again", which means an
 * answer after rehandling, and would not move the round on, so it is
 * refused while other units are still awaited; what a unit has to add is a
 * supplementary reply, made with the workflow's follow_up action where it
 * has one. Returns true when it refused. */
static bool refuse_second_reply(run_t *r, const pt_unit_t *u)
{
    const pt_workflow_t *wf = r->ctx->wf;
    char waiting[300], how[300];
    size_t used = 0;

    waiting[0] = '\0';
    for (size_t i = 0; i < r->p->n_units && used < sizeof(waiting); i++)
        if (!pt_proposal_unit_replied(r->p, r->p->units[i].name))
            used += (size_t)snprintf(waiting + used, sizeof(waiting) - used, "%s%s",
                                     used ? "、" : "", r->p->units[i].name);
    if (used == 0)
        return false;
    /* The action is named as the office's workflow names it, with the
     * states it runs in. */
    how[0] = '\0';
    for (size_t i = 0; i < wf->n_actions && !how[0]; i++) {
        const wf_action_t *a = &wf->actions[i];
        char from[200];
        size_t f = 0;

        if (a->effect != EF_FOLLOW_UP)
            continue;
        from[0] = '\0';
        for (size_t k = 0; k < wf->n_states && f < sizeof(from); k++)
            if (a->from[k])
                f += (size_t)snprintf(from + f, sizeof(from) - f, "%s%s", f ? ", " : "",
                                      wf->states[k].name);
        snprintf(how, sizeof(how),
                 "; a supplementary reply is made with the \"%s\" action (%s) in "
                 "state %s",
                 a->name, a->zh, from);
    }
    problem(r, "unit",
            "\"%s\" has already replied in this round, which still waits for %s; a unit replies "
            "once a round (again only after rehandling)%s",
            u->name, waiting, how);
    return true;
}

/* Whether u is a unit of a lead_co proposal that is not its lead: one that
 * does not reply, the lead unit answering for all. */
static bool lead_co_other(const run_t *r, const pt_unit_t *u)
{
    return r->p->handling_mode && strcmp(r->p->handling_mode, "lead_co") == 0 &&
           strcmp(u->role, "lead") != 0;
}

/* A co unit that tries to reply is refused for that alone, and told what
 * its part is instead: its opinion, when it has not given it and the
 * workflow takes one in the proposal's state (named as the office's
 * workflow names the action). */
static void refuse_co_reply(run_t *r, const pt_unit_t *u)
{
    const pt_workflow_t *wf = r->ctx->wf;
    const char *lead = NULL;
    long here = pt_wf_state_index(wf, r->p->status);
    char how[200];

    for (size_t i = 0; i < r->p->n_units; i++)
        if (strcmp(r->p->units[i].role, "lead") == 0)
            lead = r->p->units[i].name;
    how[0] = '\0';
    for (size_t i = 0; i < wf->n_actions && !how[0] && u->opinion_at == 0 && here >= 0; i++)
        if (wf->actions[i].effect == EF_OPINION && wf->actions[i].from[here])
            snprintf(how, sizeof(how),
                     "; its part is its opinion, given with the \"%s\" action (%s)",
                     wf->actions[i].name, wf->actions[i].zh);
    problem(r, "unit", "in lead_co mode only the lead unit (%s) replies; \"%s\" is a co unit%s",
            lead ? lead : "none", u->name, how);
}

static void effect_reply(run_t *r)
{
    pt_unit_t *u = assigned_unit(r, "unit");

    if (u == NULL)
        return;
    /* In lead_co mode the lead unit answers for all, having gathered the
     * co units' opinions (the co_opinions guard checks those). */
    if (lead_co_other(r, u)) {
        refuse_co_reply(r, u);
        return;
    }
    /* A unit's first answer, or again (after rehandling, or after an
     * assignment that came after its reply); a supplementary reply that
     * an office's workflow let it make before is no answer. Only a reply that answers
     * the assignment (pt_proposal_reply_counts) makes a second one in the
     * round. */
    bool answered = pt_proposal_unit_replied(r->p, u->name), before = answered;
    for (size_t k = 0; k < r->p->n_replies && !before; k++)
        before = r->p->replies[k].unit && strcmp(r->p->replies[k].unit, u->name) == 0 &&
                 !(r->p->replies[k].kind && strcmp(r->p->replies[k].kind, "supplementary") == 0);
    bool separate = r->p->handling_mode && strcmp(r->p->handling_mode, "separate") == 0;
    if (answered && separate && refuse_second_reply(r, u))
        return;
    append_reply(r, before ? "again" : "first");
    if (separate)
        await_separate_replies(r);
}

static void effect_follow_up(run_t *r)
{
    if (assigned_unit(r, "unit"))
        append_reply(r, "supplementary");
}

/* Who may rate the reply (the lead author and the co-signers), joined
 * with ", " into names: as many names as fit, whole, then "… (N in all)";
 * each once (the lead author may be among the co-signers too). size is
 * at least 40. */
static void raters_list(run_t *r, char *names, size_t size)
{
    const pt_proposal_t *p = r->p;
    size_t used = 0, listed = 0, all = 0;
    bool full = false;
    names[0] = '\0';
    for (size_t i = 0; i < 1 + p->co_signers.n; i++) {
        const char *name = i == 0 ? p->lead_author : p->co_signers.v[i - 1];
        if (!name || (i > 0 && p->lead_author && same_name(r, p->lead_author, name)))
            continue;
        all++;
        size_t need = strlen(name) + (used ? 2 : 0);
        if (full || used + need >= size - 24) { /* room for "… (N in all)" */
            full = true;
            continue;
        }
        used += (size_t)snprintf(names + used, size - used, "%s%s", used ? ", " : "", name);
        listed++;
    }
    if (listed < all)
        snprintf(names + used, size - used, "%s… (%zu in all)", used ? ", " : "", all);
}

/* A required field the body lacks. The unit that acts and the delegate
 * who rates are asked for with whom they may be: the proposal's units,
 * its lead author and co-signers. */
static void required_problem(run_t *r, const wf_action_t *a, const char *field)
{
    char list[300];

    if (strcmp(field, "unit") == 0 && pt_wf_effect_reads(a->effect, "unit") && r->p->n_units > 0) {
        units_list(r, list, sizeof(list));
        problem(r, field, "required: the unit that acts, one of the proposal's (assigned: %s)",
                list);
    } else if (strcmp(field, "person") == 0 && a->effect == EF_FEEDBACK &&
               (r->p->lead_author || r->p->co_signers.n > 0)) {
        raters_list(r, list, sizeof(list));
        problem(r, field, "required: the delegate who rates, the lead author or a co-signer (%s)",
                list);
    } else {
        problem(r, field, "required");
    }
}

/* Feedback is a delegate's rating of the reply: the lead author's or a
 * co-signer's. Another name (a typo, someone else's) would close the
 * proposal, or send it back to its units, on a rating none of its
 * delegates gave. A proposal that names no delegate (a delegation's own)
 * takes any name. */
static bool feedback_person_known(run_t *r, const char *person)
{
    const pt_proposal_t *p = r->p;
    if (!p->lead_author && p->co_signers.n == 0)
        return true;
    /* Compared as names are kept now: one stored before may still have
     * spaces around it. */
    if (p->lead_author && same_name(r, p->lead_author, person))
        return true;
    for (size_t i = 0; i < p->co_signers.n; i++)
        if (same_name(r, p->co_signers.v[i], person))
            return true;
    char names[240];
    raters_list(r, names, sizeof(names));
    problem(r, "person",
            "\"%s\" is neither the lead author nor a co-signer of this proposal; the feedback "
            "is one of theirs: %s",
            person, names);
    return false;
}

static void effect_feedback(run_t *r)
{
    /* A name, kept as on create (pt_name_clean). */
    char *person = pt_name_clean(sval(r, "person"));
    if (!person) {
        r->oom = true;
        return;
    }
    if (!feedback_person_known(r, person)) {
        free(person);
        return;
    }
    pt_feedback_t *nf = realloc(r->p->feedback, (r->p->n_feedback + 1) * sizeof(*nf));
    pt_feedback_t *e;

    if (nf == NULL) {
        free(person);
        r->oom = true;
        return;
    }
    r->p->feedback = nf;
    e = &nf[r->p->n_feedback++];
    memset(e, 0, sizeof(*e));
    e->person = person;
    e->satisfaction = xstrdup(r, sval(r, "satisfaction"));
    e->comment = xstrdup(r, optional_text(r, "comment"));
    e->at = r->ctx->now;
}

static void effect_supervise(run_t *r)
{
    const char *sup = sval(r, "supervisor");

    r->p->key_supervision = cJSON_IsTrue(val(r, "key_supervision"));
    /* Taking a proposal off key supervision also ends the supervisor's
     * role, unless the body names one anyway. */
    if (sup || !r->p->key_supervision) {
        /* A name, kept as on create: without the spaces around it, and a
         * blank one is none. */
        char *name = sup ? pt_name_clean(sup) : NULL;
        if (sup && !name)
            r->oom = true;
        free(r->p->supervisor);
        r->p->supervisor = name && *name ? name : NULL;
        if (name && !*name)
            free(name);
    }
}

/* A merge (并案) hands a proposal over to another that goes on being
 * handled in its place, so the target must be live: not a draft, which no
 * one handles yet and which DELETE may remove, and not in a terminal state,
 * where nothing more is done with it (a merge into a withdrawn or already
 * merged proposal would leave this one answered by nobody, and two
 * proposals merged into each other would both end merged). Whether a state
 * is terminal is the workflow's flag, so an office's own workflow is judged
 * by its own states. The store answers for the target's state at the
 * moment of the write; the merge does not stop the target from moving on
 * later. */
static void effect_merge(run_t *r)
{
    int64_t into = (int64_t)val(r, "merged_into")->valuedouble;
    const pt_workflow_t *wf = r->ctx->wf;
    char st[PT_STATE_BUF];
    long si;

    if (r->p->id != 0 && into == r->p->id) {
        problem(r, "merged_into", "a proposal cannot be merged into itself");
        return;
    }
    /* Step 2 asked whether the target exists, as it does for any field of
     * type proposal_id; what state it must be in is the merge's own rule,
     * so it is asked here. */
    if (r->ctx->proposal_state) {
        if (!r->ctx->proposal_state(into, st, sizeof(st), r->ctx->ud)) {
            problem(r, "merged_into", "proposal %lld does not exist", (long long)into);
            return;
        }
        si = pt_wf_state_index(wf, st);
        if (si < 0) {
            problem(r, "merged_into",
                    "proposal %lld is in state \"%s\", which workflow \"%s\" does not have; "
                    "merge into a proposal that is being handled",
                    (long long)into, st, wf->name);
            return;
        }
        if (pt_workflow_is_draft(wf, st)) {
            problem(r, "merged_into",
                    "proposal %lld is a draft (%s), not yet submitted; merge into a proposal "
                    "that has been submitted, or submit that one first",
                    (long long)into, wf->states[si].zh);
            return;
        }
        if (wf->states[si].terminal) {
            problem(r, "merged_into",
                    "proposal %lld is in state \"%s\" (%s), a final state where it is no "
                    "longer handled; "
                    "merge into a proposal that is still being handled",
                    (long long)into, wf->states[si].name, wf->states[si].zh);
            return;
        }
    }
    r->p->merged_into = into;
}

/* Step 3: the guards, then the effect, on the copy. */
static void run_guards(run_t *r)
{
    char tbuf[40], dbuf[40];
    const pt_proposal_t *p = r->p;

    if (r->a->guards & WF_G_RETURN_WINDOW) {
        if (p->assigned_at == 0 || r->ctx->now > p->assigned_at + r->dl.ret)
            problem(r, "action",
                    "the return window has closed: a unit may return a proposal within %s of "
                    "its assignment, which ended %s; a unit that should not handle it now asks "
                    "the office that assigned it to reassign it",
                    fmt_duration(r->dl.ret, dbuf, sizeof(dbuf)),
                    p->assigned_at ? pt_time_format(p->assigned_at + r->dl.ret, tbuf, sizeof(tbuf))
                                   : "(never assigned)");
    }
    /* The guard holds the lead unit's reply back. A reply in the name of a
     * co unit is refused by the effect, for the one reason that is the
     * co unit's (only the lead unit replies): the opinions still missing,
     * its own among them, are the lead unit's to wait for. */
    const pt_unit_t *named = r->a->effect == EF_REPLY ? find_unit(r, sval(r, "unit")) : NULL;
    if ((r->a->guards & WF_G_CO_OPINIONS) && p->handling_mode &&
        strcmp(p->handling_mode, "lead_co") == 0 && !(named && lead_co_other(r, named))) {
        char missing[300];
        size_t used = 0;

        missing[0] = '\0';
        for (size_t i = 0; i < p->n_units && used < sizeof(missing); i++)
            if (strcmp(p->units[i].role, "co") == 0 && p->units[i].opinion_at == 0)
                used += (size_t)snprintf(missing + used, sizeof(missing) - used, "%s%s",
                                         used ? ", " : "", p->units[i].name);
        if (used)
            problem(r, "action",
                    "every co unit must give its opinion before the lead unit replies; "
                    "still missing: %s",
                    missing);
    }
    if (r->a->guards & WF_G_FEEDBACK_WINDOW) {
        /* Closing without feedback is for a delegate who did not rate the
         * reply within the window; the window runs from the latest reply
         * that answered the proposal (a supplementary one does not count). */
        int64_t replied = 0;
        for (size_t i = 0; i < p->n_replies; i++)
            if (!p->replies[i].kind || strcmp(p->replies[i].kind, "supplementary") != 0)
                replied = p->replies[i].replied_at;
        if (replied && r->ctx->now < replied + r->dl.feedback)
            problem(r, "action",
                    "the feedback window is still open: the delegate may rate the reply until "
                    "%s (%s after it); record the feedback, or close after that",
                    pt_time_format(replied + r->dl.feedback, tbuf, sizeof(tbuf)),
                    fmt_duration(r->dl.feedback, dbuf, sizeof(dbuf)));
    }
    if (r->a->guards & WF_G_EXTEND_CAP) {
        /* The cap counts from the start of the round being handled: the
         * assignment, or the rehandling that came after it. Counted from
         * the assignment alone, a rehandling that starts late (a reopen a
         * year on) would be born past its cap and never be extended. */
        bool rehandled = p->rehandling_at > p->assigned_at;
        int64_t due, from = rehandled ? p->rehandling_at : p->assigned_at;

        pt_time_parse(sval(r, "due_at"), &due);
        if (p->assigned_at == 0)
            problem(r, "due_at", "the proposal has not been assigned, so it cannot be extended");
        else if (due > from + r->dl.max)
            problem(r, "due_at", "goes past the limit of %s after %s; the latest allowed is %s",
                    fmt_duration(r->dl.max, dbuf, sizeof(dbuf)),
                    rehandled ? "rehandling began" : "assignment",
                    pt_time_format(from + r->dl.max, tbuf, sizeof(tbuf)));
    }
}

static void run_effect(run_t *r)
{
    switch (r->a->effect) {
    case EF_ASSIGN:
        effect_assign(r);
        break;
    case EF_SIGN:
        effect_sign(r);
        break;
    case EF_RETURN: {
        const pt_unit_t *u = assigned_unit(r, "unit");
        if (u)
            extra_change(r, "returned_by", u->name);
        break;
    }
    case EF_OPINION:
        effect_opinion(r);
        break;
    case EF_EXTEND:
        effect_extend(r);
        break;
    case EF_REPLY:
        effect_reply(r);
        break;
    case EF_FOLLOW_UP:
        effect_follow_up(r);
        break;
    case EF_FEEDBACK:
        effect_feedback(r);
        break;
    case EF_SUPERVISE:
        effect_supervise(r);
        break;
    case EF_MERGE:
        effect_merge(r);
        break;
    case EF_NONE:
    case EF_SUBMIT:
    case EF_REVIEW:
    case EF_FILE:
    case EF_REJECT:
    case EF_CONVERT:
    case EF_CLOSE:
    case EF_REOPEN:
        break;
    case EF_WITHDRAW:
        /* A proposal is withdrawn before it is answered (docs/api.md):
         * in separate mode (分办) it stays in handling until the last unit
         * has replied, but a unit's reply is an answer all the same. */
        if (r->p->n_replies > 0)
            problem(r, "action",
                    "%s has already replied; a proposal can be withdrawn only before it is "
                    "answered",
                    r->p->replies[0].unit ? r->p->replies[0].unit : "a unit");
        break;
    }
    /* Whatever the effect, the fields it does not record in the proposal
     * are kept in the history: a reason, and the fields of an office's own
     * actions ("method" of an urging), which would otherwise be checked
     * and lost. */
    for (size_t i = 0; i < r->a->n_fields; i++) {
        const char *name = r->a->fields[i].name;
        const cJSON *v = val(r, name);

        if (v && !cJSON_IsNull(v) && !pt_wf_effect_reads(r->a->effect, name))
            extra_value(r, name, v);
    }
    /* Entering a state where the deadline runs from a state where it did
     * not (unsatisfied feedback, reopen) starts the rehandling window; an
     * assignment has already set its own deadline. */
    if (r->a->effect != EF_ASSIGN && r->ctx->wf->states[r->to].clock) {
        long from = pt_wf_state_index(r->ctx->wf, r->p->status);

        if (from >= 0 && !r->ctx->wf->states[from].clock) {
            r->p->due_at = r->ctx->now + r->dl.rehandle;
            r->p->rehandling_at = r->ctx->now;
        }
    }
}

/* Step 4: {field: {from, to}} for every field whose JSON changed, apart from
 * the bookkeeping that changes on every action. */
static cJSON *diff(const pt_proposal_t *before, const pt_proposal_t *after, cJSON *extra)
{
    cJSON *out = cJSON_CreateObject();
    cJSON *m;

    if (out == NULL)
        return NULL;
    /* Fields are compared as the structs hold them, and only the ones that
     * changed are encoded: an action touches a few fields of many. */
    for (size_t i = 0; i < pt_n_pfields; i++) {
        const pt_pfield_t *f = &pt_pfields[i];
        cJSON *e, *from, *to;

        if (f->type == PF_OVERDUE || strcmp(f->name, "version") == 0 ||
            strcmp(f->name, "updated_at") == 0 || pt_pfield_equal(f, before, after))
            continue;
        e = cJSON_CreateObject();
        from = pt_pfield_encode(f, before, false, 0);
        to = pt_pfield_encode(f, after, false, 0);
        if (e == NULL || from == NULL || to == NULL) {
            cJSON_Delete(e);
            cJSON_Delete(from);
            cJSON_Delete(to);
            goto oom;
        }
        cJSON_AddItemToObject(e, "from", from);
        cJSON_AddItemToObject(e, "to", to);
        cJSON_AddItemToObject(out, f->name, e);
    }
    /* What the action says besides: a field of the proposal that changed
     * is told by its own change, which an action's field of the same name
     * does not hide. */
    cJSON_ArrayForEach(m, extra)
    {
        cJSON *dup;

        if (cJSON_GetObjectItemCaseSensitive(out, m->string))
            continue;
        if ((dup = cJSON_Duplicate(m, 1)) == NULL)
            goto oom;
        cJSON_AddItemToObject(out, m->string, dup);
    }
    return out;
oom:
    cJSON_Delete(out);
    return NULL;
}

static int refuse_transition(const pt_workflow_t *wf, const pt_proposal_t *p, const char *action,
                             long state, pt_error_t *err)
{
    char list[512];
    cJSON *allowed;

    if (err->details == NULL)
        err->details = cJSON_CreateObject();
    if (err->details) {
        cJSON_DeleteItemFromObjectCaseSensitive(err->details, "state");
        cJSON_DeleteItemFromObjectCaseSensitive(err->details, "allowed");
        if (p->status)
            cJSON_AddStringToObject(err->details, "state", p->status);
        else
            cJSON_AddNullToObject(err->details, "state");
        allowed = pt_workflow_allowed(wf, p->status);
        if (allowed)
            cJSON_AddItemToObject(err->details, "allowed", allowed);
    }
    if (state < 0)
        return pt_error_set(err, PT_ETRANSITION,
                            "the proposal's state \"%s\" is not a state of workflow \"%s\"; no "
                            "action is allowed",
                            p->status ? p->status : "(none)", wf->name);
    pt_wf_allowed_list(wf, (size_t)state, list, sizeof(list));
    return pt_error_set(err, PT_ETRANSITION,
                        "action \"%s\" is not allowed in state \"%s\" (%s); allowed: %s", action,
                        wf->states[state].name, wf->states[state].zh, list);
}

int pt_workflow_refuse_unknown_action(const pt_workflow_t *wf, const char *action, pt_error_t *err)
{
    char list[512];
    size_t used = 0;

    list[0] = '\0';
    for (size_t i = 0; i < wf->n_actions && used < sizeof(list); i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                 wf->actions[i].name);
    pt_error_add_field(err, "action", "unknown action \"%s\"; actions: %s", action ? action : "",
                       list);
    return pt_error_set(err, PT_ENOTFOUND, "unknown action \"%s\"; actions: %s",
                        action ? action : "", list);
}

int pt_workflow_apply(const pt_action_ctx_t *ctx, pt_proposal_t *p, const char *action,
                      const cJSON *body, pt_history_t *hist, pt_error_t *err)
{
    const pt_workflow_t *wf = ctx->wf;
    static const cJSON empty = {.type = cJSON_Object};
    run_t r = {.ctx = ctx, .body = body ? body : &empty, .err = err};
    pt_proposal_t work;
    long ai, si;
    cJSON *changes;
    const char *note;

    memset(hist, 0, sizeof(*hist));
    if (ctx->deadlines)
        r.dl = *ctx->deadlines;
    else
        pt_deadlines_default(&r.dl);

    /* Step 1. */
    ai = pt_wf_action_index(wf, action);
    if (ai < 0)
        return pt_workflow_refuse_unknown_action(wf, action, err);
    r.a = &wf->actions[ai];
    si = pt_wf_state_index(wf, p->status);
    if (si < 0 || !r.a->from[si])
        return refuse_transition(wf, p, action, si, err);

    /* Step 2. */
    if (!cJSON_IsObject(r.body)) {
        pt_error_add_field(err, "body", "must be a JSON object");
        return pt_error_set(err, PT_EVALIDATION, "an action's body must be a JSON object");
    }
    /* The body is checked against the proposal as it is (a required
     * unit is asked for with its units); the action runs on a copy. */
    r.p = p;
    check_body(&r);
    r.p = NULL;
    if (r.problems) {
        pt_error_summarize(err);
        return PT_EVALIDATION;
    }
    if (r.a->to_kind == TO_STAY) {
        r.to = (size_t)si;
    } else if (r.a->to_kind == TO_STATE) {
        r.to = r.a->to;
    } else if (r.a->to_kind == TO_BY_STATE) {
        r.to = (size_t)si;
        for (size_t i = 0; i < r.a->n_map; i++)
            if (r.a->map[i].key == (size_t)si)
                r.to = r.a->map[i].state;
    } else {
        const char *v = sval(&r, r.a->map_field);

        r.to = (size_t)si;
        for (size_t i = 0; i < r.a->n_map; i++)
            if (strcmp(r.a->map[i].value, v) == 0)
                r.to = r.a->map[i].state;
    }

    /* Step 3. */
    if (pt_proposal_copy(&work, p) != PT_OK)
        return pt_error_set(err, PT_ENOMEM, "out of memory while running an action");
    r.p = &work;
    r.extra = cJSON_CreateObject();
    if (r.extra == NULL)
        r.oom = true;
    else {
        run_guards(&r);
        run_effect(&r);
    }
    if (r.oom)
        goto oom;
    if (r.problems) {
        pt_proposal_free(&work);
        cJSON_Delete(r.extra);
        pt_error_summarize(err);
        return PT_EVALIDATION;
    }
    free(work.status);
    work.status = xstrdup(&r, wf->states[r.to].name);
    work.version = p->version + 1;
    work.updated_at = ctx->now;
    if (r.oom)
        goto oom;

    /* Step 4. */
    changes = diff(p, &work, r.extra);
    if (changes == NULL)
        goto oom;
    note = optional_text(&r, "note");
    hist->at = ctx->now;
    hist->actor = xstrdup(&r, ctx->actor);
    hist->action = xstrdup(&r, r.a->name);
    hist->from = xstrdup(&r, p->status);
    hist->to = xstrdup(&r, work.status);
    hist->note = xstrdup(&r, note);
    hist->changes = changes;
    if (r.oom) {
        pt_history_free(hist);
        goto oom;
    }
    cJSON_Delete(r.extra);
    pt_proposal_free(p);
    *p = work;
    return PT_OK;
oom:
    pt_proposal_free(&work);
    cJSON_Delete(r.extra);
    return pt_error_set(err, PT_ENOMEM, "out of memory while running an action");
}

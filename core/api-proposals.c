/*
 * api-proposals.c - the proposal endpoints, statistics and health.
 *
 * Writes are checked here as far as they can be without the store (access,
 * content type, strict JSON, If-Match), then queued to the store's writer;
 * the answer goes out from the write's callback, after the commit.
 */
#include "api-internal.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "json-strict.h"
#include "timefmt.h"

/* ---- Answers from the store ------------------------------------------ */

static void scope_allowed(pt_call_t *call, const char *action, pt_error_t *err);
static void scope_not_found(const pt_call_t *call, pt_error_t *err);

static void on_write_done(pt_write_t *w)
{
    pt_call_t *call = w->data;
    if (w->err.code != PT_OK) {
        scope_allowed(call, w->action, &w->err);
        scope_not_found(call, &w->err);
        pt_api_fail(call, &w->err);
    } else if (w->op == PT_WRITE_DELETE) {
        pt_api_reply(call, 204, NULL, 0, NULL);
    } else {
        char etag[48], loc[64];
        snprintf(etag, sizeof(etag), "ETag: \"%lld\"", (long long)w->version);
        const char *headers[4] = {etag, NULL, NULL, NULL};
        int status = 200;
        if (w->op == PT_WRITE_CREATE) {
            status = 201;
            snprintf(loc, sizeof(loc), "Location: /v1/proposals/%lld", (long long)w->id);
            headers[1] = loc;
        }
        if (w->replayed)
            headers[w->op == PT_WRITE_CREATE ? 2 : 1] = "Idempotent-Replayed: true";
        pt_api_reply(call, status, w->json, w->json_len, headers);
    }
    pt_write_free(w);
}

/* The version an entity tag's n characters at d name: digits only, with
 * no sign or space (leading zeros are read as If-Match always read
 * them); 0 for one that names none, such as a number too long for a
 * version. */
static int64_t tag_version(const char *d, size_t n)
{
    if (n == 0 || strspn(d, "0123456789") < n)
        return 0;
    for (; n > 1 && *d == '0'; n--)
        d++;
    if (n > 18)
        return 0;
    int64_t v = 0;
    for (; n > 0; n--, d++)
        v = v * 10 + (*d - '0');
    return v;
}

/* One entity tag of a list at *s (RFC 9110 8.8.3: W/ for a weak one,
 * then the opaque tag in quotes), after the spaces and commas before it:
 * the version it names, 0 when it names none (a tag this server never
 * gives out), -1 when there is no other or it is malformed. Weak or
 * strong is not told: If-None-Match compares weakly, and If-Match reads
 * W/"7" as "7" (api.md). */
static int64_t next_etag(const char **s, bool first)
{
    const char *p = *s + strspn(*s, " \t");
    /* A comma between two tags, and none needed before the first. */
    if (!first && *p && *p != ',')
        return -1;
    p += strspn(p, " \t,");
    if (!*p)
        return -1;
    if (strncmp(p, "W/", 2) == 0)
        p += 2;
    if (*p != '"')
        return -1;
    const char *close = strchr(p + 1, '"');
    if (!close)
        return -1;
    *s = close + 1;
    if (**s && !strchr(" \t,", **s))
        return -1;
    return tag_version(p + 1, (size_t)(close - p - 1));
}

/* Whether If-None-Match matches the proposal at version (RFC 9110
 * 13.1.2): "*" matches it whatever its version; else a list of entity
 * tags compared weakly, so W/"7" matches "7", as does "6", "7". A value
 * that is no such list matches nothing: the proposal is sent whole. */
static bool none_match(const char *s, int64_t version)
{
    s += strspn(s, " \t");
    if (s[0] == '*' && !s[1 + strspn(s + 1, " \t")])
        return true;
    bool found = false;
    int64_t v;
    for (bool first = true; (v = next_etag(&s, first)) >= 0; first = false)
        found |= v == version;
    return found && !*(s + strspn(s, " \t,"));
}

static void on_read_done(pt_read_t *r)
{
    pt_call_t *call = r->data;
    if (r->err.code != PT_OK) {
        scope_not_found(call, &r->err);
        pt_api_fail(call, &r->err);
    } else if (r->op == PT_READ_GET) {
        char etag[48];
        snprintf(etag, sizeof(etag), "\"%lld\"", (long long)r->version);
        const char *inm = pt_http_header(call->req, "If-None-Match");
        char header[64];
        snprintf(header, sizeof(header), "ETag: %s", etag);
        /* What a proposal shows depends on who asks: whether it is found
         * at all (a unit's or a delegate's scope), and `overdue`, which is
         * the unit's own part in a unit's read. So a cache may keep it for
         * its client only, and never answer one client with another's. */
        const char *const headers[] = {header, "Cache-Control: private", "Vary: Authorization",
                                       NULL};
        /* Not modified only when the answer would be the same: the
         * version is, and so is `overdue` (it turns true with time alone,
         * without a new version). */
        if (inm && none_match(inm, r->version) && r->settled)
            pt_api_reply(call, 304, NULL, 0, headers);
        else
            pt_api_reply(call, 200, r->json, r->json_len, headers);
    } else {
        pt_api_reply(call, 200, r->json, r->json_len, NULL);
    }
    pt_read_free(r);
}

static void start_read(pt_call_t *call, pt_read_t *r)
{
    r->cb = on_read_done;
    r->data = call;
    if (pt_store_read(call->api->opts.store, r) != PT_OK) {
        pt_read_free(r);
        pt_api_failf(call, PT_ESTORAGE, "the store cannot take reads right now");
    }
}

/* ---- Request bodies -------------------------------------------------- */

/* Parses the body as a JSON object. An empty body is {} when empty_ok. */
static cJSON *body_object(pt_call_t *call, bool empty_ok)
{
    pt_http_request_t *req = call->req;
    if (req->body_len == 0 && empty_ok)
        return cJSON_CreateObject();
    if (!pt_api_require_json(call))
        return NULL;
    pt_error_t err = {0};
    cJSON *json = pt_json_parse(req->body, req->body_len, &err);
    if (!json) {
        pt_api_fail(call, &err);
        return NULL;
    }
    if (!cJSON_IsObject(json)) {
        cJSON_Delete(json);
        pt_error_set(&err, PT_EVALIDATION, "the request body must be a JSON object");
        pt_error_add_field(&err, "(body)", "must be a JSON object");
        pt_api_fail(call, &err);
        return NULL;
    }
    return json;
}

/* If-Match (RFC 9110 13.1.1): "7", 7 or W/"7", or a list of them ("7",
 * "8"), which holds when the proposal is at any version it names; *
 * matches any version. Sets im->if_match -1 when absent or *, else the
 * highest version named, and im->if_match_list to every one. */
static bool if_match(pt_call_t *call, pt_write_t *im)
{
    im->if_match = -1;
    im->if_match_count = 0;
    const char *s = pt_http_header(call->req, "If-Match");
    if (!s)
        return true;
    const char *p = s + strspn(s, " \t");
    if (p[0] == '*' && !p[1 + strspn(p + 1, " \t")])
        return true;
    bool ok = true;
    int64_t v;
    /* A bare number, alone, as a client that forgot the quotes sends it. */
    size_t digits = strspn(p, "0123456789");
    if (digits > 0 && !p[digits + strspn(p + digits, " \t")]) {
        v = tag_version(p, digits);
        ok = v > 0;
        if (ok) {
            im->if_match = v;
            im->if_match_list[im->if_match_count++] = v;
        }
    } else {
        while (ok && (v = next_etag(&p, im->if_match_count == 0)) >= 0) {
            ok = v > 0 && im->if_match_count < PT_IF_MATCH_MAX;
            if (ok) {
                im->if_match_list[im->if_match_count++] = v;
                if (v > im->if_match)
                    im->if_match = v;
            }
        }
        ok = ok && im->if_match_count > 0 && !*(p + strspn(p, " \t,"));
    }
    if (!ok) {
        im->if_match = -1;
        im->if_match_count = 0;
        pt_api_failf(call, PT_EBADREQUEST,
                     "If-Match: \"%s\" is not a version such as \"3\", or a list of at most %d "
                     "of them",
                     s, PT_IF_MATCH_MAX);
        return false;
    }
    return true;
}

static void submit_write(pt_call_t *call, pt_write_t *w)
{
    w->cb = on_write_done;
    w->data = call;
    w->actor = strdup(call->who.name);
    if (!w->actor) {
        pt_write_free(w);
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    if (pt_store_write(call->api->opts.store, w) != PT_OK) {
        pt_write_free(w);
        pt_api_failf(call, PT_ESTORAGE, "the store is closing; nothing was saved");
    }
}

/* ---- Units and delegates ---------------------------------------------
 * A unit reads and acts on the proposals assigned to it; a delegate reads
 * the proposals they lead or co-signed and gives feedback on them. Either
 * is told "not found" for a proposal outside that, exactly as for one that
 * does not exist, so that neither learns which ids are taken. */

/* The actions a unit may run, each on a proposal assigned to it, by their
 * effect (an office's workflow may name its actions otherwise): sign,
 * return, opinion and reply, and the supplementary reply
 * (follow_up), which is a reply too: the unit that gives it is the one its
 * history should name. Moving the deadline (extend) is the office's: a
 * unit asks for it, the office grants it. */
static const char *const unit_actions[] = {"sign", "return", "opinion", "reply", "follow_up", NULL};
/* The effects of those that name the acting unit in a `unit` field. */
static const char *const unit_field_actions[] = {"sign",  "return",    "opinion",
                                                 "reply", "follow_up", NULL};

static bool listed(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* Appends to b the states in which the workflow takes a delegate's
 * feedback, each with its label ("replied (已答复)"), as the places a
 * delegate is pointed to; false when there are none or memory ran out. */
static bool feedback_states(const pt_workflow_t *wf, pt_buf_t *b)
{
    char *states = pt_workflow_effect_states(wf, "feedback");
    for (const char *s = states; s && *s;) {
        size_t n = strcspn(s, ",");
        char name[128];
        pt_wf_info_t st;
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), s);
        if (!pt_workflow_state_info(wf, name, &st))
            st = (pt_wf_info_t){.zh = name};
        pt_buf_printf(b, "%s%s (%s)", b->len ? ", " : "", name, st.zh);
        s += n + (s[n] == ',');
    }
    free(states);
    return b->len > 0 && !pt_buf_failed(b);
}

/* A todo filter (api-query.c) asks what a unit still has to do: the
 * caller's own unit, or the one its unit= names. Without either there is
 * no unit to judge, and the filter is refused rather than ignored. */
static bool todo_has_unit(pt_call_t *call, const pt_list_query_t *q)
{
    if (!q->todo || q->unit)
        return true;
    /* A delegate has no part of a unit's to do; what waits for it is its
     * feedback, in the states where the workflow takes one. Told to name a
     * unit, it would be shown another's part (or nothing) as its own. */
    if (call->who.role == PT_ROLE_DELEGATE) {
        pt_buf_t b;
        pt_buf_init(&b);
        if (feedback_states(call->api->opts.workflow, &b))
            pt_api_failf(call, PT_EBADREQUEST,
                         "todo: what a handling unit still has to do; a delegate has no such "
                         "part: the proposals that wait for your feedback are those in state %s",
                         b.data);
        else
            pt_api_failf(call, PT_EBADREQUEST,
                         "todo: what a handling unit still has to do; a delegate has no such "
                         "part");
        pt_buf_free(&b);
        return false;
    }
    pt_api_failf(call, PT_EBADREQUEST,
                 "todo: whose part? add unit=NAME (the handling unit, 承办单位); a token of "
                 "role unit is judged for its own unit");
    return false;
}

/* Described in api-internal.h: the scope that every read of a unit or a
 * delegate carries. */
bool pt_api_scope_query(pt_call_t *call, pt_list_query_t *q)
{
    const pt_identity_t *who = &call->who;
    char **slot = who->role == PT_ROLE_UNIT       ? &q->unit
                  : who->role == PT_ROLE_DELEGATE ? &q->person
                                                  : NULL;
    if (!slot)
        return todo_has_unit(call, q);
    const char *own = who->role == PT_ROLE_UNIT ? who->unit : who->person;
    if (*slot && strcmp(*slot, own) != 0) {
        pt_api_failf(call, PT_EFORBIDDEN, "%s may read only the proposals of %s, not of \"%s\"",
                     who->name, own, *slot);
        return false;
    }
    if (!*slot && !(*slot = strdup(own))) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return false;
    }
    return todo_has_unit(call, q);
}

/* A proposal a unit or a delegate may not read is not found, as one that
 * does not exist (the store says "proposal 12 does not exist" of both);
 * the message says so, the same words for both, so that a unit whose
 * notice names proposal 12 looks at what it was assigned rather than at
 * the number it typed, and learns nothing of which ids are taken. */
static void scope_not_found(const pt_call_t *call, pt_error_t *err)
{
    const pt_identity_t *who = &call->who;
    long long id;
    int end = 0;
    if (err->code != PT_ENOTFOUND || !pt_auth_is_bound(who->role) ||
        sscanf(err->message, "proposal %lld does not exist%n", &id, &end) != 1 ||
        err->message[end] != '\0')
        return;
    if (who->role == PT_ROLE_UNIT)
        pt_error_set(err, PT_ENOTFOUND,
                     "proposal %lld does not exist or is not assigned to %s (a unit sees only "
                     "the proposals assigned to it)",
                     id, who->unit);
    else
        pt_error_set(err, PT_ENOTFOUND,
                     "proposal %lld does not exist or is not one that %s leads or co-signed (a "
                     "delegate sees only those)",
                     id, who->person);
}

/* Whether the role may run an action with this effect. */
static bool role_may(pt_role_t role, const char *effect)
{
    return role == PT_ROLE_UNIT ? listed(unit_actions, effect) : strcmp(effect, "feedback") == 0;
}

/* A refused transition lists the actions the state allows: to a unit or a
 * delegate, only those it may run itself. The writer has already taken
 * from a unit's list what its part on the proposal rules out
 * (pt_workflow_allowed_for_unit); the role is judged here. */
static void scope_allowed(pt_call_t *call, const char *action, pt_error_t *err)
{
    const pt_workflow_t *wf = call->api->opts.workflow;
    cJSON *allowed = cJSON_GetObjectItemCaseSensitive(err->details, "allowed"), *a, *next;
    if (err->code != PT_ETRANSITION || !pt_auth_is_bound(call->who.role) || !cJSON_IsArray(allowed))
        return;
    pt_buf_t list;
    pt_buf_init(&list);
    for (a = allowed->child; a; a = next) {
        next = a->next;
        const char *effect =
            cJSON_IsString(a) ? pt_workflow_action_effect(wf, a->valuestring) : NULL;
        if (effect && role_may(call->who.role, effect)) {
            pt_buf_printf(&list, "%s%s", list.len ? ", " : "", a->valuestring);
        } else {
            cJSON_DetachItemViaPointer(allowed, a);
            cJSON_Delete(a);
        }
    }
    /* The message ends with the list; it is set again whole, so that a
     * message cut at its size is cut on a character. */
    char *cut = strstr(err->message, "; allowed: ");
    /* A delegate's feedback refused before the reply (or after its
     * rating closed the proposal) has nothing else to offer: it is told
     * when feedback is given instead. */
    pt_buf_t when;
    pt_buf_init(&when);
    const char *effect = action ? pt_workflow_action_effect(wf, action) : NULL;
    bool told = call->who.role == PT_ROLE_DELEGATE && effect && strcmp(effect, "feedback") == 0 &&
                feedback_states(wf, &when);
    if (cut && !pt_buf_failed(&list)) {
        *cut = '\0';
        char head[sizeof(err->message)];
        snprintf(head, sizeof(head), "%s", err->message);
        pt_error_set(err, err->code, "%s%s%s; you may: %s", head,
                     told ? ": a delegate gives feedback in state " : "", told ? when.data : "",
                     list.len ? list.data : "none");
    }
    pt_buf_free(&when);
    pt_buf_free(&list);
}

/* The 403 of a unit's or a delegate's action that its role does not run
 * (what: the action's name), or of an edit or a delete (what: NULL),
 * without a word about the proposal: what a caller is told of one it may
 * not read must be what it is told of an id never given out. */
static void refuse_bound_blind(pt_call_t *call, const char *what)
{
    const pt_identity_t *who = &call->who;
    if (!what)
        pt_api_require(call, PT_ROLE_CLERK);
    else if (who->role == PT_ROLE_UNIT)
        pt_api_failf(call, PT_EFORBIDDEN,
                     "%s (role unit, for %s) may not %s: a unit may only sign, return, "
                     "give an opinion, reply or give a supplementary reply on the "
                     "proposals assigned to it",
                     who->name, who->unit, what);
    else
        pt_api_failf(call, PT_EFORBIDDEN,
                     "%s (role delegate, %s) may not %s: a delegate may only give feedback "
                     "on the proposals they lead or co-signed",
                     who->name, who->person, what);
}

/* A refusal waiting for the proposal it is about. */
typedef struct {
    pt_call_t *call;
    int64_t id;
    char what[72]; /* the action's name; "" for an edit or a delete */
    bool edit;     /* PATCH, else DELETE (when what is "") */
} refusal_t;

/* The proposal of a refusal read, decoded; false when it cannot be. */
static bool refusal_proposal(const pt_read_t *r, pt_proposal_t *p)
{
    pt_error_t err = {0};
    cJSON *doc = pt_json_parse(r->json, r->json_len, &err);
    /* What a unit's read adds besides the proposal's own fields. */
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "unit_part");
    bool ok = doc && pt_proposal_from_json(doc, PT_DECODE_STORED, NULL, p, &err) == PT_OK;
    cJSON_Delete(doc);
    pt_error_clear(&err);
    return ok;
}

/* The refused unit or delegate reads the proposal, or does not: one
 * outside its scope is not found, exactly as one that does not exist, and
 * its refusal then says nothing of it. One it may read is answered with
 * what it may run on it now, in its part, as a refused transition is
 * (scope_allowed): a co unit in lead_co mode is not offered the reply, a
 * unit that has signed not the sign, and so on. */
static void on_refusal_read(pt_read_t *r)
{
    refusal_t *rf = r->data;
    pt_call_t *call = rf->call;
    const pt_workflow_t *wf = call->api->opts.workflow;
    const pt_identity_t *who = &call->who;
    pt_proposal_t p;
    pt_proposal_init(&p);
    cJSON *allowed = NULL;
    bool found = r->err.code == PT_OK && refusal_proposal(r, &p) && p.status;
    if (found)
        allowed = pt_workflow_allowed(wf, p.status);
    if (allowed && who->role == PT_ROLE_UNIT)
        pt_workflow_allowed_for_unit(wf, &p, who->unit, allowed);
    pt_buf_t list;
    pt_buf_init(&list);
    cJSON *a, *next;
    for (a = allowed ? allowed->child : NULL; a; a = next) {
        next = a->next;
        const char *effect =
            cJSON_IsString(a) ? pt_workflow_action_effect(wf, a->valuestring) : NULL;
        if (effect && role_may(who->role, effect))
            pt_buf_printf(&list, "%s%s", list.len ? ", " : "", a->valuestring);
        else
            cJSON_Delete(cJSON_DetachItemViaPointer(allowed, a));
    }
    if (!allowed || pt_buf_failed(&list)) {
        refuse_bound_blind(call, rf->what[0] ? rf->what : NULL);
    } else {
        pt_wf_info_t st;
        if (!pt_workflow_state_info(wf, p.status, &st))
            st = (pt_wf_info_t){.zh = p.status};
        const char *verb = rf->what[0] ? rf->what : rf->edit ? "edit" : "delete";
        pt_error_t err = {0};
        /* A unit that needs more time asks the office, which extends the
         * deadline (unit_actions): told so, not only what else it may do. */
        const char *effect = rf->what[0] ? pt_workflow_action_effect(wf, rf->what) : NULL;
        bool extend = effect && strcmp(effect, "extend") == 0;
        if (who->role == PT_ROLE_UNIT)
            pt_error_set(&err, PT_EFORBIDDEN,
                         "%s (role unit, for %s) may not %s proposal %lld, in state %s (%s): "
                         "a unit acts only in its own part of the proposals assigned to it%s; "
                         "you may: %s",
                         who->name, who->unit, verb, (long long)rf->id, p.status, st.zh,
                         extend ? " (the deadline is extended by the office that assigned it: "
                                  "ask it, with the date and the reason)"
                                : "",
                         list.len ? list.data : "none");
        else
            pt_error_set(&err, PT_EFORBIDDEN,
                         "%s (role delegate, %s) may not %s proposal %lld, in state %s (%s): "
                         "a delegate only gives feedback on the proposals they lead or "
                         "co-signed; you may: %s",
                         who->name, who->person, verb, (long long)rf->id, p.status, st.zh,
                         list.len ? list.data : "none");
        err.details = cJSON_CreateObject();
        if (err.details)
            cJSON_AddItemToObject(err.details, "allowed", allowed);
        else
            cJSON_Delete(allowed);
        allowed = NULL;
        pt_api_fail(call, &err);
    }
    cJSON_Delete(allowed);
    pt_buf_free(&list);
    pt_proposal_free(&p);
    pt_read_free(r);
    free(rf);
}

/* Refuses a unit's or a delegate's action outside its role (action), or
 * its edit or delete (action NULL; edit says which), after reading the
 * proposal within its scope (on_refusal_read). Answers in every case. */
static void refuse_bound(pt_call_t *call, int64_t id, const char *action, bool edit)
{
    refusal_t *rf = calloc(1, sizeof(*rf));
    pt_read_t *r = rf ? pt_read_new(PT_READ_GET) : NULL;
    if (!r) {
        free(rf);
        refuse_bound_blind(call, action);
        return;
    }
    rf->call = call;
    rf->id = id;
    rf->edit = edit;
    snprintf(rf->what, sizeof(rf->what), "%s", action ? action : "");
    r->id = id;
    r->cb = on_refusal_read;
    r->data = rf;
    /* The scope: a unit's unit, a delegate's person. It asks for no other,
     * so it cannot be refused. */
    if (!pt_api_scope_query(call, &r->query)) {
        pt_read_free(r);
        free(rf);
        return;
    }
    if (pt_store_read(call->api->opts.store, r) != PT_OK) {
        pt_read_free(r);
        free(rf);
        refuse_bound_blind(call, action);
    }
}

/* Checks a unit's or a delegate's action and binds it to them: the action
 * must be one of theirs (one that is not is refused by refuse_bound), the
 * acting unit or the rating person is theirs (filled in when left out,
 * refused when another), and the writer checks that the proposal is
 * within their scope. Another unit or person is refused by the writer too,
 * after that check (scope_refused): refused here, it would answer 403
 * where a proposal the caller may not read is to answer 404, as one that
 * does not exist. Returns false after answering. */
static bool scope_action(pt_call_t *call, const char *action, cJSON *body, pt_write_t *w)
{
    const pt_identity_t *who = &call->who;
    const char *field, *own;
    /* What the action does decides, not its name. One the workflow does
     * not have is no one's: the writer answers it 404 not_found, as it
     * does a clerk's, once it has found the proposal within the caller's
     * scope (the workflow is public, so this tells nothing). */
    const char *effect = pt_workflow_action_effect(call->api->opts.workflow, action);
    bool known = effect != NULL;
    if (!effect)
        effect = "";
    if (known && !role_may(who->role, effect)) {
        refuse_bound(call, w->id, action, false);
        return false;
    }
    if (who->role == PT_ROLE_UNIT) {
        field = listed(unit_field_actions, effect) ? "unit" : NULL;
        own = who->unit;
        w->scope_unit = strdup(own);
    } else {
        field = "person";
        own = who->person;
        w->scope_person = strdup(own);
    }
    if (!w->scope_unit && !w->scope_person) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return false;
    }
    if (!field || !known)
        return true;
    const cJSON *given = cJSON_GetObjectItemCaseSensitive(body, field);
    if (given && !cJSON_IsNull(given)) {
        /* Read as the workflow reads a unit's name (without the spaces
         * around it or a zero-width space a copy brought along:
         * pt_unit_name_clean) or a person's (also "王 芳" as 王芳), so
         * that what it would take as the caller's own is not refused as
         * another's. */
        char *name = !cJSON_IsString(given)         ? NULL
                     : strcmp(field, "person") == 0 ? pt_name_clean(given->valuestring)
                                                    : pt_unit_name_clean(given->valuestring);
        bool same = name && strcmp(name, own) == 0;
        free(name);
        if (!same) {
            pt_buf_t why;
            pt_buf_init(&why);
            pt_buf_printf(&why, "%s acts only as %s: %s must be \"%s\" or left out", who->name, own,
                          field, own);
            if (!(w->scope_refused = pt_buf_take(&why, NULL))) {
                pt_api_failf(call, PT_ENOMEM, "out of memory");
                return false;
            }
        }
        return true;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(body, field);
    if (!cJSON_AddStringToObject(body, field, own)) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return false;
    }
    return true;
}

/* ---- Endpoints ------------------------------------------------------- */

/* Whose Idempotency-Keys a request's is among: a socket user's, by its
 * uid, or a token's, by its name, role and unit or person. Not the name
 * alone, which history shows: a socket user may have a token's name, and
 * a revoked token's name may be given to a new token for another unit,
 * whose sign or reply under a key the old one used was answered as a
 * replay of the old one's, and nothing was done. */
static char *idem_who(const pt_call_t *call)
{
    const pt_identity_t *who = &call->who;
    pt_buf_t b;
    pt_buf_init(&b);
    if (call->req->peer == PT_PEER_UNIX)
        pt_buf_printf(&b, "socket %u", (unsigned)call->req->uid);
    else
        pt_buf_printf(&b, "token %s\n%s\n%s\n%s", who->name, pt_role_name(who->role), who->unit,
                      who->person);
    return pt_buf_take(&b, NULL);
}

/* Takes the request's Idempotency-Key into the write, with the hash of
 * what the request asks: a create's body, or an action's proposal, name and
 * body (so that one key cannot stand for two different actions, and the
 * same action sent to /v1/proposals/07/... is the same), and whose key it
 * is (idem_who). Returns false after answering. */
static bool idempotency_key(pt_call_t *call, pt_write_t *w)
{
    const pt_http_request_t *req = call->req;
    const char *key = pt_http_header(req, "Idempotency-Key");
    if (!key)
        return true;
    /* Characters, as api.md counts them: a key of 100 Chinese characters
     * (300 bytes of UTF-8) is one. A byte that begins no UTF-8 character
     * (obs-text) counts one, and the characters around it as characters. */
    size_t chars = 0, klen = strlen(key);
    for (size_t i = 0; i < klen; chars++) {
        unsigned char b = (unsigned char)key[i];
        size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        i += n <= klen - i && pt_utf8_valid(key + i, n) ? n : 1;
    }
    if (!*key || chars > 255) {
        pt_api_failf(call, PT_EBADREQUEST, "Idempotency-Key must be 1 to 255 characters");
        return false;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int n;
    char what[96];
    int len = w->op == PT_WRITE_CREATE ? 0
                                       : snprintf(what, sizeof(what), "%lld %.64s\n",
                                                  (long long)w->id, w->action ? w->action : "");
    bool ok = md && (w->idem_key = strdup(key)) != NULL && (w->idem_who = idem_who(call)) &&
              EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
              (len == 0 || EVP_DigestUpdate(md, what, (size_t)len) == 1) &&
              EVP_DigestUpdate(md, req->body, req->body_len) == 1 &&
              EVP_DigestFinal_ex(md, w->idem_hash, &n) == 1;
    EVP_MD_CTX_free(md);
    if (!ok)
        pt_api_failf(call, PT_ENOMEM, "out of memory");
    return ok;
}

/* A write takes no query parameter: one given (a misplaced filter, a
 * typo) is refused rather than ignored. Returns false after answering. */
static bool no_query(pt_call_t *call)
{
    static const char *const none[] = {NULL};
    pt_error_t err = {0};
    if (pt_query_only(call->req, none, &err) == PT_OK)
        return true;
    pt_api_fail(call, &err);
    return false;
}

static void create(pt_call_t *call)
{
    if (!pt_api_require(call, PT_ROLE_CLERK) || !no_query(call))
        return;
    pt_write_t *w = pt_write_new(PT_WRITE_CREATE);
    if (!w) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    if (!idempotency_key(call, w) || !(w->body = body_object(call, false))) {
        pt_write_free(w);
        return;
    }
    submit_write(call, w);
}

/* Starts a read of what the caller may see: a list, one proposal or its
 * history (id), or the statistics. The endpoint's query parameters go into
 * the read's query, and then the caller's scope (pt_api_scope_query), so
 * that a unit or a delegate reads only its own in each. Answers on any
 * failure. */
static void scoped_read(pt_call_t *call, pt_read_op_t op, int64_t id)
{
    if (!pt_api_require_reader(call))
        return;
    pt_read_t *r = pt_read_new(op);
    if (!r) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    r->id = id;
    const pt_http_request_t *req = call->req;
    static const char *const none[] = {NULL};
    pt_error_t err = {0};
    int rc = op == PT_READ_LIST    ? pt_query_list(req, call->api->opts.workflow, &r->query, &err)
             : op == PT_READ_STATS ? pt_query_stats(req, call->api->opts.workflow, &r->query, &err)
                                   : pt_query_only(req, none, &err);
    if (rc != PT_OK) {
        pt_read_free(r);
        pt_api_fail(call, &err);
        return;
    }
    if (!pt_api_scope_query(call, &r->query)) {
        pt_read_free(r);
        return;
    }
    /* A unit reading one proposal is shown its own part, as in its lists. */
    if (op == PT_READ_GET && r->query.unit &&
        pt_query_todo_states(call->api->opts.workflow, &r->query, &err) != PT_OK) {
        pt_read_free(r);
        pt_api_fail(call, &err);
        return;
    }
    start_read(call, r);
}

static void change(pt_call_t *call, pt_write_op_t op, int64_t id, const char *action)
{
    bool bound = op == PT_WRITE_ACTION && pt_auth_is_bound(call->who.role);
    /* A unit or a delegate edits and deletes nothing; it is told what it
     * may do instead on the proposal, when it may read it. */
    if (!bound && pt_auth_is_bound(call->who.role)) {
        refuse_bound(call, id, NULL, op == PT_WRITE_PATCH);
        return;
    }
    /* A viewer is told an unknown action is unknown, as every other role
     * is: the workflow is public, so the 404 reveals nothing. */
    if (op == PT_WRITE_ACTION && !bound && !pt_auth_allows(call->who.role, PT_ROLE_CLERK) &&
        !pt_workflow_has_action(call->api->opts.workflow, action)) {
        pt_error_t err = {0};
        pt_workflow_refuse_unknown_action(call->api->opts.workflow, action, &err);
        pt_api_fail(call, &err);
        return;
    }
    if ((!bound && !pt_api_require(call, PT_ROLE_CLERK)) || !no_query(call))
        return;
    pt_write_t im;
    if (!if_match(call, &im))
        return;
    cJSON *body = NULL;
    if (op != PT_WRITE_DELETE && !(body = body_object(call, op == PT_WRITE_ACTION)))
        return;
    pt_write_t *w = pt_write_new(op);
    if (!w || (action && !(w->action = strdup(action)))) {
        cJSON_Delete(body);
        pt_write_free(w);
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    w->id = id;
    w->body = body;
    w->if_match = im.if_match;
    w->if_match_count = im.if_match_count;
    memcpy(w->if_match_list, im.if_match_list, sizeof(w->if_match_list));
    if ((bound && !scope_action(call, action, body, w)) ||
        (op == PT_WRITE_ACTION && !idempotency_key(call, w))) {
        pt_write_free(w);
        return;
    }
    submit_write(call, w);
}

static void method_not_allowed(pt_call_t *call)
{
    pt_api_failf(call, PT_EMETHOD, "%s is not allowed on %s", call->req->method, call->req->path);
}

void pt_api_proposals(pt_call_t *call, int64_t id, const char *sub, const char *action)
{
    const char *m = call->req->method;
    if (id == 0) {
        if (strcmp(m, "GET") == 0)
            scoped_read(call, PT_READ_LIST, 0);
        else if (strcmp(m, "POST") == 0)
            create(call);
        else
            method_not_allowed(call);
    } else if (!sub) {
        if (strcmp(m, "GET") == 0)
            scoped_read(call, PT_READ_GET, id);
        else if (strcmp(m, "PATCH") == 0)
            change(call, PT_WRITE_PATCH, id, NULL);
        else if (strcmp(m, "DELETE") == 0)
            change(call, PT_WRITE_DELETE, id, NULL);
        else
            method_not_allowed(call);
    } else if (strcmp(sub, "history") == 0) {
        if (strcmp(m, "GET") == 0)
            scoped_read(call, PT_READ_HISTORY, id);
        else
            method_not_allowed(call);
    } else {
        if (strcmp(m, "POST") == 0)
            change(call, PT_WRITE_ACTION, id, action);
        else
            method_not_allowed(call);
    }
}

/* The figures of the proposals the caller may read: a unit's or a
 * delegate's own, or (for the ranked roles) all of them or those of the
 * unit or person asked for. */
void pt_api_stats(pt_call_t *call)
{
    scoped_read(call, PT_READ_STATS, 0);
}

static void on_health(pt_read_t *r)
{
    pt_call_t *call = r->data;
    pt_store_t *store = call->api->opts.store;
    cJSON *j = cJSON_CreateObject();
    bool ok = r->err.code == PT_OK && pt_store_writable(store);
    cJSON_AddStringToObject(j, "status", ok ? "ok" : "degraded");
    cJSON_AddStringToObject(j, "version", PT_VERSION);
    if (r->err.code == PT_OK)
        cJSON_AddNumberToObject(j, "proposals", (double)r->count);
    else
        cJSON_AddNullToObject(j, "proposals");
    cJSON_AddBoolToObject(j, "writable", pt_store_writable(store));
    cJSON_AddNumberToObject(j, "last_seq", (double)pt_store_last_seq(store));
    /* The room left where the database grows: the one thing an operator
     * can see coming before writes are refused (a full disk). */
    int64_t db_bytes, free_bytes;
    pt_store_disk_figures(store, &db_bytes, &free_bytes);
    if (free_bytes >= 0)
        cJSON_AddNumberToObject(j, "disk_free_bytes", (double)free_bytes);
    else
        cJSON_AddNullToObject(j, "disk_free_bytes");
    /* A reload whose configuration was refused leaves the running one:
     * the file says what is not in force. */
    if (call->api->reload_refused) {
        cJSON *rr = cJSON_AddObjectToObject(j, "config_refused");
        char at[40];
        if (rr) {
            cJSON_AddStringToObject(rr, "at",
                                    pt_time_format(call->api->reload_refused_at, at, sizeof at));
            /* Why is an admin's to read: it may quote the file (a token's
             * name, a path); the others are told when. */
            if (call->who.role == PT_ROLE_ADMIN)
                cJSON_AddStringToObject(rr, "message", call->api->reload_refused);
            else
                cJSON_AddNullToObject(rr, "message");
        }
    } else {
        cJSON_AddNullToObject(j, "config_refused");
    }
    /* The configuration's plugin instances that the last reload could not
     * load or change: a notifier named there may not be delivering. Names
     * only; an admin reads why in GET /v1/plugins. */
    cJSON *failed = cJSON_AddArrayToObject(j, "plugins_failed");
    cJSON *list = call->api->opts.plugins ? pt_plugins_failed(call->api->opts.plugins) : NULL;
    const cJSON *f;
    cJSON_ArrayForEach(f, list)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "instance");
        if (cJSON_IsString(name))
            cJSON_AddItemToArray(failed, cJSON_CreateString(name->valuestring));
    }
    cJSON_Delete(list);
    /* The notifiers whose deliveries have been refused for now since they
     * last took an event, with since when: a check alerts on one failing
     * longer than it tolerates. Like plugins_failed, not the store's
     * status. */
    cJSON *failing = call->api->opts.plugins ? pt_plugins_notifiers_failing(call->api->opts.plugins)
                                             : cJSON_CreateArray();
    if (failing)
        cJSON_AddItemToObject(j, "notifiers_failing", failing);
    char *text = failing ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    pt_read_free(r);
    if (!text) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    pt_api_reply(call, ok ? 200 : 503, text, strlen(text), NULL);
    free(text);
}

void pt_api_health(pt_call_t *call)
{
    pt_read_t *r = pt_read_new(PT_READ_COUNT);
    if (!r) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    /* A unit or a delegate is told how many proposals it may read, not how
     * many the store holds. */
    if (!pt_api_scope_query(call, &r->query)) {
        pt_read_free(r);
        return;
    }
    r->cb = on_health;
    r->data = call;
    if (pt_store_read(call->api->opts.store, r) != PT_OK) {
        pt_read_free(r);
        pt_api_failf(call, PT_ESTORAGE, "the store cannot take reads right now");
    }
}

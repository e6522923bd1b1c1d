/*
 * fuzz_proposal.c - request bodies into the domain (proposals/): a create's
 * body and a stored document through pt_json_parse and
 * pt_proposal_from_json, a PATCH's merge patch through pt_proposal_patch,
 * and an action's body through pt_workflow_apply, as the API and the store
 * hand them on; no store is needed for any of them.
 *
 * Input: a first line that says what the rest is, then the JSON text:
 *   create\n{...}                the body of POST /v1/proposals
 *   stored\n{...}                a document as the store or an import reads it
 *   patch\n{...}                 a merge patch of a stored proposal
 *   action NAME [STATE]\n{...}   the body of POST /v1/proposals/1/actions/NAME
 *                                on a proposal in STATE (default handling)
 * Anything else is read as create.
 *
 * What must hold: whatever is accepted is written out by
 * pt_proposal_to_text exactly as pt_proposal_to_json writes it, and the
 * store reads it back (PT_DECODE_STORED); a refusal leaves the proposal as
 * it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-strict.h"
#include "proposal.h"
#include "workflow.h"

#define NOW 1767225600000LL /* 2026-01-01T00:00:00Z */

static pt_workflow_t *wf;
static pt_deadlines_t deadlines;

/* A proposal as the store holds one in handling: lead and co units, one
 * opinion, a custom field. */
static const char base_json[] =
    "{\"id\":1,\"version\":5,\"number\":\"1023\",\"kind\":\"suggestion\","
    "\"session\":\"十四届全国人大四次会议\",\"title\":\"关于加强农村公路养护的建议\","
    "\"background\":\"农村公路点多线长。\",\"recommendations\":[\"加大养护资金投入\"],"
    "\"submitter_type\":\"individual\",\"lead_author\":\"李国华\","
    "\"co_signers\":[\"王秀英\",\"张建军\"],\"delegation\":\"山西代表团\","
    "\"category\":\"交通运输\",\"tags\":[\"公路\"],\"status\":\"handling\","
    "\"handling_mode\":\"lead_co\",\"units\":[{\"name\":\"交通运输部\",\"role\":\"lead\","
    "\"signed_at\":\"2026-01-02T08:00:00+08:00\"},{\"name\":\"财政部\",\"role\":\"co\","
    "\"opinion\":\"同意\",\"opinion_at\":\"2026-01-03T08:00:00+08:00\"}],"
    "\"assigned_at\":\"2026-01-01T08:00:00+08:00\",\"due_at\":\"2026-04-01T08:00:00+08:00\","
    "\"key_supervision\":false,\"replies\":[],\"feedback\":[],"
    "\"custom\":{\"联系人\":\"王五\"},\"created_at\":\"2025-12-20T08:00:00+08:00\","
    "\"updated_at\":\"2026-01-03T08:00:00+08:00\"}";

static const char *const categories[] = {"交通运输", "乡村振兴", "教育", "财政"};
static const pt_validate_opts_t any = {NULL, 0};
static const pt_validate_opts_t listed = {categories, 4};

/* The proposal as the store writes it, read back as the store does. */
static void check_stored(const pt_proposal_t *p)
{
    bool clock = pt_workflow_has_state(wf, p->status ? p->status : "")
                     ? pt_workflow_clock_runs(wf, p->status)
                     : false;
    cJSON *tree = pt_proposal_to_json(p, clock, NOW);
    char *printed = tree ? cJSON_PrintUnformatted(tree) : NULL;
    size_t len;
    char *text = pt_proposal_to_text(p, true, clock, NOW, &len);
    if (!tree || !printed || !text)
        abort();
    if (strlen(text) != len || strcmp(printed, text) != 0) {
        fprintf(stderr, "pt_proposal_to_text differs from pt_proposal_to_json:\n%s\n%s\n", text,
                printed);
        abort();
    }
    pt_error_t err = {0};
    cJSON *again = pt_json_parse(text, len, &err);
    if (!again) {
        fprintf(stderr, "a stored document is not JSON: %s\n%s\n", err.message, text);
        abort();
    }
    pt_proposal_t back;
    if (pt_proposal_from_json(again, PT_DECODE_STORED, &any, &back, &err) != PT_OK) {
        fprintf(stderr, "a stored document is not read back: %s\n%s\n", err.message, text);
        abort();
    }
    pt_proposal_free(&back);
    pt_error_clear(&err);
    cJSON_Delete(again);
    free(text);
    free(printed);
    cJSON_Delete(tree);
}

static void base(pt_proposal_t *p)
{
    pt_error_t err = {0};
    cJSON *j = cJSON_Parse(base_json);
    if (!j || pt_proposal_from_json(j, PT_DECODE_STORED, &any, p, &err) != PT_OK) {
        fprintf(stderr, "the base proposal: %s\n", err.message);
        abort();
    }
    cJSON_Delete(j);
}

static bool merge_state(int64_t id, char *state, size_t size, void *ud)
{
    (void)ud;
    if (id == 404)
        return false;
    snprintf(state, size, "%s", id == 2 ? "draft" : id == 3 ? "closed" : "filed");
    return true;
}

static void run_action(const char *line, size_t line_len, const cJSON *body)
{
    char action[64] = "", state[64] = "handling";
    char buf[160];
    snprintf(buf, sizeof(buf), "%.*s", (int)(line_len < 150 ? line_len : 150), line);
    if (sscanf(buf, "action %63s %63s", action, state) < 1)
        return;
    pt_proposal_t p;
    base(&p);
    free(p.status);
    p.status = strdup(state);
    pt_proposal_t before;
    if (!p.status || pt_proposal_copy(&before, &p) != PT_OK)
        abort();
    pt_action_ctx_t ctx = {.wf = wf,
                           .deadlines = &deadlines,
                           .now = NOW,
                           .actor = "办公室",
                           .proposal_state = merge_state};
    pt_history_t hist;
    memset(&hist, 0, sizeof(hist));
    pt_error_t err = {0};
    int rc = pt_workflow_apply(&ctx, &p, action, body, &hist, &err);
    if (rc == PT_OK) {
        cJSON *h = pt_history_to_json(&hist);
        char *s = h ? cJSON_PrintUnformatted(h) : NULL;
        free(s);
        cJSON_Delete(h);
        pt_history_free(&hist);
        check_stored(&p);
    } else {
        /* Untouched on failure. */
        char *a = pt_proposal_to_text(&p, true, true, NOW, NULL);
        char *b = pt_proposal_to_text(&before, true, true, NOW, NULL);
        if (!a || !b || strcmp(a, b) != 0) {
            fprintf(stderr, "a refused action %s changed the proposal:\n%s\n%s\n", action, b, a);
            abort();
        }
        free(a);
        free(b);
    }
    pt_error_clear(&err);
    pt_proposal_free(&before);
    pt_proposal_free(&p);
}

static void run_patch(const cJSON *patch, const pt_validate_opts_t *opts)
{
    pt_proposal_t p;
    base(&p);
    char *before = pt_proposal_to_text(&p, true, true, NOW, NULL);
    cJSON *changed = NULL;
    pt_error_t err = {0};
    if (pt_proposal_patch(&p, patch, opts, &changed, &err) == PT_OK) {
        char *s = changed ? cJSON_PrintUnformatted(changed) : NULL;
        free(s);
        check_stored(&p);
    } else {
        char *after = pt_proposal_to_text(&p, true, true, NOW, NULL);
        if (!before || !after || strcmp(before, after) != 0) {
            fprintf(stderr, "a refused patch changed the proposal:\n%s\n%s\n", before, after);
            abort();
        }
        free(after);
    }
    cJSON_Delete(changed);
    free(before);
    pt_error_clear(&err);
    pt_proposal_free(&p);
}

static void run_decode(const cJSON *json, pt_decode_mode_t mode, const pt_validate_opts_t *opts)
{
    pt_proposal_t p;
    pt_error_t err = {0};
    if (pt_proposal_from_json(json, mode, opts, &p, &err) == PT_OK) {
        if (!p.status)
            p.status = strdup(pt_workflow_default_state(wf));
        pt_error_t fit = {0};
        (void)pt_proposal_units_fit(&p, &fit);
        pt_error_clear(&fit);
        (void)pt_proposal_answered(&p);
        (void)pt_proposal_reply_category(&p);
        check_stored(&p);
        pt_proposal_free(&p);
    } else {
        cJSON *e = pt_error_to_json(&err);
        char *s = e ? cJSON_PrintUnformatted(e) : NULL;
        free(s);
        cJSON_Delete(e);
    }
    pt_error_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!wf) {
        pt_error_t err = {0};
        if (pt_workflow_load_default(&wf, &err) != PT_OK)
            abort();
        pt_deadlines_default(&deadlines);
    }
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t line_len = nl ? (size_t)(nl - text) : 0;
    const char *json = nl ? nl + 1 : text;
    size_t json_len = nl ? size - line_len - 1 : size;
    pt_error_t err = {0};
    cJSON *body = pt_json_parse(json, json_len, &err);
    pt_error_clear(&err);
    if (!body)
        return 0;
    /* The categories are the office's choice: the input's length picks either. */
    const pt_validate_opts_t *opts = (size & 1) ? &listed : &any;
    if (line_len >= 6 && memcmp(text, "action", 6) == 0)
        run_action(text, line_len, body);
    else if (line_len == 5 && memcmp(text, "patch", 5) == 0)
        run_patch(body, opts);
    else if (line_len == 6 && memcmp(text, "stored", 6) == 0)
        run_decode(body, PT_DECODE_STORED, opts);
    else
        run_decode(body, PT_DECODE_CREATE, opts);
    cJSON_Delete(body);
    return 0;
}

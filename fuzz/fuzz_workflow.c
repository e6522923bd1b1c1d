/*
 * fuzz_workflow.c - an office's workflow file, into the loader and checks
 * of proposals/workflow.c, and a loaded workflow through what ptrackd does
 * with it: GET /v1/workflow, the actions each state allows, the lookups by
 * name and label, and each action applied to a proposal in each state.
 *
 * Input: the file's bytes, as pt_workflow_load gets them after the file
 * has been read (the config key `workflow`).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proposal.h"
#include "workflow.h"

#define NOW 1767225600000LL

static void apply_all(const pt_workflow_t *wf, const cJSON *doc, const pt_deadlines_t *d)
{
    const cJSON *states = cJSON_GetObjectItemCaseSensitive(doc, "states");
    const cJSON *actions = cJSON_GetObjectItemCaseSensitive(doc, "actions");
    const cJSON *s, *a;
    unsigned runs = 0;
    cJSON_ArrayForEach(s, states)
    {
        const cJSON *sn = cJSON_GetObjectItemCaseSensitive(s, "name");
        if (!cJSON_IsString(sn))
            continue;
        cJSON *allowed = pt_workflow_allowed(wf, sn->valuestring);
        cJSON_Delete(allowed);
        pt_wf_info_t info;
        (void)pt_workflow_state_info(wf, sn->valuestring, &info);
        cJSON_ArrayForEach(a, actions)
        {
            const cJSON *an = cJSON_GetObjectItemCaseSensitive(a, "name");
            if (!cJSON_IsString(an) || ++runs > 400)
                continue;
            (void)pt_workflow_action_info(wf, an->valuestring, &info);
            (void)pt_workflow_action_effect(wf, an->valuestring);
            pt_proposal_t p;
            pt_proposal_init(&p);
            p.id = 1;
            p.version = 1;
            p.title = strdup("关于加强农村公路养护的建议");
            p.status = strdup(sn->valuestring);
            p.created_at = p.updated_at = NOW - 1000;
            pt_action_ctx_t ctx = {.wf = wf, .deadlines = d, .now = NOW, .actor = "办公室"};
            /* An empty body: most actions refuse it, naming their fields. */
            cJSON *body = cJSON_CreateObject();
            pt_history_t h;
            memset(&h, 0, sizeof(h));
            pt_error_t err = {0};
            if (pt_workflow_apply(&ctx, &p, an->valuestring, body, &h, &err) == PT_OK)
                pt_history_free(&h);
            pt_error_clear(&err);
            cJSON_Delete(body);
            pt_proposal_free(&p);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pt_workflow_t *wf = NULL;
    pt_error_t err = {0};
    if (pt_workflow_load((const char *)data, size, &wf, &err) != PT_OK) {
        if (wf)
            abort(); /* nothing is handed out on failure */
        if (err.message[0] == '\0') {
            fprintf(stderr, "a refused workflow without a message\n");
            abort();
        }
        pt_error_clear(&err);
        return 0;
    }
    (void)pt_workflow_name(wf);
    (void)pt_workflow_default_state(wf);
    cJSON *json = pt_workflow_to_json(wf);
    if (!json)
        abort();
    char *text = cJSON_PrintUnformatted(json);
    if (!text)
        abort();
    pt_deadlines_t d;
    pt_deadlines_default(&d);
    apply_all(wf, json, &d);
    free(text);
    cJSON_Delete(json);
    pt_workflow_free(wf);
    return 0;
}

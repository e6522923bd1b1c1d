/*
 * cmd-do.c - `ptrack do ID ACTION`: run a workflow action on a proposal.
 *
 * The body of an action is built from --set key=value (any field), --note,
 * and --unit, which saves typing the most common field: for an action that
 * takes `units` (assign and reassign, or an office's own assignment by
 * whatever name its workflow gives it) it builds that array (the first unit
 * leads, the others assist, unless a role is given), for every other action
 * it is the one `unit` the action concerns (sign, return, opinion, reply,
 * follow_up).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "fields.h"
#include "json.h"
#include "labels.h"
#include "times.h"
#include "width.h"

static const pt_opt_t opts[] = {
    {"set", PT_OPT_LIST, "KEY=VALUE",
     "a field of the action; text for a text field (doc_no, reason), else JSON if it parses"},
    {"set-file", PT_OPT_LIST, "KEY=FILE", "a field whose text is in FILE (a long reply, say)"},
    {"unit", PT_OPT_LIST, "NAME[:ROLE]",
     "assign/reassign (any action with a units field): a unit (ROLE lead|co|separate; without "
     "one: co, but lead for the first when none is lead, or separate when one is); other "
     "actions: the unit"},
    {"note", PT_OPT_VALUE, "TEXT", "a note for the history"},
    {"if-match", PT_OPT_VALUE, "VERSION", "refuse (412) if the proposal is no longer at VERSION"},
    {0},
};

/* The role code that s names (lead, co, separate, or 主办, 协办, 分办), or
 * NULL. */
static const char *role_of(const char *s)
{
    static const char *const codes[] = {"lead", "co", "separate"};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(s, codes[i]) == 0 || strcmp(s, pt_label_role(codes[i])) == 0)
            return codes[i];
    return NULL;
}

/* Splits "NAME:ROLE" (or NAME：ROLE, the colon of a Chinese input method).
 * Only a known role after the last colon counts as one, so a unit name that
 * itself holds a colon is kept whole. *role is NULL when none is given.
 * Ownership: *name is the caller's to free. */
static void split_unit(const char *arg, char **name, const char **role)
{
    const char *colon = strrchr(arg, ':');
    const char *wide = strstr(arg, "：");
    for (const char *w = wide; w; w = strstr(w + 1, "："))
        wide = w;
    size_t skip = 1;
    if (wide && (!colon || wide > colon)) {
        colon = wide;
        skip = strlen("：");
    }
    if (colon && role_of(colon + skip)) {
        *name = pt_xstrndup(arg, (size_t)(colon - arg));
        *role = role_of(colon + skip);
    } else {
        *name = pt_xstrdup(arg);
        *role = NULL;
    }
}

/* Builds `units` (and `mode`, when --set did not give one) for assign and
 * reassign. */
static int assign_units(pt_cli_t *cli, cJSON *body, const char **units, size_t n)
{
    const char *mode = pt_json_str(body, "mode");
    bool separate = mode && strcmp(mode, "separate") == 0;
    /* Without a mode, one unit given as separate makes the mode separate:
     * then the units given without a role are separate too. */
    bool lead_given = false;
    for (size_t i = 0; i < n; i++) {
        char *name;
        const char *role;
        split_unit(units[i], &name, &role);
        if (!mode)
            separate = separate || (role && strcmp(role, "separate") == 0);
        lead_given = lead_given || (role && strcmp(role, "lead") == 0);
        free(name);
    }
    bool any_separate = false;
    cJSON *arr = pt_xcheck(cJSON_CreateArray());

    for (size_t i = 0; i < n; i++) {
        char *name;
        const char *role;
        split_unit(units[i], &name, &role);
        if (!*name) {
            free(name);
            cJSON_Delete(arr);
            return pt_cli_usage(cli, "--unit needs a unit name, not \"%s\"", units[i]);
        }
        /* In separate mode every unit answers on its own (分办). Otherwise
         * a unit without a role assists (协办), but for the first of them
         * when no unit was named the lead (主办): --unit A:co --unit B makes
         * B lead, --unit A --unit B:lead makes A assist. */
        if (!role && separate) {
            role = "separate";
        } else if (!role) {
            role = lead_given ? "co" : "lead";
            lead_given = true;
        }
        if (strcmp(role, "separate") == 0)
            any_separate = true;
        cJSON *u = pt_xcheck(cJSON_CreateObject());
        pt_json_add_str(u, "name", name);
        pt_json_add_str(u, "role", role);
        pt_json_push(arr, u);
        free(name);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(body, "units");
    pt_json_add(body, "units", arr);
    if (!mode)
        pt_json_add_str(body, "mode", any_separate ? "separate" : n == 1 ? "single" : "lead_co");
    return PT_EXIT_OK;
}

/* The names go on beside their label when the line leaves them room for
 * the widest of them with its 、, or for this many columns (a unit's name
 * of 14 Chinese characters) when one is wider; else below it, at this
 * indent. */
#define AWAITED_MIN 30
#define AWAITED_BELOW 6

/* In separate mode (分办) a reply moves the proposal on only once every
 * unit has answered: until then it stays where it was, and its state
 * alone would leave the unit that just answered wondering whether its
 * reply counted. Prints the units still awaited, as the history names them
 * (awaiting_replies), after a reply that leaves some: thirty units' full
 * names make hundreds of columns, so they go on under the first one,
 * within the line (pt_out_width), a line breaking between two names as
 * show's lists do. */
static void print_awaiting(pt_cli_t *cli, const char *action, const cJSON *p)
{
    static const char label[] = "    待答复单位 awaiting replies: ";
    if (strcmp(pt_action_effect(cli, action), "reply") != 0)
        return;
    size_t n;
    const char **waiting = pt_awaiting_replies(p, &n);
    if (n > 0) {
        size_t indent = pt_text_width(label), width = pt_out_width(), need = 0;
        for (size_t i = 0; i < n; i++) {
            size_t w = pt_text_width(waiting[i]) + 2;
            need = w > need ? w : need;
        }
        pt_buf_t b = {0};
        if (indent + (need < AWAITED_MIN ? need : AWAITED_MIN) > width) {
            /* A narrow terminal leaves the names too little beside the
             * label: they would be broken inside, some into pieces of a
             * few characters. They go on below it. */
            pt_text_wrap_names(&b, waiting, n, "、", AWAITED_BELOW, width);
            printf("%.*s\n%s", (int)(sizeof label - 2), label, pt_buf_str(&b));
        } else {
            pt_text_wrap_names(&b, waiting, n, "、", indent, width);
            /* Every line starts with the indent, which the first gives
             * up for the label. */
            printf("%s%s", label, pt_buf_str(&b) + indent);
        }
        pt_buf_free(&b);
    }
    free(waiting);
}

/* The rating (满意, 基本满意, 不满意, or their codes) that s names, by its
 * label, or NULL. */
static const char *rating_typed(pt_cli_t *cli, const char *s)
{
    static const char *const codes[] = {"satisfied", "basically_satisfied", "unsatisfied"};
    s = pt_input_fold(cli, s);
    for (size_t i = 0; i < 3; i++)
        if (strcmp(s, codes[i]) == 0 || strcmp(s, pt_label_satisfaction(codes[i])) == 0)
            return pt_label_satisfaction(codes[i]);
    return NULL;
}

/* The workflow's action that records a delegate's rating (its effect is
 * feedback, whatever the office calls it), or NULL. */
static const char *feedback_action(pt_cli_t *cli)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, pt_json_get(pt_cli_workflow(cli), "actions"))
    {
        const char *name = pt_json_str(a, "name");
        if (name && strcmp(pt_action_effect(cli, name), "feedback") == 0)
            return name;
    }
    return NULL;
}

/* A name as the workflow allows one (docs/workflow.md): letters of either
 * case, digits, '_' and '-'. */
static bool valid_action_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return false;
    return true;
}

/* Whether --unit builds the `units` of the action: the workflow in force
 * says so by the field's type, whatever the action is called (an office
 * may call its assignment jiaoban); without a workflow to read, or an
 * action that does not declare `units`, the default workflow's names. */
static bool takes_units(pt_cli_t *cli, const char *action)
{
    const char *type = pt_action_field_type(cli, action, "units");
    if (type)
        return strcmp(type, "units") == 0;
    return strcmp(action, "assign") == 0 || strcmp(action, "reassign") == 0;
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    long long id, version;
    /* ptrack do 签收 12: the two the other way round, as a sentence says
     * them (签收第12号). Told which comes first, not that 签收 is no id. */
    const char *second = pt_input_fold(cli, args->pos[1]);
    if (second[0] == '#')
        second++;
    if (pt_args_int(second, &id) == 0 && pt_args_int(pt_input_fold(cli, args->pos[0]), &id) != 0 &&
        args->pos[0][0] != '#')
        return pt_cli_usage(cli, "the ID comes before the ACTION: ptrack do %s %s", args->pos[1],
                            args->pos[0]);
    int rc = pt_cli_id(cli, args->pos[0], &id);
    if (rc != PT_EXIT_OK)
        return rc;
    /* 交办, assign, or Assign: what is none of the workflow's actions
     * (sgin, 签shou) is found here, where the workflow was read to look
     * it up, and answered with the actions a person may type, as a usage
     * error before anything is sent, as list --status does for a state. A
     * workflow that cannot be read leaves a name as typed for ptrackd to
     * judge. */
    const char *action = pt_action_from_input(cli, args->pos[1]);
    if (pt_cli_workflow(cli) && !pt_action_known(cli, action)) {
        const char *named = pt_action_from_name(cli, action);
        if (!named) {
            /* ptrack do 12 不满意: a delegate's rating typed as the action. */
            const char *rating = rating_typed(cli, args->pos[1]);
            const char *rate = rating ? feedback_action(cli) : NULL;
            if (rate)
                return pt_cli_usage(cli,
                                    "\"%s\" is a rating, not an action: give it to the action "
                                    "%s (%s) as ptrack do %s %s --set satisfaction=%s",
                                    args->pos[1], pt_label_action(cli, rate), rate, args->pos[0],
                                    pt_label_action(cli, rate), rating);
            pt_buf_t known = {0};
            pt_actions_describe(cli, &known);
            rc = pt_cli_usage(cli,
                              "unknown action \"%s\"; the actions are (%s) (see ptrack workflow)",
                              args->pos[1], pt_buf_str(&known));
            pt_buf_free(&known);
            return rc;
        }
        action = named;
    }
    if (!valid_action_name(action)) {
        /* A label (签收) is found in the workflow. When the workflow could
         * not be read, what kept it from being read is what to tell: ptrackd
         * down (exit 3), a token it no longer takes (exit 1), not that 签收
         * is no action. */
        if (!pt_cli_workflow(cli)) {
            pt_response_t resp;
            rc = pt_cli_call(cli, "GET", "/v1/workflow", NULL, NULL, &resp, NULL);
            pt_response_free(&resp);
            if (rc != PT_EXIT_OK)
                return rc;
        }
        return pt_cli_usage(cli, "\"%s\" is not an action (see ptrack workflow)", args->pos[1]);
    }
    const char *if_match = pt_args_value(args, "if-match");
    if (if_match)
        if_match = pt_input_fold(cli, if_match);
    if (if_match && pt_args_int(if_match, &version) != 0)
        return pt_cli_usage(cli, "--if-match takes a version number, not \"%s\"", if_match);

    cJSON *body = pt_xcheck(cJSON_CreateObject());
    size_t n;
    const char **sets = pt_args_list(args, "set", &n);
    pt_action_fields_t fields = {.cli = cli, .action = action};
    for (int file = 0; file < 2; file++) {
        if (file)
            sets = pt_args_list(args, "set-file", &n);
        for (size_t i = 0; i < n; i++) {
            /* 答复文号=…: the field's Chinese name. */
            char *coded;
            if (pt_action_field_from_input(cli, action, sets[i], &coded) != PT_EXIT_OK) {
                cJSON_Delete(body);
                return PT_EXIT_USAGE;
            }
            const char *kv = coded ? coded : sets[i];
            int bad = file ? pt_args_set_file(body, kv, cli->cmd)
                           : pt_args_set_typed(body, kv, cli->cmd, pt_field_type_action, &fields);
            free(coded);
            if (bad != 0) {
                cJSON_Delete(body);
                return PT_EXIT_USAGE;
            }
        }
    }
    /* 不满意, a, ２０２７-03-01: the values typed as the workflow's fields
     * take them (before the units, which read the mode). */
    if ((rc = pt_fields_action_input(cli, action, body)) != PT_EXIT_OK) {
        cJSON_Delete(body);
        return rc;
    }
    const char **units = pt_args_list(args, "unit", &n);
    if (n > 0 && takes_units(cli, action)) {
        if ((rc = assign_units(cli, body, units, n)) != PT_EXIT_OK) {
            cJSON_Delete(body);
            return rc;
        }
    } else if (n > 1) {
        cJSON_Delete(body);
        if (!pt_cli_workflow(cli))
            return pt_cli_usage(cli,
                                "cannot read the workflow from ptrackd to tell whether %s takes "
                                "several units (--unit was given %zu times)",
                                action, n);
        return pt_cli_usage(cli, "%s concerns one unit; --unit was given %zu times", action, n);
    } else if (n == 1) {
        char *name;
        const char *role;
        split_unit(units[0], &name, &role);
        free(name);
        if (role) {
            cJSON_Delete(body);
            return pt_cli_usage(cli,
                                "a role (:%s) only goes with an action that takes units "
                                "(assign, reassign); %s takes one unit",
                                role, action);
        }
        cJSON_DeleteItemFromObjectCaseSensitive(body, "unit");
        pt_json_add_str(body, "unit", units[0]);
    }
    /* "--set due_at=2027-04-30" means by the end of that local day, not at
     * midnight UTC, which in Beijing is 08:00 of it and in New York the day
     * before. */
    const char *typed_due = pt_json_str(body, "due_at");
    char day[40];
    if (typed_due && pt_time_local_day(typed_due, PT_DAY_END, day, sizeof day) != typed_due) {
        cJSON_DeleteItemFromObjectCaseSensitive(body, "due_at");
        pt_json_add_str(body, "due_at", day);
    }
    const char *note = pt_args_value(args, "note");
    if (note) {
        cJSON_DeleteItemFromObjectCaseSensitive(body, "note");
        pt_json_add_str(body, "note", note);
    }

    pt_buf_t path = {0};
    pt_response_t resp;
    pt_buf_printf(&path, "/v1/proposals/%lld/actions/%s", id, action);
    /* Like an add, an action is sent once more with the same key when the
     * connection breaks after it went out: done once, whatever came of the
     * first. */
    char key[33];
    pt_request_opts_t o = {.if_match = if_match};
    if (pt_client_idempotency_key(key) == 0) {
        o.idempotency_key = key;
        o.retry_after_send = true;
    }
    rc = pt_cli_call(cli, "POST", pt_buf_str(&path), body, &o, &resp, NULL);
    if (rc == PT_EXIT_OK) {
        if (cli->json) {
            pt_json_print(resp.json, stdout);
        } else {
            const char *status = pt_json_str(resp.json, "status");
            const char *due = pt_json_str(resp.json, "due_at");
            char when[40];
            pt_buf_t state = {0};
            printf("#%lld  %s", id, pt_label_state_named(cli, status, &state));
            pt_buf_free(&state);
            /* The deadline, while it runs (not for a closed or returned
             * proposal, whose due_at is history), with 逾期 once it has
             * passed, as list marks it: a unit that signs for a proposal
             * already late is told so, not shown a date alone. */
            if (due && *due && pt_state_clock_runs(cli, status)) {
                printf("  期限 due %s", pt_time_show(due, PT_TIME_DATE, when, sizeof when));
                if (pt_json_bool(resp.json, "overdue", false))
                    printf(" 逾期 overdue");
            }
            printf("  版本 version %.0f\n", pt_json_num(resp.json, "version", 0));
            print_awaiting(cli, action, resp.json);
        }
    }
    pt_response_free(&resp);
    pt_buf_free(&path);
    cJSON_Delete(body);
    return rc;
}

const pt_command_t pt_cmd_do = {
    .name = "do",
    .args = "ID ACTION",
    .summary = "run a workflow action (assign, sign, reply, feedback, ...) on a proposal",
    .description =
        "Sends POST /v1/proposals/ID/actions/ACTION with the action's fields and\n"
        "prints the new state. ACTION is a code (assign, in any case) or its label\n"
        "(交办); `ptrack workflow` lists them with their fields, and an ACTION that is\n"
        "none of them is a usage error that names them. --set gives a field, by its\n"
        "code or its Chinese name (答复文号=, 满意度=, 理由=, 意见=, 期限=): a text\n"
        "field (string, text, enum or time in the workflow: doc_no, reason, ...)\n"
        "takes the value as text; any other takes JSON when it parses (true, 12,\n"
        "[..], {..}). For assign and reassign (any action whose workflow field\n"
        "`units` has the type units), --unit NAME[:ROLE] adds a unit: the first\n"
        "leads (主办), the others assist (协办), unless a role names the lead\n"
        "(省财政厅:co or 省水利厅:lead); with --set mode=separate all are 分办. When\n"
        "no mode is set it is separate when a --unit has the role separate (the units\n"
        "without a role are then 分办 too), else single for one unit, lead_co for\n"
        "several. For other actions --unit NAME sets the one `unit` field. When the\n"
        "state does not allow the action, the error names the actions it does allow.\n"
        "\n"
        "Examples (a lead and a co unit: the co unit's opinion comes before the reply):\n"
        "  ptrack do 12 assign --unit 省水利厅 --unit 省财政厅 --note 请抓紧办理\n"
        "  ptrack do 12 sign --unit 省水利厅\n"
        "  ptrack do 12 opinion --unit 省财政厅 --set opinion=同意主办单位意见\n"
        "  ptrack do 12 extend --set due_at=2026-09-30 --if-match 7   (by the end of that day)\n"
        "  ptrack do 12 reply --unit 省水利厅 --set doc_no=晋水函〔2026〕15号 \\\n"
        "      --set category=A --set-file text=答复.txt\n"
        "  ptrack do 12 feedback --set 代表=张三 --set 满意度=满意\n",
    .opts = opts,
    .min_pos = 2,
    .max_pos = 2,
    .run = run,
};

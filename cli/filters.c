/*
 * filters.c - the list filters as options: see filters.h.
 */
#include "filters.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "json.h"
#include "labels.h"
#include "names.h"
#include "times.h"

/* The most days --due-within takes: a hundred years, far past any
 * deadline, and well inside what a time_t and RFC 3339 can hold. */
#define DUE_WITHIN_MAX 36500

/* Adds param=a,b to q from v, a list split as co-signers are (names.h:
 * "办理中 重新办理" too, as "张三 李四" is two names, while "under review"
 * stays one), each item made a code by `one`, which returns NULL after a
 * usage message for an item it cannot take. An item between separators
 * that `whole` takes as it is (an office's label with a blank in it, 退回
 * 待改派) is not split on its blanks. A list of nothing but separators is
 * sent as typed, for ptrackd to refuse. */
static int add_list(pt_cli_t *cli, char **q, const char *param, const char *v,
                    const char *(*one)(pt_cli_t *cli, const char *item),
                    const char *(*whole)(pt_cli_t *cli, const char *item))
{
    cJSON *items = cJSON_CreateArray(), *names = cJSON_CreateArray();
    pt_buf_t b = {0};
    const cJSON *it;
    int rc = PT_EXIT_OK;
    if (items && names) {
        pt_names_append(items, v);
        cJSON_ArrayForEach(it, items)
        {
            if (whole(cli, it->valuestring))
                pt_json_push(names, pt_xcheck(cJSON_CreateString(it->valuestring)));
            else
                pt_people_append(names, it->valuestring);
        }
    }
    cJSON_ArrayForEach(it, names)
    {
        const char *code = one(cli, it->valuestring);
        if (!code) {
            rc = PT_EXIT_USAGE;
            break;
        }
        if (b.len)
            pt_buf_putc(&b, ',');
        pt_buf_puts(&b, code);
    }
    if (rc == PT_EXIT_OK)
        pt_client_query_add(q, param, b.len ? pt_buf_str(&b) : v);
    pt_buf_free(&b);
    cJSON_Delete(items);
    cJSON_Delete(names);
    return rc;
}

/* --status 办理中，重新办理: one state or several, each a code or its
 * label, or its code or English label in another case (Handling). What is
 * none of them (办里中, handlign) is found here, where the workflow was read
 * to look it up, and answered with the states a person may type, as a
 * usage error before anything is sent. A workflow that cannot be read
 * leaves the value as typed for ptrackd to judge. */
static const char *one_state(pt_cli_t *cli, const char *item)
{
    const char *state = pt_state_from_input(cli, item);
    if (!pt_cli_workflow(cli) || pt_state_known(cli, state))
        return state;
    const char *named = pt_state_from_name(cli, state);
    if (named)
        return named;
    pt_buf_t known = {0};
    pt_states_describe(cli, &known);
    pt_cli_usage(cli, "--status \"%s\" is not a state; the states are (%s)", item,
                 pt_buf_str(&known));
    pt_buf_free(&known);
    return NULL;
}

/* Whether item, as typed, is a state of the workflow read (its code or a
 * label of it): then it is one, blanks and all. Says nothing. */
static const char *whole_state(pt_cli_t *cli, const char *item)
{
    if (!pt_cli_workflow(cli))
        return NULL;
    const char *state = pt_state_from_input(cli, item);
    return pt_state_known(cli, state) ? state : pt_state_from_name(cli, state);
}

/* --todo 签收，答复: the parts of a unit's work, each a code, a name of it
 * or an action that does it (pt_todo_from_input); 全部 (all) is every
 * part. */
static const char *one_todo(pt_cli_t *cli, const char *item)
{
    const char *w = pt_input_fold(cli, item);
    if (strcmp(w, "全部") == 0 || strcmp(w, "all") == 0)
        return "sign,opinion,reply";
    const char *part = pt_todo_from_input(cli, w);
    /* An office's own name for a part (签收登记) is found in the workflow;
     * one that cannot be read leaves the item as typed for ptrackd to
     * judge, as one_state does, so that what kept it from being read
     * (ptrackd down, a token it no longer takes) is what is told. */
    if (!part && !pt_cli_workflow(cli))
        return w;
    if (!part)
        pt_cli_usage(cli,
                     "--todo \"%s\" is not a part of a unit's work; give 签收 (sign), 协办意见 "
                     "(opinion), 答复 (reply), several (签收，答复) or 全部 (all)",
                     item);
    return part;
}

/* Whether item, as typed, is a part of a unit's work, or an action of the
 * workflow that does one (签收 登记). Says nothing; reads the workflow
 * only for what is not a part's own name, as one_todo does. */
static const char *whole_todo(pt_cli_t *cli, const char *item)
{
    return pt_todo_from_input(cli, item);
}

/* The longest value ptrackd takes for one filter, in bytes (api.md). */
#define FILTER_MAX 1000

/* The characters of UTF-8 text: its bytes but continuation bytes. */
static size_t characters(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int pt_filters_query(pt_cli_t *cli, const pt_args_t *args, char **q)
{
    static const struct {
        const char *opt, *param;
    } plain[] = {{"session", "session"}, {"number", "number"}, {"delegation", "delegation"},
                 {"unit", "unit"},       {"person", "person"}, {"category", "category"},
                 {"tag", "tag"},         {"search", "q"}};
    const char *v;
    if ((v = pt_args_value(args, "status")) &&
        add_list(cli, q, "status", v, one_state, whole_state) != PT_EXIT_OK)
        return PT_EXIT_USAGE;
    if ((v = pt_args_value(args, "kind")))
        pt_client_query_add(q, "kind", pt_kind_from_input(cli, v));
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (!(v = pt_args_value(args, plain[i].opt)))
            continue;
        /* ptrackd would refuse it naming its own parameter (q: for
         * --search); a search of many kilobytes would not even reach it
         * (431, the request line too long). */
        if (strlen(v) > FILTER_MAX)
            return pt_cli_usage(cli,
                                "--%s is longer than %d bytes (%zu bytes, %zu characters; a "
                                "Chinese character takes 3 bytes, so at most %d of them)",
                                plain[i].opt, FILTER_MAX, strlen(v), characters(v), FILTER_MAX / 3);
        pt_client_query_add(q, plain[i].param, v);
    }
    /* Both would be sent as due_before, and only one could count. */
    if (pt_args_value(args, "due-before") && pt_args_value(args, "due-within"))
        return pt_cli_usage(cli, "--due-before and --due-within both say by when; give one");
    if ((v = pt_args_value(args, "due-within"))) {
        /* "--due-within 7": due before this moment seven days on. ptrackd
         * matches only proposals whose deadline runs (the state's clock);
         * one already overdue is due before then too. */
        long long days;
        char when[40], num[24];
        const char *n = pt_input_fold(cli, v);
        /* "7天" or "7日" as one says it, or "7d" as the config writes a
         * duration: the unit is the one this option counts in anyway; and
         * "7 天", as it is typed too, with a blank before the unit. */
        size_t len = strlen(n), cut = 0;
        if (len > 3 && (strcmp(n + len - 3, "天") == 0 || strcmp(n + len - 3, "日") == 0))
            cut = 3;
        else if (len > 1 && (n[len - 1] == 'd' || n[len - 1] == 'D'))
            cut = 1;
        while (cut && len - cut > 1 && n[len - cut - 1] == ' ')
            cut++;
        if (cut && len - cut < sizeof num) {
            snprintf(num, sizeof num, "%.*s", (int)(len - cut), n);
            n = num;
        }
        if (pt_args_int(n, &days) != 0 || days < 1 || days > DUE_WITHIN_MAX)
            return pt_cli_usage(cli, "--due-within takes a number of days from 1 to %d, not \"%s\"",
                                DUE_WITHIN_MAX, v);
        pt_client_query_add(q, "due_before",
                            pt_time_after_days(time(NULL), days, when, sizeof when));
    }
    if ((v = pt_args_value(args, "due-before"))) {
        /* "--due-before 2027-05-02": due on 05-01 or earlier, so before the
         * local day 05-02 begins (ptrackd would read a bare date as UTC). */
        char day[40];
        v = pt_input_fold(cli, v);
        if (!pt_time_input_ok(v))
            return pt_cli_usage(cli, "--due-before takes " PT_TIME_INPUT_HINT ", not \"%s\"",
                                pt_args_value(args, "due-before"));
        pt_client_query_add(q, "due_before", pt_time_local_day(v, PT_DAY_START, day, sizeof day));
    }
    if (pt_args_flag(args, "key-supervision"))
        pt_client_query_add(q, "key_supervision", "true");
    if (pt_args_flag(args, "overdue"))
        pt_client_query_add(q, "overdue", "true");
    if ((v = pt_args_value(args, "todo")) &&
        add_list(cli, q, "todo", v, one_todo, whole_todo) != PT_EXIT_OK)
        return PT_EXIT_USAGE;
    return PT_EXIT_OK;
}

/*
 * filters.h - the list filters as options (`--status 办理中 --unit 教育部`),
 * shared by the commands that take them (list, export, stats).
 */
#ifndef PT_CLI_FILTERS_H
#define PT_CLI_FILTERS_H

#include "cli.h"

/* The filter options, for a command's option table. (Laid out by hand:
 * clang-format indents the entries of a macro's initializer unevenly.) */
/* clang-format off */
#define PT_FILTER_OPTS \
    {"status", PT_OPT_VALUE, "STATE", \
     "only this state, a code (handling) or its label (办理中), or several (办理中，重新办理)"}, \
    {"kind", PT_OPT_VALUE, "KIND", "suggestion|motion|proposal|other, or 建议|议案|提案|其他"}, \
    {"session", PT_OPT_VALUE, "TEXT", "only this session (届次)"}, \
    {"number", PT_OPT_VALUE, "TEXT", "only the proposals with this number (编号; one per session)"}, \
    {"delegation", PT_OPT_VALUE, "TEXT", "only this delegation (代表团)"}, \
    {"unit", PT_OPT_VALUE, "NAME", "only proposals assigned to this unit (承办单位)"}, \
    {"person", PT_OPT_VALUE, "NAME", "only proposals this person leads or co-signed (领衔或联名代表)"}, \
    {"category", PT_OPT_VALUE, "TEXT", "only this category"}, \
    {"tag", PT_OPT_VALUE, "TAG", "only proposals with this tag"}, \
    {"key-supervision", PT_OPT_FLAG, NULL, "only proposals under key supervision (重点督办)"}, \
    {"overdue", PT_OPT_FLAG, NULL, "only overdue proposals (逾期)"}, \
    {"todo", PT_OPT_VALUE, "PARTS", \
     "only proposals where the unit still has to 签收 (sign), 协办意见 (opinion) or 答复 " \
     "(reply): one, several (签收，答复) or 全部 (all); the unit is --unit or your own"}, \
    {"due-before", PT_OPT_VALUE, "DATE", \
     "only proposals due before the local day DATE begins (2026-06-30, 2026/6/30, " \
     "2026年6月30日), or RFC 3339"}, \
    {"due-within", PT_OPT_VALUE, "DAYS", "only proposals due within the next DAYS days (overdue ones too)"}, \
    {"search", PT_OPT_VALUE, "TEXT", "full text in title, background, recommendations"}
/* clang-format on */

/* Adds the query parameters of the filter options given in args to *q
 * (labels such as 办理中 or 建议 become the codes the API takes; --due-within
 * DAYS becomes due_before = now + DAYS days). Returns PT_EXIT_OK, or
 * PT_EXIT_USAGE after a message when --due-before is not a time
 * (pt_time_input_ok), --due-within is not a number of days, or both are
 * given, or --status names a label that is no state of the workflow, or
 * --todo a part that is none of sign, opinion and reply (pt_todo_from_input). */
int pt_filters_query(pt_cli_t *cli, const pt_args_t *args, char **q);

#endif

/*
 * proposal-opts.h - a proposal's fields as options (--kind 建议, --co-signer
 * 王秀英，张建军, ...), shared by add and edit, so that both take the same
 * options and turn them into the same JSON members.
 *
 * Each command declares --title itself (add requires it, edit cannot clear
 * it) and then PT_PROPOSAL_OPTS; pt_proposal_opts_body reads them all.
 */
#ifndef PT_CLI_PROPOSAL_OPTS_H
#define PT_CLI_PROPOSAL_OPTS_H

#include <stdbool.h>

#include "cli.h"

/* The field options but --title, for a command's option table. */
#define PT_PROPOSAL_OPTS                                                                           \
    {"kind", PT_OPT_VALUE, "KIND", "suggestion|motion|proposal|other, or 建议|议案|提案|其他"},    \
        {"session", PT_OPT_VALUE, "TEXT", "届次, e.g. 十四届全国人大四次会议"},                    \
        {"number", PT_OPT_VALUE, "TEXT", "编号, unique within the session"},                       \
        {"delegation", PT_OPT_VALUE, "TEXT", "代表团, e.g. 山西代表团"},                           \
        {"lead-author", PT_OPT_VALUE, "NAME", "领衔代表 / 第一提案人"},                            \
        {"co-signer", PT_OPT_LIST, "NAME",                                                         \
         "联名代表 / 附议人; several in one value are split on 、，,;； (and on blanks " \
         "between Chinese names: 张三 李四)"},                                                     \
        {"submitter-type", PT_OPT_VALUE, "TYPE",                                                   \
         "individual|joint|delegation|group, or 个人|联名|代表团|集体"},                           \
        {"category", PT_OPT_VALUE, "TEXT", "类别, from the office's list"},                        \
        {"background", PT_OPT_VALUE, "TEXT", "背景/案由分析; @FILE reads it from a file"},         \
        {"recommendation", PT_OPT_LIST, "TEXT", "one numbered ask (一是…), in order"},             \
    {                                                                                              \
        "tag", PT_OPT_LIST, "TAG", "a free tag; several in one value are split on 、，,;；"     \
    }

/* Adds to body the member of each field option given in args (--title
 * and PT_PROPOSAL_OPTS): kind and submitter_type as typed (the caller folds
 * them with pt_fields_proposal_input), co-signers and tags split
 * (names.h), --background @FILE read from the file. With empty_clears (an
 * edit), an option given as "" (a list option: only as "") sets its field
 * to null, which a merge patch reads as "clear it"; ptrackd refuses that
 * for a field that cannot be cleared (title), and says so. Returns
 * PT_EXIT_OK, or PT_EXIT_USAGE after a message. */
int pt_proposal_opts_body(pt_cli_t *cli, const pt_args_t *args, cJSON *body, bool empty_clears);

/* The name of the first field option (--title or one of PT_PROPOSAL_OPTS)
 * given in args, or NULL when none is. */
const char *pt_proposal_opts_given(const pt_args_t *args);

#endif

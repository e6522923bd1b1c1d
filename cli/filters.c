/*
 * filters.c - the list filters as options: see filters.h.
 */
#include "filters.h"

#include <stddef.h>

#include "labels.h"

void pt_filters_query(pt_cli_t *cli, const pt_args_t *args, char **q)
{
    static const struct {
        const char *opt, *param;
    } plain[] = {{"session", "session"},
                 {"delegation", "delegation"},
                 {"unit", "unit"},
                 {"person", "person"},
                 {"category", "category"},
                 {"tag", "tag"},
                 {"due-before", "due_before"},
                 {"search", "q"}};
    const char *v;
    if ((v = pt_args_value(args, "status")))
        pt_client_query_add(q, "status", pt_state_from_input(cli, v));
    if ((v = pt_args_value(args, "kind")))
        pt_client_query_add(q, "kind", pt_kind_from_input(v));
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if ((v = pt_args_value(args, plain[i].opt)))
            pt_client_query_add(q, plain[i].param, v);
    if (pt_args_flag(args, "key-supervision"))
        pt_client_query_add(q, "key_supervision", "true");
    if (pt_args_flag(args, "overdue"))
        pt_client_query_add(q, "overdue", "true");
}

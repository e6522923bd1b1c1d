/*
 * formula-guard.c - the apostrophe against spreadsheet formulas in CSV
 * cells (see formula-guard.h).
 */
#include "formula-guard.h"

#include <string.h>

bool pt_formula_needs_guard(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == '\'')
        i++;
    /* memchr rather than strchr: the NUL of the set is no trigger. */
    return i < n && memchr("=+-@\t\r", s[i], 6) != NULL;
}

bool pt_formula_has_guard(const char *s, size_t n)
{
    return n > 0 && s[0] == '\'' && pt_formula_needs_guard(s + 1, n - 1);
}

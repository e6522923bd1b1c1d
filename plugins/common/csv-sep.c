/*
 * csv-sep.c - the separators of the CSV importers (see csv-sep.h).
 */
#include "csv-sep.h"

#include <string.h>

char pt_csv_sep_parse(const char *text)
{
    if (!text)
        return 0;
    if (strcmp(text, ",") == 0 || strcmp(text, "comma") == 0)
        return ',';
    if (strcmp(text, ";") == 0 || strcmp(text, "semicolon") == 0)
        return ';';
    if (strcmp(text, "\t") == 0 || strcmp(text, "\\t") == 0 || strcmp(text, "tab") == 0)
        return '\t';
    return 0;
}

bool pt_csv_sep_line(const char *s, size_t n, char *sep, size_t *len)
{
    if (n < 5 || memcmp(s, "sep=", 4) != 0)
        return false;
    /* "sep=" then one character, then the end of the line. */
    size_t i = 5;
    if (s[4] == '\r' || s[4] == '\n')
        i = 4;
    if (i < n && s[i] != '\r' && s[i] != '\n')
        return false;
    char c = i == 5 ? s[4] : 0;
    *sep = c == ',' || c == ';' || c == '\t' ? c : 0;
    if (i < n && s[i] == '\r')
        i++;
    if (i < n && s[i] == '\n')
        i++;
    *len = i;
    return true;
}

/*
 * names.h - a list of names typed as one value.
 *
 * People paste co-signers as they stand in a document or a spreadsheet
 * cell: "王秀英，张建军、刘丽萍". ptrackd stores each name on its own, and a
 * delegate's token finds a proposal only by a name stored whole, so the
 * client splits such a value before it sends it, by the rule the CSV
 * importer applies to a cell of co-signers (plugins/import_csv,
 * csv_split_names): on 、 ， , ; ； and line breaks, each name trimmed, empty
 * ones dropped. One rule for both ways in, so an import and an add store
 * the same text the same way. Co-signers are also split on blanks,
 * "张三 李四　王五", when every piece looks like a Chinese person's name
 * (csv_split_people), so that "John Smith" stays one name. Tags are typed
 * so too ("交通，民生"), and the CSV importer splits a cell of them by the
 * first rule, so they are split here as well.
 */
#ifndef PT_CLI_NAMES_H
#define PT_CLI_NAMES_H

#include <cjson/cJSON.h>

/* Appends the names in text to the array arr. */
void pt_names_append(cJSON *arr, const char *text);
/* Appends the names of people in text (co-signers) to the array arr. */
void pt_people_append(cJSON *arr, const char *text);

/* When obj[key] is a string (--set co_signers=王秀英，张建军), replaces it
 * with the array of the names it holds (of people for co_signers); any
 * other value is left as it is (a JSON array is taken as given, null
 * clears the field). */
void pt_names_field(cJSON *obj, const char *key);

#endif
